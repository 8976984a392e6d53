/// Shapley effects for inputs dependent through a Gaussian copula: the design by conditional sampling and the
/// estimator of Song, Nelson & Staum (2016), exact (every subset) or over random permutations; bootstrap intervals.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "detail.hpp"
#include "gaussian.hpp"
#include "socval/sensitivity/dependent.hpp"

namespace socval::sensitivity {
namespace {

constexpr int kMaxExactFactors = 12;
constexpr std::uint64_t kPermutationTag = 0x5a17e9f1b3c2d4a7ULL;  // keeps permutation draws apart from the design's

/// Input mask of a set of factors.
std::vector<char> input_mask(const ShapleyLayout& l, const std::vector<char>& factors_in) {
    std::vector<char> m(static_cast<std::size_t>(l.inputs), 0);
    for (int i = 0; i < l.inputs; ++i) m[static_cast<std::size_t>(i)] = factors_in[static_cast<std::size_t>(l.group_of[static_cast<std::size_t>(i)])];
    return m;
}

/// log of s! (d - s - 1)! / d!, the Shapley weight of a coalition of size s among d players.
double log_weight(int s, int d) { return std::lgamma(s + 1.0) + std::lgamma(d - s) - std::lgamma(d + 1.0); }

}  // namespace

ShapleyLayout shapley_layout(const Eigen::Ref<const Eigen::MatrixXd>& correlation, const std::vector<int>& group_of,
                             std::int64_t n_variance, int outer, int inner, int permutations, std::uint64_t seed) {
    ShapleyLayout l;
    l.inputs = static_cast<int>(correlation.rows());
    detail::require(l.inputs >= 1, "shapley: at least one input expected");
    l.correlation = correlation;
    detail::check_correlation(l.correlation, l.inputs);
    l.group_of = group_of;
    l.factors = detail::check_groups(l.group_of, l.inputs, "shapley");
    detail::require(n_variance >= 2, "shapley: n_variance must be >= 2, got " + std::to_string(n_variance));
    detail::require(outer >= 1, "shapley: outer must be >= 1, got " + std::to_string(outer));
    detail::require(inner >= 2, "shapley: inner must be >= 2 (a conditional variance needs two draws), got " +
                                    std::to_string(inner));
    detail::require(permutations >= 0, "shapley: permutations must be >= 0 (0: exact), got " +
                                           std::to_string(permutations));
    l.n_variance = n_variance;
    l.outer = outer;
    l.inner = inner;
    const int d = l.factors;
    l.exact = permutations == 0;
    if (l.exact) {
        detail::require(d <= kMaxExactFactors, "shapley: the exact method enumerates all 2^d subsets and takes at most " +
                                                   std::to_string(kMaxExactFactors) + " factors, got " +
                                                   std::to_string(d) + "; use random permutations or groups");
        for (std::uint64_t mask = 1; mask + 1 < (std::uint64_t{1} << d); ++mask) {
            std::vector<char> s(static_cast<std::size_t>(d), 0);
            for (int f = 0; f < d; ++f) s[static_cast<std::size_t>(f)] = (mask >> f) & 1U;
            l.subsets.push_back(std::move(s));
        }
        return l;
    }
    detail::require(permutations >= 2, "shapley: at least 2 random permutations are needed, got " +
                                           std::to_string(permutations));
    for (int p = 0; p < permutations; ++p) {
        std::vector<int> perm(static_cast<std::size_t>(d));
        for (int f = 0; f < d; ++f) perm[static_cast<std::size_t>(f)] = f;
        for (int i = d - 1; i >= 1; --i) {  // keyed Fisher-Yates: the same order for a seed, whatever else runs
            const auto j = detail::to_index(detail::key_hash(seed ^ kPermutationTag, static_cast<std::uint64_t>(p),
                                                             static_cast<std::uint64_t>(i)), i + 1);
            std::swap(perm[static_cast<std::size_t>(i)], perm[static_cast<std::size_t>(j)]);
        }
        std::vector<char> s(static_cast<std::size_t>(d), 0);
        for (int j = 0; j + 1 < d; ++j) {  // predecessors of position j + 1 with it: c({pi_1..pi_{j+1}})
            s[static_cast<std::size_t>(perm[static_cast<std::size_t>(j)])] = 1;
            l.subsets.push_back(s);
        }
        l.permutations.push_back(std::move(perm));
    }
    return l;
}

Eigen::MatrixXd shapley_design(const ShapleyLayout& l, std::uint64_t seed, int threads) {
    const int k = l.inputs;
    Eigen::MatrixXd x(l.rows(), k);
    const detail::Joint joint(l.correlation);
    // Variance rows: z = F eps, eps keyed by (seed, stream 0, row * k + i).
    detail::parallel_for(l.n_variance, threads, [&](std::int64_t begin, std::int64_t end) {
        Eigen::VectorXd eps(k);
        for (std::int64_t r = begin; r < end; ++r) {
            for (int i = 0; i < k; ++i) eps[i] = detail::normal(seed, 0, static_cast<std::uint64_t>(r * k + i));
            joint.apply(eps);
            for (int i = 0; i < k; ++i) x(r, i) = detail::to_uniform(eps[i]);
        }
    });
    // Block b: outer draw of X_{-J} from the joint (stream 2b + 1), inner draws of X_J | X_{-J} (stream 2b + 2).
    const auto blocks = static_cast<std::int64_t>(l.subsets.size());
    detail::parallel_for(blocks, threads, [&](std::int64_t begin, std::int64_t end) {
        Eigen::VectorXd eps(k);
        for (std::int64_t b = begin; b < end; ++b) {
            const detail::Conditional c = detail::conditional(l.correlation, input_mask(l, l.subsets[static_cast<std::size_t>(b)]));
            const auto a = static_cast<Eigen::Index>(c.in.size());
            Eigen::VectorXd z_out(static_cast<Eigen::Index>(c.out.size())), eta(a);
            const auto s_outer = static_cast<std::uint64_t>(2 * b + 1), s_inner = static_cast<std::uint64_t>(2 * b + 2);
            for (int o = 0; o < l.outer; ++o) {
                for (int i = 0; i < k; ++i)
                    eps[i] = detail::normal(seed, s_outer, static_cast<std::uint64_t>(o) * k + i);
                joint.apply(eps);
                for (Eigen::Index j = 0; j < z_out.size(); ++j) z_out[j] = eps[c.out[static_cast<std::size_t>(j)]];
                const Eigen::VectorXd mean = c.mean(z_out);
                for (int t = 0; t < l.inner; ++t) {
                    const std::int64_t row = l.n_variance + b * l.block_rows() + static_cast<std::int64_t>(o) * l.inner + t;
                    for (Eigen::Index j = 0; j < a; ++j)
                        eta[j] = detail::normal(seed, s_inner, (static_cast<std::uint64_t>(o) * l.inner + t) * a + j);
                    const Eigen::VectorXd z_in = mean + c.noise(eta);
                    for (Eigen::Index j = 0; j < a; ++j) x(row, c.in[static_cast<std::size_t>(j)]) = detail::to_uniform(z_in[j]);
                    for (Eigen::Index j = 0; j < z_out.size(); ++j)
                        x(row, c.out[static_cast<std::size_t>(j)]) = detail::to_uniform(z_out[j]);
                }
            }
        }
    });
    return x;
}

ShapleyEffects shapley_effects(const Eigen::Ref<const Eigen::VectorXd>& y, const ShapleyLayout& l,
                               const SobolOptions& o) {
    detail::require(y.size() == l.rows(), "shapley: expected " + std::to_string(l.rows()) + " outputs, got " +
                                              std::to_string(y.size()));
    for (Eigen::Index r = 0; r < y.size(); ++r)
        detail::require(std::isfinite(y[r]), "shapley: output " + std::to_string(r) + " is not finite: " +
                                                 std::to_string(y[r]));
    detail::require(o.n_bootstrap >= 0, "shapley: n_bootstrap must be >= 0, got " + std::to_string(o.n_bootstrap));
    detail::require(o.conf_level > 0.0 && o.conf_level < 1.0,
                    "shapley: conf_level must be in (0, 1), got " + std::to_string(o.conf_level));
    const int d = l.factors;
    const auto nv = l.n_variance;
    // Conditional variance (divisor Ni - 1) of each (block, outer draw).
    const auto blocks = static_cast<Eigen::Index>(l.subsets.size());
    Eigen::MatrixXd s2(blocks, l.outer);
    for (Eigen::Index b = 0; b < blocks; ++b)
        for (int q = 0; q < l.outer; ++q) {
            const double* v = y.data() + nv + b * l.block_rows() + static_cast<std::int64_t>(q) * l.inner;
            double mean = 0.0;
            for (int t = 0; t < l.inner; ++t) mean += v[t];
            mean /= l.inner;
            double ss = 0.0;
            for (int t = 0; t < l.inner; ++t) ss += (v[t] - mean) * (v[t] - mean);
            s2(b, q) = ss / (l.inner - 1);
        }
    auto variance_of = [&](const std::vector<std::int64_t>& idx) {
        double mean = 0.0;
        for (auto r : idx) mean += y[r];
        mean /= static_cast<double>(idx.size());
        double ss = 0.0;
        for (auto r : idx) ss += (y[r] - mean) * (y[r] - mean);
        return ss / static_cast<double>(idx.size() - 1);
    };
    // Exact: Shapley weights of each coalition size; random: per-permutation increments (Song et al. 2016, Alg. 1).
    std::vector<double> weight(static_cast<std::size_t>(d), 0.0);
    for (int s = 0; s < d; ++s) weight[static_cast<std::size_t>(s)] = std::exp(log_weight(s, d));
    auto effects = [&](const std::vector<std::int64_t>& var_idx, const std::vector<std::int64_t>& unit_idx,
                       double& variance) {
        variance = variance_of(var_idx);
        Eigen::VectorXd sh = Eigen::VectorXd::Zero(d);
        if (l.exact) {
            // c(mask): mean conditional variance over the chosen outer draws; c(0) = 0, c(all) = Var Y.
            const std::uint64_t full = (std::uint64_t{1} << d) - 1;
            std::vector<double> c(static_cast<std::size_t>(full + 1), 0.0);
            c[full] = variance;
            for (std::uint64_t mask = 1; mask < full; ++mask) {
                double acc = 0.0;
                for (auto q : unit_idx) acc += s2(static_cast<Eigen::Index>(mask - 1), static_cast<Eigen::Index>(q));
                c[mask] = acc / static_cast<double>(unit_idx.size());
            }
            for (std::uint64_t mask = 0; mask < full; ++mask) {
                const int size = __builtin_popcountll(mask);
                for (int f = 0; f < d; ++f)
                    if (!((mask >> f) & 1U))
                        sh[f] += weight[static_cast<std::size_t>(size)] * (c[mask | (std::uint64_t{1} << f)] - c[mask]);
            }
        } else {
            for (auto p : unit_idx) {
                const auto& perm = l.permutations[static_cast<std::size_t>(p)];
                double prev = 0.0;
                for (int j = 0; j < d; ++j) {
                    double cur = variance;
                    if (j + 1 < d) {
                        const Eigen::Index b = static_cast<Eigen::Index>(p) * (d - 1) + j;
                        cur = s2.row(b).mean();
                    }
                    sh[perm[static_cast<std::size_t>(j)]] += cur - prev;
                    prev = cur;
                }
            }
            sh /= static_cast<double>(unit_idx.size());
        }
        return Eigen::VectorXd(sh / variance);
    };
    std::vector<std::int64_t> var_idx(static_cast<std::size_t>(nv));
    for (std::int64_t r = 0; r < nv; ++r) var_idx[static_cast<std::size_t>(r)] = r;
    const std::int64_t units = l.exact ? l.outer : static_cast<std::int64_t>(l.permutations.size());
    std::vector<std::int64_t> unit_idx(static_cast<std::size_t>(units));
    for (std::int64_t u = 0; u < units; ++u) unit_idx[static_cast<std::size_t>(u)] = u;
    ShapleyEffects res;
    res.shapley = effects(var_idx, unit_idx, res.variance);
    detail::require(res.variance > 0.0, "shapley: the output is constant over the variance rows (variance 0): "
                                        "effects are undefined");
    res.conf = Eigen::VectorXd::Constant(d, std::numeric_limits<double>::quiet_NaN());
    if (o.n_bootstrap < 2 || units < 2) return res;
    // Bootstrap: replicate r resamples the variance rows (stream 2r) and the outer draws or permutations
    // (stream 2r + 1) with keyed hashes, so it is the same whatever the thread that computes it.
    const int reps = o.n_bootstrap;
    Eigen::MatrixXd boot(reps, d);
    std::vector<char> degenerate(static_cast<std::size_t>(reps), 0);
    detail::parallel_for(reps, o.threads, [&](std::int64_t begin, std::int64_t end) {
        std::vector<std::int64_t> vi(static_cast<std::size_t>(nv)), ui(static_cast<std::size_t>(units));
        for (std::int64_t r = begin; r < end; ++r) {
            for (std::int64_t j = 0; j < nv; ++j)
                vi[static_cast<std::size_t>(j)] = detail::to_index(detail::key_hash(o.seed, 2 * r, j), nv);
            for (std::int64_t j = 0; j < units; ++j)
                ui[static_cast<std::size_t>(j)] = detail::to_index(detail::key_hash(o.seed, 2 * r + 1, j), units);
            double v = 0.0;
            boot.row(r) = effects(vi, ui, v).transpose();
            if (!(v > 0.0)) degenerate[static_cast<std::size_t>(r)] = 1;
        }
    });
    for (char g : degenerate)
        if (g) return res;
    const double z = detail::normal_two_sided_quantile(o.conf_level);
    for (int f = 0; f < d; ++f) res.conf[f] = z * detail::sd(boot.col(f));
    return res;
}

}  // namespace socval::sensitivity
