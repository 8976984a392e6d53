"""Benchmark of the Monte Carlo engine: draws per second and peak memory against draws, graph size, horizon and
threads, where the time goes (sampling, evaluation, storing, summaries), and the ratio to a vectorised NumPy
implementation of the same model (benchmarks/numpy_reference.py). Writes benchmarks/simulation.md.

Each measurement runs in a fresh subprocess (``--worker``), which reports its wall time, the engine's per-phase
timings and its peak resident memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``); the memory of the Python
interpreter with socval imported is measured the same way and reported beside it.

Usage: ``python benchmarks/simulation_bench.py [--quick] [--out benchmarks/simulation.md]``

The tables are regenerated; whatever follows the line ``<!-- hand-written below -->`` in the existing file (the
reading of the figures, profiles) is kept.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

HERE = Path(__file__).resolve().parent
MARKER = "<!-- hand-written below -->"


def _commit() -> str:
    git = shutil.which("git")
    if not git:
        return "unknown"
    p = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True)
    return p.stdout.strip() or "unknown"


def _worker(a: argparse.Namespace) -> None:
    """One measurement in this process; prints a JSON line."""
    sys.path.insert(0, str(HERE))
    from make_scenario import make_scenario

    if a.numpy:
        from numpy_reference import reference

        t0, c0 = time.perf_counter(), time.process_time()
        reference(a.options, a.outcomes, a.years, a.draws)
        wall = time.perf_counter() - t0
        out = {"wall": wall, "cpu": time.process_time() - c0, "timings": {}}
    else:
        import socval._core as core
        from socval.engine.simulation import simulate

        if a.baseline:
            out = {"wall": 0.0, "cpu": 0.0, "timings": {}}
        else:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "bench.yaml"
                path.write_text(make_scenario(a.options, a.outcomes, a.years, fixed=a.fixed))
                scenario = core.model.read_scenario(str(path))
            t0, c0 = time.perf_counter(), time.process_time()
            res = simulate(scenario, draws=a.draws, seed=1, threads=a.threads, sampler=a.sampler, progress=False,
                           keep_outcomes=False, track_levers=not a.no_levers)
            wall = time.perf_counter() - t0
            out = {"wall": wall, "cpu": time.process_time() - c0, "timings": res.timings,
                   "engine_wall": res.timings.get("wall", wall)}
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps(out))


def measure(options: int, outcomes: int, years: int, draws: int, threads: int = 2, sampler: str = "lhs",
            fixed: bool = False, no_levers: bool = False, numpy: bool = False, baseline: bool = False) -> Dict:
    cmd = [sys.executable, __file__, "--worker", "--options", str(options), "--outcomes", str(outcomes),
           "--years", str(years), "--draws", str(draws), "--threads", str(threads), "--sampler", sampler]
    cmd += ["--fixed"] * fixed + ["--no-levers"] * no_levers + ["--numpy"] * numpy + ["--baseline"] * baseline
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    r = json.loads(p.stdout.strip().splitlines()[-1])
    if numpy:  # one thread, numpy's own generator: the engine's options do not apply
        threads, sampler, no_levers = 1, "numpy rng", True
    r.update(options=options, outcomes=outcomes, years=years, draws=draws, threads=threads, sampler=sampler,
             fixed=fixed, levers=not no_levers, numpy=numpy)
    r["draws_per_s"] = draws / r["wall"] if r["wall"] else float("nan")
    print(f"  {options:>5} options {outcomes:>4} outcomes {years:>3} years {draws:>8} draws {threads} thr "
          f"{sampler:>3} {'fixed ' if fixed else ''}{'numpy ' if numpy else ''}{'' if not no_levers else 'no-levers '}"
          f"-> {r['wall']:7.2f} s, {r['draws_per_s']:>10,.0f} draws/s, cpu {r['cpu']:7.2f} s, "
          f"{r['maxrss_mb']:6.0f} MB", flush=True)
    return r


def machine() -> Dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 ** 2:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "memory": mem, "python": platform.python_version(),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def _row(r: Dict, extra: str = "") -> str:
    t = r.get("timings") or {}
    phases = ""
    if t:
        total = sum(t.get(k, 0) for k in ("sample", "evaluate", "store", "summarise")) or 1.0
        phases = " | ".join(f"{100 * t.get(k, 0) / total:.0f}%" for k in ("sample", "evaluate", "store", "summarise"))
    else:
        phases = " | ".join(["-"] * 4)
    return (f"| {r['options']} | {r['outcomes']} | {r['years']} | {r['draws']:,} | {r['threads']} | {r['sampler']}"
            f"{' fixed' if r['fixed'] else ''}{'' if r['levers'] or r['numpy'] else ' no levers'}"
            f"{' **NumPy**' if r['numpy'] else ''}"
            f" | {r['wall']:.2f} | {r['draws_per_s']:,.0f} | {1e6 * r['cpu'] / r['draws']:,.1f} | {r['maxrss_mb']:.0f}"
            f" | {phases} |{extra}")


HEADER = ("| options | outcomes | years | draws | threads | variant | seconds | draws/s | CPU us/draw | peak MB | sample "
          "| evaluate | store | summarise |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--options", type=int, default=30)
    p.add_argument("--outcomes", type=int, default=60)
    p.add_argument("--years", type=int, default=30)
    p.add_argument("--draws", type=int, default=10_000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--sampler", default="lhs")
    p.add_argument("--fixed", action="store_true")
    p.add_argument("--no-levers", action="store_true")
    p.add_argument("--numpy", action="store_true")
    p.add_argument("--baseline", action="store_true")
    p.add_argument("--quick", action="store_true", help="fewer and smaller runs (a smoke test of the script)")
    p.add_argument("--out", default=str(HERE / "simulation.md"))
    a = p.parse_args()
    if a.worker:
        _worker(a)
        return

    m = machine()
    print("machine:", m, flush=True)
    big = 100_000 if a.quick else 1_000_000
    sections: List[str] = []
    base = measure(1, 1, 1, 1, baseline=True)
    # 1. The target: 30 options, 60 outcomes, 30 years.
    target = [measure(30, 60, 30, big, threads=t, sampler=s) for s in ("lhs", "mc") for t in (1, 2)]
    target += [measure(30, 60, 30, big, threads=2, sampler="mc", no_levers=True),
               measure(30, 60, 30, big // 10, threads=2, sampler="mc", fixed=True)]
    sections.append("## Target size: 30 options, 60 outcomes, 30 years\n\n" + HEADER + "\n" +
                    "\n".join(_row(r) for r in target))
    # 2. Draws (linear in draws; memory grows only by the per-draw metrics).
    draws = [measure(30, 60, 30, d, threads=2, sampler="mc") for d in
             ((1_000, 10_000, 100_000) if a.quick else (1_000, 10_000, 100_000, 1_000_000))]
    sections.append("## Draws (30 / 60 / 30, 2 threads, mc)\n\n" + HEADER + "\n" + "\n".join(_row(r) for r in draws))
    # 3. Graph size: options 10 .. 1000 (outcomes = 2 x options), horizon 30.
    n = 2_000 if a.quick else 20_000
    size = [measure(o, 2 * o, 30, n, threads=2, sampler="mc") for o in
            ((10, 30, 100) if a.quick else (10, 30, 100, 300, 1000))]
    sections.append("## Graph size (outcomes = 2 x options, 30 years, 2 threads, mc)\n\n" + HEADER + "\n" +
                    "\n".join(_row(r) for r in size))
    # 4. Horizon.
    hor = [measure(30, 60, h, n * 5, threads=2, sampler="mc") for h in ((10, 30, 60) if a.quick else (10, 30, 60, 120))]
    sections.append("## Horizon (30 / 60, 2 threads, mc)\n\n" + HEADER + "\n" + "\n".join(_row(r) for r in hor))
    # 5. NumPy reference.
    nd = 5_000 if a.quick else 50_000
    ours = measure(30, 60, 30, nd, threads=1, sampler="mc")
    ref = measure(30, 60, 30, nd, numpy=True)
    ours2 = measure(30, 60, 30, nd, threads=2, sampler="mc")
    sections.append(
        "## Against a vectorised NumPy implementation (benchmarks/numpy_reference.py; 30 / 60 / 30, mc)\n\n" +
        HEADER + "\n" + "\n".join(_row(r) for r in (ref, ours, ours2)) +
        f"\n\nIn CPU time per draw socval is {ref['cpu'] / ours['cpu']:.1f} times faster than NumPy on 1 thread "
        f"(wall time: {ref['wall'] / ours['wall']:.1f} times on 1 thread, {ref['wall'] / ours2['wall']:.1f} times on "
        "2 threads); socval also computes lever attribution and per-year quantiles, which the NumPy reference "
        "does not.")

    end_load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    text = [
        "# Monte Carlo engine benchmark",
        "",
        f"Written by `benchmarks/simulation_bench.py{' --quick' if a.quick else ''}` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} (code of commit `{_commit()}`).",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} memory, Python {m['python']}; load average "
        f"{m['load']} at the start and {end_load} at the end (1, 5 and 15 minutes; the machine is shared with other "
        "engineers' builds, so wall times are upper bounds).",
        "",
        "Scenarios from `benchmarks/make_scenario.py` (uniform and triangular parameters: about 15 per option and "
        "outcome); streaming mode (`keep_outcomes=False`); lever tracking on unless said. `peak MB` is the "
        f"subprocess's maximum resident set; Python with socval imported alone takes {base['maxrss_mb']:.0f} MB. "
        "`CPU us/draw` is the process's CPU time (all threads) per draw: on a shared machine it is steadier than "
        "the wall time, and CPU time / 2 is the wall time two free cores would need. "
        "The phase columns split the engine threads' CPU time: keyed sampling (uniforms, LHS permutation, "
        "quantile functions), `Evaluator::run`, storing per-draw metrics (and per-year flows), and streaming "
        "summaries.",
        "",
    ] + [s + "\n" for s in sections]
    out = Path(a.out)
    kept = ""
    if out.exists() and MARKER in out.read_text():
        kept = out.read_text().split(MARKER, 1)[1]
    out.write_text("\n".join(text) + "\n" + MARKER + kept)
    print(f"written to {a.out}")


if __name__ == "__main__":
    main()
