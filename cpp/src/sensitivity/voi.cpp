/// EVPI and regression-based EVPPI (Strong, Oakley & Brennan 2014) with a posterior-simulation standard error.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "detail.hpp"
#include "socval/sensitivity/pspline.hpp"
#include "socval/voi.hpp"

namespace socval::voi {
namespace {

using socval::sensitivity::detail::require;

void check_net_benefit(const Eigen::Ref<const Eigen::MatrixXd>& nb, const char* fn) {
    require(nb.rows() >= 2, std::string(fn) + ": net_benefit must have at least 2 draws (rows), got " +
                                std::to_string(nb.rows()));
    require(nb.cols() >= 2, std::string(fn) + ": net_benefit must have at least 2 options (columns), got " +
                                std::to_string(nb.cols()));
    for (Eigen::Index j = 0; j < nb.cols(); ++j)
        for (Eigen::Index i = 0; i < nb.rows(); ++i)
            require(std::isfinite(nb(i, j)), std::string(fn) + ": net_benefit[" + std::to_string(i) + ", " +
                                                 std::to_string(j) + "] is not finite: " + std::to_string(nb(i, j)));
}

/// mean_i max_j g_ij - max_j mean_i g_ij: >= 0 for any matrix (the mean of a maximum is at least the maximum of
/// the means).
double value_of_choice(const Eigen::Ref<const Eigen::MatrixXd>& g) {
    const double mean_max = g.rowwise().maxCoeff().mean();
    const double max_mean = g.colwise().mean().maxCoeff();
    return mean_max - max_mean;
}

}  // namespace

double evpi(const Eigen::Ref<const Eigen::MatrixXd>& nb) {
    check_net_benefit(nb, "evpi");
    return std::max(0.0, value_of_choice(nb));
}

EvppiResult evppi(const Eigen::Ref<const Eigen::MatrixXd>& nb, const Eigen::Ref<const Eigen::MatrixXd>& inputs,
                  const EvppiOptions& o) {
    using socval::sensitivity::PenalisedSmoother;
    using socval::sensitivity::SplineKind;
    check_net_benefit(nb, "evppi");
    const auto n = nb.rows();
    const auto d = nb.cols();
    const auto p = static_cast<int>(inputs.cols());
    require(inputs.rows() == n, "evppi: inputs must have one row per draw: net_benefit has " + std::to_string(n) +
                                    " draws, inputs has " + std::to_string(inputs.rows()) + " rows");
    require(p >= 1, "evppi: inputs must have at least one column (parameter)");
    for (Eigen::Index j = 0; j < inputs.cols(); ++j)
        for (Eigen::Index i = 0; i < n; ++i)
            require(std::isfinite(inputs(i, j)), "evppi: inputs[" + std::to_string(i) + ", " + std::to_string(j) +
                                                     "] is not finite: " + std::to_string(inputs(i, j)));
    require(o.se_samples >= 0, "evppi: se_samples must be >= 0, got " + std::to_string(o.se_samples));
    require(o.segments >= 0, "evppi: segments must be >= 0, got " + std::to_string(o.segments));

    EvppiResult res;
    res.method = o.method;
    if (res.method == "auto") res.method = p == 1 ? "spline" : (p <= 3 ? "tensor" : "additive");
    require(res.method == "spline" || res.method == "tensor" || res.method == "additive",
            "evppi: method must be 'auto', 'spline', 'tensor' or 'additive', got '" + o.method + "'");
    require(!(res.method == "spline" && p != 1), "evppi: method 'spline' takes one input column, got " +
                                                     std::to_string(p) + "; use 'tensor' or 'additive' for a group");
    int segments = o.segments;
    if (segments == 0) segments = res.method == "spline" ? 20 : (res.method == "additive" ? 8 : (p == 2 ? 8 : 4));
    const SplineKind kind = res.method == "additive" ? SplineKind::additive : SplineKind::tensor;
    double q = 1.0;
    if (kind == SplineKind::tensor) {
        for (int k = 0; k < p; ++k) q *= segments + 3;
        require(q <= 1500.0, "evppi: a tensor-product spline over " + std::to_string(p) + " inputs with " +
                                 std::to_string(segments) + " segments has " + std::to_string(static_cast<long>(q)) +
                                 " coefficients (at most 1500); use method='additive' or fewer segments");
    } else {
        q = static_cast<double>(p) * (segments + 3);
    }
    require(static_cast<double>(n) >= 2.0 * q, "evppi: " + std::to_string(n) + " draws are too few for a spline "
                                                   "basis of " + std::to_string(static_cast<long>(q)) +
                                                   " coefficients; at least " + std::to_string(static_cast<long>(2 * q)) +
                                                   " draws needed (or fewer segments)");

    const PenalisedSmoother smoother(socval::sensitivity::spline_basis(inputs, segments, kind));
    std::vector<PenalisedSmoother::Fit> fits;
    res.fitted = Eigen::MatrixXd::Zero(n, d);
    res.lambda.resize(d - 1);
    res.edf.resize(d - 1);
    for (Eigen::Index j = 1; j < d; ++j) {
        fits.push_back(smoother.fit(nb.col(j) - nb.col(0)));
        res.fitted.col(j) = fits.back().fitted;
        res.lambda[j - 1] = fits.back().lambda;
        res.edf[j - 1] = fits.back().edf;
    }
    res.evpi = evpi(nb);
    res.raw = value_of_choice(res.fitted);
    res.evppi = std::min(std::max(res.raw, 0.0), res.evpi);
    res.clipped = res.raw < 0.0 || res.raw > res.evpi;

    // Standard error: spread of the EVPPI over draws of the regression coefficients from their posterior.
    res.se = std::numeric_limits<double>::quiet_NaN();
    if (o.se_samples >= 2) {
        const int s_total = o.se_samples, chunk = 25;
        const int qcols = smoother.columns();
        std::vector<double> values;
        for (int s0 = 0; s0 < s_total; s0 += chunk) {
            const int s_n = std::min(chunk, s_total - s0);
            std::vector<Eigen::MatrixXd> g(static_cast<std::size_t>(d - 1));
            for (Eigen::Index j = 1; j < d; ++j) {
                Eigen::MatrixXd z(qcols, s_n);
                for (int s = 0; s < s_n; ++s)
                    for (int c = 0; c < qcols; ++c)
                        z(c, s) = socval::sensitivity::detail::normal(
                            o.seed, static_cast<std::uint64_t>(j),
                            static_cast<std::uint64_t>(s0 + s) * static_cast<std::uint64_t>(qcols) + c);
                const auto& f = fits[static_cast<std::size_t>(j - 1)];
                g[static_cast<std::size_t>(j - 1)] = smoother.predict(smoother.posterior_draws(f, z));
                g[static_cast<std::size_t>(j - 1)].array() += f.offset;
            }
            Eigen::MatrixXd one(n, d);
            for (int s = 0; s < s_n; ++s) {
                one.col(0).setZero();
                for (Eigen::Index j = 1; j < d; ++j) one.col(j) = g[static_cast<std::size_t>(j - 1)].col(s);
                values.push_back(value_of_choice(one));
            }
        }
        double mean = 0.0;
        for (double v : values) mean += v;
        mean /= static_cast<double>(values.size());
        double ss = 0.0;
        for (double v : values) ss += (v - mean) * (v - mean);
        res.se = std::sqrt(ss / static_cast<double>(values.size() - 1));
    }
    return res;
}

}  // namespace socval::voi
