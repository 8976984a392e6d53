"""Value of information: which evidence is worth buying before deciding.

``evpi`` is the expected value of perfect information about everything; ``evppi`` the expected value of perfect
information about one parameter or a group, estimated by nonparametric regression of the net benefits on the
parameters' sampled values (Strong, Oakley & Brennan 2014) with penalised splines fitted in C++. Formulas, the
choice of smoother and the standard error: ``docs/model/sensitivity.md``.

Net benefits are a (draws x options) array, e.g. the per-draw NPSV of each option of a comparison; the inputs are the
parameter values of the same draws.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import numpy as np
import pandas as pd

from .._util.numbers import money

from .._core import SensitivityError
from .._core import sensitivity as _core

__all__ = ["EvppiResult", "evpi", "evppi", "evppi_ranking", "why_zero"]


def _net_benefit(net_benefit) -> np.ndarray:
    nb = np.asarray(net_benefit, dtype=float)
    if nb.ndim != 2:
        raise SensitivityError(f"net_benefit: expected a 2-D array (draws x options), got shape {nb.shape}")
    return np.ascontiguousarray(nb)


def _inputs(inputs, draws: int, what: str = "inputs") -> np.ndarray:
    x = np.asarray(inputs, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise SensitivityError(f"{what}: expected a 1-D array (one parameter) or 2-D array (draws x parameters), "
                               f"got shape {x.shape}")
    if x.shape[0] != draws:
        raise SensitivityError(f"{what}: expected {draws} rows (one per draw of net_benefit), got {x.shape[0]}")
    return np.ascontiguousarray(x)


@dataclass
class EvppiResult:
    """EVPPI of one parameter or group, in net-benefit units.

    ``evppi`` is clipped into [0, EVPI]; ``raw`` is the value before clipping and ``clipped`` says whether clipping
    happened. ``se`` is the standard error from the regression's uncertainty (Strong et al. 2014, section 4.3).
    """

    evppi: float
    se: float
    evpi: float
    raw: float
    clipped: bool
    method: str
    edf: np.ndarray
    smoothing: np.ndarray

    def __float__(self) -> float:
        return self.evppi


def evpi(net_benefit) -> float:
    """Expected value of perfect information: ``mean(max over options) - max(mean over draws)``.

    Parameters
    ----------
    net_benefit
        Array (draws x options) of Monte Carlo net benefits (at least 2 draws and 2 options).
    """
    return float(_core.voi.evpi(_net_benefit(net_benefit)))


def evppi(net_benefit, inputs, method: str = "auto", segments: Optional[int] = None, se_samples: int = 200,
          seed: int = 0) -> EvppiResult:
    """Expected value of partial perfect information about a parameter or group of parameters.

    Parameters
    ----------
    net_benefit
        Array (draws x options).
    inputs
        The parameter's sampled values (1-D, one per draw) or a group's (draws x p).
    method
        ``"auto"`` (``"spline"`` for one parameter, ``"tensor"`` for 2-3, ``"additive"`` for 4 or more),
        ``"spline"``, ``"tensor"`` (tensor-product P-spline: captures interactions) or ``"additive"`` (sum of
        one-dimensional P-splines: ignores interactions within the group, so it can under-estimate).
    segments
        B-spline segments per parameter (default 20 for one parameter, 8 for two, 4 for three, 8 additive).
    se_samples
        Draws of the regression coefficients for the standard error (0: no standard error, ``se`` is NaN).
    seed
        Seed of those draws.
    """
    nb = _net_benefit(net_benefit)
    x = _inputs(inputs, nb.shape[0])
    if segments is not None and int(segments) < 1:
        raise SensitivityError(f"segments: expected None or >= 1, got {segments}")
    r = _core.voi.evppi(nb, x, method=str(method), segments=0 if segments is None else int(segments),
                        se_samples=int(se_samples), seed=int(seed))
    return EvppiResult(evppi=float(r.evppi), se=float(r.se), evpi=float(r.evpi), raw=float(r.raw),
                       clipped=bool(r.clipped), method=str(r.method), edf=np.array(r.edf),
                       smoothing=np.array(r.smoothing))


def evppi_ranking(net_benefit, inputs_dict: Mapping[str, object], method: str = "auto", se_samples: int = 200,
                  seed: int = 0) -> pd.DataFrame:
    """EVPPI of each parameter (or group) in ``inputs_dict``, ranked from most to least valuable evidence.

    Parameters
    ----------
    net_benefit
        Array (draws x options).
    inputs_dict
        ``{name: values}``, values 1-D (one parameter) or draws x p (a group).

    Returns
    -------
    pandas.DataFrame
        Index ``parameter``; columns ``evppi, se, share_of_evpi, evpi, method, clipped, adjusted``, sorted by
        decreasing EVPPI. When one entry's columns are a subset of another's (a group containing a parameter), the
        group's EVPPI is raised to at least the subset's (``adjusted`` is True): EVPPI cannot fall when evidence is
        added, and separate regressions can violate that by their estimation error.
    """
    nb = _net_benefit(net_benefit)
    if not isinstance(inputs_dict, Mapping) or len(inputs_dict) == 0:
        raise SensitivityError("inputs_dict: expected a non-empty mapping {name: values}")
    xs = {str(k): _inputs(v, nb.shape[0], what=f"inputs_dict[{k!r}]") for k, v in inputs_dict.items()}
    results = {k: evppi(nb, x, method=method, se_samples=se_samples, seed=seed) for k, x in xs.items()}
    values = {k: r.evppi for k, r in results.items()}
    # Monotonicity over nested sets: a column is identified by its exact values.
    keys = {k: {x[:, j].tobytes() for j in range(x.shape[1])} for k, x in xs.items()}
    adjusted = {k: False for k in xs}
    for k in sorted(xs, key=lambda name: len(keys[name])):
        for s in xs:
            if s != k and keys[s] < keys[k] and values[s] > values[k]:
                values[k] = values[s]
                adjusted[k] = True
    total = next(iter(results.values())).evpi
    df = pd.DataFrame({
        "evppi": [values[k] for k in xs],
        "se": [results[k].se for k in xs],
        "share_of_evpi": [values[k] / total if total > 0 else 0.0 for k in xs],
        "evpi": [results[k].evpi for k in xs],
        "method": [results[k].method for k in xs],
        "clipped": [results[k].clipped for k in xs],
        "adjusted": [adjusted[k] for k in xs],
    }, index=pd.Index(list(xs), name="parameter"))
    # most valuable first; equal EVPPIs (e.g. all zero) by name, so the order never depends on the input order
    order = sorted(range(len(df)), key=lambda i: (-df["evppi"].iloc[i], df.index[i]))
    return df.iloc[order]


def why_zero(net_benefit, names: Sequence[str], evppis: Sequence[float]) -> str:
    """Why every EVPPI is zero, in words ('' when some EVPPI is positive).

    With no decision uncertainty (one option has the highest net benefit in every draw) the EVPI, and so every
    EVPPI, is zero: no evidence can change the decision. Otherwise no single parameter, learnt on its own,
    moves the expected net benefits enough to change the choice (the regression finds no signal)."""
    if any(float(v) > 0 for v in evppis):
        return ""
    nb = _net_benefit(net_benefit)
    best = np.argmax(nb, axis=1)
    counts = np.bincount(best, minlength=nb.shape[1])
    if counts.max() == nb.shape[0]:
        winner = names[int(np.argmax(counts))]
        return (f"every EVPPI is zero because there is no decision uncertainty: {winner} has the highest NPSV in "
                f"every one of the {nb.shape[0]:,} draws (EVPI 0), so no evidence about any parameter could change "
                f"the decision")
    share = counts.max() / nb.shape[0]
    return (f"every EVPPI is zero: the best option changes between draws ({names[int(np.argmax(counts))]} is best "
            f"in {share:.0%} of them; EVPI {money(float(_core.voi.evpi(nb)))}), but no single parameter learnt on its "
            f"own moves the expected NPSVs enough to change the choice; the value of information lies in "
            f"parameters jointly (rank groups of them) or in more draws")
