#pragma once
/// Streaming summaries of many series (e.g. each outcome's level in each year) fed block by block by the
/// simulation's worker threads. Moments are merged in block order (floating-point sums depend on order);
/// extremes, positive counts and histogram counts are order-free (min, max and integer sums), so they are
/// kept per thread and added at the end. Either way the result does not depend on the thread count.
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace socval::engine::detail {

/// Bytes written in a fixed little-endian layout (parts and checkpoints; x86-64 and aarch64 are little-endian).
struct ByteWriter {
    std::vector<std::uint8_t> out;
    void u64(std::uint64_t v);
    void f64(double v);
    template <class T> void array(const std::vector<T>& v) {
        u64(v.size());
        const auto* p = reinterpret_cast<const std::uint8_t*>(v.data());
        out.insert(out.end(), p, p + v.size() * sizeof(T));
    }
};

/// Reads what ByteWriter wrote; SamplingError naming `what` on bytes that end early or hold a bad size.
class ByteReader {
public:
    ByteReader(const std::uint8_t* data, std::size_t size, std::string what) : p_(data), n_(size), what_(std::move(what)) {}
    std::uint64_t u64();
    double f64();
    template <class T> std::vector<T> array() {
        const std::uint64_t count = u64();
        need(count, sizeof(T));
        std::vector<T> v(static_cast<std::size_t>(count));
        if (count) std::copy_n(p_ + at_, static_cast<std::size_t>(count) * sizeof(T), reinterpret_cast<std::uint8_t*>(v.data()));
        at_ += static_cast<std::size_t>(count) * sizeof(T);
        return v;
    }
    bool done() const { return at_ == n_; }
    [[noreturn]] void fail(const std::string& message) const;

private:
    void need(std::uint64_t count, std::size_t width);
    const std::uint8_t* p_;
    std::size_t n_, at_ = 0;
    std::string what_;
};

/// Moments of one block of every series: count, mean and sum of squared deviations.
struct BlockMoments {
    std::uint64_t n = 0;
    std::vector<double> mean, m2;  ///< [series]
};

/// The running sums of one block of every series while it is fed in parts (the Evaluator's sub-blocks):
/// the same lane accumulators as one block_stats() pass, so the block's moments do not depend on the parts.
struct BlockSums {
    std::vector<double> s1, s2;  ///< [series * 8]: shifted sum and sum of squares, per accumulator lane
    /// [series * 8]: extremes and positive counts per lane, folded into a thread's LocalCounts by finish() (once a
    /// block, not once a part: order-free, so the same counts).
    std::vector<double> lo, hi, pos;
};

/// Per-thread order-free accumulators.
struct LocalCounts {
    std::vector<double> min, max;          ///< [series]
    std::vector<std::uint64_t> positive;   ///< [series]: values > 0
    /// [series * (bins + 2)]: under, bins, over. Allocated at the first flush of `recent` (empty until then).
    std::vector<std::uint32_t> histogram;
    /// The counting's working set: 16-bit counts of the values since the last flush into `histogram` (half the
    /// cache footprint of 32-bit counts, the counting being bound by cache misses), flushed before any count
    /// could pass 65,535; merges add both. Integer sums, so the counts are the same either way. Allocated by the
    /// first histogram() call.
    std::vector<std::uint16_t> recent;
    std::uint32_t recent_values = 0;       ///< values per series counted into `recent` since the last flush
    /// Bin indices of values not yet counted ([series * kPending], the first `pending_values` of each series): a
    /// part's values are binned as they come and counted into `recent` kPending at a time, so that each series'
    /// counts are brought into the cache once per kPending values instead of once per part (the counting is
    /// bound by cache misses). Merges count them too. Used when the bins fit 16-bit indices (bins + 2 <= 65,536);
    /// otherwise values are counted as they come.
    std::vector<std::uint16_t> pending;
    std::uint32_t pending_values = 0;
};

/// Values per series binned before they are counted (LocalCounts::pending).
constexpr std::size_t kPending = 256;

/// The vectorised passes (compiled for AVX-512, AVX2 and baseline x86-64; the same bits in each).
void lane_sums(const double* const* x, std::size_t series, std::size_t whole, const double* shift, double* s1,
               double* s2, double* lo, double* hi, double* pos);
void count_bins(const double* v, std::size_t n, double lo, double iw, int bins, std::uint16_t* h);
void bin_indices(const double* v, std::size_t n, double lo, double iw, int bins, std::uint16_t* out);

/// Summaries of `series` series with histograms of `bins` bins whose edges are set from a pilot block.
class SeriesSummaries {
public:
    SeriesSummaries(int series, int bins);

    /// Histogram edges from the pilot block: [min - r/4, max + r/4] with r = max - min (a tiny interval around
    /// the value when the pilot is constant); x[s] points to n values of series s.
    void set_edges(const double* const* x, std::size_t n);
    /// set_edges() fed in parts of the pilot block, in draw order (the same sums, so the same edges).
    void begin_edges();
    void add_edges(const double* const* x, std::size_t n);
    void finish_edges(std::size_t n);

    /// Moments of one block (one pass, shifted by the pilot mean for accuracy) into `out`; extremes and counts
    /// of positive values into a thread's accumulators.
    void block_stats(const double* const* x, std::size_t n, BlockMoments& out, LocalCounts& local) const;
    /// block_stats() fed in parts: begin(), then add() each part in order (every part but the last a whole
    /// number of 8 values), then finish() with the block's size. Bit-identical to one block_stats() call.
    void begin(BlockSums& sums) const;
    void add(const double* const* x, std::size_t n, BlockSums& sums, LocalCounts& local) const;
    void finish(const double* const* last, std::size_t n_last, std::size_t n, BlockSums& sums, BlockMoments& out,
                LocalCounts& local) const;
    /// Histogram counts of the first n values of each series, into a thread's accumulators.
    void histogram(const double* const* x, std::size_t n, LocalCounts& local) const;
    /// Fresh per-thread accumulators.
    LocalCounts make_local() const;

    /// Absorb the next block's moments (callers keep block order; Chan, Golub & LeVeque 1979).
    void merge(const BlockMoments& block);
    /// Absorb a thread's order-free accumulators.
    void merge(const LocalCounts& local);
    /// Absorb a thread's histogram counts now and free them (the thread counts no more values).
    void merge_histogram(LocalCounts& local);

    /// The histogram edges and moment shifts (set from the pilot block), as bytes and back.
    void save_edges(ByteWriter& w) const;
    void load_edges(ByteReader& r);
    /// The order-free counts (extremes, positive counts, histograms), as bytes; load_counts adds them.
    void save_counts(ByteWriter& w) const;
    void add_counts(ByteReader& r);
    /// The merged moments (count, means, sums of squared deviations), as bytes and back.
    void save_moments(ByteWriter& w) const;
    void load_moments(ByteReader& r);

    int series() const { return series_; }
    std::uint64_t count() const { return n_; }
    double mean(int s) const { return mean_[static_cast<std::size_t>(s)]; }
    /// Sample standard deviation (divisor n - 1); 0 when n < 2.
    double sd(int s) const;
    double min(int s) const { return min_[static_cast<std::size_t>(s)]; }
    double max(int s) const { return max_[static_cast<std::size_t>(s)]; }
    /// Fraction of values > 0.
    double p_positive(int s) const;
    /// q-quantile from the histogram, linear within a bin, the under/overflow bins spanning [min, lo] and
    /// [hi, max]; clamped to [min, max]; exact at q = 0 and q = 1.
    double quantile(int s, double q) const;

private:
    /// Count the pending bin indices of a thread into its 16-bit counts.
    void count_pending(LocalCounts& local) const;
    /// Add a thread's pending bin indices to the merged counts (and forget them).
    void merge_pending(const LocalCounts& local);

    int series_, bins_;
    std::vector<double> lo_, inv_width_, width_, shift_;
    std::vector<double> pilot_lo_, pilot_hi_, pilot_sum_;  ///< between begin_edges() and finish_edges()
    std::uint64_t n_ = 0;
    std::vector<double> mean_, m2_, min_, max_;
    std::vector<std::uint64_t> positive_;
    /// 32-bit counts: a histogram counts at most quantile_draws values, which simulate() keeps below 2^32.
    std::vector<std::uint32_t> histogram_;
};

}  // namespace socval::engine::detail
