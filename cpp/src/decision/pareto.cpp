/// Exact non-dominated portfolios by a multi-objective knapsack dynamic programme (Nemhauser & Ullmann 1969
/// style): options are added one at a time and a partial portfolio is dropped as soon as another one is no more
/// expensive and dominates it, because every completion of it is then dominated by the same completion of the other.
#include "socval/decision/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "socval/errors.hpp"

namespace socval::decision {

namespace {

struct State {
    std::uint64_t members;
    double cost;
    Eigen::VectorXd value;
    double total;
};

/// a dominates b within tol: a >= b - tol everywhere and a > b + tol somewhere.
bool dominates(const Eigen::VectorXd& a, const Eigen::VectorXd& b, double tol) {
    bool strict = false;
    for (Eigen::Index k = 0; k < a.size(); ++k) {
        if (a[k] < b[k] - tol) return false;
        if (a[k] > b[k] + tol) strict = true;
    }
    return strict;
}

/// Keeps the states that no cheaper-or-equal state dominates (with_cost), or that no state dominates. Sorted by
/// cost then decreasing total value, a state can only be dominated by one before it.
std::vector<State> prune(std::vector<State> states, double tol, bool with_cost) {
    std::sort(states.begin(), states.end(), [&](const State& a, const State& b) {
        if (with_cost && a.cost != b.cost) return a.cost < b.cost;
        return a.total > b.total;
    });
    std::vector<State> kept;
    for (State& s : states) {
        bool dominated = false;
        for (const State& k : kept)
            if ((!with_cost || k.cost <= s.cost) && dominates(k.value, s.value, tol)) {
                dominated = true;
                break;
            }
        if (!dominated) kept.push_back(std::move(s));
    }
    return kept;
}

}  // namespace

ParetoSet nondominated_portfolios(const MatrixRef& scores, const VectorRef& costs, double budget, double rtol,
                                  std::int64_t max_states) {
    const Eigen::Index n = scores.rows(), k = scores.cols();
    if (n < 1 || k < 1)
        throw DecisionError("scores: expected an array (options, objectives) with both sizes >= 1, found (" +
                            std::to_string(n) + ", " + std::to_string(k) + ")");
    if (n > 64)
        throw DecisionError("scores: exact non-dominated portfolios are limited to 64 options, found " +
                            std::to_string(n));
    if (!scores.allFinite()) throw DecisionError("scores: expected finite values, found NaN or infinity");
    if (costs.size() != n)
        throw DecisionError("costs: expected one cost per option (" + std::to_string(n) + "), found " +
                            std::to_string(costs.size()));
    if (!costs.allFinite() || costs.minCoeff() < 0.0)
        throw DecisionError("costs: expected finite costs >= 0, found minimum " + std::to_string(costs.minCoeff()));
    if (!std::isfinite(budget) || budget < 0.0)
        throw DecisionError("budget: expected a finite budget >= 0, found " + std::to_string(budget));
    const double tol = rtol * scores.cwiseAbs().sum();
    const double cost_tol = 1e-12 * std::max(1.0, costs.sum());

    std::vector<State> states{State{0, 0.0, Eigen::VectorXd::Zero(k), 0.0}};
    for (Eigen::Index i = 0; i < n; ++i) {
        const Eigen::VectorXd v = scores.row(i).transpose();
        const std::size_t before = states.size();
        for (std::size_t s = 0; s < before; ++s) {
            const double c = states[s].cost + costs[i];
            if (c > budget + cost_tol) continue;
            states.push_back(State{states[s].members | (std::uint64_t{1} << i), c, states[s].value + v,
                                   states[s].total + v.sum()});
        }
        if (static_cast<std::int64_t>(states.size()) > max_states)
            throw DecisionError("nondominated_portfolios: more than " + std::to_string(max_states) +
                                " partial portfolios after " + std::to_string(i + 1) + " of " + std::to_string(n) +
                                " options; the exact set is too large: use fewer options or objectives");
        states = prune(std::move(states), tol, true);
    }
    states = prune(std::move(states), tol, false);
    std::sort(states.begin(), states.end(), [](const State& a, const State& b) { return a.members < b.members; });

    ParetoSet out;
    const auto count = static_cast<Eigen::Index>(states.size());
    out.objectives.resize(count, k);
    out.cost.resize(count);
    for (Eigen::Index s = 0; s < count; ++s) {
        std::vector<int> members;
        for (Eigen::Index i = 0; i < n; ++i)
            if (states[s].members >> i & 1U) members.push_back(static_cast<int>(i));
        // Recomputed in option order, so the reported sums do not depend on the order the DP built them in.
        Eigen::VectorXd v = Eigen::VectorXd::Zero(k);
        double c = 0.0;
        for (int i : members) {
            v += scores.row(i).transpose();
            c += costs[i];
        }
        out.portfolios.push_back(std::move(members));
        out.objectives.row(s) = v.transpose();
        out.cost[s] = c;
    }
    return out;
}

}  // namespace socval::decision
