"""Switching values of the distributional weights (Green Book Annex A3, para A3.22; docs/model/distribution.md).

With eta held at a value e, a scenario's mean weighted NPSV is linear in the weights:

    mean weighted NPSV(e) = mean NPSV + sum_q (exp(e ln(median / income_q)) - 1) x mean value of quintile q

(the per-draw identity of the engine, averaged). The switching value of eta is where this changes what the analysis
says: where a scenario's mean weighted NPSV changes sign, and, for several scenarios, where the scenario with the
highest mean weighted NPSV changes. Found on a grid of eta and refined by Brent's method (scipy.optimize.brentq).
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

import numpy as np
import pandas as pd
from scipy.optimize import brentq

__all__ = ["weighted_npsv_at", "eta_switching_values"]

#: The Green Book's central elasticity of the marginal utility of income (Annex A3, para A3.14).
ETA_CENTRAL = 1.3


def _means(results: Any):
    """(mean NPSV, mean value by quintile q1..q5, ln(median / income_q)) of a Results with ``people:``."""
    if "weighted_npsv" not in results.metrics():
        raise KeyError("eta switching value: the scenario declares no `people:` (docs/formats/scenario.md)")
    v = np.array([np.mean(results.draws(f"quintile.q{q}")) for q in range(1, 6)])
    return float(np.mean(results.draws("npsv"))), v, results.log_income_ratios


def weighted_npsv_at(results: Any, eta: Any) -> np.ndarray:
    """Mean weighted NPSV of a scenario's results with eta held at each value of ``eta`` (array in, array out)."""
    npsv, v, lr = _means(results)
    e = np.atleast_1d(np.asarray(eta, dtype=float))
    return npsv + (np.expm1(np.outer(e, lr)) * v).sum(axis=1)


def eta_switching_values(results: Mapping[str, Any], eta_max: float = 5.0, central: float = ETA_CENTRAL,
                         grid: int = 2001) -> pd.DataFrame:
    """Switching values of eta in [0, eta_max] for scenarios' results (name -> Results, e.g.
    ``Comparison.results``): one row per switch, columns kind (``"sign"``: the scenario's mean weighted NPSV
    changes sign; ``"ranking"``: the scenario with the highest mean weighted NPSV changes), scenario (or the
    best before), other (the best after, for a ranking switch), eta, and distance from the central eta (1.3).
    Rows are sorted by distance; an empty frame means nothing switches in the range.
    """
    if not results:
        raise ValueError("eta switching values: expected the results of at least one scenario, found none")
    names = list(results)
    e = np.linspace(0.0, float(eta_max), int(grid))
    f = np.vstack([weighted_npsv_at(results[n], e) for n in names])  # scenarios x grid
    parts = {n: _means(results[n]) for n in names}

    def at(n: str, x: float) -> float:
        npsv, v, lr = parts[n]
        return float(npsv + (np.expm1(x * lr) * v).sum())

    rows: List[Dict[str, Any]] = []
    for i, n in enumerate(names):
        s = np.sign(f[i])
        for k in np.nonzero(s[:-1] * s[1:] < 0)[0]:
            x = brentq(lambda t: at(n, t), e[k], e[k + 1], xtol=1e-12)
            rows.append({"kind": "sign", "scenario": n, "other": "", "eta": x})
    if len(names) > 1:
        best = np.argmax(f, axis=0)
        for k in np.nonzero(best[:-1] != best[1:])[0]:
            a, b = names[best[k]], names[best[k + 1]]
            x = brentq(lambda t: at(a, t) - at(b, t), e[k], e[k + 1], xtol=1e-12)
            rows.append({"kind": "ranking", "scenario": a, "other": b, "eta": x})
    df = pd.DataFrame(rows, columns=["kind", "scenario", "other", "eta"])
    df["distance"] = (df["eta"] - central).abs()
    return df.sort_values("distance", kind="stable").reset_index(drop=True)
