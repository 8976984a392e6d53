// The MILP back ends on the West of England instance that made GLPK loop (issue 6), cleaning of round-off
// coefficients, the time limit and cancellation.
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>

#include "socval/decision.hpp"
#include "socval/errors.hpp"

using namespace socval::decision;

namespace {

/// tests/data/portfolio/west_of_england_floors.csv: value, cost, social, economic, environmental per option.
std::vector<std::vector<double>> read_floors() {
    std::ifstream in(std::string(SOCVAL_SOURCE_DIR) + "/tests/data/portfolio/west_of_england_floors.csv");
    REQUIRE(in.good());
    std::vector<std::vector<double>> cols(5);
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (header) {
            header = false;
            continue;
        }
        std::stringstream ss(line);
        std::string cell;
        std::getline(ss, cell, ',');  // option id
        for (auto& c : cols) {
            std::getline(ss, cell, ',');
            c.push_back(std::stod(cell));
        }
    }
    return cols;
}

/// The notebook's problem: budget 100e6, pillar floors 34.8e6, 43.2e6, 24.5e6 (docs/notebooks/03-portfolio).
PortfolioProblem floors_problem() {
    const auto cols = read_floors();
    const int n = static_cast<int>(cols[0].size());
    PortfolioProblem p;
    p.values = RowMatrix(1, n);
    p.costs = RowMatrix(n, 1);
    p.min_contribution = RowMatrix(3, n);
    for (int i = 0; i < n; ++i) {
        p.values(0, i) = cols[0][i];
        p.costs(i, 0) = cols[1][i];
        for (int g = 0; g < 3; ++g) p.min_contribution(g, i) = cols[2 + g][i];
    }
    p.budget = Eigen::VectorXd::Constant(1, 100e6);
    p.min_value = Eigen::Vector3d(34.8e6, 43.2e6, 24.5e6);
    p.min_value_names = {"social", "economic", "environmental"};
    return p;
}

/// The same problem as a raw MILP, without cleaning: the round-off -5.7e-11 is still in the environmental row.
MilpProblem raw_milp() {
    const PortfolioProblem p = floors_problem();
    MilpProblem m;
    const int n = static_cast<int>(p.values.cols());
    for (int i = 0; i < n; ++i) m.add_column(0.0, 1.0, p.values(0, i), true);
    LinearRow budget{{}, {}, '<', 100e6};
    for (int i = 0; i < n; ++i)
        if (p.costs(i, 0) != 0.0) budget.index.push_back(i), budget.coef.push_back(p.costs(i, 0));
    m.rows.push_back(budget);
    for (int g = 0; g < 3; ++g) {
        LinearRow r{{}, {}, '>', p.min_value[g]};
        for (int i = 0; i < n; ++i)
            if (p.min_contribution(g, i) != 0.0) r.index.push_back(i), r.coef.push_back(p.min_contribution(g, i));
        m.rows.push_back(r);
    }
    return m;
}

}  // namespace

TEST_CASE("clean_coefficients: round-off relative to the row's largest becomes exactly zero", "[milp]") {
    MilpProblem m;
    for (int j = 0; j < 4; ++j) m.add_column(0.0, 1.0, j == 3 ? 1e-13 : 1.0, true);
    m.rows.push_back(LinearRow{{0, 1, 2, 3}, {1.5e7, -5.7e-11, 1.5e-5, 0.0}, '>', 1.0});
    clean_coefficients(m);
    // -5.7e-11 / 1.5e7 = 3.8e-18 <= 1e-12: dropped; 1.5e-5 / 1.5e7 = 1e-12 exactly: dropped (<=); 0 dropped.
    CHECK(m.rows[0].index == std::vector<int>{0});
    CHECK(m.rows[0].coef == std::vector<double>{1.5e7});
    CHECK(m.objective[3] == 0.0);  // 1e-13 against 1.0
    CHECK(m.objective[0] == 1.0);
}

TEST_CASE("West of England floors: both solvers find the CBC optimum at once (issue 6 regression)", "[milp]") {
    // Expected: the optimum CBC 2.10.8 found before the fix in 0.03 s, options 0 2 4 5 6 7 12 15, value
    // 114,614,425.019 (sum of their values in the CSV); GLPK then did not return in 9 minutes.
    const PortfolioProblem p = floors_problem();
    for (MilpSolver solver : {MilpSolver::glpk, MilpSolver::cbc}) {
        MilpLimits limits;
        limits.time_limit = 10.0;
        const PortfolioResult r = select_portfolio(p, solver, true, limits);
        CHECK(r.selected == std::vector<int>{0, 2, 4, 5, 6, 7, 12, 15});
        CHECK(r.objective == Approx(114614425.01942945).epsilon(1e-12));
        CHECK(r.cost[0] <= 100e6);
    }
}

TEST_CASE("solve_milp: GLPK's endless LP on the raw data stops at the time limit or on cancellation", "[milp]") {
    // The raw problem (round-off kept) without the economic floor: the subproblem the deletion filter of
    // select_portfolio solved when the notebook hung. GLPK 5.0 loops in its first LP relaxation (measured: it is
    // still running after 60 s); CBC solves it at once.
    MilpProblem looping = raw_milp();
    looping.rows.erase(looping.rows.begin() + 2);
    MilpLimits limits;
    limits.time_limit = 1.0;
    MilpSolution s = solve_milp(looping, MilpSolver::glpk, limits);
    CHECK(s.status == MilpSolution::Status::time_limit);
    CHECK(s.seconds == Approx(1.0).margin(0.5));
    CHECK_FALSE(s.has_incumbent);

    // Cancellation inside that LP (no branch-and-bound callback runs there): seen through GLPK's terminal hook.
    // The bound runs from the first time the flag reads true (the signal), not from the start of the solve.
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    std::optional<clock::time_point> signalled;
    limits.time_limit = 30.0;
    limits.cancelled = [start, &signalled] {
        const auto now = clock::now();
        if (now - start < std::chrono::milliseconds(200)) return false;
        if (!signalled) signalled = now;
        return true;
    };
    s = solve_milp(looping, MilpSolver::glpk, limits);
    CHECK(s.status == MilpSolution::Status::interrupted);
    REQUIRE(signalled.has_value());
    CHECK(std::chrono::duration<double>(clock::now() - *signalled).count() < 1.5);  // GLPK polls every 50 ms

    // GLPK works again after its environment was freed; cleaned, the problem solves at once with both solvers
    // (CPU seconds of this process: a loaded machine stretches the wall clock, not the solve).
    clean_coefficients(looping);
    for (MilpSolver solver : {MilpSolver::glpk, MilpSolver::cbc}) {
        const std::clock_t c0 = std::clock();
        s = solve_milp(looping, solver, MilpLimits{});
        CHECK(s.status == MilpSolution::Status::optimal);
        CHECK(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC < 1.0);
    }
    CHECK(solve_milp(raw_milp(), MilpSolver::cbc).status == MilpSolution::Status::optimal);
}

TEST_CASE("select_portfolio: a solve past its time limit names the limit, the bound and the incumbent", "[milp]") {
    // A CVaR problem of 30 options x 400 draws takes seconds; 0.05 s is not enough for either solver.
    PortfolioProblem p;
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(1.0, 10.0);
    std::normal_distribution<double> z(0.0, 2.0);
    const int n = 30, draws = 400;
    p.costs = RowMatrix(n, 1);
    for (int i = 0; i < n; ++i) p.costs(i, 0) = u(rng);
    p.values = RowMatrix(draws, n);
    for (int d = 0; d < draws; ++d)
        for (int i = 0; i < n; ++i) p.values(d, i) = p.costs(i, 0) + z(rng);
    p.budget = Eigen::VectorXd::Constant(1, 0.3 * p.costs.sum());
    p.objective = "cvar";
    p.alpha = 0.1;
    for (MilpSolver solver : {MilpSolver::glpk, MilpSolver::cbc}) {
        MilpLimits limits;
        limits.time_limit = 0.05;
        CHECK_THROWS_AS(select_portfolio(p, solver, false, limits), socval::DecisionError);
        CHECK_THROWS_WITH(select_portfolio(p, solver, false, limits),
                          Catch::Contains("time limit reached (0.05 s)") && Catch::Contains("best bound") &&
                              Catch::Contains("incumbent") && Catch::Contains("Raise time_limit="));
    }
}

TEST_CASE("select_portfolio: cancellation stops the solve with Interrupted", "[milp]") {
    PortfolioProblem p;
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(1.0, 10.0);
    std::normal_distribution<double> z(0.0, 2.0);
    const int n = 30, draws = 400;
    p.costs = RowMatrix(n, 1);
    for (int i = 0; i < n; ++i) p.costs(i, 0) = u(rng);
    p.values = RowMatrix(draws, n);
    for (int d = 0; d < draws; ++d)
        for (int i = 0; i < n; ++i) p.values(d, i) = p.costs(i, 0) + z(rng);
    p.budget = Eigen::VectorXd::Constant(1, 0.3 * p.costs.sum());
    p.objective = "cvar";
    p.alpha = 0.1;
    for (MilpSolver solver : {MilpSolver::glpk, MilpSolver::cbc}) {
        MilpLimits limits;
        limits.time_limit = 30.0;
        limits.cancelled = [] { return true; };
        CHECK_THROWS_AS(select_portfolio(p, solver, false, limits), socval::Interrupted);
    }
}

TEST_CASE("select_portfolio: time_limit must be positive", "[milp]") {
    MilpLimits limits;
    limits.time_limit = 0.0;
    CHECK_THROWS_WITH(select_portfolio(floors_problem(), MilpSolver::glpk, false, limits),
                      Catch::Contains("time_limit: expected a number of seconds > 0"));
    limits.time_limit = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_AS(select_portfolio(floors_problem(), MilpSolver::glpk, false, limits), socval::DecisionError);
}
