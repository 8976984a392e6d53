/// Distributions: closed-form moments, quantiles against scipy, CDF / quantile round trips, statistical sample
/// tests with fixed seeds, and the accuracy of the fast paths against Boost.Math.
#include <catch2/catch.hpp>

#include <cmath>
#include <thread>
#include <vector>

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/erf.hpp>

#include "socval/sampling.hpp"
#include "../../../cpp/src/sampling/tables.hpp"  // white-box: the shared table cache

using namespace socval;
using Catch::Matchers::WithinRel;
using Catch::Matchers::WithinAbs;

namespace {

const std::vector<double> kLevels = {0.001, 0.1, 0.5, 0.9, 0.999};

/// Quantiles at kLevels within relative tolerance `rel` of the expected values.
void check_quantiles(const Distribution& d, const std::vector<double>& expected, double rel) {
    for (std::size_t i = 0; i < kLevels.size(); ++i) {
        INFO(d.describe() << " at u=" << kLevels[i]);
        CHECK_THAT(d.quantile(kLevels[i]), WithinRel(expected[i], rel) || WithinAbs(expected[i], 1e-300));
    }
}

/// cdf(quantile(u)) == u for a grid of u (continuous distributions).
void check_round_trip(const Distribution& d, double tol) {
    for (double u : {1e-9, 1e-4, 0.01, 0.2, 0.37, 0.5, 0.63, 0.8, 0.99, 1 - 1e-4}) {
        INFO(d.describe() << " at u=" << u);
        CHECK_THAT(d.cdf(d.quantile(u)), WithinAbs(u, tol));
    }
}

}  // namespace

// Expected values: closed forms as cited, and scipy.stats 1.10 (the .mean(), .std(), .ppf() of the equivalent
// scipy distribution, computed with Debian 12's python3-scipy and quoted to 16-17 digits).
TEST_CASE("uniform: closed forms", "[sampling][distribution]") {
    const auto d = Distribution::uniform(-1, 3);
    CHECK(d.mean() == 1.0);                                   // (a + b) / 2
    CHECK_THAT(d.sd(), WithinRel(4.0 / std::sqrt(12.0), 1e-15));  // (b - a) / sqrt 12
    check_quantiles(d, {-0.996, -0.6, 1.0, 2.6, 2.996}, 1e-14);
    check_round_trip(d, 1e-15);
    CHECK(d.central() == 1.0);
}

TEST_CASE("triangular: closed forms (scipy triang)", "[sampling][distribution]") {
    const auto d = Distribution::triangular(1, 2, 4);
    CHECK_THAT(d.mean(), WithinRel(7.0 / 3.0, 1e-15));  // (a + m + b) / 3
    CHECK_THAT(d.sd(), WithinRel(0.6236095644623236, 1e-14));  // sqrt((a2+b2+m2-ab-am-bm)/18)
    check_quantiles(d, {1.0547722557505166, 1.547722557505166, 2.2679491924311224, 3.2254033307585166,
                        3.922540333075852}, 1e-14);
    check_round_trip(d, 1e-14);
    // Degenerate modes at the ends are legal.
    CHECK_THAT(Distribution::triangular(0, 0, 1).quantile(0.25), WithinRel(1 - std::sqrt(0.75), 1e-15));  // b - sqrt((1-u)(b-a)(b-m))
    CHECK_THAT(Distribution::triangular(0, 1, 1).quantile(0.25), WithinRel(0.5, 1e-15));  // a + sqrt(u (b-a)(m-a))
}

TEST_CASE("PERT: mean (a + 4m + b)/6 and beta quantiles (scipy beta)", "[sampling][distribution]") {
    // Vose (2008): alpha = 1 + 4 (m - a)/(b - a) = 7/3, beta = 11/3; mean (1 + 8 + 4)/6 = 13/6.
    const auto d = Distribution::pert(1, 2, 4);
    CHECK_THAT(d.mean(), WithinRel(13.0 / 6.0, 1e-15));
    CHECK_THAT(d.sd(), WithinRel(0.5527707983925666, 1e-14));
    // Tabulated fast path: relative accuracy 1e-9 (measured ~1e-11, see docs/model/sampling.md).
    check_quantiles(d, {1.056982239454149, 1.4590830810294377, 2.1274375210123635, 2.9333700928617414,
                        3.7227274707356024}, 1e-9);
    check_round_trip(d, 1e-9);
    // Mode at the minimum (beta(1, 5)) and a large lambda (beta(8.2, 1.8)).
    check_quantiles(Distribution::pert(0, 0, 10), {0.0020008004803362556, 0.20851637639023207, 1.2944943670387585,
                                                    3.6904265551980675, 7.488113568490419}, 1e-9);
    const auto skew = Distribution::pert(0, 9, 10, 8);
    CHECK_THAT(skew.mean(), WithinRel(8.2, 1e-15));  // (a + lambda m + b) / (lambda + 2)
    check_quantiles(skew, {3.5732720430127056, 6.5799180234655585, 8.416349229735548, 9.510352739333648,
                           9.966285539420642}, 1e-9);
}

TEST_CASE("normal: AS241 quantile against scipy ndtri and Boost erfc_inv", "[sampling][distribution]") {
    // scipy.special.ndtri values.
    CHECK_THAT(normal_quantile(1e-300), WithinRel(-37.0470962993612, 1e-14));
    CHECK_THAT(normal_quantile(1e-20), WithinRel(-9.262340089798409, 1e-14));
    CHECK_THAT(normal_quantile(1e-10), WithinRel(-6.361340902404056, 1e-14));
    CHECK_THAT(normal_quantile(0.025), WithinRel(-1.9599639845400545, 1e-14));
    CHECK_THAT(normal_quantile(0.3), WithinRel(-0.5244005127080409, 1e-14));
    CHECK(normal_quantile(0.5) == 0.0);
    CHECK_THAT(normal_quantile(1 - 1e-10), WithinRel(6.361340889697422, 1e-14));
    CHECK(std::isnan(normal_quantile(1.5)));
    // Against Boost: -sqrt2 erfc_inv(2p) over a log-spaced grid of the lower tail and the body.
    double worst = 0;
    for (double p = 1e-300; p < 0.5; p *= 1.37) {
        const double ref = -std::sqrt(2.0) * boost::math::erfc_inv(2 * p);
        worst = std::max(worst, std::fabs(normal_quantile(p) - ref) / std::fabs(ref));
    }
    CHECK(worst < 1e-14);
    const auto d = Distribution::normal(10, 2);
    check_quantiles(d, {3.8195353876643736, 7.436896868910799, 10.0, 12.5631031310892, 16.180464612335626}, 1e-14);
    check_round_trip(d, 1e-15);
}

TEST_CASE("truncated normal: Johnson-Kotz moments and quantiles (scipy truncnorm)", "[sampling][distribution]") {
    // Johnson, Kotz & Balakrishnan (1994) vol. 1 sec. 10.1: mean mu + sd (phi(a) - phi(b)) / Z,
    // var sd^2 [1 + (a phi(a) - b phi(b)) / Z - ((phi(a) - phi(b)) / Z)^2].
    const auto d = Distribution::truncated_normal(1, 2, 0, 5);
    CHECK_THAT(d.mean(), WithinRel(1.8914875565450298, 1e-13));
    CHECK_THAT(d.sd(), WithinRel(1.2273448352224992, 1e-13));
    check_quantiles(d, {0.003796996426783328, 0.3648768980029957, 1.7324087087440168, 3.6861806390767526,
                        4.975529959469533}, 1e-12);
    check_round_trip(d, 1e-14);
    // Interval in the upper tail: the flipped path keeps full accuracy.
    const auto tail = Distribution::truncated_normal(0, 1, 6, 8);
    CHECK_THAT(tail.mean(), WithinRel(6.158481366839989, 1e-12));
    CHECK_THAT(tail.sd(), WithinRel(0.15487160297431904, 1e-9));  // cancellation in the variance formula
    check_quantiles(tail, {6.000162456710052, 6.017085051314984, 6.11156496120527, 6.363413413274562,
                           7.036278705318123}, 1e-12);
    check_round_trip(tail, 1e-12);
    // One infinite bound.
    const double inf = std::numeric_limits<double>::infinity();
    const auto left = Distribution::truncated_normal(0, 1, -inf, -3);
    CHECK_THAT(left.mean(), WithinRel(-3.28309865493044, 1e-12));
    CHECK_THAT(left.sd(), WithinRel(0.2656297927290082, 1e-9));
    check_quantiles(left, {-4.69242948373014, -3.6425222758316242, -3.2051549205989334, -3.03194726987901,
                           -3.0003047295511363}, 1e-12);
}

TEST_CASE("lognormal by median and p95, and by mean and sd", "[sampling][distribution]") {
    // mu = ln(median), sigma = ln(p95 / median) / z_0.95.
    const auto d = Distribution::lognormal_median(10, 25, 0.95);
    CHECK_THAT(d.quantile(0.5), WithinRel(10.0, 1e-14));
    CHECK_THAT(d.quantile(0.95), WithinRel(25.0, 1e-14));
    CHECK_THAT(d.mean(), WithinRel(11.678457640420213, 1e-13));  // exp(mu + sigma^2 / 2)
    CHECK_THAT(d.sd(), WithinRel(7.0445762227046655, 1e-13));
    check_quantiles(d, {1.788047393778165, 4.897267029417291, 10.0, 20.41955225216679, 55.926929201076064}, 1e-13);
    check_round_trip(d, 1e-14);
    // sigma^2 = ln(1 + sd^2 / mean^2), mu = ln(mean) - sigma^2 / 2: the variable's own mean and sd come back.
    const auto m = Distribution::lognormal_mean_sd(100, 30);
    CHECK_THAT(m.mean(), WithinRel(100.0, 1e-14));
    CHECK_THAT(m.sd(), WithinRel(30.0, 1e-13));
    check_quantiles(m, {38.664101906209936, 65.75058539149995, 95.78262852211515, 139.53201894673222,
                        237.282426703205}, 1e-13);
    CHECK(m.cdf(-1.0) == 0.0);
}

TEST_CASE("beta: mean a/(a+b), quantiles (scipy beta), table and Boost paths", "[sampling][distribution]") {
    const auto d = Distribution::beta(2, 5, 0, 10);
    CHECK_THAT(d.mean(), WithinRel(10.0 * 2.0 / 7.0, 1e-15));
    CHECK_THAT(d.sd(), WithinRel(1.5971914124998499, 1e-14));
    check_quantiles(d, {0.08255492787746678, 0.9259525891312872, 2.6444998329566003, 5.103163065514917,
                        8.18613866919134}, 1e-9);
    const auto arcsine = Distribution::beta(0.5, 0.5);  // alpha < 1: exact Boost ibeta_inv path
    CHECK(arcsine.mean() == 0.5);
    CHECK_THAT(arcsine.sd(), WithinRel(0.3535533905932738, 1e-14));
    check_quantiles(arcsine, {2.4673990709169446e-06, 0.024471741852423214, 0.4999999999999999, 0.9755282581475768,
                              0.999997532600929}, 1e-12);
    // Near x = 1 the arcsine density is ~1/(pi sqrt(1 - x)): one ulp of x moves the CDF by ~1e-13 at u = 1 - 1e-4.
    check_round_trip(arcsine, 1e-12);
    // Far tails (Boost 1.74's ibeta_inv fails to converge here; our solver must not).
    const auto small = Distribution::beta(0.5, 2);
    CHECK_THAT(small.cdf(small.quantile(1e-15)), WithinRel(1e-15, 1e-12));
    CHECK(small.quantile(1.0 / 9007199254740992.0) > 0.0);
}

TEST_CASE("discrete: sorted support, quantile, cdf, moments", "[sampling][distribution]") {
    const auto d = Distribution::discrete({3, 1, 2, 1}, {0.2, 0.25, 0.3, 0.25});
    CHECK(d.discrete_values() == std::vector<double>{1, 2, 3});
    CHECK_THAT(d.discrete_probabilities()[0], WithinAbs(0.5, 1e-15));
    CHECK_THAT(d.mean(), WithinRel(1.7, 1e-15));  // 0.5 * 1 + 0.3 * 2 + 0.2 * 3
    CHECK_THAT(d.sd(), WithinRel(std::sqrt(0.5 * 0.49 + 0.3 * 0.09 + 0.2 * 1.69), 1e-14));
    CHECK(d.quantile(0.5) == 1);  // smallest value with cdf >= u
    CHECK(d.quantile(0.5000001) == 2);
    CHECK(d.quantile(0.81) == 3);
    CHECK(d.cdf(0.99) == 0.0);
    CHECK_THAT(d.cdf(2.0), WithinAbs(0.8, 1e-15));
    CHECK(d.cdf(3.0) == 1.0);
    CHECK(d.describe() == "discrete(values=[1, 2, 3], probabilities=[0.5, 0.3, 0.2])");
}

TEST_CASE("fixed: central value, no spread", "[sampling][distribution]") {
    const auto d = Distribution::fixed(4.5);
    CHECK(d.central() == 4.5);
    CHECK(d.sd() == 0.0);
    CHECK(d.quantile(0.123) == 4.5);
    CHECK(d.cdf(4.4) == 0.0);
    CHECK(d.cdf(4.5) == 1.0);
    CHECK(Distribution().central() == 0.0);
}

TEST_CASE("central() is the mean for every family", "[sampling][distribution]") {
    for (const auto& d : {Distribution::triangular(1, 2, 4), Distribution::pert(1, 2, 4),
                          Distribution::lognormal_median(10, 25), Distribution::beta(2, 5),
                          Distribution::truncated_normal(1, 2, 0, 5)})
        CHECK(d.central() == d.mean());
}

TEST_CASE("PERT / beta table: accuracy against Boost ibeta_inv over the whole range", "[sampling][distribution]") {
    // The fast path must match the exact inverse incomplete beta within 2e-10 of the range everywhere, for the
    // shapes PERT produces (alpha, beta in [1, 1 + lambda]) and a few general betas.
    const std::vector<std::pair<double, double>> shapes = {{1, 5}, {5, 1}, {7.0 / 3, 11.0 / 3}, {3, 3}, {1, 1},
                                                           {1.1, 40}, {9, 1.2}, {50, 50}};
    double worst = 0;
    for (const auto& s : shapes) {
        const auto d = Distribution::beta(s.first, s.second);
        for (double u = 1e-15; u < 1; u = u < 0.5 ? u * 1.1 : 1 - (1 - u) / 1.1) {
            const double ref = boost::math::ibeta_inv(s.first, s.second, u);
            worst = std::max(worst, std::fabs(d.quantile(u) - ref));
            if (1 - u < 1e-15) break;
        }
        for (int i = 1; i < 1000; ++i) {
            const double u = i / 1000.0;
            worst = std::max(worst, std::fabs(d.quantile(u) - boost::math::ibeta_inv(s.first, s.second, u)));
        }
    }
    INFO("worst absolute error on [0, 1]: " << worst);
    CHECK(worst < 2e-10);
}

TEST_CASE("sample moments and CDF at quantiles agree with theory (fixed seed)", "[sampling][distribution]") {
    // n = 200,000 Monte Carlo draws, seed 20240501. Tolerances are 5 standard errors: mean sd / sqrt(n);
    // sd: relative SE sqrt((kurtosis - 1) / (4 n)) <= 0.0032 for kurtosis <= 9 (all families here except the
    // lognormal, kurtosis ~ 11 -> 0.0036), so 5 SE < 2%; empirical CDF at a quantile: sqrt(p (1 - p) / n).
    const std::size_t n = 200000;
    const std::vector<Distribution> ds = {
        Distribution::uniform(-1, 3), Distribution::triangular(1, 2, 4), Distribution::pert(1, 2, 4),
        Distribution::normal(10, 2), Distribution::truncated_normal(1, 2, 0, 5), Distribution::lognormal_median(10, 25),
        Distribution::lognormal_mean_sd(100, 30), Distribution::beta(2, 5, 0, 10), Distribution::beta(0.5, 0.5),
        Distribution::discrete({1, 2, 3}, {0.5, 0.3, 0.2})};
    std::vector<double> x(n);
    for (std::size_t k = 0; k < ds.size(); ++k) {
        const auto& d = ds[k];
        INFO(d.describe());
        sample_block(d, StreamKey::of(20240501, "param" + std::to_string(k)), 0, n, Sampler::monte_carlo, n, x.data());
        double s = 0, s2 = 0;
        for (double v : x) s += v;
        const double m = s / n;
        for (double v : x) s2 += (v - m) * (v - m);
        const double sd = std::sqrt(s2 / (n - 1));
        CHECK(std::fabs(m - d.mean()) < 5 * d.sd() / std::sqrt(double(n)));
        CHECK(std::fabs(sd / d.sd() - 1) < 0.02);
        if (d.kind() == DistributionKind::discrete) continue;
        for (double p : {0.05, 0.5, 0.95}) {
            const double q = d.quantile(p);
            double below = 0;
            for (double v : x) below += v <= q;
            CHECK(std::fabs(below / n - p) < 5 * std::sqrt(p * (1 - p) / n));
        }
    }
}

TEST_CASE("quantile_block equals quantile, and draws stay in the support", "[sampling][distribution]") {
    std::vector<double> u(1000), x(1000);
    uniform_block(StreamKey::of(3, "u"), 0, u.size(), Sampler::monte_carlo, 0, u.data());
    u[0] = 1.0 / 9007199254740992.0;  // extremes of the uniform grid
    u[1] = 1 - u[0];
    for (const auto& d : {Distribution::triangular(1, 2, 4), Distribution::pert(1, 2, 4), Distribution::beta(0.5, 2),
                          Distribution::truncated_normal(0, 1, 6, 8), Distribution::lognormal_median(1, 3)}) {
        d.quantile_block(u.data(), x.data(), u.size());
        for (std::size_t i = 0; i < u.size(); ++i) {
            CHECK(x[i] == d.quantile(u[i]));
            CHECK(x[i] >= d.support_min());
            CHECK(x[i] <= d.support_max());
            CHECK(std::isfinite(x[i]));
        }
    }
}

TEST_CASE("PERT table: accuracy against the exact inverse of Boost ibeta over PERT shapes", "[sampling][distribution]") {
    // PERT shapes alpha = 1 + lambda r, beta = 1 + lambda (1 - r) for r = (mode - min) / (max - min): the table
    // must match the exact quantile within 1e-10 of the range (the documented bound is 1e-9), checked two ways:
    // against the exact solver (Newton on Boost ibeta to ~1e-14 relative; Boost 1.74's own ibeta_inv throws for
    // some of these shapes), and through the CDF: |I_x(a, b) - u| / f(x), the error in x implied by Boost's ibeta
    // at the tabulated x (f the density, from ibeta_derivative).
    double worst_inv = 0, worst_cdf = 0;
    for (double lambda : {0.5, 1.0, 2.0, 4.0, 8.0, 20.0, 100.0})
        for (double r : {0.0, 0.01, 0.1, 0.25, 0.5, 0.77, 0.99, 1.0}) {
            const double a = 1 + lambda * r, b = 1 + lambda * (1 - r);
            const auto d = Distribution::pert(10, 10 + 5 * r, 15, lambda);
            for (double u = 1e-15; u < 1; u = u < 0.5 ? u * 1.25 : 1 - (1 - u) / 1.25) {
                const double x = (d.quantile(u) - 10) / 5;
                worst_inv = std::max(worst_inv, std::fabs(x - detail::beta_quantile(a, b, u)));
                const double dens = boost::math::ibeta_derivative(a, b, x);
                if (dens > 1e-3) worst_cdf = std::max(worst_cdf, std::fabs(boost::math::ibeta(a, b, x) - u) / dens);
                if (1 - u < 1e-15) break;
            }
            for (int i = 1; i < 2000; ++i) {
                const double u = i / 2000.0, x = (d.quantile(u) - 10) / 5;
                worst_inv = std::max(worst_inv, std::fabs(x - detail::beta_quantile(a, b, u)));
                worst_cdf = std::max(worst_cdf, std::fabs(boost::math::ibeta(a, b, x) - u) /
                                                    boost::math::ibeta_derivative(a, b, x));
            }
        }
    INFO("worst |x - ibeta_inv(u)| = " << worst_inv << ", worst |ibeta(x) - u| / f(x) = " << worst_cdf);
    CHECK(worst_inv < 1e-10);
    CHECK(worst_cdf < 1e-10);
}

TEST_CASE("PERT / beta tables are shared by shape (cache)", "[sampling][distribution]") {
    // PERT(0, 1, 4), PERT(100, 125, 200) and beta(2, 4) on [-1, 3] all have the shape beta(2, 4): one table.
    const auto p = Distribution::pert(0, 1, 4), q = Distribution::pert(100, 125, 200);
    const auto b = Distribution::beta(2, 4, -1, 3);
    for (double u : {1e-12, 0.1, 0.5, 0.9, 1 - 1e-12}) {
        CHECK_THAT((q.quantile(u) - 100) / 100, WithinAbs(p.quantile(u) / 4, 1e-15));
        CHECK_THAT((b.quantile(u) + 1) / 4, WithinAbs(p.quantile(u) / 4, 1e-15));
    }
    CHECK(detail::quantile_table(2, 4) == detail::quantile_table(2, 4));  // the same shared table
    const std::size_t before = detail::quantile_table_cache_size();
    (void)Distribution::pert(7, 8, 11);  // beta(2, 4) again: no new table
    CHECK(detail::quantile_table_cache_size() == before);
    CHECK(before <= detail::kQuantileTableCacheSize);
}

TEST_CASE("PERT / beta table cache stays bounded and thread-safe", "[sampling][distribution]") {
    // More distinct shapes than the cache holds, built from 4 threads at once: the cache never exceeds its bound
    // and every distribution keeps a working table (tables are shared pointers: eviction never frees one in use).
    std::vector<std::vector<Distribution>> made(4);
    std::vector<std::thread> pool;
    for (int t = 0; t < 4; ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < 100; ++i) made[t].push_back(Distribution::pert(0, (i + 0.5) / 100.0, 1, 3.0 + t));
        });
    for (auto& th : pool) th.join();
    CHECK(detail::quantile_table_cache_size() <= detail::kQuantileTableCacheSize);
    for (int t = 0; t < 4; ++t)
        for (int i = 0; i < 100; ++i) {
            const auto& d = made[t][i];
            CHECK_THAT(d.cdf(d.quantile(0.3)), WithinAbs(0.3, 1e-10));
        }
}
