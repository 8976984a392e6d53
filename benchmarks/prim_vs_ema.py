"""socval's PRIM against EMA Workbench's PRIM on the same planted-box data (not run by the tests).

Usage: EMA_WORKBENCH_SRC=/path/to/EMAworkbench .venv/bin/python benchmarks/prim_vs_ema.py

EMA_WORKBENCH_SRC is a checkout of github.com/quaquel/EMAworkbench (the folder holding ``ema_workbench/``), kept
outside this repository. Only ``ema_workbench/analysis/prim.py`` and its helpers are loaded; the package's
``__init__`` (which needs Python 3.12 syntax and the experiment framework) is bypassed with small stand-ins for
seaborn (plots only), the typing aliases of ``em_framework.util`` and scikit-learn's ``root_mean_squared_error``
(newer than Debian 12's scikit-learn; used only for a diagnostic), and numpy 2's ``np.bool`` (= ``np.bool_``). Both implementations run with the same settings:
peel_alpha 0.05, paste_alpha 0.05, mass_min 0.05, objective lenient1. Results: benchmarks/RESULTS.md.
"""
import importlib
import importlib.util
import os
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd


def load_ema_prim(src: Path):
    """ema_workbench.analysis.prim loaded without the package's __init__."""
    if not hasattr(np, "bool"):  # numpy 2 name used by EMA; Debian 12 has numpy 1.24
        np.bool = np.bool_
    sns = types.ModuleType("seaborn")  # EMA uses seaborn only for plots: a palette stand-in
    sns.color_palette = lambda *a, **k: ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
    sns.set_palette = lambda *a, **k: None
    sns.PairGrid = object  # a return annotation only
    sys.modules.setdefault("seaborn", sns)
    import sklearn.metrics as skm
    if not hasattr(skm, "root_mean_squared_error"):
        skm.root_mean_squared_error = lambda a, b: float(np.sqrt(skm.mean_squared_error(a, b)))
    for name, sub in (("ema_workbench", "ema_workbench"), ("ema_workbench.analysis", "ema_workbench/analysis"),
                      ("ema_workbench.em_framework", "ema_workbench/em_framework")):
        pkg = types.ModuleType(name)
        pkg.__path__ = [str(src / sub)]
        sys.modules[name] = pkg
    util = types.ModuleType("ema_workbench.em_framework.util")
    util.NumpySeedLike = object
    util.RNGLike = object
    sys.modules["ema_workbench.em_framework.util"] = util
    spec = importlib.util.spec_from_file_location("ema_workbench.util", src / "ema_workbench/util/__init__.py",
                                                  submodule_search_locations=[str(src / "ema_workbench/util")])
    mod = importlib.util.module_from_spec(spec)
    sys.modules["ema_workbench.util"] = mod
    spec.loader.exec_module(mod)
    return importlib.import_module("ema_workbench.analysis.prim")


def planted(n, noise, seed):
    """As tests/python/test_discovery.py: x0 in [0.2, 0.6], x1 in [0.5, 1] on [0, 1]^5, label noise."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 5))
    inside = (x[:, 0] >= 0.2) & (x[:, 0] <= 0.6) & (x[:, 1] >= 0.5)
    return x, inside ^ (rng.random(n) < noise)


def main() -> int:
    src = os.environ.get("EMA_WORKBENCH_SRC")
    if not src or not (Path(src) / "ema_workbench" / "analysis" / "prim.py").is_file():
        print("EMA Workbench source not found: set EMA_WORKBENCH_SRC to a checkout of "
              "github.com/quaquel/EMAworkbench (the folder holding ema_workbench/); nothing compared.")
        return 0
    ema = load_ema_prim(Path(src))
    from socval.discovery import prim

    rows = []
    for n, noise, seed in ((2000, 0.0, 1), (2000, 0.1, 2), (5000, 0.1, 3), (5000, 0.2, 4)):
        x, y = planted(n, noise, seed)
        frame = pd.DataFrame(x, columns=[f"x{j}" for j in range(5)])
        ours = prim(frame, y, alpha=0.05, mass_min=0.05, paste_alpha=0.05, objective="lenient1")
        theirs = ema.Prim(frame, y.astype(int), peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
        box = theirs.find_box()
        t_ema = box.peeling_trajectory
        t_our = ours.trajectory
        # the same choice on both curves: the densest box with coverage >= 0.5, unpasted
        i_our = ours.choose(min_coverage=0.5)
        ok = np.flatnonzero(t_ema["coverage"].to_numpy() >= 0.5)
        i_ema = int(ok[np.argmax(t_ema["density"].to_numpy()[ok])])
        b_our = ours.box(i_our, paste=False)
        lim_ema = box.box_lims[i_ema]
        rows.append({
            "data": f"n={n}, noise={noise}", "steps (socval / EMA)": f"{len(t_our)} / {len(t_ema)}",
            "coverage": f"{b_our.coverage:.3f} / {t_ema['coverage'].iloc[i_ema]:.3f}",
            "density": f"{b_our.density:.3f} / {t_ema['density'].iloc[i_ema]:.3f}",
            "x0 low": f"{b_our.lower[0]:.3f} / {lim_ema['x0'].iloc[0]:.3f}",
            "x0 high": f"{b_our.upper[0]:.3f} / {lim_ema['x0'].iloc[1]:.3f}",
            "x1 low": f"{b_our.lower[1]:.3f} / {lim_ema['x1'].iloc[0]:.3f}",
            "max |coverage diff| on common steps": f"{np.abs(t_our['coverage'].to_numpy()[:min(len(t_our), len(t_ema))] - t_ema['coverage'].to_numpy()[:min(len(t_our), len(t_ema))]).max():.3f}",
        })
    table = pd.DataFrame(rows)
    print("| " + " | ".join(table.columns) + " |")
    print("|" + "---|" * len(table.columns))
    for _, r in table.iterrows():
        print("| " + " | ".join(str(v) for v in r) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
