#pragma once
/// Incomplete information on criterion weights: intervals and ordinal (rank) statements, shared by SMAA and RPM.
#include <cstdint>
#include <utility>
#include <vector>

#include "socval/decision/types.hpp"

namespace socval::decision {

/// Weights w (w_j >= 0, sum w_j = 1) restricted by lower[j] <= w_j <= upper[j] and w_i >= w_j for each (i, j) in
/// `order`. Empty lower/upper mean 0 and 1.
struct WeightConstraints {
    Eigen::VectorXd lower;
    Eigen::VectorXd upper;
    std::vector<std::pair<int, int>> order;

    /// True when nothing restricts the simplex.
    bool empty() const { return lower.size() == 0 && upper.size() == 0 && order.empty(); }
};

/// Checks the constraints for `criteria` weights (sizes, ranges, indices) and throws DecisionError naming the
/// offending argument; returns a copy with lower/upper filled in (0 and 1 where they were empty).
WeightConstraints checked_weight_constraints(const WeightConstraints& c, int criteria);

/// True when w satisfies the constraints within `tol` (w is assumed to be on the simplex).
bool satisfies(const WeightConstraints& c, const Eigen::VectorXd& w, double tol = 0.0);

/// The extreme points (rows) of the weight set, by exact vertex enumeration: every choice of (criteria - 1) active
/// inequalities plus sum w = 1. Throws DecisionError if the set is empty or the enumeration exceeds `max_systems`.
RowMatrix weight_extreme_points(const WeightConstraints& c, int criteria, std::int64_t max_systems = 5'000'000);

}  // namespace socval::decision
