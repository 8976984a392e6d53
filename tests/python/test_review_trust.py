"""How far a conclusion can be trusted (socval.review.trust): verdicts on hand-made comparisons whose switching
values are known in closed form, and the West of England verdict."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import socval as sv
from socval.review import review_scenarios

DATA = Path(__file__).resolve().parents[1] / "data" / "review"


def _review(kind):
    return review_scenarios({"A": DATA / f"{kind}_a.yaml", "B": DATA / f"{kind}_b.yaml"}, draws=64)


def test_a_comparison_that_hinges_on_one_illustrative_input():
    """A: NPSV = v - 1000, v ~ U(400, 3300) illustrative; B: NPSV = 1380 - 1000. A - B = v - 1380, so the switching
    value is 1380 (inside 400-3300); A against doing nothing switches at v = 1000 (inside too)."""
    r = _review("hinge")
    assert r.trust.best == "A" and r.trust.runner_up == "B"
    assert r.verdict.startswith("depends on one illustrative input: outcomes.qualifications.value.per_unit")
    assert "switches at 1,380 against B" in r.verdict and "range 400-3,300" in r.verdict
    sw = r.trust.switching.set_index("pair")
    assert sw.loc["A vs B", "switching_value"] == pytest.approx(1380.0, abs=1e-6)
    assert sw.loc["A vs do nothing", "switching_value"] == pytest.approx(1000.0, abs=1e-6)
    assert set(sw["position"]) == {"inside"} and set(sw["status"]) == {"illustrative"}


def test_a_robust_comparison():
    """A: NPSV = v - 100; B: NPSV = 0 - 1000. A - B = v + 900 > 0 for every v >= 0; A against doing nothing switches
    at v = 100, more than 10% of the range's width (290) below 400: outside."""
    r = _review("robust")
    assert r.verdict.startswith("robust: A is best under every alternative tried")
    sw = r.trust.switching.set_index("pair")
    assert sw.loc["A vs do nothing", "switching_value"] == pytest.approx(100.0, abs=1e-6)
    assert sw.loc["A vs do nothing", "position"] == "outside"
    alt = r.trust.alternatives
    assert set(alt["best"].dropna()) == {"A"} and len(alt["best"].dropna()) >= 3
    data = json.loads(r.to_json())
    assert data["trust"]["verdict"] == r.verdict


def test_a_structural_alternative_that_changes_the_winner_is_named(tmp_path):
    """late: GBP 5000 in year 6 (lag 6) for GBP 1000 now, NPSV = 5000 / 1.035^6 - 1000 (Green Book 3.5%);
    early: NPSV = v - 100, v ~ U(400, 3300). Late wins at the mean (3067.5 > 1750) and the switch is at
    v = 5000 / 1.035^6 - 900 (inside the range); the 5-year horizon alternative drops late's benefit, so early
    wins there."""
    text = (DATA / "hinge_b.yaml").read_text(encoding="utf-8")
    late = text.replace("horizon: 1", "horizon: 10").replace("lag: 0", "lag: 6").replace("value: 1380", "value: 5000")
    (tmp_path / "late.yaml").write_text(late, encoding="utf-8")
    early = (DATA / "robust_a.yaml").read_text(encoding="utf-8").replace("horizon: 1", "horizon: 10")
    (tmp_path / "early.yaml").write_text(early, encoding="utf-8")
    r = review_scenarios({"early": tmp_path / "early.yaml", "late": tmp_path / "late.yaml"}, draws=32)
    assert r.trust.best == "late"
    sw = r.trust.switching.set_index("pair")
    assert sw.loc["late vs early", "switching_value"] == pytest.approx(5000 / 1.035 ** 6 - 900, rel=1e-9)
    assert "and on modelling choices: horizon 5 years makes early best" in r.verdict


def test_comparison_check_uses_the_runs_files():
    c = sv.compare([sv.load_scenario(DATA / "hinge_a.yaml"), sv.load_scenario(DATA / "hinge_b.yaml")], draws=64,
                   seed=1, progress=False, names=["A", "B"])
    r = c.check(draws=64)
    assert r.verdict.startswith("depends on one illustrative input")
    assert any(f.rule == "EV001" and f.file.endswith("hinge_a.yaml") for f in r)
    assert "How far to trust these results" in repr(r)


def _people_scenario(path, name, quintile, people):
    """One option of cost 100 (year 0, horizon 1, no discounting) whose 'people' people, GBP 5 each, are all in one
    income quintile; eta fixed at 1.3 and the two_place incomes (median 20,000; q1 10,000; q5 40,000)."""
    path.write_text(f"""metadata: {{name: {name}, price_base_year: 2024, horizon: 1}}
people:
  eta: 1.3
  incomes: {{median: 20000, quintiles: {{q1: 10000, q2: 15000, q3: 20000, q4: 25000, q5: 40000}},
             source: "illustrative: test figures"}}
priorities: [{{id: fair, pillar: social}}]
outcomes:
  - {{id: a, unit: person, value: 5, priorities: {{fair: 1}}, people: {{{quintile}: 1}}}}
options:
  - {{id: grant, lever: commissioning, costs: [{{year: 0, capital: 100}}], outputs: {{a: {people}}}}}
scenario: {{funded: [grant]}}
""", encoding="utf-8")
    return path


def test_distributional_weights_that_change_the_winner_are_named(tmp_path):
    """rich: 30 people in q5, NPSV = 150 - 100 = 50; poor: 20 people in q1, NPSV = 100 - 100 = 0, so rich is best.
    Annex A3 weights (median / income)^1.3: q5 (1/2)^1.3 = 0.4061, q1 2^1.3 = 2.4623; weighted NPSV rich
    150 x 0.4061 - 100 = -39.08, poor 100 x 2.4623 - 100 = 146.23: the weights make poor best (and the verdict
    says so). Neither declares a place perspective."""
    r = review_scenarios({"rich": _people_scenario(tmp_path / "rich.yaml", "rich", "q5", 30),
                          "poor": _people_scenario(tmp_path / "poor.yaml", "poor", "q1", 20)}, draws=16)
    assert r.trust.best == "rich"
    alt = r.trust.alternatives.set_index("alternative")
    weights = alt.loc[[a for a in alt.index if a.startswith("distributional weights")][0]]
    assert weights["best"] == "poor"
    assert weights["npsv: rich"] == pytest.approx(150 * 0.5 ** 1.3 - 100, rel=1e-12)
    assert weights["npsv: poor"] == pytest.approx(100 * 2 ** 1.3 - 100, rel=1e-12)
    place = alt.loc[[a for a in alt.index if a.startswith("place perspective")][0]]
    assert pd.isna(place["best"]) and place["note"].startswith("does not apply")
    assert "distributional weights (Green Book Annex A3: weighted NPSV, eta sampled) makes poor best" in r.verdict


def test_the_place_perspective_is_tried_when_declared(tmp_path):
    """The place perspective of a scenario with place overrides ranks the scenarios with those overrides: here
    hinge_b's outcome counts 10x its UK value in the region, so B is best in the place perspective."""
    text = (DATA / "hinge_b.yaml").read_text(encoding="utf-8")
    assert "value: 1380" in text
    (tmp_path / "b.yaml").write_text(text.replace("value: 1380", "value: 1380\n    place: {value: 13800}"),
                                     encoding="utf-8")
    r = review_scenarios({"A": DATA / "hinge_a.yaml", "B": tmp_path / "b.yaml"}, draws=16)
    alt = r.trust.alternatives.set_index("alternative")
    place = alt.loc[[a for a in alt.index if a.startswith("place perspective")][0]]
    assert place["best"] == "B"
    assert place["npsv: B"] == pytest.approx(13800 - 1000, rel=1e-12)
