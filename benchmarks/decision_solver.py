"""CBC vs GLPK on portfolio-selection MILPs of the kind socval.decision.select_portfolio builds.

Run: .venv/bin/python benchmarks/decision_solver.py   (results recorded in benchmarks/decision_solver.md)
Times are wall-clock seconds per solve (best of 3), one solve without the binding-constraint analysis.
"""
from __future__ import annotations

import time

import numpy as np

from socval._core import decision as core


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


def best_time(p, solver: str, repeat: int = 3) -> tuple[float, float]:
    times, obj = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = core.select_portfolio(p, solver, False)
        times.append(time.perf_counter() - t0)
        obj = r["objective"]
    return min(times), obj


def main() -> None:
    cases = [(20, 1, "mean"), (50, 1, "mean"), (100, 1, "mean"), (200, 1, "mean"), (400, 1, "mean"),
             (20, 200, "cvar"), (40, 200, "cvar"), (30, 500, "cvar")]
    print("| options | draws | objective | seed | CBC s | GLPK s | same objective |")
    print("|---|---|---|---|---|---|---|")
    for n, draws, objective in cases:
        for seed in (1, 2, 3):
            p = instance(n, draws, seed, objective)
            tc, oc = best_time(p, "cbc", repeat=1 if draws >= 200 else 3)
            tg, og = best_time(p, "glpk", repeat=1 if draws >= 200 else 3)
            same = abs(oc - og) <= 1e-6 * (1 + abs(oc))
            print(f"| {n} | {draws} | {objective} | {seed} | {tc:.4f} | {tg:.4f} | {same} |", flush=True)


if __name__ == "__main__":
    main()
