"""Timings of the generic sensitivity and value-of-information functions at a few sizes.

Run: .venv/bin/python benchmarks/sensitivity_generic.py [--threads N]
The models are cheap closed forms (Sobol G function, linear net benefits), so the timings are those of socval's
designs and estimators, not of a model. Results are recorded in benchmarks/sensitivity.md.
"""
import argparse
import os
import platform
import time

import numpy as np

from socval import sensitivity, voi


def timed(fn, repeat=3):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def g_function(x, a):
    return np.prod((np.abs(4 * x - 2) + a) / (1 + a), axis=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=None, help="bootstrap threads (default: all cores)")
    args = parser.parse_args()
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}")
    print("| method | size | model evaluations | time (s) | note |")
    print("|---|---|---|---|---|")
    k = 10
    a = np.array([0, 1, 4.5, 9, 99, 99, 99, 99, 99, 99])
    for n in (1 << 12, 1 << 14, 1 << 16):
        t, r = timed(lambda: sensitivity.sobol(lambda x: g_function(x, a), [(0, 1)] * k, n=n, seed=1,
                                               n_bootstrap=1000, threads=args.threads))
        print(f"| sobol (k={k}, 1000 bootstrap, convergence) | n={n} | {r.evaluations} | {t:.3f} | "
              f"max ST_conf {r.ST_conf.max():.3f} |")
    t, r = timed(lambda: sensitivity.sobol(lambda x: g_function(x, a), [(0, 1)] * k, n=1 << 14, seed=1,
                                           second_order=True, n_bootstrap=1000, threads=args.threads))
    print(f"| sobol second order (k={k}) | n={1 << 14} | {r.evaluations} | {t:.3f} | |")
    k_m = 50
    c = np.linspace(-1, 1, k_m)
    for r_ in (50, 500):
        t, r = timed(lambda: sensitivity.morris(lambda x: x @ c + x[:, 0] * x[:, 1], [(0, 1)] * k_m,
                                                trajectories=r_, levels=4, seed=1))
        print(f"| morris (k={k_m}) | r={r_} | {r_ * (k_m + 1)} | {t:.3f} | |")
    rng = np.random.default_rng(0)
    for n in (10_000, 100_000):
        th = rng.normal(size=(n, 3))
        nb = np.c_[np.zeros(n), 100 + 1000 * th[:, 0] + 500 * th[:, 1] * th[:, 2], 50 + 800 * th[:, 1]]
        for p, method in ((1, "spline"), (2, "tensor"), (3, "tensor"), (3, "additive")):
            t, e = timed(lambda: voi.evppi(nb, th[:, :p], method=method, se_samples=200), repeat=1)
            print(f"| evppi {method} ({p} input{'s' if p > 1 else ''}, 3 options, 200 SE draws) | draws={n} | - | "
                  f"{t:.3f} | EVPPI {e.evppi:.1f} +- {e.se:.1f} of EVPI {e.evpi:.1f} |")


if __name__ == "__main__":
    main()
