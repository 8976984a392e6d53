"""The checklist: a review of every scenario (rules with file:line:column, the guidance they rest on and what to
do) and how far a comparison's conclusion can be trusted (switching values against ranges and evidence, structural
alternatives, a one-line verdict). Rules: docs/guide/checklist.md; method: docs/model/review.md.

    findings = sv.load_scenario("baseline.yaml").check()       # Findings: .to_frame(), .to_json(), text
    review = comparison.check()                                 # ComparisonFindings: .verdict, .trust
"""
from __future__ import annotations

from .check import ComparisonFindings, check_comparison, check_scenario, check_scenarios, review_scenarios
from .evidence import Evidence, IllustrativeShare, evidence_status, illustrative_share
from .findings import SEVERITIES, Finding, Findings
from .rules import RULES
from .trust import Trust, trust

__all__ = ["Finding", "Findings", "ComparisonFindings", "SEVERITIES", "RULES", "check_scenario", "check_scenarios",
           "check_comparison", "review_scenarios", "Evidence", "IllustrativeShare", "evidence_status",
           "illustrative_share", "Trust", "trust"]
