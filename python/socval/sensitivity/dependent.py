"""Sensitivity with dependent inputs: Shapley effects and full / independent Sobol indices.

The inputs have the given marginals (``(low, high)`` uniform pairs or distributions with a vectorised ``ppf``) and
a Gaussian copula: their normal scores ``z_i = Phi^-1(F_i(x_i))`` are jointly normal with correlation R. The designs
(conditional sampling from the copula) and the estimators run in C++ (``socval._core.sensitivity``); this module maps
the unit points to the inputs, calls the model once on the whole design, and wraps the results. Formulas, sources
and how to read the indices: ``docs/model/sensitivity_dependent.md``.

Examples
--------
>>> import numpy as np, scipy.stats as st, socval
>>> r = [[1.0, 0.5], [0.5, 1.0]]
>>> res = socval.sensitivity.shapley(lambda x: x[:, 0] + x[:, 1], [st.norm(), st.norm()], correlation=r,
...                                  n_variance=2000, outer=200, inner=3, seed=1, n_bootstrap=0)
>>> [round(v, 1) for v in res.shapley]
[0.5, 0.5]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

from .._core import SensitivityError
from .._core import sampling as _sampling
from .._core import sensitivity as _core
from .._util.checks import threads as checked_threads
from .methods import Bound, Model, SobolResult, _check_bounds, _evaluate, _from_unit, _group_of, _names

__all__ = ["ShapleyResult", "DependentSobolResult", "shapley", "sobol_dependent", "copula_correlation",
           "SHAPLEY_METHOD", "DEPENDENT_SOBOL_METHOD"]

SHAPLEY_METHOD = "Shapley effects (Owen 2014; Song, Nelson and Staum 2016), Gaussian copula"
DEPENDENT_SOBOL_METHOD = ("full and independent Sobol indices (Mara and Tarantola 2012; Kucherenko, Tarantola and "
                          "Annoni 2012), Gaussian copula")


def copula_correlation(k: int, correlation=None, rank_correlation=None) -> np.ndarray:
    """The k x k normal-copula correlation R: ``correlation`` as given (the correlation of the normal scores), or
    ``rank_correlation`` (Spearman) converted by ``r = 2 sin(pi rho / 6)`` (Kruskal 1958, as the engine does), or
    the identity (independent inputs)."""
    if correlation is not None and rank_correlation is not None:
        raise SensitivityError("correlation, rank_correlation: give one of them, not both")
    if correlation is None and rank_correlation is None:
        return np.eye(k)
    given = correlation if correlation is not None else rank_correlation
    what = "correlation" if correlation is not None else "rank_correlation"
    try:
        m = np.array(given, dtype=float)
    except (TypeError, ValueError):
        raise SensitivityError(f"{what}: expected a {k} x {k} matrix of numbers, found {given!r}") from None
    if m.shape != (k, k):
        raise SensitivityError(f"{what}: expected a {k} x {k} matrix (one row and column per input), found shape "
                               f"{m.shape}")
    if rank_correlation is not None:
        try:
            return np.array(_sampling.GaussianCopula([f"x{i}" for i in range(k)], m).pearson)
        except Exception as e:  # the core's SamplingError says which check failed
            raise SensitivityError(f"rank_correlation: {e}") from None
    return m


def _conf(conf_level: float, n_bootstrap: int) -> None:
    if not 0.0 < float(conf_level) < 1.0:
        raise SensitivityError(f"conf_level: expected a value in (0, 1), got {conf_level}")
    if int(n_bootstrap) < 0:
        raise SensitivityError(f"n_bootstrap: expected >= 0, got {n_bootstrap}")


def _members(group_of: List[int], factor_names: List[str], input_names: List[str]) -> Optional[Dict[str, List[str]]]:
    if not group_of:
        return None
    return {g: [input_names[i] for i in range(len(input_names)) if group_of[i] == gi]
            for gi, g in enumerate(factor_names)}


# ------------------------------------------------------------------------------------------------------------------
# Shapley effects
# ------------------------------------------------------------------------------------------------------------------

@dataclass
class ShapleyResult:
    """Shapley effects of each factor (an input or a group), normalised by Var Y so that they sum to 1, with
    bootstrap half-widths ``shapley_conf`` at ``conf_level``. ``method`` names the estimator."""

    names: List[str]
    shapley: np.ndarray
    shapley_conf: np.ndarray
    variance: float
    evaluations: int
    conf_level: float
    exact: bool
    permutations: int
    outer: int
    inner: int
    n_variance: int
    groups: Optional[Dict[str, List[str]]] = None
    seed: int = 0
    method: str = SHAPLEY_METHOD

    def to_frame(self) -> pd.DataFrame:
        """One row per factor: shapley, shapley_conf."""
        return pd.DataFrame({"shapley": self.shapley, "shapley_conf": self.shapley_conf},
                            index=pd.Index(self.names, name="factor"))


def shapley(func: Model, marginals: Sequence[Bound], correlation=None, rank_correlation=None,
            method: str = "auto", permutations: int = 1000, outer: Optional[int] = None, inner: int = 3,
            n_variance: int = 4096, seed: int = 0, names: Optional[Sequence[str]] = None, groups=None,
            conf_level: float = 0.95, n_bootstrap: int = 500, threads: Optional[int] = None) -> ShapleyResult:
    """Shapley effects (Owen 2014) for dependent inputs, by the estimator of Song, Nelson and Staum (2016).

    Parameters
    ----------
    func
        Vectorised model: (m x k) inputs -> m outputs, called once on the whole design.
    marginals
        One per input: ``(low, high)`` (uniform) or a distribution with a vectorised ``ppf``.
    correlation, rank_correlation
        The Gaussian copula: the correlation of the normal scores, or a Spearman matrix converted as the engine
        does. Neither: independent inputs (the Shapley effect is then between S1 and ST).
    method
        ``"exact"`` (every subset of the d factors: ``n_variance + (2^d - 2) outer inner`` evaluations, d <= 12),
        ``"random"`` (``permutations`` random orders: ``n_variance + permutations (d - 1) outer inner``), or
        ``"auto"`` (exact for d <= 6).
    outer, inner
        Outer draws of the conditioning inputs and inner conditional draws per cost estimate (Song et al.: inner = 3,
        outer = 1 for random permutations; default outer: 1 random, 256 exact).
    n_variance
        Independent draws for Var Y.
    seed, names, groups, conf_level, n_bootstrap, threads
        As for :func:`socval.sensitivity.sobol`; the bootstrap resamples the variance rows and the outer draws
        (exact) or the permutations (random). Results do not depend on ``threads``.
    """
    bounds = _check_bounds(marginals)
    k = len(bounds)
    input_names = _names(names, k)
    group_of, factor_names = _group_of(groups, input_names)
    _conf(conf_level, n_bootstrap)
    if method not in ("auto", "exact", "random"):
        raise SensitivityError(f"method: expected 'auto', 'exact' or 'random', got {method!r}")
    d = len(factor_names)
    exact = method == "exact" or (method == "auto" and d <= 6)
    outer = (256 if exact else 1) if outer is None else int(outer)
    r = copula_correlation(k, correlation, rank_correlation)
    layout = _core.shapley_layout(r, group_of, int(n_variance), outer, int(inner), 0 if exact else int(permutations),
                                  int(seed))
    th = checked_threads(threads, SensitivityError)
    unit = _core.shapley_design(layout, int(seed), threads=th)
    y = _evaluate(func, _from_unit(unit, bounds))
    est = _core.shapley_effects(y, layout, n_bootstrap=int(n_bootstrap), conf_level=float(conf_level),
                                seed=int(seed), threads=th)
    return ShapleyResult(names=factor_names, shapley=np.array(est.shapley), shapley_conf=np.array(est.conf),
                         variance=float(est.variance), evaluations=int(layout.rows), conf_level=float(conf_level),
                         exact=bool(layout.exact), permutations=len(layout.permutations), outer=outer,
                         inner=int(inner), n_variance=int(n_variance),
                         groups=_members(group_of, factor_names, input_names), seed=int(seed))


# ------------------------------------------------------------------------------------------------------------------
# Full and independent Sobol indices
# ------------------------------------------------------------------------------------------------------------------

@dataclass
class DependentSobolResult(SobolResult):
    """Full and independent Sobol indices of each factor (Mara and Tarantola 2012) with bootstrap half-widths.

    ``S_full = Var(E[Y|X_g]) / Var Y`` and ``ST_full``: the factor with everything that moves with it;
    ``S_ind`` and ``ST_ind = E[Var(Y|X_~g)] / Var Y``: the factor's own part, independent of the others.
    ``S1`` and ``ST`` (what charts and reports of Sobol indices show) are Kucherenko et al.'s first-order and total
    indices: ``S1 = S_full``, ``ST = ST_ind``. With independent inputs full = independent = the usual indices.
    """

    S_full: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ST_full: np.ndarray = field(default_factory=lambda: np.zeros(0))
    S_ind: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ST_ind: np.ndarray = field(default_factory=lambda: np.zeros(0))
    S_full_conf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ST_full_conf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    S_ind_conf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ST_ind_conf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    method: str = DEPENDENT_SOBOL_METHOD

    def to_frame(self) -> pd.DataFrame:
        """One row per factor: S1 (= S_full), ST (= ST_ind) with intervals, then the four indices with theirs."""
        return pd.DataFrame({"S1": self.S1, "S1_conf": self.S1_conf, "ST": self.ST, "ST_conf": self.ST_conf,
                             "S_full": self.S_full, "S_full_conf": self.S_full_conf, "ST_full": self.ST_full,
                             "ST_full_conf": self.ST_full_conf, "S_ind": self.S_ind, "S_ind_conf": self.S_ind_conf,
                             "ST_ind": self.ST_ind, "ST_ind_conf": self.ST_ind_conf},
                            index=pd.Index(self.names, name="factor"))


def sobol_dependent(func: Model, marginals: Sequence[Bound], correlation=None, rank_correlation=None,
                    n: int = 1024, seed: int = 0, names: Optional[Sequence[str]] = None, groups=None,
                    conf_level: float = 0.95, n_bootstrap: int = 1000,
                    threads: Optional[int] = None) -> DependentSobolResult:
    """Full and independent Sobol indices for inputs dependent through a Gaussian copula.

    The design has ``n (2 + 2G)`` rows (G factors): A and B from a scrambled Sobol sequence correlated by the
    copula; per factor g, a block with g taken from B and the other inputs moved by their conditional law given it
    (full indices) and a block with the others from A and g's part independent of them from B (independent
    indices). Parameters as for :func:`shapley` and :func:`socval.sensitivity.sobol` (n a power of 2).
    """
    bounds = _check_bounds(marginals)
    k = len(bounds)
    input_names = _names(names, k)
    group_of, factor_names = _group_of(groups, input_names)
    _conf(conf_level, n_bootstrap)
    r = copula_correlation(k, correlation, rank_correlation)
    layout = _core.dependent_layout(int(n), r, group_of)
    unit = _core.dependent_design(layout, int(seed))
    y = _evaluate(func, _from_unit(unit, bounds))
    th = checked_threads(threads, SensitivityError)
    blocks = y.reshape(layout.blocks, int(n))
    estimates = []
    for m in (int(n) // 8, int(n) // 4, int(n) // 2, int(n)):  # a prefix of each block is the design of size m
        if m >= 4:
            sub = _core.dependent_layout(m, r, group_of)
            estimates.append(_core.dependent_indices(np.ascontiguousarray(blocks[:, :m]).ravel(), sub,
                                                     n_bootstrap=int(n_bootstrap), conf_level=float(conf_level),
                                                     seed=int(seed), threads=th))
    full = estimates[-1]
    rows = []
    for est in estimates:
        for g, name in enumerate(factor_names):
            rows.append((est.n, est.n * layout.blocks, name, est.S_full[g], est.S_full_conf[g], est.ST_ind[g],
                         est.ST_ind_conf[g]))
    convergence = pd.DataFrame(rows, columns=["n", "evaluations", "factor", "S1", "S1_conf", "ST", "ST_conf"])
    a = {name: np.array(getattr(full, name)) for name in ("S_full", "ST_full", "S_ind", "ST_ind", "S_full_conf",
                                                          "ST_full_conf", "S_ind_conf", "ST_ind_conf")}
    return DependentSobolResult(names=factor_names, S1=a["S_full"], ST=a["ST_ind"], S1_conf=a["S_full_conf"],
                                ST_conf=a["ST_ind_conf"], n=int(n), evaluations=int(layout.rows),
                                conf_level=float(conf_level), variance=float(full.variance),
                                convergence=convergence, groups=_members(group_of, factor_names, input_names),
                                seed=int(seed), **a)
