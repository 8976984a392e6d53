"""Value by beneficiary and cost by lever of large runs: streaming summaries instead of per-draw arrays
(docs/model/simulation.md, "Memory"). A run with keep_breakdowns=False is compared with the same run keeping them
(same seed, so the same draws): exact means and sd agree to rounding, the tables and summary() rows are there, and
per-draw access says why it is not available."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from socval import _core
from socval.engine.results import BENEFICIARIES, LEVERS, Results, load_results
from socval.engine.simulation import core_scenario, scenario_library as _library

BASE = Path(__file__).resolve().parents[1] / "data" / "simulation" / "base.yaml"


def run(keep: bool) -> Results:
    core = core_scenario(BASE)
    raw = _core.simulation.simulate(core, _library(core, None), 4000, seed=5, sampler="mc", threads=2,
                                    keep_derived=False, keep_breakdowns=keep)
    return Results._from_core(raw, {"scenario_name": "base", "scenario_text": core.source_text,
                                    "value_library_version": "test", "price_base_year": 2024})


@pytest.fixture(scope="module")
def pair():
    return run(True), run(False)


def test_the_engine_keeps_them_per_draw_up_to_250000_draws_by_default():
    core = core_scenario(BASE)
    raw = _core.simulation.simulate(core, _library(core, None), 1000, seed=5, threads=1)
    assert raw["beneficiary_value"] is not None and raw["lever_cost"] is not None
    assert raw["beneficiary_summary"] is None and raw["lever_cost_summary"] is None


def test_streamed_breakdowns_have_the_per_draw_moments(pair):
    kept, streamed = pair
    assert streamed.draws("npsv").tobytes() == kept.draws("npsv").tobytes()  # the same draws
    for table, labels in (("by_beneficiary", BENEFICIARIES), ("by_lever", LEVERS)):
        a, b = getattr(kept, table)(), getattr(streamed, table)()
        assert list(a.index) == list(b.index) == list(labels)
        np.testing.assert_allclose(b["mean"], a["mean"], rtol=1e-12, atol=1e-6)
        np.testing.assert_allclose(b["sd"], a["sd"], rtol=1e-8, atol=1e-6)
    np.testing.assert_allclose(streamed.by_lever()["cost"], kept.by_lever()["cost"], rtol=1e-12)
    np.testing.assert_allclose(streamed.by_lever()["net"], kept.by_lever()["net"], rtol=1e-9, atol=1e-6)
    s_kept, s_streamed = kept.summary(), streamed.summary()
    for metric in [f"beneficiary.{b}" for b in BENEFICIARIES] + [f"lever_cost.{lv}" for lv in LEVERS]:
        assert metric in s_streamed.index
        assert s_streamed.loc[metric, "mean"] == pytest.approx(s_kept.loc[metric, "mean"], rel=1e-12, abs=1e-6)
        assert s_streamed.loc[metric, "P(>0)"] == s_kept.loc[metric, "P(>0)"]


def test_per_draw_access_says_why_it_is_not_available(pair):
    _, streamed = pair
    assert "beneficiary.fiscal" not in streamed.metrics() and "lever_cost.anchor" not in streamed.metrics()
    for metric in ("beneficiary.fiscal", "lever_cost.anchor"):
        with pytest.raises(KeyError, match="not kept in this run.*250,000"):
            streamed.draws(metric)


def test_streamed_breakdowns_survive_a_file_round_trip(pair, tmp_path):
    _, streamed = pair
    path = tmp_path / "run.h5"
    streamed.save(path)
    back = load_results(path)
    np.testing.assert_array_equal(back.by_beneficiary()["mean"], streamed.by_beneficiary()["mean"])
    np.testing.assert_array_equal(back.by_lever()["cost"], streamed.by_lever()["cost"])


def test_simulate_passes_keep_breakdowns_through():
    from socval import simulate

    streamed = simulate(BASE, draws=600, seed=5, sampler="mc", keep_breakdowns=False, progress=False)
    kept = simulate(BASE, draws=600, seed=5, sampler="mc", keep_breakdowns=True, progress=False)
    assert kept.draws("beneficiary.social").shape == (600,)
    with pytest.raises(KeyError, match="were not kept in this run"):
        streamed.draws("beneficiary.social")
    np.testing.assert_allclose(streamed.by_beneficiary()["mean"], kept.by_beneficiary()["mean"], rtol=1e-12,
                               atol=1e-6)
