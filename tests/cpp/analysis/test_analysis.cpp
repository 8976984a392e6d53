// Scenario-level analyses on the West of England baseline: design evaluation and option values give the same
// bits for any thread count (one compiled program shared by every thread and call), and an invalid design row
// raises the error of the lowest failing block whatever the thread count. These tests also run under
// ThreadSanitizer (make test-sanitize): they drive the multithreaded paths.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <socval/analysis.hpp>
#include <socval/errors.hpp>

#include "../engine/builder.hpp"

using namespace socval;
using enginetest::library;

namespace {

const model::Scenario& baseline() {
    static const model::Scenario s =
        model::read_scenario(SOCVAL_SOURCE_DIR "/scenarios/west-of-england/baseline.yaml", library());
    return s;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

/// The first `k` uncertain parameter ids and a design of n rows of uniforms in (0, 1) over them.
std::vector<std::string> first_uncertain(std::size_t k) {
    std::vector<std::string> ids;
    for (const auto& p : baseline().parameters)
        if (!p.distribution.is_fixed() && ids.size() < k) ids.push_back(p.id);
    return ids;
}

std::vector<double> uniforms(std::size_t n, std::size_t k) {
    std::vector<double> u(n * k);
    for (std::size_t i = 0; i < u.size(); ++i) u[i] = (static_cast<double>((i * 7919) % 997) + 0.5) / 997.0;
    return u;
}

}  // namespace

TEST_CASE("evaluate_design: the same bits for 1, 2 and 4 threads and for repeated calls", "[analysis][design]") {
    const analysis::DesignModel model(baseline(), library());
    const auto ids = first_uncertain(4);
    REQUIRE(ids.size() == 4);
    const std::size_t n = 300;  // 5 blocks of 64, the last partial
    const auto u = uniforms(n, ids.size());
    const auto one = analysis::evaluate_design(model, ids, u.data(), n, analysis::DesignInput::uniforms, "npsv", 1);
    for (int threads : {2, 4}) {
        CHECK(same_bits(one, analysis::evaluate_design(model, ids, u.data(), n, analysis::DesignInput::uniforms,
                                                       "npsv", threads)));
    }
    CHECK(same_bits(one, analysis::evaluate_design(model, ids, u.data(), n, analysis::DesignInput::uniforms, "npsv", 2)));
    for (double y : one) CHECK(std::isfinite(y));
    // A difference of a model with itself is exactly zero.
    for (double d : analysis::evaluate_design_difference(model, model, ids, u.data(), n,
                                                         analysis::DesignInput::uniforms, "pillar:social", 2))
        CHECK(d == 0.0);
}

TEST_CASE("evaluate_design: an invalid row raises the lowest failing block's error, any thread count",
          "[analysis][design][errors]") {
    const analysis::DesignModel model(baseline(), library());
    std::vector<std::string> shares;
    for (const auto& p : baseline().parameters)
        if (p.id.size() > 11 && p.id.compare(p.id.size() - 11, 11, ".deadweight") == 0) shares.push_back(p.id);
    REQUIRE(shares.size() >= 2);
    const std::vector<std::string> cols = {shares[0], shares[1]};
    const std::size_t n = 512;  // 8 blocks of 64
    std::vector<double> x(n * 2, 0.2);
    x[200 * 2 + 1] = 1.5;  // block 3: the second outcome's deadweight out of [0, 1]
    x[100 * 2 + 0] = 1.5;  // block 1: the first outcome's deadweight (the lowest failing block)
    x[450 * 2 + 1] = -1;   // block 7
    const std::string outcome = shares[0].substr(9, shares[0].size() - 9 - 11);  // outcomes.<id>.deadweight
    for (int threads : {1, 2, 4}) {
        INFO("threads " << threads);
        try {
            analysis::evaluate_design(model, cols, x.data(), n, analysis::DesignInput::values, "npsv", threads);
            FAIL("expected an AppraisalError");
        } catch (const AppraisalError& e) {
            CHECK_THAT(e.what(), Catch::Contains("outcome " + outcome + ":"));
        }
    }
}

TEST_CASE("option values: the same bits for 1 and 3 threads", "[analysis][option_values]") {
    analysis::OptionValuesOptions o;
    o.draws = 200;
    o.seed = 3;
    o.block_size = 32;  // 7 blocks
    o.threads = 1;
    const auto a = analysis::option_values(baseline(), library(), o);
    o.threads = 3;
    const auto b = analysis::option_values(baseline(), library(), o);
    CHECK(same_bits(a.value, b.value));
    CHECK(same_bits(a.cost, b.cost));
    CHECK(same_bits(a.priority_value, b.priority_value));
    CHECK(same_bits(a.lever_value, b.lever_value));
    REQUIRE(!a.option_ids.empty());
}

TEST_CASE("option values: a cancelled run throws Interrupted after every thread has joined", "[analysis][option_values]") {
    analysis::OptionValuesOptions o;
    o.draws = 4000;
    o.block_size = 16;
    o.threads = 2;
    o.cancelled = [] { return true; };
    CHECK_THROWS_AS(analysis::option_values(baseline(), library(), o), Interrupted);
}

TEST_CASE("sampled_parameters: parameters x draws, the simulation's draws", "[analysis][sampled]") {
    const auto x = analysis::sampled_parameters(baseline(), 5, Sampler::latin_hypercube, 100);
    CHECK(x.size() == baseline().parameters.size() * 100);
    CHECK_THROWS_AS(analysis::sampled_parameters(baseline(), 5, Sampler::latin_hypercube, 0), SensitivityError);
}
