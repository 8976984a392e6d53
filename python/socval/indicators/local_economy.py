"""Local economy indicators: LM3 (local multiplier 3), the share of spend kept in the regional economy and jobs for
local people, computed from outcome totals of an evaluated or simulated scenario.

LM3 (new economics foundation, *The Money Trail*, Sacks 2002) follows money through three rounds:

- round 1 (R1): the spend (or income) being measured;
- round 2 (R2): the part of R1 spent in the area, with local suppliers and on staff who live there;
- round 3 (R3): the part of R2 that those local suppliers and staff re-spend in the area.

``LM3 = (R1 + R2 + R3) / R1``, between 1 (nothing stays) and 3 (everything stays, twice). The share of spend kept
in the regional economy is ``R2 / R1`` (the Lewisham social value report's "82% of spend kept in the London
economy"). Formulas and sources: ``docs/model/local_economy.md``.

In a scenario the three rounds are outcomes (``spend_round1``, ``spend_round2_local``, ``spend_round3_local`` in
the West of England scenarios) fed by links whose coefficients are the uncertain local shares, so each draw of a
simulation carries its own R1, R2 and R3; the functions here turn them into indicators, vectorised over draws.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Union

import numpy as np
import pandas as pd

from .._core import AppraisalError

__all__ = ["lm3", "local_share", "LocalEconomy", "local_economy", "ROUNDS", "INDICATOR_DEFAULTS",
           "declared_indicators", "local_by_place", "place_split"]

ArrayLike = Union[float, int, np.ndarray, list, pd.Series]

#: Default outcome ids of the three LM3 rounds and of jobs for local people (the West of England scenarios').
ROUNDS = {"round1": "spend_round1", "round2": "spend_round2_local", "round3": "spend_round3_local",
          "jobs": "jobs_for_local_people"}

#: The headline indicators a scenario declares in its ``indicators:`` section (docs/formats/scenario.md), with the
#: outcome ids used when it does not declare them. ``apprenticeships`` has no default: it is shown only when
#: declared.
INDICATOR_DEFAULTS: Dict[str, Optional[str]] = {
    "round1": ROUNDS["round1"], "round2": ROUNDS["round2"], "round3": ROUNDS["round3"],
    "local_jobs": ROUNDS["jobs"], "apprenticeships": None}


def declared_indicators(scenario: Any = None) -> Dict[str, Optional[str]]:
    """indicator -> outcome id (None: the scenario has none): the scenario's ``indicators:`` section (validated by
    the scenario reader: known indicators, outcome ids of the scenario) over :data:`INDICATOR_DEFAULTS`. A
    declared ``null`` says the scenario has no such outcome."""
    out = dict(INDICATOR_DEFAULTS)
    document = getattr(scenario, "document", None) if scenario is not None else None
    declared = (document or {}).get("indicators") or {}
    for key, outcome in declared.items():
        out[str(key)] = None if outcome is None else str(outcome)
    return out

# Relative slack allowed when checking R2 <= R1 and R3 <= R2 (floating-point sums of many flows).
_TOL = 1e-9


def _array(x: ArrayLike, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(a)):
        raise AppraisalError(f"lm3: {name}: expected finite amounts, found {x!r}")
    return a


def _scalar_or_array(a: np.ndarray):
    return a.item() if a.ndim == 0 else a


def _check_rounds(r1: np.ndarray, r2: np.ndarray, r3: np.ndarray | None) -> None:
    if np.any(r1 <= 0):
        raise AppraisalError(f"lm3: round1: expected a spend > 0, found {r1[r1 <= 0].ravel()[0]!r}")
    if np.any(r2 < 0):
        raise AppraisalError(f"lm3: round2: expected a local spend >= 0, found {r2[r2 < 0].ravel()[0]!r}")
    bad = r2 > r1 * (1 + _TOL)
    if np.any(bad):
        i = np.flatnonzero(np.broadcast_to(bad, np.broadcast(r1, r2).shape))[0]
        b1, b2 = np.broadcast_arrays(r1, r2)
        raise AppraisalError(f"lm3: round2: expected local spend <= round1 (it is part of it), found round2 "
                             f"{b2.ravel()[i]!r} > round1 {b1.ravel()[i]!r}")
    if r3 is not None:
        if np.any(r3 < 0):
            raise AppraisalError(f"lm3: round3: expected a local re-spend >= 0, found {r3[r3 < 0].ravel()[0]!r}")
        bad = r3 > r2 * (1 + _TOL)
        if np.any(bad):
            i = np.flatnonzero(np.broadcast_to(bad, np.broadcast(r2, r3).shape))[0]
            b2, b3 = np.broadcast_arrays(r2, r3)
            raise AppraisalError(f"lm3: round3: expected local re-spend <= round2 (it is re-spent from it), found "
                                 f"round3 {b3.ravel()[i]!r} > round2 {b2.ravel()[i]!r}")


def lm3(round1: ArrayLike, round2: ArrayLike, round3: ArrayLike):
    """LM3 = (R1 + R2 + R3) / R1 (nef, *The Money Trail*, 2002), element-wise over arrays of draws.

    Parameters
    ----------
    round1
        Round-1 spend, > 0.
    round2
        Round-2 local spend (with local suppliers and on local staff), 0 <= R2 <= R1.
    round3
        Round-3 local re-spend by the round-2 recipients, 0 <= R3 <= R2.

    Returns
    -------
    float or numpy.ndarray
        The multiplier, in [1, 3]; arrays broadcast.

    Raises
    ------
    socval.AppraisalError
        A round that is not finite, R1 <= 0, a negative round, R2 > R1 or R3 > R2.
    """
    r1, r2, r3 = _array(round1, "round1"), _array(round2, "round2"), _array(round3, "round3")
    _check_rounds(r1, r2, r3)
    return _scalar_or_array((r1 + r2 + r3) / r1)


def local_share(round1: ArrayLike, round2: ArrayLike):
    """Share of spend kept in the regional economy: R2 / R1, element-wise (in [0, 1]).

    Raises
    ------
    socval.AppraisalError
        A round that is not finite, R1 <= 0, R2 < 0 or R2 > R1.
    """
    r1, r2 = _array(round1, "round1"), _array(round2, "round2")
    _check_rounds(r1, r2, None)
    return _scalar_or_array(r2 / r1)


@dataclass(frozen=True)
class LocalEconomy:
    """Local economy indicators of one scenario (scalars for a deterministic evaluation, arrays over draws for a
    simulation).

    Attributes
    ----------
    round1, round2, round3
        LM3 rounds (GBP, undiscounted totals over the horizon, scenario prices).
    lm3
        (R1 + R2 + R3) / R1.
    local_share
        R2 / R1: share of spend kept in the regional economy.
    local_spend
        R2: spend kept in the regional economy (GBP), as in "GBP 74m spent in local supply chains".
    jobs_for_local_people
        Total of the jobs-for-local-people outcome (people), or NaN if the scenario has none.
    """

    round1: Any
    round2: Any
    round3: Any
    lm3: Any
    local_share: Any
    local_spend: Any
    jobs_for_local_people: Any

    def summary(self, quantiles: tuple = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Indicator x (mean, the quantiles): one row per indicator (a single column for scalars)."""
        rows = {}
        for name in ("lm3", "local_share", "local_spend", "jobs_for_local_people", "round1", "round2", "round3"):
            x = np.atleast_1d(np.asarray(getattr(self, name), dtype=float))
            rows[name] = [float(np.mean(x))] + [float(v) for v in np.quantile(x, quantiles)]
        cols = ["mean"] + [f"p{round(q * 100):g}" for q in quantiles]
        return pd.DataFrame.from_dict(rows, orient="index", columns=cols)


def _totals(source: Any, outcome: str) -> np.ndarray:
    """Undiscounted total of an outcome: per draw from a socval.Results, else from a mapping or a deterministic
    result (``outcome_ids`` / ``outcome_total``, or an ``outcomes`` table with a ``total`` column)."""
    if hasattr(source, "draws") and callable(source.draws):
        return np.asarray(source.draws(f"outcome.{outcome}"), dtype=float)
    if isinstance(source, (Mapping, pd.Series)):
        if outcome not in source:
            raise KeyError(f"local_economy: outcome {outcome!r} not found; expected one of {sorted(source.keys())}")
        return np.asarray(source[outcome], dtype=float)
    ids, totals = getattr(source, "outcome_ids", None), getattr(source, "outcome_total", None)
    if ids is not None and totals is not None:
        ids = list(ids)
        if outcome not in ids:
            raise KeyError(f"local_economy: outcome {outcome!r} not found; expected one of {ids}")
        return np.asarray(totals[ids.index(outcome)], dtype=float)
    table = getattr(source, "outcomes", None)
    if isinstance(table, pd.DataFrame) and "total" in table.columns:
        return _totals(table["total"], outcome)
    raise TypeError(f"local_economy: expected a socval.Results, a mapping of outcome totals or a deterministic "
                    f"result with outcome totals, found {type(source).__name__}")


def local_economy(source: Any, round1: str = ROUNDS["round1"], round2: str = ROUNDS["round2"],
                  round3: str = ROUNDS["round3"], jobs: str | None = ROUNDS["jobs"]) -> LocalEconomy:
    """LM3, the share of spend kept locally and jobs for local people from a scenario's outcome totals.

    Parameters
    ----------
    source
        A simulated ``socval.Results`` (per-draw outcome totals: simulate with ``keep_outcomes=True``), a mapping
        outcome id -> total (number or array of draws), or a deterministic result with ``outcome_ids`` and
        ``outcome_total``.
    round1, round2, round3
        Outcome ids of the three LM3 rounds.
    jobs
        Outcome id of jobs for local people; None or a missing outcome gives NaN.

    Returns
    -------
    LocalEconomy

    Raises
    ------
    KeyError
        A round outcome the source does not have.
    socval.AppraisalError
        Rounds that break 0 < R1, 0 <= R3 <= R2 <= R1.
    """
    r1, r2, r3 = (_totals(source, k) for k in (round1, round2, round3))
    try:
        j = _totals(source, jobs) if jobs else np.full_like(r1, np.nan)
    except KeyError:
        j = np.full_like(r1, np.nan)
    return LocalEconomy(round1=_scalar_or_array(r1), round2=_scalar_or_array(r2), round3=_scalar_or_array(r3),
                        lm3=lm3(r1, r2, r3), local_share=local_share(r1, r2), local_spend=_scalar_or_array(r2),
                        jobs_for_local_people=_scalar_or_array(j))


def place_split(results: Any, outcome: str, scenario: Any = None) -> np.ndarray:
    """Outcome ``outcome``'s undiscounted total split by place, draw by draw: (places x draws), the places in the
    scenario's ``places:`` order. Each draw's shares are the outcome's shares by place (its ``places:``, else the
    places' populations) normalised in that draw, as the engine splits value (docs/model/distribution.md, section
    1); uncertain shares take the values the simulation sampled (the same keyed streams,
    ``_core.analysis.sampled_parameters``), so the places add up to the outcome's total in every draw.

    Raises
    ------
    KeyError
        The scenario declares no places, has no such outcome, or the run did not keep outcome totals per draw.
    """
    from .. import _core

    sc = scenario if scenario is not None else results.scenario()
    core = getattr(sc, "core", sc)
    places = list(core.place_ids)
    if not places:
        raise KeyError("place_split: the scenario declares no places (add a `places:` section, "
                       "docs/formats/scenario.md)")
    ids = [o.id for o in core.outcomes]
    if outcome not in ids:
        raise KeyError(f"place_split: outcome {outcome!r} not found; expected one of {ids}")
    totals = np.asarray(results.draws(f"outcome.{outcome}"), dtype=float)
    own = core.outcomes[ids.index(outcome)].place_shares
    n = totals.size
    if not own:  # by population, the engine's default
        pop = np.asarray(core.place_populations, dtype=float)
        shares = np.repeat((pop / pop.sum())[:, None], n, axis=1)
    else:
        sampled = None
        rows = []
        for q in own:
            if q.uncertain:
                if sampled is None:
                    sampled = np.asarray(_core.analysis.sampled_parameters(
                        core, int(results.attrs["seed"]), n, sampler=results.sampler), dtype=float)
                rows.append(sampled[q.param])
            else:
                rows.append(np.full(n, float(q.value)))
        raw = np.vstack(rows)
        total = raw.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = np.where(total > 0.0, raw / np.where(total > 0.0, total, 1.0), 1.0 / len(places))
    return shares * totals


def local_by_place(results: Any, scenario: Any = None, quantiles: tuple = (0.05, 0.5, 0.95)) -> pd.DataFrame:
    """The place perspective's local measures per place (docs/model/local_economy.md, "By place"): spend kept in
    the region (LM3 round 2, GBP undiscounted over the horizon) and jobs for local people (people), each the
    scenario's declared indicator outcome (``indicators:``, else the West of England ids) split by place draw by
    draw with :func:`place_split`. Index place; columns ``<measure>`` (mean), ``<measure>_p5`` .. and
    ``<measure>_share`` (of the measure's mean total) for measure local_spend and local_jobs; a measure whose
    outcome the scenario does not have is left out. Empty when it has neither.

    Raises
    ------
    KeyError
        The scenario declares no places, or the run did not keep outcome totals per draw (simulate with
        ``keep_outcomes=True``).
    """
    sc = scenario if scenario is not None else results.scenario()
    core = getattr(sc, "core", sc)
    declared = declared_indicators(sc)
    ids = {o.id for o in core.outcomes}
    places = list(core.place_ids)
    df = pd.DataFrame(index=pd.Index(places, name="place"))
    for measure, key in (("local_spend", "round2"), ("local_jobs", "local_jobs")):
        outcome = declared.get(key)
        if outcome is None or outcome not in ids:
            continue
        if f"outcome.{outcome}" not in results.metrics():
            raise KeyError(f"local_by_place: the run kept no per-draw total of {outcome!r} (simulate with "
                           f"keep_outcomes=True)")
        parts = place_split(results, outcome, sc)
        mean = parts.mean(axis=1)
        df[measure] = mean
        for q, values in zip(quantiles, np.quantile(parts, quantiles, axis=1)):
            df[f"{measure}_p{round(q * 100):g}"] = values
        whole = mean.sum()
        df[f"{measure}_share"] = mean / whole if whole else np.nan
    return df
