// Attribution along the graph: exact for linear links (an option's attributed value equals its value when
// funded alone, because the model is linear in each option's inputs), and proportional to each option's share
// of a saturating link's input (Aumann-Shapley for a function of a sum), summing to the total in every case.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include <socval/engine.hpp>

#include "builder.hpp"

using namespace socval;
using enginetest::Builder;
using enginetest::fixed;
using enginetest::library;
using Catch::Matchers::WithinRel;

namespace {

/// Two options through a chain of outcomes with lags, drop-off, additionality and priority shares.
Builder two_option_scenario(bool saturating) {
    Builder b(8);
    const int p1 = b.priority("p1", model::Pillar::social), p2 = b.priority("p2", model::Pillar::environmental);
    auto& jobs = b.outcome("jobs", 1000);
    jobs.deadweight = fixed(0.25);
    jobs.duration = 3;
    jobs.drop_off = fixed(0.2);
    auto& health = b.outcome("health", 500);
    health.lag = 1;
    health.duration = 2;
    b.outcome("co2", 60);
    b.serve("jobs", p1, 0.7);
    b.serve("health", p1, 0.4);
    b.serve("health", p2, 0.5);
    b.serve("co2", p2, 1.0);
    auto& a = b.option("a", model::Lever::commissioning);
    Builder::cost(a, 0, 100, 10);
    Builder::cost(a, 1, 0, 10);
    auto& e = b.option("e", model::Lever::employer);
    Builder::cost(e, 0, 0, 40);
    Builder::cost(e, 2, 0, 40);
    b.output("a", "jobs", fixed(3));
    b.output("e", "jobs", fixed(0.05), model::Output::Basis::per_pound);
    b.link("a", "co2", fixed(0.2), 1);
    if (saturating)
        b.saturating("jobs", "health", fixed(0.8), fixed(2));
    else
        b.link("jobs", "health", fixed(0.8));
    b.link("health", "jobs", fixed(0.1), 2);  // a cycle through time
    b.fund("a");
    b.fund("e", 1.5, 1);
    return b;
}

double option_total(const engine::AppraisalResult& r, const std::string& option) {
    double v = 0;
    for (const auto& row : r.attribution)
        if (row.option == option) v += row.value;
    return v;
}

}  // namespace

TEST_CASE("attribution sums to each priority's value, linear and saturating", "[engine][attribution]") {
    for (bool sat : {false, true}) {
        const auto r = engine::evaluate(two_option_scenario(sat).s, library());
        std::map<std::string, double> by_priority;
        for (const auto& row : r.attribution) by_priority[row.priority] += row.value;
        for (std::size_t k = 0; k < r.priority_ids.size(); ++k)
            CHECK_THAT(by_priority[r.priority_ids[k]], WithinRel(r.priority_value[k], 1e-12));
        CHECK_THAT(r.option_value[0] + r.option_value[1], WithinRel(r.pv_benefits, 1e-12));
        CHECK_THAT(r.lever_value[0] + r.lever_value[1] + r.lever_value[2], WithinRel(r.pv_benefits, 1e-12));
        CHECK_THAT(r.lever_value[2], WithinRel(option_total(r, "e"), 1e-12));
        CHECK(r.lever_value[1] == 0.0);
    }
}

TEST_CASE("linear links: an option's attributed value is its value when funded alone", "[engine][attribution]") {
    auto both = two_option_scenario(false);
    const auto r = engine::evaluate(both.s, library());
    for (const std::string id : {"a", "e"}) {
        auto alone = two_option_scenario(false);
        alone.s.funded.erase(std::remove_if(alone.s.funded.begin(), alone.s.funded.end(),
                                            [&](const model::Funding& f) { return alone.s.options[static_cast<std::size_t>(f.option)].id != id; }),
                             alone.s.funded.end());
        const auto ra = engine::evaluate(alone.s, library());
        CHECK_THAT(option_total(r, id), WithinRel(ra.pv_benefits, 1e-12));
        for (std::size_t k = 0; k < ra.priority_ids.size(); ++k) {
            double v = 0;
            for (const auto& row : r.attribution)
                if (row.option == id && row.priority == ra.priority_ids[k]) v += row.value;
            CHECK_THAT(v, WithinRel(ra.priority_value[k], 1e-12) || Catch::Matchers::WithinAbs(ra.priority_value[k], 1e-9));
        }
    }
}

TEST_CASE("saturating link: output shared in proportion to each option's input", "[engine][attribution]") {
    // Options a and b each deliver 1 and 3 units of x in year 0; y = 4 (1 - exp(-x / 4)) = 4 (1 - e^-1).
    // Attribution of y's value: a 1/4, b 3/4 of it (proportional = Aumann-Shapley for f(x_a + x_b)).
    Builder b(1);
    b.outcome("x");
    b.outcome("y", 1);
    b.saturating("x", "y", fixed(1), fixed(4));
    auto& a = b.option("a");
    Builder::cost(a, 0, 0, 1);
    auto& c = b.option("b");
    Builder::cost(c, 0, 0, 1);
    b.output("a", "x", fixed(1));
    b.output("b", "x", fixed(3));
    b.fund("a");
    b.fund("b");
    const auto r = engine::evaluate(b.s, library());
    const double y = 4 * (1 - std::exp(-1.0));
    CHECK_THAT(r.pv_benefits, WithinRel(y, 1e-14));
    CHECK_THAT(r.option_value[0], WithinRel(y / 4, 1e-14));
    CHECK_THAT(r.option_value[1], WithinRel(3 * y / 4, 1e-14));
}

TEST_CASE("block evaluation: each draw of a block equals a block of one; lever tracking sums to totals",
          "[engine][block]") {
    // Every number uncertain enough to vary: the block of 7 draws must match 7 separate single-draw runs.
    Builder b(10);
    const int p1 = b.priority("p1");
    auto dw = b.param("jobs.deadweight", Distribution::uniform(0.1, 0.4));
    auto drop = b.param("jobs.drop_off", Distribution::uniform(0.0, 0.5));
    auto amount = b.param("a.jobs", Distribution::triangular(2, 3, 6));
    auto mit = b.param("a.mitigation", Distribution::uniform(0, 1));
    auto cap = b.param("link.cap", Distribution::uniform(1, 5));
    auto& jobs = b.outcome("jobs", 1000);
    jobs.deadweight = dw;
    jobs.drop_off = drop;
    jobs.duration = 4;
    jobs.lag = 1;
    b.outcome("h", 300);
    b.serve("jobs", p1, 0.6);
    auto& a = b.option("a", model::Lever::anchor);
    a.optimism_bias_category = "standard_civil_engineering";  // capital 44%
    a.optimism_bias_mitigation = mit;
    a.optimism_bias_revenue_category = "outsourcing";          // revenue 41%, the same uncertain mitigation
    a.optimism_bias_revenue_mitigation = mit;
    Builder::cost(a, 0, 100, 10);
    Builder::cost(a, 1, 50, 10);
    auto& e = b.option("e", model::Lever::employer);
    Builder::cost(e, 0, 0, 30);
    b.output("a", "jobs", amount);
    b.output("e", "jobs", fixed(1));
    b.saturating("jobs", "h", fixed(1), cap, 1);
    b.fund("a");
    b.fund("e");
    const auto plan = engine::compile(b.s, library());
    const int n = 7, P = plan.n_params();
    std::vector<double> params(static_cast<std::size_t>(P * n));
    for (int p = 0; p < P; ++p)
        for (int d = 0; d < n; ++d) {
            const double u = (d + 0.5) / n;
            params[static_cast<std::size_t>(p * n + d)] = b.s.parameters[static_cast<std::size_t>(p)].distribution.quantile(std::fmod(u + 0.37 * p, 1.0));
        }
    engine::Evaluator block(plan, engine::Tracking::lever, 16);
    block.run(params.data(), static_cast<std::size_t>(n), n);
    for (int d = 0; d < n; ++d) {
        std::vector<double> one(static_cast<std::size_t>(P));
        for (int p = 0; p < P; ++p) one[static_cast<std::size_t>(p)] = params[static_cast<std::size_t>(p * n + d)];
        engine::Evaluator single(plan, engine::Tracking::none, 1);
        single.run(one.data(), 1, 1);
        CHECK(block.npsv()[d] == single.npsv()[0]);
        CHECK(block.pv_costs()[d] == single.pv_costs()[0]);
        CHECK(block.priority_value(0)[d] == single.priority_value(0)[0]);
        CHECK(block.outcome_total(1)[d] == single.outcome_total(1)[0]);
        CHECK_THAT(block.lever_value(0)[d] + block.lever_value(1)[d] + block.lever_value(2)[d],
                   WithinRel(block.pv_benefits()[d], 1e-12));
        CHECK_THAT(block.lever_cost(1)[d] + block.lever_cost(2)[d], WithinRel(block.pv_costs()[d], 1e-12));
    }
    // The draws differ (the test is not vacuous).
    CHECK(block.npsv()[0] != block.npsv()[n - 1]);
    // The deterministic result is the block of one draw at the central values.
    const auto r = engine::evaluate(plan);
    engine::Evaluator central(plan, engine::Tracking::none, 4);
    central.run(plan.central.data(), 1, 1);
    CHECK(r.npsv == central.npsv()[0]);
    CHECK_THAT(plan.central[2], WithinRel((2.0 + 3.0 + 6.0) / 3.0, 1e-12));  // triangular mean
}

TEST_CASE("attribution by priority does not carry over from one block to the next", "[engine][attribution]") {
    // Regression: the per-group priority rows were accumulated across run() calls. Running the same block twice
    // must give the same attribution, and it must sum to each priority's value.
    const auto b = two_option_scenario(false);
    const auto plan = engine::compile(b.s, library());
    const std::vector<double> central(plan.central.begin(), plan.central.end());
    engine::Evaluator ev(plan, engine::Tracking::option, 1);
    ev.run(central.data(), 1, 1);
    const double first = ev.group_priority_value(0, 0)[0];
    ev.run(central.data(), 1, 1);
    CHECK(ev.group_priority_value(0, 0)[0] == first);
    CHECK_THAT(ev.group_priority_value(0, 0)[0] + ev.group_priority_value(1, 0)[0],
               WithinRel(ev.priority_value(0)[0], 1e-12));
}
