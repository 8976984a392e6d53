"""Sobol and Morris analysis, socval against SALib in the same process (issue 20, item 3).

Ishigami (a = 7, b = 0.1) on [-pi, pi]^3 at N = 2^16 with 100 bootstrap resamples, 95% intervals:
- analysis only: socval's estimators with convergence (n/8, n/4, n/2, n, each with its own 100 resamples) and
  without (the full n only), against ``SALib.analyze.sobol.analyze`` (full n only), on the same model outputs
  (socval's design, rearranged into SALib's row order) and on SALib's own design;
- end to end: ``socval.sensitivity.sobol`` (design, model, estimators, convergence) against SALib's
  ``sample.sobol.sample`` + model + ``analyze.sobol.analyze``;
- errors: the largest |S1 - S1 exact| and |ST - ST exact| (Ishigami & Homma 1990; Saltelli et al. 2008, The Primer,
  p. 179) of each, so speed is not bought with accuracy, and the root mean square error over ``--seeds`` designs
  (one design's error is a random draw);
- Morris: socval's design and effects on Ishigami (r = 1000 trajectories, 4 levels), with SALib's
  ``sample.morris``/``analyze.morris`` beside it (SALib also bootstraps mu* intervals, which socval does not).

SALib is not a Debian package: point ``SALIB_SRC`` at a checkout of https://github.com/SALib/SALib (its root or its
``src`` folder). Without it the socval rows are measured and the script says SALib was not found. SALib imports the
PyPI package ``multiprocess`` (a fork of the standard ``multiprocessing``) only to run in parallel, which is not
used here; when it is missing the standard module stands in for it.

Every timing is the minimum of ``--repeat`` runs, socval and SALib interleaved in one process so that the load of
the shared machine falls on both alike; compare the ratios, not the absolute times.
Output: one JSON object per line on stdout (``bench``, ``case``, ``seconds`` ...); a readable table on stderr.

Usage: ``.venv/bin/python benchmarks/sobol_salib.py [--repeat 5] [--threads 2]``
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

A, B = 7.0, 0.1
N = 1 << 16
RESAMPLES = 100


def exact_indices():
    """Closed-form Ishigami indices (Saltelli et al. 2008, p. 179)."""
    pi4 = math.pi ** 4
    v = A * A / 8 + B * pi4 / 5 + B * B * pi4 * pi4 / 18 + 0.5
    v1, v2, v13 = 0.5 * (1 + B * pi4 / 5) ** 2, A * A / 8, 8 * B * B * pi4 * pi4 / 225
    return np.array([v1 / v, v2 / v, 0.0]), np.array([(v1 + v13) / v, v2 / v, v13 / v])


def ishigami(x):
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def load_salib():
    """SALib from SALIB_SRC, or None (with the reason)."""
    src = os.environ.get("SALIB_SRC")
    if not src:
        return None, "SALIB_SRC is not set"
    root = Path(src)
    if (root / "src" / "SALib").is_dir():
        root = root / "src"
    if not (root / "SALib").is_dir():
        return None, f"SALIB_SRC={src} holds no SALib package"
    try:
        import multiprocess  # noqa: F401
    except ImportError:
        import multiprocessing
        sys.modules["multiprocess"] = multiprocessing
    sys.path.insert(0, str(root))
    import SALib  # noqa: F401
    from SALib.analyze import morris as salib_morris_analyze
    from SALib.analyze import sobol as salib_sobol
    from SALib.sample import morris as salib_morris_sample
    from SALib.sample import sobol as salib_sample
    return {"sobol": salib_sobol, "sample": salib_sample, "morris_sample": salib_morris_sample,
            "morris": salib_morris_analyze, "path": str(root)}, ""


def best(fn, repeat):
    t, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - t0)
    return t, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seeds", type=int, default=10, help="designs for the error comparison")
    args = ap.parse_args()

    from socval import sensitivity
    from socval._core import sensitivity as _core

    salib, why = load_salib()
    s1_exact, st_exact = exact_indices()
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    rows = []

    def emit(case, seconds, **extra):
        rec = {"bench": "sobol_salib", "case": case, "seconds": round(seconds, 6), **extra}
        rows.append(rec)
        print(json.dumps(rec), flush=True)

    def errors(s1, st):
        return {"s1_err": float(np.max(np.abs(np.asarray(s1) - s1_exact))),
                "st_err": float(np.max(np.abs(np.asarray(st) - st_exact)))}

    layout = _core.saltelli_layout(N, 3, [], False)
    unit = np.asarray(_core.saltelli_design(layout, 1))
    y = ishigami(-math.pi + 2 * math.pi * unit)
    opts = dict(n_bootstrap=RESAMPLES, conf_level=0.95, seed=1, threads=args.threads)
    # socval's outputs in SALib's row order (A, AB_1..AB_D, B for each base row).
    y_salib_order = y.reshape(5, N).T[:, [0, 2, 3, 4, 1]].ravel()
    if salib:
        x_salib = salib["sample"].sample(problem, N, calc_second_order=False, seed=1)
        y_salib = ishigami(x_salib)

    times = {"conv": [], "full": [], "salib_same": [], "salib_own": []}
    for _ in range(args.repeat):  # interleaved: the machine's load falls on both alike
        t0 = time.perf_counter()
        conv = _core.sobol_convergence(y, layout, **opts)
        times["conv"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        full = _core.sobol_indices(y, layout, **opts)
        times["full"].append(time.perf_counter() - t0)
        if salib:
            t0 = time.perf_counter()
            sal_same = salib["sobol"].analyze(problem, y_salib_order, calc_second_order=False,
                                              num_resamples=RESAMPLES, conf_level=0.95, seed=1)
            times["salib_same"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            sal_own = salib["sobol"].analyze(problem, y_salib, calc_second_order=False, num_resamples=RESAMPLES,
                                             conf_level=0.95, seed=1)
            times["salib_own"].append(time.perf_counter() - t0)
    emit("socval analysis, convergence (4 sizes x 100 resamples)", min(times["conv"]), n=N,
         threads=args.threads, **errors(conv[-1].S1, conv[-1].ST))
    emit("socval analysis, full n only (100 resamples)", min(times["full"]), n=N, threads=args.threads,
         **errors(full.S1, full.ST), max_conf=float(max(np.max(full.S1_conf), np.max(full.ST_conf))))
    if salib:
        emit("SALib analyze, socval's design (100 resamples)", min(times["salib_same"]), n=N,
             **errors(sal_same["S1"], sal_same["ST"]),
             max_conf=float(max(np.max(sal_same["S1_conf"]), np.max(sal_same["ST_conf"]))))
        emit("SALib analyze, SALib's design (100 resamples)", min(times["salib_own"]), n=N,
             **errors(sal_own["S1"], sal_own["ST"]))
        emit("ratio SALib analyze / socval analysis with convergence", min(times["salib_same"]) / min(times["conv"]),
             unit="ratio")
        emit("ratio SALib analyze / socval analysis, full n", min(times["salib_same"]) / min(times["full"]),
             unit="ratio")

    # End to end: design, model, estimators.
    bounds = [(-math.pi, math.pi)] * 3
    e2e = {"socval": [], "salib": []}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = sensitivity.sobol(ishigami, bounds, n=N, seed=1, n_bootstrap=RESAMPLES, threads=args.threads)
        e2e["socval"].append(time.perf_counter() - t0)
        if salib:
            t0 = time.perf_counter()
            xs = salib["sample"].sample(problem, N, calc_second_order=False, seed=1)
            sal = salib["sobol"].analyze(problem, ishigami(xs), calc_second_order=False, num_resamples=RESAMPLES,
                                         seed=1)
            e2e["salib"].append(time.perf_counter() - t0)
    emit("socval sensitivity.sobol end to end (with convergence)", min(e2e["socval"]), n=N, threads=args.threads,
         **errors(res.S1, res.ST))
    if salib:
        emit("SALib sample + model + analyze end to end", min(e2e["salib"]), n=N, **errors(sal["S1"], sal["ST"]))
        emit("ratio end to end SALib / socval", min(e2e["salib"]) / min(e2e["socval"]), unit="ratio")

    # Errors over several designs (one design's error is a draw): root mean square error of the 6 indices over
    # `--seeds` seeds, each tool with its own design and estimators (SALib with 2 resamples: point estimates only).
    sq = {"socval": [], "salib": []}
    for seed in range(1, args.seeds + 1):
        res = sensitivity.sobol(ishigami, bounds, n=N, seed=seed, n_bootstrap=0)
        sq["socval"] += list(np.r_[res.S1 - s1_exact, res.ST - st_exact] ** 2)
        if salib:
            xs = salib["sample"].sample(problem, N, calc_second_order=False, seed=seed)
            sal = salib["sobol"].analyze(problem, ishigami(xs), calc_second_order=False, num_resamples=2, seed=seed)
            sq["salib"] += list(np.r_[sal["S1"] - s1_exact, sal["ST"] - st_exact] ** 2)
    emit(f"socval RMS error of S1 and ST over {args.seeds} designs", 0.0, rmse=float(np.sqrt(np.mean(sq["socval"]))))
    if salib:
        emit(f"SALib RMS error of S1 and ST over {args.seeds} designs", 0.0, rmse=float(np.sqrt(np.mean(sq["salib"]))))

    # Morris: r trajectories, 4 levels; the design and the effects (the model is the same NumPy Ishigami).
    r_traj = 1000
    mt = {"socval": [], "salib": []}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        sensitivity.morris(ishigami, bounds, trajectories=r_traj, levels=4, seed=1)
        mt["socval"].append(time.perf_counter() - t0)
        if salib:
            t0 = time.perf_counter()
            xm = salib["morris_sample"].sample(problem, r_traj, num_levels=4, seed=1)
            salib["morris"].analyze(problem, xm, ishigami(xm), num_levels=4, num_resamples=1000, seed=1)
            mt["salib"].append(time.perf_counter() - t0)
    emit(f"socval sensitivity.morris end to end (r={r_traj})", min(mt["socval"]), trajectories=r_traj)
    if salib:
        emit(f"SALib morris sample + model + analyze (r={r_traj}, mu* intervals from 1000 resamples)",
             min(mt["salib"]), trajectories=r_traj)

    print(f"# socval vs SALib, Ishigami N = 2^16, {RESAMPLES} resamples, min of {args.repeat}, "
          f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}; SALib: {salib['path'] if salib else why}",
          file=sys.stderr)
    for r in rows:
        extra = ", ".join(f"{k} {v:.2e}" for k, v in r.items() if k.endswith("_err") or k in ("max_conf", "rmse"))
        print(f"  {r['case']:<70} {r['seconds']:10.4f}{'' if r.get('unit') else ' s'}  {extra}", file=sys.stderr)
    if not salib:
        print(f"SALib not measured: {why}", file=sys.stderr)


if __name__ == "__main__":
    main()
