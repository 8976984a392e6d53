"""Optimism bias and benefits: every funded option with costs has an optimism bias category; revenue costs have an
operating-cost category; benefits shortfall (or a delay) is considered.

Keys of the scenario format of issue 13 looked for in the document: ``options.<id>.optimism_bias`` (a category name
or ``{category, mitigation, revenue: {category, mitigation}, works_duration}``), ``options.<id>.benefits_shortfall``.
"""
from __future__ import annotations

from typing import List

from ..context import Context
from ..findings import Finding

RULES = {"OB001": "funded option with costs and no optimism bias category",
         "OB002": "funded option whose benefits have no benefits shortfall or delay considered",
         "OB003": "revenue costs with no operating-cost optimism bias declared"}
OB_GUIDANCE = ("Green Book 2022 Annex A5 and Supplementary Green Book Guidance: Optimism Bias (apply the upper bound "
               "for the project category, reduced only by costed mitigation)")
#: The category whose table row is an operating-cost bound (Supplementary Guidance: Optimism Bias).
OPERATING_CATEGORIES = frozenset({"outsourcing"})


def _costs(opt) -> tuple:
    capital = sum(c.capital.value for c in opt.costs)
    revenue = sum(c.revenue.value for c in opt.costs)
    return capital, revenue


def check(ctx: Context) -> List[Finding]:
    found = []
    for oid in ctx.checked_options:
        opt = ctx.options[oid]
        capital, revenue = _costs(opt)
        if capital + revenue > 0 and not opt.optimism_bias_category:
            found.append(ctx.finding(
                "OB001", "warning", ctx.key_position("options", oid, "costs"), f"options.{oid}.optimism_bias",
                f"option '{oid}' costs GBP {capital + revenue:,.0f} and declares no optimism bias category",
                OB_GUIDANCE, "add optimism_bias: {category: <one of data/optimism_bias.yaml>, mitigation: <share "
                             "evidenced by costed risk management>}"))
        delay = any(ctx.declared("outcomes", t, "lag") for t, _ in ctx.out_edges.get(oid, []))
        if opt.outputs and not delay and not ctx.declared("options", oid, "benefits_shortfall") \
                and not ctx.declared("options", oid, "optimism_bias.works_duration"):
            found.append(ctx.finding(
                "OB002", "warning", ctx.item_position("options", oid), f"options.{oid}.benefits_shortfall",
                f"option '{oid}' declares outputs but no benefits shortfall (benefits_shortfall) and no delay "
                f"(optimism_bias.works_duration, or a lag on the outcomes it feeds): its benefits are taken as certain to arrive in full and on time",
                "Green Book 2022 Annex A5 (optimism bias covers benefits shortfall and works duration as well as "
                "costs)",
                "declare benefits_shortfall (an uncertain share of outputs not delivered) or works_duration, or "
                "state the delay considered as lag on the outcomes it feeds (lag: 0 when none)"))
        if revenue > 0 and not ctx.declared("options", oid, "optimism_bias.revenue") \
                and opt.optimism_bias_category not in OPERATING_CATEGORIES:
            found.append(ctx.finding(
                "OB003", "advice", ctx.key_position("options", oid, "optimism_bias" if ctx.declared(
                    "options", oid, "optimism_bias") else "costs"), f"options.{oid}.optimism_bias.revenue",
                f"option '{oid}' has GBP {revenue:,.0f} of revenue (operating) costs and no operating-cost optimism "
                f"bias declared (optimism_bias.revenue)", OB_GUIDANCE,
                "declare optimism_bias.revenue: {category: outsourcing, mitigation: ...} or explain why operating "
                "costs are certain (e.g. a fixed-price contract)"))
    return found
