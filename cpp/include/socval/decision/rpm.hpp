#pragma once
/// Robust Portfolio Modelling (Liesio, Mild & Salo 2007): non-dominated portfolios under incomplete weight
/// information, and each option's core index.
#include <vector>

#include "socval/decision/pareto.hpp"
#include "socval/decision/weights.hpp"

namespace socval::decision {

/// Non-dominated portfolios, the core index of every option, and the weight set's extreme points.
struct RpmResult {
    ParetoSet nondominated;                    ///< objectives: portfolio value at each extreme point
    Eigen::VectorXd core_index;                ///< options: share of non-dominated portfolios that contain it
    RowMatrix extreme_weights;                 ///< extreme points x criteria
};

/// RPM for scores (options x criteria, additive value sum_j w_j v_ij), costs (options), a budget and weight
/// constraints; dominance is checked at the extreme points of the weight set.
RpmResult robust_portfolios(const MatrixRef& scores, const VectorRef& costs, double budget,
                            const WeightConstraints& constraints, double rtol = 1e-9);

}  // namespace socval::decision
