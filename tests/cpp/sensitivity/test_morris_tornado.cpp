// Morris elementary effects and the one-way tornado.
#include <cmath>
#include <set>

#include <catch2/catch.hpp>

#include "socval/errors.hpp"
#include "socval/sensitivity.hpp"

namespace sv = socval::sensitivity;

TEST_CASE("Morris design: grid points, one input moves by Delta per step, each input once", "[morris]") {
    const int k = 5, r = 20, p = 4;
    const double delta = p / (2.0 * (p - 1));  // 2/3 (Morris 1991)
    const Eigen::MatrixXd x = sv::morris_design(k, r, p, 42);
    REQUIRE(x.rows() == r * (k + 1));
    for (Eigen::Index i = 0; i < x.rows(); ++i)
        for (int j = 0; j < k; ++j) {
            const double level = x(i, j) * (p - 1);
            CHECK(std::abs(level - std::round(level)) < 1e-12);
            CHECK(x(i, j) >= 0.0);
            CHECK(x(i, j) <= 1.0 + 1e-12);
        }
    for (int t = 0; t < r; ++t) {
        std::set<int> moved;
        for (int s = 0; s < k; ++s) {
            const Eigen::RowVectorXd d = x.row(t * (k + 1) + s + 1) - x.row(t * (k + 1) + s);
            int count = 0;
            for (int j = 0; j < k; ++j)
                if (d[j] != 0.0) {
                    ++count;
                    moved.insert(j);
                    CHECK(std::abs(std::abs(d[j]) - delta) < 1e-12);
                }
            CHECK(count == 1);
        }
        CHECK(moved.size() == static_cast<std::size_t>(k));
    }
    CHECK(x == sv::morris_design(k, r, p, 42));
    CHECK(x != sv::morris_design(k, r, p, 43));
}

TEST_CASE("Morris on a linear function: every elementary effect exact, sigma 0", "[morris][known-answer]") {
    // f(x) = sum_i c_i x_i: f(x + Delta e_i) - f(x) = c_i Delta, so EE_i = c_i in every trajectory (Morris 1991),
    // mu = mu* = |c_i| for c_i >= 0, mu* = |c_i| and mu = c_i otherwise, sigma = 0.
    const Eigen::VectorXd c = (Eigen::VectorXd(4) << 3.0, -2.0, 0.0, 0.5).finished();
    const int r = 10;
    const Eigen::MatrixXd x = sv::morris_design(4, r, 6, 7);
    const Eigen::VectorXd y = x * c;
    const auto m = sv::morris_effects(x, y, r);
    for (int i = 0; i < 4; ++i) {
        CHECK((m.effects.col(i).array() - c[i]).abs().maxCoeff() < 1e-12);
        CHECK(m.mu[i] == Approx(c[i]).margin(1e-12));
        CHECK(m.mu_star[i] == Approx(std::abs(c[i])).margin(1e-12));
        CHECK(m.sigma[i] == Approx(0.0).margin(1e-12));
    }
}

TEST_CASE("Morris on an interaction: sigma > 0 flags it", "[morris]") {
    const int r = 30;
    const Eigen::MatrixXd x = sv::morris_design(3, r, 4, 1);
    const Eigen::VectorXd y = x.col(0) + x.col(1).cwiseProduct(x.col(2));
    const auto m = sv::morris_effects(x, y, r);
    CHECK(m.sigma[0] == Approx(0.0).margin(1e-12));
    CHECK(m.sigma[1] > 0.1);
    CHECK(m.sigma[2] > 0.1);
}

TEST_CASE("Morris bad inputs", "[morris][errors]") {
    using Catch::Contains;
    CHECK_THROWS_AS(sv::morris_design(3, 10, 5, 1), socval::SensitivityError);
    CHECK_THROWS_WITH(sv::morris_design(3, 10, 5, 1), Contains("levels must be even") && Contains("got 5"));
    CHECK_THROWS_WITH(sv::morris_design(3, 1, 4, 1), Contains("trajectories must be >= 2"));
    CHECK_THROWS_WITH(sv::morris_design(0, 4, 4, 1), Contains("at least one input"));
    const Eigen::MatrixXd x = sv::morris_design(3, 4, 4, 1);
    CHECK_THROWS_WITH(sv::morris_effects(x, Eigen::VectorXd::Zero(5), 4), Contains("expected 16 outputs"));
    CHECK_THROWS_WITH(sv::morris_effects(x, Eigen::VectorXd::Zero(16), 3), Contains("expected 3 trajectories"));
    Eigen::VectorXd y = Eigen::VectorXd::Zero(16);
    y[7] = std::nan("");
    CHECK_THROWS_WITH(sv::morris_effects(x, y, 4), Contains("output 7 is not finite"));
    Eigen::MatrixXd bad = x;
    bad(1, 0) += 0.1;
    bad(1, 1) += 0.1;
    CHECK_THROWS_WITH(sv::morris_effects(bad, Eigen::VectorXd::Zero(16), 4), Contains("exactly 1 expected"));
}

TEST_CASE("tornado: swings sorted, design rows as documented", "[tornado]") {
    const Eigen::VectorXd central = (Eigen::VectorXd(3) << 1.0, 2.0, 3.0).finished();
    const Eigen::VectorXd low = (Eigen::VectorXd(3) << 0.0, 1.5, 1.0).finished();
    const Eigen::VectorXd high = (Eigen::VectorXd(3) << 2.0, 2.5, 5.0).finished();
    const Eigen::MatrixXd x = sv::tornado_design(central, low, high);
    REQUIRE(x.rows() == 7);
    CHECK(x.row(0) == central.transpose());
    CHECK(x(3, 1) == 1.5);
    CHECK(x(3, 0) == 1.0);
    // f = 10 x0 - 40 x1 + x2: swings 20, 40, 4 -> order 1, 0, 2.
    const Eigen::VectorXd y = x * (Eigen::VectorXd(3) << 10.0, -40.0, 1.0).finished();
    const auto t = sv::tornado_swings(y);
    CHECK(t.base == Approx(10 - 80 + 3));
    CHECK(t.swing[0] == Approx(20));
    CHECK(t.swing[1] == Approx(40));
    CHECK(t.output_low[1] == Approx(10 - 60 + 3));
    CHECK(t.order == std::vector<int>{1, 0, 2});
    using Catch::Contains;
    CHECK_THROWS_WITH(sv::tornado_design(central, low.head(2), high), Contains("same length: got 3, 2, 3"));
    CHECK_THROWS_WITH(sv::tornado_swings(y.head(6)), Contains("expected 2k + 1 outputs"));
}
