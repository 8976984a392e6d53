#pragma once
/// A small mixed-integer linear programme and its exact solution by COIN-OR CBC or GLPK (the two Debian solvers).
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace socval::decision {

/// Which MILP library solves the problem. The choice is measured in benchmarks/decision_solver.md.
enum class MilpSolver { cbc, glpk };

/// "cbc" or "glpk"; throws DecisionError otherwise.
MilpSolver parse_milp_solver(const std::string& name);

/// One linear constraint: sum coef[k] * x[index[k]] (sense) rhs, sense one of '<', '>', '='.
struct LinearRow {
    std::vector<int> index;
    std::vector<double> coef;
    char sense = '<';
    double rhs = 0.0;
};

/// maximise objective . x subject to rows and column bounds; integer columns are integral.
struct MilpProblem {
    std::vector<double> objective;
    std::vector<double> lower;
    std::vector<double> upper;
    std::vector<bool> integer;
    std::vector<LinearRow> rows;

    /// Adds a column and returns its index.
    int add_column(double lo, double hi, double obj, bool is_integer);
};

/// Relative size below which a coefficient is round-off: |a| <= kCleanRtol * (largest |a| of its row) becomes 0.
inline constexpr double kCleanRtol = 1e-12;

/// Sets to exactly zero (and drops) every row coefficient within `rtol` times the row's largest magnitude, and
/// likewise every objective coefficient against the largest objective coefficient. Round-off such as -5.7e-11 in
/// a row of 1e7s makes the matrix ill-scaled (ratio 1e17) and sent GLPK's simplex into an endless loop.
void clean_coefficients(MilpProblem& problem, double rtol = kCleanRtol);

/// Limits of a solve: a wall-clock deadline and a cancellation poll (Ctrl-C from Python).
struct MilpLimits {
    double time_limit = 60.0;            ///< seconds for the solve (> 0; infinity for none)
    std::function<bool()> cancelled;     ///< polled about every 50 ms between nodes; true stops the solve
};

/// Outcome of a solve. `x` holds the optimum (optimal) or the best portfolio found so far (time_limit /
/// interrupted with has_incumbent); `bound` is the best bound on the optimum known when the solve stopped
/// (NaN when none is known, e.g. stopped inside the first LP relaxation).
struct MilpSolution {
    enum class Status { optimal, infeasible, time_limit, interrupted, failed } status = Status::failed;
    double objective = 0.0;
    double bound = std::numeric_limits<double>::quiet_NaN();
    bool has_incumbent = false;
    double seconds = 0.0;                ///< wall-clock time of the solve
    std::vector<double> x;
};

/// Solves to proven optimality (zero relative gap) with the chosen library, solver output silenced, within
/// `limits` (status time_limit / interrupted otherwise). The problem is solved as given: call
/// clean_coefficients first.
MilpSolution solve_milp(const MilpProblem& problem, MilpSolver solver, const MilpLimits& limits = {});

}  // namespace socval::decision
