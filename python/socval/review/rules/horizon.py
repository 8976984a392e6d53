"""Horizon, discounting and price base: benefits cut off by the horizon with no residual value, costs beyond the
horizon, the health discount schedule on the wrong outcomes, price bases that differ from the scenario's."""
from __future__ import annotations

from typing import Dict, List

from ..context import Context
from ..findings import Finding

RULES = {"HZ001": "benefits that outlast the horizon, with no residual value",
         "HZ002": "costs (and the outputs they fund) beyond the horizon",
         "HZ003": "discount schedule does not match the kind of value",
         "HZ004": "a money value in another price base than the scenario's"}
HEALTH_KINDS = ("wellby", "qaly")
SCHEDULE_GUIDANCE = ("Green Book 2022 Annex A6 (health effects valued in QALYs or WELLBYs are discounted at the "
                     "1.5% health rate, everything else at the 3.5% standard STPR); HMT Wellbeing Guidance (2021)")


def _end_years(ctx: Context, opt: str, start_year: int) -> Dict[str, int]:
    """Latest appraisal year each outcome below ``opt`` can be generated in (its lag and the links' lags added)."""
    latest: Dict[str, int] = {}
    todo = [(opt, start_year)]
    while todo:
        node, year = todo.pop()
        for target, edge in ctx.out_edges.get(node, []):
            y = year + int(getattr(edge, "lag", 0) or 0) + int(ctx.outcomes[target].lag)
            y = min(y, int(ctx.core.meta.horizon))  # past the horizon is past it: stops lagged cycles
            if y > latest.get(target, -1):
                latest[target] = y
                todo.append((target, y))
    return latest


def check(ctx: Context) -> List[Finding]:
    found = []
    horizon = int(ctx.core.meta.horizon)
    cut: Dict[str, List[str]] = {}
    for oid in ctx.checked_options:
        opt = ctx.options[oid]
        f = ctx.funded.get(oid)
        start = int(f.start) if f is not None else 0
        years = [int(c.year) for c in opt.costs]
        beyond = [start + y for y in years if start + y >= horizon]
        if beyond:
            found.append(ctx.finding(
                "HZ002", "error", ctx.key_position("options", oid, "costs"), f"options.{oid}.costs",
                f"option '{oid}' (start {start}) has cost years at appraisal year(s) {beyond}, at or beyond the "
                f"horizon of {horizon} years (years 0..{horizon - 1}): those costs and the outputs they fund are "
                f"left out of the appraisal", "Green Book 2022 ch. 5 and Annex A6 (the appraisal period covers the "
                                              "costs and benefits of the option)",
                "lengthen metadata.horizon or move the costs inside it"))
        if not years:
            continue
        for target, first in _end_years(ctx, oid, start + max(years)).items():
            o = ctx.outcomes[target]
            if int(o.duration) > 1 and first + int(o.duration) - 1 > horizon - 1 and ctx.valued(target):
                cut.setdefault(target, []).append(oid)
    residual = any("residual_value" in (it or {}) for it in ctx.items["options"].values())
    for target, opts in cut.items():
        if residual:
            break
        o = ctx.outcomes[target]
        found.append(ctx.finding(
            "HZ001", "warning", ctx.key_position("outcomes", target, "duration"), f"outcomes.{target}.duration",
            f"'{target}' lasts {int(o.duration)} years, but delivery by {', '.join(opts)} in its last funded year "
            f"runs past the horizon of {horizon} years: the years after it are not counted and no residual value is "
            f"declared", "Green Book 2022 ch. 6 and Annex A6 (residual value of assets whose life exceeds the "
                         "appraisal period)",
            "lengthen metadata.horizon to the asset's life, or count a residual value in the final year and say how"))
    default = ctx.core.meta.schedule or "standard"
    for oid in ctx.outcome_ids:
        if oid not in ctx.reached or not ctx.valued(oid):
            continue
        o = ctx.outcomes[oid]
        schedule = o.schedule or default
        kind = o.valuation.kind
        key = "schedule" if ctx.declared("outcomes", oid, "schedule") else "value"
        if kind in HEALTH_KINDS and schedule != "health":
            found.append(ctx.finding(
                "HZ003", "warning", ctx.key_position("outcomes", oid, key), f"outcomes.{oid}.schedule",
                f"'{oid}' is valued in {kind.upper()}s but discounted with the '{schedule}' schedule",
                SCHEDULE_GUIDANCE, "set schedule: health on this outcome"))
        elif kind not in HEALTH_KINDS and schedule == "health":
            found.append(ctx.finding(
                "HZ003", "warning", ctx.key_position("outcomes", oid, key), f"outcomes.{oid}.schedule",
                f"'{oid}' is valued as {kind} but discounted with the health schedule (1.5%)", SCHEDULE_GUIDANCE,
                "remove schedule: health (use the scenario's schedule) unless the value is a health effect in "
                "QALYs or WELLBYs"))
        base = int(o.valuation.price_base_year or 0)
        if kind == "money" and base and base != int(ctx.core.meta.price_base_year):
            found.append(ctx.finding(
                "HZ004", "advice", ctx.key_position("outcomes", oid, "value.price_base_year"),
                f"outcomes.{oid}.value.price_base_year",
                f"the value of '{oid}' is in {base} prices; the scenario's price base is "
                f"{int(ctx.core.meta.price_base_year)}: socval rebases it with the GDP deflator",
                "Green Book 2022 ch. 5 and Annex A6 (real prices in one base year; rebase with the GDP deflator)",
                "check the figure is a real price of that year (not a nominal one of another), or restate it in "
                "the scenario's price base with its source"))
    return found
