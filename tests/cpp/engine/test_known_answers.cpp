// Hand-computed small scenarios. Each test shows its arithmetic; discount factors are the Green Book standard
// schedule (3.5% for years 1-30: DF(t) = 1.035^-t) or the health schedule (1.5%), Green Book 2022 Annex A6.
#include <catch2/catch.hpp>

#include <cmath>

#include <socval/engine.hpp>

#include "builder.hpp"

using namespace socval;
using enginetest::Builder;
using enginetest::fixed;
using enginetest::library;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;

namespace {
constexpr double tol = 1e-12;
}

TEST_CASE("one option, one outcome: PV costs, PV benefits, NPSV, BCR, priorities", "[engine][known]") {
    // Option A: capital 1000 in year 0, revenue 100 in year 1; 10 jobs per year funded (years 0 and 1).
    // Jobs worth GBP 500 each (2024 prices = the price base), deadweight 0.2, lasting one year.
    // Net jobs: 10 x (1 - 0.2) = 8 in years 0 and 1, 0 in year 2. Value 8 x 500 = 4000 in years 0 and 1.
    // PV benefits = 4000 + 4000 / 1.035; PV costs = 1000 + 100 / 1.035.
    Builder b(3);
    const int p1 = b.priority("good_work", model::Pillar::economic);
    b.outcome("jobs", 500).deadweight = fixed(0.2);
    b.serve("jobs", p1, 0.5);
    auto& a = b.option("a");
    Builder::cost(a, 0, 1000, 0);
    Builder::cost(a, 1, 0, 100);
    b.output("a", "jobs", fixed(10));
    b.fund("a");

    const auto r = engine::evaluate(b.s, library());
    const double pvb = 4000 + 4000 / 1.035, pvc = 1000 + 100 / 1.035;
    CHECK_THAT(r.pv_benefits, WithinRel(pvb, tol));
    CHECK_THAT(r.pv_costs, WithinRel(pvc, tol));
    CHECK_THAT(r.npsv, WithinRel(pvb - pvc, tol));
    CHECK_THAT(r.bcr, WithinRel(pvb / pvc, tol));
    CHECK_THAT(r.sroi, WithinRel(pvb / pvc, tol));  // no optimism bias: investment = costs
    // Half of the jobs' value serves good_work (economic pillar), the rest is unallocated.
    REQUIRE(r.priority_ids == std::vector<std::string>{"good_work", "unallocated"});
    CHECK_THAT(r.priority_value[0], WithinRel(0.5 * pvb, tol));
    CHECK_THAT(r.priority_value[1], WithinRel(0.5 * pvb, tol));
    CHECK_THAT(r.pillar_value[1], WithinRel(0.5 * pvb, tol));
    CHECK(r.pillar_value[0] == 0.0);
    CHECK_THAT(r.pillar_value[3], WithinRel(0.5 * pvb, tol));
    CHECK_THAT(r.beneficiary_value[2], WithinRel(pvb, tol));  // default beneficiary: social
    CHECK_THAT(r.lever_value[0], WithinRel(pvb, tol));
    CHECK_THAT(r.lever_cost[0], WithinRel(pvc, tol));
    // Physical total: 8 + 8 + 0 = 16 jobs; per-year flows.
    CHECK_THAT(r.outcome_total[0], WithinRel(16.0, tol));
    CHECK(r.level[0] == std::vector<double>{8, 8, 0});
    CHECK(r.cost == std::vector<double>{1000, 100, 0});
    CHECK(r.benefits == std::vector<double>{4000, 4000, 0});
    CHECK(r.years == std::vector<int>{2025, 2026, 2027});
    // Attribution: all from option a.
    REQUIRE(r.attribution.size() == 2);
    CHECK(r.attribution[0].option == "a");
    CHECK_THAT(r.attribution[0].value, WithinRel(0.5 * pvb, tol));
}

TEST_CASE("persistence: lag, duration and drop-off (SROI guide)", "[engine][known]") {
    // Net delivery 8 in years 0 and 1. Lag 1, duration 3, drop-off 0.5: each year's delivery is present
    // 1, 2 and 3 years later with weights 1, 0.5, 0.25.
    // Level: y0 0; y1 8; y2 8x0.5 + 8 = 12; y3 8x0.25 + 8x0.5 = 6; y4 8x0.25 = 2; y5 0. Total 28.
    Builder b(6);
    auto& o = b.outcome("skills", 100);
    o.lag = 1;
    o.duration = 3;
    o.drop_off = fixed(0.5);
    auto& a = b.option("a");
    Builder::cost(a, 0, 0, 50);
    Builder::cost(a, 1, 0, 50);
    b.output("a", "skills", fixed(8));
    b.fund("a");
    const auto r = engine::evaluate(b.s, library());
    const std::vector<double> expected{0, 8, 12, 6, 2, 0};
    for (int t = 0; t < 6; ++t) CHECK_THAT(r.level[0][static_cast<std::size_t>(t)], Catch::Matchers::WithinAbs(expected[static_cast<std::size_t>(t)], 1e-12));
    CHECK_THAT(r.outcome_total[0], WithinRel(28.0, tol));
    double pvb = 0;
    for (int t = 0; t < 6; ++t) pvb += 100 * expected[static_cast<std::size_t>(t)] / std::pow(1.035, t);
    CHECK_THAT(r.pv_benefits, WithinRel(pvb, tol));
}

TEST_CASE("links: linear, saturating, lagged, and a cycle carried through time by its lag", "[engine][known]") {
    // Option spends 1000 in year 0. a = 0.01 x spend -> 10 in year 0.
    // b(t) = 2 x a(t-1); a(t) also gets 0.1 x b(t-1) (a cycle with lag 1).
    // a: y0 10, y1 0, y2 0.1 x b(1) = 0.1 x 20 = 2, y3 0, y4 0.1 x b(3) = 0.1 x 4 = 0.4
    // b: y0 0, y1 20, y2 0, y3 2 x 2 = 4, y4 0.
    // c = 5 (1 - exp(-1 x a / 5)), lag 0: y0 5(1 - e^-2), y2 5(1 - e^-0.4), y4 5(1 - e^-0.08).
    Builder b(5);
    b.outcome("a");
    b.outcome("b");
    b.outcome("c");
    auto& o = b.option("o");
    Builder::cost(o, 0, 0, 1000);
    b.fund("o");
    b.link("o", "a", fixed(0.01));
    b.link("a", "b", fixed(2), 1);
    b.link("b", "a", fixed(0.1), 1);
    b.saturating("a", "c", fixed(1), fixed(5));
    const auto r = engine::evaluate(b.s, library());
    const std::vector<double> a{10, 0, 2, 0, 0.4}, bb{0, 20, 0, 4, 0};
    const std::vector<double> c{5 * (1 - std::exp(-2.0)), 0, 5 * (1 - std::exp(-0.4)), 0, 5 * (1 - std::exp(-0.08))};
    for (std::size_t t = 0; t < 5; ++t) {
        CHECK_THAT(r.level[0][t], Catch::Matchers::WithinAbs(a[t], 1e-12));
        CHECK_THAT(r.level[1][t], Catch::Matchers::WithinAbs(bb[t], 1e-12));
        CHECK_THAT(r.level[2][t], Catch::Matchers::WithinAbs(c[t], 1e-12));
    }
}

TEST_CASE("optimism bias uplifts capital; SROI uses the investment before uplift", "[engine][known]") {
    // standard_buildings: capital upper bound 0.24 (HM Treasury optimism bias guidance, data/optimism_bias.yaml);
    // mitigation 0.5 -> uplift 0.12. Capital 1000 in year 0 -> cost 1120; revenue 200 in year 1 is not uplifted.
    // Outputs per GBP use the pre-uplift spend: 0.002 units per GBP x 1000 = 2 units in year 0, 0.4 in year 1,
    // worth GBP 1000 each. PV costs = 1120 + 200/1.035; PV investment = 1000 + 200/1.035;
    // PV benefits = 2000 + 400/1.035.
    Builder b(2);
    b.outcome("u", 1000);
    auto& a = b.option("a");
    a.optimism_bias_category = "standard_buildings";
    a.optimism_bias_mitigation = fixed(0.5);
    Builder::cost(a, 0, 1000, 0);
    Builder::cost(a, 1, 0, 200);
    b.output("a", "u", fixed(0.002), model::Output::Basis::per_pound);
    b.fund("a");
    REQUIRE(library().optimism_bias("standard_buildings").capital_upper == 0.24);
    const auto r = engine::evaluate(b.s, library());
    const double pvc = 1120 + 200 / 1.035, pvi = 1000 + 200 / 1.035, pvb = 2000 + 400 / 1.035;
    CHECK_THAT(r.pv_costs, WithinRel(pvc, tol));
    CHECK_THAT(r.pv_investment, WithinRel(pvi, tol));
    CHECK_THAT(r.pv_benefits, WithinRel(pvb, tol));
    CHECK_THAT(r.bcr, WithinRel(pvb / pvc, tol));
    CHECK_THAT(r.sroi, WithinRel(pvb / pvi, tol));
    CHECK_THAT(r.option_ob_capital[0], WithinRel(0.12, tol));
    CHECK_THAT(r.option_ob_duration[0], WithinRel(0.04 * 0.5, tol));
    CHECK(r.option_ob_revenue[0] == 0.0);  // standard buildings has no operating-cost bound
    CHECK(r.option_delay[0] == 0);         // works-duration delay not declared
}

TEST_CASE("optimism bias on revenue: outsourcing's operating-cost bound, by category and mitigation", "[engine][known]") {
    // HM Treasury Supplementary Green Book Guidance: Optimism Bias, table of upper bounds: outsourcing 41%, measured
    // on operating expenditure, no works-duration bound. Revenue 1000 in years 0 and 1, mitigation 0.4:
    // uplift 0.41 x 0.6 = 0.246 -> costs 1246 a year. PV costs = 1246 (1 + 1/1.035); investment 1000 (1 + 1/1.035).
    Builder b(2);
    b.outcome("u", 1000);
    auto& a = b.option("a");
    a.optimism_bias_category = "outsourcing";
    a.optimism_bias_mitigation = fixed(0.4);
    Builder::cost(a, 0, 0, 1000);
    Builder::cost(a, 1, 0, 1000);
    b.output("a", "u", fixed(1));
    b.fund("a");
    const auto& cat = library().optimism_bias("outsourcing");
    REQUIRE(cat.has_operating);
    REQUIRE(!cat.has_capital);
    REQUIRE(!cat.has_duration);
    REQUIRE(cat.operating_upper == 0.41);
    const auto r = engine::evaluate(b.s, library());
    CHECK_THAT(r.pv_costs, WithinRel(1246 * (1 + 1 / 1.035), tol));
    CHECK_THAT(r.pv_investment, WithinRel(1000 * (1 + 1 / 1.035), tol));
    CHECK_THAT(r.option_ob_revenue[0], WithinRel(0.246, tol));
    CHECK(r.option_ob_capital[0] == 0.0);

    // Capital by its own category, revenue by outsourcing: standard buildings 24% x (1 - 0.5) on capital 2000 in
    // year 0; outsourcing 41% x (1 - 0.2) = 32.8% on revenue 1000 in year 1.
    // PV costs = 2000 x 1.12 + 1000 x 1.328 / 1.035.
    Builder c(2);
    c.outcome("u", 1000);
    auto& o = c.option("a");
    o.optimism_bias_category = "standard_buildings";
    o.optimism_bias_mitigation = fixed(0.5);
    o.optimism_bias_revenue_category = "outsourcing";
    o.optimism_bias_revenue_mitigation = fixed(0.2);
    Builder::cost(o, 0, 2000, 0);
    Builder::cost(o, 1, 0, 1000);
    c.output("a", "u", fixed(1));
    c.fund("a");
    const auto rc = engine::evaluate(c.s, library());
    CHECK_THAT(rc.pv_costs, WithinRel(2240 + 1328 / 1.035, tol));
    CHECK_THAT(rc.option_ob_revenue[0], WithinRel(0.328, tol));

    // Outsourcing has no capital bound: an option with capital costs filed under it is refused.
    Builder d(2);
    d.outcome("u", 1000);
    auto& x = d.option("a");
    x.optimism_bias_category = "outsourcing";
    Builder::cost(x, 0, 500, 0);
    d.fund("a");
    CHECK_THROWS_AS(engine::compile(d.s, library()), ScenarioError);
    CHECK_THROWS_WITH(engine::compile(d.s, library()), Contains("capital-cost bound") && Contains("outsourcing"));
    // A revenue category must have an operating bound.
    x.optimism_bias_category = "standard_buildings";
    x.optimism_bias_revenue_category = "standard_buildings";
    CHECK_THROWS_WITH(engine::compile(d.s, library()), Contains("operating-cost"));
}

TEST_CASE("works-duration uplift delays costs and outputs; benefits shortfall reduces outputs", "[engine][known]") {
    // non_standard_buildings: duration upper bound 39%, mitigation 0 (guidance table). Capital works in years 0..2
    // (3 years): overrun 0.39 x 3 = 1.17 years -> a delay of round(1.17) = 1 whole year. Capital 100 a year moves to
    // years 1..3 (uplifted 51%: 151 a year); the option's 2 units a year move with it.
    Builder b(5);
    b.outcome("u", 10);
    auto& a = b.option("a");
    a.optimism_bias_category = "non_standard_buildings";
    a.optimism_bias_works_duration = true;
    for (int y = 0; y < 3; ++y) Builder::cost(a, y, 100, 0);
    b.output("a", "u", fixed(2));
    b.fund("a");
    auto r = engine::evaluate(b.s, library());
    CHECK(r.option_delay[0] == 1);
    CHECK(r.cost == std::vector<double>{0, 151, 151, 151, 0});
    CHECK(r.level[0] == std::vector<double>{0, 2, 2, 2, 0});
    // Mitigation 0.5: 0.195 x 3 = 0.585 -> 1 year; mitigation 0.9: 0.039 x 3 = 0.117 -> 0 (no delay).
    a.optimism_bias_mitigation = fixed(0.9);
    r = engine::evaluate(b.s, library());
    CHECK(r.option_delay[0] == 0);
    CHECK(r.level[0] == std::vector<double>{2, 2, 2, 0, 0});

    // Benefits shortfall 25% (Green Book: benefits shortfall, a share of the benefits not delivered): per-year
    // outputs 2 -> 1.5 and per-pound outputs on 0.01 x 100 = 1 -> 0.75 a year; costs unchanged.
    a.optimism_bias_works_duration = false;
    a.optimism_bias_mitigation = fixed(0);
    a.benefits_shortfall = fixed(0.25);
    b.output("a", "u", fixed(0.01), model::Output::Basis::per_pound);
    r = engine::evaluate(b.s, library());
    CHECK(r.cost == std::vector<double>{151, 151, 151, 0, 0});
    CHECK_THAT(r.level[0][0], WithinRel(2.25, tol));
    CHECK_THAT(r.pv_benefits, WithinRel(22.5 * (1 + 1 / 1.035 + 1 / (1.035 * 1.035)), tol));
    // An uncertain shortfall: the mean of uniform(0, 0.5) gives the same central evaluation.
    a.benefits_shortfall = b.param("a.benefits_shortfall", Distribution::uniform(0, 0.5));
    r = engine::evaluate(b.s, library());
    CHECK_THAT(r.pv_benefits, WithinRel(22.5 * (1 + 1 / 1.035 + 1 / (1.035 * 1.035)), tol));
}

TEST_CASE("funding scale and start shift and scale costs and outputs", "[engine][known]") {
    // Scale 2, start 1: revenue 100 per profile year 0..1 -> costs 200 in years 1 and 2; 3 units per year
    // funded -> 6 units in years 1 and 2, worth GBP 10 each.
    Builder b(4);
    b.outcome("u", 10);
    auto& a = b.option("a");
    Builder::cost(a, 0, 0, 100);
    Builder::cost(a, 1, 0, 100);
    b.output("a", "u", fixed(3));
    b.fund("a", 2, 1);
    const auto r = engine::evaluate(b.s, library());
    CHECK(r.cost == std::vector<double>{0, 200, 200, 0});
    CHECK(r.level[0] == std::vector<double>{0, 6, 6, 0});
    CHECK_THAT(r.pv_benefits, WithinRel(60 / 1.035 + 60 / (1.035 * 1.035), tol));
}

TEST_CASE("an outcome's own schedule: health at 1.5%", "[engine][known]") {
    // 1 unit a year for 3 years at GBP 1000: PV with the health schedule = 1000 (1 + 1/1.015 + 1/1.015^2);
    // the costs stay on the standard schedule: 300 in year 2 -> 300 / 1.035^2.
    Builder b(3);
    b.outcome("qalys", 1000).schedule = "health";
    auto& a = b.option("a");
    Builder::cost(a, 0, 0, 0);
    Builder::cost(a, 1, 0, 0);
    Builder::cost(a, 2, 0, 300);
    b.output("a", "qalys", fixed(1));
    b.fund("a");
    const auto r = engine::evaluate(b.s, library());
    CHECK_THAT(r.pv_benefits, WithinRel(1000 * (1 + 1 / 1.015 + 1 / (1.015 * 1.015)), tol));
    CHECK_THAT(r.pv_costs, WithinRel(300 / (1.035 * 1.035), tol));
}

TEST_CASE("carbon valued by calendar year in the scenario's carbon case; WELLBY and money rebased", "[engine][known]") {
    // 10 tCO2e a year avoided in 2025 and 2026; the value of each year is the library's DESNZ value for that
    // calendar year (data/carbon.yaml: 2025 central 273.06 GBP/tCO2e in 2022 prices), rebased to 2024 prices.
    Builder b(2, 2025, 2024);
    auto& c = b.outcome("co2");
    c.valuation.kind = model::Valuation::Kind::carbon;
    c.valuation.per_unit = fixed(1);
    auto& w = b.outcome("wellbeing");
    w.valuation.kind = model::Valuation::Kind::wellby;
    w.valuation.per_unit = fixed(0.5);
    auto& m = b.outcome("savings");
    m.valuation.kind = model::Valuation::Kind::money;
    m.valuation.per_unit = fixed(100);
    m.valuation.price_base_year = 2019;
    auto& a = b.option("a");
    Builder::cost(a, 0, 0, 1);
    Builder::cost(a, 1, 0, 1);
    b.output("a", "co2", fixed(10));
    b.output("a", "wellbeing", fixed(2));
    b.output("a", "savings", fixed(1));
    b.fund("a");
    const auto& lib = library();
    const auto r = engine::evaluate(b.s, lib);
    const double c25 = lib.carbon_value(2025, values::Case::central, 2024), c26 = lib.carbon_value(2026, values::Case::central, 2024);
    CHECK_THAT(c25, WithinRel(273.06 * lib.deflator(2024) / lib.deflator(2022), 1e-12));
    CHECK_THAT(r.outcome_pv[0], WithinRel(10 * c25 + 10 * c26 / 1.035, tol));
    const double wb = lib.wellby_value(values::Case::central, 2024);
    CHECK_THAT(r.outcome_pv[1], WithinRel(2 * 0.5 * wb * (1 + 1 / 1.035), tol));
    const double money = 100 * lib.deflator(2024) / lib.deflator(2019);
    CHECK_THAT(r.outcome_pv[2], WithinRel(money * (1 + 1 / 1.035), tol));

    // The high carbon case changes the carbon value only.
    b.s.meta.carbon_case = values::Case::high;
    const auto h = engine::evaluate(b.s, lib);
    const double h25 = lib.carbon_value(2025, values::Case::high, 2024), h26 = lib.carbon_value(2026, values::Case::high, 2024);
    CHECK_THAT(h.outcome_pv[0], WithinRel(10 * h25 + 10 * h26 / 1.035, tol));
    CHECK_THAT(h.outcome_pv[1], WithinRel(r.outcome_pv[1], tol));
}

TEST_CASE("carbon beyond the published table is held, with a warning", "[engine][known]") {
    Builder b(3, 2049, 2024);
    auto& c = b.outcome("co2");
    c.valuation.kind = model::Valuation::Kind::carbon;
    auto& a = b.option("a");
    Builder::cost(a, 0, 0, 1);
    Builder::cost(a, 1, 0, 1);
    Builder::cost(a, 2, 0, 1);
    b.output("a", "co2", fixed(1));
    b.fund("a");
    const auto r = engine::evaluate(b.s, library());
    REQUIRE(r.warnings.size() == 1);
    CHECK_THAT(r.warnings[0], Catch::Matchers::Contains("2051"));
    CHECK(r.value[0][2] == r.value[0][1]);  // 2051 holds 2050's value
}

TEST_CASE("a sampled library value scales every year of every outcome that uses it", "[engine][known]") {
    // Two outcomes valued with the shared WELLBY parameter (GBP per WELLBY, 2019 prices, central 13,000) and one
    // with the carbon multiple: the value of year t is level x per_unit x P_t x V / V_c. WELLBY outcome w: 0.5
    // WELLBY per unit, 2 units in years 0 and 1; price base 2019, so P = V_c = 13,000 and the PV at a draw V is
    // 2 x 0.5 x V (1 + 1/1.035) (docs/model/appraisal.md, value uncertainty).
    Builder b(2, 2025, 2019);
    auto wellby = b.param("value:wellby", Distribution::triangular(10000, 13000, 16000));
    auto& w = b.outcome("w");
    w.valuation.kind = model::Valuation::Kind::wellby;
    w.valuation.per_unit = fixed(0.5);
    w.valuation.library_value = wellby;
    w.valuation.library_central = 13000;
    auto& a = b.option("a");
    Builder::cost(a, 0, 0, 100);
    Builder::cost(a, 1, 0, 100);
    b.output("a", "w", fixed(2));
    b.fund("a");
    const auto plan = engine::compile(b.s, library());
    engine::Evaluator ev(plan, engine::Tracking::none, 4);
    std::vector<double> params{10000, 13000, 16000, 11111};
    ev.run(params.data(), 4, 4);
    for (int d = 0; d < 4; ++d)
        CHECK_THAT(ev.pv_benefits()[d], WithinRel(params[static_cast<std::size_t>(d)] * (1 + 1 / 1.035), tol));
    // At the central value the result is exactly the fixed-value evaluation.
    const double central = engine::evaluate(b.s, library()).pv_benefits;
    w.valuation.library_value = fixed(1.0);
    w.valuation.library_central = 1.0;
    CHECK(engine::evaluate(b.s, library()).pv_benefits == central);
}

TEST_CASE("costs to others: in PV costs (all costs to UK society) and the SROI's inputs, not uplifted", "[engine][known]") {
    // The body: capital 1000 in year 0, standard buildings 24% x (1 - 0.5) = 12% -> 1120. Suppliers' premium 100 in
    // year 1 and partners' in-kind 50 in year 0 (scale 2: 200 and 100). Benefits: 1 unit a year worth 1000, years
    // 0..1. Green Book: PV costs = all costs to UK society = 2240 + 100 + 200/1.035. BCR on public sector cost
    // (Green Book 2026 Table 10, return on public sector cost: denominator the public sector's cost, costs borne by
    // others counted as negative benefits):
    // (PV benefits - PV others) / 2240; on all costs (Python's bcr_all_costs): PV benefits / PV costs. SROI (Social
    // Value UK): PV benefits / (body's investment 2000 + others' inputs 100 + 200/1.035).
    Builder b(2);
    b.outcome("u", 1000);
    auto& a = b.option("a");
    a.optimism_bias_category = "standard_buildings";
    a.optimism_bias_mitigation = fixed(0.5);
    Builder::cost(a, 0, 1000, 0);
    Builder::cost(a, 1, 0, 0);  // year 1 is funded (outputs per year funded), at no cost to the body
    a.costs_to_others.push_back({1, fixed(100), "suppliers", {}});
    a.costs_to_others.push_back({0, fixed(50), "partners", {}});
    b.output("a", "u", fixed(0.5));
    b.fund("a", 2);
    const auto r = engine::evaluate(b.s, library());
    const double pvo = 100 + 200 / 1.035, pvb = 1000 * (1 + 1 / 1.035);
    CHECK_THAT(r.pv_others, WithinRel(pvo, tol));
    CHECK_THAT(r.pv_costs, WithinRel(2240 + pvo, tol));
    CHECK_THAT(r.pv_investment, WithinRel(2000, tol));
    CHECK_THAT(r.npsv, WithinRel(pvb - 2240 - pvo, tol));
    CHECK_THAT(r.bcr, WithinRel((pvb - pvo) / 2240, tol));
    CHECK_THAT(r.npsv, WithinRel((pvb - pvo) - 2240, tol));  // NPSV = the public BCR's numerator - denominator
    CHECK_THAT(r.sroi, WithinRel(pvb / (2000 + pvo), tol));
    CHECK(r.cost == std::vector<double>{2340, 200});
    CHECK(r.investment == std::vector<double>{2000, 0});
}
