/// Portfolio selection as a 0-1 MILP; binding constraints by relaxation, conflicts by a deletion filter.
#include "socval/decision/portfolio.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <string>

#include "socval/decision/compare.hpp"
#include "socval/errors.hpp"

namespace socval::decision {

namespace {

/// A named constraint: one or more rows over the option columns 0..n-1.
struct NamedConstraint {
    std::string name;
    std::vector<LinearRow> rows;
};

std::string str(int i) { return std::to_string(i); }

void check_index(int i, int n, const std::string& what) {
    if (i < 0 || i >= n)
        throw DecisionError(what + ": expected an option index in [0, " + str(n) + "), found " + str(i));
}

std::vector<NamedConstraint> build_constraints(const PortfolioProblem& p) {
    const int n = static_cast<int>(p.costs.rows());
    const int years = static_cast<int>(p.costs.cols());
    std::vector<NamedConstraint> out;
    for (int t = 0; t < years; ++t) {
        LinearRow r;
        for (int i = 0; i < n; ++i)
            if (p.costs(i, t) != 0.0) {
                r.index.push_back(i);
                r.coef.push_back(p.costs(i, t));
            }
        r.sense = '<';
        r.rhs = p.budget[t];
        out.push_back({years == 1 ? "budget" : "budget[" + str(t) + "]", {r}});
    }
    for (std::size_t g = 0; g < p.exclusive.size(); ++g) {
        LinearRow r;
        r.index = p.exclusive[g];
        r.coef.assign(r.index.size(), 1.0);
        r.sense = '<';
        r.rhs = 1.0;
        out.push_back({"exclusive[" + str(static_cast<int>(g)) + "]", {r}});
    }
    for (const auto& [i, j] : p.requires_pairs) {
        out.push_back({"requires[" + str(i) + "->" + str(j) + "]", {LinearRow{{i, j}, {1.0, -1.0}, '<', 0.0}}});
    }
    for (int i : p.include) out.push_back({"include[" + str(i) + "]", {LinearRow{{i}, {1.0}, '>', 1.0}}});
    for (int i : p.exclude) out.push_back({"exclude[" + str(i) + "]", {LinearRow{{i}, {1.0}, '<', 0.0}}});
    for (Eigen::Index g = 0; g < p.min_value.size(); ++g) {
        LinearRow r;
        for (int i = 0; i < n; ++i)
            if (p.min_contribution(g, i) != 0.0) {
                r.index.push_back(i);
                r.coef.push_back(p.min_contribution(g, i));
            }
        r.sense = '>';
        r.rhs = p.min_value[g];
        const std::string name = p.min_value_names.empty() ? str(static_cast<int>(g)) : p.min_value_names[g];
        out.push_back({"min_value[" + name + "]", {r}});
    }
    return out;
}

MilpProblem build_milp(const PortfolioProblem& p, const std::vector<NamedConstraint>& cons,
                       const std::vector<bool>& active) {
    const int n = static_cast<int>(p.values.cols());
    const Eigen::Index s = p.values.rows();
    MilpProblem m;
    const bool cvar = p.objective == "cvar";
    const Eigen::VectorXd mean = p.values.colwise().mean().transpose();
    for (int i = 0; i < n; ++i) m.add_column(0.0, 1.0, cvar ? 0.0 : mean[i], true);
    if (cvar) {
        // Rockafellar-Uryasev: CVaR_alpha = max_eta eta - 1/(alpha S) sum_s max(0, eta - V_s).
        const double inf = std::numeric_limits<double>::infinity();
        const int eta = m.add_column(-inf, inf, 1.0, false);
        for (Eigen::Index d = 0; d < s; ++d) {
            const int u = m.add_column(0.0, inf, -1.0 / (p.alpha * static_cast<double>(s)), false);
            LinearRow r;
            r.index = {u, eta};
            r.coef = {1.0, -1.0};
            for (int i = 0; i < n; ++i)
                if (p.values(d, i) != 0.0) {
                    r.index.push_back(i);
                    r.coef.push_back(p.values(d, i));
                }
            r.sense = '>';
            r.rhs = 0.0;
            m.rows.push_back(std::move(r));
        }
    }
    for (std::size_t c = 0; c < cons.size(); ++c)
        if (active[c])
            for (const LinearRow& r : cons[c].rows) m.rows.push_back(r);
    clean_coefficients(m);
    return m;
}

/// The portfolio's objective computed directly from the selection (not the solver's rounded value).
double portfolio_objective(const PortfolioProblem& p, const std::vector<int>& selected) {
    Eigen::VectorXd v = Eigen::VectorXd::Zero(p.values.rows());
    for (int i : selected) v += p.values.col(i);
    if (p.objective == "mean") return v.mean();
    std::vector<double> sorted(v.data(), v.data() + v.size());
    std::sort(sorted.begin(), sorted.end());
    return lower_cvar_sorted(sorted, p.alpha);
}

/// One time limit shared by every solve of a call (the best portfolio, the binding analysis, the frontier's
/// budget levels), and the words that say which solve hit it.
class CallLimits {
public:
    CallLimits(const char* what, MilpSolver solver, const MilpLimits& limits)
        : what_(what), solver_(solver), limits_(limits), start_(std::chrono::steady_clock::now()) {
        if (!(limits.time_limit > 0.0))
            throw DecisionError("time_limit: expected a number of seconds > 0 (or infinity), found " +
                                number(limits.time_limit));
    }

    /// The limits of the next solve: what is left of the call's time.
    MilpLimits next() const {
        MilpLimits l;
        l.cancelled = limits_.cancelled;
        const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        l.time_limit = std::max(limits_.time_limit - used, 1e-3);
        return l;
    }

    /// Throws for a solve that stopped without a proven answer.
    [[noreturn]] void fail(const MilpSolution& s, const std::string& stage) const {
        const std::string solver = solver_ == MilpSolver::cbc ? "cbc" : "glpk";
        if (s.status == MilpSolution::Status::interrupted)
            throw Interrupted(std::string(what_) + ": interrupted while " + stage + "; no portfolio was kept");
        if (s.status != MilpSolution::Status::time_limit)
            throw DecisionError(std::string(what_) + ": the MILP solver (" + solver + ") stopped without a proven "
                                "optimum while " + stage + " (numerical failure); try solver='" +
                                (solver == "cbc" ? "glpk" : "cbc") + "'");
        throw DecisionError(std::string(what_) + ": time limit reached (" + number(limits_.time_limit) +
                            " s) while " + stage + " with " + solver + "; best bound " +
                            (std::isnan(s.bound) ? std::string("not known yet") : number(s.bound)) +
                            ", incumbent " + (s.has_incumbent ? number(s.objective) : std::string("none found")) +
                            ". Raise time_limit=, try solver='" + (solver == "cbc" ? "glpk" : "cbc") +
                            "', or use fewer draws for a CVaR objective");
    }

private:
    static std::string number(double x) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", x);
        return buf;
    }
    const char* what_;
    MilpSolver solver_;
    const MilpLimits& limits_;
    std::chrono::steady_clock::time_point start_;
};

/// Solves with the given constraints active; returns false when infeasible.
bool solve_with(const PortfolioProblem& p, const std::vector<NamedConstraint>& cons, const std::vector<bool>& active,
                MilpSolver solver, const CallLimits& limits, const std::string& stage, PortfolioResult& out) {
    const MilpSolution s = solve_milp(build_milp(p, cons, active), solver, limits.next());
    if (s.status == MilpSolution::Status::infeasible) return false;
    if (s.status != MilpSolution::Status::optimal) limits.fail(s, stage);
    out.selected.clear();
    for (Eigen::Index i = 0; i < p.values.cols(); ++i)
        if (s.x[i] > 0.5) out.selected.push_back(static_cast<int>(i));
    out.objective = portfolio_objective(p, out.selected);
    out.cost = Eigen::VectorXd::Zero(p.costs.cols());
    for (int i : out.selected) out.cost += p.costs.row(i).transpose();
    return true;
}

double improvement_tolerance(double objective) { return 1e-9 * (1.0 + std::abs(objective)); }

}  // namespace

void check_portfolio_problem(const PortfolioProblem& p) {
    const Eigen::Index n = p.values.cols();
    if (p.values.rows() < 1 || n < 1)
        throw DecisionError("values: expected one value per option, or an array (draws, options), with at least one "
                            "option and one draw; found shape (" + std::to_string(p.values.rows()) + ", " +
                            std::to_string(n) + ")");
    if (!p.values.allFinite()) throw DecisionError("values: expected finite values, found NaN or infinity");
    if (p.costs.rows() != n || p.costs.cols() < 1)
        throw DecisionError("costs: expected one cost per option (" + std::to_string(n) +
                            "), or an array (options, years); found shape (" + std::to_string(p.costs.rows()) + ", " +
                            std::to_string(p.costs.cols()) + ")");
    if (!p.costs.allFinite() || p.costs.minCoeff() < 0.0)
        throw DecisionError("costs: expected finite costs >= 0, found minimum " + std::to_string(p.costs.minCoeff()));
    if (p.budget.size() != p.costs.cols())
        throw DecisionError("budget: expected one budget per year of costs (" + std::to_string(p.costs.cols()) +
                            "), found " + std::to_string(p.budget.size()));
    for (Eigen::Index t = 0; t < p.budget.size(); ++t)
        if (!std::isfinite(p.budget[t]) || p.budget[t] < 0.0)
            throw DecisionError("budget: expected a finite budget >= 0, found " + std::to_string(p.budget[t]) +
                                (p.budget.size() > 1 ? " in year " + std::to_string(t) : std::string()));
    const int ni = static_cast<int>(n);
    for (std::size_t g = 0; g < p.exclusive.size(); ++g) {
        const std::string what = "exclusive[" + std::to_string(g) + "]";
        if (p.exclusive[g].empty()) throw DecisionError(what + ": expected at least one option, found none");
        std::set<int> seen;
        for (int i : p.exclusive[g]) {
            check_index(i, ni, what);
            if (!seen.insert(i).second) throw DecisionError(what + ": option " + str(i) + " appears twice");
        }
    }
    for (const auto& [i, j] : p.requires_pairs) {
        check_index(i, ni, "requires");
        check_index(j, ni, "requires");
        if (i == j) throw DecisionError("requires: option " + str(i) + " cannot require itself");
    }
    for (int i : p.include) check_index(i, ni, "include");
    for (int i : p.exclude) check_index(i, ni, "exclude");
    const Eigen::Index groups = p.min_value.size();
    if (groups > 0) {
        if (p.min_contribution.rows() != groups || p.min_contribution.cols() != n)
            throw DecisionError("min_value: expected a contribution matrix of shape (groups, options) = (" +
                                std::to_string(groups) + ", " + std::to_string(n) + "), found (" +
                                std::to_string(p.min_contribution.rows()) + ", " +
                                std::to_string(p.min_contribution.cols()) + ")");
        if (!p.min_contribution.allFinite() || !p.min_value.allFinite())
            throw DecisionError("min_value: expected finite contributions and minimums, found NaN or infinity");
        if (!p.min_value_names.empty() && static_cast<Eigen::Index>(p.min_value_names.size()) != groups)
            throw DecisionError("min_value: expected one name per group (" + std::to_string(groups) + "), found " +
                                std::to_string(p.min_value_names.size()));
    }
    if (p.objective == "mean") {
        if (p.alpha != 0.0) throw DecisionError("alpha: only used with objective 'cvar', found objective 'mean'");
    } else if (p.objective == "cvar") {
        if (!(p.alpha > 0.0 && p.alpha < 1.0))
            throw DecisionError("alpha: expected a CVaR level in (0, 1) for objective 'cvar', found " +
                                std::to_string(p.alpha));
    } else {
        throw DecisionError("objective: expected 'mean' or 'cvar', found '" + p.objective + "'");
    }
}

PortfolioResult select_portfolio(const PortfolioProblem& p, MilpSolver solver, bool explain,
                                 const MilpLimits& limits) {
    check_portfolio_problem(p);
    const CallLimits call("select_portfolio", solver, limits);
    const std::vector<NamedConstraint> cons = build_constraints(p);
    std::vector<bool> active(cons.size(), true);
    PortfolioResult result;
    for (const auto& c : cons) result.constraints.push_back(c.name);
    if (!solve_with(p, cons, active, solver, call, "solving for the best portfolio", result)) {
        // Deletion filter (Chinneck & Dravnieks 1991): drop each constraint that is not needed for infeasibility.
        PortfolioResult scratch;
        for (std::size_t c = 0; c < cons.size(); ++c) {
            active[c] = false;
            if (solve_with(p, cons, active, solver, call, "looking for the conflicting constraints", scratch))
                active[c] = true;
        }
        std::string names;
        for (std::size_t c = 0; c < cons.size(); ++c)
            if (active[c]) names += (names.empty() ? "" : ", ") + cons[c].name;
        throw DecisionError("select_portfolio: no portfolio satisfies the constraints; these conflict (the problem "
                            "becomes feasible if any one of them is removed): " + names);
    }
    if (explain) {
        PortfolioResult relaxed;
        for (std::size_t c = 0; c < cons.size(); ++c) {
            active[c] = false;
            if (solve_with(p, cons, active, solver, call,
                           "finding the binding constraints (without " + cons[c].name + "; explain=False skips this)",
                           relaxed) &&
                relaxed.objective > result.objective + improvement_tolerance(result.objective))
                result.binding.push_back(cons[c].name);
            active[c] = true;
        }
    }
    return result;
}

std::vector<PortfolioResult> efficient_frontier(const PortfolioProblem& p, const std::vector<double>& budgets,
                                                MilpSolver solver, const MilpLimits& limits) {
    const CallLimits call("efficient_frontier", solver, limits);
    if (p.costs.cols() != 1)
        throw DecisionError("efficient_frontier: expected one cost per option (a single budget), found costs for " +
                            std::to_string(p.costs.cols()) + " years");
    std::vector<PortfolioResult> out;
    PortfolioProblem q = p;
    for (double b : budgets) {
        q.budget = Eigen::VectorXd::Constant(1, b);
        check_portfolio_problem(q);
        const std::vector<NamedConstraint> cons = build_constraints(q);
        PortfolioResult r;
        if (!solve_with(q, cons, std::vector<bool>(cons.size(), true), solver, call,
                        "solving at budget " + std::to_string(b), r)) {
            r.selected.clear();
            r.objective = std::numeric_limits<double>::quiet_NaN();
            r.cost = Eigen::VectorXd::Constant(1, std::numeric_limits<double>::quiet_NaN());
        }
        out.push_back(r);
    }
    return out;
}

std::vector<PortfolioResult> efficient_frontier_steps(const PortfolioProblem& p, MilpSolver solver, int max_steps,
                                                      const MilpLimits& limits) {
    const CallLimits call("efficient_frontier", solver, limits);
    if (p.costs.cols() != 1)
        throw DecisionError("efficient_frontier: expected one cost per option (a single budget), found costs for " +
                            std::to_string(p.costs.cols()) + " years");
    const double total = p.costs.sum();
    // Budget resolution: well above the solvers' feasibility tolerance (1e-7), so each step strictly lowers the cost.
    const double eps = 1e-6 * std::max(1.0, total);
    std::vector<PortfolioResult> steps;
    PortfolioProblem q = p;
    double budget = total;
    while (budget >= 0.0) {
        q.budget = Eigen::VectorXd::Constant(1, budget);
        check_portfolio_problem(q);
        const std::vector<NamedConstraint> cons = build_constraints(q);
        PortfolioResult r;
        if (!solve_with(q, cons, std::vector<bool>(cons.size(), true), solver, call,
                        "solving at budget " + std::to_string(budget), r))
            break;
        // Equal best value at a lower cost: the same step, reached more cheaply.
        if (!steps.empty() && r.objective >= steps.back().objective - improvement_tolerance(r.objective))
            steps.back() = r;
        else if (static_cast<int>(steps.size()) == max_steps)
            throw DecisionError("efficient_frontier: more than " + std::to_string(max_steps) +
                                " budget steps; pass explicit budgets instead");
        else
            steps.push_back(r);
        budget = std::min(r.cost[0], budget) - eps;
    }
    return steps;
}

}  // namespace socval::decision
