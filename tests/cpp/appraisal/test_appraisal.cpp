// Appraisal arithmetic independent of the value library: schedules built in the test, ratios, additionality,
// persistence. Expected values are analytic (shown in each test).
#include <catch2/catch.hpp>

#include <cmath>

#include <socval/appraisal.hpp>
#include <socval/errors.hpp>

using namespace socval;
using namespace socval::appraisal;
using Catch::Matchers::Contains;

TEST_CASE("a constant schedule gives (1 + r)^-t") {
    const auto s = DiscountSchedule::constant(0.05);
    CHECK(s.factor(10) == Approx(std::pow(1.05, -10)).epsilon(1e-14));
    CHECK(DiscountSchedule::constant(0).factor(50) == 1.0);
}

TEST_CASE("NPSV, BCR and SROI from cost and benefit streams") {
    // Costs 100 in year 0; benefits 60 in years 1 and 2 at 3.5%: PV = 60/1.035 + 60/1.035^2 = 113.981656...
    const auto s = DiscountSchedule("test", {{1, 30, 0.035}, {31, 1000, 0.03}});
    const auto a = appraise({100, 0, 0}, {0, 60, 60}, s);
    const double pvb = 60 / 1.035 + 60 / (1.035 * 1.035);
    CHECK(a.pv_costs == Approx(100));
    CHECK(a.pv_benefits == Approx(pvb).epsilon(1e-14));
    CHECK(a.npsv == Approx(pvb - 100).epsilon(1e-14));
    CHECK(a.bcr == Approx(pvb / 100).epsilon(1e-14));
    CHECK(sroi_ratio(pvb, 100) == Approx(a.bcr));
    CHECK(std::isnan(appraise({0}, {1}, s).bcr));
    CHECK_THROWS_WITH(bcr(1, 0), Contains("expected PV costs > 0, found 0"));
    CHECK_THROWS_AS(sroi_ratio(1, -5), AppraisalError);
}

TEST_CASE("equivalent annual value: a level annuity paid in years 1..n has itself as its EAV") {
    const auto s = DiscountSchedule::constant(0.035);
    const double pv = present_value(std::vector<double>(10, 250.0), s, 1);
    CHECK(equivalent_annual_value(pv, 10, s) == Approx(250).epsilon(1e-13));
    // Green Book 2022 Annex A6 annuity factor (1 - 1.035^-10) / 0.035 = 8.316605: GBP 100 -> GBP 12.024137 a year
    // (payments in years 1..10, as the `greenbook` R package); the years 0..9 convention would give 11.617.
    CHECK(equivalent_annual_value(100, 10, s) == Approx(12.024136786739).epsilon(1e-12));
    CHECK(equivalent_annual_value(100, 10, DiscountSchedule::constant(0.0)) == Approx(10.0).epsilon(1e-15));
    CHECK_THROWS_AS(equivalent_annual_value(pv, 0, s), AppraisalError);
}

TEST_CASE("additionality: gross to net") {
    // HCA Additionality Guide (2014) worked form: net = gross (1-dw)(1-disp)(1-leak)(1-sub) * attribution.
    Additionality a{0.3, 0.25, 0.1, 0.05, 0.8};
    CHECK(a.net_factor() == Approx(0.7 * 0.75 * 0.9 * 0.95 * 0.8).epsilon(1e-15));
    CHECK(net_outcome(1000, a) == Approx(359.1).epsilon(1e-14));
    CHECK(net_outcome(1000, Additionality{}) == 1000);
    CHECK_THROWS_WITH(net_outcome(1, Additionality{1.2, 0, 0, 0, 1}), Contains("deadweight: expected a share in [0, 1], found 1.2"));
    CHECK_THROWS_WITH(net_outcome(1, Additionality{0, 0, 0, 0, -0.1}), Contains("attribution"));
}

TEST_CASE("persistence: lag, duration and drop-off") {
    // Delivered 100 in year 0, lag 1, duration 3, drop-off 10%: 0, 100, 90, 81, 0.
    const Persistence p{1, 3, 0.1};
    const auto level = outcome_profile({100}, p, 5);
    CHECK(level[0] == 0);
    CHECK(level[1] == Approx(100));
    CHECK(level[2] == Approx(90));
    CHECK(level[3] == Approx(81));
    CHECK(level[4] == 0);
    // Deliveries in consecutive years add up (convolution): 100 then 50 with no lag, duration 2, no drop-off.
    const auto two = outcome_profile({100, 50}, Persistence{0, 2, 0}, 4);
    CHECK(two == std::vector<double>{100, 150, 50, 0});
    CHECK_THROWS_WITH(outcome_profile({1}, Persistence{-1, 1, 0}, 3), Contains("lag: expected a whole number of years >= 0, found -1"));
    CHECK_THROWS_AS(outcome_profile({1}, Persistence{0, 0, 0}, 3), AppraisalError);
    CHECK_THROWS_WITH(outcome_profile({1}, Persistence{0, 1, 1.5}, 3), Contains("drop-off"));
}

TEST_CASE("bad inputs to discounting are typed errors") {
    const auto s = DiscountSchedule::constant(0.035);
    CHECK_THROWS_WITH(s.factor(-1), Contains("expected a year >= 0, found -1"));
    CHECK_THROWS_AS(present_value({1}, s, -2), AppraisalError);
    CHECK_THROWS_WITH(present_value({1, NAN}, s), Contains("expected finite values"));
    CHECK_THROWS_WITH(DiscountSchedule("x", {{1, 10, 1.5}}), Contains("expected a rate in [0, 1), found 1.5"));
    CHECK_THROWS_WITH(DiscountSchedule("x", {{1, 10, 0.03}, {12, 20, 0.03}}), Contains("expected it to start at year 11"));
    CHECK_THROWS_WITH(blended_uplift({{0.5, 0.2}, {0.4, 0.3}}), Contains("expected shares summing to 1, found 0.9"));
    CHECK_THROWS_AS(optimism_bias_uplift(0.24, 1.5), AppraisalError);
}
