// Distribution comparison on constructed distributions.
#include <catch2/catch.hpp>

#include <cmath>

#include "socval/decision.hpp"
#include "socval/errors.hpp"

using namespace socval::decision;

TEST_CASE("compare_draws: shift gives FSD, mean-preserving spread gives SSD only", "[compare]") {
    // Column 0: x; column 1: x + 1 (FSD over column 0); column 2: a mean-preserving spread of x
    // (x + e with e = +-1 independent of x, mean 0): SSD of column 0 over column 2 but no FSD either way.
    const int s = 1000;
    RowMatrix x(s, 3);
    for (int d = 0; d < s; ++d) {
        const double base = static_cast<double>(d % 100);  // every value 0..99 ten times
        x(d, 0) = base;
        x(d, 1) = base + 1.0;
        x(d, 2) = base + ((d / 100) % 2 == 0 ? 1.0 : -1.0);
    }
    const DrawComparison r = compare_draws(x);
    CHECK(r.fsd(1, 0) == 1);
    CHECK(r.fsd(0, 1) == 0);
    CHECK(r.ssd(1, 0) == 1);
    CHECK(r.fsd(0, 2) == 0);
    CHECK(r.fsd(2, 0) == 0);
    CHECK(r.ssd(0, 2) == 1);
    CHECK(r.ssd(2, 0) == 0);
    // Paired: column 1 beats column 0 in every draw; regret of column 1 is 0 (never below the best).
    CHECK(r.p_greater(1, 0) == 1.0);
    CHECK(r.p_greater(0, 1) == 0.0);
    // The best in every draw is x + 1 (column 1, tied with column 2 when e = +1): regrets 1, 0 and 0.5 * 2 = 1.
    CHECK(r.expected_regret[0] == 1.0);
    CHECK(r.expected_regret[1] == 0.0);
    CHECK(r.expected_regret[2] == 1.0);
    // Ties are shared: column 1 and 2 tie in half the draws, column 1 alone is best in the other half: 0.75, 0.25.
    CHECK(r.p_best[1] == 0.75);
    CHECK(r.p_best[2] == 0.25);
}

TEST_CASE("compare_draws: CVaR and P(best) known answers", "[compare]") {
    // Values 1..10 for A: worst 10% = {1}: CVaR_0.1 = 1; worst 5% is half a draw of value 1: CVaR_0.05 = 1.
    // B = 11 - A: P(best) = 0.5 each, regret E[max(A, B) - A] = mean of max(0, 11 - 2a) = (9+7+5+3+1)/10 = 2.5.
    RowMatrix x(10, 2);
    for (int d = 0; d < 10; ++d) {
        x(d, 0) = d + 1;
        x(d, 1) = 10 - d;
    }
    const DrawComparison r = compare_draws(x, {0.05, 0.1, 0.25});
    CHECK(r.cvar(0, 0) == 1.0);
    CHECK(r.cvar(0, 1) == 1.0);
    // 25% of 10 draws = 2.5 draws: (1 + 2 + 0.5 * 3) / 2.5 = 1.8.
    CHECK(r.cvar(0, 2) == Approx(1.8));
    CHECK(r.p_best[0] == 0.5);
    CHECK(r.expected_regret[0] == Approx(2.5));
    CHECK_THROWS_WITH(compare_draws(x, {1.5}), Catch::Contains("cvar_levels"));
}
