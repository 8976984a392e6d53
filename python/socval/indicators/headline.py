"""Headline indicators of simulated scenarios, each with its interval: the table a decision paper leads with.

For each scenario, per draw: NPSV, BCR (on public sector cost, the headline; and on all costs), SROI, the place
perspective's NPSV and BCR (labelled "place perspective (the region)", when the scenario declares it), value by pillar, jobs for local people, tCO2e avoided, local spend
retained, the share of spend kept locally and LM3; then the mean and an interval (5th and 95th percentiles by
default) of each, P(NPSV > 0) and, for a comparison, P(best) on NPSV. Used by ``socval.demo`` and
``socval.report``.

Indicators are found by general rules, not by the ids of one set of scenarios:

- value by pillar: the per-draw pillar values (a pillar no priority of the scenario belongs to is left out);
- jobs for local people, apprenticeships and the LM3 rounds: the outcomes the scenario declares in its
  ``indicators:`` section (docs/formats/scenario.md), else the documented default ids
  (:data:`socval.indicators.local_economy.INDICATOR_DEFAULTS`: ``spend_round1``, ``spend_round2_local``,
  ``spend_round3_local``, ``jobs_for_local_people``; apprenticeships only when declared);
- tCO2e avoided: the outcomes valued at the carbon value, or measured in tCO2e, that feed no other such outcome
  (so a chain gross -> net is counted once).

An indicator a scenario does not have is left out (NaN in a comparison where other scenarios have it), never
shown as zero.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from .._util.labels import PLACE_LABEL, quantile_label
from ..engine.comparison import Comparison
from ..engine.results import Results
from ..model.words import PILLARS
from .local_economy import declared_indicators, local_economy

__all__ = ["INTERVAL", "Indicator", "indicators", "headline_table", "format_table", "short_names", "scenario_of",
           "carbon_outcomes", "results_of"]

#: Interval reported beside each mean: the 5th and 95th percentiles of the draws (a 90% interval).
INTERVAL: Tuple[float, float] = (0.05, 0.95)
#: Labels of the columns holding one probability each (no interval), in table order.
P_POSITIVE = "P(NPSV > 0)"
P_BEST = "P(best NPSV)"
#: Column labels of the BCR on all costs and of the place perspective's NPSV and BCR.
BCR_ALL_COSTS = "BCR, all costs"
PLACE_NPSV = f"NPSV, {PLACE_LABEL} (GBP m)"
PLACE_BCR = f"BCR, {PLACE_LABEL}"
#: Units of outcomes counted as tonnes of CO2 equivalent (compared lower-case, without spaces).
CARBON_UNITS = frozenset({"tco2e", "tco2", "tco2eq", "tonneco2e", "tonnesco2e", "tonnesofco2e", "tonneofco2e"})
_MILLION = 1e6


@dataclass(frozen=True)
class Indicator:
    """One headline indicator of one scenario.

    Attributes
    ----------
    label
        Column label, with its unit (``"NPSV (GBP m)"``).
    draws
        Its value in every draw (NaN where undefined, e.g. a BCR with zero costs).
    digits
        Decimals to show.
    definition
        What it is and where it comes from, for the methodology statement.
    """

    label: str
    draws: np.ndarray
    digits: int
    definition: str




def scenario_of(results: Results):
    """The scenario a Results was simulated from: :meth:`socval.Results.scenario`."""
    return results.scenario()


def _norm_unit(unit: str) -> str:
    return "".join(str(unit).lower().split()).replace("\u2082", "2")


def carbon_outcomes(scenario) -> List[str]:
    """Outcomes counted as tCO2e avoided: valued at the carbon value or measured in tCO2e, leaving out any that
    feeds (through a link) another such outcome, so a chain is counted once at its end."""
    table = scenario.outcomes
    found = [o for o in table.index
             if table.at[o, "valuation"] == "carbon" or _norm_unit(table.at[o, "unit"]) in CARBON_UNITS]
    graph = scenario.graph()
    links = set(zip(graph.loc[graph["kind"] == "link", "from"], graph.loc[graph["kind"] == "link", "to"]))
    return [o for o in found if not any((o, other) in links for other in found if other != o)]


def indicators(results: Results, scenario: Any = None) -> Dict[str, Indicator]:
    """The headline indicators of one scenario's results, per draw, in table order.

    Parameters
    ----------
    results
        A simulated ``socval.Results``. Outcome-based indicators (jobs, tCO2e, local spend, LM3) need per-draw
        outcome totals (``keep_outcomes``, kept by default); without them they are left out.
    scenario
        The ``socval.Scenario`` simulated (default: rebuilt from the results' scenario text).

    Returns
    -------
    dict
        label -> :class:`Indicator`; indicators the scenario does not have are absent.
    """
    out: Dict[str, Indicator] = {}

    def put(label: str, x: Any, digits: int, definition: str) -> None:
        out[label] = Indicator(label, np.asarray(x, dtype=float), digits, definition)

    put("NPSV (GBP m)", results.draws("npsv") / _MILLION, 1,
        "net present social value (UK perspective): PV of benefits - PV of all costs to UK society (the body's "
        "costs with optimism bias and declared costs to others)")
    put("BCR", results.draws("bcr"), 2, "benefit-cost ratio (UK perspective), the headline BCR: denominator the "
        "public sector cost (PV of the body's costs with optimism bias); costs borne by others (suppliers, partners, "
        "participants) are counted as negative benefits in the numerator, so NPSV = numerator - denominator (the "
        "Green Book 2026's return on public sector cost, Table 10)")
    metrics = set(results.metrics())
    if "bcr_all_costs" in metrics:
        put(BCR_ALL_COSTS, results.draws("bcr_all_costs"), 2, "benefit-cost ratio (UK perspective) on all costs: PV "
            "of benefits / PV of all costs to UK society (the body's with optimism bias and costs to others)")
    sroi = np.asarray(results.draws("sroi"), dtype=float)
    if np.isfinite(sroi).any():
        put("SROI", sroi, 2, "SROI ratio in the Social Value UK form: PV of net value (after deadweight, "
            "displacement, attribution and drop-off) / PV of all inputs (the body's investment before optimism "
            "bias and others' declared inputs); materiality and stakeholder involvement are outside the model")
    if "place_npsv" in metrics:
        put(PLACE_NPSV, results.draws("place_npsv") / _MILLION, 1,
            f"NPSV in the {PLACE_LABEL}: the scenario with each outcome's place overrides (local displacement, "
            "local spend retained, leakage out of the region), simulated on the same draws; not the headline")
        put(PLACE_BCR, results.draws("place_bcr"), 2,
            f"BCR on public sector cost in the {PLACE_LABEL}, on the same draws; not the headline")
    by_priority = results.by_priority() if any(m.startswith("priority.") for m in metrics) else None
    pillars_used = set() if by_priority is None else set(by_priority["pillar"].drop("unallocated", errors="ignore"))
    # Value below GBP 1 per GBP 1m of benefits is rounding in the engine's sums, not value (e.g. "unallocated").
    tol = 1e-6 * max(1.0, float(np.nanmean(np.abs(results.draws("pv_benefits")))))
    for pillar in PILLARS:
        m = f"pillar.{pillar}"
        x = np.asarray(results.draws(m), dtype=float) if m in metrics else None
        if x is None or (pillar not in pillars_used and not np.any(np.abs(x) > tol)):
            continue
        put(f"{pillar} value (GBP m)", x / _MILLION, 1,
            f"PV of the value serving the priorities of the {pillar} pillar" if pillar != "unallocated"
            else "PV of value not allocated to any priority")
    if scenario is None and "scenario_text" in results.attrs:
        scenario = scenario_of(results)
    ids = declared_indicators(scenario)  # the scenario's `indicators:`, else the documented default ids
    jobs = ids["local_jobs"]
    if jobs and f"outcome.{jobs}" in metrics:
        put("jobs for local people", results.draws(f"outcome.{jobs}"), 0,
            f"total of outcome {jobs!r} over the horizon (net of additionality)")
    apprenticeships = ids["apprenticeships"]
    if apprenticeships and f"outcome.{apprenticeships}" in metrics:
        put("apprenticeships", results.draws(f"outcome.{apprenticeships}"), 0,
            f"total of outcome {apprenticeships!r} over the horizon (net of additionality)")
    if scenario is not None:
        carbon = [o for o in carbon_outcomes(scenario) if f"outcome.{o}" in metrics]
        if carbon:
            put("tCO2e avoided", np.sum([results.draws(f"outcome.{o}") for o in carbon], axis=0), 0,
                "total over the horizon of outcome(s) " + ", ".join(repr(o) for o in carbon)
                + " (valued at the carbon value, or in tCO2e)")
    rounds = [ids[k] for k in ("round1", "round2", "round3")]
    if all(r and f"outcome.{r}" in metrics for r in rounds):
        le = local_economy(results, *rounds, jobs=None)
        put("local spend retained (GBP m)", np.asarray(le.local_spend) / _MILLION, 1,
            f"LM3 round 2: spend with local suppliers and on local staff, total of outcome {rounds[1]!r} "
            f"(undiscounted)")
        put("share of spend kept locally (%)", 100 * np.asarray(le.local_share), 1,
            f"LM3 round 2 / round 1 (outcomes {rounds[1]!r} / {rounds[0]!r})")
        put("LM3", le.lm3, 2, "local multiplier 3: (round 1 + round 2 + round 3) / round 1 (nef 2002)")
    return out


def results_of(obj: Any) -> Dict[str, Results]:
    """name -> Results of a socval.Results, a socval.Comparison or a mapping name -> Results."""
    if isinstance(obj, Results):
        return {str(obj.attrs.get("scenario_name") or "scenario"): obj}
    if isinstance(obj, Comparison):
        return {n: obj.results[n] for n in obj.names}
    if isinstance(obj, Mapping):
        return dict(obj)
    raise TypeError(f"expected a socval.Results, a socval.Comparison or a mapping name -> Results, found "
                    f"{type(obj).__name__}")


def headline_table(obj: Union[Results, Comparison, Mapping[str, Results]],
                   interval: Tuple[float, float] = INTERVAL,
                   indicators_of: Optional[Mapping[str, Mapping[str, Indicator]]] = None) -> pd.DataFrame:
    """Scenario x (indicator, statistic): mean and interval of each indicator over the draws, P(NPSV > 0) and,
    for a comparison, P(best) on NPSV (the share of paired draws in which the scenario has the highest NPSV).

    Parameters
    ----------
    obj
        A ``socval.Results``, a ``socval.Comparison`` (scenarios on common random numbers) or a mapping.
    interval
        The two quantile levels of the interval (default the 5th and 95th percentiles).
    indicators_of
        Precomputed ``{scenario: indicators(...)}`` (default: computed here).

    Returns
    -------
    pandas.DataFrame
        Index ``scenario``; columns a MultiIndex (indicator, statistic) with statistics ``mean``, ``p5``,
        ``p95`` (the interval's levels), and ``(P(NPSV > 0), "")``, ``(P(best NPSV), "")``. An indicator no
        scenario has is left out; one some scenarios lack is NaN for them.
    """
    res = results_of(obj)
    ind = dict(indicators_of) if indicators_of is not None else {n: indicators(r) for n, r in res.items()}
    labels: List[str] = []
    for n in res:
        for k in ind[n]:
            if k not in labels:
                labels.append(k)
    order = {k: i for i, k in enumerate(_ORDER)}
    labels.sort(key=lambda k: order.get(k, len(order)))
    lo_name, hi_name = quantile_label(interval[0]), quantile_label(interval[1])
    p_best = None
    if isinstance(obj, Comparison) and len(res) > 1:
        p_best = obj.p_best("npsv")
    rows = {}
    for n in res:
        row: Dict[Tuple[str, str], float] = {}
        for k in labels:
            x = ind[n][k].draws if k in ind[n] else np.array([np.nan])
            x = x[~np.isnan(x)]
            if x.size:
                lo, hi = np.quantile(x, interval)
                row[(k, "mean")], row[(k, lo_name)], row[(k, hi_name)] = float(x.mean()), float(lo), float(hi)
            else:
                row[(k, "mean")] = row[(k, lo_name)] = row[(k, hi_name)] = np.nan
        npsv = np.asarray(res[n].draws("npsv"), dtype=float)
        row[(P_POSITIVE, "")] = float(np.mean(npsv > 0))
        if p_best is not None:
            row[(P_BEST, "")] = float(p_best[n])
        rows[n] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["indicator", "statistic"])
    table.index.name = "scenario"
    table.attrs["digits"] = {k: next(ind[n][k].digits for n in res if k in ind[n]) for k in labels}
    table.attrs["interval"] = tuple(float(q) for q in interval)
    return table


_ORDER = ["NPSV (GBP m)", "BCR", BCR_ALL_COSTS, "SROI", PLACE_NPSV, PLACE_BCR] + [f"{p} value (GBP m)" for p in PILLARS] + [
    "jobs for local people", "tCO2e avoided", "local spend retained (GBP m)", "share of spend kept locally (%)",
    "LM3"]
_DIGITS = {"BCR": 2, BCR_ALL_COSTS: 2, PLACE_BCR: 2, "SROI": 2, "LM3": 2, "jobs for local people": 0, "tCO2e avoided": 0}


def short_names(names: Sequence[str]) -> List[str]:
    """Scenario names without the prefix they all share up to a " - " or ": " (``"West of England - baseline"``
    -> ``"baseline"``); unchanged if they share none or there is one name."""
    names = [str(n) for n in names]
    if len(names) < 2:
        return names
    prefix = os.path.commonprefix(names)
    cut = max(prefix.rfind(" - ") + 3 if " - " in prefix else 0, prefix.rfind(": ") + 2 if ": " in prefix else 0)
    if cut and all(len(n) > cut for n in names):
        return [n[cut:] for n in names]
    return names


def _digits(table: pd.DataFrame, label: str) -> int:
    """Decimals of a column: the indicator's own; for GBP m columns of small amounts more (2 below GBP 10m, 3 below
    GBP 1m, judged on the largest figure of the column) so that small scenarios do not read as zeros."""
    known = table.attrs.get("digits", {})
    d = int(known[label]) if label in known else _DIGITS.get(
        label, 1 if label.endswith("(GBP m)") or label.endswith("(%)") else 2)
    if label.endswith("(GBP m)"):
        x = np.abs(table[label].to_numpy(dtype=float))
        x = x[np.isfinite(x)]
        if x.size and x.max() > 0:
            d = max(d, 3 if x.max() < 1 else 2 if x.max() < 10 else d)
    return d


def format_table(table: pd.DataFrame, short: bool = True) -> pd.DataFrame:
    """The headline table as text cells "mean [low, high]" (probabilities as 0.00), one column per indicator.

    ``short`` drops the prefix every scenario name shares (:func:`short_names`).
    """
    names = short_names(list(table.index)) if short else [str(n) for n in table.index]
    out = pd.DataFrame(index=pd.Index(names, name="scenario"))
    for k in dict.fromkeys(table.columns.get_level_values(0)):
        stats = [s for (i, s) in table.columns if i == k]
        if stats == [""]:
            out[k] = [f"{v:.2f}" if np.isfinite(v) else "n/a" for v in table[(k, "")]]
            continue
        lo, hi = [s for s in stats if s != "mean"][:2]
        d = _digits(table, k)
        out[k] = [f"{m:,.{d}f} [{a:,.{d}f}, {b:,.{d}f}]" if np.isfinite(m) else "n/a"
                  for m, a, b in zip(table[(k, "mean")], table[(k, lo)], table[(k, hi)])]
    return out
