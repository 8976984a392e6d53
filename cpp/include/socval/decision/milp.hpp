#pragma once
/// A small mixed-integer linear programme and its exact solution by COIN-OR CBC or GLPK (the two Debian solvers).
#include <string>
#include <vector>

namespace socval::decision {

/// Which MILP library solves the problem. GLPK is the default: faster on every measured instance, and CBC
/// returned a sub-optimal portfolio on one (benchmarks/decision_solver.md).
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

/// Outcome of a solve; `x` is filled when status is optimal.
struct MilpSolution {
    enum class Status { optimal, infeasible, failed } status = Status::failed;
    double objective = 0.0;
    std::vector<double> x;
};

/// Solves to proven optimality (zero relative gap) with the chosen library, solver output silenced.
MilpSolution solve_milp(const MilpProblem& problem, MilpSolver solver);

}  // namespace socval::decision
