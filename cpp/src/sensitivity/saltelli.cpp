/// Saltelli design and the Sobol index estimators (first order, total, second order), bootstrap intervals,
/// convergence against sample size.
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "detail.hpp"
#include "socval/sensitivity.hpp"

namespace socval::sensitivity {
namespace {

bool is_power_of_two(std::int64_t n) { return n >= 2 && (n & (n - 1)) == 0; }

std::string block_name(const SaltelliLayout& l, std::int64_t row) {
    const std::int64_t b = row / l.n;
    if (b == 0) return "A";
    if (b == 1) return "B";
    if (b < 2 + l.factors) return "AB_" + std::to_string(b - 2);
    return "BA_" + std::to_string(b - 2 - l.factors);
}

/// Bootstrap replicates per task: one counts matrix and one matrix product per task. Fixed, so that every product
/// has the same shape whatever the thread count (the last task is padded with zero rows): results are bit-identical.
constexpr int kReplicateBlock = 8;
/// Largest panel of per-row statistics held at once (doubles): 32 MB.
constexpr std::int64_t kPanelDoubles = std::int64_t(1) << 22;

/// The per-row statistics whose sums give every index: column 0 the centred output summed over A and B, 1 its
/// square, then per factor g the first-order term, then per factor the total-order term, then per pair g < h the
/// second-order term. A resample's sums are counts x statistics, one matrix product for a block of replicates.
class Columns {
public:
    enum Kind { kSum, kSquare, kFirst, kTotal, kPair };
    Columns(int factors, bool second_order) : g_(factors) {
        if (second_order)
            for (int g = 0; g < factors; ++g)
                for (int h = g + 1; h < factors; ++h) pairs_.push_back({g, h});
    }
    int size() const { return 2 + 2 * g_ + static_cast<int>(pairs_.size()); }
    Kind kind(int c) const {
        if (c < 2) return c == 0 ? kSum : kSquare;
        if (c < 2 + g_) return kFirst;
        return c < 2 + 2 * g_ ? kTotal : kPair;
    }
    int g(int c) const { return kind(c) == kPair ? pair(c)[0] : (c - 2) % g_; }
    int h(int c) const { return pair(c)[1]; }

private:
    const std::array<int, 2>& pair(int c) const { return pairs_[static_cast<std::size_t>(c - 2 - 2 * g_)]; }
    int g_;
    std::vector<std::array<int, 2>> pairs_;
};

/// Column c of the statistics over the first m rows, outputs centred on their mean ybar (docs/model/sensitivity.md
/// section 2): y' = y - ybar, d_g = f(A_B^g) - f(A).
void fill_column(double* out, const Columns& cols, int c, const double* y, const SaltelliLayout& l, std::int64_t m,
                 double ybar) {
    const double* ya = y + l.row_a();
    const double* yb = y + l.row_b();
    switch (cols.kind(c)) {
        case Columns::kSum:
            for (std::int64_t i = 0; i < m; ++i) out[i] = (ya[i] - ybar) + (yb[i] - ybar);
            break;
        case Columns::kSquare:
            for (std::int64_t i = 0; i < m; ++i) out[i] = (ya[i] - ybar) * (ya[i] - ybar) + (yb[i] - ybar) * (yb[i] - ybar);
            break;
        case Columns::kFirst: {
            const double* yab = y + l.row_ab(cols.g(c));
            for (std::int64_t i = 0; i < m; ++i) out[i] = (yb[i] - ybar) * (yab[i] - ya[i]);
            break;
        }
        case Columns::kTotal: {
            const double* yab = y + l.row_ab(cols.g(c));
            for (std::int64_t i = 0; i < m; ++i) out[i] = (ya[i] - yab[i]) * (ya[i] - yab[i]);
            break;
        }
        case Columns::kPair: {
            const double* yba = y + l.row_ba(cols.g(c));
            const double* yab = y + l.row_ab(cols.h(c));
            for (std::int64_t i = 0; i < m; ++i)
                out[i] = (yba[i] - ybar) * (yab[i] - ybar) - (ya[i] - ybar) * (yb[i] - ybar);
            break;
        }
    }
}

/// Sample standard deviation (divisor count - 1), in index order.
double sd(const Eigen::VectorXd& v) {
    const double mu = v.mean();
    return std::sqrt((v.array() - mu).square().sum() / static_cast<double>(v.size() - 1));
}

/// Point estimates and bootstrap half-widths of every index from the first m rows of each block, in one pass over
/// the per-row statistics: sums over the rows (point) and counts x statistics (each bootstrap replicate).
/// Per-thread scratch of the bootstrap, kept across panels and sample sizes.
struct Workspace {
    std::vector<std::uint32_t> hits;  // times each base row is drawn by one replicate
    std::unique_ptr<double[]> counts;  // the block's hits as doubles, kReplicateBlock rows of m (written before use)
};

/// Scratch of one analysis, sized once for the largest sample size m_max (no allocation per size or panel).
struct Scratch {
    std::unique_ptr<double[]> stats;  // m x panel columns, column-major (written before use)
    std::int64_t stats_size = 0;
    std::vector<Workspace> threads;   // one per bootstrap thread
    Scratch(const SobolOptions& o, std::int64_t m_max) {
        const int tasks = std::max(1, (o.n_bootstrap + kReplicateBlock - 1) / kReplicateBlock);
        threads.resize(static_cast<std::size_t>(worker_count(o.threads, static_cast<std::uint64_t>(tasks))));
        if (o.n_bootstrap >= 2)
            for (auto& w : threads) {
                w.hits.assign(static_cast<std::size_t>(m_max), 0);
                w.counts.reset(new double[static_cast<std::size_t>(kReplicateBlock * m_max)]);
            }
    }
};

SobolIndices analyse(const double* y, const SaltelliLayout& l, const SobolOptions& o, std::int64_t m,
                     Scratch& scratch) {
    const int g_count = l.factors;
    const Columns cols(g_count, l.second_order);
    const int k = cols.size();
    const double* ya = y + l.row_a();
    const double* yb = y + l.row_b();
    double lo = ya[0], hi = ya[0], total = 0.0;
    for (std::int64_t i = 0; i < m; ++i) {
        lo = std::min({lo, ya[i], yb[i]});
        hi = std::max({hi, ya[i], yb[i]});
        total += ya[i] + yb[i];
    }
    detail::require(hi > lo, "sobol: the output is constant over the design (variance 0): indices are undefined");
    const double dm = static_cast<double>(m);
    const double ybar = total / (2.0 * dm);
    const double nan = std::numeric_limits<double>::quiet_NaN();

    SobolIndices res;
    res.n = m;
    res.S1 = Eigen::VectorXd::Constant(g_count, nan);
    res.ST = res.S1;
    res.S1_conf = res.S1;
    res.ST_conf = res.S1;
    if (l.second_order) {
        res.S2 = Eigen::MatrixXd::Constant(g_count, g_count, nan);
        res.S2_conf = res.S2;
    }
    int reps = o.n_bootstrap >= 2 ? o.n_bootstrap : 0;
    const int tasks = (reps + kReplicateBlock - 1) / kReplicateBlock;
    // Replicate r, draw j takes base row to_index(key_hash(seed ^ (m << 40), r, j), m): keyed, so any thread may
    // compute any replicate; rows are resampled jointly across blocks to keep the design's pairing.
    const std::uint64_t key = mix64(o.seed ^ (static_cast<std::uint64_t>(m) << 40));
    const double z = reps > 0 ? detail::normal_two_sided_quantile(o.conf_level) : 0.0;
    const auto width = static_cast<int>(std::min<std::int64_t>(k, std::max<std::int64_t>(64, kPanelDoubles / m)));

    Eigen::MatrixXd sums(static_cast<Eigen::Index>(tasks) * kReplicateBlock, width);  // replicate x panel column
    Eigen::VectorXd boot_var(reps), value(reps);
    Eigen::MatrixXd boot_s1(reps, g_count);
    double var = 0.0;
    for (int c0 = 0; c0 < k; c0 += width) {  // panels in column order: a column's inputs come before it
        const int c1 = std::min(k, c0 + width);
        if (scratch.stats_size < m * (c1 - c0)) {
            scratch.stats_size = m * (c1 - c0);
            scratch.stats.reset(new double[static_cast<std::size_t>(scratch.stats_size)]);
        }
        const Eigen::Map<const Eigen::MatrixXd> stats(scratch.stats.get(), m, c1 - c0);
        for (int c = c0; c < c1; ++c) fill_column(scratch.stats.get() + (c - c0) * m, cols, c, y, l, m, ybar);
        const Eigen::RowVectorXd point = stats.colwise().sum();
        if (reps > 0) {
            auto panel = sums.leftCols(c1 - c0);
            std::atomic<std::size_t> slot{0};
            run_blocks(static_cast<std::uint64_t>(tasks), o.threads, [&] {
                Workspace& w = scratch.threads[slot++];
                using Counts = Eigen::Matrix<double, kReplicateBlock, Eigen::Dynamic, Eigen::RowMajor>;
                return [&, counts = Eigen::Map<Counts>(w.counts.get(), kReplicateBlock, m)](std::uint64_t t) {
                    for (int b = 0; b < kReplicateBlock; ++b) {
                        const std::uint64_t r = t * kReplicateBlock + static_cast<std::uint64_t>(b);
                        double* row = w.counts.get() + b * m;
                        if (r >= static_cast<std::uint64_t>(reps)) {  // padding: the same product shape always
                            std::fill(row, row + m, 0.0);
                            continue;
                        }
                        const std::uint64_t hr = mix64(key ^ r);  // key_hash(seed', r, j) = mix64(hr ^ j)
                        std::uint32_t* hits = w.hits.data();
                        for (std::int64_t j = 0; j < m; ++j)
                            ++hits[detail::to_index(mix64(hr ^ static_cast<std::uint64_t>(j)), m)];
                        for (std::int64_t i = 0; i < m; ++i) {
                            row[i] = static_cast<double>(hits[i]);
                            hits[i] = 0;
                        }
                    }
                    panel.middleRows(static_cast<Eigen::Index>(t) * kReplicateBlock, kReplicateBlock).noalias() =
                        counts * stats;
                };
            });
        }
        for (int c = c0; c < c1; ++c) {
            const double p = point[c - c0];
            const auto sum_r = [&](int r) { return sums(r, c - c0); };
            switch (cols.kind(c)) {
                case Columns::kSum: break;
                case Columns::kSquare: {
                    const double mean = point[0] / (2.0 * dm);
                    var = p / (2.0 * dm) - mean * mean;
                    res.variance = var;
                    for (int r = 0; r < reps; ++r) {
                        const double ms = sum_r(r) / (2.0 * dm), mu = sums(r, 0) / (2.0 * dm);
                        boot_var[r] = ms - mu * mu;
                        // A resample of one repeated value: numerically zero variance, intervals left as NaN.
                        if (!(boot_var[r] > 1e-12 * ms)) reps = 0;
                    }
                    break;
                }
                case Columns::kFirst: {
                    const int g = cols.g(c);
                    res.S1[g] = p / dm / var;
                    for (int r = 0; r < reps; ++r) boot_s1(r, g) = value[r] = sum_r(r) / dm / boot_var[r];
                    if (reps > 0) res.S1_conf[g] = z * sd(value);
                    break;
                }
                case Columns::kTotal: {
                    const int g = cols.g(c);
                    res.ST[g] = 0.5 * p / dm / var;
                    for (int r = 0; r < reps; ++r) value[r] = 0.5 * sum_r(r) / dm / boot_var[r];
                    if (reps > 0) res.ST_conf[g] = z * sd(value);
                    break;
                }
                case Columns::kPair: {
                    const int g = cols.g(c), h = cols.h(c);
                    res.S2(g, h) = p / dm / var - res.S1[g] - res.S1[h];
                    for (int r = 0; r < reps; ++r)
                        value[r] = sum_r(r) / dm / boot_var[r] - boot_s1(r, g) - boot_s1(r, h);
                    if (reps > 0) res.S2_conf(g, h) = z * sd(value);
                    break;
                }
            }
        }
    }
    return res;
}

/// Length and finiteness of the outputs (the message names the block and row of the first bad value).
void check_outputs(const Eigen::Ref<const Eigen::VectorXd>& outputs, const SaltelliLayout& l) {
    detail::require(outputs.size() == l.rows(),
                    "sobol: expected " + std::to_string(l.rows()) + " outputs (n = " + std::to_string(l.n) + " x " +
                        std::to_string(l.blocks()) + " blocks), got " + std::to_string(outputs.size()));
    for (Eigen::Index r = 0; r < outputs.size(); ++r)
        if (!std::isfinite(outputs[r]))
            throw SensitivityError("sobol: output " + std::to_string(r) + " (block " + block_name(l, r) + ", row " +
                                   std::to_string(r % l.n) + ") is not finite: " + std::to_string(outputs[r]));
}

void check_options(const SobolOptions& o) {
    detail::require(o.n_bootstrap >= 0, "sobol: n_bootstrap must be >= 0, got " + std::to_string(o.n_bootstrap));
    detail::require(o.conf_level > 0.0 && o.conf_level < 1.0,
                    "sobol: conf_level must be in (0, 1), got " + std::to_string(o.conf_level));
}

}  // namespace

SaltelliLayout saltelli_layout(std::int64_t n, int inputs, const std::vector<int>& group_of, bool second_order) {
    detail::require(is_power_of_two(n), "sobol: n must be a power of 2 (>= 2) so that every prefix of the Sobol "
                                        "sequence used is a balanced net; got n = " + std::to_string(n));
    detail::require(inputs >= 1, "sobol: at least one input expected, got " + std::to_string(inputs));
    detail::require(2 * inputs <= sobol_max_dimensions(),
                    "sobol: at most " + std::to_string(sobol_max_dimensions() / 2) + " inputs, got " +
                        std::to_string(inputs));
    SaltelliLayout l;
    l.n = n;
    l.inputs = inputs;
    l.second_order = second_order;
    if (group_of.empty()) {
        for (int i = 0; i < inputs; ++i) l.group_of.push_back(i);
        l.factors = inputs;
    } else {
        detail::require(static_cast<int>(group_of.size()) == inputs,
                        "sobol: groups must give one group per input: expected " + std::to_string(inputs) +
                            " entries, got " + std::to_string(group_of.size()));
        int max_group = -1;
        for (std::size_t i = 0; i < group_of.size(); ++i) {
            detail::require(group_of[i] >= 0, "sobol: group index of input " + std::to_string(i) +
                                                  " must be >= 0, got " + std::to_string(group_of[i]));
            max_group = std::max(max_group, group_of[i]);
        }
        std::vector<int> used(static_cast<std::size_t>(max_group + 1), 0);
        for (int g : group_of) used[static_cast<std::size_t>(g)] = 1;
        for (int g = 0; g <= max_group; ++g)
            detail::require(used[static_cast<std::size_t>(g)] == 1,
                            "sobol: group " + std::to_string(g) + " has no input (groups must be numbered 0..G-1)");
        l.group_of = group_of;
        l.factors = max_group + 1;
    }
    detail::require(!(second_order && l.factors < 2), "sobol: second-order indices need at least 2 factors");
    return l;
}

Eigen::MatrixXd saltelli_design(const SaltelliLayout& l, std::uint64_t seed) {
    const int k = l.inputs;
    const Eigen::MatrixXd base = sobol_points(l.n, 2 * k, seed);
    const auto a = base.leftCols(k);
    const auto b = base.rightCols(k);
    Eigen::MatrixXd x(l.rows(), k);
    x.middleRows(l.row_a(), l.n) = a;
    x.middleRows(l.row_b(), l.n) = b;
    for (int g = 0; g < l.factors; ++g) {
        x.middleRows(l.row_ab(g), l.n) = a;
        if (l.second_order) x.middleRows(l.row_ba(g), l.n) = b;
        for (int i = 0; i < k; ++i) {
            if (l.group_of[static_cast<std::size_t>(i)] != g) continue;
            x.block(l.row_ab(g), i, l.n, 1) = b.col(i);
            if (l.second_order) x.block(l.row_ba(g), i, l.n, 1) = a.col(i);
        }
    }
    return x;
}

SobolIndices sobol_indices(const Eigen::Ref<const Eigen::VectorXd>& outputs, const SaltelliLayout& l,
                           const SobolOptions& o, std::int64_t n_used) {
    check_outputs(outputs, l);
    const std::int64_t m = n_used == 0 ? l.n : n_used;
    detail::require(m >= 2 && m <= l.n, "sobol: n_used must be in 2.." + std::to_string(l.n) + ", got " +
                                            std::to_string(m));
    check_options(o);
    Scratch scratch(o, m);
    return analyse(outputs.data(), l, o, m, scratch);
}

std::vector<SobolIndices> sobol_convergence(const Eigen::Ref<const Eigen::VectorXd>& outputs,
                                            const SaltelliLayout& l, const SobolOptions& o) {
    check_outputs(outputs, l);
    check_options(o);
    std::vector<SobolIndices> out;
    Scratch scratch(o, l.n);
    for (std::int64_t m : {l.n / 8, l.n / 4, l.n / 2, l.n})
        if (m >= 4) out.push_back(analyse(outputs.data(), l, o, m, scratch));
    return out;
}

}  // namespace socval::sensitivity
