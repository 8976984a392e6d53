"""The report's section "Who benefits and where" (docs/model/distribution.md): value by place and by income quintile
with intervals, NPSV and BCR with Green Book Annex A3 weights beside the unweighted ones, the share reaching the two
lowest quintiles with P(best) across scenarios, and the switching value of eta; and the same as CSV frames."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np
import pandas as pd

from ..decision.fairness import eta_switching_values
from ..indicators.local_economy import local_by_place
from .content import _Content
from .tables import _Table

__all__ = ["who_benefits", "by_place_frame", "by_quintile_frame", "fairness_frame", "by_year_frame",
           "local_by_place_frame", "by_decile_frame"]


def _with(content: _Content, metric: str) -> List[str]:
    return [n for n in content.names if metric in content.results[n].metrics()]


def _stacked(content: _Content, method: str, names: List[str]) -> pd.DataFrame:
    frames = [getattr(content.results[n], method)().reset_index().assign(scenario=n) for n in names]
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    return df[["scenario"] + [c for c in df.columns if c != "scenario"]]


def by_place_frame(content: _Content) -> pd.DataFrame:
    """Scenario, place, mean, sd, p5, p50, p95, P(>0), share, spend, spend_share (GBP, present value)."""
    names = [n for n in content.names if any(m.startswith("place.") for m in content.results[n].metrics())]
    return _stacked(content, "by_place", names)


def by_quintile_frame(content: _Content) -> pd.DataFrame:
    """Scenario, quintile, mean, sd, p5, p50, p95, P(>0), share, weight, weighted (GBP, present value)."""
    return _stacked(content, "by_quintile", _with(content, "share_lowest_two"))


def by_decile_frame(content: _Content) -> pd.DataFrame:
    """Scenario, decile, mean, sd, p5, p50, p95, P(>0), share (GBP, present value): English IMD deciles."""
    return _stacked(content, "by_decile", _with(content, "share_most_deprived_20"))


def by_year_frame(content: _Content, dimension: str) -> pd.DataFrame:
    """Scenario, place (or quintile, or decile), year, mean, sd, min, max, p5 .. p95, share of that year's benefits
    (GBP, undiscounted): the per-year breakdown of every scenario that has it (results files before format 1.3 do not)."""
    frames = []
    for n in content.names:
        try:
            df = content.results[n].by(dimension, per="year")
        except KeyError:
            continue
        frames.append(df.reset_index().assign(scenario=n))
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    return df[["scenario"] + [c for c in df.columns if c != "scenario"]]


def local_by_place_frame(content: _Content) -> pd.DataFrame:
    """Scenario, place, local_spend (mean, p5, p50, p95, share) and local_jobs (the same): the place perspective's
    local measures per place (socval.indicators.local_economy.local_by_place) of every scenario that declares
    places and has the indicator outcomes, with their totals kept per draw."""
    frames = []
    for n in content.names:
        sc = content.scenarios.get(n)
        if sc is None:
            continue
        try:
            df = local_by_place(content.results[n], sc)
        except KeyError:  # no places, or outcome totals not kept per draw
            continue
        if len(df.columns):
            frames.append(df.reset_index().assign(scenario=n))
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    return df[["scenario"] + [c for c in df.columns if c != "scenario"]]


def _local_table(content: _Content, df: pd.DataFrame, names: Dict[str, str]) -> Optional[_Table]:
    if df.empty:
        return None
    scen = list(dict.fromkeys(df["scenario"]))
    m = df.set_index(["scenario", "place"])
    rows = []
    for k in dict.fromkeys(df["place"]):
        for j, (measure, label, scale, digits) in enumerate((("local_spend", "spend kept locally (GBP m)", 1e6, 1),
                                                             ("local_jobs", "jobs for local people", 1.0, 0))):
            if measure not in m.columns:
                continue
            cells = [names.get(str(k), str(k)) + ": " + label if j == 0 else "  " + label]
            for n in scen:
                r = m.loc[(n, k)] if (n, k) in m.index else None
                cells.append("n/a" if r is None or pd.isna(r[measure]) else
                             f"{r[measure] / scale:,.{digits}f} [{r[measure + '_p5'] / scale:,.{digits}f},\u00a0"
                             f"{r[measure + '_p95'] / scale:,.{digits}f}]")
            rows.append(cells)
    return _Table(["place and measure"] + [content.short[n] for n in scen], rows, note=(
        "The place perspective's local measures in each place: spend kept in the region (LM3 round 2, GBP million, "
        "undiscounted over the horizon) and jobs for local people, mean [5th, 95th percentile]; each indicator "
        "outcome's total split by its shares by place (by population where it gives none) in every draw, so the "
        "places add up to the region's figure."), numeric=[False] + [True] * len(scen),
        css="wide" if len(scen) > 3 else "")


def fairness_frame(content: _Content) -> pd.DataFrame:
    """Scenario, metric (NPSV, weighted NPSV, BCR, weighted BCR, share to q1 + q2, ...), mean, sd, p5, p50, p95."""
    return _stacked(content, "fairness", _with(content, "share_lowest_two"))


def _money(x: float) -> str:
    return f"{x / 1e6:,.1f}"


def _interval(row: Any, scale: float = 1e6, digits: int = 1) -> str:
    # a non-breaking space inside the interval, as the headline table: an interval never wraps inside
    return f"{row['mean'] / scale:,.{digits}f} [{row['p5'] / scale:,.{digits}f},\u00a0{row['p95'] / scale:,.{digits}f}]"


def _breakdown_table(content: _Content, df: pd.DataFrame, key: str, label: str, names: Dict[str, str],
                     note: str) -> Optional[_Table]:
    if df.empty:
        return None
    scen = list(dict.fromkeys(df["scenario"]))
    m = df.set_index(["scenario", key])
    rows = []
    for k in dict.fromkeys(df[key]):
        cells = [names.get(str(k), str(k))]
        for n in scen:
            cells.append(_interval(m.loc[(n, k)]) if (n, k) in m.index else "n/a")
        rows.append(cells)
        # the share of PV benefits on a row of its own, so that a five-scenario table keeps to the page's width
        rows.append(["  share of PV benefits"] + [f"{m.loc[(n, k), 'share']:.0%}" if (n, k) in m.index else "n/a"
                                                  for n in scen])
    return _Table([label] + [content.short[n] for n in scen], rows, note=note,
                  numeric=[False] + [True] * len(scen), css="wide" if len(scen) > 3 else "")


def who_benefits(content: _Content) -> Dict[str, Any]:
    """The section's text and tables; ``show`` is False when no scenario declares places or people."""
    places = by_place_frame(content)
    quint = by_quintile_frame(content)
    dec = by_decile_frame(content)
    out: Dict[str, Any] = {"show": not (places.empty and quint.empty and dec.empty), "paragraphs": [],
                           "by_place": None, "by_quintile": None, "fairness": None, "local_by_place": None,
                           "by_decile": None}
    if not out["show"]:
        return out
    place_names = {}
    for n in content.names:
        doc = getattr(content.scenarios.get(n), "document", None) or {}
        for p in doc.get("places") or []:
            place_names.setdefault(str(p.get("id")), str(p.get("name", p.get("id"))))
    out["by_place"] = _breakdown_table(
        content, places, "place", "place", place_names,
        "Present value landing in each place, GBP million, mean [5th, 95th percentile], and its share of PV benefits: each "
        "outcome's value split by its shares by place (by population where it gives none); the places add up to "
        "PV benefits in every draw.")
    out["local_by_place"] = _local_table(content, local_by_place_frame(content), place_names)
    qnames = {"q1": "q1 (lowest income)", "q5": "q5 (highest income)", "unallocated": "unallocated (weight 1)"}
    out["by_quintile"] = _breakdown_table(
        content, quint, "quintile", "income quintile", qnames,
        "Present value reaching each fifth of households by equivalised income, GBP million, mean [5th, 95th "
        "percentile], and its share of PV benefits. Unallocated: outcomes without quintile shares (e.g. fiscal savings, "
        "to taxpayers), weighted 1.")
    dnames = {"d1": "d1 (most deprived)", "d10": "d10 (least deprived)", "unallocated": "unallocated"}
    out["by_decile"] = _breakdown_table(
        content, dec, "decile", "IMD decile", dnames,
        "Present value reaching residents of each tenth of England's neighbourhoods by the Index of Multiple "
        "Deprivation, GBP million, mean [5th, 95th percentile], and its share of PV benefits. Not weighted: the "
        "distributional weights are by income quintile (Green Book Annex A3).")
    names = _with(content, "share_lowest_two")
    if names:
        out["fairness"] = _fairness_table(content, names)
        out["paragraphs"] = _paragraphs(content, names)
    dec_names = _with(content, "share_most_deprived_20")
    for n in dec_names:  # proportionate universalism by place of residence (Marmot)
        share = float(np.nanmean(content.results[n].draws("share_most_deprived_20")))
        who = f"In {content.short[n]}, " if len(content.names) > 1 else ""
        out["paragraphs"].append(
            f"{who}{share:.0%} of the value reaches residents of the most deprived 20% of neighbourhoods (English "
            f"IMD deciles 1 and 2; 20% would be an even spread), the proportionate-universalism view by place of "
            f"residence.")
    return out


def _p_best(content: _Content, names: List[str], metric: str) -> Dict[str, float]:
    if len(names) < 2 or not hasattr(content.obj, "p_best") or names != content.names:
        return {}
    return content.obj.p_best(metric).to_dict()


def _fairness_table(content: _Content, names: List[str]) -> _Table:
    metrics = [("npsv", "NPSV (GBP m)", 1e6, 1), ("weighted_npsv", "weighted NPSV (GBP m)", 1e6, 1),
               ("bcr", "BCR", 1.0, 2), ("weighted_bcr", "weighted BCR", 1.0, 2),
               ("share_lowest_two", "share to q1 + q2", 1.0, 0)]
    rows = []
    for metric, label, scale, digits in metrics:
        pb = _p_best(content, names, metric)
        cells = [label]
        for n in names:
            row = content.results[n].fairness().loc[metric]
            text = (f"{row['mean']:.0%} [{row['p5']:.0%},\u00a0{row['p95']:.0%}]" if metric == "share_lowest_two"
                    else _interval(row, scale, digits))
            cells.append(text)
        rows.append(cells)
        if pb:  # P(best) on a row of its own, so that a five-scenario table keeps to the page's width
            rows.append(["  P(best)"] + [f"{pb[n]:.0%}" for n in names])
    note = ("Mean [5th, 95th percentile] over the draws; weighted figures use the Green Book Annex A3 weights "
            "(median income / quintile income)^eta with eta uncertain (central 1.3); costs and unallocated value are "
            "weighted 1. Unweighted figures remain the headline.")
    if len(names) > 1:
        note += " P(best): share of the paired draws in which the scenario has the highest value of the row above."
    return _Table(["measure"] + [content.short[n] for n in names], rows, note=note,
                  numeric=[False] + [True] * len(names), css="wide" if len(names) > 3 else "")


def _paragraphs(content: _Content, names: List[str]) -> List[str]:
    res = {n: content.results[n] for n in names}
    share = {n: float(np.nanmean(r.draws("share_lowest_two"))) for n, r in res.items()}
    npsv = {n: float(np.nanmean(r.draws("npsv"))) for n, r in res.items()}
    wnpsv = {n: float(np.nanmean(r.draws("weighted_npsv"))) for n, r in res.items()}
    out = []
    if len(names) > 1:
        fair, best, wbest = max(share, key=share.get), max(npsv, key=npsv.get), max(wnpsv, key=wnpsv.get)
        same = "the same scenario" if fair == best else f"{content.short[best]}"
        out.append(f"The fairest scenario, by the share of value reaching the poorest two fifths of households, is "
                   f"{content.short[fair]} ({share[fair]:.0%}); the highest expected NPSV is {same}; with "
                   f"distributional weights the highest expected NPSV is {content.short[wbest]}.")
    else:
        n = names[0]
        out.append(f"{share[n]:.0%} of the value reaches the poorest two fifths of households (q1 and q2; 40% would "
                   f"be an even spread). Weighted by income (Green Book Annex A3), the expected NPSV is GBP "
                   f"{_money(wnpsv[n])}m against GBP {_money(npsv[n])}m unweighted.")
    sw = eta_switching_values(res)
    if sw.empty:
        out.append("No value of eta between 0 and 5 changes the sign of an expected weighted NPSV or which scenario "
                   "has the highest: the conclusion does not rest on the weights.")
    else:
        r = sw.iloc[0]
        what = (f"the expected weighted NPSV of {content.short[r['scenario']]} changes sign"
                if r["kind"] == "sign" else
                f"the highest expected weighted NPSV passes from {content.short[r['scenario']]} to "
                f"{content.short[r['other']]}")
        out.append(f"Switching value of the weights: at eta = {r['eta']:.2f} (central 1.3) {what}.")
    return out
