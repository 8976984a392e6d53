"""The headline benchmark set (`make bench`): runs each benchmark in its own process, prints one JSON object per
result on stdout, and appends them to benchmarks/history.jsonl with the commit, the time and the machine's load, so
that a regression shows against earlier lines of the same machine.

The set (under 5 minutes on the project's 2-core machine, even loaded):
- simulation: 30 options / 60 outcomes / 30 years, 1e6 draws, 2 threads, Monte Carlo and Latin hypercube
  (benchmarks/simulation_bench.py worker: wall, CPU, per-phase timings, peak memory), and the vectorised NumPy
  reference against the engine at 5e4 draws (benchmarks/numpy_reference.py);
- Sobol and Morris analysis against SALib, same process (benchmarks/sobol_salib.py; SALib only when SALIB_SRC
  points at its source, the record says when it did not);
- design rows against simulation draws and the West of England Sobol analysis (benchmarks/design_rows.py).

Every record has ``bench``, ``case``, ``seconds`` (or a ratio, ``unit: "ratio"``) and the run's ``commit``,
``dirty`` (uncommitted changes), ``time`` (UTC) and ``load`` (1-minute load average at the start of the record's
benchmark). Timings on a shared machine are noisy: compare ratios measured in one run, and lines at similar load.

Usage: ``.venv/bin/python benchmarks/bench.py [--no-history] [--history PATH]``
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def git(*args: str) -> str:
    exe = shutil.which("git")
    if not exe:
        return ""
    p = subprocess.run([exe, *args], cwd=ROOT, capture_output=True, text=True)
    return p.stdout.strip()


def json_lines(cmd, env=None):
    """Run a benchmark script; its JSON lines (stdout), with its stderr passed through for the reader."""
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    sys.stderr.write(p.stderr)
    if p.returncode != 0:
        raise SystemExit(f"bench: {' '.join(map(str, cmd))} failed with exit code {p.returncode}")
    return [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]


def simulation(sampler: str, draws: int, numpy: bool = False):
    cmd = [sys.executable, str(HERE / "simulation_bench.py"), "--worker", "--options", "30", "--outcomes", "60",
           "--years", "30", "--draws", str(draws), "--threads", "2", "--sampler", sampler] + ["--numpy"] * numpy
    r = json_lines(cmd)[-1]
    what = "numpy reference (1 thread)" if numpy else f"socval {sampler}, 2 threads"
    return {"bench": "simulation", "case": f"30/60/30 {draws:.0e} draws, {what}", "seconds": r["wall"],
            "cpu_seconds": r["cpu"], "maxrss_mb": r["maxrss_mb"], "draws": draws,
            "timings": {k: round(v, 4) for k, v in (r.get("timings") or {}).items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--history", default=str(HERE / "history.jsonl"))
    ap.add_argument("--no-history", action="store_true", help="print only, append nothing")
    args = ap.parse_args()
    run = {"commit": git("rev-parse", "--short", "HEAD") or "unknown",
           "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
           "time": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    start = time.perf_counter()
    records = []

    def add(recs):
        load = round(os.getloadavg()[0], 2)
        for r in recs if isinstance(recs, list) else [recs]:
            r = {**r, **run, "load": r.get("load", load)}
            records.append(r)
            print(json.dumps(r), flush=True)

    add(simulation("mc", 1_000_000))
    add(simulation("lhs", 1_000_000))
    engine, reference = simulation("mc", 50_000), simulation("mc", 50_000, numpy=True)
    add([engine, reference, {"bench": "simulation", "case": "30/60/30 5e4 draws, numpy reference / socval mc (wall)",
                             "seconds": reference["seconds"] / engine["seconds"], "unit": "ratio"}])
    salib = json_lines([sys.executable, str(HERE / "sobol_salib.py"), "--repeat", "2", "--seeds", "3"])
    if not os.environ.get("SALIB_SRC"):
        salib.append({"bench": "sobol_salib", "case": "SALib not measured: SALIB_SRC is not set", "seconds": 0.0})
    add(salib)
    add(json_lines([sys.executable, str(HERE / "design_rows.py"), "--repeat", "2"]))
    total = time.perf_counter() - start
    add({"bench": "bench", "case": "the whole headline set", "seconds": total})
    if not args.no_history:
        with open(args.history, "a", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")
        print(f"bench: {len(records)} records appended to {args.history} ({total:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
