#pragma once
/// Non-dominated portfolios within a budget for several additive objectives (pillars, or the values at the
/// extreme points of a weight set in RPM), by an exact dynamic programme over options.
#include <cstdint>
#include <vector>

#include "socval/decision/types.hpp"

namespace socval::decision {

/// The non-dominated portfolios and their objective vectors.
struct ParetoSet {
    std::vector<std::vector<int>> portfolios;  ///< option indices, ascending
    RowMatrix objectives;                      ///< portfolios x objectives
    Eigen::VectorXd cost;                      ///< portfolios
};

/// Every portfolio (subset of options with sum cost <= budget) that no other such portfolio dominates:
/// P dominates Q if P's objective vector is >= Q's in every component and > in one (tolerance
/// rtol * sum |scores|). `scores` is options x objectives, costs >= 0. Portfolios with equal objective vectors are
/// all kept. Throws DecisionError beyond 64 options or `max_states` partial portfolios.
ParetoSet nondominated_portfolios(const MatrixRef& scores, const VectorRef& costs, double budget,
                                  double rtol = 1e-9, std::int64_t max_states = 2'000'000);

}  // namespace socval::decision
