"""Design rows against simulation draws, in one run (issue 20, item 2).

On the West of England baseline (every independent uncertain parameter; the four the scenario correlates are held
central, as Sobol requires), measured in the same process, interleaved, minimum of ``--repeat``:
- a simulation draw: ``simulate(draws=D, sampler="mc", threads=T, keep_outcomes=False)``, marginal wall per draw
  ((t(5D) - t(D)) / 4D, so a run's fixed cost is left out);
- a design row formed natively: ``_core.analysis.evaluate_saltelli`` (the Saltelli rows built inside the engine
  from the base matrices A and B), wall per row;
- a design row passed in: ``_core.analysis.evaluate_design`` on an n x k matrix of uniforms (the path of
  switching values, Morris and tornado), wall per row;
- the whole Sobol analysis: ``scenario_sensitivity(method="sobol", n=1024)`` (design, evaluation, estimators with
  1000 bootstrap replicates and convergence).
Output: one JSON object per line on stdout; a readable summary on stderr.

Usage: ``.venv/bin/python benchmarks/design_rows.py [--repeat 3] [--threads 2] [--draws 20000]``
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "west-of-england" / "baseline.yaml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--draws", type=int, default=20_000)
    ap.add_argument("--n", type=int, default=1024, help="Sobol base sample (a power of 2)")
    args = ap.parse_args()

    from socval import _core
    from socval.engine.simulation import core_scenario, simulate
    from socval.sensitivity import scenario as ss
    from socval.values import default_library

    core, lib = core_scenario(str(SCENARIO)), default_library()
    ids = ss.uncertain_parameters(core)
    corr = set(ss._correlated([core], ids))
    params = [i for i in ids if i not in corr]
    k = len(params)
    model = _core.analysis.DesignModel(core, lib)
    rows_n = 256  # base rows of the natively formed Saltelli design: 256 (k + 2) rows
    base = np.asarray(_core.sensitivity.sobol_points(rows_n, 2 * k, 1))
    a, b = np.ascontiguousarray(base[:, :k]), np.ascontiguousarray(base[:, k:])
    u = np.random.default_rng(0).uniform(0.001, 0.999, (20_000, k))
    t = {"draw": [], "small": [], "saltelli_row": [], "design_row": [], "sobol": []}

    def run_simulation(draws):
        t0 = time.perf_counter()
        simulate(core, draws=draws, seed=1, threads=args.threads, sampler="mc", progress=False, keep_outcomes=False)
        return time.perf_counter() - t0

    for _ in range(args.repeat):
        # A draw's cost is the marginal one, (t(5D) - t(D)) / 4D: a run's fixed cost (compiling the scenario,
        # building the results) is not a draw's.
        t["small"].append(run_simulation(args.draws))
        t["draw"].append(run_simulation(5 * args.draws))
        t0 = time.perf_counter()
        y = _core.analysis.evaluate_saltelli(model, None, params, a, b, list(range(k)), threads=args.threads)
        t["saltelli_row"].append((time.perf_counter() - t0) / len(y))
        t0 = time.perf_counter()
        _core.analysis.evaluate_design(model, params, u, threads=args.threads)
        t["design_row"].append((time.perf_counter() - t0) / u.shape[0])
        t0 = time.perf_counter()
        res = ss.scenario_sensitivity(core, n=args.n, seed=0, parameters=params, threads=args.threads)
        t["sobol"].append(time.perf_counter() - t0)
    t["draw"] = [(min(t["draw"]) - min(t["small"])) / (4 * args.draws)]
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    common = {"bench": "design_rows", "scenario": "west-of-england/baseline", "parameters": k,
              "threads": args.threads}
    recs = [
        {**common, "case": "simulation draw (mc, summaries, no outcomes kept; marginal)",
         "seconds": min(t["draw"]), "unit": "s/draw", "draws": 5 * args.draws},
        {**common, "case": "Saltelli design row formed in the engine", "seconds": min(t["saltelli_row"]),
         "unit": "s/row", "rows": rows_n * (k + 2)},
        {**common, "case": "design row passed in (evaluate_design, uniforms)", "seconds": min(t["design_row"]),
         "unit": "s/row", "rows": u.shape[0]},
        {**common, "case": "ratio Saltelli row / simulation draw", "seconds": min(t["saltelli_row"]) / min(t["draw"]),
         "unit": "ratio"},
        {**common, "case": "ratio passed-in row / simulation draw", "seconds": min(t["design_row"]) / min(t["draw"]),
         "unit": "ratio"},
        {**common, "case": f"Sobol of the baseline, all {k} independent parameters, n={args.n}, 1000 bootstrap",
         "seconds": min(t["sobol"]), "evaluations": int(res.evaluations),
         "max_conf": float(max(np.max(res.S1_conf), np.max(res.ST_conf)))},
    ]
    for r in recs:
        print(json.dumps(r), flush=True)
    print(f"# design rows vs simulation draws, West of England baseline, {k} parameters, {args.threads} threads, "
          f"min of {args.repeat}, load {load}", file=sys.stderr)
    for r in recs:
        v = r["seconds"]
        unit = r.get("unit", "s")
        shown = f"{v:.3f}" if unit == "ratio" else (f"{v * 1e6:.2f} us" if "/" in unit else f"{v:.2f} s")
        print(f"  {r['case']:<80} {shown}", file=sys.stderr)


if __name__ == "__main__":
    main()
