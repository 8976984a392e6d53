"""PRIM, the Patient Rule Induction Method (Friedman and Fisher 1999), for scenario discovery.

Given the sampled inputs of every draw (n x k) and a condition over the draws (a boolean per draw, e.g. NPSV < 0),
PRIM looks for a box -- a range for a few inputs -- where the condition holds in a large share of draws. Peeling
removes, at each step, the slice of ``alpha`` of the points in the box at the low or high end of one input that most
improves the objective; the boxes along the way form the **peeling trajectory**, the trade-off between coverage
(share of the condition's draws inside the box) and density (share of the box's draws where the condition holds).
Pasting then widens a chosen box again where that raises its density. Each restricted input gets a quasi-p-value
(a one-sided binomial test, as EMA Workbench describes it). Every step is vectorised over the draws (numpy), with
loops only over steps and inputs. Formulas and sources: ``docs/model/discovery.md``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

import numpy as np
import pandas as pd
from scipy.stats import binom

from .._core import SensitivityError

__all__ = ["Box", "PrimResult", "prim", "OBJECTIVES"]

OBJECTIVES = ("original", "lenient1")


@dataclass
class Box:
    """One box: ``lower``/``upper`` per input (the data range where unrestricted), and its statistics.

    ``limits()`` lists the restricted inputs with their quasi-p-values.
    """

    names: List[str]
    lower: np.ndarray
    upper: np.ndarray
    coverage: float
    density: float
    mass: float
    n: int
    n_cases: int
    range_low: np.ndarray
    range_high: np.ndarray
    qp: np.ndarray
    pasted: bool = False

    def restricted(self) -> np.ndarray:
        """Boolean per input: the box narrows its range."""
        return (self.lower > self.range_low) | (self.upper < self.range_high)

    def limits(self) -> pd.DataFrame:
        """Restricted inputs: low, high (box), min, max (data range), qp (quasi-p-value), most significant first."""
        r = self.restricted()
        frame = pd.DataFrame({"low": self.lower[r], "high": self.upper[r], "min": self.range_low[r],
                              "max": self.range_high[r], "qp": self.qp[r]},
                             index=pd.Index([n for n, keep in zip(self.names, r) if keep], name="input"))
        return frame.sort_values("qp", kind="stable")

    def contains(self, x: np.ndarray) -> np.ndarray:
        """Boolean per row of x (n x k): inside the box."""
        x = np.asarray(x, dtype=float)
        return np.all((x >= self.lower) & (x <= self.upper), axis=1)


def _inside(x: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    return np.all((x >= lower) & (x <= upper), axis=1)


def _quasi_p(x: np.ndarray, y: np.ndarray, lower: np.ndarray, upper: np.ndarray, restricted: np.ndarray,
             n_box: int, cases_box: int) -> np.ndarray:
    """Quasi-p-value of each restricted input: P(Binomial(n_box, p_j) >= cases_box), p_j the density of the box
    without that input's restriction (EMA Workbench's description; NaN for unrestricted inputs)."""
    qp = np.full(x.shape[1], np.nan)
    within = (x >= lower) & (x <= upper)  # n x k
    outside_count = (~within).sum(axis=1)
    for j in np.flatnonzero(restricted):
        in_j = (outside_count == 0) | ((outside_count == 1) & ~within[:, j])
        p = y[in_j].mean()
        qp[j] = float(binom.sf(cases_box - 1, n_box, p))
    return qp


@dataclass
class PrimResult:
    """The peeling trajectory and the boxes along it. ``trajectory`` has one row per box: coverage, density, mass,
    n (draws in the box), restricted (number of restricted inputs). ``box(i)`` gives box i (pasted on request);
    ``choose(...)`` picks one on the curve."""

    names: List[str]
    x: np.ndarray
    y: np.ndarray
    lowers: List[np.ndarray]
    uppers: List[np.ndarray]
    trajectory: pd.DataFrame
    alpha: float
    paste_alpha: float
    mass_min: float
    objective: str

    def choose(self, min_coverage: Optional[float] = None, min_density: Optional[float] = None) -> int:
        """Index of a box on the trajectory: the densest box with coverage >= ``min_coverage`` (default 0.5), or,
        given ``min_density``, the box with the most coverage among those at least that dense (the last box when
        none is)."""
        t = self.trajectory
        if min_density is not None:
            ok = np.flatnonzero(t["density"].to_numpy() >= float(min_density))
            return int(ok[np.argmax(t["coverage"].to_numpy()[ok])]) if ok.size else len(t) - 1
        cov = 0.5 if min_coverage is None else float(min_coverage)
        ok = np.flatnonzero(t["coverage"].to_numpy() >= cov)
        return int(ok[np.argmax(t["density"].to_numpy()[ok])]) if ok.size else 0

    def box(self, i: Optional[int] = None, paste: bool = True, max_qp: Optional[float] = None) -> Box:
        """Box i of the trajectory (default :meth:`choose`), pasted unless ``paste=False``; with ``max_qp``, the
        restriction with the largest quasi-p-value above it is dropped (that input unrestricted) and the box's
        statistics recomputed, until every restriction left has qp <= max_qp."""
        if i is None:
            i = self.choose()
        if not -len(self.lowers) <= int(i) < len(self.lowers):
            raise SensitivityError(f"prim: box {i} is not on the trajectory (0..{len(self.lowers) - 1})")
        lower, upper = self.lowers[int(i)].copy(), self.uppers[int(i)].copy()
        if paste:
            lower, upper = _paste(self.x, self.y, lower, upper, self.paste_alpha, self.objective)
        box = _make_box(self.names, self.x, self.y, lower, upper, paste)
        while max_qp is not None and np.nanmax(box.qp, initial=-np.inf) > float(max_qp):
            j = int(np.nanargmax(box.qp))
            lower[j], upper[j] = box.range_low[j], box.range_high[j]
            box = _make_box(self.names, self.x, self.y, lower, upper, paste)
        return box


def _stats(y_in: np.ndarray, total_cases: int, n: int):
    return y_in.sum() / total_cases, y_in.mean() if y_in.size else 0.0, y_in.size / n


def _make_box(names, x, y, lower, upper, pasted) -> Box:
    inside = _inside(x, lower, upper)
    n_box, cases = int(inside.sum()), int(y[inside].sum())
    range_low, range_high = x.min(axis=0), x.max(axis=0)
    restricted = (lower > range_low) | (upper < range_high)
    qp = _quasi_p(x, y, lower, upper, restricted, n_box, cases)
    return Box(names=list(names), lower=lower, upper=upper, coverage=cases / max(int(y.sum()), 1),
               density=cases / max(n_box, 1), mass=n_box / x.shape[0], n=n_box, n_cases=cases,
               range_low=range_low, range_high=range_high, qp=qp, pasted=bool(pasted))


def _objective(kind: str, mean_old: float, mean_new: np.ndarray, n_old: int, n_new: np.ndarray) -> np.ndarray:
    """Gain of a candidate box: 'original' (Friedman and Fisher 1999) the rise in density; 'lenient1' (EMA
    Workbench's default) the rise per draw removed (or added, for pasting)."""
    gain = mean_new - mean_old
    if kind == "original":
        return gain
    return gain / np.maximum(np.abs(n_old - n_new), 1)


def _paste(x, y, lower, upper, alpha, objective):
    """Pasting (Friedman and Fisher 1999, section 8): repeatedly widen the box at one end of one input by about
    ``alpha`` of its draws while that raises its density."""
    n = x.shape[0]
    while True:
        within = (x >= lower) & (x <= upper)
        outside_count = (~within).sum(axis=1)
        inside = outside_count == 0
        n_in = int(inside.sum())
        mean_old = y[inside].mean()
        step = max(1, int(np.ceil(alpha * n_in)))
        best = (0.0, None)
        for j in range(x.shape[1]):
            near = (outside_count == 1) & ~within[:, j]  # inside on every other input
            for side in ("low", "high"):
                cand = near & ((x[:, j] < lower[j]) if side == "low" else (x[:, j] > upper[j]))
                vals = x[cand, j]
                if vals.size == 0:
                    continue
                order = np.sort(vals)[::-1] if side == "low" else np.sort(vals)
                limit = order[min(step, vals.size) - 1]
                added = cand & ((x[:, j] >= limit) if side == "low" else (x[:, j] <= limit))
                m_new = (y[inside].sum() + y[added].sum()) / (n_in + added.sum())
                gain = float(_objective(objective, mean_old, np.array([m_new]), n_in,
                                        np.array([n_in + added.sum()]))[0])
                if gain > best[0]:
                    best = (gain, (j, side, limit))
        if best[1] is None or n_in == n:
            return lower, upper
        j, side, limit = best[1]
        if side == "low":
            lower[j] = limit
        else:
            upper[j] = limit


def prim(x, y, names: Optional[Sequence[str]] = None, alpha: float = 0.05, mass_min: float = 0.05,
         paste_alpha: float = 0.01, objective: str = "lenient1") -> PrimResult:
    """Peel boxes from the draws toward those where ``y`` holds.

    Parameters
    ----------
    x
        Inputs of every draw: an (n x k) array or a DataFrame (its columns name the inputs).
    y
        The condition in every draw (booleans, n).
    names
        Input names (default the DataFrame's columns, or ``x0, x1, ...``).
    alpha
        Peeling share: each step removes about ``alpha`` of the box's draws at one end of one input (0 < alpha < 0.5).
    mass_min
        Peeling stops before the box would hold less than this share of all draws.
    paste_alpha
        Pasting step (share of the box's draws added at a time).
    objective
        ``"lenient1"`` (default, as EMA Workbench) or ``"original"`` (Friedman and Fisher 1999).
    """
    if isinstance(x, pd.DataFrame):
        names = list(map(str, x.columns)) if names is None else list(names)
        x = x.to_numpy(dtype=float)
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 1:
        raise SensitivityError(f"prim: x: expected an (n x k) array of inputs with n >= 2, k >= 1, found shape "
                               f"{x.shape}")
    if not np.all(np.isfinite(x)):
        bad = np.argwhere(~np.isfinite(x))[0]
        raise SensitivityError(f"prim: x: expected finite inputs, found {x[bad[0], bad[1]]} in draw {bad[0]}, "
                               f"input {bad[1]}")
    y = np.asarray(y)
    if y.shape != (x.shape[0],) or y.dtype != bool:
        raise SensitivityError(f"prim: y: expected {x.shape[0]} booleans (one per draw), found dtype {y.dtype}, "
                               f"shape {y.shape}")
    names = [f"x{j}" for j in range(x.shape[1])] if names is None else [str(n) for n in names]
    if len(names) != x.shape[1]:
        raise SensitivityError(f"prim: names: expected {x.shape[1]} names, found {len(names)}")
    if not 0.0 < float(alpha) < 0.5:
        raise SensitivityError(f"prim: alpha: expected 0 < alpha < 0.5, found {alpha}")
    if not 0.0 < float(mass_min) < 1.0:
        raise SensitivityError(f"prim: mass_min: expected 0 < mass_min < 1, found {mass_min}")
    if not 0.0 < float(paste_alpha) < 0.5:
        raise SensitivityError(f"prim: paste_alpha: expected 0 < paste_alpha < 0.5, found {paste_alpha}")
    if objective not in OBJECTIVES:
        raise SensitivityError(f"prim: objective: expected one of {list(OBJECTIVES)}, found {objective!r}")
    total = int(y.sum())
    if total == 0:
        raise SensitivityError("prim: the condition holds in no draw: there is nothing to find")
    n, k = x.shape
    lower, upper = x.min(axis=0), x.max(axis=0)
    inside = np.ones(n, dtype=bool)
    lowers, uppers, rows = [lower.copy()], [upper.copy()], []

    def record(ins):
        cov, dens, mass = _stats(y[ins], total, n)
        restricted = int(((lowers[-1] > x.min(axis=0)) | (uppers[-1] < x.max(axis=0))).sum())
        rows.append((cov, dens, mass, int(ins.sum()), restricted))

    record(inside)
    while True:
        xi, yi = x[inside], y[inside]
        n_in = xi.shape[0]
        # Candidates: drop the lowest or highest alpha of the box's draws on each input (2k boxes at once).
        q_lo = np.quantile(xi, alpha, axis=0)
        q_hi = np.quantile(xi, 1.0 - alpha, axis=0)
        keep = np.concatenate([xi >= q_lo, xi <= q_hi], axis=1)  # n_in x 2k
        count = keep.sum(axis=0)
        cases = yi.astype(float) @ keep
        valid = (count < n_in) & (count >= mass_min * n) & (count > 0)
        if not valid.any():
            break
        mean_new = np.where(count > 0, cases / np.maximum(count, 1), 0.0)
        gain = _objective(objective, yi.mean(), mean_new, n_in, count)
        gain = np.where(valid, gain, -np.inf)
        best = int(np.argmax(gain))
        if not gain[best] > 0:
            break
        j = best % k
        lower, upper = lowers[-1].copy(), uppers[-1].copy()
        if best < k:
            lower[j] = q_lo[j]
        else:
            upper[j] = q_hi[j]
        idx = np.flatnonzero(inside)
        inside = np.zeros(n, dtype=bool)
        inside[idx[keep[:, best]]] = True
        lowers.append(lower)
        uppers.append(upper)
        record(inside)
    trajectory = pd.DataFrame(rows, columns=["coverage", "density", "mass", "n", "restricted"])
    trajectory.index.name = "box"
    return PrimResult(names=names, x=x, y=y, lowers=lowers, uppers=uppers, trajectory=trajectory,
                      alpha=float(alpha), paste_alpha=float(paste_alpha), mass_min=float(mass_min),
                      objective=objective)
