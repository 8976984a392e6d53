"""Compliance checks of a tender and its bids (docs/model/procurement.md, section 8).

Findings are errors (the evaluation must not be used for an award until they are resolved), warnings (an evaluator
must look and record a judgement) or notes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import List

import pandas as pd

from .. import values
from .tender import Tender

__all__ = ["Finding", "check_tender", "PPN_MINIMUM_WEIGHT", "PPN"]

#: PPN 06/20 (now PPN 002): social value is at least 10 % of the total evaluation score.
PPN_MINIMUM_WEIGHT = 0.10
PPN = ("PPN 06/20 (Cabinet Office, 2020), now PPN 002 (2025): social value must carry a minimum weighting of 10 % "
       "of the total evaluation score")


@dataclass(frozen=True)
class Finding:
    severity: str     # error, warning or note
    code: str         # sv-weight, sv-range, proportionate, relevant, double-counted, unsourced, illustrative
    bid: str          # "" for the tender itself
    message: str
    where: str = ""   # file:line:column when the finding is about one entry

    def to_dict(self) -> dict:
        return asdict(self)


def check_tender(tender: Tender, commitments: pd.DataFrame) -> List[Finding]:
    """Every finding for the tender and its bids, in a stable order (tender first, then bids as listed)."""
    out: List[Finding] = []
    sv = tender.criteria["social_value"]
    if sv.weight < PPN_MINIMUM_WEIGHT:
        out.append(Finding("error", "sv-weight", "",
                           f"social value is weighted at {sv.weight:.1%} of the total score, below the minimum of "
                           f"{PPN_MINIMUM_WEIGHT:.0%} ({PPN})"))
    elif sv.lower < PPN_MINIMUM_WEIGHT:
        out.append(Finding("warning", "sv-range", "",
                           f"the permitted range of the social value weight goes down to {sv.lower:.1%}, below the "
                           f"{PPN_MINIMUM_WEIGHT:.0%} minimum of PPN 06/20; the robustness analysis explores weights "
                           f"the PPN does not allow"))
    unit_rows = values.unit_values()
    for m in tender.measures.values():
        if sv.themes and m.theme not in sv.themes:
            out.append(Finding("warning", "relevant", "",
                               f"measure {m.id!r} is in theme {m.theme!r}, not one of the themes the tender declares "
                               f"relevant to the contract ({', '.join(sv.themes)})", m.where))
        if m.value.kind == "gbp" and not m.value.source:
            out.append(Finding("warning", "unsourced", "",
                               f"measure {m.id!r} is valued at GBP {m.value.gbp:,.0f} per {m.unit} without a source",
                               m.where))
        if m.value.kind == "gbp" and m.value.illustrative:
            out.append(Finding("note", "illustrative", "",
                               f"measure {m.id!r} uses an illustrative value ({m.value.reasoning or 'no reasoning'})",
                               m.where))
        if m.value.kind == "unit_value" and bool(unit_rows.loc[m.value.unit_value, "illustrative"]):
            out.append(Finding("note", "illustrative", "",
                               f"measure {m.id!r} uses the library's unit value {m.value.unit_value!r}, which is "
                               f"marked illustrative", m.where))
    contract_value = tender.contract.value
    for bid in tender.bids:
        rows = commitments[commitments["bid"] == bid.id]
        promised = float(rows["pv"].sum())
        if promised > contract_value:
            out.append(Finding("warning", "proportionate", bid.id,
                               f"bid {bid.id!r} commits social value of GBP {promised:,.0f} (present value, net of "
                               f"additionality), more than the contract value of GBP {contract_value:,.0f}: check "
                               f"that the commitments are proportionate and deliverable", bid.where))
        if bid.claimed_value is not None:
            cv = bid.claimed_value
            if not cv.source:
                out.append(Finding("warning", "unsourced", bid.id,
                                   f"bid {bid.id!r} claims social value of GBP {cv.gbp:,.0f} without a source for the "
                                   f"figure; it is not used in scoring", cv.where))
            if cv.gbp > contract_value:
                out.append(Finding("warning", "proportionate", bid.id,
                                   f"bid {bid.id!r} claims social value of GBP {cv.gbp:,.0f}, more than the contract "
                                   f"value of GBP {contract_value:,.0f}", cv.where))
        by_measure = defaultdict(list)
        by_value = defaultdict(list)
        for c in bid.commitments:
            by_measure[c.measure].append(c)
            m = tender.measures[c.measure]
            key = m.value.unit_value or (f"carbon:{m.value.carbon}" if m.value.kind == "carbon" else None)
            if key:
                by_value[key].append(c)
        for measure, cs in by_measure.items():
            years = [set(range(c.start, c.start + c.years)) for c in cs]
            if len(cs) > 1 and any(years[i] & years[j] for i in range(len(cs)) for j in range(i + 1, len(cs))):
                out.append(Finding("warning", "double-counted", bid.id,
                                   f"bid {bid.id!r} commits to measure {measure!r} more than once in the same years "
                                   f"({', '.join(c.id for c in cs)}): the same outcome may be counted twice",
                                   cs[1].where))
        for key, cs in by_value.items():
            measures = sorted({c.measure for c in cs})
            if len(measures) > 1:
                out.append(Finding("warning", "double-counted", bid.id,
                                   f"bid {bid.id!r} values measures {', '.join(measures)} with the same unit value "
                                   f"({key}) in commitments {', '.join(c.id for c in cs)}: if they count the same "
                                   f"people or tonnes, the value is counted twice", cs[1].where))
    return out
