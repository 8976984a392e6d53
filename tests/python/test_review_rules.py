"""The checklist's rules (socval.review, docs/guide/checklist.md): every rule fires on a crafted scenario of its
family at the line marked ``# expect: RULE`` and nowhere else in that family; the clean scenario raises nothing."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

import socval as sv
from socval.review import RULES, Finding, Findings, check_scenario

DATA = Path(__file__).resolve().parents[1] / "data" / "review"
FAMILIES = {"additionality": "ADD", "bias": "OB", "evidence": "EV", "double_counting": "DC", "horizon": "HZ",
            "structure": "ST", "perspective": "PS"}


def expected(path: Path) -> set:
    """(rule, line) of every ``# expect: RULE [RULE ...]`` marker of a file."""
    out = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = re.search(r"#\s*expect:\s*([A-Z0-9 ]+)$", line)
        if m:
            out |= {(rule, n) for rule in m.group(1).split()}
    return out


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_rule_of_a_family_fires_at_its_line(family):
    path = DATA / f"{family}.yaml"
    found = check_scenario(sv.load_scenario(path))
    prefix = FAMILIES[family]
    got = {(f.rule, f.line) for f in found if f.rule.startswith(prefix)}
    assert got == expected(path)
    assert all(Path(f.file).name == path.name for f in found if f.rule.startswith(prefix))


def test_every_rule_is_exercised_by_the_crafted_scenarios():
    marked = {rule for family in FAMILIES for rule, _ in expected(DATA / f"{family}.yaml")}
    assert marked == set(RULES)


def test_the_clean_scenario_raises_nothing():
    found = sv.load_scenario(DATA / "clean.yaml").check()
    assert len(found) == 0, found.table()
    assert not found.has_errors and "no findings" in repr(found)


def test_a_finding_names_file_line_column_key_guidance_and_action():
    found = sv.load_scenario(DATA / "evidence.yaml").check()
    f = next(f for f in found if f.rule == "EV001" and f.key.endswith("deadweight"))
    assert f.where == f"{DATA / 'evidence.yaml'}:14:17" or f.where.endswith("evidence.yaml:14:17")
    assert f.key == "outcomes.job_entries.deadweight" and f.severity == "advice"
    assert "Social Value UK" in f.guidance and f.action


def test_outputs_table_json_and_frame():
    found = sv.load_scenario(DATA / "horizon.yaml").check()
    assert found.has_errors  # HZ002 is an error
    assert found[0].severity == "error"  # most serious first
    df = found.to_frame()
    assert isinstance(df, pd.DataFrame) and len(df) == len(found)
    assert list(df.columns[:7]) == ["rule", "severity", "where", "key", "found", "guidance", "action"]
    data = json.loads(found.to_json())
    assert data["counts"]["error"] == 1 and len(data["findings"]) == len(found)
    assert "HZ002" in found.table() and "action:" in found.table()


def test_a_finding_refuses_an_unknown_severity():
    with pytest.raises(ValueError):
        Finding("X", "fatal", "f", 1, 1, "k", "found", "guidance", "action")
    assert len(Findings([])) == 0


def test_a_scenario_from_text_falls_back_to_the_readers_positions():
    text = (DATA / "additionality.yaml").read_text(encoding="utf-8")
    s = sv.scenario_from_yaml(text, name="memo.yaml")
    found = s.check(share=False)
    f = next(f for f in found if f.rule == "ADD001")
    assert f.file == "memo.yaml" and f.line == 10  # the reader's position of the outcome item


def test_illustrative_share_closed_form():
    """hinge_a: the only value-carrying input (value ~ U(400, 3300)) is illustrative, so all of PV benefits rests on
    it: R = B in every draw, share 1; the largest input is named with its central contribution (1850)."""
    from socval.review import evidence_status, illustrative_share
    s = sv.load_scenario(DATA / "hinge_a.yaml")
    share = illustrative_share(s, evidence_status(s.core), draws=64)
    assert share.mean_share == pytest.approx(1.0) and share.p5 == pytest.approx(1.0)
    assert share.largest[0][0] == "outcomes.qualifications.value.per_unit"
    assert share.largest[0][1] == pytest.approx(1850.0)
    # E[U(400, 3300)] - 1000 = 850; a Latin hypercube of n draws puts one point in each of n strata of width
    # 2900 / n, so its mean is within 2900 / (2 n) of the exact mean
    assert share.npsv_mean == pytest.approx(850.0, abs=2900 / (2 * 64))
