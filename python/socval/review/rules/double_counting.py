"""Double counting: patterns where one effect is valued twice, and transfers counted inside the NPSV. Word patterns
read an outcome's id, name and unit (lower case, ``_`` as a space)."""
from __future__ import annotations

import re
from itertools import combinations
from typing import List

from ..context import Context
from ..findings import Finding

RULES = {"DC001": "two wellbeing outcomes from one effect",
         "DC002": "a fiscal saving and the wellbeing or health value of the same effect",
         "DC003": "energy bill savings and warmth wellbeing with no comfort taking",
         "DC004": "a job valued through both earnings and GVA",
         "DC005": "a transfer (benefit payments, wages, local spend) inside the NPSV"}
WELLBEING = ("wellby", "qaly")
BILL = re.compile(r"\bbills?\b|energy (cost|saving)")
WARMTH = re.compile(r"warm|cold|comfort|thermal")
EARNINGS = re.compile(r"earning|wage|salar|income")
GVA = re.compile(r"\bgva\b|gross value added|productiv")
TRANSFER = re.compile(r"benefit (payment|saving|spend)s?|claimant|universal credit|welfare|\bwages?\b|pay rise|"
                      r"\bpay\b|transfer|local spend|spend with local")
WB_GUIDANCE = ("HMT Wellbeing Guidance for Appraisal (2021): value each effect once; a wellbeing value already holds "
               "what the person feels of an effect (income, health) unless that was controlled for")


def _kind(ctx: Context, oid: str) -> str:
    return ctx.outcomes[oid].valuation.kind


def _links_from(ctx: Context, src: str) -> list:
    return [(t, e) for t, e in ctx.out_edges.get(src, []) if src in ctx.outcomes and t in ctx.reached]


def _at(ctx: Context, edge) -> tuple:
    w = edge.where
    return w.file, int(w.line), int(w.column)


def check(ctx: Context) -> List[Finding]:
    found = []
    for src in ctx.outcome_ids:
        if src not in ctx.reached and src not in ctx.checked_options:
            continue
        direct = _links_from(ctx, src)
        wb = [(t, e) for t, e in direct if _kind(ctx, t) == "wellby"]
        for (t1, _), (t2, e2) in combinations(wb, 2):
            found.append(ctx.finding(
                "DC001", "warning", _at(ctx, e2), f"links.{e2.id}",
                f"outcome '{src}' feeds two wellbeing (WELLBY) outcomes, '{t1}' and '{t2}': the same people's life "
                f"satisfaction may be counted twice", WB_GUIDANCE,
                "value the effect once (one WELLBY outcome per group of beneficiaries), or say in the outcomes' "
                "descriptions why the two are different people or different changes"))
        fiscal = [(t, e) for t, e in direct if ctx.valued(t) and ctx.outcomes[t].beneficiary == "fiscal"]
        wellbeing = [(t, e) for t, e in direct if _kind(ctx, t) in WELLBEING]
        for (tf, ef) in fiscal:
            for (tw, _) in wellbeing:
                found.append(ctx.finding(
                    "DC002", "warning", _at(ctx, ef), f"links.{ef.id}",
                    f"outcome '{src}' is valued both as a fiscal saving ('{tf}') and as wellbeing or health "
                    f"('{tw}')", WB_GUIDANCE + "; Green Book 2022 ch. 6 (count each cost and benefit once)",
                    f"check that the value of '{tw}' excludes what '{tf}' counts (e.g. a life satisfaction effect "
                    f"with income controlled for, a QALY that does not include treatment costs) and say so"))
        # a job (or any effect) reaching both an earnings and a GVA value
        below = ctx.downstream([src])
        money = [o for o in ctx.outcome_ids if o in below and ctx.valued(o)]
        earn = [o for o in money if EARNINGS.search(ctx.text("outcomes", o))]
        gva = [o for o in money if GVA.search(ctx.text("outcomes", o))]
        direct_ids = {t for t, _ in direct}
        below_child = {m: ctx.downstream([m]) | {m} for m in direct_ids}
        # report at the nearest common source: no single child of src reaches both
        pairs = [(e, g) for e in earn for g in gva
                 if e != g and not any({e, g} <= reach for reach in below_child.values())]
        if pairs:
            earn, gva = sorted({e for e, _ in pairs}), sorted({g for _, g in pairs})
            found.append(ctx.finding(
                "DC004", "warning", ctx.item_position("outcomes", src), f"outcomes.{src}",
                f"outcome '{src}' is valued through earnings ({', '.join(earn)}) and through GVA ({', '.join(gva)})",
                "Green Book 2022 ch. 6 and Annex A2 (earnings are part of GVA: count the output gain once)",
                "value the job through one of the two (GVA net of displacement, or earnings), not both"))
    for opt in ctx.checked_options:
        below = ctx.downstream([opt])
        bills = [o for o in ctx.outcome_ids if o in below and ctx.valued(o) and BILL.search(ctx.text("outcomes", o))]
        warm = [o for o in ctx.outcome_ids if o in below and _kind(ctx, o) in WELLBEING
                and WARMTH.search(ctx.text("outcomes", o))]
        for b in bills:
            for w in warm:
                words = " ".join(ctx.text("outcomes", x, ("description",)) for x in (b, w))
                if "comfort" in words:
                    continue
                found.append(ctx.finding(
                    "DC003", "warning", ctx.item_position("outcomes", b), f"outcomes.{b}",
                    f"option '{opt}' is valued through energy bill savings ('{b}') and warmth wellbeing ('{w}') "
                    f"with no comfort taking: the same energy cannot both be saved and taken as warmth",
                    "Green Book 2022 ch. 6 (count each benefit once); DESNZ appraisal guidance on energy efficiency "
                    "(comfort taking)",
                    f"reduce the bill saving by the comfort taken (households who were under-heating take part of "
                    f"the saving as warmth) and say so in the description of '{b}' or '{w}'"))
    for oid in ctx.outcome_ids:
        if oid in ctx.reached and ctx.valued(oid) and TRANSFER.search(ctx.text("outcomes", oid)):
            found.append(ctx.finding(
                "DC005", "warning", ctx.key_position("outcomes", oid, "value"), f"outcomes.{oid}.value",
                f"monetised outcome '{oid}' ({ctx.items['outcomes'][oid].get('name') or oid}) looks like a transfer "
                f"(benefit payments, wages or spend moving between people): inside the NPSV it counts a gain "
                f"that is someone else's loss",
                "Green Book 2022 ch. 6 and Annex A3 (transfers are excluded from the social NPV; their "
                "distributional effect belongs in distributional analysis)",
                "keep it as an indicator (value: none) or report it in a weighted, distributional view; if it is a "
                "real resource gain, say so in its description"))
    return found
