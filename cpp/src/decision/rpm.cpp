/// Robust Portfolio Modelling: dominance under incomplete weights reduces to Pareto dominance of the portfolio
/// values at the extreme points of the weight set (value is linear in the weights).
#include "socval/decision/rpm.hpp"

#include <string>

#include "socval/errors.hpp"

namespace socval::decision {

RpmResult robust_portfolios(const MatrixRef& scores, const VectorRef& costs, double budget,
                            const WeightConstraints& constraints, double rtol) {
    if (scores.rows() < 1 || scores.cols() < 1)
        throw DecisionError("scores: expected an array (options, criteria) with both sizes >= 1, found (" +
                            std::to_string(scores.rows()) + ", " + std::to_string(scores.cols()) + ")");
    RpmResult r;
    r.extreme_weights = weight_extreme_points(constraints, static_cast<int>(scores.cols()));
    const RowMatrix at_extremes = scores * r.extreme_weights.transpose();  // options x extreme points
    r.nondominated = nondominated_portfolios(at_extremes, costs, budget, rtol);
    r.core_index = Eigen::VectorXd::Zero(scores.rows());
    for (const auto& p : r.nondominated.portfolios)
        for (int i : p) r.core_index[i] += 1.0;
    r.core_index /= static_cast<double>(r.nondominated.portfolios.size());
    return r;
}

}  // namespace socval::decision
