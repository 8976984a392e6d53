#pragma once
/// Comparison of alternatives from paired Monte Carlo draws (higher is better): P(best), P(A > B), stochastic
/// dominance, expected regret and CVaR of the worst tail.
#include <vector>

#include "socval/decision/types.hpp"

namespace socval::decision {

/// Statistics of a draws x alternatives array; matrices are alternatives x alternatives, row vs column.
struct DrawComparison {
    Eigen::VectorXd mean;
    Eigen::VectorXd p_best;           ///< share of draws where the alternative is highest (ties shared equally)
    RowMatrix p_greater;              ///< [a, b]: share of draws with x_a > x_b strictly
    Eigen::MatrixXi fsd;              ///< [a, b] = 1: a dominates b at first order (empirical CDFs)
    Eigen::MatrixXi ssd;              ///< [a, b] = 1: a dominates b at second order (integrated CDFs)
    Eigen::VectorXd expected_regret;  ///< E[max_k x_k - x_a]
    RowMatrix cvar;                   ///< alternatives x levels: mean of the worst `level` share of draws
};

/// Lower-tail CVaR of equally likely values: (1 / (alpha S)) * (sum of the floor(alpha S) smallest values
/// + (alpha S - floor(alpha S)) * the next one). `sorted` must be ascending.
double lower_cvar_sorted(const std::vector<double>& sorted, double alpha);

/// Compares the columns of `draws` (draws x alternatives); dominance uses tolerance rtol * (range of all values).
DrawComparison compare_draws(const MatrixRef& draws, const std::vector<double>& cvar_levels = {0.05, 0.10},
                             double rtol = 1e-9);

}  // namespace socval::decision
