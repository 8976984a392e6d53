"""Structure of the framework: outcomes that reach no priority, priorities no funded option reaches, levers with
no option, local indicators with no definition of "local"."""
from __future__ import annotations

import re
from typing import List

from ... import _core
from ..context import Context
from ..findings import Finding

RULES = {"ST001": "outcome that reaches no priority",
         "ST002": "priority no funded option reaches",
         "ST003": "lever with no option",
         "ST004": "local indicator with no definition of local"}
PPN = "PPN 06/20 (award criteria traced to the body's social value priorities)"
LOCAL = re.compile(r"\blocal\b")


def _priorities_of(ctx: Context, oid: str) -> set:
    return {ctx.core.priorities[s.priority].id for s in ctx.outcomes[oid].priorities}


def check(ctx: Context) -> List[Finding]:
    found = []
    serving = {o for o in ctx.outcome_ids if _priorities_of(ctx, o)}
    for oid in ctx.outcome_ids:
        if oid in serving or (ctx.downstream([oid]) & serving):
            continue
        found.append(ctx.finding(
            "ST001", "warning", ctx.item_position("outcomes", oid), f"outcomes.{oid}.priorities",
            f"outcome '{oid}' serves no priority, directly or through the outcomes it leads to", PPN,
            "give it priorities: {<priority>: <share>}, or remove it if the framework does not need it"))
    reached = set()
    for oid in ctx.reached:
        reached |= _priorities_of(ctx, oid)
    if ctx.funded:
        for pid in ctx.priorities:
            if pid not in reached:
                found.append(ctx.finding(
                    "ST002", "warning", ctx.item_position("priorities", pid), f"priorities.{pid}",
                    f"no funded option reaches priority '{pid}'", PPN,
                    "fund an option that serves it, or say in the paper why this scenario leaves it out"))
    levers = getattr(_core.model, "LEVERS", ("commissioning", "anchor", "employer"))
    pool = {ctx.options[o].lever for o in ctx.option_ids}
    funded = {ctx.options[o].lever for o in ctx.funded}
    for lever in levers:
        options = [o for o in ctx.option_ids if ctx.options[o].lever == lever]
        if lever in pool and ctx.funded and lever not in funded and any(ctx.options[o].costs for o in options):
            found.append(ctx.finding(
                "ST003", "advice", ctx.item_position("options", options[0]), f"options.{options[0]}.lever",
                f"the {lever} lever has options in the pool ({', '.join(options)}) but none is funded",
                "Social Value UK principle 2, 'Understand what changes' (every route by which the body creates "
                "value considered)", f"fund an option of the {lever} lever, or say why this scenario leaves it out"))
        elif lever not in pool and len(pool) >= 2:
            first = ctx.item_position("options", ctx.option_ids[0])
            found.append(ctx.finding(
                "ST003", "advice", first, "options",
                f"no option uses the {lever} lever, though the pool uses {', '.join(sorted(pool))}",
                "Social Value UK principle 2, 'Understand what changes' (every route by which the body creates "
                "value considered)", f"add an option for the {lever} lever, or say why the body does not use it"))
    for oid in ctx.outcome_ids:
        if LOCAL.search(ctx.text("outcomes", oid, ("id", "name"))) \
                and not str(ctx.items["outcomes"].get(oid, {}).get("description") or "").strip():
            found.append(ctx.finding(
                "ST004", "warning", ctx.item_position("outcomes", oid), f"outcomes.{oid}.description",
                f"'{oid}' counts something local but no description says what local means (which area, "
                f"whose spend, residents or workplaces)", "Social Value UK principle 6, 'Be transparent'; "
                                                          "Green Book 2022 Annex A2 (define the place)",
                "say in the description which area counts as local (e.g. the combined authority's postcodes)"))
    return found
