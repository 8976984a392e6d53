#pragma once
/// Value of information: EVPI and EVPPI by nonparametric regression (Strong, Oakley & Brennan 2014).
/// Formulas and sources: docs/model/sensitivity.md.
#include <cstdint>
#include <string>

#include <Eigen/Dense>

namespace socval::voi {

/// Expected value of perfect information from Monte Carlo net benefits (draws x options):
/// mean over draws of the best option's net benefit minus the best option's mean net benefit.
/// Throws SensitivityError on fewer than 2 draws or options, or non-finite values.
double evpi(const Eigen::Ref<const Eigen::MatrixXd>& net_benefit);

/// How EVPPI is estimated.
struct EvppiOptions {
    /// "auto" (spline for 1 input, tensor for 2-3, additive for 4+), "spline", "tensor" or "additive".
    std::string method = "auto";
    int segments = 0;              ///< B-spline segments per input (0: 20 / 8 / 4 for 1 / 2 / 3+ inputs)
    int se_samples = 200;          ///< posterior draws of the regression coefficients for the standard error (0: none)
    std::uint64_t seed = 0;        ///< seed of those draws
};

/// EVPPI estimate with its diagnostics.
struct EvppiResult {
    double evppi = 0.0;            ///< estimate, clipped into [0, EVPI]
    double raw = 0.0;              ///< estimate before clipping
    double se = 0.0;               ///< standard error (regression uncertainty; NaN if se_samples == 0)
    double evpi = 0.0;             ///< EVPI of the same net benefits
    bool clipped = false;          ///< raw was outside [0, EVPI]
    std::string method;            ///< method used after "auto" resolution
    Eigen::VectorXd lambda;        ///< smoothing parameter chosen by GCV, per incremental net benefit (options - 1)
    Eigen::VectorXd edf;           ///< effective degrees of freedom of each fit
    Eigen::MatrixXd fitted;        ///< draws x options: fitted E[NB_j - NB_0 | inputs] (column 0 is zero)
};

/// EVPPI of the inputs (draws x p, the sampled values of one parameter or a group) for net benefits (draws x options).
/// Each incremental net benefit NB_j - NB_0 is regressed on the inputs (penalised B-splines, smoothing by GCV);
/// EVPPI = mean_i max_j g_ij - max_j mean_i g_ij over the fitted values g. Throws SensitivityError on bad shapes,
/// non-finite values, an unknown method, or too few draws for the basis.
EvppiResult evppi(const Eigen::Ref<const Eigen::MatrixXd>& net_benefit, const Eigen::Ref<const Eigen::MatrixXd>& inputs,
                  const EvppiOptions& options = {});

}  // namespace socval::voi
