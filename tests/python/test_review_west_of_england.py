"""The checklist on the West of England scenarios: every finding is answered in the scenarios' README (section
"What the checklist finds"), by rule and key; and the trust analysis's verdict names the input the ranking rests on."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from socval.review import check_scenarios, review_scenarios

ROOT = Path(__file__).resolve().parents[2]
WOE = ROOT / "scenarios" / "west-of-england"
NAMES = ["baseline", "procurement-first", "green-first", "skills-first", "balanced"]


def answers() -> dict:
    """Rule -> the text of its row in the README's "What the checklist finds" table."""
    text = (WOE / "README.md").read_text(encoding="utf-8")
    section = text.split("## What the checklist finds", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\|\s*`([A-Z]+\d+)`\s*\|(.*)", line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


@pytest.fixture(scope="module")
def findings():
    return check_scenarios([WOE / f"{n}.yaml" for n in NAMES], draws=64)


def test_every_finding_is_answered_in_the_readme(findings):
    rows = answers()
    unanswered = []
    for f in findings:
        row = rows.get(f.rule)
        if row is None or ("(every finding)" not in row and f"`{f.key}`" not in row):
            unanswered.append(f"{f.rule} {f.key} ({f.where})")
    assert unanswered == []


def test_no_error_level_finding(findings):
    assert not findings.has_errors


def test_the_readme_answers_no_rule_that_does_not_fire(findings):
    assert set(answers()) == set(findings.rules())


def test_the_verdict_after_the_benefits_shortfall():
    # With every option's benefits shortfall declared (issue 13) all five NPSVs are well below zero: no single input
    # within its range changes the ranking (robust), and none makes skills-first better than doing nothing; before
    # the shortfall the verdict was "depends on" the earnings gain per qualification (against doing nothing).
    r = review_scenarios({n: WOE / f"{n}.yaml" for n in NAMES}, draws=64, top=6)
    assert r.trust.best == "skills-first"
    assert r.verdict.startswith("robust")
    messages = list(r.trust.switching["message"])
    assert "value:wellby: no switch within [7000, 19000]; do nothing is preferred on npsv throughout" in \
        " ".join(messages)
    earnings = [m for m in messages if m.startswith("links.qualifications_gained->earnings_uplift.coefficient: do "
                                                   "nothing is preferred below")]
    assert len(earnings) == 1 and "P(beyond) = 0" in earnings[0]
