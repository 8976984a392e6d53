// Scrambled Sobol sequence: agreement with Boost's reference generator and net properties.
#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include <boost/random/sobol.hpp>
#include <catch2/catch.hpp>

#include "socval/errors.hpp"
#include "socval/sensitivity.hpp"

using socval::sensitivity::sobol_points;

TEST_CASE("unscrambled points are Boost's Sobol sequence (Joe & Kuo 2008 direction numbers)", "[sobol]") {
    // Boost's engine runs in Gray-code order and skips the zero point; the first 2^m points of the natural order
    // are the same set (the point at 0 plus Boost's first 2^m - 1). Compare the top 32 bits of Boost's 64-bit values.
    const int dims = 7, m = 10, n = 1 << m;
    const Eigen::MatrixXd ours = sobol_points(n, dims, 0, /*scramble=*/false);
    boost::random::sobol engine(dims);
    std::set<std::vector<std::uint64_t>> theirs{std::vector<std::uint64_t>(dims, 0)};
    for (int i = 0; i < n - 1; ++i) {
        std::vector<std::uint64_t> pt(dims);
        for (int d = 0; d < dims; ++d) pt[d] = engine() >> 32;
        theirs.insert(pt);
    }
    std::set<std::vector<std::uint64_t>> mine;
    for (int i = 0; i < n; ++i) {
        std::vector<std::uint64_t> pt(dims);
        for (int d = 0; d < dims; ++d) pt[d] = static_cast<std::uint64_t>(std::floor(ours(i, d) * 4294967296.0));
        mine.insert(pt);
    }
    CHECK(mine == theirs);
}

TEST_CASE("scrambled points keep the net property: each of 2^m strata per coordinate holds one point", "[sobol]") {
    const int n = 256, dims = 12;
    const Eigen::MatrixXd x = sobol_points(n, dims, 1234);
    for (int d = 0; d < dims; ++d) {
        std::vector<int> hits(n, 0);
        for (int i = 0; i < n; ++i) {
            REQUIRE(x(i, d) > 0.0);
            REQUIRE(x(i, d) < 1.0);
            ++hits[static_cast<int>(x(i, d) * n)];
        }
        CHECK(*std::min_element(hits.begin(), hits.end()) == 1);
    }
    // Two-dimensional projection (0, 1) is a (0, m, 2)-net: 16 x 16 boxes each hold one point.
    std::vector<int> boxes(256, 0);
    for (int i = 0; i < n; ++i) ++boxes[static_cast<int>(x(i, 0) * 16) * 16 + static_cast<int>(x(i, 1) * 16)];
    CHECK(*std::max_element(boxes.begin(), boxes.end()) == 1);
}

TEST_CASE("scrambled points: seeded, random access, different seeds differ", "[sobol]") {
    const Eigen::MatrixXd all = sobol_points(64, 5, 7);
    CHECK(all == sobol_points(64, 5, 7));
    CHECK(all.bottomRows(16) == sobol_points(16, 5, 7, true, 48));
    CHECK((all - sobol_points(64, 5, 8)).cwiseAbs().maxCoeff() > 0.01);
    // The mean of a scrambled net is an unbiased, very accurate estimate of 1/2.
    CHECK(std::abs(sobol_points(4096, 3, 99).col(2).mean() - 0.5) < 1e-3);
}

TEST_CASE("sobol_points rejects bad arguments", "[sobol][errors]") {
    CHECK_THROWS_AS(sobol_points(8, 0, 1), socval::SensitivityError);
    CHECK_THROWS_WITH(sobol_points(8, 100000, 1), Catch::Contains("dimensions must be in 1..3667"));
    CHECK_THROWS_WITH(sobol_points(-1, 2, 1), Catch::Contains("n must be >= 0"));
}
