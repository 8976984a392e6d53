"""The summary in plain words generated from the numbers (the best scenario, its NPSV and interval, against the
runner-up, its ratios, pillars and biggest risks) and the notes and warnings beneath the headline figures."""
from __future__ import annotations

import re
from typing import List

import numpy as np
import pandas as pd

from ..indicators import headline
from ..model.words import PILLARS
from .content import _Content
from .text import _gbp, _list, _pct


def summary(content: _Content) -> List[str]:
    """The summary as one paragraph (a list, for the templates)."""
    b = content.best
    x = content.npsv[b]
    x = x[~np.isnan(x)]
    lo, hi = np.quantile(x, headline.INTERVAL)
    draws = int(content.first.attrs["draws"])
    s: List[str] = []
    interval = f"90% interval {_gbp(lo)} to {_gbp(hi)}"
    if content.is_comparison:
        p_best = float(content.table.loc[b, (headline.P_BEST, "")])
        sure = ("a clear choice" if p_best >= 0.9 else "a likely but not certain choice" if p_best >= 0.7
                else "not a clear choice: other scenarios come out best in many draws")
        s.append(f"Of the {len(content.names)} scenarios, each simulated on the same {draws:,} draws of the "
                 f"uncertain inputs, {content.short[b]} has the highest expected net present social value (NPSV): "
                 f"{_gbp(float(x.mean()))} ({interval}). It has the highest NPSV in {_pct(p_best)} of the "
                 f"draws, so it is {sure}.")
        others = sorted((n for n in content.names if n != b), key=lambda n: -float(np.nanmean(content.npsv[n])))
        r = others[0]
        d = content.npsv[b] - content.npsv[r]
        d = d[~np.isnan(d)]
        dlo, dhi = np.quantile(d, headline.INTERVAL)
        s.append(f"Against the runner-up, {content.short[r]} (expected NPSV {_gbp(float(np.nanmean(content.npsv[r])))}"
                 f"), it does better in {_pct(float(np.mean(d > 0)))} of the paired draws, by "
                 f"{_gbp(float(d.mean()))} on average (90% interval {_gbp(dlo)} to {_gbp(dhi)}).")
    else:
        s.append(f"{content.names[0]} has an expected net present social value (NPSV) of {_gbp(float(x.mean()))} "
                 f"({interval}) over {draws:,} draws of its uncertain inputs.")
    s.append(_ratios_sentence(content, b))
    s.append(_pillar_sentence(content, b))
    s.append(_risk_sentence(content, b))
    return [" ".join(t for t in s if t)]


def _ratios_sentence(content: _Content, b: str) -> str:
    ind = content.indicators[b]
    bcr = ind["BCR"].draws
    bcr = bcr[np.isfinite(bcr)]
    if not bcr.size:
        return ""
    lo, hi = np.quantile(bcr, headline.INTERVAL)
    p_pos = float(np.mean(content.npsv[b] > 0))
    text = (f"Its benefit-cost ratio is {bcr.mean():.2f} (90% interval {lo:.2f} to {hi:.2f}; UK perspective, "
            f"the public sector cost in the denominator, costs borne by others counted against the benefits): each "
            f"pound of public cost returns {bcr.mean():.2f} pounds of social value, and benefits exceed costs in "
            f"{_pct(p_pos)} of the draws.")
    if headline.BCR_ALL_COSTS in ind:
        text += f" On all costs to UK society the BCR is {np.nanmean(ind[headline.BCR_ALL_COSTS].draws):.2f}."
    if headline.PLACE_NPSV in ind:
        place = ind[headline.PLACE_NPSV].draws
        text += (f" In the {headline.PLACE_LABEL}, on the same draws, its expected NPSV is "
                 f"{_gbp(float(np.nanmean(place)) * 1e6)} (the headline figures are the UK perspective).")
    return text


def _pillar_sentence(content: _Content, b: str) -> str:
    r = content.results[b]
    pv = float(np.nanmean(r.draws("pv_benefits")))
    if pv <= 0:
        return ""
    shares = {p: float(np.nanmean(r.draws(f"pillar.{p}"))) / pv for p in PILLARS[:3]
              if f"pillar.{p}" in r.metrics()}
    order = sorted(shares, key=lambda p: -shares[p])
    if not order:
        return ""
    text = f"Most of its value is {order[0]} ({_pct(shares[order[0]])} of the present value of benefits)"
    rest = [f"{p} {_pct(shares[p])}" for p in order[1:] if shares[p] > 0.005]
    return text + (f", then {_list(rest)}." if rest else ".")


def _risk_sentence(content: _Content, b: str) -> str:
    x = content.npsv[b]
    p_neg = float(np.mean(x < 0))
    p5 = float(np.quantile(x[~np.isnan(x)], headline.INTERVAL[0]))
    drivers = _sensitivity_drivers(content) or _variance_drivers(content, b)
    if p_neg == 0:  # no draw loses value: not a risk, say so and name what moves the result most
        safe = f"Its NPSV is positive in every draw (5th percentile {_gbp(p5)})"
        return f"{safe}; what moves it most: {drivers}." if drivers else f"{safe}."
    downside = f"its NPSV is negative in {_pct(p_neg)} of the draws (5th percentile {_gbp(p5)})"
    return f"The biggest risks: {downside}; {drivers}." if drivers else f"The biggest risk: {downside}."


def _sensitivity_drivers(content: _Content) -> str:
    for label, item in content.sensitivity:
        if isinstance(item, pd.DataFrame) and {"input", "swing"} <= set(item.columns):
            top = [_words(content, i) for i in item["input"].head(3)]
            return (f"in the one-way sensitivity analysis ({label}) the inputs that move the result most are "
                    f"{_list(top)}")
        if hasattr(item, "ST") and hasattr(item, "names"):
            order = np.argsort(-np.asarray(item.ST, dtype=float))[:3]
            top = [f"{_words(content, item.names[i])} (total Sobol index {float(item.ST[i]):.2f})" for i in order]
            return f"in the variance-based sensitivity analysis ({label}) the inputs that matter most are " \
                   f"{_list(top)}"
        if hasattr(item, "mu_star") and hasattr(item, "names"):
            order = np.argsort(-np.asarray(item.mu_star, dtype=float))[:3]
            return f"in the Morris screening ({label}) the most influential inputs are " \
                   f"{_list([_words(content, item.names[i]) for i in order])}"
    return ""


def _words(content: _Content, pid: str) -> str:
    """A parameter id in words for the summary ("the deadweight of Job entries ..."), or the id itself."""
    if str(pid).startswith("value:"):  # a library value: "the value of a WELLBY (library)"
        from .tables import input_names

        name = input_names(content).get(str(pid), str(pid))
        return name[0].lower() + name[1:] if name != str(pid) else name
    parts = str(pid).split(".")
    if len(parts) < 3:
        return str(pid)
    kind, owner, rest = parts[0], parts[1], ".".join(parts[2:])
    for sc in content.scenarios.values():
        doc = sc.document
        if kind == "outcomes" and owner in sc.outcomes.index:
            field = {"value.per_unit": "value per unit", "drop_off": "drop-off"}.get(rest, rest.replace("_", " "))
            return f"the {field} of {sc.outcomes.at[owner, 'name']}"
        if kind == "options" and owner in sc.options.index:
            name = sc.options.at[owner, "name"]
            m = re.match(r"costs\[(\d+)\]\.(capital|revenue)$", rest)
            if m:
                return f"the {m.group(2)} cost of {name} (cost year {m.group(1)})"
            m = re.match(r"outputs\.([^.]+)\.amount$", rest)
            if m and m.group(1) in sc.outcomes.index:
                return f"the {sc.outcomes.at[m.group(1), 'name']} delivered by {name}"
            if rest == "optimism_bias.mitigation":
                return f"the optimism bias mitigation of {name}"
        if kind == "links" and rest == "coefficient":
            for link in doc.get("links") or []:
                lid = link.get("id") or f"{link.get('from')}->{link.get('to')}"
                if lid == owner:
                    names = {**dict(zip(sc.outcomes.index, sc.outcomes["name"])),
                             **dict(zip(sc.options.index, sc.options["name"]))}
                    return (f"the coefficient from {names.get(link.get('from'), link.get('from'))} to "
                            f"{names.get(link.get('to'), link.get('to'))}")
    return str(pid)


def _variance_drivers(content: _Content, b: str) -> str:
    """The parts of NPSV (value of each priority, costs) that carry most of its variance across draws:
    var(NPSV) = sum over parts of cov(part, NPSV), with costs counted negatively (an exact decomposition)."""
    r = content.results[b]
    x = content.npsv[b]
    var = float(np.nanvar(x))
    if not var > 0:
        return ""
    names = content.priority_names(b)
    parts = {f"the value of {names.get(p, p)}": r.draws(f"priority.{p}") for p in r.priorities}
    parts["costs"] = -np.asarray(r.draws("pv_costs"), dtype=float)
    xc = x - np.nanmean(x)
    share = {k: float(np.nanmean((np.asarray(v, dtype=float) - np.nanmean(v)) * xc)) / var
             for k, v in parts.items()}
    top = [k for k in sorted(share, key=lambda k: -share[k]) if share[k] >= 0.1][:2]
    if not top:
        return ""
    return ("most of the uncertainty in its NPSV comes from "
            + _list([f"{k} ({_pct(share[k])} of its variance)" for k in top]))


def notes(content: _Content) -> List[str]:
    """The warnings of every run and scenario, once each (prefixed by the scenario in a comparison)."""
    out: List[str] = []
    for n, r in content.results.items():
        for w in list(r.attrs.get("warnings") or []) + content.scenarios[n].warnings:
            text = f"{content.short[n]}: {w}" if content.is_comparison else str(w)
            if text not in out:
                out.append(text)
    return out


