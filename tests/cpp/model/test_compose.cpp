/// include and extends: union of shared files, override by a variant, funded edits, path confinement, cycles and
/// duplicates across files (tests/data/scenarios/, rules in docs/formats/scenario.md "Composing scenarios").
#include "helpers.hpp"

using namespace socval;
using namespace socval::model;
using socval::model::test::read_test_file;
using socval::model::test::read_text;

namespace {
int index_of(const std::vector<Option>& v, const std::string& id) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i].id == id) return static_cast<int>(i);
    return -1;
}
std::string file_error(const std::string& name, const ReadOptions& o = {}) {
    try {
        read_test_file(name, o);
    } catch (const ScenarioError& e) {
        return e.what();
    }
    FAIL("expected a ScenarioError reading " << name);
    return "";
}
}  // namespace

TEST_CASE("include: sections of shared files are combined, locations keep their file") {
    const Scenario sc = read_test_file("baseline.yaml");
    CHECK(sc.meta.name == "Baseline");
    REQUIRE(sc.priorities.size() == 3);
    REQUIRE(sc.outcomes.size() == 3);
    REQUIRE(sc.options.size() == 3);
    CHECK(sc.priorities[0].where.file == test::scenarios_dir() + "/shared/framework.yaml");
    CHECK(sc.outcomes[0].where.file == test::scenarios_dir() + "/shared/outcomes.yaml");
    CHECK(sc.outcomes[0].where.line == 3);
    CHECK(sc.options[2].id == "clinic");
    REQUIRE(sc.funded.size() == 2);
    CHECK(sc.parameters.size() == 2);  // and value:carbon, the DESNZ path drawn (metadata.values: sampled)
    CHECK(sc.parameters[0].id == "outcomes.jobs_local.deadweight");
    CHECK(sc.parameters[1].id == "value:carbon");
    CHECK(sc.parameters[0].where.file == test::scenarios_dir() + "/shared/outcomes.yaml");
}

TEST_CASE("extends: a variant states only what differs") {
    const Scenario base = read_test_file("baseline.yaml");
    const Scenario sc = read_test_file("variant.yaml");
    CHECK(sc.meta.name == "Variant B");
    CHECK(sc.meta.description == "Stronger deadweight and an anchor purchase");
    CHECK(sc.meta.price_base_year == 2023);  // from the base
    CHECK(sc.meta.horizon == 10);
    // deadweight: {mode: 0.35} merged into the base triangular(0.2, 0.3, 0.5): mean (0.2 + 0.35 + 0.5) / 3.
    const Outcome& jobs = sc.outcomes[0];
    CHECK(jobs.id == "jobs_local");
    CHECK(jobs.deadweight.value == Approx(1.05 / 3));
    CHECK(sc.parameters[static_cast<std::size_t>(jobs.deadweight.param)].distribution.describe() ==
          "triangular(min=0.2, mode=0.35, max=0.5)");
    CHECK(jobs.valuation.per_unit.value == 9500);  // unchanged keys stay
    // options: clinic removed, anchor_buy appended
    REQUIRE(sc.options.size() == 3);
    CHECK(index_of(sc.options, "clinic") == -1);
    CHECK(sc.options[2].id == "anchor_buy");
    CHECK(sc.options[2].where.file == test::scenarios_dir() + "/variant.yaml");
    // links: merged by <from>-><to>: lag changed, coefficient kept
    REQUIRE(sc.links.size() == 1);
    CHECK(sc.links[0].lag == 2);
    CHECK(sc.links[0].coefficient.value == 0.01);
    // funded: remove skills, set retrofit scale 2, add anchor_buy
    REQUIRE(sc.funded.size() == 2);
    CHECK(sc.funded[0].option == index_of(sc.options, "retrofit"));
    CHECK(sc.funded[0].scale == 2);
    CHECK(sc.funded[1].option == index_of(sc.options, "anchor_buy"));
    CHECK(sc.funded[1].scale == 1);
    // the base is untouched and shares the parameter id (common random numbers)
    CHECK(base.parameters[0].id == sc.parameters[0].id);
    CHECK(sc.source_text.find("extends") == std::string::npos);
    CHECK(sc.source_text.find("remove") == std::string::npos);
}

TEST_CASE("extends chains; plain values replace distributions; lists replace") {
    const Scenario sc = read_test_file("variant_of_variant.yaml");
    CHECK(sc.meta.name == "Variant C");
    CHECK(sc.meta.description == "Stronger deadweight and an anchor purchase");
    CHECK(sc.outcomes[0].deadweight.value == 0.4);
    CHECK_FALSE(sc.outcomes[0].deadweight.uncertain());
    REQUIRE(sc.parameters.size() == 1);  // only the library's carbon path (metadata.values: sampled)
    CHECK(sc.parameters[0].id == "value:carbon");
    REQUIRE(sc.outcomes[0].priorities.size() == 2);  // map merged: good_work changed, health added
    CHECK(sc.outcomes[0].priorities[0].share == 0.5);
    REQUIRE(sc.funded.size() == 1);
    CHECK(sc.options[static_cast<std::size_t>(sc.funded[0].option)].id == "anchor_buy");
}

TEST_CASE("extends from text: null deletes a key, a map with dist replaces") {
    const Scenario sc = read_text(
        "extends: baseline.yaml\n"
        "outcomes:\n"
        "  - id: jobs_local\n"
        "    deadweight: {dist: uniform, min: 0.1, max: 0.3}\n"
        "    value: ~\n");
    CHECK(sc.outcomes[0].deadweight.value == Approx(0.2));
    CHECK(sc.outcomes[0].valuation.kind == Valuation::Kind::none);
}

TEST_CASE("a file included twice in one include tree is read once") {
    const Scenario sc = read_test_file("diamond.yaml");
    CHECK(sc.priorities.size() == 3);
}

TEST_CASE("duplicate id across files names both places") {
    const std::string e = file_error("duplicate_across_files.yaml");
    CHECK_THAT(e, Catch::Contains("duplicate_across_files.yaml:5:9: priorities[3].id"));
    CHECK_THAT(e, Catch::Contains("duplicate id 'health'"));
    CHECK_THAT(e, Catch::Contains("shared/framework.yaml:10:9"));
}

TEST_CASE("a value set in two included files names both places") {
    const std::string e = file_error("metadata_twice.yaml");
    CHECK_THAT(e, Catch::Contains("metadata.horizon"));
    CHECK_THAT(e, Catch::Contains("shared/meta_part.yaml:2:12"));
    CHECK_THAT(e, Catch::Contains("metadata_twice.yaml:3:48"));
    CHECK_THAT(e, Catch::Contains("set in two places"));
}

TEST_CASE("paths may not leave the top scenario's folder unless allowed") {
    const std::string e = file_error("nested/escape.yaml");
    CHECK_THAT(e, Catch::Contains("nested/escape.yaml:2:10: include"));
    CHECK_THAT(e, Catch::Contains("'../shared/framework.yaml' resolves to"));
    CHECK_THAT(e, Catch::Contains("outside the scenario's folder"));
    CHECK_THAT(e, Catch::Contains("allow_outside"));
    ReadOptions allow;
    allow.allow_outside = true;
    CHECK(read_test_file("nested/escape.yaml", allow).priorities.size() == 3);
    CHECK(read_test_file("nested/escape_allowed.yaml").priorities.size() == 3);
    // text: base_dir is the folder tree
    const std::string t = test::error_of("include: ../../../CMakeLists.txt\n");
    CHECK_THAT(t, Catch::Contains("t.yaml:1:10: include: '../../../CMakeLists.txt' resolves to"));
}

TEST_CASE("include and extends cycles are errors naming the chain") {
    const std::string e = file_error("cycle/a.yaml");
    CHECK_THAT(e, Catch::Contains("cycle/b.yaml:2:11: include[0]"));
    CHECK_THAT(e, Catch::Contains("include / extends cycle: "));
    CHECK_THAT(e, Catch::Contains("a.yaml -> "));
    CHECK_THAT(e, Catch::Contains("b.yaml -> "));
    const std::string s = file_error("cycle/self_extends.yaml");
    CHECK_THAT(s, Catch::Contains("self_extends.yaml:2:10: extends: include / extends cycle"));
}

TEST_CASE("missing included file") {
    const std::string e = test::error_of("include: [shared/nope.yaml]\n");
    CHECK_THAT(e, Catch::Contains("t.yaml:1:11: include[0]: cannot read '"));
    CHECK_THAT(e, Catch::Contains("shared/nope.yaml' (resolved to "));
}

TEST_CASE("funded edits: errors") {
    CHECK_THAT(test::error_of("extends: baseline.yaml\nscenario: {funded: {remove: [clinic]}}\n"),
               Catch::Contains("t.yaml:2:30: scenario.funded.remove[0]: cannot remove 'clinic': it is not funded"));
    CHECK_THAT(test::error_of("extends: baseline.yaml\nscenario: {funded: {add: [retrofit]}}\n"),
               Catch::Contains("cannot add 'retrofit': it is already funded"));
    CHECK_THAT(test::error_of("extends: baseline.yaml\nscenario: {funded: {set: [{option: clinic, scale: 2}]}}\n"),
               Catch::Contains("cannot set 'clinic': it is not funded"));
    CHECK_THAT(test::error_of("extends: baseline.yaml\nscenario: {funded: {drop: [skills]}}\n"),
               Catch::Contains("unknown key 'drop'"));
    CHECK_THAT(test::error_of(test::minimal().substr(0, test::minimal().find("scenario")) +
                              "scenario: {funded: {add: [o1]}}\n"),
               Catch::Contains("scenario.funded: the edit form of scenario.funded (add / remove / set) changes the "
                               "scenario named by `extends`"));
}

TEST_CASE("override items need ids; remove needs an existing item") {
    CHECK_THAT(test::error_of("extends: baseline.yaml\noutcomes:\n  - {unit: x}\n"),
               Catch::Contains("t.yaml:3:5: outcomes[0]: an item of outcomes in a scenario that extends another needs "
                               "`id`"));
    CHECK_THAT(test::error_of("extends: baseline.yaml\noptions:\n  - {id: nope, remove: true}\n"),
               Catch::Contains("options.nope: cannot remove 'nope'"));
    CHECK_THAT(test::error_of("extends: baseline.yaml\noptions:\n  - {id: clinic, remove: true, lever: anchor}\n"),
               Catch::Contains("takes only its id"));
}
