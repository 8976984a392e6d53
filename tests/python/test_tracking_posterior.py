"""The posterior of delivery returns as a full Results (issue 15): delivered years replaced by the actuals, spend
returns learnt from, realised value per pound, options delayed by their works duration
(docs/model/tracking.md sections 1, 6 and 7)."""
from __future__ import annotations

import numpy as np
import pytest

import socval as sv
from socval.tracking import load_returns
from socval.tracking.projection import Projection
from socval.tracking.update import update

# One option, 100 entries a year in 2025-2027 (a fixed yield), deadweight 20 %, GBP 1,000 an entry, GBP 100k a year;
# Green Book discounting at 3.5 % from the first year (docs/model/engine.md section 7).
FIXED = """
metadata: {name: delivered, price_base_year: 2024, first_year: 2025, horizon: 4, values: central}
priorities: [{id: jobs, pillar: economic}]
outcomes:
  - {id: entries, unit: person, value: 1000, priorities: {jobs: 1}, deadweight: 0.2}
options:
  - id: programme
    lever: commissioning
    costs: [{year: 0, revenue: 100000}, {year: 1, revenue: 100000}, {year: 2, revenue: 100000}]
    outputs: {entries: 100}
scenario: {funded: [programme]}
"""


def _returns(tmp_path, rows: str):
    p = tmp_path / "r.csv"
    p.write_text("period,option,measure,unit,gross,evidence\n" + rows)
    return load_returns(p)


def test_delivered_years_replace_the_projection_known_answer(tmp_path):
    """70 entries delivered in 2025 (verified) against 100 projected. By hand: PV benefits
    = 1000 x 0.8 x (70 + 100 / 1.035 + 100 / 1.035^2) = 800 x 259.969427... = 207,975.54; the projection's
    800 x (100 + 96.618357 + 93.351070) = 231,975.54. Realised value per pound in 2025: 800 x 70 / 100,000 = 0.56
    against the projection's 800 x 100 / 100,000 = 0.80."""
    sc = sv.scenario_from_yaml(FIXED)
    prior = sc.simulate(draws=64, seed=1, progress=False)
    post = update(prior, _returns(tmp_path, "2025,programme,entries,person,70,verified\n"))
    by_hand = 800 * (70 + 100 / 1.035 + 100 / 1.035 ** 2)
    assert by_hand == pytest.approx(207975.54, abs=0.01)
    assert post.posterior.draws("pv_benefits") == pytest.approx(np.full(64, by_hand), rel=1e-12)
    assert prior.draws("pv_benefits") == pytest.approx(np.full(64, by_hand + 800 * 30), rel=1e-12)
    # Per year: 2025's level is the delivered net quantity, 0.8 x 70 = 56; later years keep the projection (80).
    assert list(post.posterior.by_year("entries")["mean"]) == pytest.approx([56, 80, 80, 0])
    r = post.realised
    assert r.loc["realised", "per_pound_mean"] == pytest.approx(0.56, rel=1e-12)
    assert r.loc["projected", "per_pound_mean"] == pytest.approx(0.80, rel=1e-12)
    assert r.loc["realised", "spend_mean"] == pytest.approx(100000, rel=1e-12)
    # A fixed yield informs no parameter: the output says why.
    assert post.learnt.loc[0, "parameters"] == [] and "informs no parameter" in post.learnt.loc[0, "note"]
    md = post.report(tmp_path / "annual.md")
    assert "Realised value per pound" in md and "0.56" in md and "informs no parameter" in md


UNCERTAIN = FIXED.replace("outputs: {entries: 100}", "outputs: {entries: {dist: pert, min: 50, mode: 100, max: 200}}")


def test_posterior_is_a_full_results_actual_to_date_plus_reforecast(tmp_path):
    """With an uncertain yield theta: in every posterior draw, PV benefits = 800 (70 + theta (1/1.035 + 1/1.035^2))
    with theta the draw's posterior yield; per-year and per-outcome tables and the decision-paper annex exist."""
    sc = sv.scenario_from_yaml(UNCERTAIN)
    prior = sc.simulate(draws=500, seed=2, progress=False)
    post = update(prior, _returns(tmp_path, "2025,programme,entries,person,70,verified\n"))
    theta = post.posterior_parameters[0]
    expected = 800 * (70 + theta * (1 / 1.035 + 1 / 1.035 ** 2))
    assert post.posterior.draws("pv_benefits") == pytest.approx(expected, rel=1e-12)
    assert post.posterior.n_draws == 500 and "entries" in post.posterior.outcomes
    annex = post.posterior.report()
    assert "<html" in annex.lower()
    assert post.learnt.loc[0, "parameters"] == ["options.programme.outputs.entries.amount"]


# A per-pound spend measure: 0.3 of every pound reaches SMEs, PERT(0.1, 0.3, 0.5).
SPEND = """
metadata: {name: spend, price_base_year: 2024, first_year: 2025, horizon: 3, values: central}
priorities: [{id: p, pillar: economic}]
outcomes:
  - {id: sme_spend, unit: GBP}
  - {id: served, unit: person, value: 100, priorities: {p: 1}}
options:
  - id: buying
    lever: commissioning
    costs: [{year: 0, revenue: 1000000}, {year: 1, revenue: 1000000}]
    outputs: {sme_spend: {amount: {dist: pert, min: 0.1, mode: 0.3, max: 0.5}, per: pound}, served: 50}
scenario: {funded: [buying]}
"""


def test_spend_returns_are_learnt_from(tmp_path):
    sc = sv.scenario_from_yaml(SPEND)
    prior = sc.simulate(draws=1000, seed=4, progress=False)
    post = update(prior, _returns(tmp_path, "2025,buying,sme_spend,GBP,450000,verified\n"))
    p = post.parameters.set_index("parameter")
    share = p.loc["options.buying.outputs.sme_spend.amount"]
    assert share["posterior_mean"] > share["prior_mean"] + 0.05  # 45 % returned against a prior mean of 30 %
    row = post.learnt.iloc[0]
    assert row["spend"] and "options.buying.outputs.sme_spend.amount" in row["parameters"] and row["note"] == ""


# Works duration: capital over three years, non-standard buildings (upper bound 39 %), unmitigated: a delay of
# round(0.39 x 3) = 1 year (tests/data/optimism_bias/categories.yaml), on an uncertain per-year and per-pound output.
DELAYED = """
metadata: {name: delayed, price_base_year: 2024, first_year: 2025, horizon: 6, values: central}
priorities: [{id: p, pillar: social}]
outcomes:
  - {id: done, unit: unit, value: 10, priorities: {p: 1}, deadweight: 0.1}
  - {id: homes, unit: home, value: 5, priorities: {p: 1}}
options:
  - id: works
    lever: commissioning
    costs: [{year: 0, capital: 100}, {year: 1, capital: 200}, {year: 2, capital: {dist: pert, min: 50, mode: 100, max: 150}}]
    optimism_bias: {category: non_standard_buildings, works_duration: true}
    outputs: {done: {dist: pert, min: 1, mode: 2, max: 4}, homes: {amount: 0.01, per: pound}}
scenario: {funded: [{option: works, start: 1}]}
"""


def test_projection_applies_the_engines_works_duration_delay(tmp_path):
    sc = sv.scenario_from_yaml(DELAYED)
    assert int(sc.evaluate().by_option.at["works", "delay_years"]) == 1
    res = sc.simulate(draws=50, seed=9, keep_full=True, keep_inputs=True, progress=False)
    proj = Projection(sc)
    assert proj.delay("works") == 1
    P = np.asarray(res._var("inputs")[1])
    level = np.asarray(res._var("full_level")[1])   # draw x year x outcome
    outcomes = list(res.outcomes)
    for m in ("done", "homes"):
        got = np.stack([proj.net("works", m, t, P) for t in range(6)], axis=1)
        assert got == pytest.approx(level[:, :, outcomes.index(m)], rel=1e-12, abs=1e-12)
    assert not np.any(got[:, :2])  # start 1 + delay 1: nothing before 2027
    post = update(res, _returns(tmp_path, "2027,works,done,unit,2.5,verified\n"))
    assert post.posterior.n_draws == 50
