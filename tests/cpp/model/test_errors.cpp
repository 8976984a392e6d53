/// One test per kind of invalid input: the ScenarioError message has file:line:column, the key path, what was
/// expected and what was found (docs/formats/scenario.md, "Errors and warnings").
#include "helpers.hpp"

using socval::model::test::error_of;
using socval::model::test::minimal;
using Catch::Contains;

namespace {
/// minimal() is 9 lines: text appended starts on line 10.
const std::string kMeta = "metadata: {name: m, price_base_year: 2023, horizon: 5}\n";
const std::string kPriority = "priorities:\n  - {id: p1, pillar: social}\n";
/// A document with metadata, priority p1 and one outcome whose body is `outcome` (line 5).
std::string with_outcome(const std::string& outcome) {
    return kMeta + kPriority + "outcomes:\n  - " + outcome + "\n";
}
/// minimal() plus a link (line 11: "  - {...}").
std::string with_link(const std::string& link) { return minimal("links:\n  - " + link + "\n"); }
}  // namespace

TEST_CASE("YAML syntax error has line and column") {
    CHECK_THAT(error_of("metadata: {name: m\noutcomes: [\n"), Contains("t.yaml:"));
    CHECK_THAT(error_of("metadata: {name: m\noutcomes: [\n"), Contains("invalid YAML"));
    CHECK_THAT(error_of("a: 1\n  b: 2\n"), Contains("t.yaml:2:4: invalid YAML"));
}

TEST_CASE("a key given twice in one map") {
    CHECK_THAT(error_of("metadata: {name: m, name: n}\n"),
               Contains("t.yaml:1:21: name: key 'name' is given twice in the same map (first at line 1)"));
}

TEST_CASE("unknown keys suggest the closest allowed key") {
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, deadwieght: 0.2}")),
               Contains("t.yaml:5:22: outcomes.a.deadwieght: unknown key 'deadwieght' in an outcome (did you mean "
                        "'deadweight'?); expected one of: id, name"));
    CHECK_THAT(error_of(kMeta + "outcome: []\n"),
               Contains("t.yaml:2:1: outcome: unknown key 'outcome' in a scenario document (did you mean 'outcomes'?)"));
    CHECK_THAT(error_of("metadata: {name: m, price_base_year: 2023, horizn: 5}\n"),
               Contains("metadata.horizn: unknown key 'horizn' in metadata (did you mean 'horizon'?)"));
    CHECK_THAT(error_of(minimal("links:\n  - {from: a, to: b, coefficient: 1, lga: 1}\n")),
               Contains("t.yaml:11:38: links.a->b.lga: unknown key 'lga' in a link (did you mean 'lag'?)"));
    // far from every key: no suggestion
    const std::string e = error_of(with_outcome("{id: a, unit: u, zzzzzzzz: 1}"));
    CHECK_THAT(e, Contains("unknown key 'zzzzzzzz' in an outcome; expected one of"));
}

TEST_CASE("missing required keys") {
    CHECK_THAT(error_of("priorities: []\n"),
               Contains("t.yaml:1:1: metadata: missing required key 'metadata'"));
    CHECK_THAT(error_of("metadata: {name: m, horizon: 5}\n"),
               Contains("t.yaml:1:11: metadata.price_base_year: missing required key 'price_base_year' (expected the "
                        "price base year, e.g. 2024), found only a map {name, horizon}"));
    CHECK_THAT(error_of(with_outcome("{id: a}")),
               Contains("t.yaml:5:5: outcomes.a.unit: missing required key 'unit'"));
    CHECK_THAT(error_of(kMeta + "priorities:\n  - {id: p1}\n"),
               Contains("t.yaml:3:5: priorities.p1.pillar: missing required key 'pillar'"));
}

TEST_CASE("metadata: horizon, price base year, schedule, case") {
    CHECK_THAT(error_of("metadata: {name: m, price_base_year: 2023, horizon: 0}\n"),
               Contains("t.yaml:1:53: metadata.horizon: expected a whole number of years from 1 to 1000, found '0'"));
    CHECK_THAT(error_of("metadata: {name: m, price_base_year: 2023, horizon: -3}\n"),
               Contains("metadata.horizon: expected a whole number of years from 1 to 1000, found '-3'"));
    CHECK_THAT(error_of("metadata: {name: m, price_base_year: 2023, horizon: 2.5}\n"),
               Contains("found '2.5'"));
    const std::string e = error_of("metadata: {name: m, price_base_year: 1850, horizon: 5}\n");
    CHECK_THAT(e, Contains("t.yaml:1:38: metadata.price_base_year: expected a price base year covered by the value "
                           "library's GDP deflator table, found 1850"));
    CHECK_THAT(error_of("metadata: {name: m, price_base_year: 2023, horizon: 5, schedule: standrd}\n"),
               Contains("metadata.schedule: expected a discount schedule of the value library (one of: "));
    CHECK_THAT(error_of("metadata: {name: m, price_base_year: 2023, horizon: 5, schedule: standrd}\n"),
               Contains("found 'standrd' (did you mean 'standard'?)"));
    CHECK_THAT(error_of("metadata: {name: m, price_base_year: 2023, horizon: 5, carbon_case: middle}\n"),
               Contains("metadata.carbon_case: expected a carbon value case (one of: low, central, high), found "
                        "'middle'"));
}

TEST_CASE("wrong types") {
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, deadweight: high}")),
               Contains("t.yaml:5:34: outcomes.a.deadweight: expected a share in [0, 1] or a distribution {dist: ..., "
                        "...}, found 'high'"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, deadweight: \"0.2\"}")),
               Contains("found the quoted text \"0.2\""));
    CHECK_THAT(error_of(kMeta + "outcomes: {id: a}\n"),
               Contains("t.yaml:2:11: outcomes: expected a list of items (each starting with '- '), found a map {id}"));
    CHECK_THAT(error_of(minimal("links:\n  - {from: a, to: b, coefficient: [1, 2]}\n")),
               Contains("links.a->b.coefficient: expected a number or a distribution {dist: ..., ...}, found a list "
                        "of 2 items"));
    CHECK_THAT(error_of(kMeta + "options:\n  - {id: o, lever: procurement}\n"),
               Contains("t.yaml:3:20: options.o.lever: expected a lever (one of: commissioning, anchor, employer), "
                        "found 'procurement'"));
    CHECK_THAT(error_of(kMeta + "priorities:\n  - {id: 3p, pillar: social}\n"),
               Contains("t.yaml:3:10: priorities[0].id: expected an id (a letter, then letters, digits, '_' or '-'), "
                        "found '3p'"));
    CHECK_THAT(error_of(kMeta + "priorities:\n  - {id: p, pillar: green}\n"),
               Contains("priorities.p.pillar: expected a pillar (one of: social, economic, environmental), found "
                        "'green'"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, beneficiary: state}")),
               Contains("outcomes.a.beneficiary: expected a beneficiary (one of: fiscal, economic, social)"));
    CHECK_THAT(error_of("allow_outside: yes\n" + kMeta), Contains("t.yaml:1:16: allow_outside: expected true or false"));
}

TEST_CASE("duplicate ids name both places") {
    CHECK_THAT(error_of(kMeta + "priorities:\n  - {id: p, pillar: social}\n  - {id: p, pillar: economic}\n"),
               Contains("t.yaml:4:10: priorities[1].id: duplicate id 'p' for a priority: already defined at t.yaml:3:10"));
    CHECK_THAT(error_of(minimal("links: []\n").replace(minimal().find("options:\n") + 9, 0,
                                                     "  - {id: a, lever: anchor}\n")),
               Contains("t.yaml:8:10: options[0].id: duplicate id 'a' for an option: already defined at t.yaml:5:10"));
    CHECK_THAT(error_of(minimal("links:\n  - {from: a, to: b, coefficient: 1}\n  - {from: a, to: b, coefficient: 2}\n")),
               Contains("t.yaml:12:5: links.a->b: duplicate link 'a->b': already defined at t.yaml:11:5; give "
                        "parallel links distinct ids"));
}

TEST_CASE("dangling references") {
    CHECK_THAT(error_of(with_link("{from: a, to: c, coefficient: 1}")),
               Contains("t.yaml:11:19: links.a->c.to: expected the id of an outcome, found 'c'"));
    CHECK_THAT(error_of(with_link("{from: a, to: o1, coefficient: 1}")),
               Contains("links.a->o1.to: expected the id of an outcome, found 'o1'; 'o1' is an option"));
    CHECK_THAT(error_of(with_link("{from: p1, to: a, coefficient: 1}")),
               Contains("t.yaml:11:12: links.p1->a.from: expected the id of an option or outcome, found 'p1'; a "
                        "priority cannot be the source of a link"));
    CHECK_THAT(error_of(with_link("{from: aa, to: b, coefficient: 1}")),
               Contains("found 'aa' (did you mean 'a'?)"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, priorities: {p2: 1}}")),
               Contains("t.yaml:5:35: outcomes.a.priorities.p2: expected the id of a priority, found 'p2' (did you "
                        "mean 'p1'?); priorities defined: p1"));
    CHECK_THAT(error_of(kMeta + "outcomes:\n  - {id: a, unit: u}\noptions:\n  - {id: o, lever: anchor, outputs: {b: 1}}\n"),
               Contains("t.yaml:5:38: options.o.outputs.b: expected the id of an outcome, found 'b'"));
    CHECK_THAT(error_of(minimal().substr(0, minimal().find("scenario")) + "scenario: {funded: [o2]}\n"),
               Contains("t.yaml:9:21: scenario.funded[0]: expected the id of an option defined in `options`, found "
                        "'o2' (did you mean 'o1'?)"));
}

TEST_CASE("priority shares of an outcome summing above 1") {
    CHECK_THAT(error_of(kMeta + "priorities:\n  - {id: p1, pillar: social}\n  - {id: p2, pillar: social}\n"
                                "outcomes:\n  - {id: a, unit: u, priorities: {p1: 0.7, p2: 0.4}}\n"),
               Contains("t.yaml:6:34: outcomes.a.priorities: expected priority shares summing to at most 1 (the rest "
                        "is unallocated), found a sum of 1.1"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, priorities: {p1: 1.5}}")),
               Contains("outcomes.a.priorities.p1: expected a share in [0, 1], found 1.5"));
}

TEST_CASE("negative lag and duration") {
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, lag: -1}")),
               Contains("t.yaml:5:27: outcomes.a.lag: expected a lag in whole years >= 0, found '-1'"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, duration: 0}")),
               Contains("outcomes.a.duration: expected a duration in whole years >= 1, found '0'"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, duration: -2}")),
               Contains("outcomes.a.duration: expected a duration in whole years >= 1, found '-2'"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: 1, lag: -2}")),
               Contains("t.yaml:11:43: links.a->b.lag: expected a lag in whole years >= 0, found '-2'"));
}

TEST_CASE("bad distributions") {
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: triangular, min: 1, mode: 5, max: 3}}")),
               Contains("t.yaml:11:68: links.a->b.coefficient.mode: expected min <= mode <= max (1 to 3), found "
                        "mode = 5"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: uniform, min: 3, max: 1}}")),
               Contains("links.a->b.coefficient.max: expected max > min (3), found max = 1"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: normal, mean: 1, sd: 0}}")),
               Contains("links.a->b.coefficient.sd: expected sd > 0, found 0"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: triangle, min: 1, mode: 2, max: 3}}")),
               Contains("t.yaml:11:42: links.a->b.coefficient.dist: expected a distribution family (one of: fixed, "
                        "uniform, triangular"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: triangle, min: 1, mode: 2, max: 3}}")),
               Contains("found 'triangle' (did you mean 'triangular'?)"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: pert, min: 1, max: 3}}")),
               Contains("t.yaml:11:35: links.a->b.coefficient.mode: missing 'mode' for a pert distribution (expected "
                        "{dist: pert, min, mode, max})"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: uniform, min: 1, max: 3, mode: 2}}")),
               Contains("links.a->b.coefficient.mode: unknown key 'mode' in a uniform distribution"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: lognormal, median: 2, sd: 1}}")),
               Contains("links.a->b.coefficient: expected one lognormal form: {dist: lognormal, median, p95}"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: lognormal, median: 2, p95: 1}}")),
               Contains("links.a->b.coefficient: invalid lognormal distribution: "));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: discrete, values: [1, 2], probs: [1]}}")),
               Contains("links.a->b.coefficient.probs: expected as many probabilities as values (2), found 1"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: discrete, values: [1, 2], probs: [0.5, 0.6]}}")),
               Contains("t.yaml:11:35: links.a->b.coefficient: invalid discrete distribution: "));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: beta, alpha: 2, beta: 0}}")),
               Contains("links.a->b.coefficient: invalid beta distribution: "));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {dist: beta, alpha: 2, beta: 2, min: 1}}")),
               Contains("expected both min and max (or neither, for [0, 1])"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: {min: 1, max: 2}}")),
               Contains("links.a->b.coefficient: expected a number or a distribution {dist: ..., ...}, found a map "
                        "{min, max}"));
}

TEST_CASE("shares, costs and caps must stay in range, distributions included") {
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, leakage: 1.2}")),
               Contains("t.yaml:5:31: outcomes.a.leakage: expected a share in [0, 1], found 1.2"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, leakage: {dist: normal, mean: 0.2, sd: 0.1}}")),
               Contains("outcomes.a.leakage: expected a share in [0, 1]: a distribution whose every value is in range, "
                        "found normal(mean=0.2, sd=0.1) ranging over [-inf, inf]; use a bounded family"));
    CHECK_THAT(error_of(kMeta + "options:\n  - {id: o, lever: anchor, costs: [{year: 0, capital: -5}]}\n"),
               Contains("t.yaml:3:55: options.o.costs[0].capital: expected a number >= 0, found -5"));
    CHECK_THAT(error_of(kMeta + "options:\n  - {id: o, lever: anchor, costs: [{year: 0}, {year: 0}]}\n"),
               Contains("options.o.costs[1].year: year 0 is given twice (first in options.o.costs[0])"));
    CHECK_THAT(error_of(kMeta + "options:\n  - {id: o, lever: anchor, costs: [{year: -1}]}\n"),
               Contains("options.o.costs[0].year: expected a year after the option's start, a whole number >= 0, found "
                        "'-1'"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: 1, form: saturating}")),
               Contains("t.yaml:11:5: links.a->b.cap: missing 'cap' (expected a number > 0) for a saturating link"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: 1, form: saturating, cap: 0}")),
               Contains("links.a->b.cap: expected a number > 0, found 0"));
    CHECK_THAT(error_of(with_link("{from: a, to: b, coefficient: 1, cap: 3}")),
               Contains("links.a->b.cap: a cap applies only to a link with form: saturating; this link is linear"));
}

TEST_CASE("library references: optimism bias, unit values, schedules, price base") {
    CHECK_THAT(error_of(kMeta + "options:\n  - {id: o, lever: anchor, optimism_bias: {category: standard_building}}\n"),
               Contains("t.yaml:3:54: options.o.optimism_bias.category: expected an optimism bias category of the value "
                        "library (one of: "));
    CHECK_THAT(error_of(kMeta + "options:\n  - {id: o, lever: anchor, optimism_bias: {category: standard_building}}\n"),
               Contains("(did you mean 'standard_buildings'?)"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, value: {kind: unit_value, library_id: nope}}")),
               Contains("outcomes.a.value.library_id: expected a unit value id of the library (one of: "));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, value: {kind: money, per_unit: 1, price_base_year: 2090}}")),
               Contains("outcomes.a.value.price_base_year: expected a price base year covered by the value library's "
                        "GDP deflator table, found 2090"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, value: {kind: money}}")),
               Contains("outcomes.a.value.per_unit: missing required key 'per_unit'"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, value: {kind: carbon, price_base_year: 2020}}")),
               Contains("outcomes.a.value.price_base_year: unknown key 'price_base_year' in a carbon value"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, value: {kind: wellbeing}}")),
               Contains("outcomes.a.value.kind: expected a kind of value (one of: none, money, carbon, wellby, qaly, "
                        "unit_value), found 'wellbeing' (did you mean 'wellby'?)"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, value: lots}")),
               Contains("outcomes.a.value: expected a value per unit: a number (GBP), a distribution, 'none', or "
                        "{kind: ...}, found 'lots'"));
    CHECK_THAT(error_of(with_outcome("{id: a, unit: u, schedule: healthy}")),
               Contains("outcomes.a.schedule: expected a discount schedule of the value library"));
}

TEST_CASE("priority tags") {
    CHECK_THAT(error_of(kMeta + "priorities:\n  - {id: p, pillar: social, tags: {marmott: [best_start]}}\n"),
               Contains("priorities.p.tags.marmott: unknown key 'marmott' in the tags of a priority (did you mean "
                        "'marmot'?)"));
    CHECK_THAT(error_of(kMeta + "priorities:\n  - {id: p, pillar: social, tags: {marmot: [best_star]}}\n"),
               Contains("t.yaml:3:45: priorities.p.tags.marmot[0]: expected a marmot tag (one of: best_start, "));
}

TEST_CASE("funded options") {
    const std::string head = minimal().substr(0, minimal().find("scenario"));
    CHECK_THAT(error_of(head + "scenario: {funded: [o1, {option: o1, scale: 2}]}\n"),
               Contains("t.yaml:9:25: scenario.funded.o1: option 'o1' is funded twice (first at t.yaml:9:21)"));
    CHECK_THAT(error_of(head + "scenario: {funded: [{option: o1, scale: 0}]}\n"),
               Contains("scenario.funded.o1.scale: expected a scale > 0, found 0"));
    CHECK_THAT(error_of(head + "scenario: {funded: [{option: o1, start: -1}]}\n"),
               Contains("scenario.funded.o1.start: expected a start year offset, a whole number >= 0, found '-1'"));
    CHECK_THAT(error_of(head + "scenario: {funded: [{option: o1, scael: 2}]}\n"),
               Contains("scenario.funded[0].scael: unknown key 'scael' in a funded option (did you mean 'scale'?)"));
}

TEST_CASE("correlations") {
    const std::string base = minimal().substr(0, minimal().find("options")) +
                             "options:\n  - {id: o1, lever: anchor, outputs: {a: {dist: uniform, min: 1, max: 2}},\n"
                             "     costs: [{year: 0, capital: {dist: uniform, min: 1, max: 2}}]}\n";
    CHECK_NOTHROW(socval::model::test::read_text(base + "correlations:\n  - params: [options.o1.outputs.a.amount, "
                                         "\"options.o1.costs[0].capital\"]\n    matrix: [[1, -0.3], [-0.3, 1]]\n"));
    CHECK_THAT(error_of(base + "correlations:\n  - params: [options.o1.outputs.a.amont, \"options.o1.costs[0].capital\"]\n"
                               "    matrix: [[1, 0], [0, 1]]\n"),
               Contains("t.yaml:11:14: correlations[0].params[0]: expected the id of an uncertain parameter, found "
                        "'options.o1.outputs.a.amont' (did you mean 'options.o1.outputs.a.amount'?)"));
    CHECK_THAT(error_of(base + "correlations:\n  - params: [outcomes.a.value.per_unit, \"options.o1.costs[0].capital\"]\n"
                               "    matrix: [[1, 0], [0, 1]]\n"),
               Contains("correlations[0].params[0]: 'outcomes.a.value.per_unit' is a fixed number; only parameters "
                        "given as a distribution can be correlated"));
    CHECK_THAT(error_of(base + "correlations:\n  - params: [options.o1.outputs.a.amount, \"options.o1.costs[0].capital\"]\n"
                               "    matrix: [[1, 0, 0], [0, 1, 0]]\n"),
               Contains("t.yaml:12:14: correlations[0].matrix[0]: expected a row of 2 numbers, found a list of 3 "
                        "items"));
    CHECK_THAT(error_of(base + "correlations:\n  - params: [options.o1.outputs.a.amount, \"options.o1.costs[0].capital\"]\n"
                               "    matrix: [[1, 0]]\n"),
               Contains("t.yaml:12:13: correlations[0].matrix: expected a 2 x 2 matrix (a list of 2 rows), found a "
                        "list of 1 item"));
    CHECK_THAT(error_of(base + "correlations:\n  - params: [options.o1.outputs.a.amount, \"options.o1.costs[0].capital\"]\n"
                               "    matrix: [[1, 0.5], [0.4, 1]]\n"),
               Contains("t.yaml:12:13: correlations[0].matrix: invalid rank correlation matrix: "));
    CHECK_THAT(error_of(base + "correlations:\n  - params: [options.o1.outputs.a.amount, \"options.o1.costs[0].capital\"]\n"
                               "    matrix: [[1, 0], [0, 1]]\n"
                               "  - params: [options.o1.outputs.a.amount, \"options.o1.costs[0].capital\"]\n"
                               "    matrix: [[1, 0], [0, 1]]\n"),
               Contains("correlations[1].params[0]: parameter 'options.o1.outputs.a.amount' is already correlated in "
                        "correlations[0]"));
}

TEST_CASE("nested YAML aliases that expand beyond the node limit") {
    std::string doc = "a0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";
    for (int i = 1; i <= 8; ++i)  // 10^8 values once expanded
        doc += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) + ", *a" +
               std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" +
               std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" +
               std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + "]\n";
    CHECK_THAT(error_of(doc), Contains("values (keys, numbers, texts, lists and maps) once its YAML aliases (*name) "
                                       "are expanded"));
}

TEST_CASE("deeply nested flow lists do not crash the reader") {
    const std::string doc = "metadata: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
    CHECK_THAT(error_of(doc), Contains("t.yaml:"));
}

TEST_CASE("what the reader cannot read exactly is refused (docs/formats/scenario.md, What the reader refuses)") {
    const std::string opt = kMeta + "options:\n  - ";
    // thousands separators: flow style would read 200 and a key '000'
    CHECK_THAT(error_of(opt + "{id: o, lever: anchor, costs: [{year: 0, revenue: 200,000}]}\n"),
               Contains("t.yaml:3:55: the number '200,000' is written with thousands separators"));
    CHECK_THAT(error_of(opt + "{id: o, lever: anchor, costs: [{year: 0, capital: 1,000,000}]}\n"),
               Contains("'1,000,000'"));
    CHECK_THAT(error_of(opt + "id: o\n    lever: anchor\n    costs:\n      - year: 0\n        capital: 1,500\n"),
               Contains("t.yaml:7:18: options.o.costs[0].capital: expected a number >= 0 or a distribution {dist: "
                        "..., ...}, found '1,500', a number with thousands separators; write numbers without "
                        "separators: 1500"));
    // an unknown key with no value
    CHECK_THAT(error_of(opt + "id: o\n    lever: anchor\n    descripton:\n"),
               Contains("t.yaml:5:5: options.o.descripton: unknown key 'descripton' in an option (did you mean "
                        "'description'?)"));
    // years: horizon and calendar years
    CHECK_THAT(error_of(opt + "{id: o, lever: anchor, costs: [{year: 5, capital: 1}]}\n"),
               Contains("t.yaml:3:43: options.o.costs[0].year: cost year 5 is outside the appraisal horizon of 5 "
                        "years"));
    CHECK_THAT(error_of(opt + "{id: o, lever: anchor, costs: [{year: 2029, capital: 1}]}\n"),
               Contains("looks like a calendar year"));
    // YAML features that change meaning
    CHECK_THAT(error_of("  metadata: {name: m}\nscenario: {}\n"), Contains("t.yaml:1:3: the first key is indented"));
    CHECK_THAT(error_of(kMeta + "---\nscenario: {}\n"), Contains("t.yaml:2:1: a second YAML document"));
    CHECK_THAT(error_of(kMeta + "x: !!str 9500\n"), Contains("t.yaml:2:4: YAML tags are not read"));
    CHECK_THAT(error_of(kMeta + "a: &x 1\nb: &x 2\n"), Contains("t.yaml:3:4: the anchor '&x' is defined a second"));
    CHECK_THAT(error_of(kMeta + "a: &m {k: 1}\nb: {<<: *m}\n"), Contains("t.yaml:3:5: merge keys (<<)"));
    // characters
    CHECK_THAT(error_of(kMeta + "x: a\x01" "b\n"), Contains("t.yaml:2:5: found the control character 0x01"));
    CHECK_THAT(error_of(kMeta + "x: a\xff" "b\n"), Contains("t.yaml:2:5: found a byte that is not valid UTF-8"));
    CHECK_THAT(error_of(kMeta + "x: a\xc2\x85" "b\n"), Contains("t.yaml:2:5: found the control character U+0085"));
    CHECK_THAT(error_of(kMeta + "x: a\xe2\x80\xa8" "b\n"), Contains("t.yaml:2:5: found the Unicode line separator"));
    // magnitude
    CHECK_THAT(error_of(opt + "{id: o, lever: anchor, costs: [{year: 0, capital: 2e15}]}\n"),
               Contains("expected a number of magnitude at most 1e+15"));
}

TEST_CASE("confined reading refuses allow_outside in the file and from the caller") {
    socval::model::ReadOptions confined;
    confined.confined = true;
    confined.allow_outside = true;
    CHECK_THROWS_WITH(socval::model::test::read_test_file("nested/escape_allowed.yaml", confined),
                      Contains("escape_allowed.yaml:2:16: allow_outside: this file sets `allow_outside: true`, but "
                               "the scenario is read confined"));
    CHECK_THROWS_WITH(socval::model::test::read_test_file("nested/escape.yaml", confined),
                      Contains("the scenario is read confined"));
}
