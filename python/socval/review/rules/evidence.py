"""Evidence: inputs marked illustrative or with no source; library values flagged illustrative; the share of NPSV
resting on illustrative inputs (method: docs/model/review.md)."""
from __future__ import annotations

from pathlib import Path
from typing import List

from ..context import Context
from ..evidence import Evidence, comment_block, evidence_status, illustrative_share, status_of_comment
from ..findings import Finding

RULES = {"EV001": "uncertain input marked illustrative",
         "EV002": "input with no source and no illustrative reasoning",
         "EV003": "value from the library flagged illustrative",
         "EV004": "share of NPSV resting on illustrative inputs"}
TRANSPARENT = "Social Value UK principle 6, 'Be transparent'"
ILL_SHARE_WARNING = 0.5  # above this share of PV benefits the finding is a warning


def _in_scope(ctx: Context, pid: str) -> bool:
    """Inputs of funded options, of outcomes they reach, and of links into those outcomes."""
    parts = pid.split(".")
    if parts[0] == "options":
        return parts[1] in ctx.checked_options
    if parts[0] == "outcomes":
        return parts[1] in ctx.reached
    if parts[0] == "links":
        return any(l.id == parts[1] and ctx.core.outcomes[l.target].id in ctx.reached for l in ctx.core.links)
    return True


def _fixed_value_status(ctx: Context, oid: str) -> Evidence | None:
    """Evidence status of a fixed money value (not an uncertain parameter), from the comment above its line."""
    file, line, _ = ctx.key_position("outcomes", oid, "value")
    try:
        lines = Path(file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return status_of_comment(comment_block(lines, line))


def check(ctx: Context, draws: int = 200, seed: int = 0, share: bool = True) -> List[Finding]:
    found = []
    status = evidence_status(ctx.core)
    for p in ctx.core.parameters:
        if not _in_scope(ctx, p.id):
            continue
        ev = status[p.id]
        at = (p.where.file, int(p.where.line), int(p.where.column))
        if ev.status == "illustrative":
            found.append(ctx.finding(
                "EV001", "advice", at, p.id, f"'{p.id}' ({p.describe()}) is illustrative: {ev.reasoning}",
                TRANSPARENT + "; Green Book 2022 ch. 5 (evidence proportionate to the decision)",
                "replace with a sourced figure before the decision rests on it, or show (switching values) that it "
                "does not decide the ranking"))
        elif ev.status == "none":
            found.append(ctx.finding(
                "EV002", "warning", at, p.id, f"'{p.id}' ({p.describe()}) has no 'source:' or 'illustrative:' "
                                              f"comment above it",
                TRANSPARENT, "write the source (publication, table, year) or 'illustrative:' with the reasoning in "
                             "a comment just above the number"))
    for oid in ctx.outcome_ids:
        if oid not in ctx.reached:
            continue
        v = ctx.outcomes[oid].valuation
        gbp_per_gbp = v.per_unit.value == 1 and "gbp" in ctx.outcomes[oid].unit.lower()  # a unit conversion
        if v.kind == "money" and not v.per_unit.uncertain and not gbp_per_gbp:
            ev = _fixed_value_status(ctx, oid)
            if ev is not None and ev.status == "none":
                found.append(ctx.finding(
                    "EV002", "warning", ctx.key_position("outcomes", oid, "value"), f"outcomes.{oid}.value",
                    f"the value of '{oid}' (GBP {v.per_unit.value:,.6g} per {ctx.outcomes[oid].unit}) has no "
                    f"'source:' or 'illustrative:' comment above it", TRANSPARENT,
                    "write the source or 'illustrative:' with the reasoning in a comment just above the value"))
        if v.kind == "unit_value":
            try:
                entry = ctx.scenario.library.unit_value_entry(v.library_id)
            except Exception:  # a library without that id never validated: nothing to say
                continue
            if getattr(entry, "illustrative", False):
                found.append(ctx.finding(
                    "EV003", "warning", ctx.key_position("outcomes", oid, "value.library_id"),
                    f"outcomes.{oid}.value.library_id",
                    f"'{oid}' is valued with library value '{v.library_id}', which the value library flags "
                    f"illustrative (source or licence not confirmed)", TRANSPARENT,
                    "replace it with an openly licensed, sourced value, or keep it out of the headline"))
    if share and ctx.core.parameters:
        scoped = {k: v for k, v in status.items() if _in_scope(ctx, k)}
        s = illustrative_share(ctx.scenario, scoped, draws=draws, seed=seed)
        if s.inputs:
            found.append(ctx.finding(
                "EV004", "warning" if s.mean_share >= ILL_SHARE_WARNING else "advice",
                ctx.metadata_position("name"), "metadata", s.sentence(),
                TRANSPARENT + "; Green Book 2022 ch. 5 and Annex A5 (sensitivity of the conclusion to uncertain "
                              "inputs)",
                "state this share beside the headline NPSV; source the largest illustrative inputs first"))
    return found
