"""Switching values (socval.decision.switching_value, switching_values, Comparison.switching_value, the CLI flag).

Known answers come from tests/data/switching/pool.yaml: one appraisal year (discount factor 1), no optimism bias,
unit values of 1000 GBP, so

    NPSV_A (training) = 1000 x 400 x (1 - dw) - c        dw = outcomes.jobs.deadweight ~ U(0.2, 0.8)
                                                          c  = options.training.costs[0].revenue ~ U(90k, 110k)
    NPSV_B (clinic)   = 1000 x w - 150k                   w  = options.clinic.outputs.wellbeing.amount ~ U(150, 300)
    d = NPSV_A - NPSV_B = 550k - 400k dw - c - 1000 w

is linear in every parameter, and each switching value is the root of a linear equation.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import socval
from socval import _core
from socval import decision

DATA = Path(__file__).resolve().parents[1] / "data" / "switching"
A = DATA / "training.yaml"
B = DATA / "clinic.yaml"
DW = "outcomes.jobs.deadweight"
COST = "options.training.costs[0].revenue"
WELLBEING = "options.clinic.outputs.wellbeing.amount"


def sampled_mean(path, pid, seed=0, draws=2000, sampler="lhs"):
    """Mean of the draws simulate() makes of one parameter (the same keyed streams)."""
    core = socval.load_scenario(path).core
    x = np.asarray(_core.analysis.sampled_parameters(core, seed, draws, sampler=sampler))
    return float(x[[p.id for p in core.parameters].index(pid)].mean())


# ------------------------------------------------------------------------------------------------------------
# Known answers
# ------------------------------------------------------------------------------------------------------------

def test_deadweight_central_closed_form():
    """Central values c = 100k, w = 225k / 1000: d(dw) = 550k - 400k dw - 100k - 225k = 225k - 400k dw, so
    dw* = 225/400 = 0.5625; current dw = 0.5 (the mean of U(0.2, 0.8)), d(0.5) = 25k > 0 (training preferred);
    distance +12.5%; P(dw > 0.5625) = (0.8 - 0.5625) / 0.6 = 0.3958333."""
    r = decision.switching_value(A, B, DW, method="central")
    assert r.switching_value == pytest.approx(0.5625, abs=1e-9)
    assert r.current == pytest.approx(0.5)
    assert r.difference_now == pytest.approx(25_000, abs=1e-6)
    assert (r.preferred_now, r.preferred_below, r.preferred_above) == ("Training", "Training", "Clinic")
    assert r.distance_pct == pytest.approx(12.5, abs=1e-6)
    assert r.probability == pytest.approx(0.2375 / 0.6, abs=1e-9)
    assert r.bounds == (0.2, 0.8)                     # the support of U(0.2, 0.8), within [0, 1]
    assert r.other_switches == ()
    assert r.switches and "Training is preferred below 0.5625 and Clinic above it" in r.message
    assert r.evaluations < 30


def test_deadweight_expected_closed_form_and_agreement_with_central():
    """Expected method: d(x) = mean over draws of (550k - 400k x - c_d - 1000 w_d) = 550k - 400k x - mean(c) -
    1000 mean(w), with the sample means of the draws simulate() makes (seed 0, 2000 LHS draws); root
    x* = (550k - mean(c) - 1000 mean(w)) / 400k. The model is linear, so it agrees with the central root up to
    the sampling error of those means."""
    r = decision.switching_value(A, B, DW, method="expected", draws=2000, seed=0)
    expected = (550_000 - sampled_mean(A, COST) - 1000 * sampled_mean(B, WELLBEING)) / 400_000
    assert r.switching_value == pytest.approx(expected, abs=1e-9)
    central = decision.switching_value(A, B, DW, method="central")
    assert r.switching_value == pytest.approx(central.switching_value, abs=1e-3)
    assert r.method == "expected" and r.probability == pytest.approx(1 - (expected - 0.2) / 0.6, abs=1e-9)


def test_parameter_of_the_second_scenario_only_moves_it():
    """w only moves the clinic: at dw = 0.5, c = 100k, d(w) = 550k - 200k - 100k - 1000 w = 250k - 1000 w, so
    w* = 250; current 225 (+11.11%); training is preferred below, the clinic above; P(w > 250) = 50/150 = 1/3."""
    r = decision.switching_value(A, B, WELLBEING, method="central")
    assert r.switching_value == pytest.approx(250.0, abs=1e-7)
    assert r.distance_pct == pytest.approx(100 * 25 / 225, abs=1e-6)
    assert (r.preferred_below, r.preferred_above) == ("Training", "Clinic")
    assert r.probability == pytest.approx(1 / 3, abs=1e-9)
    expected = decision.switching_value(A, B, WELLBEING, method="expected", draws=500, seed=3)
    # Expected: 550k - 400k mean(dw) - mean(c) - 1000 w = 0.
    w = (550_000 - 400_000 * sampled_mean(A, DW, 3, 500) - sampled_mean(A, COST, 3, 500)) / 1000
    assert expected.switching_value == pytest.approx(w, abs=1e-6)


def test_against_doing_nothing_npsv_and_bcr():
    """b=None: NPSV_A = 400k (1 - dw) - 100k = 0 at dw* = 0.75; BCR_A = 400k (1 - dw) / 100k = 1 at the same
    dw*; P(dw > 0.75) = 0.05 / 0.6 = 1/12."""
    for metric in ("npsv", "bcr"):
        r = decision.switching_value(A, None, DW, metric=metric, method="central")
        assert r.switching_value == pytest.approx(0.75, abs=1e-9)
        assert r.b == "do nothing"
        assert (r.preferred_below, r.preferred_above) == ("Training", "do nothing")
        assert r.probability == pytest.approx(1 / 12, abs=1e-9)


def test_no_switch_within_the_bounds():
    """d(c) = 550k - 200k - c - 225k = 125k - c > 0 over the whole support [90k, 110k] of the cost: no switch.
    With explicit bounds [0.2, 0.5] for dw, d >= 25k > 0 too."""
    r = decision.switching_value(A, B, COST, method="central")
    assert r.switching_value is None and not r.switches
    assert r.probability is None and r.distance_pct is None
    assert r.preferred_below == r.preferred_above == r.preferred_now == "Training"
    assert "no switch within [90000, 110000]" in r.message
    r = decision.switching_value(A, B, DW, bounds=(0.2, 0.5), method="central")
    assert r.switching_value is None and r.bounds == (0.2, 0.5)
    assert "no switch within [0.2, 0.5]" in str(r)


def test_swapping_the_scenarios_swaps_the_preferences_not_the_value():
    ab = decision.switching_value(A, B, DW, method="expected", draws=300)
    ba = decision.switching_value(B, A, DW, method="expected", draws=300)
    assert ba.switching_value == pytest.approx(ab.switching_value, abs=1e-9)
    assert (ba.preferred_below, ba.preferred_above) == (ab.preferred_below, ab.preferred_above)
    assert ba.difference_now == pytest.approx(-ab.difference_now)


def test_expected_is_reproducible_and_independent_of_threads():
    one = decision.switching_value(A, B, DW, draws=700, seed=11, threads=1)
    two = decision.switching_value(A, B, DW, draws=700, seed=11, threads=2)
    assert one.switching_value == two.switching_value
    assert one.difference_now == two.difference_now


def test_a_parameter_fixed_with_set_parameter():
    """Scenario.set_parameter turns the deadweight of A into the plain number 0.5: it is no longer one of A's
    parameters but still one of B's. The switching value moves it in both (A's number is made a parameter once,
    uniform over the bounds, then set to x), so the root is still 0.5625 = 225/400, with bounds and probability
    from B's U(0.2, 0.8). Likewise a cost fixed in A and uncertain in B: d(c) = 125k - c has its root at 125k,
    outside B's support [90k, 110k], inside explicit bounds (0, 400k). Fixed in the only scenario: not a
    parameter at all."""
    fixed = socval.load_scenario(A).set_parameter(DW, 0.5)
    assert DW not in [p.id for p in fixed.core.parameters]
    for method in ("central", "expected"):
        r = decision.switching_value(fixed, B, DW, method=method, draws=300)
        assert r.bounds == (0.2, 0.8)
        assert r.switching_value == pytest.approx(0.5625, abs=1e-3 if method == "expected" else 1e-9)
    assert r.probability == pytest.approx(1 - (r.switching_value - 0.2) / 0.6)
    fixed_cost = socval.load_scenario(A).set_parameter(COST, 100_000)
    assert decision.switching_value(fixed_cost, B, COST, method="central").switching_value is None
    r = decision.switching_value(fixed_cost, B, COST, bounds=(0, 400_000), method="central")
    assert r.switching_value == pytest.approx(125_000, abs=1e-3)
    with pytest.raises(socval.DecisionError, match="expected an uncertain parameter id of Training"):
        decision.switching_value(fixed_cost, None, COST, method="central")


def test_many_parameters_sorted_by_distance():
    """Default parameters: the tornado of d (all three are uncertain); w switches at +11.1%, dw at +12.5%, the
    cost not at all (last)."""
    table = decision.switching_values(A, B, method="central")
    assert list(table.index) == [WELLBEING, DW, COST]
    assert table.loc[DW, "switching_value"] == pytest.approx(0.5625, abs=1e-9)
    assert math.isnan(table.loc[COST, "distance_pct"])
    assert table.attrs["a"] == "Training" and table.attrs["b"] == "Clinic"
    only = decision.switching_values(A, B, parameters=DW, method="central")
    assert list(only.index) == [DW]


def test_comparison_method_uses_the_best_against_the_runner_up_and_the_comparison_draws():
    cmp = socval.compare([B, A], draws=800, seed=5, progress=False)
    r = cmp.switching_value(DW)
    assert (r.a, r.b) == ("Training", "Clinic")       # mean NPSV 100k against 75k
    direct = decision.switching_value(A, B, DW, draws=800, seed=5)
    assert r.switching_value == pytest.approx(direct.switching_value, abs=1e-12)
    central = cmp.switching_value(DW, a="Clinic", b="Training", method="central")
    assert central.switching_value == pytest.approx(0.5625, abs=1e-9)
    with pytest.raises(socval.DecisionError, match="expected the name of a compared scenario"):
        cmp.switching_value(DW, a="Nope")
    with pytest.raises(socval.DecisionError, match="two different scenarios"):
        cmp.switching_value(DW, a="Clinic", b="Clinic")


# ------------------------------------------------------------------------------------------------------------
# Bad input
# ------------------------------------------------------------------------------------------------------------

def test_bad_parameter_id_names_it_and_lists_close_matches():
    with pytest.raises(socval.DecisionError) as e:
        decision.switching_value(A, B, "outcomes.jobs.deadweigth")
    assert "'outcomes.jobs.deadweigth'" in str(e.value) and "close matches: outcomes.jobs.deadweight" in str(e.value)
    with pytest.raises(socval.DecisionError, match="the scenarios have 3 parameters"):
        decision.switching_value(A, B, "zzz")
    with pytest.raises(socval.DecisionError, match="expected a parameter id"):
        decision.switching_value(A, B, 3)


@pytest.mark.parametrize("kwargs, message", [
    (dict(bounds=(0.5, 0.2)), "bounds: expected finite low < high"),
    (dict(bounds=(0, float("inf"))), "bounds: expected finite low < high"),
    (dict(bounds="x"), r"bounds: expected \(low, high\)"),
    (dict(metric="sroi"), "metric: expected 'npsv'"),
    (dict(method="mean"), "method: expected 'central' or 'expected'"),
    (dict(draws=0), "draws: expected a whole number >= 1"),
    (dict(seed=-1), "seed: expected a whole number >= 0"),
    (dict(sampler="sobol"), "sampler: expected 'lhs' or 'mc'"),
    (dict(grid=1), "grid: expected a whole number >= 2"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(socval.DecisionError, match=message):
        decision.switching_value(A, B, DW, **kwargs)


def test_bad_scenario():
    with pytest.raises(socval.DecisionError, match="expected socval.Scenario objects or scenario file paths"):
        decision.switching_value(42, B, DW)


# ------------------------------------------------------------------------------------------------------------
# West of England
# ------------------------------------------------------------------------------------------------------------

def test_west_of_england_baseline_against_procurement_first(woe_scenarios):
    """Net jobs per business supported decides between the baseline and procurement first (notebook 04). The
    central switching value is checked against the slow reference the notebook used by hand: each scenario
    re-read with Scenario.set_parameter and evaluated, whose NPSVs must be equal at x* (to a pound)."""
    pid = "links.businesses_supported->net_jobs_created.coefficient"
    base, procurement = woe_scenarios["baseline"], woe_scenarios["procurement-first"]
    r = decision.switching_value(base, procurement, pid, method="central")
    assert r.switches and r.preferred_now == base.name
    assert (r.preferred_below, r.preferred_above) == (procurement.name, base.name)
    x = r.switching_value
    gap = base.set_parameter(pid, x).evaluate().npsv - procurement.set_parameter(pid, x).evaluate().npsv
    assert abs(gap) < 1.0
    dist = next(p for p in base.core.parameters if p.id == pid).distribution
    assert r.probability == pytest.approx(dist.cdf(x))      # the switch lies below the current value
    expected = decision.switching_value(base, procurement, pid, draws=1000, seed=2024)
    assert expected.switching_value == pytest.approx(x, rel=0.02)


# ------------------------------------------------------------------------------------------------------------
# Command line
# ------------------------------------------------------------------------------------------------------------

def test_cli_compare_switching(capsys):
    from socval.cli import main

    assert main(["compare", str(A), str(B), "--draws", "400", "--seed", "1", "--no-progress",
                 "--switching", DW, COST, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = {r["parameter"]: r for r in out["switching"]}
    assert rows[DW]["switching_value"] == pytest.approx(0.5625, abs=0.01)
    assert rows[COST]["switching_value"] is None and "no switch within" in rows[COST]["message"]
    assert main(["compare", str(A), str(B), "--draws", "400", "--no-progress", "--switching", DW]) == 0
    assert "Switching values: Training against Clinic" in capsys.readouterr().out
    assert main(["compare", str(A), str(B), "--draws", "50", "--no-progress", "--switching", "outcomes.jobs.dw"]) == 2
    assert "close matches: outcomes.jobs.deadweight" in capsys.readouterr().err
