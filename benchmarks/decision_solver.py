"""CBC vs GLPK on portfolio-selection MILPs of the kind socval.decision.select_portfolio builds.

Run: .venv/bin/python benchmarks/decision_solver.py   (results recorded in benchmarks/decision_solver.md)
Times are wall-clock seconds per solve (best of 3 for the small problems), one solve without the
binding-constraint analysis, through socval._core.decision.select_portfolio (coefficients cleaned, time limit
600 s).
"""
from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np

from socval._core import decision as core
from socval import DecisionError

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT = 600.0


def instance(n: int, draws: int, seed: int, objective: str = "mean", correlated: bool = True):
    """Random options with correlated value and cost (hard knapsacks), exclusive groups, requires pairs and two
    minimum-value groups (pillars)."""
    rng = np.random.default_rng(seed)
    costs = rng.uniform(1.0, 10.0, n)
    base = costs + rng.uniform(-1.0, 1.0, n) if correlated else rng.uniform(0.0, 10.0, n)
    values = base[None, :] + rng.normal(0.0, 2.0, (draws, n))
    p = core.PortfolioProblem()
    p.values = np.ascontiguousarray(values)
    p.costs = costs[:, None].copy()
    p.budget = np.array([0.3 * costs.sum()])
    perm = rng.permutation(n)
    p.exclusive = [list(map(int, perm[k:k + 3])) for k in range(0, n // 3, 3)]
    p.requires = [(int(perm[-1 - k]), int(perm[-2 - k])) for k in range(0, n // 10, 2)]
    contrib = rng.uniform(0, 1, (2, n)) * (rng.random((2, n)) < 0.5)
    p.min_contribution = np.ascontiguousarray(contrib)
    p.min_value = 0.2 * contrib.sum(axis=1)
    p.objective = objective
    p.alpha = 0.1 if objective == "cvar" else 0.0
    return p


def west_of_england_floors():
    """The notebook instance of issue 6 (tests/data/portfolio/west_of_england_floors.csv): 17 options, budget
    GBP 100m, three pillar floors; the data carry the round-off -5.7e-11 that made GLPK loop."""
    rows = [r for r in csv.reader(l for l in open(ROOT / "tests/data/portfolio/west_of_england_floors.csv")
                                  if not l.startswith("#"))][1:]
    x = np.array([[float(v) for v in r[1:]] for r in rows])
    p = core.PortfolioProblem()
    p.values = np.ascontiguousarray(x[None, :, 0])
    p.costs = np.ascontiguousarray(x[:, 1:2])
    p.budget = np.array([100e6])
    p.min_contribution = np.ascontiguousarray(x[:, 2:5].T)
    p.min_value = np.array([34.8e6, 43.2e6, 24.5e6])
    p.min_value_names = ["social", "economic", "environmental"]
    return p


def best_time(p, solver: str, repeat: int = 3, explain: bool = False) -> tuple[float, float]:
    times, obj = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        try:
            r = core.select_portfolio(p, solver, explain, TIME_LIMIT)
            obj = r["objective"]
        except DecisionError:
            obj = float("nan")
        times.append(time.perf_counter() - t0)
    return min(times), obj


def row(label: str, p, repeat: int, explain: bool = False) -> None:
    tc, oc = best_time(p, "cbc", repeat, explain)
    tg, og = best_time(p, "glpk", repeat, explain)
    same = abs(oc - og) <= 1e-6 * (1 + abs(oc))
    print(f"| {label} | {tc:.4f} | {tg:.4f} | {same} |", flush=True)


def main() -> None:
    print("| instance | CBC s | GLPK s | same objective |")
    print("|---|---|---|---|")
    row("West of England, 17 options, 3 pillar floors (issue 6)", west_of_england_floors(), 5)
    row("West of England, same, with the binding analysis (5 solves)", west_of_england_floors(), 5, explain=True)
    cases = [(20, 1, "mean"), (50, 1, "mean"), (100, 1, "mean"), (200, 1, "mean"), (400, 1, "mean"),
             (20, 200, "cvar"), (40, 200, "cvar"), (30, 500, "cvar")]
    for n, draws, objective in cases:
        for seed in (1, 2, 3):
            row(f"{n} options, {draws} draws, {objective}, seed {seed}", instance(n, draws, seed, objective),
                1 if draws >= 200 else 3)


if __name__ == "__main__":
    main()
