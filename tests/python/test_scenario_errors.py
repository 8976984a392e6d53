"""Scenario errors through the bindings: every invalid input raises socval.ScenarioError whose message has the
file, line and column, the key path, what was expected and what was found (docs/formats/scenario.md).

The same cases are checked in C++ (tests/cpp/model/test_errors.cpp); here we check that they reach Python as
socval.ScenarioError (a socval.SocvalError and a ValueError) with the message intact.
"""
from pathlib import Path

import pytest

import socval
from socval._core import model
from socval.values import default_library

LIB = default_library()

SCENARIOS = Path(__file__).resolve().parents[1] / "data" / "scenarios"

META = "metadata: {name: m, price_base_year: 2023, horizon: 5}\n"
MINIMAL = (
    META
    + "priorities:\n  - {id: p1, pillar: social}\n"
    + "outcomes:\n  - {id: a, unit: u, value: 10, priorities: {p1: 1}}\n  - {id: b, unit: u}\n"
    + "options:\n  - {id: o1, lever: anchor, costs: [{year: 0, capital: 100}], outputs: {a: 1}}\n"
    + "scenario: {funded: [o1]}\n"
)  # 9 lines: appended text starts on line 10


def read(text: str, **kw):
    return model.read_scenario_text(text, "t.yaml", str(SCENARIOS), kw.pop("library", LIB), **kw)


def error(text: str, **kw) -> str:
    with pytest.raises(socval.ScenarioError) as info:
        read(text, **kw)
    return str(info.value)


def outcome(body: str) -> str:
    """Metadata, priority p1 and one outcome written on line 5."""
    return META + "priorities:\n  - {id: p1, pillar: social}\n" + "outcomes:\n  - " + body + "\n"


def link(body: str) -> str:
    """MINIMAL plus one link on line 11."""
    return MINIMAL + "links:\n  - " + body + "\n"


def test_valid_minimal_reads_with_default_library():
    sc = read(MINIMAL)
    assert sc.meta.name == "m"
    assert [o.id for o in sc.outcomes] == ["a", "b"]
    assert sc.warnings == []


def test_error_class_hierarchy():
    with pytest.raises(ValueError):
        read("metadata: {name: m}\n")
    assert issubclass(socval.ScenarioError, socval.SocvalError)


@pytest.mark.parametrize(
    "text, expected",
    [
        # YAML syntax and repeated keys
        ("a: 1\n  b: 2\n", "t.yaml:2:4: invalid YAML"),
        ("metadata: {name: m, name: n}\n", "t.yaml:1:21: name: key 'name' is given twice in the same map"),
        # unknown keys with a suggestion
        (outcome("{id: a, unit: u, deadwieght: 0.2}"),
         "t.yaml:5:22: outcomes.a.deadwieght: unknown key 'deadwieght' in an outcome (did you mean 'deadweight'?)"),
        (META + "outcome: []\n", "t.yaml:2:1: outcome: unknown key 'outcome' in a scenario document (did you mean 'outcomes'?)"),
        # missing price base, horizon <= 0, price base outside the deflator table
        ("metadata: {name: m, horizon: 5}\n",
         "t.yaml:1:11: metadata.price_base_year: missing required key 'price_base_year'"),
        ("metadata: {name: m, price_base_year: 2023, horizon: 0}\n",
         "t.yaml:1:53: metadata.horizon: expected a whole number of years from 1 to 1000, found '0'"),
        ("metadata: {name: m, price_base_year: 1850, horizon: 5}\n",
         "t.yaml:1:38: metadata.price_base_year: expected a price base year covered by the value library's GDP "
         "deflator table, found 1850"),
        # wrong types
        (outcome("{id: a, unit: u, deadweight: high}"),
         "t.yaml:5:34: outcomes.a.deadweight: expected a share in [0, 1] or a distribution {dist: ..., ...}, found 'high'"),
        (META + "options:\n  - {id: o, lever: procurement}\n",
         "t.yaml:3:20: options.o.lever: expected a lever (one of: commissioning, anchor, employer), found 'procurement'"),
        # duplicate ids
        (META + "priorities:\n  - {id: p, pillar: social}\n  - {id: p, pillar: economic}\n",
         "t.yaml:4:10: priorities[1].id: duplicate id 'p' for a priority: already defined at t.yaml:3:10"),
        # dangling references
        (link("{from: a, to: c, coefficient: 1}"), "t.yaml:11:19: links.a->c.to: expected the id of an outcome, found 'c'"),
        (outcome("{id: a, unit: u, priorities: {p2: 1}}"),
         "t.yaml:5:35: outcomes.a.priorities.p2: expected the id of a priority, found 'p2' (did you mean 'p1'?)"),
        (MINIMAL.replace("funded: [o1]", "funded: [o2]"),
         "t.yaml:9:21: scenario.funded[0]: expected the id of an option defined in `options`, found 'o2' (did you mean 'o1'?)"),
        # shares above 1
        (META + "priorities:\n  - {id: p1, pillar: social}\n  - {id: p2, pillar: social}\n"
         "outcomes:\n  - {id: a, unit: u, priorities: {p1: 0.7, p2: 0.4}}\n",
         "t.yaml:6:34: outcomes.a.priorities: expected priority shares summing to at most 1"),
        # negative lag and duration
        (outcome("{id: a, unit: u, lag: -1}"), "t.yaml:5:27: outcomes.a.lag: expected a lag in whole years >= 0, found '-1'"),
        (outcome("{id: a, unit: u, duration: 0}"), "outcomes.a.duration: expected a duration in whole years >= 1, found '0'"),
        (link("{from: a, to: b, coefficient: 1, lag: -2}"), "t.yaml:11:43: links.a->b.lag: expected a lag in whole years >= 0"),
        # bad distributions
        (link("{from: a, to: b, coefficient: {dist: triangular, min: 1, mode: 5, max: 3}}"),
         "t.yaml:11:68: links.a->b.coefficient.mode: expected min <= mode <= max (1 to 3), found mode = 5"),
        (link("{from: a, to: b, coefficient: {dist: triangle, min: 1, mode: 2, max: 3}}"),
         "found 'triangle' (did you mean 'triangular'?)"),
        (link("{from: a, to: b, coefficient: {dist: normal, mean: 1, sd: 0}}"),
         "links.a->b.coefficient.sd: expected sd > 0, found 0"),
        (link("{from: a, to: b, coefficient: {dist: discrete, values: [1, 2], probs: [0.5, 0.6]}}"),
         "t.yaml:11:35: links.a->b.coefficient: invalid discrete distribution: "),
        (outcome("{id: a, unit: u, leakage: {dist: normal, mean: 0.2, sd: 0.1}}"),
         "outcomes.a.leakage: expected a share in [0, 1]: a distribution whose every value is in range, found "
         "normal(mean=0.2, sd=0.1)"),
        # cycles without lag
        (MINIMAL + "links:\n  - {from: a, to: b, coefficient: 1}\n  - {from: b, to: a, coefficient: 1}\n",
         "t.yaml:12:5: links.b->a: cycle without lag: a -> b -> a; give one link a lag of at least 1 year"),
        # library references
        (META + "options:\n  - {id: o, lever: anchor, optimism_bias: {category: standard_building}}\n",
         "(did you mean 'standard_buildings'?)"),
    ],
)
def test_error_messages(text, expected):
    assert expected in error(text)


def test_lagged_cycle_is_accepted():
    sc = read(MINIMAL + "links:\n  - {from: a, to: b, coefficient: 1}\n  - {from: b, to: a, coefficient: 1, lag: 1}\n")
    assert list(sc.outcome_order()) == [0, 1]
    assert sc.edge_table()["lag"] == [0, 0, 1, 0]


def test_warnings_reach_python():
    sc = read(META + "priorities:\n  - {id: p1, pillar: social}\noutcomes:\n  - {id: a, unit: u}\n"
              "options:\n  - {id: o1, lever: anchor, outputs: {a: 1}}\nscenario: {funded: [o1]}\n")
    assert sc.warnings == [
        "funded option 'o1' reaches no priority: no outcome it feeds (directly or through links) has a priority share",
        "priority 'p1' is reached by no funded option",
    ]


def test_file_errors_and_composition():
    with pytest.raises(socval.ScenarioError, match=r"nested/escape\.yaml:2:10: include: .*outside the scenario's folder"):
        model.read_scenario(str(SCENARIOS / "nested" / "escape.yaml"), LIB)
    assert len(model.read_scenario(str(SCENARIOS / "nested" / "escape.yaml"), LIB, allow_outside=True).priorities) == 3
    with pytest.raises(socval.ScenarioError, match=r"include / extends cycle: "):
        model.read_scenario(str(SCENARIOS / "cycle" / "a.yaml"), LIB)
    with pytest.raises(socval.ScenarioError, match=r"duplicate id 'health' .*shared/framework\.yaml:10:9"):
        model.read_scenario(str(SCENARIOS / "duplicate_across_files.yaml"), LIB)
    with pytest.raises(socval.ScenarioError, match=r"cannot read the scenario file"):
        model.read_scenario(str(SCENARIOS / "no_such_file.yaml"), LIB)
    variant = model.read_scenario(str(SCENARIOS / "variant.yaml"), LIB)
    assert variant.meta.name == "Variant B"
    assert [variant.options[f.option].id for f in variant.funded] == ["retrofit", "anchor_buy"]


def test_accessors_for_tables():
    sc = model.read_scenario(str(SCENARIOS / "complete.yaml"), LIB)
    assert sc.meta.price_base_year == 2023 and sc.meta.carbon_case == "central"
    assert sc.priorities[0].pillar == "economic" and sc.priorities[0].tags["toms"] == ["jobs"]
    jobs = sc.outcomes[0]
    assert jobs.valuation.kind == "money" and jobs.beneficiary == "economic"
    assert jobs.deadweight.uncertain and sc.parameters[jobs.deadweight.param].id == "outcomes.jobs_local.deadweight"
    assert sc.parameters[jobs.deadweight.param].describe() == "triangular(min=0.2, mode=0.3, max=0.5)"
    assert sc.options[0].lever == "commissioning" and sc.options[0].outputs[1].basis == "per_pound"
    assert sc.links[1].form == "saturating" and sc.links[0].source_kind == "outcome"
    assert sc.correlations[0].matrix.shape == (2, 2)
    assert "metadata:" in sc.source_text and sc.source_file.endswith("complete.yaml")
    table = sc.edge_table()
    assert set(table) == {"from", "to", "kind", "coefficient", "lag", "form"}


# Robustness: a damaged scenario either reads or raises socval.ScenarioError: never another exception or a crash.
from hypothesis import given, settings, strategies as st  # noqa: E402

COMPLETE = (SCENARIOS / "complete.yaml").read_text()


@settings(max_examples=300, deadline=None)
@given(
    position=st.integers(min_value=0, max_value=len(COMPLETE) - 1),
    length=st.integers(min_value=0, max_value=12),
    insert=st.text(alphabet="{}[]:,-#&*!|>'\"\n 0123456789.eabcxyz_", max_size=8),
)
def test_damaged_scenarios_raise_only_scenario_errors(position, length, insert):
    text = COMPLETE[:position] + insert + COMPLETE[position + length:]
    try:
        sc = read(text)
    except socval.ScenarioError as e:
        assert str(e).startswith("t.yaml")
    else:
        assert sc.meta.horizon >= 1


@settings(max_examples=100, deadline=None)
@given(drop=st.integers(min_value=1, max_value=COMPLETE.count("\n") - 1))
def test_dropping_any_line_keeps_errors_located(drop):
    lines = COMPLETE.split("\n")
    text = "\n".join(lines[:drop] + lines[drop + 1:])
    try:
        read(text)
    except socval.ScenarioError as e:
        assert str(e).startswith("t.yaml:")
