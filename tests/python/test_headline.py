"""socval.indicators.headline: the headline indicators of simulated scenarios, found by general rules, with
intervals and P(best); recomputed here from the Results draws with plain numpy."""
from pathlib import Path

import numpy as np
import pytest

import socval
from socval.indicators import headline
from socval.indicators.local_economy import local_economy

ROOT = Path(__file__).resolve().parents[2]
WOE = ROOT / "scenarios" / "west-of-england"


def tiny_doc(name="Tiny - carbon", chain=True):
    """One option; carbon measured gross (tCO2e, not valued) then net (valued at the carbon value) through an
    uncertain link; jobs valued in money; no LM3 rounds and no jobs_for_local_people outcome."""
    outcomes = [{"id": "co2_net", "unit": "tCO2e", "value": {"kind": "carbon"}, "priorities": {"net_zero": 1}},
                {"id": "job", "unit": "job", "value": 500, "priorities": {"jobs": 1}}]
    outputs = {"job": {"dist": "uniform", "min": 4, "max": 6}}
    links = []
    if chain:
        outcomes.insert(0, {"id": "co2_gross", "unit": "t CO2e"})
        links = [{"from": "co2_gross", "to": "co2_net", "coefficient": {"dist": "uniform", "min": 0.6, "max": 0.8}}]
        outputs["co2_gross"] = {"dist": "uniform", "min": 50, "max": 150}
    else:
        outputs["co2_net"] = {"dist": "uniform", "min": 50, "max": 150}
    return {"metadata": {"name": name, "price_base_year": 2024, "first_year": 2025, "horizon": 5},
            "priorities": [{"id": "net_zero", "pillar": "environmental"}, {"id": "jobs", "pillar": "economic"}],
            "outcomes": outcomes, "links": links,
            "options": [{"id": "a", "lever": "commissioning", "costs": [{"year": 0, "capital": 1e5}],
                         "outputs": outputs}],
            "scenario": {"funded": ["a"]}}


@pytest.fixture(scope="module")
def tiny():
    s = socval.scenario_from_dict(tiny_doc())
    return s, s.simulate(draws=256, seed=3)


@pytest.fixture(scope="module")
def woe():
    return socval.compare([WOE / "baseline.yaml", WOE / "skills-first.yaml", WOE / "green-first.yaml"], draws=400,
                          seed=5, progress=False)


def test_carbon_is_counted_once_at_the_end_of_a_chain(tiny):
    s, r = tiny
    assert headline.carbon_outcomes(s) == ["co2_net"]
    ind = headline.indicators(r)
    np.testing.assert_array_equal(ind["tCO2e avoided"].draws, r.draws("outcome.co2_net"))
    # Without the chain the valued outcome is the one counted.
    flat = socval.scenario_from_dict(tiny_doc(chain=False))
    assert headline.carbon_outcomes(flat) == ["co2_net"]


def test_indicators_a_scenario_does_not_have_are_left_out(tiny):
    s, r = tiny
    ind = headline.indicators(r)
    assert list(ind) == ["NPSV (GBP m)", "BCR", headline.BCR_ALL_COSTS, "SROI", "economic value (GBP m)",
                         "environmental value (GBP m)", "tCO2e avoided"]
    table = headline.headline_table(r)
    labels = list(dict.fromkeys(table.columns.get_level_values(0)))
    for absent in ("jobs for local people", "local spend retained (GBP m)", "LM3", "social value (GBP m)",
                   "unallocated value (GBP m)", headline.P_BEST):
        assert absent not in labels, absent
    assert labels[-1] == headline.P_POSITIVE


def test_headline_numbers_recomputed_from_the_draws(woe):
    t = headline.headline_table(woe)
    npsv = np.column_stack([woe.results[n].draws("pv_benefits") - woe.results[n].draws("pv_costs")
                            for n in woe.names])
    best = np.bincount(npsv.argmax(axis=1), minlength=len(woe.names)) / npsv.shape[0]  # no ties in continuous draws
    for k, n in enumerate(woe.names):
        r = woe.results[n]
        x = npsv[:, k] / 1e6
        assert t.loc[n, ("NPSV (GBP m)", "mean")] == pytest.approx(x.mean(), rel=1e-12)
        assert t.loc[n, ("NPSV (GBP m)", "p5")] == pytest.approx(np.quantile(x, 0.05), rel=1e-12)
        assert t.loc[n, ("NPSV (GBP m)", "p95")] == pytest.approx(np.quantile(x, 0.95), rel=1e-12)
        # BCR on public sector cost (the headline): others' costs count against the benefits (Green Book 2026 Table 10)
        others = r.draws("pv_others")
        bcr = (r.draws("pv_benefits") - others) / (r.draws("pv_costs") - others)
        assert t.loc[n, ("BCR", "mean")] == pytest.approx(bcr.mean(), rel=1e-12)
        all_costs = r.draws("pv_benefits") / r.draws("pv_costs")
        assert t.loc[n, (headline.BCR_ALL_COSTS, "mean")] == pytest.approx(all_costs.mean(), rel=1e-12)
        # SROI (Social Value UK form): over all inputs, the body's before optimism bias and others'
        sroi = r.draws("pv_benefits") / (r.draws("pv_investment") + r.draws("pv_others"))
        assert t.loc[n, ("SROI", "p95")] == pytest.approx(np.quantile(sroi, 0.95), rel=1e-12)
        jobs = r.draws("outcome.jobs_for_local_people")
        assert t.loc[n, ("jobs for local people", "mean")] == pytest.approx(jobs.mean(), rel=1e-12)
        assert t.loc[n, ("tCO2e avoided", "mean")] == pytest.approx(r.draws("outcome.co2e_avoided").mean(), rel=1e-12)
        le = local_economy(r)
        r1, r2, r3 = (r.draws(f"outcome.{o}") for o in ("spend_round1", "spend_round2_local", "spend_round3_local"))
        assert t.loc[n, ("LM3", "mean")] == pytest.approx(np.mean((r1 + r2 + r3) / r1), rel=1e-12)
        assert t.loc[n, ("share of spend kept locally (%)", "mean")] == pytest.approx(100 * np.mean(r2 / r1))
        assert t.loc[n, ("local spend retained (GBP m)", "mean")] == pytest.approx(np.mean(le.local_spend) / 1e6)
        pillars = sum(t.loc[n, (f"{p} value (GBP m)", "mean")] for p in ("social", "economic", "environmental"))
        assert pillars == pytest.approx(r.draws("pv_benefits").mean() / 1e6, rel=1e-9)
        assert t.loc[n, (headline.P_POSITIVE, "")] == pytest.approx(np.mean(npsv[:, k] > 0))
        assert t.loc[n, (headline.P_BEST, "")] == pytest.approx(best[k])
    assert t[(headline.P_BEST, "")].sum() == pytest.approx(1.0)
    # The engine's rounding in the unallocated pillar is not shown as an indicator.
    assert "unallocated value (GBP m)" not in t.columns.get_level_values(0)


def test_results_without_outcome_draws_drop_the_outcome_indicators():
    r = socval.simulate(WOE / "baseline.yaml", draws=64, seed=1, keep_outcomes=False, progress=False)
    ind = headline.indicators(r)
    assert "NPSV (GBP m)" in ind and "jobs for local people" not in ind and "LM3" not in ind
    assert "tCO2e avoided" not in ind


def test_a_scenario_missing_an_indicator_shows_nan_beside_the_others(tiny, woe):
    _, r = tiny
    mixed = {"tiny": r, "baseline": woe.results[woe.names[0]]}
    t = headline.headline_table(mixed)
    assert np.isnan(t.loc["tiny", ("LM3", "mean")]) and np.isfinite(t.loc["baseline", ("LM3", "mean")])
    text = headline.format_table(t)
    assert text.loc["tiny", "LM3"] == "n/a"


def test_format_table_cells_and_digits(tiny, woe):
    text = headline.format_table(headline.headline_table(woe))
    assert list(text.index) == ["baseline", "skills first", "green first"]
    t = headline.headline_table(woe)
    m, lo, hi = (t.loc[woe.names[0], ("BCR", s)] for s in ("mean", "p5", "p95"))
    assert text.loc["baseline", "BCR"] == f"{m:.2f} [{lo:.2f}, {hi:.2f}]"
    assert text.loc["baseline", headline.P_BEST] == f"{t.loc[woe.names[0], (headline.P_BEST, '')]:.2f}"
    # Small amounts (all below GBP 1m) get three decimals rather than reading as 0.0.
    small = headline.format_table(headline.headline_table(tiny[1]))
    assert small.iloc[0]["NPSV (GBP m)"].startswith("-0.0") and len(small.iloc[0]["NPSV (GBP m)"].split()[0]) == 6


@pytest.mark.parametrize("names, expected", [
    (["West of England - baseline", "West of England - green first"], ["baseline", "green first"]),
    (["Plan: A", "Plan: B"], ["A", "B"]),
    (["alpha", "beta"], ["alpha", "beta"]),
    (["Same - x"], ["Same - x"]),
    (["A - x", "A - "], ["A - x", "A - "]),
])
def test_short_names(names, expected):
    assert headline.short_names(names) == expected


def test_results_of_rejects_other_objects():
    with pytest.raises(TypeError, match="socval.Results"):
        headline.results_of(42)


def test_scenario_of_needs_the_scenario_text(tiny):
    _, r = tiny
    from socval.engine.results import Results

    bare = Results(r._vars, r._coords, {k: v for k, v in r.attrs.items() if k != "scenario_text"})
    with pytest.raises(socval.ResultsFileError, match="scenario_text"):
        headline.scenario_of(bare)
    assert headline.scenario_of(r).name == "Tiny - carbon"
