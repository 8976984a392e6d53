#pragma once
/// Portfolio selection: the best set of options within a budget, with logical and minimum-value constraints,
/// solved exactly as a 0-1 MILP (mean value, or CVaR by the Rockafellar-Uryasev linearisation).
#include <string>
#include <utility>
#include <vector>

#include "socval/decision/milp.hpp"
#include "socval/decision/types.hpp"

namespace socval::decision {

/// A portfolio problem over n options, referred to by index 0..n-1.
struct PortfolioProblem {
    RowMatrix values;                          ///< draws x options (one row: expected values)
    RowMatrix costs;                           ///< options x years (one column: a single budget)
    Eigen::VectorXd budget;                    ///< one per year
    std::vector<std::vector<int>> exclusive;   ///< groups: at most one option of each
    std::vector<std::pair<int, int>> requires_pairs; ///< (i, j): i may be chosen only with j
    std::vector<int> include;                  ///< must be chosen
    std::vector<int> exclude;                  ///< must not be chosen
    RowMatrix min_contribution;                ///< groups x options: contribution of each option to a group
    Eigen::VectorXd min_value;                 ///< groups: sum_i contribution[g, i] x_i >= min_value[g]
    std::vector<std::string> min_value_names;  ///< groups: names used in messages (default "0", "1", ...)
    std::string objective = "mean";            ///< "mean" or "cvar"
    double alpha = 0.0;                        ///< CVaR level in (0, 1), for objective "cvar"
};

/// The chosen portfolio.
struct PortfolioResult {
    std::vector<int> selected;                 ///< option indices, ascending
    double objective = 0.0;                    ///< mean value, or CVaR_alpha of the portfolio value
    Eigen::VectorXd cost;                      ///< per year
    std::vector<std::string> binding;          ///< constraints whose removal alone would raise the objective
    std::vector<std::string> constraints;      ///< names of all constraints, in a fixed order
};

/// Checks shapes, ranges and indices; throws DecisionError naming the argument.
void check_portfolio_problem(const PortfolioProblem& p);

/// Solves exactly. With `explain`, also finds the binding constraints (one extra solve per constraint).
/// An infeasible problem throws DecisionError listing an irreducible set of conflicting constraints.
/// `limits.time_limit` bounds the whole call (every solve); reaching it throws DecisionError with the best bound
/// and incumbent, and a true `limits.cancelled()` throws Interrupted. Coefficients within 1e-12 of their row's
/// largest are set to zero before solving (clean_coefficients).
PortfolioResult select_portfolio(const PortfolioProblem& p, MilpSolver solver = MilpSolver::glpk,
                                 bool explain = true, const MilpLimits& limits = {});

/// Best portfolio at each budget (single-year costs); an infeasible level gives objective NaN and no options.
/// `limits` bound the whole call, as in select_portfolio.
std::vector<PortfolioResult> efficient_frontier(const PortfolioProblem& p, const std::vector<double>& budgets,
                                                MilpSolver solver = MilpSolver::glpk, const MilpLimits& limits = {});

/// The exact staircase (budget resolution 1e-6 x total cost) from 0 to the cost of all options: each step is the
/// cheapest best portfolio of a budget range with constant best value; ordered by decreasing cost, at most
/// `max_steps` steps. `limits` bound the whole call.
std::vector<PortfolioResult> efficient_frontier_steps(const PortfolioProblem& p,
                                                      MilpSolver solver = MilpSolver::glpk, int max_steps = 1000,
                                                      const MilpLimits& limits = {});

}  // namespace socval::decision
