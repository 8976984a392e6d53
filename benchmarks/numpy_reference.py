"""A straightforward vectorised NumPy implementation of the benchmark model (benchmarks/make_scenario.py), to set
socval's engine against: the same appraisal (costs, outputs, linear links with lags, deadweight, persistence with
drop-off, monetisation, Green Book discounting, priority shares), vectorised over draws, looping over years and
outcomes in Python. It keeps the same per-draw metrics as the engine's streaming mode (NPSV, PV benefits,
PV costs, value by priority) and the per-year mean and sd of each outcome's level; it computes no quantiles and
no attribution by lever (socval does both), so the comparison flatters NumPy.

``reference(..., inputs=...)`` evaluates given parameter draws (e.g. socval's own ``keep_inputs``) so that the two
implementations can be checked against each other draw by draw.
"""
from __future__ import annotations

import argparse
import time
from typing import Dict, Optional

import numpy as np

from make_scenario import structure


def parameter_ids(options: int, outcomes: int) -> Dict[str, str]:
    """Names used here -> socval parameter ids (docs/formats/scenario.md, "Parameter ids")."""
    s = structure(options, outcomes)
    ids = {}
    for o in range(outcomes):
        ids[f"dw{o}"] = f"outcomes.o{o}.deadweight"
        ids[f"drop{o}"] = f"outcomes.o{o}.drop_off"
    for i in range(options):
        for y in range(5):
            ids[f"cap{i}_{y}"] = f"options.a{i}.costs[{y}].capital"
        for k in sorted(set(s["outputs"][i])):
            ids[f"out{i}_{k}"] = f"options.a{i}.outputs.o{k}.amount"
    for n in range(len(s["links"])):
        ids[f"link{n}"] = f"links.l{n}.coefficient"
    return ids


def sample(options: int, outcomes: int, n: int, rng: np.random.Generator) -> Dict[str, np.ndarray]:
    """Independent draws of every parameter (numpy's generator: not socval's streams)."""
    x = {}
    for name in parameter_ids(options, outcomes):
        if name.startswith("dw"):
            x[name] = rng.uniform(0.1, 0.4, n)
        elif name.startswith("drop"):
            x[name] = rng.uniform(0.0, 0.3, n)
        elif name.startswith("cap"):
            x[name] = rng.triangular(50.0, 100.0, 200.0, n)
        elif name.startswith("out"):
            x[name] = rng.uniform(1.0, 3.0, n)
        else:
            x[name] = rng.uniform(0.1, 0.5, n)
    return x


def evaluate(options: int, outcomes: int, years: int, x: Dict[str, np.ndarray], df: np.ndarray) -> Dict[str, np.ndarray]:
    """Per-draw NPSV, PV benefits, PV costs, value by priority, and per-year sums of levels (and squares)."""
    s = structure(options, outcomes)
    n = next(iter(x.values())).size
    H, M = years, outcomes
    cost = np.zeros((H, n))
    for i in range(options):
        for y in range(min(5, H)):
            cost[y] += x[f"cap{i}_{y}"] + 10.0
    pv_costs = df[:H] @ cost
    inputs = [[] for _ in range(M)]  # outcome -> [(amount, option)]
    for i in range(options):
        for k in sorted(set(s["outputs"][i])):
            inputs[k].append(x[f"out{i}_{k}"])
    links = [[] for _ in range(M)]
    for j, (to, frm, lag) in enumerate(s["links"]):
        links[to].append((frm, lag, x[f"link{j}"]))
    factor = [1.0 - x[f"dw{o}"] for o in range(M)]
    q = [1.0 - x[f"drop{o}"] for o in range(M)]
    dur = [1 + o % 7 for o in range(M)]
    lagd = [o % 3 for o in range(M)]
    qd = [q[o] ** dur[o] for o in range(M)]
    level = np.zeros((M, H, n))
    net = np.zeros((M, H, n))
    for t in range(H):
        for o in range(M):  # links go from lower to higher indices: index order is a valid evaluation order
            gross = np.zeros(n)
            if t < 5:
                for a in inputs[o]:
                    gross += a
            for frm, lag, c in links[o]:
                if t - lag >= 0:
                    gross += c * level[frm, t - lag]
            net[o, t] = gross * factor[o]
            lv = q[o] * level[o, t - 1] if t > 0 else np.zeros(n)
            ta, ts = t - lagd[o], t - lagd[o] - dur[o]
            if ta >= 0:
                lv = lv + net[o, ta]
            if ts >= 0:
                lv = lv - qd[o] * net[o, ts]
            level[o, t] = lv
    price = np.array([100.0 + o for o in range(M)])
    pv_outcome = np.einsum("oth,t->oh", level, df[:H]) * price[:, None]  # PV by outcome and draw
    prio = np.zeros((13, n))
    for o in range(M):
        a, b = o % 12, (o + 5) % 12
        prio[a] += 0.6 * pv_outcome[o]
        prio[b] += 0.3 * pv_outcome[o]
        prio[12] += 0.1 * pv_outcome[o]
    pv_benefits = pv_outcome.sum(axis=0)
    return {"npsv": pv_benefits - pv_costs, "pv_benefits": pv_benefits, "pv_costs": pv_costs,
            "priority_value": prio, "level_sum": level.sum(axis=2), "level_sq": (level ** 2).sum(axis=2)}


def reference(options: int = 30, outcomes: int = 60, years: int = 30, draws: int = 10_000, seed: int = 0,
              chunk: int = 20_000, inputs: Optional[Dict[str, np.ndarray]] = None) -> Dict[str, np.ndarray]:
    """The whole run in chunks of draws: per-draw metrics and per-year mean / sd of each outcome's level."""
    from socval.appraisal import discount_factors

    df = np.asarray(discount_factors(np.arange(years), "standard"), dtype=float)
    rng = np.random.default_rng(seed)
    npsv, pvb, pvc, prio = [], [], [], []
    s1 = np.zeros((outcomes, years))
    s2 = np.zeros((outcomes, years))
    for start in range(0, draws, chunk):
        n = min(chunk, draws - start)
        x = sample(options, outcomes, n, rng) if inputs is None else {k: v[start:start + n] for k, v in inputs.items()}
        r = evaluate(options, outcomes, years, x, df)
        npsv.append(r["npsv"])
        pvb.append(r["pv_benefits"])
        pvc.append(r["pv_costs"])
        prio.append(r["priority_value"])
        s1 += r["level_sum"]
        s2 += r["level_sq"]
    mean = s1 / draws
    sd = np.sqrt(np.maximum(s2 - draws * mean ** 2, 0) / max(draws - 1, 1))
    return {"npsv": np.concatenate(npsv), "pv_benefits": np.concatenate(pvb), "pv_costs": np.concatenate(pvc),
            "priority_value": np.concatenate(prio, axis=1), "level_mean": mean, "level_sd": sd}


def main() -> None:
    p = argparse.ArgumentParser(description="Time the NumPy reference implementation.")
    p.add_argument("--options", type=int, default=30)
    p.add_argument("--outcomes", type=int, default=60)
    p.add_argument("--years", type=int, default=30)
    p.add_argument("--draws", type=int, default=10_000)
    a = p.parse_args()
    t0 = time.perf_counter()
    r = reference(a.options, a.outcomes, a.years, a.draws)
    dt = time.perf_counter() - t0
    print(f"{a.draws} draws in {dt:.2f} s ({a.draws / dt:,.0f} draws/s); mean NPSV {r['npsv'].mean():,.1f}")


if __name__ == "__main__":
    main()
