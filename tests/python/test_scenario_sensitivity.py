"""Scenario-level sensitivity (socval.scenario_sensitivity, socval._core.analysis, `socval sensitivity`).

Known answers come from tests/data/sensitivity/linear.yaml, where NPSV = 100 a - r exactly (one option funded in
year 0, discount factor 1, no optimism bias, no additionality), a ~ U(10, 30), r ~ U(1000, 2000):
- Sobol: Var(100 a) = 100^2 * 20^2 / 12 = 333 333.3, Var(r) = 1000^2 / 12 = 83 333.3 (uniform variance
  (b - a)^2 / 12), so S1 = ST = 0.8 and 0.2 (an additive model: first-order = total).
- Morris on the grid over probabilities 0.01..0.99: a moves 0.98 * 20 per unit of scaled input, so every effect of
  a is 100 * 19.6 = 1960 and of r is -0.98 * 1000 = -980; sigma = 0.
- Tornado: p10 / p90 of U(10, 30) are 12 / 28, of U(1000, 2000) 1100 / 1900; central values 20 and 1500; so the
  base NPSV is 500, a's outputs are -300 / 1300 (swing 1600), r's 900 / 100 (swing 800).
linear_plus.yaml adds m ~ U(0, 10) with NPSV + 100 m - 500, so NPSV(linear) - NPSV(linear_plus) = 500 - 100 m.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

import socval
from socval import _core
from socval.sensitivity import scenario as ss
from socval.cli import main as cli_main
from socval.engine.simulation import core_scenario
from socval.values import default_library

DATA = Path(__file__).resolve().parents[1] / "data"
LINEAR = str(DATA / "sensitivity" / "linear.yaml")
PLUS = str(DATA / "sensitivity" / "linear_plus.yaml")
CORRELATED = str(DATA / "sensitivity" / "correlated.yaml")
SIM_BASE = str(DATA / "simulation" / "base.yaml")
A = "options.training.outputs.learners.amount"
R = "options.training.costs[0].revenue"
M = "options.mentoring.outputs.learners.amount"


def test_native_evaluation_is_the_linear_model():
    core = core_scenario(LINEAR)
    x = np.array([[10.0, 1000.0], [20.0, 1000.0], [10.0, 2000.0]])
    y = _core.analysis.evaluate_design(core, default_library(), [A, R], x, input="values")
    np.testing.assert_allclose(y, 100 * x[:, 0] - x[:, 1], atol=1e-9)
    # uniforms through the quantile functions: U(10, 30) at 0.25 is 15, U(1000, 2000) at 0.5 is 1500
    y = _core.analysis.evaluate_design(core, default_library(), [A, R], np.array([[0.25, 0.5]]))
    np.testing.assert_allclose(y, [0.0], atol=1e-9)
    # a parameter left out stays at its central value (r = 1500)
    y = _core.analysis.evaluate_design(core, default_library(), [A], np.array([[0.5]]))
    np.testing.assert_allclose(y, [500.0], atol=1e-9)


@pytest.mark.parametrize("groups,second_order", [(None, False), ([0, 1, 1], False), (None, True)])
def test_saltelli_rows_formed_natively_equal_the_formed_design(groups, second_order):
    """evaluate_saltelli builds the Saltelli rows from the base matrices A, B inside the engine: its outputs are
    exactly evaluate_design's on sensitivity.saltelli_design (same rows, same quantiles), alone and as a
    difference of two scenarios."""
    lib = default_library()
    ids = [A, R, M]
    layout = _core.sensitivity.saltelli_layout(16, 3, groups or [], second_order)
    formed = np.asarray(_core.sensitivity.saltelli_design(layout, 5))
    base = np.asarray(_core.sensitivity.sobol_points(16, 6, 5))
    one = _core.analysis.DesignModel(core_scenario(LINEAR), lib)
    two = _core.analysis.DesignModel(core_scenario(PLUS), lib)
    got = _core.analysis.evaluate_saltelli(one, None, ids, base[:, :3], base[:, 3:], list(layout.group_of),
                                           second_order=second_order, threads=3)
    want = _core.analysis.evaluate_design(one, ids, formed, threads=1)
    assert np.array_equal(np.asarray(got), np.asarray(want))
    diff = _core.analysis.evaluate_saltelli(one, two, ids, base[:, :3], base[:, 3:], list(layout.group_of),
                                            second_order=second_order)
    want = _core.analysis.evaluate_design_difference(one, two, ids, formed)
    assert np.array_equal(np.asarray(diff), np.asarray(want))
    with pytest.raises(socval.SensitivityError, match="group_of: expected one factor per column"):
        _core.analysis.evaluate_saltelli(one, None, ids, base[:, :3], base[:, 3:], [0, 1])


def test_sobol_matches_analytic_shares():
    res = ss.scenario_sensitivity(LINEAR, method="sobol", n=2048, seed=3)
    assert isinstance(res, socval.sensitivity.SobolResult)
    f = res.to_frame()
    for pid, share in ((A, 0.8), (R, 0.2)):
        assert abs(f.loc[pid, "S1"] - share) <= max(f.loc[pid, "S1_conf"], 1e-3)
        assert abs(f.loc[pid, "ST"] - share) <= max(f.loc[pid, "ST_conf"], 1e-3)
    np.testing.assert_allclose(res.variance, 333333.33 + 83333.33, rtol=0.05)


def test_sobol_is_reproducible_and_thread_invariant():
    r1 = ss.scenario_sensitivity(PLUS, n=256, seed=7, threads=1)
    r2 = ss.scenario_sensitivity(PLUS, n=256, seed=7, threads=2)
    np.testing.assert_array_equal(r1.S1, r2.S1)
    np.testing.assert_array_equal(r1.ST, r2.ST)


def test_groups_by_lever_and_kind():
    # Var contributions in linear_plus: 100 a -> 333 333, r -> 83 333, 100 m -> 83 333 (total 500 000).
    res = ss.scenario_sensitivity(PLUS, n=1024, seed=1, groups="lever")
    f = res.to_frame()
    assert set(f.index) == {"lever:employer", "lever:anchor"}
    assert abs(f.loc["lever:employer", "S1"] - 5 / 6) <= max(f.loc["lever:employer", "S1_conf"], 1e-3)
    assert abs(f.loc["lever:anchor", "S1"] - 1 / 6) <= max(f.loc["lever:anchor", "S1_conf"], 1e-3)
    res = ss.scenario_sensitivity(PLUS, n=1024, seed=1, groups="kind")
    f = res.to_frame()
    assert set(f.index) == {"options.outputs", "options.costs.revenue"}
    assert abs(f.loc["options.outputs", "S1"] - 5 / 6) <= max(f.loc["options.outputs", "S1_conf"], 1e-3)
    res = ss.scenario_sensitivity(PLUS, n=256, groups={"training": [A, R], "mentoring": [M]})
    assert res.groups == {"training": [R, A], "mentoring": [M]}  # members in the scenario's parameter order


def test_group_rules():
    ids = ["options.x.costs[0].revenue", "options.x.outputs.jobs.amount", "outcomes.jobs.deadweight",
           "outcomes.jobs.value.per_unit", "links.a->b.coefficient"]
    assert ss.group_labels(ids, "kind") == ["options.costs.revenue", "options.outputs", "outcomes.deadweight",
                                            "outcomes.value.per_unit", "links.coefficient"]
    assert ss.group_labels(ids, "option") == ["option:x", "option:x", "outcome:jobs", "outcome:jobs", "link:a->b"]
    with pytest.raises(socval.SensitivityError, match="groups: expected a mapping"):
        ss.group_labels(ids, "colour")


def test_morris_effects_exact():
    res = ss.scenario_sensitivity(LINEAR, method="morris", n=10, seed=2)
    f = res.to_frame()
    np.testing.assert_allclose(f.loc[A, "mu"], 1960.0, rtol=1e-9)
    np.testing.assert_allclose(f.loc[R, "mu"], -980.0, rtol=1e-9)
    np.testing.assert_allclose(f.loc[A, "mu_star"], 1960.0, rtol=1e-9)
    assert f["sigma"].abs().max() < 1e-6


def test_tornado_swings():
    df = ss.scenario_sensitivity(LINEAR, method="tornado")
    assert df.attrs["base"] == pytest.approx(500.0)
    rows = df.set_index("input")
    assert list(df["input"]) == [A, R]  # sorted by swing
    assert rows.loc[A, "low"] == pytest.approx(12.0) and rows.loc[A, "high"] == pytest.approx(28.0)
    assert rows.loc[A, "output_low"] == pytest.approx(-300.0) and rows.loc[A, "output_high"] == pytest.approx(1300.0)
    assert rows.loc[A, "swing"] == pytest.approx(1600.0)
    assert rows.loc[R, "output_low"] == pytest.approx(900.0) and rows.loc[R, "output_high"] == pytest.approx(100.0)
    assert rows.loc[R, "swing"] == pytest.approx(800.0)


def test_tornado_allowed_on_correlated_scenario():
    df = ss.scenario_sensitivity(CORRELATED, method="tornado")
    assert df["swing"].max() == pytest.approx(1600.0)


def test_correlated_inputs_honoured_by_sobol_and_refused_by_morris():
    """Sobol on correlated parameters gives indices for dependent inputs (docs/model/sensitivity_dependent.md);
    Morris moves one parameter at a time and is refused, pointing to the methods that honour correlations."""
    res = ss.scenario_sensitivity(CORRELATED, method="sobol", n=64, n_bootstrap=50)
    assert isinstance(res, socval.sensitivity.DependentSobolResult) and "Gaussian copula" in res.method
    with pytest.raises(socval.SensitivityError) as e:
        ss.scenario_sensitivity(CORRELATED, method="morris", n=4)
    msg = str(e.value)
    assert "declares correlations between" in msg and A in msg and R in msg
    assert "method='shapley'" in msg and "method='sobol'" in msg
    # leaving the correlated parameters out is allowed (nothing left here, so a clear error)
    with pytest.raises(socval.SensitivityError, match="parameters"):
        ss.scenario_sensitivity(CORRELATED, method="morris", parameters=["nope"])


def test_difference_of_two_scenarios():
    core_a, core_b = core_scenario(LINEAR), core_scenario(PLUS)
    lib = default_library()
    u = np.array([[0.5, 0.5, 0.1], [0.2, 0.9, 0.75]])
    d = _core.analysis.evaluate_design_difference(core_a, lib, core_b, lib, [A, R, M], u)
    np.testing.assert_allclose(d, 500 - 100 * 10 * u[:, 2], atol=1e-9)
    res = ss.scenario_sensitivity(LINEAR, other=PLUS, n=512, seed=0)
    f = res.to_frame()
    assert abs(f.loc[M, "S1"] - 1.0) <= max(f.loc[M, "S1_conf"], 1e-3)
    assert abs(f.loc[A, "ST"]) < 1e-9 and abs(f.loc[R, "ST"]) < 1e-9
    tor = ss.scenario_sensitivity(LINEAR, method="tornado", other=PLUS).set_index("input")
    assert tor.loc[M, "swing"] == pytest.approx(100 * (9 - 1))  # p10 = 1, p90 = 9 of U(0, 10)


def test_sampled_parameters_equal_the_simulation_inputs():
    core = core_scenario(SIM_BASE)
    for sampler in ("lhs", "mc"):
        x = np.asarray(_core.analysis.sampled_parameters(core, 11, 700, sampler=sampler))
        raw = _core.simulation.simulate(core, default_library(), 700, seed=11, sampler=sampler, keep_inputs=True,
                                        threads=2)
        np.testing.assert_array_equal(np.asarray(raw["inputs"]).reshape(x.shape), x)


def test_evppi_ranking_of_a_comparison():
    table = ss.scenario_evppi([LINEAR, PLUS], draws=4000, seed=1)
    assert table.index[0] == M  # the only parameter that changes which scenario is best
    assert table.loc[M, "evppi"] <= table.attrs["evpi"] * (1 + 1e-9)
    assert (table["evppi"] >= 0).all()
    unknown = r"scenario_evppi: parameters: unknown or fixed parameter ids \['x'\]"
    with pytest.raises(_core.SensitivityError, match=unknown):
        ss.scenario_evppi([LINEAR, PLUS], draws=64, seed=1, parameters=["x"])
    with pytest.raises(socval.SensitivityError, match="expected one scenario .* found none"):
        ss.scenario_evppi([])


def test_outputs_and_bad_inputs():
    core = core_scenario(LINEAR)
    lib = default_library()
    u = np.full((1, 2), 0.5)
    np.testing.assert_allclose(_core.analysis.evaluate_design(core, lib, [A, R], u, output="pv_costs"), [1500.0])
    np.testing.assert_allclose(_core.analysis.evaluate_design(core, lib, [A, R], u, output="priority:skills"),
                               [2000.0])
    np.testing.assert_allclose(_core.analysis.evaluate_design(core, lib, [A, R], u, output="pillar:economic"),
                               [2000.0])
    with pytest.raises(socval.SensitivityError, match="unknown priority 'nope'"):
        _core.analysis.evaluate_design(core, lib, [A, R], u, output="priority:nope")
    with pytest.raises(socval.SensitivityError, match="output: expected .npsv."):
        ss.scenario_sensitivity(LINEAR, output="irr")
    with pytest.raises(socval.SensitivityError, match=r"expected a probability in \(0, 1\)"):
        _core.analysis.evaluate_design(core, lib, [A, R], np.array([[0.0, 0.5]]))
    with pytest.raises(socval.SensitivityError, match="distinct parameter ids"):
        _core.analysis.evaluate_design(core, lib, [A, A], u)
    with pytest.raises(socval.SensitivityError, match="one column per parameter id"):
        _core.analysis.evaluate_design(core, lib, [A], u)
    with pytest.raises(socval.SensitivityError, match="in neither scenario"):
        _core.analysis.evaluate_design_difference(core, lib, core, lib, ["x.y"], np.full((1, 1), 0.5))
    with pytest.raises(socval.SensitivityError, match="method: expected"):
        ss.scenario_sensitivity(LINEAR, method="fast")
    with pytest.raises(socval.SensitivityError, match="method='sobol' and 'shapley' only"):
        ss.scenario_sensitivity(LINEAR, method="morris", groups="kind")
    with pytest.raises(socval.SensitivityError, match="power of 2|n"):
        ss.scenario_sensitivity(LINEAR, n=100)


def test_cli_json_and_exit_codes(capsys):
    assert cli_main(["sensitivity", LINEAR, "--method", "sobol", "--output", "npsv", "--n", "512", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "sobol" and out["n"] == 512
    shares = {f["name"]: f["S1"] for f in out["factors"]}
    assert shares[A] == pytest.approx(0.8, abs=0.05) and shares[R] == pytest.approx(0.2, abs=0.05)
    assert cli_main(["sensitivity", LINEAR, "--method", "tornado", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["base"] == pytest.approx(500.0) and out["parameters"][0]["swing"] == pytest.approx(1600.0)
    assert cli_main(["sensitivity", LINEAR, "--method", "morris", "--n", "6"]) == 0
    assert "mu_star" in capsys.readouterr().out
    assert cli_main(["sensitivity", CORRELATED, "--method", "sobol", "--n", "64"]) == 0
    assert "full and independent Sobol indices" in capsys.readouterr().out
    assert cli_main(["sensitivity", CORRELATED, "--method", "morris", "--n", "4"]) == 2
    assert "declares correlations" in capsys.readouterr().err
    assert cli_main(["sensitivity", os.fspath(DATA / "sensitivity" / "missing.yaml")]) == 2
