// Portfolio selection, Pareto portfolios and RPM on small cases checked by hand or by enumeration.
#include <catch2/catch.hpp>

#include <random>

#include "socval/decision.hpp"
#include "socval/errors.hpp"

using namespace socval::decision;

namespace {
PortfolioProblem knapsack() {
    // Values 10, 7, 6, 3; costs 5, 4, 3, 1; budget 8. Best: {1, 2, 3} (cost 8, value 16) over {0, 2} (8, 16)?
    // {0, 2}: cost 8, value 16; {1, 2, 3}: cost 8, value 16; {0, 3}: 6, 13; {0,1}: 9 > 8. Ties broken by the
    // extra value 0.5 on option 3: values 10, 7, 6, 3.5 -> {1, 2, 3} = 16.5 is the unique optimum.
    PortfolioProblem p;
    p.values = RowMatrix(1, 4);
    p.values << 10, 7, 6, 3.5;
    p.costs = RowMatrix(4, 1);
    p.costs << 5, 4, 3, 1;
    p.budget = Eigen::VectorXd::Constant(1, 8.0);
    return p;
}
}  // namespace

TEST_CASE("select_portfolio: knapsack known answer with both solvers", "[portfolio]") {
    for (MilpSolver solver : {MilpSolver::cbc, MilpSolver::glpk}) {
        const PortfolioResult r = select_portfolio(knapsack(), solver);
        CHECK(r.selected == std::vector<int>{1, 2, 3});
        CHECK(r.objective == Approx(16.5));
        CHECK(r.cost[0] == 8.0);
        CHECK(r.binding == std::vector<std::string>{"budget"});
    }
}

TEST_CASE("select_portfolio: constraints", "[portfolio]") {
    PortfolioProblem p = knapsack();
    p.include = {0};  // forces 0 (cost 5): best completion {0, 2} = 16 or {0, 3} = 13.5 -> {0, 2}
    PortfolioResult r = select_portfolio(p);
    CHECK(r.selected == std::vector<int>{0, 2});
    CHECK(r.binding == std::vector<std::string>{"budget", "include[0]"});
    p.include.clear();
    p.requires_pairs = {{2, 0}};  // 2 needs 0: {0, 2} = 16 vs {1, 3} = 10.5 vs {0, 3} = 13.5 -> {0, 2}
    r = select_portfolio(p);
    CHECK(r.selected == std::vector<int>{0, 2});
    p.exclude = {0};  // then 2 is out too: {1, 3} = 10.5
    r = select_portfolio(p);
    CHECK(r.selected == std::vector<int>{1, 3});
}

TEST_CASE("select_portfolio: infeasible constraints are named", "[portfolio]") {
    PortfolioProblem p = knapsack();
    p.include = {0, 1};  // cost 9 > 8
    p.exclude = {3};
    CHECK_THROWS_AS(select_portfolio(p), socval::DecisionError);
    CHECK_THROWS_WITH(select_portfolio(p), Catch::Contains("budget, include[0], include[1]") &&
                                              !Catch::Contains("exclude[3]"));
}

TEST_CASE("select_portfolio: CVaR objective", "[portfolio]") {
    // Two draws. Option 0: values (10, -10) (mean 0, risky); option 1: (1, 1). Budget for one of them.
    // Mean: option 1 (1 > 0). CVaR at 0.5 (the worst draw): option 1 gives 1, option 0 gives -10.
    PortfolioProblem p;
    p.values = RowMatrix(2, 2);
    p.values << 10, 1, -10, 1;
    p.costs = RowMatrix::Ones(2, 1);
    p.budget = Eigen::VectorXd::Constant(1, 1.0);
    p.objective = "cvar";
    p.alpha = 0.5;
    const PortfolioResult r = select_portfolio(p);
    CHECK(r.selected == std::vector<int>{1});
    CHECK(r.objective == Approx(1.0));
}

TEST_CASE("nondominated_portfolios and RPM on enumerable cases", "[pareto]") {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int trial = 0; trial < 20; ++trial) {
        const int n = 8;
        RowMatrix scores(n, 3);
        Eigen::VectorXd costs(n);
        for (int i = 0; i < n; ++i) {
            for (int k = 0; k < 3; ++k) scores(i, k) = u(rng);
            costs[i] = u(rng);
        }
        const double budget = 0.4 * costs.sum();
        // Enumeration: every subset within budget, kept if no other subset dominates it.
        std::vector<Eigen::VectorXd> val;
        std::vector<unsigned> mask;
        for (unsigned m = 0; m < (1U << n); ++m) {
            double c = 0.0;
            Eigen::VectorXd v = Eigen::VectorXd::Zero(3);
            for (int i = 0; i < n; ++i)
                if (m >> i & 1U) {
                    c += costs[i];
                    v += scores.row(i).transpose();
                }
            if (c <= budget) {
                val.push_back(v);
                mask.push_back(m);
            }
        }
        std::vector<unsigned> expected;
        for (std::size_t a = 0; a < val.size(); ++a) {
            bool dominated = false;
            for (std::size_t b = 0; b < val.size() && !dominated; ++b)
                dominated = (val[b].array() >= val[a].array()).all() && (val[b].array() > val[a].array()).any();
            if (!dominated) expected.push_back(mask[a]);
        }
        const ParetoSet got = nondominated_portfolios(scores, costs, budget);
        std::vector<unsigned> got_masks;
        for (const auto& p : got.portfolios) {
            unsigned m = 0;
            for (int i : p) m |= 1U << i;
            got_masks.push_back(m);
        }
        std::sort(got_masks.begin(), got_masks.end());
        CHECK(got_masks == expected);
    }
}

TEST_CASE("RPM: no weight information vs complete information", "[rpm]") {
    // Exact weights (lower = upper) leave one extreme point: the non-dominated set is the optimal portfolio(s).
    RowMatrix scores(3, 2);
    scores << 1, 0, 0, 1, 0.6, 0.6;
    const Eigen::Vector3d costs(1, 1, 1);
    WeightConstraints exact;
    exact.lower = Eigen::Vector2d(0.9, 0.1);
    exact.upper = Eigen::Vector2d(0.9, 0.1);
    // Budget 1: values 0.9, 0.1, 0.6 -> option 0 only: core index (1, 0, 0).
    RpmResult r = robust_portfolios(scores, costs, 1.0, exact);
    CHECK(r.nondominated.portfolios == std::vector<std::vector<int>>{{0}});
    CHECK(r.core_index == Eigen::Vector3d(1, 0, 0));
    // No information: extreme points e1, e2. Singletons: {0} -> (1, 0), {1} -> (0, 1), {2} -> (0.6, 0.6):
    // all three non-dominated, core index 1/3 each.
    r = robust_portfolios(scores, costs, 1.0, {});
    CHECK(r.nondominated.portfolios.size() == 3);
    CHECK(r.core_index.isApprox(Eigen::Vector3d::Constant(1.0 / 3)));
}
