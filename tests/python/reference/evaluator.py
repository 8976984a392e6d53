"""A plainly written, slow reference evaluator of a scenario document (a dict with the structure of a scenario
file, docs/formats/scenario.md), following docs/model/engine.md literally.

It shares no code with the C++ engine: it reads the value library's YAML tables itself, computes discount factors
as products of (1 + r_k), persistence as a convolution, and attribution by tracking each funded option's
contribution through the graph. Only central values are used (a distribution's mean). It handles the documents the
tests generate (no include / extends).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Dict, List

import yaml

DATA = Path(__file__).resolve().parents[3] / "data"


def _table(name: str) -> Dict[str, Any]:
    with open(DATA / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


class Library:
    """The figures of data/*.yaml that the evaluation uses."""

    def __init__(self) -> None:
        self.schedules = {name: bands for name, bands in _table("stpr.yaml")["schedules"].items()}
        self.deflator = {int(y): float(v) for y, v in _table("gdp_deflator.yaml")["index"].items()}
        carbon = _table("carbon.yaml")
        self.carbon_base = int(carbon["provenance"]["price_base_year"])
        self.carbon = {int(y): [float(x) for x in v] for y, v in carbon["values"].items()}
        wellby = _table("wellby.yaml")
        self.wellby = (wellby["value"], int(wellby["provenance"]["price_base_year"]))
        qaly = _table("qaly.yaml")
        self.qaly = (qaly["value"], int(qaly["provenance"]["price_base_year"]))
        self.optimism_bias = _table("optimism_bias.yaml")["categories"]

    def rate(self, schedule: str, year: int) -> float:
        for band in self.schedules[schedule]:
            if band["from"] <= year <= band["to"]:
                return float(band["rate"])
        return float(self.schedules[schedule][-1]["rate"])

    def discount_factor(self, schedule: str, t: int) -> float:
        """1 / prod_{k=1..t} (1 + r_k)  (Green Book 2022, Annex A6)."""
        d = 1.0
        for k in range(1, t + 1):
            d = d / (1.0 + self.rate(schedule, k))
        return d

    def rebase(self, amount: float, from_year: int, to_year: int) -> float:
        return amount * self.deflator[to_year] / self.deflator[from_year]

    def carbon_value(self, year: int, case: str, price_base: int) -> float:
        """DESNZ value of the calendar year; outside the table the nearest published year is held."""
        years = sorted(self.carbon)
        y = min(max(year, years[0]), years[-1])
        v = self.carbon[y][["low", "central", "high"].index(case)]
        return self.rebase(v, self.carbon_base, price_base)


def central(x: Any) -> float:
    """The central value (the mean) of a number or a distribution."""
    if not isinstance(x, dict):
        return float(x)
    d = x["dist"]
    if d == "fixed":
        return float(x["value"])
    if d == "uniform":
        return (x["min"] + x["max"]) / 2
    if d == "triangular":
        return (x["min"] + x["mode"] + x["max"]) / 3
    if d == "pert":
        lam = x.get("lambda", 4)
        return (x["min"] + lam * x["mode"] + x["max"]) / (lam + 2)
    if d == "beta":
        lo, hi = x.get("min", 0), x.get("max", 1)
        return lo + (hi - lo) * x["alpha"] / (x["alpha"] + x["beta"])
    if d == "normal":
        return float(x["mean"])
    raise ValueError(f"reference evaluator: distribution {d} not supported")


def evaluate(doc: Dict[str, Any], lib: Library) -> Dict[str, Any]:
    """Evaluate a scenario document at its central values. Returns headline figures, value by priority,
    outcome levels and totals, and attribution by (option, priority)."""
    meta = doc["metadata"]
    H = int(meta["horizon"])
    pb = int(meta["price_base_year"])
    first = int(meta.get("first_year", pb))
    schedule = meta.get("schedule", "standard")
    carbon_case = meta.get("carbon_case", "central")
    priorities = [p["id"] for p in doc.get("priorities") or []]
    outcomes = doc.get("outcomes") or []
    out_index = {o["id"]: i for i, o in enumerate(outcomes)}
    options = {o["id"]: o for o in doc.get("options") or []}
    funded = []
    for f in (doc.get("scenario") or {}).get("funded") or []:
        f = {"option": f} if isinstance(f, str) else f
        funded.append((f["option"], float(f.get("scale", 1)), int(f.get("start", 0))))
    funded_ids = [f[0] for f in funded]

    # 1. Costs: pre-uplift spend by option and year (x (1 - benefits shortfall): the option's level); costs with
    # optimism bias on capital (capital bound) and revenue (operating bound); works-duration delay.
    spend = {i: [0.0] * H for i in funded_ids}
    listed = {i: [False] * H for i in funded_ids}
    keep = {}
    cost = [0.0] * H
    investment = [0.0] * H
    option_cost = {i: [0.0] * H for i in funded_ids}
    for oid, scale, start in funded:
        o = options[oid]
        ob = o.get("optimism_bias")
        upper, mitigation, rev_upper, rev_mitigation, delay = 0.0, 0.0, 0.0, 0.0, 0
        if ob is not None:
            cat = lib.optimism_bias[ob if isinstance(ob, str) else ob["category"]]
            upper = float(cat.get("capital", 0.0))
            mitigation = 0.0 if isinstance(ob, str) else central(ob.get("mitigation", 0))
            rev = None if isinstance(ob, str) else ob.get("revenue")
            if rev:
                rev_upper = float(lib.optimism_bias[rev["category"]]["operating"])
                rev_mitigation = central(rev.get("mitigation", 0))
            else:
                rev_upper, rev_mitigation = float(cat.get("operating", 0.0)), mitigation
            if not isinstance(ob, str) and ob.get("works_duration"):
                works = [int(c["year"]) for c in o.get("costs") or [] if c.get("capital", 0) != 0]
                overrun = float(cat["duration"]) * (1 - mitigation) * (max(works) - min(works) + 1)
                delay = math.floor(overrun + 0.5)  # round half away from zero (overrun >= 0)
        uplift = upper * (1 - mitigation)
        rev_uplift = rev_upper * (1 - rev_mitigation)
        keep[oid] = 1 - central(o.get("benefits_shortfall", 0))
        for c in o.get("costs") or []:
            t = start + delay + int(c["year"])
            if not 0 <= t < H:
                continue
            capital = central(c.get("capital", 0))
            revenue = central(c.get("revenue", 0))
            spend[oid][t] += scale * (capital + revenue) * keep[oid]
            listed[oid][t] = True
            investment[t] += scale * (capital + revenue)
            cost[t] += scale * (capital * (1 + uplift) + revenue * (1 + rev_uplift))
            option_cost[oid][t] += scale * (capital * (1 + uplift) + revenue * (1 + rev_uplift))

    # Outputs per outcome: (option, amount, per_pound).
    outputs: List[List[tuple]] = [[] for _ in outcomes]
    for oid, scale, start in funded:
        for target, spec in (options[oid].get("outputs") or {}).items():
            if isinstance(spec, dict) and "amount" in spec:
                outputs[out_index[target]].append((oid, central(spec["amount"]), spec.get("per", "year") == "pound"))
            else:
                outputs[out_index[target]].append((oid, central(spec), False))
    scale_of = {oid: scale for oid, scale, _ in funded}

    links: List[List[dict]] = [[] for _ in outcomes]
    for l in doc.get("links") or []:
        links[out_index[l["to"]]].append(l)

    # Evaluation order: lag-0 outcome -> outcome links first (Kahn, lowest index first).
    order: List[int] = []
    preds = {i: set() for i in range(len(outcomes))}
    for l in doc.get("links") or []:
        if int(l.get("lag", 0)) == 0 and l["from"] in out_index:
            preds[out_index[l["to"]]].add(out_index[l["from"]])
    while len(order) < len(outcomes):
        ready = [i for i in range(len(outcomes)) if i not in order and preds[i] <= set(order)]
        order.append(min(ready))

    def additionality(o: Dict[str, Any]) -> float:
        """(1 - deadweight)(1 - displacement)(1 - leakage)(1 - substitution) x attribution (HCA 2014)."""
        return ((1 - central(o.get("deadweight", 0))) * (1 - central(o.get("displacement", 0)))
                * (1 - central(o.get("leakage", 0))) * (1 - central(o.get("substitution", 0)))
                * central(o.get("attribution", 1)))

    def weight(o: Dict[str, Any], k: int) -> float:
        """Share of a year's delivery present k years later: (1 - drop_off)^(k - lag) in the window."""
        lag, duration = int(o.get("lag", 0)), int(o.get("duration", 1))
        if lag <= k < lag + duration:
            return (1 - central(o.get("drop_off", 0))) ** (k - lag)
        return 0.0

    # 2. Propagation, per channel: "total" and one channel per funded option (attribution).
    channels = ["total"] + funded_ids
    net = {c: [[0.0] * H for _ in outcomes] for c in channels}
    level = {c: [[0.0] * H for _ in outcomes] for c in channels}

    def source_level(name: str, s: int, channel: str) -> float:
        if name in out_index:
            return level[channel][out_index[name]][s]
        if name not in spend:  # an option not funded spends nothing
            return 0.0
        return spend[name][s] if channel in ("total", name) else 0.0

    for t in range(H):
        for o in order:
            oc = outcomes[o]
            for channel in channels:
                gross = 0.0
                for oid, amount, per_pound in outputs[o]:
                    if channel not in ("total", oid):
                        continue
                    if per_pound:
                        gross += amount * spend[oid][t]
                    elif listed[oid][t]:
                        gross += amount * scale_of[oid] * keep[oid]
                for l in links[o]:
                    s = t - int(l.get("lag", 0))
                    if s < 0:
                        continue
                    coefficient = central(l["coefficient"])
                    x_total = source_level(l["from"], s, "total")
                    x = source_level(l["from"], s, channel)
                    if l.get("form", "linear") == "saturating":
                        cap = central(l["cap"])
                        z = coefficient * x_total  # odd for z < 0: f(x) = -f(-x) (docs/model/engine.md)
                        f_total = math.copysign(cap * (1 - math.exp(-abs(z) / cap)), z)
                        # proportional share of the saturating link's output (docs/model/engine.md)
                        gross += f_total if channel == "total" else (f_total * x / x_total if x_total != 0 else 0.0)
                    else:
                        gross += coefficient * x
                net[channel][o][t] = gross * additionality(oc)
                # persistence as a convolution of all earlier years' net delivery
                level[channel][o][t] = sum(net[channel][o][s] * weight(oc, t - s) for s in range(t + 1))

    # 3. Monetisation and discounting.
    def price(oc: Dict[str, Any], t: int) -> float:
        v = oc.get("value", "none")
        if v in (None, "none"):
            return 0.0
        if not isinstance(v, dict) or "dist" in v:
            return central(v)  # GBP per unit in the scenario's price base
        kind = v["kind"]
        per_unit = central(v.get("per_unit", 1))
        if kind == "none":
            return 0.0
        if kind == "money":
            return per_unit * lib.rebase(1.0, int(v.get("price_base_year", pb)), pb)
        if kind == "carbon":
            return per_unit * lib.carbon_value(first + t, carbon_case, pb)
        if kind in ("wellby", "qaly"):
            values, base = lib.wellby if kind == "wellby" else lib.qaly
            return per_unit * lib.rebase(float(values[v.get("case", "central")]), base, pb)
        raise ValueError(f"reference evaluator: value kind {kind} not supported")

    def pv_of(channel: str, o: int) -> float:
        oc = outcomes[o]
        sched = oc.get("schedule", schedule)
        return sum(level[channel][o][t] * price(oc, t) * lib.discount_factor(sched, t) for t in range(H))

    pv_costs = sum(cost[t] * lib.discount_factor(schedule, t) for t in range(H))
    pv_investment = sum(investment[t] * lib.discount_factor(schedule, t) for t in range(H))
    outcome_pv = [pv_of("total", o) for o in range(len(outcomes))]
    pv_benefits = sum(outcome_pv)

    def by_priority(pvs: List[float]) -> Dict[str, float]:
        res = {p: 0.0 for p in priorities + ["unallocated"]}
        for o, oc in enumerate(outcomes):
            shares = oc.get("priorities") or {}
            for p, share in shares.items():
                res[p] += share * pvs[o]
            res["unallocated"] += pvs[o] * (1 - sum(shares.values()))
        return res

    attribution = {}
    for oid in funded_ids:
        for p, v in by_priority([pv_of(oid, o) for o in range(len(outcomes))]).items():
            attribution[(oid, p)] = v

    return {
        "pv_costs": pv_costs,
        "pv_investment": pv_investment,
        "pv_benefits": pv_benefits,
        "npsv": pv_benefits - pv_costs,
        "bcr": pv_benefits / pv_costs if pv_costs != 0 else math.nan,
        "sroi": pv_benefits / pv_investment if pv_investment != 0 else math.nan,
        "by_priority": by_priority(outcome_pv),
        "outcome_pv": dict(zip([o["id"] for o in outcomes], outcome_pv)),
        "totals": {oc["id"]: sum(level["total"][o]) for o, oc in enumerate(outcomes)},
        "levels": {oc["id"]: list(level["total"][o]) for o, oc in enumerate(outcomes)},
        "cost": cost,
        "option_cost": {oid: sum(option_cost[oid][t] * lib.discount_factor(schedule, t) for t in range(H))
                        for oid in funded_ids},
        "attribution": attribution,
    }
