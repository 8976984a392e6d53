"""Additionality: a monetised outcome reached from an option without deadweight, displacement, leakage or
substitution declared anywhere on the way (conventions: applied once, on the first outcome of each chain)."""
from __future__ import annotations

from typing import List

from ..context import Context
from ..findings import Finding

RULES = {"ADD001": "outcome chain with no additionality adjustment declared"}
KEYS = ("deadweight", "displacement", "leakage", "substitution")
GUIDANCE = ("Green Book 2022 ch. 6 and Annex A1 (additionality: deadweight, displacement, leakage, substitution); "
            "Social Value UK principle 5, 'Do not over-claim'")


def adjusted(ctx: Context, outcome_id: str) -> bool:
    return any(ctx.declared("outcomes", outcome_id, k) for k in KEYS)


def check(ctx: Context) -> List[Finding]:
    found = []
    stop = {o for o in ctx.outcome_ids if adjusted(ctx, o)}
    heads = []  # outcomes an option feeds directly, in file order
    for opt in ctx.checked_options:
        for target, _ in ctx.out_edges.get(opt, []):
            if target not in heads:
                heads.append(target)
    for head in sorted(heads, key=ctx.outcome_ids.index):
        if head in stop:
            continue
        chain = {head} | ctx.downstream([head], stop)
        valued = [o for o in ctx.outcome_ids if o in chain and o not in stop and ctx.valued(o)]
        if not valued:
            continue
        found.append(ctx.finding(
            "ADD001", "warning", ctx.item_position("outcomes", head), f"outcomes.{head}",
            f"outcome '{head}' is fed by an option and leads to monetised outcome(s) {', '.join(valued)} with no "
            f"deadweight, displacement, leakage or substitution declared on the way",
            GUIDANCE,
            f"declare the additionality adjustments on '{head}' (write 0 where one is considered and found nil, "
            f"with its evidence in a comment)"))
    return found
