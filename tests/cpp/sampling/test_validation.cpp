/// Every distribution validation error: type SamplingError, and a message naming the parameter, what was expected
/// and what was found. Also describe() / params() and the construction from named numbers.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "socval/sampling.hpp"

using namespace socval;
using Catch::Matchers::Contains;

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
}  // namespace

TEST_CASE("factory validation messages", "[sampling][validation]") {
    CHECK_THROWS_AS(Distribution::uniform(2, 1), SamplingError);
    CHECK_THROWS_WITH(Distribution::fixed(kNaN), "fixed(value): expected value to be a finite number, found value=nan");
    CHECK_THROWS_WITH(Distribution::uniform(2, 1), "uniform(min, max): expected min < max, found min=2, max=1");
    CHECK_THROWS_WITH(Distribution::uniform(0, kInf),
                      "uniform(min, max): expected max to be a finite number, found max=inf");
    CHECK_THROWS_WITH(Distribution::triangular(1, 5, 4),
                      "triangular(min, mode, max): expected min <= mode <= max, found min=1, mode=5, max=4");
    CHECK_THROWS_WITH(Distribution::triangular(2, 2, 2),
                      "triangular(min, mode, max): expected min < max (use fixed for a known value), found min=2, max=2");
    CHECK_THROWS_WITH(Distribution::pert(3, 2, 4),
                      "pert(min, mode, max, lambda): expected min <= mode <= max, found min=3, mode=2, max=4");
    CHECK_THROWS_WITH(Distribution::pert(1, 2, 4, 0),
                      "pert(min, mode, max, lambda): expected lambda > 0, found lambda=0");
    CHECK_THROWS_WITH(Distribution::normal(1, 0), "normal(mean, sd): expected sd > 0, found sd=0");
    CHECK_THROWS_WITH(Distribution::normal(1, -2), "normal(mean, sd): expected sd > 0, found sd=-2");
    CHECK_THROWS_WITH(Distribution::truncated_normal(0, 1, 3, 3),
                      "truncated_normal(mean, sd, min, max): expected min < max, found min=3, max=3");
    CHECK_THROWS_WITH(Distribution::truncated_normal(0, 0.5, 1, kNaN),
                      "truncated_normal(mean, sd, min, max): expected min and max to be numbers (or -inf / +inf), found NaN");
    CHECK_THROWS_WITH(Distribution::truncated_normal(0, 1, 50, 60),
                      Contains("expected an interval [min, max] with non-negligible probability") &&
                          Contains("min=50, max=60"));
    CHECK_THROWS_WITH(Distribution::lognormal_median(0, 5),
                      "lognormal(median, high, high_probability): expected median > 0, found median=0");
    CHECK_THROWS_WITH(Distribution::lognormal_median(10, 5),
                      "lognormal(median, high, high_probability): expected high > median (the high percentile lies "
                      "above the median), found median=10, high=5");
    CHECK_THROWS_WITH(Distribution::lognormal_median(10, 20, 0.4),
                      "lognormal(median, high, high_probability): expected 0.5 < high_probability < 1 (e.g. 0.95 for "
                      "a p95), found high_probability=0.4");
    CHECK_THROWS_WITH(Distribution::lognormal_mean_sd(-1, 2), "lognormal(mean, sd): expected mean > 0, found mean=-1");
    CHECK_THROWS_WITH(Distribution::lognormal_mean_sd(1, 0), "lognormal(mean, sd): expected sd > 0, found sd=0");
    CHECK_THROWS_WITH(Distribution::beta(0, 1), "beta(alpha, beta, min, max): expected alpha > 0, found alpha=0");
    CHECK_THROWS_WITH(Distribution::beta(1, -1), "beta(alpha, beta, min, max): expected beta > 0, found beta=-1");
    CHECK_THROWS_WITH(Distribution::beta(1, 1, 5, 5), "beta(alpha, beta, min, max): expected min < max, found min=5, max=5");
}

TEST_CASE("discrete validation messages", "[sampling][validation]") {
    const std::string sig = "discrete(values, probabilities): ";
    CHECK_THROWS_WITH(Distribution::discrete({}, {}), sig + "expected at least one value, found an empty list of values");
    CHECK_THROWS_WITH(Distribution::discrete({1, 2}, {1}),
                      sig + "expected as many probabilities as values, found 2 values and 1 probabilities");
    CHECK_THROWS_WITH(Distribution::discrete({1, 2}, {1.2, -0.2}),
                      sig + "expected probabilities >= 0, found probabilities[1]=-0.2");
    CHECK_THROWS_WITH(Distribution::discrete({1, 2}, {0.5, 0.4}),
                      sig + "expected probabilities summing to 1 (within 1e-9), found a sum of 0.9");
    CHECK_THROWS_WITH(Distribution::discrete({1, kInf}, {0.5, 0.5}), sig + "expected finite values, found values[1]=inf");
    CHECK_NOTHROW(Distribution::discrete({1, 2}, {0.5, 0.5 + 5e-10}));  // within 1e-9: accepted, renormalised
}

TEST_CASE("describe() and params()", "[sampling][validation]") {
    CHECK(Distribution::triangular(1, 2, 4).describe() == "triangular(min=1, mode=2, max=4)");
    CHECK(Distribution::pert(1, 2, 4).describe() == "pert(min=1, mode=2, max=4, lambda=4)");
    CHECK(Distribution::lognormal_median(10, 25).describe() == "lognormal(median=10, p95=25)");
    CHECK(Distribution::lognormal_median(10, 25, 0.975).describe() ==
          "lognormal(median=10, high=25, high_probability=0.975)");
    CHECK(Distribution::lognormal_mean_sd(100, 30).describe() == "lognormal(mean=100, sd=30)");
    CHECK(Distribution::beta(2, 5).describe() == "beta(alpha=2, beta=5, min=0, max=1)");
    CHECK(Distribution::fixed(0.1).describe() == "fixed(value=0.1)");
    const auto ps = Distribution::truncated_normal(1, 2, 0, 5).params();
    REQUIRE(ps.size() == 4);
    CHECK(ps[2].name == "min");
    CHECK(ps[3].value == 5.0);
    CHECK(std::string(kind_name(DistributionKind::truncated_normal)) == "truncated_normal");
}

TEST_CASE("from_parameters: scenario-style construction and its errors", "[sampling][validation]") {
    CHECK(Distribution::from_parameters("pert", {{"min", 1}, {"mode", 2}, {"max", 4}}).describe() ==
          "pert(min=1, mode=2, max=4, lambda=4)");
    CHECK(Distribution::from_parameters("lognormal", {{"median", 10}, {"p90", 20}}).describe() ==
          "lognormal(median=10, p90=20)");
    CHECK(Distribution::from_parameters("lognormal", {{"mean", 10}, {"sd", 2}}).kind() == DistributionKind::lognormal);
    CHECK(Distribution::from_parameters("beta", {{"alpha", 2}, {"beta", 3}}).support_max() == 1.0);
    CHECK(Distribution::from_parameters("discrete", {}, {1, 2}, {0.5, 0.5}).mean() == 1.5);
    CHECK_THROWS_WITH(Distribution::from_parameters("gamma", {}),
                      "distribution: expected one of fixed, uniform, triangular, pert, normal, truncated_normal, "
                      "lognormal, beta, discrete; found 'gamma'");
    CHECK_THROWS_WITH(Distribution::from_parameters("triangular", {{"min", 1}, {"max", 2}}),
                      "triangular: missing parameter 'mode'");
    CHECK_THROWS_WITH(Distribution::from_parameters("uniform", {{"min", 1}, {"max", 2}, {"mode", 1.5}}),
                      "uniform: unknown parameter 'mode' (expected: min, max)");
    CHECK_THROWS_WITH(Distribution::from_parameters("lognormal", {{"median", 1}}),
                      "lognormal: expected {median, p95} (any pNN with NN in 51..99), {median, high, "
                      "high_probability} or {mean, sd}; found none of these");
    CHECK_THROWS_WITH(Distribution::from_parameters("lognormal", {{"median", 1}, {"p90", 2}, {"p95", 3}}),
                      "lognormal: expected one high percentile (e.g. p95), found 'p90' and 'p95'");
    CHECK_THROWS_WITH(Distribution::from_parameters("discrete", {{"mean", 1}}, {1}, {1}),
                      "discrete: expected only 'values' and 'probabilities', found parameter 'mean'");
    CHECK_THROWS_WITH(Distribution::from_parameters("normal", {{"mean", 1}, {"sd", 1}}, {1}, {1}),
                      "normal: 'values' and 'probabilities' belong to discrete distributions only");
}
