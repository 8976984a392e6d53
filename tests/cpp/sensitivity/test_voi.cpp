// EVPI and EVPPI: closed forms for normal net benefits, invariants on random cases, errors.
#include <cmath>

#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>

#include "socval/errors.hpp"
#include "socval/sensitivity.hpp"
#include "socval/voi.hpp"

namespace {

/// Expected value of max(0, X) - max(0, mu) for X ~ N(mu, sd^2): sd phi(mu/sd) + mu Phi(mu/sd) - max(mu, 0).
double normal_voi(double mu, double sd) {
    const boost::math::normal z;
    return sd * boost::math::pdf(z, mu / sd) + mu * boost::math::cdf(z, mu / sd) - std::max(mu, 0.0);
}

/// n x d standard normal draws from a scrambled Sobol sequence (low-noise inputs for the known-answer tests).
Eigen::MatrixXd normals(int n, int d, std::uint64_t seed) {
    const boost::math::normal z;
    Eigen::MatrixXd u = socval::sensitivity::sobol_points(n, d, seed);
    return u.unaryExpr([&](double p) { return boost::math::quantile(z, p); });
}

}  // namespace

TEST_CASE("EVPI of a normal incremental net benefit matches the closed form", "[voi][known-answer]") {
    // Options: 0 (net benefit 0) and 1 (INB ~ N(1000, 2000^2)); EVPI = E max(0, INB) - max(0, E INB)
    // = 2000 phi(0.5) + 1000 Phi(0.5) - 1000 = 395.59 (issue 7).
    CHECK(normal_voi(1000, 2000) == Approx(395.59).margin(0.005));
    const int n = 1 << 16;
    Eigen::MatrixXd nb = Eigen::MatrixXd::Zero(n, 2);
    nb.col(1) = 1000.0 + 2000.0 * normals(n, 1, 3).col(0).array();
    CHECK(socval::voi::evpi(nb) == Approx(395.59).epsilon(2e-3));
}

TEST_CASE("EVPPI of a linear net benefit in two normal inputs matches the closed form", "[voi][known-answer]") {
    // INB = 500 + 1500 t1 + 1000 t2 with t1, t2 independent N(0, 1). E[INB | t1] = 500 + 1500 t1 ~ N(500, 1500^2), so
    // EVPPI(t1) = E max(0, E[INB|t1]) - max(0, E INB) = normal_voi(500, 1500) = 381.35; likewise
    // EVPPI(t2) = normal_voi(500, 1000) = 197.80 and EVPPI(t1, t2) = EVPI = normal_voi(500, sqrt(1500^2 + 1000^2))
    // = 496.6.
    const int n = 8192;
    const Eigen::MatrixXd t = normals(n, 2, 17);
    Eigen::MatrixXd nb = Eigen::MatrixXd::Zero(n, 2);
    nb.col(1) = 500.0 + 1500.0 * t.col(0).array() + 1000.0 * t.col(1).array();
    socval::voi::EvppiOptions opt;
    opt.se_samples = 200;
    const auto e1 = socval::voi::evppi(nb, t.col(0), opt);
    const auto e2 = socval::voi::evppi(nb, t.col(1), opt);
    const auto e12 = socval::voi::evppi(nb, t, opt);
    INFO("EVPPI t1 " << e1.evppi << " se " << e1.se << "; t2 " << e2.evppi << " se " << e2.se << "; both "
                     << e12.evppi << " se " << e12.se << " evpi " << e12.evpi);
    CHECK(e1.method == "spline");
    CHECK(e12.method == "tensor");
    CHECK(e1.evppi == Approx(normal_voi(500, 1500)).epsilon(0.03));
    CHECK(e2.evppi == Approx(normal_voi(500, 1000)).epsilon(0.03));
    CHECK(e12.evppi == Approx(normal_voi(500, std::hypot(1500.0, 1000.0))).epsilon(0.03));
    CHECK(std::abs(e1.evppi - normal_voi(500, 1500)) < 4 * e1.se + 0.01 * e1.evppi);
    CHECK(e1.se > 0.0);
    CHECK(e1.se < 0.05 * e1.evppi);
}

TEST_CASE("EVPPI invariants 0 <= EVPPI(S) <= EVPPI(S, T) <= EVPI on random cases", "[voi][property]") {
    // Random nonlinear net benefits in 3 options and 3 inputs. 0 <= EVPPI and EVPPI <= EVPI hold exactly by
    // construction (Jensen, then clipping); monotonicity in the set holds up to regression error, checked with
    // the estimators' standard errors.
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
        const int n = 4096;
        const Eigen::MatrixXd t = normals(n, 4, seed);
        Eigen::MatrixXd nb(n, 3);
        const double a = static_cast<double>(seed % 3), b = 1.0 + static_cast<double>(seed % 5);
        nb.col(0).setZero();
        nb.col(1) = a + b * t.col(0).array() + t.col(1).array().square() - 1.0 + 0.5 * t.col(3).array();
        nb.col(2) = 0.5 * a + t.col(1).array() * t.col(2).array() + 0.3 * b * t.col(3).array();
        const double evpi = socval::voi::evpi(nb);
        socval::voi::EvppiOptions opt;
        opt.se_samples = 100;
        const auto s = socval::voi::evppi(nb, t.col(0), opt);
        const auto st = socval::voi::evppi(nb, t.leftCols(2), opt);
        const auto stu = socval::voi::evppi(nb, t.leftCols(3), opt);
        INFO("seed " << seed << ": " << s.evppi << " <= " << st.evppi << " <= " << stu.evppi << " <= " << evpi);
        CHECK(s.evppi >= 0.0);
        CHECK(s.evppi <= evpi);
        CHECK(st.evppi <= evpi);
        CHECK(stu.evppi <= evpi);
        CHECK(s.evppi <= st.evppi + 3 * std::hypot(s.se, st.se));
        CHECK(st.evppi <= stu.evppi + 3 * std::hypot(st.se, stu.se));
    }
}

TEST_CASE("EVPPI of an irrelevant input is near zero; of all inputs near EVPI", "[voi][property]") {
    const int n = 4096;
    const Eigen::MatrixXd t = normals(n, 2, 5);
    Eigen::MatrixXd nb = Eigen::MatrixXd::Zero(n, 2);
    nb.col(1) = 100.0 + 1000.0 * t.col(0).array();
    const auto none = socval::voi::evppi(nb, t.col(1));
    const auto all = socval::voi::evppi(nb, t.col(0));
    CHECK(none.evppi < 0.05 * none.evpi);
    CHECK(all.evppi == Approx(all.evpi).epsilon(0.01));
}

TEST_CASE("EVPPI is reproducible and its inputs are checked", "[voi][errors]") {
    using Catch::Contains;
    const Eigen::MatrixXd t = normals(512, 2, 1);
    Eigen::MatrixXd nb = Eigen::MatrixXd::Zero(512, 2);
    nb.col(1) = t.col(0);
    const auto a = socval::voi::evppi(nb, t.col(0));
    const auto b = socval::voi::evppi(nb, t.col(0));
    CHECK(a.evppi == b.evppi);
    CHECK(a.se == b.se);
    CHECK_THROWS_AS(socval::voi::evpi(nb.leftCols(1)), socval::SensitivityError);
    CHECK_THROWS_WITH(socval::voi::evpi(nb.leftCols(1)), Contains("at least 2 options (columns), got 1"));
    CHECK_THROWS_WITH(socval::voi::evppi(nb, t.topRows(100)), Contains("net_benefit has 512 draws, inputs has 100"));
    socval::voi::EvppiOptions bad;
    bad.method = "gp";
    CHECK_THROWS_WITH(socval::voi::evppi(nb, t, bad), Contains("method must be") && Contains("'gp'"));
    bad.method = "spline";
    CHECK_THROWS_WITH(socval::voi::evppi(nb, t, bad), Contains("'spline' takes one input column, got 2"));
    CHECK_THROWS_WITH(socval::voi::evppi(nb.topRows(20), t.topRows(20).col(0)), Contains("too few"));
    Eigen::MatrixXd nan_nb = nb;
    nan_nb(3, 1) = std::nan("");
    CHECK_THROWS_WITH(socval::voi::evppi(nan_nb, t.col(0)), Contains("net_benefit[3, 1] is not finite"));
}
