/// Saltelli design and the Sobol index estimators (first order, total, second order), bootstrap intervals,
/// convergence against sample size.
#include <atomic>
#include <cmath>
#include <limits>
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

/// Point estimates of every index from a list of base-row indices (a prefix or a bootstrap resample).
struct Estimate {
    double variance = 0.0;
    Eigen::VectorXd s1, st;
    Eigen::MatrixXd s2;
};

/// Saltelli 2010 first order, Jansen 1999 total, Saltelli 2002 second order, on the rows `idx` of each block.
Estimate estimate(const double* y, const SaltelliLayout& l, const std::vector<std::int64_t>& idx) {
    const int g_count = l.factors;
    const double m = static_cast<double>(idx.size());
    const double* ya = y + l.row_a();
    const double* yb = y + l.row_b();
    // Pooled variance of f(A) and f(B), two-pass for accuracy.
    double mean = 0.0;
    for (auto i : idx) mean += ya[i] + yb[i];
    mean /= 2.0 * m;
    double var = 0.0;
    for (auto i : idx) var += (ya[i] - mean) * (ya[i] - mean) + (yb[i] - mean) * (yb[i] - mean);
    var /= 2.0 * m;
    Estimate e;
    e.variance = var;
    e.s1.resize(g_count);
    e.st.resize(g_count);
    for (int g = 0; g < g_count; ++g) {
        const double* yab = y + l.row_ab(g);
        double first = 0.0, total = 0.0;
        for (auto i : idx) {
            first += yb[i] * (yab[i] - ya[i]);
            total += (ya[i] - yab[i]) * (ya[i] - yab[i]);
        }
        e.s1[g] = first / m / var;
        e.st[g] = 0.5 * total / m / var;
    }
    if (l.second_order) {
        e.s2 = Eigen::MatrixXd::Constant(g_count, g_count, std::numeric_limits<double>::quiet_NaN());
        for (int g = 0; g < g_count; ++g) {
            const double* yba = y + l.row_ba(g);
            for (int h = g + 1; h < g_count; ++h) {
                const double* yab = y + l.row_ab(h);
                double v = 0.0;
                for (auto i : idx) v += yba[i] * yab[i] - ya[i] * yb[i];
                e.s2(g, h) = v / m / var - e.s1[g] - e.s1[h];
            }
        }
    }
    return e;
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
    detail::require(outputs.size() == l.rows(),
                    "sobol: expected " + std::to_string(l.rows()) + " outputs (n = " + std::to_string(l.n) + " x " +
                        std::to_string(l.blocks()) + " blocks), got " + std::to_string(outputs.size()));
    for (Eigen::Index r = 0; r < outputs.size(); ++r)
        detail::require(std::isfinite(outputs[r]), "sobol: output " + std::to_string(r) + " (block " +
                                                       block_name(l, r) + ", row " + std::to_string(r % l.n) +
                                                       ") is not finite: " + std::to_string(outputs[r]));
    const std::int64_t m = n_used == 0 ? l.n : n_used;
    detail::require(m >= 2 && m <= l.n, "sobol: n_used must be in 2.." + std::to_string(l.n) + ", got " +
                                            std::to_string(m));
    detail::require(o.n_bootstrap >= 0, "sobol: n_bootstrap must be >= 0, got " + std::to_string(o.n_bootstrap));
    detail::require(o.conf_level > 0.0 && o.conf_level < 1.0,
                    "sobol: conf_level must be in (0, 1), got " + std::to_string(o.conf_level));
    std::vector<std::int64_t> prefix(static_cast<std::size_t>(m));
    for (std::int64_t i = 0; i < m; ++i) prefix[static_cast<std::size_t>(i)] = i;
    const Estimate point = estimate(outputs.data(), l, prefix);
    detail::require(point.variance > 0.0, "sobol: the output is constant over the design (variance 0): indices are "
                                          "undefined");
    SobolIndices res;
    res.n = m;
    res.variance = point.variance;
    res.S1 = point.s1;
    res.ST = point.st;
    res.S2 = point.s2;
    const int g_count = l.factors;
    res.S1_conf = Eigen::VectorXd::Constant(g_count, std::numeric_limits<double>::quiet_NaN());
    res.ST_conf = res.S1_conf;
    if (l.second_order) res.S2_conf = Eigen::MatrixXd::Constant(g_count, g_count, res.S1_conf[0]);
    if (o.n_bootstrap < 2) return res;

    // Bootstrap: replicate r resamples base rows with keyed hashes (seed, m, r, j), so it is the same whatever
    // the thread that computes it; rows are resampled jointly across blocks to keep the design's pairing.
    const int reps = o.n_bootstrap;
    Eigen::MatrixXd s1(reps, g_count), st(reps, g_count);
    const int pairs = l.second_order ? g_count * g_count : 0;
    Eigen::MatrixXd s2(reps, pairs);
    std::atomic<bool> degenerate{false};
    detail::parallel_for(reps, o.threads, [&](std::int64_t begin, std::int64_t end) {
        std::vector<std::int64_t> idx(static_cast<std::size_t>(m));
        for (std::int64_t r = begin; r < end; ++r) {
            for (std::int64_t j = 0; j < m; ++j)
                idx[static_cast<std::size_t>(j)] =
                    detail::to_index(detail::key_hash(o.seed ^ (static_cast<std::uint64_t>(m) << 40), r, j), m);
            const Estimate e = estimate(outputs.data(), l, idx);
            s1.row(r) = e.s1.transpose();
            st.row(r) = e.st.transpose();
            if (pairs > 0) s2.row(r) = Eigen::Map<const Eigen::RowVectorXd>(e.s2.data(), pairs);
            if (!(e.variance > 0.0)) degenerate = true;
        }
    });
    if (degenerate) return res;  // a resample with constant output: intervals left as NaN
    const double z = detail::normal_two_sided_quantile(o.conf_level);
    auto sd = [](const Eigen::VectorXd& v) {
        const double mu = v.mean();
        return std::sqrt((v.array() - mu).square().sum() / static_cast<double>(v.size() - 1));
    };
    for (int g = 0; g < g_count; ++g) {
        res.S1_conf[g] = z * sd(s1.col(g));
        res.ST_conf[g] = z * sd(st.col(g));
    }
    for (int g = 0; g < g_count && pairs > 0; ++g)
        for (int h = g + 1; h < g_count; ++h) res.S2_conf(g, h) = z * sd(s2.col(g + h * g_count));
    return res;
}

std::vector<SobolIndices> sobol_convergence(const Eigen::Ref<const Eigen::VectorXd>& outputs,
                                            const SaltelliLayout& l, const SobolOptions& o) {
    std::vector<SobolIndices> out;
    for (std::int64_t m : {l.n / 8, l.n / 4, l.n / 2, l.n})
        if (m >= 4) out.push_back(sobol_indices(outputs, l, o, m));
    return out;
}

}  // namespace socval::sensitivity
