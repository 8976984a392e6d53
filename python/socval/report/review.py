"""The report's "How far to trust these results" section: the checklist's verdict (for a comparison), its findings
(errors and warnings in full, advice counted) and the switching-value table (socval.review)."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional

from ..review.check import check_comparison, check_scenarios
from ..review.findings import Findings
from .content import _Content
from .tables import _Table

__all__ = ["review_of", "review_section"]

#: Findings shown in full (advice is counted, not listed: the checklist's own output has it).
SHOWN = ("error", "warning")


def _scenario_sources(content: _Content) -> List[Any]:
    """Each run's scenario file when it is still there (its comments carry the evidence status), else the
    scenario rebuilt from the run's merged text."""
    out = []
    for n, r in content.results.items():
        path = str(r.attrs.get("scenario_file") or "")
        out.append(path if path and os.path.isfile(path) else content.scenarios[n])
    return out


def review_of(content: _Content, review: Any) -> Optional[Findings]:
    """The findings the section shows: ``review`` as given (a Findings or ComparisonFindings), ``True`` for the
    checklist and, for a comparison, the trust analysis; None or ``"findings"`` for the checklist alone; ``False``
    for no section."""
    if review is False:
        return None
    if isinstance(review, Findings):
        return review
    if review is True and content.is_comparison:
        return check_comparison(content.obj)
    return check_scenarios(_scenario_sources(content))


def _num(x: Any) -> str:
    if x is None or x != x:
        return "none in the range searched"
    a = abs(float(x))
    return f"{x:,.0f}" if a >= 100 else (f"{x:,.3g}")


def review_section(content: _Content, found: Optional[Findings]) -> Dict[str, Any]:
    """``{"show", "verdict", "paragraphs", "findings": _Table, "switching": _Table or None, "alternatives"}``."""
    if found is None:
        return {"show": False}
    counts = found.counts()
    trust = getattr(found, "trust", None)
    paragraphs = []
    if trust is not None:
        paragraphs.append(
            f"The switching values below are searched for the inputs with the largest swing (tornado) in each "
            f"comparison ({len(trust.switching)} rows), on {trust.draws} keyed draws with the other inputs as drawn; "
            f"the ranking is re-run under each structural alternative on the same draws. " + " ".join(n[0].upper() + n[1:] + "." for n in trust.notes))
    else:
        paragraphs.append("The trust analysis (switching values against ranges, structural alternatives, verdict) "
                          "was not run for this report: pass review=True (or comparison.check()) to report().")
    paragraphs.append(
        f"The checklist (docs/guide/checklist.md) raised {counts['error']} errors, {counts['warning']} warnings and "
        f"{counts['advice']} pieces of advice on the scenario files; errors and warnings are listed below, advice "
        f"(mostly inputs marked illustrative) is in the output of socval check.")
    rows = [[f.rule, f.severity, f"{os.path.basename(f.file)}:{f.line}", f.key, f.found, f.action]
            for f in found if f.severity in SHOWN]
    findings = _Table(["rule", "severity", "where", "key", "found", "what to do"], rows, css="wide",
                      row_headers=False, widths=[8, 9, 13, 21, 28, 21])  # fixed: long keys wrap, never overflow
    switching = alternatives = None
    if trust is not None:
        sw = trust.switching
        switching = _Table(
            ["comparison", "input", "evidence", "switching value", "range", "current", "where it falls"],
            [[r["pair"], r["parameter"], r["status"], _num(r["switching_value"]),
              f"{_num(r['low'])} to {_num(r['high'])}", _num(r["current"]), r["position"]] for _, r in sw.iterrows()],
            numeric=[False, False, False, True, False, True, False], css="wide", row_headers=False,
            widths=[16, 22, 10, 12, 14, 10, 16])
        alt = trust.alternatives
        alternatives = _Table(["structural alternative", "best scenario", "note"],
                              [[r["alternative"], r["best"] or "-", r.get("note") or ""] for _, r in alt.iterrows()],
                              row_headers=False)
    return {"show": True, "verdict": trust.verdict if trust is not None else "", "paragraphs": paragraphs,
            "findings": findings, "switching": switching, "alternatives": alternatives}
