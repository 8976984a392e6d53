"""socval.simulate and socval.Results: shapes, values against plain numpy on the draws, invariances, files,
interruption, the CLI's run / summary, and bad inputs. Scenarios: tests/data/simulation/ (base.yaml described
there)."""
from __future__ import annotations

import hashlib
import json
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import socval
from socval import _core
from socval.engine.results import HEADLINE, Results, load_results
from socval.engine.simulation import simulate

DATA = Path(__file__).resolve().parents[1] / "data" / "simulation"
BASE = DATA / "base.yaml"
LONG = DATA / "long.yaml"  # 600 years: about 12,000 draws/s, so a 500,000-draw run is still going after 1.5 s
PY = sys.executable


@pytest.fixture(scope="module")
def res() -> Results:
    return simulate(BASE, draws=3000, seed=11, keep_full=True, keep_inputs=True, year_values=True, progress=False)


def test_draws_are_per_draw_arrays_consistent_with_each_other(res):
    n = 3000
    for m in HEADLINE:
        assert res.draws(m).shape == (n,)
    # The engine's own identities, draw by draw (same IEEE operations, so exact).
    np.testing.assert_array_equal(res.draws("npsv"), res.draws("pv_benefits") - res.draws("pv_costs"))
    np.testing.assert_array_equal(res.draws("bcr"), res.draws("pv_benefits") / res.draws("pv_costs"))
    # Value by priority, pillar, beneficiary and lever add up to PV benefits (up to rounding).
    pvb = res.draws("pv_benefits")
    for prefix, labels in (("priority", res.priorities), ("pillar", socval.engine.results.PILLARS),
                           ("beneficiary", socval.engine.results.BENEFICIARIES), ("lever", socval.engine.results.LEVERS)):
        total = sum(res.draws(f"{prefix}.{x}") for x in labels)
        np.testing.assert_allclose(total, pvb, rtol=1e-9)
    np.testing.assert_allclose(sum(res.draws(f"lever_cost.{x}") for x in socval.engine.results.LEVERS),
                               res.draws("pv_costs"), rtol=1e-12)
    # A bare outcome id is its physical total; arrays are read-only views.
    np.testing.assert_array_equal(res.draws("jobs"), res.draws("outcome.jobs"))
    with pytest.raises(ValueError):
        res.draws("npsv")[0] = 1.0


def test_derived_metrics_are_bit_identical_to_the_engines():
    """Results recomputes NPSV, BCR, SROI and value by pillar (the engine does not store them by default): the
    same floating-point operations in the same order give the very bits the engine computes."""
    from socval.engine.simulation import core_scenario
    from socval.values import default_library

    raw = _core.simulation.simulate(core_scenario(BASE), default_library(), 2000, seed=3, keep_derived=True)
    r = simulate(BASE, draws=2000, seed=3, progress=False)
    for m in ("npsv", "bcr", "sroi"):
        assert np.array_equal(r.draws(m), raw[m], equal_nan=True)
    for i, p in enumerate(socval.engine.results.PILLARS):
        assert np.array_equal(r.draws(f"pillar.{p}"), raw["pillar_value"][i])


def test_summary_matches_numpy_on_the_draws(res):
    s = res.summary()
    assert list(s.columns) == ["unit", "mean", "sd", "p5", "p50", "p95", "P(>0)"]
    assert set(res.metrics()) <= set(s.index)
    for m in ("npsv", "bcr", "priority.health", "lever.employer", "outcome.co2e", "outcome_pv.jobs"):
        x = res.draws(m)
        row = s.loc[m]
        assert row["mean"] == pytest.approx(np.mean(x), rel=1e-12)
        assert row["sd"] == pytest.approx(np.std(x, ddof=1), rel=1e-12)
        np.testing.assert_allclose(row[["p5", "p50", "p95"]].to_numpy(float), np.quantile(x, [0.05, 0.5, 0.95]))
        assert row["P(>0)"] == np.mean(x > 0)
    assert s.loc["outcome.jobs", "unit"] == "FTE job-year"
    assert s.loc["npsv", "unit"] == "GBP (2024 prices), present value"


def test_by_priority_pillar_lever(res):
    bp = res.by_priority()
    assert list(bp.index) == ["good_work", "health", "net_zero", "unallocated"]
    assert list(bp["pillar"]) == ["economic", "social", "environmental", "unallocated"]
    assert bp["share"].sum() == pytest.approx(1.0, rel=1e-9)
    assert bp.loc["health", "mean"] == pytest.approx(res.draws("priority.health").mean(), rel=1e-12)
    assert bp.loc["health", "p95"] == pytest.approx(np.quantile(res.draws("priority.health"), 0.95))
    bl = res.by_lever()
    assert list(bl.index) == ["commissioning", "anchor", "employer"]
    assert bl.loc["anchor", "mean"] == 0.0  # no anchor option in the baseline
    assert bl.loc["employer", "cost"] == pytest.approx(res.draws("lever_cost.employer").mean())
    assert bl.loc["employer", "net"] == pytest.approx(
        (res.draws("lever.employer") - res.draws("lever_cost.employer")).mean())
    assert list(res.by_pillar().index) == list(socval.engine.results.PILLARS)
    assert res.by_beneficiary().loc["fiscal", "mean"] == 0.0


def test_by_year_fan_chart_against_the_full_tensor(res):
    ds = res.to_xarray()
    years = res.years
    assert list(years) == list(range(2025, 2033))
    fan = res.by_year("jobs")
    assert list(fan.index) == list(years)
    assert list(fan.columns) == ["mean", "sd", "min", "max", "p5", "p25", "p50", "p75", "p95"]
    full = ds["full_level"].sel(outcome="jobs").values  # draws x years
    np.testing.assert_allclose(fan["mean"], full.mean(axis=0), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fan["sd"], full.std(axis=0, ddof=1), rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(fan["max"], full.max(axis=0))
    # Histogram quantiles: within one bin (1.5 x pilot range / 512 <= 1.5 x full range / 512) of numpy's.
    width = 1.5 * (full.max(axis=0) - full.min(axis=0)) / 512 + 1e-9
    for label, q in (("p5", 0.05), ("p50", 0.5), ("p95", 0.95)):
        assert np.all(np.abs(fan[label].to_numpy() - np.quantile(full, q, axis=0)) <= width)
    # Values by year (kept with year_values=True) and the aggregate series.
    vfan = res.by_year("co2e", kind="value")
    np.testing.assert_allclose(vfan["mean"], ds["full_value"].sel(outcome="co2e").values.mean(axis=0), rtol=1e-10)
    net = res.by_year("net")
    np.testing.assert_allclose(net["mean"], res.by_year("benefits")["mean"] - res.by_year("costs")["mean"],
                               rtol=1e-9, atol=1e-6)


def test_exceedance(res):
    x = res.draws("npsv")
    assert res.exceedance("npsv", 0.0) == np.mean(x > 0)
    t = np.array([-1e5, 0, 1e5, 1e9])
    np.testing.assert_allclose(res.exceedance("npsv", t), [np.mean(x > v) for v in t])
    assert res.exceedance("npsv", -np.inf) == 1.0 and res.exceedance("npsv", 1e12) == 0.0


def test_to_xarray_named_dimensions(res):
    ds = res.to_xarray()
    assert ds["npsv"].dims == ("draw",)
    assert ds["priority_value"].dims == ("priority", "draw")
    assert ds["level_quantile"].dims == ("outcome", "year", "quantile")
    assert ds["inputs"].dims == ("parameter", "draw")
    assert ds["npsv"].attrs["units"].startswith("GBP")
    assert ds.attrs["seed"] == 11 and ds.attrs["draws"] == 3000 and ds.attrs["sampler"] == "lhs"
    assert list(ds["priority_pillar"].values) == ["economic", "social", "environmental", "unallocated"]


def test_save_load_round_trip_and_xarray_open(res, tmp_path):
    path = tmp_path / "run.h5"
    res.save(path)
    back = socval.load_results(path)
    for m in res.metrics():
        np.testing.assert_array_equal(back.draws(m), res.draws(m))
    assert back.summary().equals(res.summary())
    assert back.by_year("jobs").equals(res.by_year("jobs"))
    a = back.attrs
    assert a["file_type"] == "socval-results" and a["seed"] == 11 and a["draws"] == 3000 and a["sampler"] == "lhs"
    assert a["scenario_hash"] == hashlib.sha256(a["scenario_text"].encode()).hexdigest()
    assert a["value_library_version"] and a["socval_version"] == socval.__version__ and "git_revision" in a
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert ds["npsv"].dims == ("draw",)
        assert ds["level_mean"].dims == ("outcome", "year")
        np.testing.assert_array_equal(ds["npsv"].values, res.draws("npsv"))
        assert list(ds["year"].values) == list(res.years)


def test_same_seed_same_results_any_thread_count():
    a = simulate(BASE, draws=2000, seed=5, threads=1, progress=False)
    b = simulate(BASE, draws=2000, seed=5, threads=2, progress=False)
    c = simulate(BASE, draws=2000, seed=6, threads=2, progress=False)
    for m in a.metrics():
        assert np.array_equal(a.draws(m), b.draws(m), equal_nan=True)
    assert a.by_year("jobs").equals(b.by_year("jobs"))
    assert not np.array_equal(a.draws("npsv"), c.draws("npsv"))


def test_mc_prefix_and_keep_outcomes_off():
    a = simulate(BASE, draws=700, seed=2, sampler="mc", progress=False)
    b = simulate(BASE, draws=1400, seed=2, sampler="mc", progress=False, keep_outcomes=False)
    np.testing.assert_array_equal(a.draws("npsv"), b.draws("npsv")[:700])
    # Without per-draw outcome tables, outcomes are summarised by the streaming summaries.
    with pytest.raises(KeyError, match="keep_outcomes"):
        b.draws("jobs")
    s = b.summary()
    assert s.loc["outcome.jobs", "unit"] == "FTE job-year"
    assert s.loc["outcome.jobs", "mean"] == pytest.approx(np.mean(a.draws("jobs")), rel=0.05)
    assert s.loc["outcome.jobs", "P(>0)"] == 1.0


def test_progress_bar_is_shown_when_asked(capsys):
    simulate(BASE, draws=500, seed=1, progress=True)
    assert "draw" in capsys.readouterr().err


def test_bad_inputs_raise_typed_errors_with_messages(res, tmp_path):
    with pytest.raises(socval.SamplingError, match="draws: expected a whole number >= 1, found 0"):
        simulate(BASE, draws=0)
    with pytest.raises(socval.SamplingError, match="sampler"):
        simulate(BASE, draws=10, sampler="sobol")
    with pytest.raises(socval.SamplingError, match="seed"):
        simulate(BASE, draws=10, seed=-1)
    with pytest.raises(socval.SamplingError, match="quantiles"):
        simulate(BASE, draws=10, quantiles=[0.5, 2.0])
    with pytest.raises(TypeError, match="expected a socval.Scenario"):
        simulate(42, draws=10)
    with pytest.raises(socval.ScenarioError, match="no such file"):
        simulate(DATA / "missing.yaml", draws=10)
    with pytest.raises(KeyError, match="unknown metric 'nspv'"):
        res.draws("nspv")
    with pytest.raises(KeyError, match="unknown node 'job'"):
        res.by_year("job")
    with pytest.raises(KeyError, match="year_values"):
        simulate(BASE, draws=10, progress=False).by_year("jobs", kind="value")
    with pytest.raises(KeyError, match="track_levers"):
        simulate(BASE, draws=10, progress=False, track_levers=False).by_lever()
    not_results = tmp_path / "other.h5"
    socval.io.results_file.write(not_results, {"x": (("n",), np.zeros(3))},
                              attrs={"seed": 0, "draws": 0, "sampler": "none", "scenario_text": "",
                                     "value_library_version": "1"})
    with pytest.raises(socval.ResultsFileError, match="simulation run"):
        load_results(not_results)
    with pytest.raises(socval.ResultsFileError):
        load_results(BASE)


_INTERRUPTED_RUN = """
import sys, time
from socval.engine.simulation import simulate
print("start", flush=True)
res = simulate(sys.argv[1], draws=500_000, seed=1, progress=False, keep_outcomes=False)
res.save(sys.argv[2])
"""


def _interrupt(cmd, out: Path, ready: str = "stdout"):
    """Start cmd, SIGINT it once its run is under way (its first output on ``ready``: "start" printed before the
    run, or the progress bar that appears a second into it), however slowly a loaded machine starts Python; return
    (returncode, stderr, seconds from the signal to the exit)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stream = p.stdout if ready == "stdout" else p.stderr
    readable, _, _ = select.select([stream], [], [], 120)
    assert readable and p.poll() is None, p.communicate()
    time.sleep(0.5)  # into the run: the engine's threads are working
    assert p.poll() is None, p.communicate()
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    return p.returncode, err, time.monotonic() - t0


def test_ctrl_c_stops_a_run_within_a_second_and_writes_no_file(tmp_path):
    out = tmp_path / "run.h5"
    rc, err, seconds = _interrupt([PY, "-c", _INTERRUPTED_RUN, str(LONG), str(out)], out)
    assert rc != 0 and "KeyboardInterrupt" in err
    assert seconds < 1.5  # within a second of the signal, plus interpreter shutdown
    assert not out.exists() and list(tmp_path.iterdir()) == []
    # The CLI: exit 130, a message, no file under the final name.
    rc, err, seconds = _interrupt([PY, "-m", "socval", "run", str(LONG), "--draws", "2000000",
                                   "--out", str(out)], out, ready="stderr")
    assert rc == 130 and "interrupted" in err and seconds < 1.5
    assert not out.exists() and list(tmp_path.iterdir()) == []


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "socval", *args], capture_output=True, text=True, timeout=120)


def test_cli_run_makes_the_output_folder(tmp_path):
    out = tmp_path / "new" / "folder" / "r.h5"
    p = _cli("run", str(BASE), "--draws", "300", "--seed", "1", "--out", str(out), "--no-progress")
    assert p.returncode == 0, p.stderr
    assert load_results(out).n_draws == 300


def test_cli_run_and_summary(tmp_path):
    out = tmp_path / "r.h5"
    p = _cli("run", str(BASE), "--draws", "1000", "--seed", "4", "--threads", "2", "--sampler", "mc", "--out",
             str(out))
    assert p.returncode == 0, p.stderr
    assert "NPSV mean" in p.stdout and out.exists()
    direct = simulate(BASE, draws=1000, seed=4, sampler="mc", progress=False)
    np.testing.assert_array_equal(load_results(out).draws("npsv"), direct.draws("npsv"))
    p = _cli("summary", str(out), "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["provenance"]["seed"] == 4 and doc["provenance"]["sampler"] == "mc"
    assert doc["summary"]["npsv"]["mean"] == pytest.approx(direct.draws("npsv").mean())
    p = _cli("summary", str(out))
    assert p.returncode == 0 and "npsv" in p.stdout
    # Errors: exit 2, one message on stderr, no traceback.
    for args in (("summary", str(BASE)), ("run", str(DATA / "missing.yaml"), "--out", str(tmp_path / "x.h5")),
                 ("run", str(BASE), "--draws", "0", "--out", str(tmp_path / "y.h5"))):
        p = _cli(*args)
        assert p.returncode == 2 and p.stderr.strip() and "Traceback" not in p.stderr
    assert not (tmp_path / "x.h5").exists() and not (tmp_path / "y.h5").exists()


def test_registered_in_the_socval_command(tmp_path):
    """`python -m socval run|summary|compare` reach these subcommands through socval.cli's registry."""
    out = tmp_path / "r.h5"
    p = subprocess.run([PY, "-m", "socval", "run", str(BASE), "--draws", "300", "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([PY, "-m", "socval", "summary", str(out), "--json"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0 and json.loads(p.stdout)["provenance"]["draws"] == 300


def test_results_rebuild_their_scenario_and_name_their_sampler(tmp_path):
    """Results.scenario(): the scenario rebuilt from the merged text the run keeps (also after a save and load) gives
    the same central appraisal; Results.sampler is the command-line flag; no text -> a located ResultsFileError."""
    res = simulate(BASE, draws=200, seed=2, sampler="mc", progress=False)
    assert res.sampler == "mc" and simulate(BASE, draws=200, seed=2, progress=False).sampler == "lhs"
    direct = socval.load_scenario(BASE).evaluate()
    assert res.scenario().evaluate().npsv == direct.npsv
    res.save(tmp_path / "r.h5")
    loaded = load_results(tmp_path / "r.h5")
    assert loaded.scenario().evaluate().npsv == direct.npsv and loaded.sampler == "mc"
    bare = Results(res._vars, res._coords, {k: v for k, v in res.attrs.items() if k != "scenario_text"})
    with pytest.raises(socval.ResultsFileError, match="expected the scenario text"):
        bare.scenario()
