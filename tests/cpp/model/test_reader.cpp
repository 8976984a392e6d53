/// The complete example of docs/formats/scenario.md (tests/data/scenarios/complete.yaml) read field by field,
/// defaults, parameter ids, and the merged source text.
#include <cmath>

#include "helpers.hpp"

using namespace socval;
using namespace socval::model;
using socval::model::test::library;
using socval::model::test::minimal;
using socval::model::test::read_test_file;
using socval::model::test::read_text;

namespace {
const Outcome& outcome(const Scenario& sc, const std::string& id) {
    for (const auto& o : sc.outcomes)
        if (o.id == id) return o;
    FAIL("no outcome " << id);
    return sc.outcomes.front();
}
const Parameter& param(const Scenario& sc, const Quantity& q) {
    REQUIRE(q.uncertain());
    return sc.parameters.at(static_cast<std::size_t>(q.param));
}
}  // namespace

TEST_CASE("complete example: metadata and priorities") {
    const Scenario sc = read_test_file("complete.yaml");
    CHECK(sc.meta.name == "Retrofit and skills programme");
    CHECK(sc.meta.description == "A small illustrative scenario.");
    CHECK(sc.meta.price_base_year == 2023);
    CHECK(sc.meta.first_year == 2024);
    CHECK(sc.meta.horizon == 10);
    CHECK(sc.meta.schedule == "standard");
    CHECK(sc.meta.carbon_case == values::Case::central);
    CHECK(sc.source_file == test::scenarios_dir() + "/complete.yaml");

    REQUIRE(sc.priorities.size() == 3);
    const Priority& p = sc.priorities[0];
    CHECK(p.id == "good_work");
    CHECK(p.name == "Fair employment and good work");
    CHECK(p.description == "More people in secure, well paid work.");
    CHECK(p.pillar == Pillar::economic);
    CHECK(p.tags.at("marmot") == std::vector<std::string>{"fair_employment"});
    CHECK(p.tags.at("ppn002") == std::vector<std::string>{"economic_inequality"});
    CHECK(p.tags.at("toms") == std::vector<std::string>{"jobs"});
    CHECK(p.tags.at("other") == std::vector<std::string>{"WECA priority 2"});
    CHECK(p.where.line == 13);  // "- id: good_work" (line 1 of the file is a comment)
    CHECK(p.where.column == 5);
    CHECK(sc.priorities[1].name == "net_zero");  // name defaults to the id
    CHECK(sc.priorities[1].pillar == Pillar::environmental);
    CHECK(sc.priorities[2].pillar == Pillar::social);
    CHECK(sc.priorities[2].tags.empty());
}

TEST_CASE("complete example: outcomes") {
    const Scenario sc = read_test_file("complete.yaml");
    REQUIRE(sc.outcomes.size() == 7);
    const Outcome& jobs = outcome(sc, "jobs_local");
    CHECK(jobs.name == "Local jobs");
    CHECK(jobs.unit == "FTE job-year");
    CHECK(jobs.valuation.kind == Valuation::Kind::money);
    CHECK(jobs.valuation.per_unit.value == 9500);
    CHECK_FALSE(jobs.valuation.per_unit.uncertain());
    CHECK(jobs.valuation.price_base_year == 2023);
    CHECK(jobs.beneficiary == Beneficiary::economic);
    // Triangular mean (min + mode + max) / 3 = (0.2 + 0.3 + 0.5) / 3 (central() is the mean, sampling.hpp).
    CHECK(jobs.deadweight.value == Approx(1.0 / 3.0));
    CHECK(param(sc, jobs.deadweight).id == "outcomes.jobs_local.deadweight");
    CHECK(param(sc, jobs.deadweight).distribution.kind() == DistributionKind::triangular);
    CHECK(param(sc, jobs.deadweight).where.line == 34);
    CHECK(jobs.displacement.value == 0.25);
    CHECK_FALSE(jobs.displacement.uncertain());
    // PERT mean (min + 4 mode + max) / 6 = (0.05 + 0.4 + 0.3) / 6 = 0.125.
    CHECK(jobs.leakage.value == Approx(0.125));
    CHECK(jobs.substitution.value == 0.05);
    // Beta(8, 2) mean 8 / 10.
    CHECK(jobs.attribution.value == Approx(0.8));
    CHECK(jobs.lag == 0);
    CHECK(jobs.duration == 2);
    CHECK(jobs.drop_off.value == 0.5);
    REQUIRE(jobs.priorities.size() == 2);
    CHECK(jobs.priorities[0].priority == 0);
    CHECK(jobs.priorities[0].share == 0.8);
    CHECK(jobs.priorities[1].priority == 2);
    CHECK(jobs.priorities[1].share == 0.2);
    CHECK_FALSE(jobs.schedule.has_value());

    const Outcome& co2 = outcome(sc, "co2e_avoided");
    CHECK(co2.valuation.kind == Valuation::Kind::carbon);
    CHECK(co2.valuation.per_unit.value == 1);
    CHECK(co2.valuation.library_case == values::Case::central);
    CHECK(co2.duration == 20);
    CHECK(co2.attribution.value == 1);  // default
    CHECK(co2.deadweight.value == 0);   // default

    const Outcome& wb = outcome(sc, "wellbeing");
    CHECK(wb.valuation.kind == Valuation::Kind::wellby);
    CHECK(param(sc, wb.valuation.per_unit).id == "outcomes.wellbeing.value.per_unit");
    // Lognormal by median 0.1 and p95 0.25: sigma = ln(2.5) / 1.6448536, mean = 0.1 exp(sigma^2 / 2).
    const double sigma = std::log(2.5) / 1.6448536269514722;
    CHECK(wb.valuation.per_unit.value == Approx(0.1 * std::exp(sigma * sigma / 2)).epsilon(1e-9));
    REQUIRE(wb.schedule.has_value());
    CHECK(*wb.schedule == "health");
    CHECK(wb.beneficiary == Beneficiary::social);  // default

    CHECK(outcome(sc, "health_gain").valuation.kind == Valuation::Kind::qaly);
    const Outcome& fiscal = outcome(sc, "fiscal_saving");
    CHECK(fiscal.valuation.kind == Valuation::Kind::money);
    CHECK(fiscal.valuation.price_base_year == 2020);
    CHECK(fiscal.beneficiary == Beneficiary::fiscal);
    CHECK(fiscal.priorities.empty());
    const Outcome& coll = outcome(sc, "collisions_avoided");
    CHECK(coll.valuation.kind == Valuation::Kind::unit_value);
    CHECK(coll.valuation.library_id == "trn_collision_slight");
    CHECK(outcome(sc, "training_places").valuation.kind == Valuation::Kind::none);
}

TEST_CASE("complete example: options, links, funding, correlations") {
    const Scenario sc = read_test_file("complete.yaml");
    REQUIRE(sc.options.size() == 2);
    const Option& r = sc.options[0];
    CHECK(r.id == "retrofit");
    CHECK(r.name == "Home energy retrofit");
    CHECK(r.lever == Lever::commissioning);
    REQUIRE(r.costs.size() == 3);
    CHECK(r.costs[0].year == 0);
    CHECK(param(sc, r.costs[0].capital).id == "options.retrofit.costs[0].capital");
    CHECK(r.costs[0].capital.value == Approx((1.8e6 + 4 * 2.0e6 + 2.6e6) / 6));  // PERT mean
    CHECK(r.costs[0].revenue.value == 0);
    CHECK(r.costs[1].capital.value == 1.0e6);
    CHECK(r.costs[1].revenue.value == 50000);
    CHECK(r.costs[2].year == 2);
    CHECK(r.costs[2].capital.value == 0);
    CHECK(r.optimism_bias_category == "standard_buildings");
    CHECK(r.optimism_bias_mitigation.value == 0.4);
    CHECK(r.optimism_bias_revenue_category == "outsourcing");
    CHECK(r.optimism_bias_revenue_mitigation.value == 0.2);
    CHECK(r.optimism_bias_works_duration);
    CHECK(param(sc, r.benefits_shortfall).id == "options.retrofit.benefits_shortfall");
    CHECK(r.benefits_shortfall.value == Approx(0.1 * 4 / 6 + 0.3 / 6));  // PERT mean (min + 4 mode + max) / 6
    REQUIRE(r.outputs.size() == 3);
    CHECK(sc.outcomes[static_cast<std::size_t>(r.outputs[0].outcome)].id == "co2e_avoided");
    CHECK(param(sc, r.outputs[0].amount).id == "options.retrofit.outputs.co2e_avoided.amount");
    CHECK(r.outputs[0].amount.value == Approx(1150.0 / 3));
    CHECK(r.outputs[0].basis == Output::Basis::per_year);
    CHECK(r.outputs[1].basis == Output::Basis::per_pound);
    CHECK(r.outputs[1].amount.value == 6.0e-6);
    CHECK(r.outputs[2].basis == Output::Basis::per_year);
    CHECK(r.outputs[2].amount.value == 120);
    const Option& s = sc.options[1];
    CHECK(s.lever == Lever::employer);
    CHECK(s.optimism_bias_category.empty());
    CHECK(s.optimism_bias_revenue_category.empty());
    CHECK_FALSE(s.optimism_bias_works_duration);
    CHECK(!s.benefits_shortfall.uncertain());
    CHECK(s.benefits_shortfall.value == 0);
    CHECK(s.outputs.size() == 1);

    REQUIRE(sc.links.size() == 3);
    const Link& l0 = sc.links[0];
    CHECK(l0.id == "training_places->jobs_local");
    CHECK(l0.from_kind == Link::From::outcome);
    CHECK(sc.outcomes[static_cast<std::size_t>(l0.from)].id == "training_places");
    CHECK(sc.outcomes[static_cast<std::size_t>(l0.to)].id == "jobs_local");
    CHECK(l0.coefficient.value == Approx(0.3));
    CHECK(param(sc, l0.coefficient).id == "links.training_places->jobs_local.coefficient");
    CHECK(l0.lag == 1);
    CHECK(l0.form == LinkForm::linear);
    CHECK(sc.links[1].id == "jobs_to_health");
    CHECK(sc.links[1].form == LinkForm::saturating);
    CHECK(sc.links[1].cap.value == 5);
    CHECK(sc.links[2].lag == 0);

    REQUIRE(sc.funded.size() == 2);
    CHECK(sc.funded[0].option == 0);
    CHECK(sc.funded[0].scale == 1);
    CHECK(sc.funded[0].start == 0);
    CHECK(sc.funded[1].option == 1);
    CHECK(sc.funded[1].scale == 1.5);
    CHECK(sc.funded[1].start == 1);

    REQUIRE(sc.correlations.size() == 1);
    const Correlation& c = sc.correlations[0];
    REQUIRE(c.params.size() == 2);
    CHECK(sc.parameters[static_cast<std::size_t>(c.params[0])].id == "outcomes.jobs_local.deadweight");
    CHECK(sc.parameters[static_cast<std::size_t>(c.params[1])].id == "outcomes.jobs_local.leakage");
    CHECK(c.matrix == std::vector<double>{1, 0.5, 0.5, 1});

    CHECK(sc.parameters.size() == 8);
    CHECK(sc.warnings.empty());
}

TEST_CASE("defaults of an option-free scenario and its warning") {
    const Scenario sc = read_text("metadata: {name: x, price_base_year: 2020, horizon: 3}\n");
    CHECK(sc.meta.first_year == 2020);
    CHECK(sc.meta.schedule == "standard");
    CHECK(sc.priorities.empty());
    CHECK(sc.outcomes.empty());
    CHECK(sc.source_file.empty());
    REQUIRE(sc.warnings.size() == 1);
    CHECK(sc.warnings[0].find("funds no option") != std::string::npos);
}

TEST_CASE("plain numbers and dist: fixed are not parameters") {
    const Scenario sc = read_text(minimal(
        "links:\n  - {from: a, to: b, coefficient: {dist: fixed, value: 2}}\n"));
    CHECK(sc.parameters.empty());
    CHECK(sc.links[0].coefficient.value == 2);
    CHECK_FALSE(sc.links[0].coefficient.uncertain());
}

TEST_CASE("every distribution family reads, with its central value") {
    auto central = [](const std::string& dist) {
        const Scenario sc = read_text(minimal("links:\n  - {from: a, to: b, coefficient: " + dist + "}\n"));
        return sc.links[0].coefficient.value;
    };
    CHECK(central("{dist: uniform, min: 1, max: 3}") == Approx(2));
    CHECK(central("{dist: triangular, min: 0, mode: 0, max: 3}") == Approx(1));
    CHECK(central("{dist: pert, min: 0, mode: 1, max: 2, lambda: 2}") == Approx(1));
    CHECK(central("{dist: normal, mean: -2, sd: 1}") == Approx(-2));
    CHECK(central("{dist: truncnormal, mean: 0, sd: 1, min: -1, max: 1}") == Approx(0).margin(1e-12));
    CHECK(central("{dist: truncated_normal, mean: 0, sd: 1, min: -1, max: 1}") == Approx(0).margin(1e-12));
    CHECK(central("{dist: lognormal, mean: 3, sd: 1}") == Approx(3));
    // median 1, p90 = e: sigma = 1 / z(0.9); mean exp(sigma^2 / 2).
    const double s = 1 / 1.2815515655446004;
    CHECK(central("{dist: lognormal, median: 1, p90: 2.718281828459045}") == Approx(std::exp(s * s / 2)));
    CHECK(central("{dist: lognormal, median: 1, high: 2.718281828459045, high_prob: 0.9}") ==
          Approx(std::exp(s * s / 2)));
    CHECK(central("{dist: beta, alpha: 2, beta: 2, min: 10, max: 20}") == Approx(15));
    CHECK(central("{dist: discrete, values: [1, 2, 4], probs: [0.5, 0.25, 0.25]}") == Approx(2));
}

TEST_CASE("source_text is the merged document and reads back to the same scenario") {
    const Scenario sc = read_test_file("complete.yaml");
    CHECK(sc.source_text.find("include") == std::string::npos);
    const Scenario again = read_scenario_text(sc.source_text, "again.yaml", test::scenarios_dir(), library());
    CHECK(again.source_text == sc.source_text);
    REQUIRE(again.parameters.size() == sc.parameters.size());
    for (std::size_t i = 0; i < sc.parameters.size(); ++i) {
        CHECK(again.parameters[i].id == sc.parameters[i].id);
        CHECK(again.parameters[i].distribution.describe() == sc.parameters[i].distribution.describe());
    }
    CHECK(again.outcomes.size() == sc.outcomes.size());
    CHECK(again.funded.size() == sc.funded.size());
}

TEST_CASE("a key set to null counts as not given") {
    const Scenario sc = read_text(
        "metadata: {name: m, description: ~, price_base_year: 2023, horizon: 5, schedule: null}\n"
        "outcomes:\n  - {id: a, unit: u, value: ~, deadweight: ~, priorities: ~}\n"
        "links: ~\n");
    CHECK(sc.meta.description.empty());
    CHECK(sc.meta.schedule == "standard");
    CHECK(sc.outcomes[0].valuation.kind == Valuation::Kind::none);
    CHECK(sc.outcomes[0].deadweight.value == 0);
    CHECK(sc.source_text.find("description") == std::string::npos);
}

TEST_CASE("library values with a range are shared parameters keyed by library id (metadata.values: sampled)") {
    // HMT Wellbeing Guidance 2021: WELLBY GBP 10,000 / 13,000 / 16,000 (2019 prices) -> triangular, mean 13,000.
    // DESNZ carbon paths: low 50%, high 150% of central -> the multiple triangular(0.5, 1, 1.5).
    const std::string body =
        "priorities: [{id: p, pillar: social}]\n"
        "outcomes:\n"
        "  - {id: w1, unit: u, value: {kind: wellby, per_unit: 0.1}, priorities: {p: 1}}\n"
        "  - {id: w2, unit: u, value: {kind: wellby}, priorities: {p: 1}}\n"
        "  - {id: w3, unit: u, value: {kind: wellby, case: high}, priorities: {p: 1}}\n"
        "  - {id: c, unit: t, value: {kind: carbon}, priorities: {p: 1}}\n"
        "  - {id: q, unit: QALY, value: {kind: qaly}, priorities: {p: 1}}\n"
        "  - {id: j, unit: u, value: {kind: unit_value, library_id: emp_wb_gbp_unemp_to_emp}, priorities: {p: 1}}\n"
        "options: [{id: o, lever: anchor, costs: [{year: 0, revenue: 1}], outputs: {w1: 1, w2: 1, w3: 1, c: 1, q: 1, j: 1}}]\n"
        "scenario: {funded: [o]}\n";
    const Scenario sc = read_text("metadata: {name: m, price_base_year: 2024, horizon: 3}\n" + body);
    CHECK(sc.meta.values == "sampled");
    REQUIRE(sc.parameters.size() == 3);  // wellby (shared by w1 and w2), carbon, the unit value; the QALY has no range
    const auto& w1 = outcome(sc, "w1").valuation;
    const auto& w2 = outcome(sc, "w2").valuation;
    CHECK(param(sc, w1.library_value).id == "value:wellby");
    CHECK(w1.library_value.param == w2.library_value.param);
    CHECK(param(sc, w1.library_value).distribution.describe() == "triangular(min=10000, mode=13000, max=16000)");
    CHECK(w1.library_value.value == 13000);
    CHECK(w1.library_central == 13000);
    CHECK(outcome(sc, "w3").valuation.library_value.param == -1);  // pinned by its case
    CHECK(outcome(sc, "w3").valuation.library_case == values::Case::high);
    CHECK(param(sc, outcome(sc, "c").valuation.library_value).id == "value:carbon");
    CHECK(param(sc, outcome(sc, "c").valuation.library_value).distribution.describe() ==
          "triangular(min=0.5, mode=1, max=1.5)");
    CHECK(outcome(sc, "q").valuation.library_value.param == -1);
    const auto& j = outcome(sc, "j").valuation;
    CHECK(param(sc, j.library_value).id == "value:emp_wb_gbp_unemp_to_emp");
    CHECK(j.library_value.value == Approx((3800.0 + 5980 + 8480) / 3).epsilon(1e-14));

    // values: low fixes every value not pinned at low (carbon too); carbon_case pins carbon.
    const Scenario low = read_text("metadata: {name: m, price_base_year: 2024, horizon: 3, values: low}\n" + body);
    CHECK(low.parameters.empty());
    CHECK(outcome(low, "w1").valuation.library_case == values::Case::low);
    CHECK(outcome(low, "w3").valuation.library_case == values::Case::high);
    CHECK(outcome(low, "c").valuation.library_case == values::Case::low);
    const Scenario pinned =
        read_text("metadata: {name: m, price_base_year: 2024, horizon: 3, carbon_case: high}\n" + body);
    CHECK(pinned.parameters.size() == 2);
    CHECK(outcome(pinned, "c").valuation.library_value.param == -1);
    CHECK(outcome(pinned, "c").valuation.library_case == values::Case::high);
    CHECK_THROWS_WITH(read_text("metadata: {name: m, price_base_year: 2024, horizon: 3, values: median}\n" + body),
                      Catch::Matchers::Contains("metadata.values") && Catch::Matchers::Contains("median"));
}

TEST_CASE("costs to others and benefits shortfall are read with their parameter ids") {
    // minimal()'s option o1 with extra keys
    auto with = [](const std::string& keys) {
        std::string text = minimal();
        const std::string at = "outputs: {a: 1}}";
        return text.replace(text.find(at), at.size(), "outputs: {a: 1}, " + keys + "}");
    };
    const Scenario sc = read_text(with("benefits_shortfall: 0.2, costs_to_others: "
                                       "[{year: 1, amount: {dist: uniform, min: 10, max: 30}, bearer: participants}]"));
    const Option& o = sc.options[0];
    CHECK(o.benefits_shortfall.value == 0.2);
    REQUIRE(o.costs_to_others.size() == 1);
    CHECK(o.costs_to_others[0].year == 1);
    CHECK(o.costs_to_others[0].bearer == "participants");
    CHECK(param(sc, o.costs_to_others[0].amount).id == "options.o1.costs_to_others[0].amount");
    CHECK(o.costs_to_others[0].amount.value == 20);
    CHECK_THROWS_WITH(read_text(with("costs_to_others: [{year: 0, amount: 5, bearer: me}]")),
                      Catch::Matchers::Contains("bearer") && Catch::Matchers::Contains("me"));
    CHECK_THROWS_WITH(read_text(with("benefits_shortfall: 1.5")), Catch::Matchers::Contains("benefits_shortfall"));
}
