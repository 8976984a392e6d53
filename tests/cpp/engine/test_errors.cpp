// Bad inputs: each gives a typed exception whose message names what was expected and what was found.
#include <catch2/catch.hpp>

#include <socval/engine.hpp>

#include "builder.hpp"

using namespace socval;
using enginetest::Builder;
using enginetest::fixed;
using enginetest::library;
using Catch::Matchers::Contains;

namespace {
Builder simple() {
    Builder b(3);
    b.outcome("x", 1);
    b.outcome("y", 1);
    auto& a = b.option("a");
    Builder::cost(a, 0, 10, 0);
    b.output("a", "x", fixed(1));
    b.fund("a");
    return b;
}
}  // namespace

TEST_CASE("a cycle of lag-0 links is an error naming its members", "[engine][errors]") {
    auto b = simple();
    b.outcome("z", 1);
    b.link("x", "y", fixed(1));
    b.link("y", "z", fixed(1));
    b.link("z", "y", fixed(1));
    CHECK_THROWS_AS(engine::compile(b.s, library()), ScenarioError);
    CHECK_THROWS_WITH(engine::compile(b.s, library()), Contains("y -> z -> y") && Contains("without lag"));
    // The same cycle with a lag of one year is evaluated through time.
    b.s.links.back().lag = 1;
    CHECK_NOTHROW(engine::compile(b.s, library()));
}

TEST_CASE("a self-link without lag is a cycle", "[engine][errors]") {
    auto b = simple();
    b.link("x", "x", fixed(0.5));
    CHECK_THROWS_WITH(engine::compile(b.s, library()), Contains("x -> x"));
}

TEST_CASE("bad scenario numbers are ScenarioErrors", "[engine][errors]") {
    {
        auto b = simple();
        b.s.meta.horizon = 0;
        CHECK_THROWS_AS(engine::compile(b.s, library()), ScenarioError);
        CHECK_THROWS_WITH(engine::compile(b.s, library()), Contains("horizon") && Contains("found 0"));
    }
    {
        auto b = simple();
        b.s.meta.price_base_year = 0;
        CHECK_THROWS_WITH(engine::compile(b.s, library()), Contains("price_base_year"));
    }
    {
        auto b = simple();
        b.s.outcomes[0].duration = 0;
        CHECK_THROWS_WITH(engine::compile(b.s, library()), Contains("x.duration") && Contains(">= 1"));
    }
    {
        auto b = simple();
        b.saturating("x", "y", fixed(1), fixed(0));
        CHECK_THROWS_WITH(engine::compile(b.s, library()), Contains("cap") && Contains("> 0"));
    }
    {
        auto b = simple();
        b.s.outcomes[0].deadweight = fixed(1.5);
        CHECK_THROWS_AS(engine::compile(b.s, library()), ScenarioError);
        CHECK_THROWS_WITH(engine::compile(b.s, library()), Contains("outcome x") && Contains("deadweight") &&
                                                               Contains("1.5"));
    }
    {
        auto b = simple();
        b.fund("a");
        CHECK_THROWS_WITH(engine::compile(b.s, library()), Contains("funded once") && Contains("a twice"));
    }
    {
        auto b = simple();
        b.s.funded[0].scale = 0;
        CHECK_THROWS_WITH(engine::compile(b.s, library()), Contains("scale") && Contains("> 0"));
    }
    {
        auto b = simple();
        b.s.outcomes[0].priorities.push_back({5, 1.0});
        CHECK_THROWS_WITH(engine::compile(b.s, library()), Contains("priority index"));
    }
    {
        auto b = simple();
        const int p = b.priority("p");
        b.serve("x", p, 0.7);
        b.serve("x", p, 0.6);
        CHECK_THROWS_WITH(engine::compile(b.s, library()), Contains("at most 1") && Contains("1.3"));
    }
}

TEST_CASE("library look-ups that fail are ValueLibraryErrors", "[engine][errors]") {
    auto b = simple();
    b.s.options[0].optimism_bias_category = "no_such_category";
    CHECK_THROWS_AS(engine::compile(b.s, library()), ValueLibraryError);
    auto c = simple();
    c.s.meta.schedule = "no_such_schedule";
    CHECK_THROWS_AS(engine::compile(c.s, library()), ValueLibraryError);
}

TEST_CASE("block arguments are checked", "[engine][errors]") {
    auto b = simple();
    auto mit = b.param("a.mitigation", Distribution::uniform(0, 1));
    b.s.options[0].optimism_bias_mitigation = mit;
    b.s.options[0].optimism_bias_category = "standard_buildings";
    const auto plan = engine::compile(b.s, library());
    CHECK_THROWS_WITH(engine::Evaluator(plan, engine::Tracking::none, 0), Contains("at least 1 draw"));
    engine::Evaluator ev(plan, engine::Tracking::none, 4);
    std::vector<double> params{0.5, 0.5, 0.5, 0.5, 0.5};
    CHECK_THROWS_WITH(ev.run(params.data(), 5, 5), Contains("1..4") && Contains("found 5"));
    CHECK_THROWS_WITH(ev.run(params.data(), 2, 3), Contains("stride"));
    CHECK_THROWS_WITH(ev.run(nullptr, 1, 1), Contains("parameter block"));
    // A sampled mitigation outside [0, 1] names the option.
    params[1] = 1.5;
    CHECK_THROWS_AS(ev.run(params.data(), 4, 4), AppraisalError);
    CHECK_THROWS_WITH(ev.run(params.data(), 4, 4), Contains("option a") && Contains("1.5"));
    CHECK_THROWS_WITH(ev.lever_value(0), Contains("tracking"));
    CHECK_THROWS_WITH(ev.level(0, 3), Contains("year") && Contains("found 3"));
}
