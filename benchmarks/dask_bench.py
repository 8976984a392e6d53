"""Figures of benchmarks/distributed.md: the cost of running socval's simulation in parts on a Dask cluster.

Run from the repository: ``.venv/bin/python benchmarks/dask_bench.py [--draws N] [--scenario FILE]``. Prints, as
Markdown tables: the scheduler's round trip per task (an empty task), the size of a part per block of 256 draws
(what crosses the network), the client's merge time per block, the time of a run in parts of 1..64 blocks on one
worker against the same run local (the block size that amortises the per-task overhead), 1 against 2 workers,
and a projection for 16-64 workers from those measured figures.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def noop(x):
    return x


def best(f, repeat=3):
    """Best wall time of `repeat` calls (seconds): the machine is shared, the minimum is the least disturbed."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "west-of-england" / "baseline.yaml"))
    ap.add_argument("--draws", type=int, default=16_384)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    import logging

    logging.disable(logging.WARNING)
    import distributed

    import socval as sv
    from socval import _core
    from socval.engine import distributed as dist
    from socval.engine.simulation import run_spec

    sc = sv.load_scenario(args.scenario)
    spec = run_spec(sc, draws=args.draws, seed=1)
    blocks = -(-args.draws // 256)
    print(f"scenario {sc.name}: {len(sc.core.outcomes)} outcomes, {len(sc.core.parameters)} parameters, "
          f"{sc.core.meta.horizon} years; {args.draws} draws = {blocks} blocks of 256; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")

    # Local references (one thread: a worker of the cluster runs one thread).
    local1 = best(lambda: sv.simulate(sc, draws=args.draws, seed=1, threads=1, progress=False), 2)
    local2 = best(lambda: sv.simulate(sc, draws=args.draws, seed=1, threads=2, progress=False), 2)
    opts1 = dict(spec.options, threads=1)
    part1 = _core.simulation.simulate_part(sc.core, sc.library, opts1, 1, 1)
    part16 = _core.simulation.simulate_part(sc.core, sc.library, opts1, 1, 16)
    one_block = best(lambda: _core.simulation.simulate_part(sc.core, sc.library, opts1, 1, 1), 5)
    sixteen = best(lambda: _core.simulation.simulate_part(sc.core, sc.library, opts1, 1, 16), 3)

    def merge_all(per):
        m = _core.simulation.Merge(sc.core, sc.library, opts1)
        parts = [_core.simulation.simulate_part(sc.core, sc.library, opts1, a, min(per, blocks - a))
                 for a in range(0, blocks, per)]
        t = time.perf_counter()
        for p in parts:
            m.add(p)
        m.finish()
        return time.perf_counter() - t

    merge = min(merge_all(16) for _ in range(2))  # noqa: F841 (printed below)
    print("| local figure | value |\n|---|---|")
    print(f"| whole run, 1 thread | {local1:.2f} s ({local1 / args.draws * 1e6:.0f} us per draw) |")
    print(f"| whole run, 2 threads | {local2:.2f} s |")
    print(f"| one part of 1 block (includes compiling the plan and the pilot block for the edges) | "
          f"{one_block * 1e3:.1f} ms |")
    print(f"| one part of 16 blocks | {sixteen * 1e3:.1f} ms ({(sixteen - one_block) / 15 * 1e3:.1f} ms per extra "
          f"block) |")
    print(f"| part size, 1 block | {len(part1) / 1e3:.0f} kB |")
    print(f"| part size, 16 blocks | {len(part16) / 1e3:.0f} kB ({(len(part16) - len(part1)) / 15 / 1e3:.1f} kB "
          f"per extra block) |")
    print(f"| client merge of the whole run (parts of 16 blocks) | {merge * 1e3:.0f} ms |\n")

    rows = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        with distributed.Client(c, set_as_default=False) as client:
            c.scale(1)
            while len(client.scheduler_info()["workers"]) != 1:
                time.sleep(0.05)
            client.submit(noop, 0).result()
            rtt = best(lambda: client.gather([client.submit(noop, i, pure=False) for i in range(200)]), 3) / 200
            one_rtt = best(lambda: client.submit(noop, 0, pure=False).result(), 5)
            sv.simulate(sc, draws=512, seed=1, client=client, progress=False)  # warm: import, rebuild
            print("| cluster figure (1 worker) | value |\n|---|---|")
            print(f"| empty task, one at a time (round trip) | {one_rtt * 1e3:.1f} ms |")
            print(f"| empty tasks, 200 in flight (throughput) | {rtt * 1e3:.2f} ms per task |\n")
            print("| blocks per task | tasks | wall (s) | vs local 1 thread |\n|---|---|---|---|")
            for per in (1, 4, 16, 64):
                w = best(lambda: sv.simulate(sc, draws=args.draws, seed=1, client=client, part_blocks=per,
                                             progress=False), 2)
                rows.append((per, w))
                print(f"| {per} | {-(-blocks // per)} | {w:.2f} | {w / local1:.2f} |")
            c.scale(2)
            client.wait_for_workers(2)
            sv.simulate(sc, draws=512, seed=1, client=client, progress=False, part_blocks=1)  # warm the new one
            two = best(lambda: sv.simulate(sc, draws=args.draws, seed=1, client=client, part_blocks=16,
                                           progress=False), 2)
            one = dict(rows)[16]
            print(f"\n| workers | wall (s), 16 blocks per task | speed-up |\n|---|---|---|")
            print(f"| 1 | {one:.2f} | 1.00 |\n| 2 | {two:.2f} | {one / two:.2f} |\n")

    # Projection for a run of a million draws, with that run's own options (beyond 16 million draws x outcomes the
    # outcomes' per-draw arrays are not kept, beyond 250,000 draws neither are the breakdowns; past the first
    # 100,000 draws a part carries no histogram counts): the compute spreads over W workers; the client merges every
    # part in order and the scheduler dispatches every task; each part crosses the network once.
    big = dict(run_spec(sc, draws=1_000_000, seed=1).options, threads=1)
    B, per = 3907, 64
    early = _core.simulation.simulate_part(sc.core, sc.library, big, 1, per)      # counts histograms
    late = _core.simulation.simulate_part(sc.core, sc.library, big, 1000, per)    # past the quantile draws
    t_part = best(lambda: _core.simulation.simulate_part(sc.core, sc.library, big, 1000, per), 2)
    m = _core.simulation.Merge(sc.core, sc.library, big)
    m.add(_core.simulation.simulate_part(sc.core, sc.library, big, 0, 1))
    t = time.perf_counter()
    m.add(early)
    t_merge = time.perf_counter() - t
    tasks = -(-B // per)
    kb_task = (len(early) * 400 / B + len(late) * (1 - 400 / B)) / 1e3  # 400 blocks = the first 102,400 draws
    print(f"A million draws ({B} blocks) in {tasks} tasks of {per} blocks: a task computes in {t_part:.2f} s, sends "
          f"{len(early) / 1e6:.1f} MB (within the first 100,000 draws) or {len(late) / 1e6:.1f} MB (after), and the "
          f"client merges it in {t_merge * 1e3:.0f} ms. Projection, 1 Gbit/s network:\n")
    print("| workers | compute (s) | merge on the client (s) | transfer (s) | dispatch (s) | wall, bound (s) | "
          "speed-up vs 1 worker |\n|---|---|---|---|---|---|---|")
    base = None
    for W in (1, 2, 16, 32, 64):
        compute = tasks * t_part / W
        merge_s = tasks * t_merge
        transfer = tasks * kb_task * 1e3 / 125e6
        dispatch = tasks * rtt
        wall = max(compute, merge_s, transfer, dispatch) + t_part  # plus the last task's latency
        base = base or wall
        print(f"| {W} | {compute:.1f} | {merge_s:.1f} | {transfer:.1f} | {dispatch:.2f} | {wall:.1f} | "
              f"{base / wall:.1f} |")


if __name__ == "__main__":
    main()
