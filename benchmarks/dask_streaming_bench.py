"""Figures of benchmarks/distributed.md, "Streaming runs" and "Portfolio evaluation": the client's memory of a run
on a Dask cluster with and without per-draw arrays, and option values on the cluster against local.

Run from the repository: ``.venv/bin/python benchmarks/dask_streaming_bench.py [--scenario FILE] [--draws N ...]``.
Each configuration runs in a fresh Python process (so its peak resident memory is its own) on a ``LocalCluster`` of
``--workers`` worker processes; the client's figures are its peak RSS (``ru_maxrss``, the scheduler included: a
LocalCluster's scheduler lives in the client process), the peak of Python allocations during the run
(``tracemalloc``: numpy arrays and the parts' bytes) and the parts it held at once (``map_tasks`` stats).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one(scenario: str, draws: int, keep_draws: bool, workers: int) -> dict:
    """One run on a fresh cluster in this process: its client figures."""
    import logging
    import resource
    import tracemalloc
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    import distributed

    from socval.engine import distributed as dist
    from socval.engine.results import Results
    from socval.engine.simulation import run_spec

    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  worker_dashboard_address=None) as c, \
            distributed.Client(c, set_as_default=False) as client:
        spec = run_spec(scenario, draws=draws, seed=1, keep_draws=keep_draws)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        stats: dict = {}
        tracemalloc.start()
        t = time.perf_counter()
        raw = dist.simulate_blocks(spec, client=client, progress=False, stats=stats)
        res = Results._from_core(raw, spec.attrs)
        wall = time.perf_counter() - t
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        mean = float(res.summary().loc["npsv", "mean"])
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"draws": draws, "keep_draws": keep_draws, "workers": workers, "wall_s": wall,
            "traced_peak_mb": peak / 2**20, "rss_peak_mb": rss / 1024, "rss_before_mb": before / 1024,
            "tasks": stats["tasks"], "window": stats["window"], "max_held": stats["max_held"], "npsv_mean": mean}


def portfolio(scenario: str, draws: int, workers: int) -> dict:
    """Option values of every option of ``scenario``: local (one thread) against the cluster."""
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    import distributed

    from socval.decision import portfolio as pf

    t = time.perf_counter()
    local = pf.option_values(scenario, draws=draws, seed=1, threads=1)
    t_local = time.perf_counter() - t
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  worker_dashboard_address=None) as c, \
            distributed.Client(c, set_as_default=False) as client:
        pf.option_values(scenario, draws=min(draws, 2048), seed=1, client=client)  # workers warm (imports)
        t = time.perf_counter()
        remote = pf.option_values(scenario, draws=draws, seed=1, client=client)
        t_remote = time.perf_counter() - t
    same = local.value.tobytes() == remote.value.tobytes() and local.cost.tobytes() == remote.cost.tobytes()
    return {"draws": draws, "options": len(local.option_ids), "workers": workers, "local_1_thread_s": t_local,
            "cluster_s": t_remote, "bit_identical": same,
            "bytes_per_draw": sum(a.nbytes for a in (local.value, local.cost)) // draws
            + sum(v.nbytes for t in (local.by_pillar, local.by_lever, local.by_priority) for v in t.values()) // draws}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", default=str(ROOT / "example.yaml"))
    ap.add_argument("--draws", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--portfolio", default=str(ROOT / "scenarios" / "west-of-england" / "baseline.yaml"))
    ap.add_argument("--portfolio-draws", type=int, default=20_000, help="0: no portfolio figure")
    ap.add_argument("--modes", nargs="+", choices=("streaming", "kept"), default=["streaming", "kept"])
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)  # a child process: its configuration as JSON
    args = ap.parse_args()
    if args.one:
        cfg = json.loads(args.one)
        fn = portfolio if cfg.pop("kind") == "portfolio" else one
        print(json.dumps(fn(**cfg)))
        return

    def child(cfg: dict) -> dict:
        out = subprocess.run([sys.executable, __file__, "--one", json.dumps(cfg)], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        return json.loads(out.stdout.strip().splitlines()[-1])

    print(f"scenario {args.scenario}, {args.workers} worker processes; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores\n")
    print("| draws | per-draw arrays | tasks (window) | parts held at once | client traced peak (MB) | "
          "client peak RSS (MB) | wall (s) |")
    print("|---|---|---|---|---|---|---|")
    for keep in [m == "kept" for m in args.modes]:
        for n in args.draws:
            r = child({"kind": "run", "scenario": args.scenario, "draws": n, "keep_draws": keep,
                       "workers": args.workers})
            print(f"| {n:,} | {'kept' if keep else 'none (streaming)'} | {r['tasks']} ({r['window']}) | "
                  f"{r['max_held']} | {r['traced_peak_mb']:.1f} | {r['rss_peak_mb']:.0f} | {r['wall_s']:.1f} |")
    if not args.portfolio_draws:
        return
    r = child({"kind": "portfolio", "scenario": args.portfolio, "draws": args.portfolio_draws,
               "workers": args.workers})
    print(f"\noption values of {r['options']} options, {r['draws']:,} draws: local 1 thread {r['local_1_thread_s']:.2f} s, "
          f"{r['workers']} workers {r['cluster_s']:.2f} s, bit-identical {r['bit_identical']}, "
          f"{r['bytes_per_draw']:,} bytes per draw returned")


if __name__ == "__main__":
    main()
