"""Perspective: place-level benefits presented as UK NPSV; costs to others left out.

Keys of the scenario format of issue 13 looked for in the document: ``outcomes.<id>.place`` (the place
perspective's override of an outcome's adjustments), ``options.<id>.costs_to_others``.
"""
from __future__ import annotations

import re
from typing import List

from ..context import Context
from ..findings import Finding

RULES = {"PS001": "place-level benefit in the UK NPSV with no place perspective declared",
         "PS002": "costs to others (suppliers, partners, participants) not declared"}
PLACE = re.compile(r"\blocal\b|\bregion|\bplace\b|\barea\b")
#: Who else bears costs, by what an option is or feeds (Green Book: all costs to UK society).
BEARERS = ((re.compile(r"clause|contract|supplier|procure|tender"), "suppliers' price premiums"),
           (re.compile(r"partner|network|in-kind|in kind|volunteer"), "partners' or volunteers' in-kind inputs"),
           (re.compile(r"learner|trainee|participant|apprentic|volunteer|course"), "participants' time"))


def check(ctx: Context) -> List[Finding]:
    found = []
    for oid in ctx.outcome_ids:
        if oid not in ctx.reached or not ctx.declared("outcomes", oid, "displacement"):
            continue
        words = ctx.text("outcomes", oid, ("id", "name", "description"))
        below = {oid} | ctx.downstream([oid])
        if PLACE.search(words) and any(ctx.valued(o) for o in below) and not ctx.declared("outcomes", oid, "place"):
            found.append(ctx.finding(
                "PS001", "warning", ctx.key_position("outcomes", oid, "displacement"),
                f"outcomes.{oid}.displacement",
                f"'{oid}' is a local benefit with one displacement figure and no place perspective (place:): "
                f"the NPSV reads it as a UK-wide gain, though what the place gains is partly lost elsewhere in the UK",
                "Green Book 2022 Annex A2 (place-based analysis: the UK NPSV counts displacement at national level; "
                "a place's benefits are shown beside it, labelled)",
                "give displacement at UK level and the regional figure under place: {displacement: ...}"))
    for oid in ctx.checked_options:
        opt = ctx.options[oid]
        if not opt.costs or ctx.declared("options", oid, "costs_to_others"):
            continue
        # the option's own words, and the ids of the outcomes it delivers (learners_trained: participants)
        words = ctx.text("options", oid, ("id", "name", "description")) + " " + " ".join(
            t.replace("_", " ") for t, _ in ctx.out_edges.get(oid, []))
        who = [label for pattern, label in BEARERS if pattern.search(words)]
        if not who:
            continue
        found.append(ctx.finding(
            "PS002", "advice", ctx.key_position("options", oid, "costs"), f"options.{oid}.costs_to_others",
            f"option '{oid}' counts only the body's own costs, though others bear costs too "
            f"({', '.join(dict.fromkeys(who))}): no costs_to_others are declared",
            "Green Book 2022 ch. 6 (all costs to UK society, including third parties); Social Value UK principle 2",
            "declare costs_to_others: [{year, amount, bearer}] or say in the option's description why there are "
            "none"))
    return found
