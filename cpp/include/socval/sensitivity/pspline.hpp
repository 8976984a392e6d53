#pragma once
/// Penalised B-spline regression (P-splines, Eilers & Marx 1996) with the smoothing parameter chosen by GCV,
/// for one input, a tensor product of inputs, or an additive model. Used by EVPPI (voi.hpp).
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

namespace socval::sensitivity {

/// Basis of a P-spline smoother over the draws: each row's non-zero basis values (a fixed count per row).
struct SplineBasis {
    std::int64_t rows = 0;
    int columns = 0;               ///< q, number of basis functions
    int per_row = 0;               ///< non-zeros per row
    std::vector<int> index;        ///< rows x per_row column indices
    std::vector<double> value;     ///< rows x per_row values
    Eigen::MatrixXd penalty;       ///< q x q penalty matrix (second-order differences of the coefficients)
};

/// Kinds of basis.
enum class SplineKind { tensor, additive };

/// Cubic B-spline basis on the normalised ranks of each input column (ranks make the fit invariant to monotone
/// transforms of an input and spread the knots over the data), `segments` equal segments per input. `tensor`: tensor
/// product of the margins with penalty sum_d (I x .. x D'D x .. x I); `additive`: the margins side by side with a
/// block-diagonal penalty. One input: both are the same.
SplineBasis spline_basis(const Eigen::Ref<const Eigen::MatrixXd>& inputs, int segments, SplineKind kind);

/// A penalised least-squares smoother with its eigen-decomposition, reusable for several outcomes.
class PenalisedSmoother {
public:
    explicit PenalisedSmoother(SplineBasis basis);

    /// Fit of one outcome with lambda minimising GCV = n RSS / (n - edf)^2 over a log grid. The outcome is centred
    /// first: fitted = predict(coef) + offset.
    struct Fit {
        Eigen::VectorXd coef, fitted;
        double offset = 0.0, lambda = 0.0, edf = 0.0, sigma2 = 0.0, gcv = 0.0;
    };
    Fit fit(const Eigen::Ref<const Eigen::VectorXd>& y) const;

    /// Fitted values for coefficient vectors (q x s): n x s.
    Eigen::MatrixXd predict(const Eigen::Ref<const Eigen::MatrixXd>& coef) const;

    /// Draws of the coefficients from their Bayesian posterior N(coef, sigma2 (G + lambda P)^-1) (Wood 2006, the
    /// covariance mgcv calls Vp), given standard normal deviates z (q x s).
    Eigen::MatrixXd posterior_draws(const Fit& fit, const Eigen::Ref<const Eigen::MatrixXd>& z) const;

    int columns() const { return basis_.columns; }

private:
    SplineBasis basis_;
    Eigen::MatrixXd chol_inv_t_u_;   ///< L^-T U: maps rotated coordinates to coefficients
    Eigen::VectorXd s_;              ///< eigenvalues of L^-1 P L^-T (>= 0)
    Eigen::MatrixXd l_;              ///< Cholesky factor of G = X'X (+ tiny ridge)
    Eigen::MatrixXd u_;
};

}  // namespace socval::sensitivity
