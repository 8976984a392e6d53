"""Sensitivity analysis for any vectorised model: Sobol indices, Morris elementary effects, one-way tornado.

The designs and estimators run in C++ (``socval._core.sensitivity``); this module maps unit-hypercube points to the
model's inputs, calls the model once on the whole design, and wraps the results. Formulas and sources:
``docs/model/sensitivity.md``.

Inputs are assumed independent: the Sobol and Morris designs sample each input on its own (for dependent inputs:
``socval.sensitivity.dependent``).

Examples
--------
>>> import numpy as np, socval
>>> res = socval.sensitivity.sobol(lambda x: x[:, 0] + 2 * x[:, 1], [(0, 1), (0, 1)], n=1024, seed=1)
>>> res.to_frame()  # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from .._core import SensitivityError
from .._core import sensitivity as _core
from .._util.checks import threads as checked_threads

__all__ = ["SobolResult", "MorrisResult", "sobol", "morris", "tornado"]

Bound = Union[Tuple[float, float], Any]  # (low, high) or an object with a vectorised .ppf (scipy frozen dist)
Model = Callable[[np.ndarray], Any]


# ------------------------------------------------------------------------------------------------------------------
# Inputs: bounds or distributions -> a map from the unit hypercube
# ------------------------------------------------------------------------------------------------------------------

def _check_bounds(bounds: Sequence[Bound]) -> List[Bound]:
    """Validate ``bounds``: each a (low, high) pair with low < high, or an object with a ``ppf`` method."""
    if isinstance(bounds, (str, bytes)) or not isinstance(bounds, Sequence) or len(bounds) == 0:
        raise SensitivityError(f"bounds: expected a non-empty list of (low, high) pairs or distributions, "
                               f"got {bounds!r}")
    out: List[Bound] = []
    for i, b in enumerate(bounds):
        if hasattr(b, "ppf"):
            out.append(b)
            continue
        try:
            low, high = (float(v) for v in b)
        except (TypeError, ValueError):
            raise SensitivityError(f"bounds[{i}]: expected (low, high) or a distribution with .ppf, got {b!r}") from None
        if not (np.isfinite(low) and np.isfinite(high)):
            raise SensitivityError(f"bounds[{i}]: low and high must be finite, got ({low}, {high})")
        if not low < high:
            raise SensitivityError(f"bounds[{i}]: low must be < high, got ({low}, {high})")
        out.append((low, high))
    return out


def _names(names: Optional[Sequence[str]], k: int, what: str = "names") -> List[str]:
    if names is None:
        return [f"x{i}" for i in range(k)]
    names = [str(n) for n in names]
    if len(names) != k:
        raise SensitivityError(f"{what}: expected {k} names (one per input), got {len(names)}")
    if len(set(names)) != k:
        raise SensitivityError(f"{what}: names must be unique, got {names}")
    return names


def _from_unit(unit: np.ndarray, bounds: Sequence[Bound],
               quantile_range: Tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """Map unit-hypercube points to the inputs, one vectorised call per column (uniform scaling or ``ppf``)."""
    x = np.empty_like(unit)
    qlo, qhi = quantile_range
    for j, b in enumerate(bounds):
        if hasattr(b, "ppf"):
            x[:, j] = np.asarray(b.ppf(qlo + unit[:, j] * (qhi - qlo)), dtype=float)
        else:
            low, high = b
            x[:, j] = low + unit[:, j] * (high - low)
    return x


def _evaluate(func: Model, x: np.ndarray) -> np.ndarray:
    """Call the model once on the whole design and check it returned one finite-or-not number per row."""
    y = np.asarray(func(x), dtype=float)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (x.shape[0],):
        raise SensitivityError(f"func: expected one output per row, shape ({x.shape[0]},), got shape {y.shape}")
    return np.ascontiguousarray(y)


def _group_of(groups: Union[None, Mapping[str, Sequence[Union[str, int]]], Sequence[str]],
              names: List[str]) -> Tuple[List[int], List[str]]:
    """Turn ``groups`` into a factor index per input and the factor names.

    ``groups`` is a mapping ``{group: [input name or index, ...]}`` that must partition the inputs, or a sequence of
    one group label per input.
    """
    k = len(names)
    if groups is None:
        return [], names
    if isinstance(groups, Mapping):
        group_of = [-1] * k
        labels = [str(g) for g in groups]
        for gi, (label, members) in enumerate(groups.items()):
            if isinstance(members, (str, int)):
                members = [members]
            for m in members:
                if isinstance(m, (int, np.integer)):
                    if not 0 <= int(m) < k:
                        raise SensitivityError(f"groups[{label!r}]: input index {m} out of range 0..{k - 1}")
                    i = int(m)
                elif m in names:
                    i = names.index(m)
                else:
                    raise SensitivityError(f"groups[{label!r}]: unknown input {m!r}; inputs are {names}")
                if group_of[i] != -1:
                    raise SensitivityError(f"groups: input {names[i]!r} is in two groups "
                                           f"({labels[group_of[i]]!r} and {label!r})")
                group_of[i] = gi
        missing = [names[i] for i in range(k) if group_of[i] == -1]
        if missing:
            raise SensitivityError(f"groups: every input must be in a group; missing {missing}")
        return group_of, labels
    labels_per_input = [str(g) for g in groups]
    if len(labels_per_input) != k:
        raise SensitivityError(f"groups: expected one group label per input ({k}), got {len(labels_per_input)}")
    labels = list(dict.fromkeys(labels_per_input))
    return [labels.index(g) for g in labels_per_input], labels


# ------------------------------------------------------------------------------------------------------------------
# Sobol
# ------------------------------------------------------------------------------------------------------------------

@dataclass
class SobolResult:
    """Sobol indices of each factor (an input, or a group of inputs) with bootstrap intervals.

    ``S1_conf`` and ``ST_conf`` are half-widths: the interval is ``S1 +- S1_conf`` at level ``conf_level``.
    ``convergence`` holds the indices estimated on the first n/8, n/4, n/2 and n base rows of the same design.
    """

    names: List[str]
    S1: np.ndarray
    ST: np.ndarray
    S1_conf: np.ndarray
    ST_conf: np.ndarray
    n: int
    evaluations: int
    conf_level: float
    variance: float
    convergence: pd.DataFrame
    S2: Optional[np.ndarray] = None
    S2_conf: Optional[np.ndarray] = None
    groups: Optional[Dict[str, List[str]]] = None
    seed: int = 0
    method: str = "Sobol indices (Saltelli et al. 2010; Jansen 1999), independent inputs"

    def to_frame(self) -> pd.DataFrame:
        """One row per factor: S1, S1_conf, ST, ST_conf."""
        return pd.DataFrame({"S1": self.S1, "S1_conf": self.S1_conf, "ST": self.ST, "ST_conf": self.ST_conf},
                            index=pd.Index(self.names, name="factor"))

    def s2_frame(self) -> pd.DataFrame:
        """Second-order indices, one row per pair of factors (empty without ``second_order=True``)."""
        rows = []
        if self.S2 is not None:
            g = len(self.names)
            for i in range(g):
                for j in range(i + 1, g):
                    rows.append((self.names[i], self.names[j], self.S2[i, j], self.S2_conf[i, j]))
        return pd.DataFrame(rows, columns=["factor_i", "factor_j", "S2", "S2_conf"])


def sobol(func: Model, bounds: Sequence[Bound], n: int = 1024, seed: int = 0, names: Optional[Sequence[str]] = None,
          second_order: bool = False, groups=None, conf_level: float = 0.95, n_bootstrap: int = 1000,
          threads: Optional[int] = None) -> SobolResult:
    """Sobol first-order and total indices by Saltelli sampling on a scrambled Sobol sequence.

    Parameters
    ----------
    func
        Vectorised model: maps an (m x k) array of inputs to m outputs. Called once, on the whole design of
        ``n * (G + 2)`` rows (``n * (2G + 2)`` with ``second_order``), G the number of factors.
    bounds
        One entry per input: ``(low, high)`` for a uniform input, or a distribution with a vectorised ``ppf``
        (e.g. a frozen ``scipy.stats`` distribution). Inputs are sampled independently.
    n
        Base sample size, a power of 2 (the Sobol net property; other values raise ``SensitivityError``).
    seed
        Seed of the scrambling and of the bootstrap: the same seed gives identical results.
    names
        Input names (default ``x0, x1, ...``).
    second_order
        Also estimate second-order indices ``S2`` (Saltelli 2002), at the cost of G more blocks of n rows.
    groups
        Group indices: ``{group: [inputs]}`` partitioning the inputs, or one group label per input. A group is
        resampled together and treated as one factor; results are then per group.
    conf_level, n_bootstrap
        Level and number of replicates of the bootstrap intervals (rows resampled jointly across blocks).
    threads
        Threads for the bootstrap (default: all cores); the result does not depend on it.

    Returns
    -------
    SobolResult
    """
    bounds = _check_bounds(bounds)
    setup = _sobol_setup(len(bounds), n, names, second_order, groups, conf_level, n_bootstrap)
    unit = _core.saltelli_design(setup.layout, int(seed))
    y = _evaluate(func, _from_unit(unit, bounds))
    return _sobol_result(setup, y, seed, conf_level, n_bootstrap, threads)


@dataclass
class _SobolSetup:
    """A checked Sobol problem: the Saltelli layout, input and factor names, factor of each input."""

    layout: Any
    input_names: List[str]
    factor_names: List[str]
    group_of: List[int]


def _sobol_setup(k: int, n: int, names, second_order: bool, groups, conf_level: float,
                 n_bootstrap: int) -> _SobolSetup:
    """Check the arguments of :func:`sobol` for k inputs and build the layout (before any model evaluation)."""
    input_names = _names(names, k)
    group_of, factor_names = _group_of(groups, input_names)
    if not float(conf_level) < 1 or not float(conf_level) > 0:
        raise SensitivityError(f"conf_level: expected a value in (0, 1), got {conf_level}")
    if int(n_bootstrap) < 0:
        raise SensitivityError(f"n_bootstrap: expected >= 0, got {n_bootstrap}")
    layout = _core.saltelli_layout(int(n), k, group_of, bool(second_order))
    return _SobolSetup(layout, input_names, factor_names, group_of)


def _sobol_result(setup: _SobolSetup, y: np.ndarray, seed: int, conf_level: float, n_bootstrap: int,
                  threads: Optional[int]) -> SobolResult:
    """Indices, intervals and convergence from the outputs at the Saltelli design (block-major)."""
    layout, factor_names, input_names, group_of = setup.layout, setup.factor_names, setup.input_names, setup.group_of
    k, second_order = len(input_names), bool(layout.second_order)
    args = dict(n_bootstrap=int(n_bootstrap), conf_level=float(conf_level), seed=int(seed), threads=checked_threads(threads, SensitivityError))
    conv = _core.sobol_convergence(y, layout, **args)
    full = conv[-1]
    rows = []
    for est in conv:
        for g, name in enumerate(factor_names):
            rows.append((est.n, est.n * layout.blocks, name, est.S1[g], est.S1_conf[g], est.ST[g], est.ST_conf[g]))
    convergence = pd.DataFrame(rows, columns=["n", "evaluations", "factor", "S1", "S1_conf", "ST", "ST_conf"])
    group_members = None
    if group_of:
        group_members = {g: [input_names[i] for i in range(k) if group_of[i] == gi]
                         for gi, g in enumerate(factor_names)}
    return SobolResult(names=factor_names, S1=np.array(full.S1), ST=np.array(full.ST), S1_conf=np.array(full.S1_conf),
                       ST_conf=np.array(full.ST_conf), n=int(layout.n), evaluations=int(layout.rows),
                       conf_level=float(conf_level), variance=float(full.variance), convergence=convergence,
                       S2=np.array(full.S2) if second_order else None,
                       S2_conf=np.array(full.S2_conf) if second_order else None,
                       groups=group_members, seed=int(seed))


# ------------------------------------------------------------------------------------------------------------------
# Morris
# ------------------------------------------------------------------------------------------------------------------

@dataclass
class MorrisResult:
    """Morris elementary-effect summaries per input.

    Effects are in output units per unit of the *scaled* input (the input's range, or its ``quantile_range`` for a
    distribution, mapped to [0, 1]), so they compare across inputs of different units.
    """

    names: List[str]
    mu: np.ndarray
    mu_star: np.ndarray
    sigma: np.ndarray
    effects: np.ndarray
    trajectories: int
    levels: int
    seed: int = 0

    def to_frame(self) -> pd.DataFrame:
        """One row per input: mu, mu_star, sigma, sorted as given."""
        return pd.DataFrame({"mu": self.mu, "mu_star": self.mu_star, "sigma": self.sigma},
                            index=pd.Index(self.names, name="input"))


def morris(func: Model, bounds: Sequence[Bound], trajectories: int = 20, levels: int = 4, seed: int = 0,
           names: Optional[Sequence[str]] = None,
           quantile_range: Tuple[float, float] = (0.01, 0.99)) -> MorrisResult:
    """Morris (1991) elementary effects with mu* (Campolongo et al. 2007), for screening many inputs cheaply.

    Parameters
    ----------
    func
        Vectorised model, called once on ``trajectories * (k + 1)`` rows.
    bounds
        ``(low, high)`` pairs or distributions with ``ppf``, as for :func:`sobol`.
    trajectories
        Number of one-at-a-time trajectories r (>= 2).
    levels
        Grid levels p (even); the step is Delta = p / (2 (p - 1)).
    seed
        Seed of the random trajectories.
    names
        Input names.
    quantile_range
        For distribution inputs, the quantiles that the grid's ends 0 and 1 map to (unbounded distributions would
        map them to infinity). Uniform ``(low, high)`` inputs always use their full range.
    """
    bounds = _check_bounds(bounds)
    k = len(bounds)
    input_names = _names(names, k)
    qlo, qhi = (float(q) for q in quantile_range)
    if not 0.0 <= qlo < qhi <= 1.0:
        raise SensitivityError(f"quantile_range: expected 0 <= low < high <= 1, got {quantile_range}")
    unit = _core.morris_design(k, int(trajectories), int(levels), int(seed))
    x = np.empty_like(unit)
    for j, b in enumerate(bounds):  # per column: uniform scaling, or ppf over the quantile range
        x[:, j] = _from_unit(unit[:, [j]], [b], (qlo, qhi) if hasattr(b, "ppf") else (0.0, 1.0))[:, 0]
    y = _evaluate(func, x)
    r = _core.morris_effects(unit, y, int(trajectories))
    return MorrisResult(names=input_names, mu=np.array(r.mu), mu_star=np.array(r.mu_star), sigma=np.array(r.sigma),
                        effects=np.array(r.effects), trajectories=int(trajectories), levels=int(levels),
                        seed=int(seed))


# ------------------------------------------------------------------------------------------------------------------
# Tornado
# ------------------------------------------------------------------------------------------------------------------

def tornado(func: Model, central: Sequence[float], low: Sequence[float], high: Sequence[float],
            names: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """One-way sensitivity: the output when each input goes to its low and high value (e.g. p10 and p90) with the
    others at their central values.

    ``func`` is called once on 2k + 1 rows (the central case first). Returns one row per input, sorted by
    decreasing swing ``|output_high - output_low|``, with columns ``input, low, high, output_low, output_high,
    swing``; ``df.attrs["base"]`` is the output at the central case.
    """
    central_a, low_a, high_a = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (central, low, high))
    if not (central_a.ndim == low_a.ndim == high_a.ndim == 1):
        raise SensitivityError("tornado: central, low and high must be 1-D sequences of numbers")
    input_names = _names(names, central_a.size)
    x = _core.tornado_design(central_a, low_a, high_a)
    t = _core.tornado_swings(_evaluate(func, np.array(x)))
    order = list(t.order)
    df = pd.DataFrame({
        "input": [input_names[i] for i in order],
        "low": low_a[order], "high": high_a[order],
        "output_low": np.array(t.output_low)[order], "output_high": np.array(t.output_high)[order],
        "swing": np.array(t.swing)[order],
    })
    df.attrs["base"] = float(t.base)
    return df
