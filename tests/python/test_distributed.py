"""Simulation in parts on a Dask LocalCluster of worker processes: bit-identical to a local run for 1, 2 and 3
workers, with a worker killed mid-run, and a clear ClusterError (no file) when the scheduler goes away.

One cluster is started for the module and scaled 1 -> 2 -> 3 workers (a cluster start costs seconds). Workers
are separate processes that rebuild the scenario from its text (socval.engine.distributed).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

import socval as sv
from socval.engine import distributed as dist

distributed = pytest.importorskip("distributed")
# (Dask's own DeprecationWarnings under Debian 12's tornado are filtered in pyproject.toml.)

ROOT = Path(__file__).resolve().parents[2]
# example.yaml with its option funded from year 0 (example.yaml starts it in year 10, past its horizon: every value
# would be 0): uncertain, non-zero values in every per-draw array and summary.
SCENARIO = ROOT / "tests" / "data" / "distributed" / "example_funded.yaml"
DRAWS = 3000  # 12 blocks of 256 draws, the last partial (184)


def assert_same(a, b):
    """Every stored array of two Results (per-draw values and every streaming summary), bit for bit."""
    va, vb = a._all_vars(), b._all_vars()
    assert sorted(va) == sorted(vb)
    for name in va:
        x, y = np.asarray(va[name][1]), np.asarray(vb[name][1])
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert x.tobytes() == y.tobytes(), f"{name} differs"


@pytest.fixture(scope="module")
def local_run():
    return sv.simulate(SCENARIO, draws=DRAWS, seed=5, progress=False, keep_inputs=True, year_values=True)


@pytest.fixture(scope="module")
def cluster():
    """Three worker processes (started together: a start costs seconds), scaled down by the tests; the last test
    of the module closes the scheduler."""
    with distributed.LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None,
                                  worker_dashboard_address=None) as c:
        with distributed.Client(c, set_as_default=False) as client:
            yield c, client


def scale_to(c, client, workers: int) -> None:
    """Exactly `workers` workers connected (a killed one restarted by its nanny, or extra ones retired)."""
    c.scale(workers)
    deadline = time.monotonic() + 60
    while len(client.scheduler_info()["workers"]) != workers:
        assert time.monotonic() < deadline, f"the cluster did not reach {workers} workers"
        time.sleep(0.05)


class KillOnce(distributed.WorkerPlugin):
    """Kills its worker process (os._exit, as a crash) when it starts a socval task whose key starts with
    ``prefix``, once: the marker file says it happened. The nanny restarts the worker; the scheduler reruns its
    tasks elsewhere."""

    def __init__(self, marker: str, prefix: str = "simulate-"):
        self.marker, self.prefix = marker, prefix

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing" and str(key).startswith(self.prefix) and not os.path.exists(self.marker):
            Path(self.marker).write_text(str(os.getpid()))
            os._exit(1)


def test_parts_on_3_2_1_workers_and_a_killed_worker_equal_a_local_run(cluster, local_run, tmp_path):
    c, client = cluster

    def run(part_blocks):
        return sv.simulate(SCENARIO, draws=DRAWS, seed=5, progress=False, keep_inputs=True, year_values=True,
                           client=client, part_blocks=part_blocks)

    assert len(client.scheduler_info()["workers"]) == 3
    assert_same(run(2), local_run)
    # A worker killed while it computes a part: its part is computed again elsewhere, the result is the same.
    marker = tmp_path / "killed"
    client.register_worker_plugin(KillOnce(str(marker)), name="kill-once")
    try:
        res = run(1)
    finally:
        client.unregister_worker_plugin("kill-once")
    assert marker.exists(), "no worker was killed: the fault was not exercised"
    assert_same(res, local_run)
    for workers in (2, 1):
        scale_to(c, client, workers)
        assert_same(run(2), local_run)


def killing(client, marker: Path, prefix: str):
    """A context in which the first task of ``prefix`` kills its worker (asserted to have happened)."""
    import contextlib

    @contextlib.contextmanager
    def ctx():
        client.register_worker_plugin(KillOnce(str(marker), prefix), name=f"kill-{prefix}")
        try:
            yield
        finally:
            client.unregister_worker_plugin(f"kill-{prefix}")
        assert marker.exists(), "no worker was killed: the fault was not exercised"

    return ctx()


STREAMING_DRAWS = 20_000  # 79 blocks: with one block per task, far more tasks than the window (4 for 1 worker)


def test_a_streaming_run_on_the_cluster_equals_a_local_one_and_holds_a_bounded_window(cluster, tmp_path):
    """keep_draws=False: parts bring their summaries only; merged in block order they equal a local streaming run
    bit for bit (with a worker killed mid-run), and the client never holds more than the window of parts."""
    from socval.engine.results import Results
    from socval.engine.simulation import run_spec

    _, client = cluster
    kw = dict(draws=STREAMING_DRAWS, seed=7, year_values=True, keep_draws=False)
    local = sv.simulate(SCENARIO, progress=False, **kw)
    assert local.streaming and local.metrics() == [] and local.attrs["draws"] == STREAMING_DRAWS
    with killing(client, tmp_path / "killed", "simulate-"):
        remote = sv.simulate(SCENARIO, progress=False, client=client, part_blocks=4, **kw)
    assert_same(remote, local)
    # The client's share of the run: every part's arrays are empty, the merge keeps nothing per draw, and the
    # parts on the client (finished out of order, waiting for their turn) never exceed the window.
    spec = run_spec(SCENARIO, **kw)
    stats = {}
    raw = dist.simulate_blocks(spec, client=client, progress=False, part_blocks=1, stats=stats)
    workers = len(client.scheduler_info()["workers"])  # the first test left one
    assert stats["tasks"] == 79 and stats["window"] == dist.TASKS_PER_WORKER * workers + 1 < stats["tasks"]
    assert 1 <= stats["max_held"] <= stats["window"] and stats["max_in_flight"] <= stats["window"]
    assert all(raw[k].size == 0 for k in ("pv_costs", "pv_benefits", "pv_investment", "pv_others"))
    assert raw["priority_value"] is None and raw["outcome_pv"] is None and raw["inputs"] is None
    assert_same(Results._from_core(raw, spec.attrs), local)


def test_streaming_summaries_are_those_of_a_run_keeping_its_draws(local_streaming_pair):
    """The streaming run's per-year and per-outcome summaries equal, bit for bit, those of the same run keeping
    its draws; its headline PVs' streaming moments agree with the kept draws to rounding (exact mean and sd,
    merged block by block rather than summed over one array)."""
    full, streaming = local_streaming_pair
    a, b = full._all_vars(), streaming._all_vars()
    shared = [n for n in b if n in a]
    assert {"level_mean", "cost_quantile", "net_sd", "value_max", "outcome_pv_quantile",
            "beneficiary_value_mean"} <= set(shared)
    for name in shared:
        assert np.asarray(a[name][1]).tobytes() == np.asarray(b[name][1]).tobytes(), name
    table = streaming.summary()
    assert table.loc["npsv", "sd"] > 0 and table.loc["pv_benefits", "mean"] > 0  # not a degenerate run
    for m in ("npsv", "pv_benefits", "pv_costs", "pv_investment", "pv_others"):
        x = full.draws(m)
        assert table.loc[m, "mean"] == pytest.approx(x.mean(), rel=1e-12, abs=1e-6), m
        assert table.loc[m, "sd"] == pytest.approx(x.std(ddof=1), rel=1e-9, abs=1e-6), m
        assert table.loc[m, "P(>0)"] == np.mean(x > 0), m
        # Histogram quantiles: within a bin of the exact ones (512 bins over the pilot block's range).
        lo, hi = np.quantile(x, [0.05, 0.95])
        assert abs(table.loc[m, "p5"] - lo) <= (x.max() - x.min()) / 100 + 1e-6, m
        assert abs(table.loc[m, "p95"] - hi) <= (x.max() - x.min()) / 100 + 1e-6, m
    with pytest.raises(KeyError, match="streaming run"):
        streaming.draws("npsv")
    with pytest.raises(sv.SamplingError, match="keep_outcomes"):
        sv.simulate(SCENARIO, draws=300, keep_draws=False, keep_outcomes=True)


@pytest.fixture(scope="module")
def local_streaming_pair():
    kw = dict(draws=3000, seed=11, progress=False, year_values=True, keep_breakdowns=False)
    full = sv.simulate(SCENARIO, keep_outcomes=False, **kw)
    streaming = sv.simulate(SCENARIO, keep_draws=False, **{k: v for k, v in kw.items() if k != "keep_breakdowns"})
    return full, streaming


def test_a_streaming_run_saves_and_loads(local_streaming_pair, tmp_path):
    _, streaming = local_streaming_pair
    streaming.save(tmp_path / "s.h5")
    back = sv.load_results(tmp_path / "s.h5")
    assert back.streaming
    pd_testing = pytest.importorskip("pandas.testing")
    pd_testing.assert_frame_equal(back.summary(), streaming.summary())


def test_socval_run_streaming_writes_a_summary_only_file(tmp_path, capsys):
    from socval.cli.app import main

    out = tmp_path / "s.h5"
    assert main(["run", str(SCENARIO), "--draws", "900", "--seed", "3", "--streaming", "--no-progress",
                 "--out", str(out)]) == 0
    assert "NPSV mean GBP -" in capsys.readouterr().out
    res = sv.load_results(out)
    assert res.streaming and res.metrics() == [] and res.n_draws == 900
    assert main(["summary", str(out)]) == 0 and "npsv" in capsys.readouterr().out


POOL = ROOT / "tests" / "data" / "portfolio" / "pool.yaml"


def test_option_values_and_optimise_on_the_cluster_equal_local_ones(cluster, tmp_path):
    """Portfolio evaluation on the cluster: the option values in parts of draws joined in draw order are the
    local ones bit for bit (with a worker killed mid-run), so the chosen portfolio is the same."""
    from socval.decision import portfolio

    _, client = cluster
    local = portfolio.option_values(POOL, draws=2500, seed=3)
    with killing(client, tmp_path / "killed", "option_values-"):
        remote = portfolio.option_values(POOL, draws=2500, seed=3, client=client, part_draws=300)
    for name in ("value", "cost"):
        assert getattr(local, name).tobytes() == getattr(remote, name).tobytes(), name
    for table in ("by_pillar", "by_lever", "by_priority"):
        a, b = getattr(local, table), getattr(remote, table)
        assert list(a) == list(b) and all(a[k].tobytes() == b[k].tobytes() for k in a), table
    assert remote.draws == 2500 and remote.option_ids == local.option_ids
    a = portfolio.optimise(POOL, 250e3, draws=1200, seed=1)
    b = portfolio.optimise(POOL, 250e3, draws=1200, seed=1, client=client)
    assert a.selected == b.selected and a.objective == b.objective and a.cost == b.cost
    with pytest.raises(sv.ScenarioError, match="unknown id 'nope'"):  # refused on the client, before any task
        portfolio.option_values(POOL, candidates=["nope"], draws=100, client=client)


def test_option_values_of_draw_ranges_join_to_the_whole_run():
    """The core's option values of draws [first_draw, first_draw + count) are those rows of the whole run, bit for
    bit, whatever the cut (what a task computes); a range outside the run is refused."""
    from socval import _core
    from socval.engine.simulation import core_scenario

    core, lib = core_scenario(str(POOL)), sv.values.default_library()
    whole = _core.analysis.option_values(core, lib, 1000, seed=2)
    for cuts in ((0, 1000), (0, 300, 1000), (0, 1, 257, 999, 1000)):
        parts = [_core.analysis.option_values(core, lib, 1000, seed=2, first_draw=a, count=b - a)
                 for a, b in zip(cuts, cuts[1:])]
        assert all(p["draws"] == b - a for p, a, b in zip(parts, cuts, cuts[1:]))
        tables = dist.option_value_tables(whole)
        assert {"value", "cost", "pillar_value", "lever_value", "priority_value"} <= set(tables)
        for k, axis in tables.items():
            assert np.concatenate([p[k] for p in parts], axis=axis).tobytes() == whole[k].tobytes(), (cuts, k)
    with pytest.raises(sv.SamplingError, match="expected a range inside the run's 1000 draws"):
        _core.analysis.option_values(core, lib, 1000, first_draw=900, count=200)


def test_compare_on_the_cluster_equals_a_local_comparison(cluster):
    _, client = cluster
    other = sv.load_scenario(SCENARIO).with_metadata(name="other")
    local = sv.compare([SCENARIO, other], draws=600, seed=2, progress=False)
    remote = sv.compare([SCENARIO, other], draws=600, seed=2, progress=False, client=client, part_blocks=1)
    for name in local.names:
        assert_same(remote.results[name], local.results[name])


def test_a_checkpointed_run_on_the_cluster_equals_a_local_run(cluster, local_run, tmp_path):
    _, client = cluster
    out = tmp_path / "run.h5"
    res = sv.simulate(SCENARIO, draws=DRAWS, seed=5, progress=False, keep_inputs=True, year_values=True,
                      client=client, part_blocks=3, checkpoint=out)
    assert_same(res, local_run)
    assert out.exists() and not (tmp_path / "run.h5.partial").exists()
    assert_same(sv.load_results(out), res)


def test_sensitivity_designs_on_the_cluster_equal_local_ones(cluster):
    _, client = cluster
    linear, plus = (ROOT / "tests" / "data" / "sensitivity" / f for f in ("linear.yaml", "linear_plus.yaml"))
    sc = sv.load_scenario(plus)
    local = sc.sensitivity("sobol", n=256, seed=3)  # 1,280 rows: 5 tasks
    remote = sc.sensitivity("sobol", n=256, seed=3, client=client)
    for attr in ("S1", "ST"):
        a, b = getattr(local, attr), getattr(remote, attr)
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes(), attr
    a, b = sc.sensitivity("morris", n=6, seed=3), sc.sensitivity("morris", n=6, seed=3, client=client)
    assert a.effects.tobytes() == b.effects.tobytes()
    # The difference of two scenarios on the same design (tests/data/sensitivity: NPSV differs by 500 - 100 m).
    a = sv.load_scenario(linear).sensitivity("tornado", other=plus)
    b = sv.load_scenario(linear).sensitivity("tornado", other=plus, client=client)
    assert list(a.index) == list(b.index)
    assert a.select_dtypes("number").to_numpy().tobytes() == b.select_dtypes("number").to_numpy().tobytes()


def test_switching_values_on_the_cluster_equal_local_ones(cluster):
    from socval import decision

    _, client = cluster
    data = ROOT / "tests" / "data" / "switching"
    a, b = data / "training.yaml", data / "clinic.yaml"
    local = decision.switching_values(a, b, method="expected", draws=300, top=3)
    remote = decision.switching_values(a, b, method="expected", draws=300, top=3, client=client)
    assert list(local.index) == list(remote.index)
    for col in ("switching_value", "current", "difference_now", "probability"):
        x, y = local[col].to_numpy(dtype=float), remote[col].to_numpy(dtype=float)
        assert x.tobytes() == y.tobytes(), col


def test_a_sweep_on_the_cluster_equals_a_local_sweep(cluster, tmp_path):
    _, client = cluster
    base = sv.load_scenario(SCENARIO)
    option = base.funded_ids[0]
    edits = lambda: ((f"scale {s}", base.fund(option, scale=s)) for s in (1.0, 0.5, 2.0))  # noqa: E731
    local = sv.sweep(edits(), draws=600, seed=4, progress=False, out=tmp_path / "sweep.h5")
    remote = sv.sweep(edits(), draws=600, seed=4, progress=False, client=client, part_blocks=1)
    assert local.values.tobytes() == remote.values.tobytes()
    table = local.table
    assert list(local.names) == ["scale 1.0", "scale 0.5", "scale 2.0"]
    assert table.loc[("scale 1.0", "npsv"), "difference from base"] == 0.0
    # Paired on common random numbers: each scenario's mean difference is the difference of the means.
    for name in local.names:
        d = table.loc[(name, "npsv"), "difference from base"]
        assert d == pytest.approx(table.loc[(name, "npsv"), "mean"] - table.loc[("scale 1.0", "npsv"), "mean"],
                                  rel=1e-12, abs=1e-6)
    variables, coords, attrs = sv.io.results_file.read(tmp_path / "sweep.h5")
    assert variables["values"].data.tobytes() == local.values.tobytes()
    assert list(coords["scenario"].data) == local.names and attrs["kind"] == "sweep"


def test_a_streaming_sweep_on_the_cluster_equals_a_local_one_and_its_runs_summaries(cluster, tmp_path):
    """keep_draws=False: each scenario's run is streaming; the table is its runs' streaming summaries, bit for bit
    locally and on the cluster (with a worker killed mid-sweep), and agrees with a sweep keeping its draws (exact
    P(> 0), mean and sd to rounding, histogram quantiles within a bin); P(better than base) is not there."""
    _, client = cluster
    base = sv.load_scenario(SCENARIO)
    option = base.funded_ids[0]
    edits = lambda: ((f"scale {s}", base.fund(option, scale=s)) for s in (1.0, 0.5, 2.0))  # noqa: E731
    kw = dict(draws=1500, seed=4, progress=False)
    local = sv.sweep(edits(), keep_draws=False, out=tmp_path / "sweep.h5", **kw)
    with killing(client, tmp_path / "killed", "simulate-"):
        remote = sv.sweep(edits(), keep_draws=False, client=client, part_blocks=1, **kw)
    assert local.streaming and local.values is None and local.metrics == ("npsv", "pv_benefits", "pv_costs")
    assert local.summaries.tobytes() == remote.summaries.tobytes()
    table = local.table
    assert "P(better than base)" not in table.columns
    # Each row is that scenario's own streaming run's summary, bit for bit.
    run = sv.simulate(base.fund(option, scale=0.5), keep_draws=False, **kw).summary()
    for m in local.metrics:
        row = table.loc[("scale 0.5", m), ["mean", "sd", "p5", "p50", "p95", "P(> 0)"]].to_numpy(dtype=float)
        assert row.tobytes() == run.loc[m, ["mean", "sd", "p5", "p50", "p95", "P(>0)"]].to_numpy(dtype=float).tobytes()
    # Against a sweep keeping its draws.
    full = sv.sweep(edits(), metrics=local.metrics, **kw)
    kept = full.table
    assert table.loc[("scale 2.0", "npsv"), "sd"] > 0  # not degenerate
    for key in table.index:
        x = full.draws(*key)
        assert table.loc[key, "P(> 0)"] == kept.loc[key, "P(> 0)"], key
        for c in ("mean", "sd", "difference from base"):
            assert table.loc[key, c] == pytest.approx(kept.loc[key, c], rel=1e-12, abs=1e-6), (key, c)
        for c in ("p5", "p50", "p95"):
            assert abs(table.loc[key, c] - kept.loc[key, c]) <= (x.max() - x.min()) / 100 + 1e-6, (key, c)
    variables, coords, attrs = sv.io.results_file.read(tmp_path / "sweep.h5")
    assert "values" not in variables and "table/p_better" not in variables and attrs["streaming"] == 1
    assert variables["table/mean"].data.tobytes() == local.summaries[:, :, 0].tobytes()
    with pytest.raises(sv.SamplingError, match="streaming"):
        local.draws("scale 1.0")
    with pytest.raises(sv.SamplingError, match="'bcr' has no streaming summary"):
        sv.sweep(edits(), keep_draws=False, metrics=("npsv", "bcr"), **kw)


def test_local_parts_equal_a_local_run_and_a_bad_part_size_is_refused(local_run):
    from socval.engine.results import Results
    from socval.engine.simulation import run_spec

    spec = run_spec(SCENARIO, draws=DRAWS, seed=5, keep_inputs=True, year_values=True)
    for part_blocks in (1, 5, 12):
        assert_same(Results._from_core(dist.simulate_blocks(spec, progress=False, part_blocks=part_blocks),
                                       spec.attrs), local_run)
    with pytest.raises(sv.SamplingError, match="part_blocks"):
        dist.simulate_blocks(run_spec(SCENARIO, draws=300), part_blocks=0)


def test_cli_with_an_unreachable_scheduler_fails_clearly_and_writes_nothing(tmp_path, capsys, monkeypatch):
    from socval.cli.app import main

    real = dist.connect
    monkeypatch.setattr(dist, "connect", lambda address: real(address, timeout=2.0))  # fail in 2 s, not 10
    out = tmp_path / "run.h5"
    code = main(["run", str(SCENARIO), "--draws", "300", "--scheduler", "tcp://127.0.0.1:9", "--out", str(out)])
    err = capsys.readouterr().err
    assert code != 0
    assert "cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in err
    assert not out.exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize("path", ["streaming", "optimise"])
def test_scheduler_gone_mid_streaming_run_or_portfolio_is_a_cluster_error_and_no_file(path, tmp_path, monkeypatch,
                                                                                      capsys):
    """The paths added for streaming runs and portfolio evaluation lose their scheduler after the first part: a
    ClusterError (through the CLI: a clear message and exit code) and no results file. A cluster of one worker
    thread of its own (this test closes it), cheap to start."""
    from socval.cli.app import main

    monkeypatch.setattr(dist, "SCHEDULER_GRACE_SECONDS", 1.0)
    real = dist.map_tasks
    # Its HTTP server on a free port (":0"): the default 8787 is the module cluster's.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0",
                                  worker_dashboard_address=None) as c:
        def lose_scheduler_after_one(*args, **kwargs):
            for i, value in enumerate(real(*args, **kwargs)):
                yield value
                if i == 0:
                    c.close()

        monkeypatch.setattr(dist, "map_tasks", lose_scheduler_after_one)
        out = tmp_path / "out"
        if path == "streaming":
            client = distributed.Client(c, set_as_default=False)
            try:
                with pytest.raises(dist.ClusterError, match="scheduler"):
                    sv.simulate(SCENARIO, draws=3000, seed=5, progress=False, keep_draws=False, client=client,
                                part_blocks=1)
            finally:
                client.close(timeout=2)
        else:
            # 20,000 draws: about 19 tasks of >= 1,024 draws against a window of 4 in flight, so tasks are still
            # to be sent when the scheduler goes (with 3 tasks all could finish first, and the run rightly succeed).
            code = main(["optimise", str(POOL), "--budget", "250000", "--draws", "20000", "--scheduler",
                         c.scheduler_address, "--out", str(out)])
            assert code != 0
            err = capsys.readouterr().err
            assert "option_values" in err and "scheduler" in err, err
    assert not list(tmp_path.iterdir())


def test_scheduler_gone_mid_run_is_a_cluster_error_and_no_file(cluster, tmp_path, monkeypatch):
    """Last test of the module: it closes the module's cluster."""
    c, client = cluster
    monkeypatch.setattr(dist, "SCHEDULER_GRACE_SECONDS", 1.0)
    real = dist.map_tasks

    def lose_scheduler_after_one(*args, **kwargs):
        for i, value in enumerate(real(*args, **kwargs)):
            yield value
            if i == 0:
                c.close()  # the scheduler (and its workers) go away after the first part

    monkeypatch.setattr(dist, "map_tasks", lose_scheduler_after_one)
    out = tmp_path / "run.h5"
    with pytest.raises(dist.ClusterError, match="scheduler"):
        sv.simulate(SCENARIO, draws=DRAWS, seed=5, progress=False, client=client, part_blocks=1, checkpoint=None)
    # A client whose scheduler is gone refuses at once, and nothing is written.
    with pytest.raises(dist.ClusterError, match="not running"):
        sv.simulate(SCENARIO, draws=300, seed=5, progress=False, client=client)
    assert not list(tmp_path.iterdir())
    client.close(timeout=2)  # not the default wait for a scheduler that will not come back
