"""Time a native Sobol analysis of the West of England baseline scenario (NPSV, all independent uncertain
parameters), doubling the base sample n until every 95% bootstrap interval half-width (S1_conf and ST_conf) is under
0.05 or the time budget is spent. Also times the raw native evaluation rate and a grouped (``groups="kind"``) run.

Run: .venv/bin/python benchmarks/sensitivity_scenario.py [--budget SECONDS]   (figures in sensitivity_scenario.md)

The baseline declares one rank correlation (four sv_clauses outputs); Sobol refuses correlated inputs
(docs/model/scenario_sensitivity.md), so those four parameters are held at their central values here and the
analysis covers the remaining ones. The refusal itself is checked first.
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

import socval
from socval import _core
from socval.sensitivity import scenario as ss
from socval.engine.simulation import core_scenario
from socval.values import default_library

SCENARIO = os.path.join(os.path.dirname(__file__), "..", "scenarios", "west-of-england", "baseline.yaml")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=float, default=120.0, help="seconds for the doubling sequence (default 120)")
    ap.add_argument("--start", type=int, default=512)
    args = ap.parse_args()

    core, lib = core_scenario(SCENARIO), default_library()
    ids = ss.uncertain_parameters(core)
    corr = ss._correlated([core], ids)
    try:
        ss.scenario_sensitivity(core, n=64)
        print("unexpected: Sobol accepted correlated inputs")
    except socval.SensitivityError as e:
        print(f"refusal on all {len(ids)} parameters: {str(e)[:120]}...")
    params = [i for i in ids if i not in corr]
    print(f"{len(ids)} uncertain parameters, {len(corr)} correlated held central, {len(params)} analysed; "
          f"{os.cpu_count()} cores")

    u = np.random.default_rng(0).uniform(0.001, 0.999, (50_000, len(params)))
    t0 = time.perf_counter()
    _core.analysis.evaluate_design(core, lib, params, u)
    dt = time.perf_counter() - t0
    print(f"native evaluation: {u.shape[0]} rows in {dt:.2f} s = {1e6 * dt / u.shape[0]:.1f} us/row")

    n, spent = args.start, 0.0
    while True:
        t0 = time.perf_counter()
        res = ss.scenario_sensitivity(core, n=n, seed=0, parameters=params)
        dt = time.perf_counter() - t0
        spent += dt
        f = res.to_frame()
        width = max(f["S1_conf"].max(), f["ST_conf"].max())
        top = f.sort_values("ST", ascending=False).head(3)
        print(f"n={n:6d} evaluations={res.evaluations:9d} time={dt:7.2f} s  max half-width S1 "
              f"{f['S1_conf'].max():.3f} ST {f['ST_conf'].max():.3f}  sum S1 {f['S1'].sum():.3f}  top: " +
              ", ".join(f"{i} ST={r.ST:.3f}" for i, r in top.iterrows()))
        if width < 0.05 or spent + 2.2 * dt > args.budget:
            break
        n *= 2

    t0 = time.perf_counter()
    res = ss.scenario_sensitivity(core, n=n, seed=0, parameters=params, groups="kind")
    dt = time.perf_counter() - t0
    f = res.to_frame()
    print(f"groups='kind' ({len(f)} groups) n={n} evaluations={res.evaluations} time={dt:.2f} s max half-width "
          f"S1 {f['S1_conf'].max():.3f} ST {f['ST_conf'].max():.3f}")
    print(f.sort_values("ST", ascending=False).head(6).to_string())


if __name__ == "__main__":
    main()
