"""Green Book appraisal: discounting, NPSV, BCR, SROI, equivalent annual value, optimism bias, additionality.

Discount schedules are named (``"standard"``, ``"health"``, ``"reduced"``, from the value library), given as a
constant rate (a float), or a :class:`DiscountSchedule`. Year 0 is the first year of the appraisal (undiscounted).
"""
from __future__ import annotations

from typing import Mapping, NamedTuple, Sequence, Union

import numpy as np

from .. import _core
from ..values import default_library

DiscountSchedule = _core.appraisal.DiscountSchedule
Schedule = Union[str, float, DiscountSchedule]


def resolve_schedule(spec: Schedule = "standard") -> DiscountSchedule:
    """Resolve a schedule: a library name, a constant rate, or a DiscountSchedule (returned as is)."""
    if isinstance(spec, DiscountSchedule):
        return spec
    if isinstance(spec, str):
        return default_library().schedule(spec)
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return DiscountSchedule.constant(float(spec))
    raise _core.AppraisalError(f"schedule: expected a name, a constant rate or a DiscountSchedule, found {spec!r}")


def _years(years) -> np.ndarray:
    y = np.asarray(years)
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.floor(y)):
            raise _core.AppraisalError(f"years: expected whole numbers of years >= 0, found {years!r}")
        y = y.astype(np.int64)
    elif y.dtype.kind not in "iu":
        raise _core.AppraisalError(f"years: expected whole numbers of years >= 0, found {years!r}")
    if np.any(y < 0):
        raise _core.AppraisalError(f"years: expected whole numbers of years >= 0, found {int(y.min())}")
    return y


def discount_factors(years, schedule: Schedule = "standard"):
    """Discount factor 1 / prod_{k=1..t}(1 + r_k) for each year t (an int or an array of ints >= 0)."""
    f = resolve_schedule(schedule).factor(_years(years))
    return float(f) if np.ndim(f) == 0 else np.asarray(f)


def npv(values: Sequence[float], start_year: int = 0, schedule: Schedule = "standard") -> float:
    """Present value of ``values[i]`` occurring in year ``start_year + i``."""
    return _core.appraisal.present_value(np.asarray(values, dtype=float), resolve_schedule(schedule), start_year)


class Appraisal(NamedTuple):
    """Headline figures of an appraisal."""

    pv_costs: float
    pv_benefits: float
    npsv: float
    bcr: float


def appraise(costs: Sequence[float], benefits: Sequence[float], schedule: Schedule = "standard") -> Appraisal:
    """PV costs, PV benefits, NPSV (= PV benefits - PV costs) and BCR (= PV benefits / PV costs) of two streams."""
    a = _core.appraisal.appraise(np.asarray(costs, float), np.asarray(benefits, float), resolve_schedule(schedule))
    return Appraisal(a.pv_costs, a.pv_benefits, a.npsv, a.bcr)


def npsv(costs: Sequence[float], benefits: Sequence[float], schedule: Schedule = "standard") -> float:
    """Net present social value: PV benefits - PV costs."""
    return appraise(costs, benefits, schedule).npsv


def bcr(costs: Sequence[float], benefits: Sequence[float], schedule: Schedule = "standard") -> float:
    """Benefit-cost ratio: PV benefits / PV costs (an AppraisalError when PV costs is not positive)."""
    a = appraise(costs, benefits, schedule)
    return _core.appraisal.bcr(a.pv_benefits, a.pv_costs)


def sroi_ratio(value: Sequence[float], investment: Sequence[float], schedule: Schedule = "standard") -> float:
    """SROI ratio: PV of (net, additional) value / PV of investment."""
    s = resolve_schedule(schedule)
    return _core.appraisal.sroi_ratio(npv(value, 0, s), npv(investment, 0, s))


def equivalent_annual_value(present_value: float, years: int, schedule: Schedule = "standard") -> float:
    """The constant amount paid in years 1..years whose PV equals ``present_value`` (Green Book annuity)."""
    return _core.appraisal.equivalent_annual_value(present_value, years, resolve_schedule(schedule))


def optimism_bias_uplift(category: Union[str, Mapping[str, float]], mitigation: float = 0.0,
                         kind: str = "capital") -> float:
    """Optimism bias uplift (a share) for a category, or for a blend ``{category: share}`` of categories.

    Each category's upper bound (``kind`` = ``"capital"``, ``"operating"`` or ``"duration"``) is reduced by
    ``mitigation`` (the share of the bias mitigated, in [0, 1]): uplift = upper * (1 - mitigation); a blend weights
    by share. A bound the Green Book table does not give (outsourcing's capital and duration; the operating bound of
    every other category) is an AppraisalError.
    """
    if kind not in ("capital", "operating", "duration"):
        raise _core.AppraisalError(
            f"optimism bias: expected kind 'capital', 'operating' or 'duration', found {kind!r}")
    lib = default_library()
    parts = {category: 1.0} if isinstance(category, str) else dict(category)
    uplifts = []
    for c, share in parts.items():
        upper = lib.optimism_bias(c)[kind]
        if upper is None:
            raise _core.AppraisalError(f"optimism bias: category {c!r} has no {kind} upper bound in the Green Book table")
        uplifts.append((share, _core.appraisal.optimism_bias_uplift(upper, mitigation)))
    return _core.appraisal.blended_uplift(uplifts)


def net_outcome(gross, deadweight: float = 0.0, displacement: float = 0.0, leakage: float = 0.0,
                substitution: float = 0.0, attribution: float = 1.0):
    """Gross to net: gross (1 - deadweight)(1 - displacement)(1 - leakage)(1 - substitution) attribution."""
    f = _core.appraisal.additionality_factor(deadweight, displacement, leakage, substitution, attribution)
    out = np.asarray(gross, dtype=float) * f
    return float(out) if out.ndim == 0 else out


def outcome_profile(delivered: Sequence[float], years: int, lag: int = 0, duration: int = 1,
                    drop_off: float = 0.0) -> np.ndarray:
    """Outcome level by year when ``delivered[i]`` is delivered in year i and each delivery starts after ``lag``
    years, lasts ``duration`` years and falls by ``drop_off`` a year."""
    return np.asarray(_core.appraisal.outcome_profile(np.asarray(delivered, float), lag, duration, drop_off, years))


def distributional_weights(incomes, median_income: float, eta: float = 1.3):
    """Green Book (2022) Annex A3 distributional weights, (median income / income)^eta, of each income (a number or
    an array of equivalised incomes, the same price base as the median); eta is the elasticity of the marginal
    utility of income (1.3 in the Green Book). Formula and sources: docs/model/distribution.md.

    >>> round(distributional_weights(12750, 25000), 2)
    2.4
    """
    y = np.asarray(incomes, dtype=float)
    w = np.asarray(_core.appraisal.distributional_weights(float(median_income), y.ravel().tolist(), float(eta)))
    return float(w[0]) if y.ndim == 0 else w.reshape(y.shape)
