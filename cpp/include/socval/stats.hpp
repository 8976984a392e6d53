#pragma once
/// Streaming summaries for the engine: mergeable moments (Welford; Chan et al. pairwise merge), min / max, and a
/// mergeable quantile sketch (merging t-digest, Dunning & Ertl 2019) with deterministic compaction; plus an exact
/// summary of a full vector of per-draw values. Thread invariance: the engine merges block summaries in block
/// order; every merge here is a deterministic function of its inputs and their order.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace socval {

/// Count, mean, variance, min and max of a stream, mergeable.
class RunningMoments {
public:
    /// Add one value (Welford 1962).
    void add(double x);
    /// Add n values.
    void add_block(const double* x, std::size_t n);
    /// Absorb another summary (Chan, Golub & LeVeque 1979 pairwise update); `other` is taken as coming after.
    void merge(const RunningMoments& other);

    std::uint64_t count() const { return n_; }
    double mean() const { return mean_; }
    /// Sample variance (divisor n - 1); 0 when count < 2.
    double variance() const;
    /// Sample standard deviation.
    double sd() const;
    /// Smallest / largest value seen (+inf / -inf when empty).
    double min() const { return min_; }
    double max() const { return max_; }

private:
    std::uint64_t n_ = 0;
    double mean_ = 0.0;
    double m2_ = 0.0;
    double min_ = __builtin_huge_val();
    double max_ = -__builtin_huge_val();
};

/// Mergeable quantile sketch: a merging t-digest (Dunning & Ertl 2019) with scale function
/// k1(q) = delta / (2 pi) asin(2q - 1). Memory O(delta): at most ~delta centroids plus a buffer of 10 delta values.
/// Deterministic: the state is a function of the sequence of add() and merge() calls only (quantile() does not
/// change it). Accuracy measured in docs/model/sampling.md (stats section).
class QuantileSketch {
public:
    /// Compression delta (more centroids, more accuracy); values below 20 are raised to 20.
    explicit QuantileSketch(double compression = 200.0);
    /// Add one value (NaN ignored).
    void add(double x);
    /// Add n values.
    void add_block(const double* x, std::size_t n);
    /// Absorb another sketch (its centroids and buffer are appended, then compressed as needed).
    void merge(const QuantileSketch& other);
    /// Estimated q-quantile, q in [0, 1] (NaN outside or when empty). Exact min at q = 0 and max at q = 1.
    double quantile(double q) const;
    /// Estimated fraction of values <= x.
    double cdf(double x) const;
    /// Total weight (number of values added).
    double count() const;
    /// Number of centroids plus buffered values (memory check).
    std::size_t size() const { return means_.size() + buf_means_.size() + values_.size(); }
    double compression() const { return delta_; }

private:
    void push(double mean, double weight);
    void compress();
    double delta_;
    std::vector<double> means_;    // centroid means, sorted
    std::vector<double> weights_;  // centroid weights
    std::vector<double> buf_means_, buf_weights_;  // centroids from merge(), not yet compressed
    std::vector<double> values_;                   // values from add(), not yet compressed
    double min_ = __builtin_huge_val();
    double max_ = -__builtin_huge_val();
};

/// A summary of a stream: moments plus quantile sketch.
struct StreamSummary {
    RunningMoments moments;
    QuantileSketch quantiles;
    void add(double x) { moments.add(x); quantiles.add(x); }
    void add_block(const double* x, std::size_t n) { moments.add_block(x, n); quantiles.add_block(x, n); }
    void merge(const StreamSummary& o) { moments.merge(o.moments); quantiles.merge(o.quantiles); }
};

/// Exact headline summary of a full vector of per-draw values.
struct ExactSummary {
    std::size_t n = 0;
    double mean = 0.0;
    double sd = 0.0;  ///< sample sd (divisor n - 1)
    double p5 = 0.0;
    double p50 = 0.0;
    double p95 = 0.0;
    double p_positive = 0.0;  ///< fraction of values > 0
};

/// Exact q-quantile of x[0..n) with linear interpolation between order statistics (Hyndman & Fan type 7,
/// numpy's default): h = (n - 1) q. Copies the data. NaN when n == 0.
double exact_quantile(const double* x, std::size_t n, double q);
/// Exact quantiles at several levels (one sort).
std::vector<double> exact_quantiles(const double* x, std::size_t n, const std::vector<double>& qs);
/// mean, sd, p5, p50, p95 (type 7) and P(x > 0) of x[0..n).
ExactSummary summarise(const double* x, std::size_t n);

}  // namespace socval
