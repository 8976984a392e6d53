// SMAA-2 known answers (closed forms derived in each comment) and properties.
#include <catch2/catch.hpp>

#include <vector>

#include "socval/decision.hpp"
#include "socval/errors.hpp"

using namespace socval::decision;

namespace {
Performance view(const std::vector<double>& v, int d, int a, int c) { return Performance{v.data(), d, a, c}; }
}  // namespace

TEST_CASE("SMAA-2: issue 6 case, one free weight uniform on [0, 1]", "[smaa]") {
    // Weights (w, 1 - w), w ~ U[0, 1]. A1 = (1, 0) has value w, A2 = (0.6, 0.6) has value 0.6.
    // A1 first iff w > 0.6: b_1^1 = 0.4, b_2^1 = 0.6. Central weights: E[w | w > 0.6] = 0.8 -> (0.8, 0.2);
    // E[w | w < 0.6] = 0.3 -> (0.3, 0.7). Confidence: at (0.8, 0.2) A1 scores 0.8 > 0.6, at (0.3, 0.7) A2 wins: 1, 1.
    const std::vector<double> perf{1.0, 0.0, 0.6, 0.6};
    SmaaOptions o;
    o.n_weights = 200000;
    o.seed = 7;
    const SmaaResult r = smaa(view(perf, 1, 2, 2), o);
    CHECK(r.rank_acceptability(0, 0) == Approx(0.4).margin(0.006));
    CHECK(r.rank_acceptability(1, 0) == Approx(0.6).margin(0.006));
    CHECK(r.central_weights(0, 0) == Approx(0.8).margin(0.003));
    CHECK(r.central_weights(0, 1) == Approx(0.2).margin(0.003));
    CHECK(r.central_weights(1, 0) == Approx(0.3).margin(0.003));
    CHECK(r.central_weights(1, 1) == Approx(0.7).margin(0.003));
    CHECK(r.confidence[0] == 1.0);
    CHECK(r.confidence[1] == 1.0);
}

TEST_CASE("SMAA-2: three unit alternatives on the uniform 3-simplex", "[smaa]") {
    // A_j = e_j, so A_j ranks first iff w_j is the largest weight: 1/3 each by symmetry, and every rank 1/3.
    // Uniform simplex weights are the spacings of 2 uniforms; the expected k-th largest of n spacings is
    // (1/n) sum_{i=k}^{n} 1/i (Renyi): 11/18, 5/18, 2/18. Given w_1 largest, w_2 and w_3 are exchangeable,
    // so the central weights of A_1 are (11/18, 7/36, 7/36).
    const std::vector<double> perf{1, 0, 0, 0, 1, 0, 0, 0, 1};
    SmaaOptions o;
    o.n_weights = 300000;
    const SmaaResult r = smaa(view(perf, 1, 3, 3), o);
    for (int a = 0; a < 3; ++a) {
        for (int k = 0; k < 3; ++k) CHECK(r.rank_acceptability(a, k) == Approx(1.0 / 3).margin(0.006));
        for (int j = 0; j < 3; ++j)
            CHECK(r.central_weights(a, j) == Approx(j == a ? 11.0 / 18 : 7.0 / 36).margin(0.003));
        CHECK(r.confidence[a] == 1.0);
    }
}

TEST_CASE("SMAA-2: ordinal and interval constraints", "[smaa]") {
    const std::vector<double> perf{1.0, 0.0, 0.6, 0.6};
    SmaaOptions o;
    o.n_weights = 200000;
    SECTION("w1 >= w2: w uniform on [0.5, 1]") {
        // A1 first iff w > 0.6: (1 - 0.6) / 0.5 = 0.8; central weights E[w | w > 0.6] = 0.8, E[w | w < 0.6] = 0.55.
        o.constraints.order = {{0, 1}};
        const SmaaResult r = smaa(view(perf, 1, 2, 2), o);
        CHECK(r.rank_acceptability(0, 0) == Approx(0.8).margin(0.006));
        CHECK(r.central_weights(0, 0) == Approx(0.8).margin(0.003));
        CHECK(r.central_weights(1, 0) == Approx(0.55).margin(0.003));
        // A complete ranking is sampled exactly (sorted uniform simplex), so nothing is rejected.
        CHECK(r.acceptance_rate == 1.0);
    }
    SECTION("0.2 <= w1 <= 0.7: w uniform on [0.2, 0.7]") {
        // A1 first iff w > 0.6: 0.1 / 0.5 = 0.2; central weights 0.65 and 0.4.
        o.constraints.lower = Eigen::Vector2d(0.2, 0.0);
        o.constraints.upper = Eigen::Vector2d(0.7, 1.0);
        const SmaaResult r = smaa(view(perf, 1, 2, 2), o);
        CHECK(r.rank_acceptability(0, 0) == Approx(0.2).margin(0.006));
        CHECK(r.central_weights(0, 0) == Approx(0.65).margin(0.003));
        CHECK(r.central_weights(1, 0) == Approx(0.4).margin(0.003));
    }
}

TEST_CASE("SMAA-2: uncertain measurements, exact pairing of draws", "[smaa]") {
    // One criterion (w = 1). A = 0, 1, 2, 3 over four draws, B = 1.5: A first in draws 2 and 3. Iteration k uses
    // draw k % 4, so with 1000 iterations b_A^1 = 0.5 exactly; A's confidence (share of draws it wins) is 0.5.
    const std::vector<double> perf{0, 1.5, 1, 1.5, 2, 1.5, 3, 1.5};
    SmaaOptions o;
    o.n_weights = 1000;
    const SmaaResult r = smaa(view(perf, 4, 2, 1), o);
    CHECK(r.rank_acceptability(0, 0) == 0.5);
    CHECK(r.rank_acceptability(1, 1) == 0.5);
    CHECK(r.confidence[0] == 0.5);
    CHECK(r.confidence[1] == 0.5);
}

TEST_CASE("SMAA-2: ties are shared, a never-first alternative has NaN central weights", "[smaa]") {
    // A1 and A2 identical; A3 worse on every criterion, so ranks last always.
    const std::vector<double> perf{1, 2, 1, 2, 0, 0};
    SmaaOptions o;
    o.n_weights = 5000;
    const SmaaResult r = smaa(view(perf, 1, 3, 2), o);
    CHECK(r.rank_acceptability(0, 0) == 0.5);
    CHECK(r.rank_acceptability(1, 1) == 0.5);
    CHECK(r.rank_acceptability(2, 2) == 1.0);
    CHECK(std::isnan(r.central_weights(2, 0)));
    CHECK(std::isnan(r.confidence[2]));
    CHECK(r.confidence[0] == 0.5);
}

TEST_CASE("SMAA-2: reproducible whatever the thread count; rows and columns sum to 1", "[smaa]") {
    std::vector<double> perf(50 * 4 * 3);
    for (std::size_t i = 0; i < perf.size(); ++i) perf[i] = static_cast<double>((i * 7919) % 101) / 101.0;
    SmaaOptions o;
    o.n_weights = 20000;
    o.seed = 3;
    o.threads = 1;
    const SmaaResult a = smaa(view(perf, 50, 4, 3), o);
    o.threads = 4;
    const SmaaResult b = smaa(view(perf, 50, 4, 3), o);
    CHECK(a.rank_acceptability == b.rank_acceptability);
    CHECK(a.central_weights == b.central_weights);
    CHECK(a.confidence == b.confidence);
    for (int i = 0; i < 4; ++i) {
        CHECK(a.rank_acceptability.row(i).sum() == Approx(1.0));
        CHECK(a.rank_acceptability.col(i).sum() == Approx(1.0));
    }
    o.seed = 4;
    CHECK(smaa(view(perf, 50, 4, 3), o).rank_acceptability != a.rank_acceptability);
}

TEST_CASE("SMAA-2: bad input", "[smaa]") {
    const std::vector<double> perf{1.0, 0.0, 0.6, 0.6};
    SmaaOptions o;
    o.n_weights = 0;
    CHECK_THROWS_WITH(smaa(view(perf, 1, 2, 2), o), Catch::Contains("n_weights"));
    o.n_weights = 100;
    o.constraints.lower = Eigen::Vector2d(0.6, 0.6);
    CHECK_THROWS_AS(smaa(view(perf, 1, 2, 2), o), socval::DecisionError);
    CHECK_THROWS_WITH(smaa(view(perf, 1, 2, 2), o), Catch::Contains("sum to 1.2"));
    o.constraints = {};
    o.constraints.lower = Eigen::Vector2d(0.5, 0.4999);  // feasible set is a tiny segment
    CHECK_THROWS_WITH(smaa(view(perf, 1, 2, 2), o), Catch::Contains("of uniform weight proposals"));
}
