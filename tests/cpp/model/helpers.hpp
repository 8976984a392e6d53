#pragma once
/// Shared helpers of the model tests: the value library of the repository, and reading YAML text that must fail.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <socval/graph.hpp>
#include <socval/model.hpp>
#include <socval/values.hpp>

namespace socval::model::test {

/// The repository's value library (data/), loaded once.
inline const values::Library& library() {
    static const values::Library lib = values::Library::load(SOCVAL_SOURCE_DIR "/data");
    return lib;
}

/// Folder of the test scenarios.
inline std::string scenarios_dir() { return SOCVAL_SOURCE_DIR "/tests/data/scenarios"; }

/// Read a test scenario file by name.
inline Scenario read_test_file(const std::string& name, const ReadOptions& options = {}) {
    return read_scenario(scenarios_dir() + "/" + name, library(), options);
}

/// Read YAML text as "t.yaml" located in the test scenarios folder.
inline Scenario read_text(const std::string& yaml, const ReadOptions& options = {}) {
    return read_scenario_text(yaml, "t.yaml", scenarios_dir(), library(), options);
}

/// The message of the ScenarioError thrown by reading `yaml`; fails the test if it reads without error.
inline std::string error_of(const std::string& yaml, const ReadOptions& options = {}) {
    try {
        read_text(yaml, options);
    } catch (const ScenarioError& e) {
        return e.what();
    }
    FAIL("expected a ScenarioError for:\n" << yaml);
    return "";
}

/// A valid minimal document: metadata, one priority, two outcomes, one option funded. Sections can be appended.
inline std::string minimal(const std::string& extra = "") {
    return "metadata: {name: m, price_base_year: 2023, horizon: 5}\n"
           "priorities:\n"
           "  - {id: p1, pillar: social}\n"
           "outcomes:\n"
           "  - {id: a, unit: u, value: 10, priorities: {p1: 1}}\n"
           "  - {id: b, unit: u}\n"
           "options:\n"
           "  - {id: o1, lever: anchor, costs: [{year: 0, capital: 100}], outputs: {a: 1}}\n"
           "scenario: {funded: [o1]}\n" +
           extra;
}

}  // namespace socval::model::test
