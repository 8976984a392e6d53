"""socval.model.scenario: loading, the tables of a Scenario, building and changing scenarios from Python (each change
re-validated by the C++ reader), the Evaluation tables and their JSON form."""
import importlib
import json
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

import socval
from socval import Evaluation
from socval.model.scenario import Scenario, load_scenario, scenario_from_dict, scenario_from_yaml

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = ROOT / "tests" / "data" / "scenarios" / "complete.yaml"
BASELINE = ROOT / "scenarios" / "west-of-england" / "baseline.yaml"


@pytest.fixture(scope="module")
def complete():
    return load_scenario(COMPLETE)


def small_doc():
    return {"metadata": {"name": "small", "price_base_year": 2024, "horizon": 3},
            "priorities": [{"id": "jobs", "pillar": "economic"}],
            "outcomes": [{"id": "job", "unit": "job", "value": 500, "deadweight": 0.2, "priorities": {"jobs": 1}}],
            "options": [{"id": "a", "lever": "commissioning", "costs": [{"year": 0, "revenue": 1000}],
                         "outputs": {"job": 10}},
                        {"id": "b", "lever": "anchor", "costs": [{"year": 0, "revenue": 500}],
                         "outputs": {"job": 2}}],
            "scenario": {"funded": ["a"]}}


def test_load_and_tables(complete):
    assert isinstance(complete, Scenario)
    assert complete.name == "Retrofit and skills programme"
    assert list(complete.options.index) == ["retrofit", "skills"]
    assert complete.options.loc["skills", "lever"] == "employer"
    assert complete.options.loc["skills", "scale"] == 1.5 and complete.options.loc["skills", "start"] == 1
    assert list(complete.priorities.index) == ["good_work", "net_zero", "health"]
    assert complete.priorities.loc["net_zero", "pillar"] == "environmental"
    o = complete.outcomes
    assert o.loc["jobs_local", "deadweight"] == pytest.approx((0.2 + 0.3 + 0.5) / 3)  # triangular mean
    assert o.loc["co2e_avoided", "valuation"] == "carbon"
    assert o.loc["wellbeing", "schedule"] == "health"
    p = complete.parameters
    assert "outcomes.jobs_local.deadweight" in p.index
    assert p.loc["options.retrofit.costs[0].capital", "central"] == pytest.approx((1.8e6 + 4 * 2.0e6 + 2.6e6) / 6)
    g = complete.graph()
    assert set(g.columns) >= {"from", "to", "kind", "coefficient", "lag", "form"}
    assert ((g["from"] == "training_places") & (g["to"] == "jobs_local") & (g["lag"] == 1)).any()
    assert complete.metadata["horizon"] == 10
    assert isinstance(complete.warnings, list)
    assert "complete" not in repr(complete) or "Retrofit" in repr(complete)


def test_evaluate_tables(complete):
    a = complete.evaluate()
    assert isinstance(a, Evaluation)
    h = a.headline
    assert h.npsv == pytest.approx(h.pv_benefits - h.pv_costs)
    # BCR on public sector cost (the headline; others' costs against the benefits) and on all costs
    assert h.bcr == pytest.approx((h.pv_benefits - h.pv_others) / (h.pv_costs - h.pv_others))
    assert h.bcr_all_costs == pytest.approx(h.pv_benefits / h.pv_costs)
    # SROI (Social Value UK form): PV benefits over all inputs, the body's before optimism bias and others'
    assert h.sroi == pytest.approx(h.pv_benefits / (h.pv_investment + h.pv_others))
    assert h.pv_others == pytest.approx(20000)  # complete.yaml: suppliers' premium of GBP 20,000 in year 0
    assert h.pv_costs > h.pv_investment  # retrofit carries optimism bias
    # Every breakdown adds up to PV benefits.
    for table in (a.by_priority, a.by_pillar, a.by_lever, a.by_beneficiary):
        assert table["value"].sum() == pytest.approx(h.pv_benefits, rel=1e-12)
    assert a.attribution["value"].sum() == pytest.approx(h.pv_benefits, rel=1e-12)
    assert a.by_option["value"].sum() == pytest.approx(h.pv_benefits, rel=1e-12)
    assert a.by_option["pv_costs"].sum() == pytest.approx(h.pv_costs, rel=1e-12)
    assert a.totals["pv"].sum() == pytest.approx(h.pv_benefits, rel=1e-12)
    assert a.by_year["pv_cost"].sum() == pytest.approx(h.pv_costs, rel=1e-12)
    assert a.by_year["pv_benefit"].sum() == pytest.approx(h.pv_benefits, rel=1e-12)
    assert list(a.by_year.index) == list(range(2024, 2034))
    assert a.levels.sum().to_dict() == pytest.approx(a.totals["total"].to_dict())
    assert a.values.shape == (10, 7)
    assert set(a.attribution.columns) == {"option", "lever", "priority", "pillar", "value"}
    d = a.to_dict()
    text = json.dumps(d)
    assert json.loads(text)["headline"]["npsv"] == pytest.approx(h.npsv)
    assert "NPSV" in a.summary()


def test_the_west_of_england_baseline_evaluates():
    a = load_scenario(BASELINE).evaluate()
    assert math.isfinite(a.npsv)
    assert a.by_lever["value"].sum() == pytest.approx(a.headline.pv_benefits, rel=1e-12)


def test_build_from_dict_and_yaml_round_trip(tmp_path):
    s = scenario_from_dict(small_doc())
    a = s.evaluate()
    # 10 jobs x 0.8 x GBP 500 in year 0 only; cost 1000 in year 0.
    assert a.headline.pv_benefits == pytest.approx(4000)
    assert a.headline.pv_costs == pytest.approx(1000)
    path = tmp_path / "small.yaml"
    text = s.to_yaml(path)
    assert path.read_text() == text
    again = load_scenario(path)
    assert again.evaluate().headline.npsv == pytest.approx(a.headline.npsv)
    assert scenario_from_yaml(text).document == s.document


def test_yaml12_numbers_round_trip():
    # "2.0e6" is a number in YAML 1.2 (the C++ reader) but text in PyYAML's YAML 1.1: the document keeps numbers.
    doc = small_doc()
    doc["options"][0]["costs"][0]["revenue"] = 2.0e6
    s = scenario_from_yaml(socval.model.yamltext.dump_yaml(doc).replace("2000000.0", "2.0e6"))
    assert s.document["options"][0]["costs"][0]["revenue"] == 2.0e6
    assert s.set_parameter("outcomes.job.deadweight", 0.1).evaluate().headline.pv_costs == pytest.approx(2.0e6)


def test_changes_return_new_validated_scenarios():
    s = scenario_from_dict(small_doc())
    base = s.evaluate().headline
    # deadweight 0.2 -> 0.6: net jobs 10 x 0.4
    s2 = s.set_parameter("outcomes.job.deadweight", 0.6)
    assert s2.evaluate().headline.pv_benefits == pytest.approx(2000)
    assert s.evaluate().headline.pv_benefits == base.pv_benefits  # the original is unchanged
    # A distribution: central value = mean (triangular 0.2, 0.3, 0.7 -> 0.4); it becomes a parameter.
    s3 = s.set_parameter("outcomes.job.deadweight", {"dist": "triangular", "min": 0.2, "mode": 0.3, "max": 0.7})
    assert s3.evaluate().headline.pv_benefits == pytest.approx(10 * 0.6 * 500)
    assert "outcomes.job.deadweight" in s3.parameters.index
    # Output shorthand expanded; cost by index; value shorthand.
    assert s.set_parameter("options.a.outputs.job.amount", 20).evaluate().headline.pv_benefits == pytest.approx(8000)
    assert s.set_parameter("options.a.costs[0].revenue", 3000).evaluate().headline.pv_costs == pytest.approx(3000)
    assert s.set_parameter("outcomes.job.value.per_unit", 250).evaluate().headline.pv_benefits == pytest.approx(2000)
    assert s.set_parameter("metadata.horizon", 5).metadata["horizon"] == 5
    # Funding.
    both = s.fund("b", scale=2, start=1)
    assert both.funded_ids == ["a", "b"]
    a = both.evaluate()
    assert a.by_option.loc["b", "pv_costs"] == pytest.approx(1000 / 1.035)
    assert a.by_lever.loc["anchor", "value"] == pytest.approx(2 * 2 * 0.8 * 500 / 1.035)
    assert both.unfund("a").funded_ids == ["b"]
    # Options, outcomes, links.
    s4 = s.add_option({"id": "c", "lever": "employer", "costs": [{"year": 0, "revenue": 10}],
                       "outputs": {"job": 1}}, fund=True)
    assert s4.evaluate().by_lever.loc["employer", "value"] == pytest.approx(400)
    assert s.with_option("a", lever="employer").options.loc["a", "lever"] == "employer"
    s5 = s.add_outcome({"id": "health", "unit": "QALY", "value": {"kind": "qaly", "per_unit": 0.01}}).add_link(
        {"from": "job", "to": "health", "coefficient": 0.5})
    assert s5.evaluate().totals.loc["health", "total"] == pytest.approx(4)
    assert s5.with_link("job->health", coefficient=1.0).evaluate().totals.loc["health", "total"] == pytest.approx(8)
    assert "c" not in s4.remove_option("c").options.index
    assert s.with_metadata(horizon=7).metadata["horizon"] == 7


def test_fixing_a_correlated_parameter_leaves_its_block(complete):
    fixed = complete.set_parameter("outcomes.jobs_local.deadweight", 0.3)
    assert "outcomes.jobs_local.deadweight" not in fixed.parameters.index
    assert fixed.document.get("correlations") == []


def test_bad_changes_raise_scenario_errors():
    s = scenario_from_dict(small_doc())
    with pytest.raises(socval.ScenarioError, match=r"edited\):\d+:\d+: outcomes.job.deadweight: expected a share"):
        s.set_parameter("outcomes.job.deadweight", 1.5)
    with pytest.raises(socval.ScenarioError, match="expected the id of an item of outcomes, found 'nope'"):
        s.set_parameter("outcomes.nope.deadweight", 0.1)
    with pytest.raises(socval.ScenarioError, match="expected an index below 1"):
        s.set_parameter("options.a.costs[3].revenue", 1)
    with pytest.raises(socval.ScenarioError, match="no '.'"):
        s.set_parameter("horizon", 1)
    with pytest.raises(socval.ScenarioError, match="expected a funded option, found 'b'"):
        s.unfund("b")
    with pytest.raises(socval.ScenarioError, match="found 'zzz'"):
        s.fund("zzz")
    with pytest.raises(socval.ScenarioError, match="duplicate id 'a'"):
        s.add_option({"id": "a", "lever": "anchor"})
    with pytest.raises(socval.ScenarioError):
        s.add_link({"from": "job", "to": "job", "coefficient": 1})  # a cycle without lag


def test_load_errors():
    with pytest.raises(socval.ScenarioError, match="no such file"):
        load_scenario(ROOT / "no-such-file.yaml")
    with pytest.raises(socval.ScenarioError, match=r"<dict>:\d+:\d+: metadata"):
        scenario_from_dict({"metadata": {"name": "x"}})


def test_exported_names():
    for name in ("load_scenario", "scenario_from_dict", "scenario_from_yaml", "Scenario", "Evaluation"):
        assert hasattr(socval, name)


def test_old_names_warn_and_still_work():
    """Names of socval 0.1 that moved (socval._compat): one release with a DeprecationWarning."""
    with pytest.warns(DeprecationWarning, match="socval.Appraisal is deprecated"):
        assert socval.Appraisal is socval.Evaluation
    sys.modules.pop("socval.scenario", None)  # warns when imported: not if an earlier test imported it already
    with pytest.warns(DeprecationWarning, match="socval.scenario is deprecated"):
        import socval.scenario as old
    assert old.load_scenario is socval.load_scenario
    with pytest.warns(DeprecationWarning, match="socval.portfolio.smaa is deprecated"):
        old_portfolio = importlib.import_module("socval." + "portfolio")  # old names spelt apart from any renaming
        assert old_portfolio.smaa is socval.decision.scenario_smaa
    with pytest.warns(DeprecationWarning, match="socval.scenario_sensitivity.sensitivity is deprecated"):
        old_sensitivity = importlib.import_module("socval." + "scenario_sensitivity")
        assert old_sensitivity.sensitivity is socval.sensitivity.scenario_sensitivity


def test_scenario_methods_delegate_to_the_analyses():
    import socval as sv
    sc = sv.load_scenario(Path(__file__).resolve().parents[2] / "scenarios/west-of-england/baseline.yaml")
    a = sc.simulate(draws=256, seed=3, progress=False)
    b = sv.simulate(sc, draws=256, seed=3, progress=False)
    assert (a.draws("npsv") == b.draws("npsv")).all()
    t = sc.sensitivity(method="tornado")
    assert len(t) > 0 and (t["swing"].diff().dropna() <= 0).all()
    choice = sc.optimise(budget=50e6, draws=256)
    assert choice.cost <= 50e6 + 1e-6 and len(choice.selected) > 0

