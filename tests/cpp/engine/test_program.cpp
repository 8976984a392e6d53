// The compiled propagation program (docs/model/engine.md, section 11): outcome-years that are zero by the
// structure of the scenario are left out, outcomes nothing reaches cost nothing and change nothing, a block
// evaluated in parts gives the same bits as in one piece, and the simulation's summaries fed in parts equal one
// pass over the block.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include <socval/engine.hpp>

#include "../../../cpp/src/engine/simulation_summary.hpp"
#include "builder.hpp"

using namespace socval;
using enginetest::Builder;
using enginetest::fixed;
using enginetest::library;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// One option funded from year 4 (cost profile years 0 and 1), 2 units a year funded into "late", which lags
/// one year, lasts 3 years and drops off by half a year; "never" and "alone" are reached by nothing; "after"
/// reads "late" and "never". ("alone", first and unlinked, is evaluated after the others.)
Builder late_scenario(bool with_never) {
    Builder b(10);
    const int p = b.priority("p");
    if (with_never) b.outcome("alone", 20);
    auto& late = b.outcome("late", 100);
    late.lag = 1;
    late.duration = 3;
    late.drop_off = fixed(0.5);
    b.serve("late", p, 1.0);
    if (with_never) b.outcome("never", 50);
    b.outcome("after", 10);
    auto& a = b.option("a", model::Lever::anchor);
    Builder::cost(a, 0, 100, 0);
    Builder::cost(a, 1, 100, 0);
    b.output("a", "late", fixed(2));
    if (with_never) b.link("never", "after", fixed(3));
    b.link("late", "after", fixed(0.5), 1);
    b.fund("a", 1, 4);
    return b;
}

}  // namespace

TEST_CASE("outcome-years before anything reaches an outcome are exactly zero; the rest follow the closed form",
          "[engine][program]") {
    const auto b = late_scenario(true);
    const auto r = engine::evaluate(engine::compile(b.s, library()));
    const auto late = static_cast<std::size_t>(b.outcome_index("late")),
               never = static_cast<std::size_t>(b.outcome_index("never")),
               after = static_cast<std::size_t>(b.outcome_index("after"));
    // Net delivery 2 in years 4 and 5 (profile years 0 and 1 shifted by the start), lag 1, weights 1, 0.5, 0.25:
    // level(5) = 2, level(6) = 2 x 0.5 + 2 = 3, level(7) = 2 x 0.25 + 2 x 0.5 = 1.5, level(8) = 2 x 0.25 = 0.5,
    // and 0 elsewhere (docs/model/engine.md, section 5; every value is exact in binary).
    const double expected[10] = {0, 0, 0, 0, 0, 2, 3, 1.5, 0.5, 0};
    for (int t = 0; t < 10; ++t) CHECK(r.level[late][static_cast<std::size_t>(t)] == expected[t]);
    for (int t = 0; t < 10; ++t) CHECK(r.level[never][static_cast<std::size_t>(t)] == 0.0);
    // "after" reads "late" one year later: 0.5 x level(t - 1).
    for (int t = 1; t < 10; ++t) CHECK(r.level[after][static_cast<std::size_t>(t)] == 0.5 * expected[t - 1]);
    CHECK(r.level[after][0] == 0.0);
}

TEST_CASE("an outcome nothing reaches changes no other result", "[engine][program]") {
    const auto bw = late_scenario(true), bo = late_scenario(false);
    const auto with = engine::evaluate(engine::compile(bw.s, library()));
    const auto without = engine::evaluate(engine::compile(bo.s, library()));
    CHECK(with.pv_benefits > 0);
    CHECK(same_bits(with.pv_benefits, without.pv_benefits));
    for (const char* id : {"late", "after"})
        CHECK(same_bits(with.outcome_pv[static_cast<std::size_t>(bw.outcome_index(id))],
                        without.outcome_pv[static_cast<std::size_t>(bo.outcome_index(id))]));
    CHECK(with.outcome_pv[static_cast<std::size_t>(bw.outcome_index("never"))] == 0.0);
    CHECK(with.outcome_pv[static_cast<std::size_t>(bw.outcome_index("alone"))] == 0.0);
    CHECK(same_bits(with.lever_value[1], without.lever_value[1]));
}

/// Saturating and linear links, an option link, a per-pound output, a cycle through time, two levers, and
/// uncertain shares, drop-off, coefficients and mitigation.
Builder rich_scenario() {
    Builder b(12);
    const int p = b.priority("p");
    auto dw = b.param("jobs.deadweight", Distribution::uniform(0.1, 0.4));
    auto drop = b.param("health.drop_off", Distribution::uniform(0.0, 0.5));
    auto coef = b.param("link.coefficient", Distribution::triangular(0.2, 0.5, 0.9));
    auto mit = b.param("a.mitigation", Distribution::uniform(0, 1));
    auto amount = b.param("a.amount", Distribution::uniform(1, 3));
    auto& jobs = b.outcome("jobs", 1000);
    jobs.deadweight = dw;
    jobs.duration = 4;
    auto& health = b.outcome("health", 400);
    health.drop_off = drop;
    health.lag = 1;
    health.duration = 3;
    b.outcome("co2", 60);
    b.serve("jobs", p, 0.5);
    b.serve("health", p, 1.0);
    auto& a = b.option("a", model::Lever::commissioning);
    a.optimism_bias_category = "standard_buildings";
    a.optimism_bias_mitigation = mit;
    Builder::cost(a, 0, 100, 10);
    Builder::cost(a, 2, 50, 10);
    auto& e = b.option("e", model::Lever::employer);
    Builder::cost(e, 1, 0, 40);
    b.output("a", "jobs", amount);
    b.output("e", "jobs", fixed(0.02), model::Output::Basis::per_pound);
    b.link("e", "co2", fixed(0.3), 1);
    b.saturating("jobs", "health", coef, fixed(4));
    b.link("health", "jobs", fixed(0.2), 2);
    b.link("jobs", "co2", coef);
    b.fund("a");
    b.fund("e", 1.5, 1);
    return b;
}

/// n draws of every parameter of `b` (quantiles of seeded uniforms), parameter-major.
std::vector<double> sampled(const Builder& b, int n) {
    const int P = static_cast<int>(b.s.parameters.size());
    std::vector<double> params(static_cast<std::size_t>(P * n));
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(0.001, 0.999);
    for (int q = 0; q < P; ++q)
        for (int d = 0; d < n; ++d)
            params[static_cast<std::size_t>(q * n + d)] = b.s.parameters[static_cast<std::size_t>(q)].distribution.quantile(u(rng));
    return params;
}

TEST_CASE("a block evaluated in parts gives the bits of the whole block, for every tracking", "[engine][program]") {
    const auto b = rich_scenario();
    const auto plan = engine::compile(b.s, library());
    const int n = 203;
    const auto params = sampled(b, n);
    for (auto tracking : {engine::Tracking::none, engine::Tracking::lever, engine::Tracking::option}) {
        engine::Evaluator whole(plan, tracking, n);
        whole.run(params.data(), static_cast<std::size_t>(n), n);
        engine::Evaluator part(plan, tracking, 64);
        for (int d0 = 0; d0 < n; d0 += 64) {
            const int np = std::min(64, n - d0);
            part.run(params.data() + d0, static_cast<std::size_t>(n), np);
            for (int d = 0; d < np; ++d) {
                const auto w = static_cast<std::size_t>(d0 + d);
                REQUIRE(same_bits(part.npsv()[d], whole.npsv()[w]));
                REQUIRE(same_bits(part.pv_costs()[d], whole.pv_costs()[w]));
                for (int o = 0; o < 3; ++o) {
                    REQUIRE(same_bits(part.outcome_pv(o)[d], whole.outcome_pv(o)[w]));
                    REQUIRE(same_bits(part.outcome_total(o)[d], whole.outcome_total(o)[w]));
                    for (int t = 0; t < 12; ++t) REQUIRE(same_bits(part.level(o, t)[d], whole.level(o, t)[w]));
                }
                for (int g = 0; g < part.n_groups(); ++g) {
                    REQUIRE(same_bits(part.group_value(g)[d], whole.group_value(g)[w]));
                    if (tracking == engine::Tracking::option)
                        REQUIRE(same_bits(part.group_priority_value(g, 0)[d], whole.group_priority_value(g, 0)[w]));
                }
            }
        }
    }
}

TEST_CASE("lever values from the adjoint pass equal the forward attribution by option", "[engine][program][adjoint]") {
    // Lever tracking computes each lever's value as the sum over its direct inputs of lambda x input, lambda the
    // sensitivity of PV benefits to gross delivery through the links as linearised by the forward pass (a
    // saturating link by y / x, its Aumann-Shapley share). Option tracking propagates each option forward. The two
    // are equal in exact arithmetic (docs/model/engine.md, section 9), here to rounding (1e-12 relative).
    const auto b = rich_scenario();
    const auto plan = engine::compile(b.s, library());
    const int n = 64;
    const auto params = sampled(b, n);
    engine::Evaluator levers(plan, engine::Tracking::lever, n), options(plan, engine::Tracking::option, n);
    levers.run(params.data(), static_cast<std::size_t>(n), n);
    options.run(params.data(), static_cast<std::size_t>(n), n);
    for (int d = 0; d < n; ++d) {
        double sum = 0;
        for (int l = 0; l < 3; ++l) {
            double by_option = 0, cost = 0;
            for (int i = 0; i < static_cast<int>(plan.options.size()); ++i)
                if (static_cast<int>(plan.options[static_cast<std::size_t>(i)].lever) == l) {
                    by_option += options.group_value(i)[d];
                    cost += options.group_cost(i)[d];
                }
            CHECK_THAT(levers.lever_value(l)[d], Catch::Matchers::WithinRel(by_option, 1e-12) ||
                                                     Catch::Matchers::WithinAbs(by_option, 1e-9));
            CHECK(same_bits(levers.lever_cost(l)[d], options.lever_cost(l)[d]));
            CHECK_THAT(levers.lever_cost(l)[d], Catch::Matchers::WithinRel(cost, 1e-12));
            sum += levers.lever_value(l)[d];
        }
        CHECK_THAT(sum, Catch::Matchers::WithinRel(levers.pv_benefits()[d], 1e-12));
        CHECK(levers.lever_value(1)[d] == 0.0);  // no anchor option
    }
    CHECK(levers.lever_value(0)[0] != levers.lever_value(0)[n - 1]);  // the draws differ
    // Lever tracking gives value and cost by lever only.
    CHECK_THROWS_WITH(levers.group_outcome_pv(0, 0), Catch::Matchers::Contains("Tracking::option"));
    CHECK_THROWS_WITH(levers.group_priority_value(0, 0), Catch::Matchers::Contains("Tracking::option"));
}

TEST_CASE("summaries fed in parts equal one pass over the block, bit for bit", "[engine][program][summaries]") {
    using namespace socval::engine::detail;
    const int S = 3;
    const std::size_t n = 203;  // parts of 64, 64, 64 and 11: the last not a whole number of lanes
    std::mt19937_64 rng(9);
    std::normal_distribution<double> z(1.0, 3.0);
    std::vector<std::vector<double>> x(S, std::vector<double>(n));
    for (auto& row : x)
        for (auto& v : row) v = z(rng);
    x[2][7] = -0.0;
    SeriesSummaries s(S, 64);
    std::vector<const double*> ptr(S);
    for (int i = 0; i < S; ++i) ptr[static_cast<std::size_t>(i)] = x[static_cast<std::size_t>(i)].data();
    s.set_edges(ptr.data(), n);
    BlockMoments one, parts;
    LocalCounts l1 = s.make_local(), l2 = s.make_local();
    s.block_stats(ptr.data(), n, one, l1);
    BlockSums sums;
    s.begin(sums);
    std::size_t done = 0;
    for (; done + 64 < n; done += 64) {
        std::vector<const double*> at(S);
        for (int i = 0; i < S; ++i) at[static_cast<std::size_t>(i)] = ptr[static_cast<std::size_t>(i)] + done;
        s.add(at.data(), 64, sums, l2);
    }
    std::vector<const double*> last(S);
    for (int i = 0; i < S; ++i) last[static_cast<std::size_t>(i)] = ptr[static_cast<std::size_t>(i)] + done;
    s.finish(last.data(), n - done, n, sums, parts, l2);
    for (int i = 0; i < S; ++i) {
        const auto k = static_cast<std::size_t>(i);
        CHECK(same_bits(one.mean[k], parts.mean[k]));
        CHECK(same_bits(one.m2[k], parts.m2[k]));
        CHECK(l1.min[k] == l2.min[k]);
        CHECK(l1.max[k] == l2.max[k]);
        CHECK(l1.positive[k] == l2.positive[k]);
    }
    // The block's moments are those of the values (mean to 1e-12, M2 to 1e-10 relative: two-pass reference).
    for (int i = 0; i < S; ++i) {
        const auto& v = x[static_cast<std::size_t>(i)];
        double mean = 0, m2 = 0;
        for (double w : v) mean += w;
        mean /= static_cast<double>(n);
        for (double w : v) m2 += (w - mean) * (w - mean);
        CHECK(parts.mean[static_cast<std::size_t>(i)] == Approx(mean).epsilon(1e-12));
        CHECK(parts.m2[static_cast<std::size_t>(i)] == Approx(m2).epsilon(1e-10));
    }
}

TEST_CASE("histogram counts past 65535 values per series are kept whole", "[engine][summaries]") {
    // The counting works in 16-bit counts flushed into 32-bit ones (simulation_summary.hpp, LocalCounts::recent):
    // 70,000 values at 0.25 and 30,000 at 0.75 put the 0.6-quantile in the 0.25 bin and the 0.75-quantile in the
    // 0.75 bin; a count wrapped at 2^16 (4,464 left at 0.25) would put both in the 0.75 bin.
    using namespace socval::engine::detail;
    std::vector<double> v(100000, 0.25);
    std::fill(v.begin() + 70000, v.end(), 0.75);
    const double pilot[] = {0.0, 1.0};
    const double* pp[] = {pilot};
    for (const std::size_t chunk : {std::size_t{256}, v.size()}) {  // blocks of 256 draws, and one call of 100,000
        SeriesSummaries s(1, 16);
        s.set_edges(pp, 2);  // edges [-0.25, 1.25], bins of 0.09375
        LocalCounts local = s.make_local();
        BlockMoments m;
        for (std::size_t d = 0; d < v.size(); d += chunk) {
            const double* at[] = {v.data() + d};
            s.histogram(at, std::min(chunk, v.size() - d), local);
        }
        const double* all[] = {v.data()};
        s.block_stats(all, v.size(), m, local);
        s.merge(m);
        s.merge_histogram(local);
        s.merge(local);
        INFO("chunk " << chunk);
        CHECK(s.quantile(0, 0.6) >= 0.21875);
        CHECK(s.quantile(0, 0.6) <= 0.3125);
        CHECK(s.quantile(0, 0.75) >= 0.6875);
        CHECK(s.quantile(0, 0.75) <= 0.78125);
    }
}
