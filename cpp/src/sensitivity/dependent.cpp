/// Full and independent Sobol indices for inputs dependent through a Gaussian copula (Mara & Tarantola 2012;
/// Mara, Tarantola & Annoni 2015): a Saltelli-type design whose per-factor blocks are built by the Gaussian
/// conditional laws ("factor first" and "factor last" in the Rosenblatt order), estimators, bootstrap intervals.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "detail.hpp"
#include "gaussian.hpp"
#include "socval/sensitivity/dependent.hpp"

namespace socval::sensitivity {
namespace {

struct Estimate {
    double variance = 0.0;
    Eigen::VectorXd s_full, st_full, s_ind, st_ind;
};

/// Saltelli 2010 (b) first order (outputs centred on their mean, as saltelli.cpp: docs/model/sensitivity.md §2) and
/// Jansen 1999 total on the rows idx of each block; V pooled over A and B.
Estimate estimate(const double* y, const DependentLayout& l, const std::vector<std::int64_t>& idx) {
    const double m = static_cast<double>(idx.size());
    const double* ya = y;
    const double* yb = y + l.n;
    double mean = 0.0;
    for (auto i : idx) mean += ya[i] + yb[i];
    mean /= 2.0 * m;
    double var = 0.0;
    for (auto i : idx) var += (ya[i] - mean) * (ya[i] - mean) + (yb[i] - mean) * (yb[i] - mean);
    var /= 2.0 * m;
    Estimate e;
    e.variance = var;
    const int g_count = l.factors;
    e.s_full.resize(g_count);
    e.st_full.resize(g_count);
    e.s_ind.resize(g_count);
    e.st_ind.resize(g_count);
    for (int g = 0; g < g_count; ++g) {
        const double* yf = y + l.row_full(g);
        const double* yi = y + l.row_ind(g);
        double sf = 0.0, tf = 0.0, si = 0.0, ti = 0.0;
        for (auto i : idx) {
            sf += (yb[i] - mean) * (yf[i] - ya[i]);
            tf += (ya[i] - yf[i]) * (ya[i] - yf[i]);
            si += (yb[i] - mean) * (yi[i] - ya[i]);
            ti += (ya[i] - yi[i]) * (ya[i] - yi[i]);
        }
        e.s_full[g] = sf / m / var;
        e.st_full[g] = 0.5 * tf / m / var;
        e.s_ind[g] = si / m / var;
        e.st_ind[g] = 0.5 * ti / m / var;
    }
    return e;
}

}  // namespace

DependentLayout dependent_layout(std::int64_t n, const Eigen::Ref<const Eigen::MatrixXd>& correlation,
                                 const std::vector<int>& group_of) {
    DependentLayout l;
    l.inputs = static_cast<int>(correlation.rows());
    detail::require(n >= 2 && (n & (n - 1)) == 0, "dependent sobol: n must be a power of 2 (>= 2) so that every "
                                                  "prefix of the Sobol sequence used is a balanced net; got n = " +
                                                      std::to_string(n));
    detail::require(l.inputs >= 1, "dependent sobol: at least one input expected");
    detail::require(2 * l.inputs <= sobol_max_dimensions(), "dependent sobol: at most " +
                                                                std::to_string(sobol_max_dimensions() / 2) +
                                                                " inputs, got " + std::to_string(l.inputs));
    l.correlation = correlation;
    detail::check_correlation(l.correlation, l.inputs);
    l.group_of = group_of;
    l.factors = detail::check_groups(l.group_of, l.inputs, "dependent sobol");
    l.n = n;
    return l;
}

Eigen::MatrixXd dependent_design(const DependentLayout& l, std::uint64_t seed) {
    const int k = l.inputs;
    const Eigen::MatrixXd base = sobol_points(l.n, 2 * k, seed);
    const detail::Joint joint(l.correlation);
    // Normal scores of A and B (n x k): z = F Phi^-1(u), rows independent draws of N(0, R).
    Eigen::MatrixXd za(l.n, k), zb(l.n, k);
    Eigen::VectorXd ea(k), eb(k);
    for (std::int64_t r = 0; r < l.n; ++r) {
        for (int i = 0; i < k; ++i) {
            ea[i] = socval::normal_quantile(base(r, i));
            eb[i] = socval::normal_quantile(base(r, k + i));
        }
        joint.apply(ea);
        joint.apply(eb);
        za.row(r) = ea.transpose();
        zb.row(r) = eb.transpose();
    }
    Eigen::MatrixXd z(l.rows(), k);
    z.middleRows(0, l.n) = za;
    z.middleRows(l.n, l.n) = zb;
    for (int g = 0; g < l.factors; ++g) {
        std::vector<char> in_g(static_cast<std::size_t>(k)), out_g(static_cast<std::size_t>(k));
        for (int i = 0; i < k; ++i) {
            in_g[static_cast<std::size_t>(i)] = l.group_of[static_cast<std::size_t>(i)] == g;
            out_g[static_cast<std::size_t>(i)] = !in_g[static_cast<std::size_t>(i)];
        }
        // "g first" (full): g from B; the others = their conditional mean given B's g + A's residual given A's g.
        const detail::Conditional rest = detail::conditional(l.correlation, out_g);  // law of X_{-g} | X_g
        // "g last" (independent): the others from A; g = its conditional mean given A's others + B's residual.
        const detail::Conditional own = detail::conditional(l.correlation, in_g);  // law of X_g | X_{-g}
        auto gather = [](const Eigen::MatrixXd& m, std::int64_t r, const std::vector<int>& cols) {
            Eigen::VectorXd v(static_cast<Eigen::Index>(cols.size()));
            for (std::size_t j = 0; j < cols.size(); ++j) v[static_cast<Eigen::Index>(j)] = m(r, cols[j]);
            return v;
        };
        for (std::int64_t r = 0; r < l.n; ++r) {
            const std::int64_t rf = l.row_full(g) + r, ri = l.row_ind(g) + r;
            // full: rest.in = -g, rest.out = g
            const Eigen::VectorXd zbg = gather(zb, r, rest.out), zag = gather(za, r, rest.out);
            const Eigen::VectorXd others = rest.mean(zbg) + (gather(za, r, rest.in) - rest.mean(zag));
            for (std::size_t j = 0; j < rest.out.size(); ++j) z(rf, rest.out[j]) = zbg[static_cast<Eigen::Index>(j)];
            for (std::size_t j = 0; j < rest.in.size(); ++j) z(rf, rest.in[j]) = others[static_cast<Eigen::Index>(j)];
            // independent: own.in = g, own.out = -g
            const Eigen::VectorXd zao = gather(za, r, own.out);
            const Eigen::VectorXd mine = own.mean(zao) + (gather(zb, r, own.in) - own.mean(gather(zb, r, own.out)));
            for (std::size_t j = 0; j < own.out.size(); ++j) z(ri, own.out[j]) = zao[static_cast<Eigen::Index>(j)];
            for (std::size_t j = 0; j < own.in.size(); ++j) z(ri, own.in[j]) = mine[static_cast<Eigen::Index>(j)];
        }
    }
    return z.unaryExpr([](double v) { return detail::to_uniform(v); });
}

DependentIndices dependent_indices(const Eigen::Ref<const Eigen::VectorXd>& y, const DependentLayout& l,
                                   const SobolOptions& o) {
    detail::require(y.size() == l.rows(), "dependent sobol: expected " + std::to_string(l.rows()) +
                                              " outputs (n = " + std::to_string(l.n) + " x " +
                                              std::to_string(l.blocks()) + " blocks), got " +
                                              std::to_string(y.size()));
    for (Eigen::Index r = 0; r < y.size(); ++r)
        detail::require(std::isfinite(y[r]), "dependent sobol: output " + std::to_string(r) + " (block " +
                                                 std::to_string(r / l.n) + ", row " + std::to_string(r % l.n) +
                                                 ") is not finite: " + std::to_string(y[r]));
    detail::require(o.n_bootstrap >= 0, "dependent sobol: n_bootstrap must be >= 0, got " +
                                            std::to_string(o.n_bootstrap));
    detail::require(o.conf_level > 0.0 && o.conf_level < 1.0,
                    "dependent sobol: conf_level must be in (0, 1), got " + std::to_string(o.conf_level));
    std::vector<std::int64_t> all(static_cast<std::size_t>(l.n));
    for (std::int64_t i = 0; i < l.n; ++i) all[static_cast<std::size_t>(i)] = i;
    const Estimate p = estimate(y.data(), l, all);
    detail::require(p.variance > 0.0, "dependent sobol: the output is constant over the design (variance 0): "
                                      "indices are undefined");
    DependentIndices res;
    res.n = l.n;
    res.variance = p.variance;
    res.S_full = p.s_full;
    res.ST_full = p.st_full;
    res.S_ind = p.s_ind;
    res.ST_ind = p.st_ind;
    const int g_count = l.factors;
    const Eigen::VectorXd nan = Eigen::VectorXd::Constant(g_count, std::numeric_limits<double>::quiet_NaN());
    res.S_full_conf = res.ST_full_conf = res.S_ind_conf = res.ST_ind_conf = nan;
    if (o.n_bootstrap < 2) return res;
    // Bootstrap: base rows resampled jointly across blocks with keyed hashes (seed, n, r, j).
    const int reps = o.n_bootstrap;
    Eigen::MatrixXd b1(reps, g_count), b2(reps, g_count), b3(reps, g_count), b4(reps, g_count);
    std::vector<char> degenerate(static_cast<std::size_t>(reps), 0);
    const std::int64_t m = l.n;
    detail::parallel_for(reps, o.threads, [&](std::int64_t begin, std::int64_t end) {
        std::vector<std::int64_t> idx(static_cast<std::size_t>(m));
        for (std::int64_t r = begin; r < end; ++r) {
            for (std::int64_t j = 0; j < m; ++j)
                idx[static_cast<std::size_t>(j)] =
                    detail::to_index(detail::key_hash(o.seed ^ (static_cast<std::uint64_t>(m) << 40), r, j), m);
            const Estimate e = estimate(y.data(), l, idx);
            b1.row(r) = e.s_full.transpose();
            b2.row(r) = e.st_full.transpose();
            b3.row(r) = e.s_ind.transpose();
            b4.row(r) = e.st_ind.transpose();
            if (!(e.variance > 0.0)) degenerate[static_cast<std::size_t>(r)] = 1;
        }
    });
    for (char g : degenerate)
        if (g) return res;
    const double z = detail::normal_two_sided_quantile(o.conf_level);
    for (int g = 0; g < g_count; ++g) {
        res.S_full_conf[g] = z * detail::sd(b1.col(g));
        res.ST_full_conf[g] = z * detail::sd(b2.col(g));
        res.S_ind_conf[g] = z * detail::sd(b3.col(g));
        res.ST_ind_conf[g] = z * detail::sd(b4.col(g));
    }
    return res;
}

}  // namespace socval::sensitivity
