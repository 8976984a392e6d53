"""The tender reader's errors (docs/formats/tender.md): every malformed file gets a TenderError (a ScenarioError)
naming file:line:column and the key path, what was expected and what was found; and the compliance checks."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import socval as sv
from _procurement_cases import bid, tender_dict, to_yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "scenarios" / "west-of-england" / "procurement" / "facilities.yaml"
TenderError = sv.procurement.TenderError

GOOD = """\
tender:
  id: t
  title: test
  contract:
    value: 1000000
    duration_years: 2
    start_year: 2025
    place: Bristol
  criteria:
    price: {weight: 0.5, formula: relative_to_lowest}
    quality:
      weight: 0.35
      subcriteria: {q1: {weight: 1.0}}
    social_value:
      weight: 0.15
      subcriteria: {s1: {weight: 1.0}}
  measures:
    m: {description: d, unit: u, theme: t, value: {gbp: 10, price_base_year: 2024, source: s}}
  bids:
    - id: A
      supplier: a
      price: 100000
      quality: {q1: [50]}
      social_value: {s1: [50]}
      commitments:
        - {id: c, measure: m, quantity: 3, deliverability: {probability: 0.5}}
"""


def _error(text: str, tmp_path: Path) -> str:
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(TenderError) as e:
        sv.procurement.load_tender(f)
    assert isinstance(e.value, sv.ScenarioError) and isinstance(e.value, sv.SocvalError)
    return str(e.value).replace(str(f), "bad.yaml")


def test_the_good_file_reads(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(GOOD)
    t = sv.procurement.load_tender(f)
    assert t.bids[0].commitments[0].quantity == 3 and t.weights() == (0.5, 0.35, 0.15)


@pytest.mark.parametrize("old, new, expected", [
    # unknown key, at its own line and column
    ("    place: Bristol\n", "    place: Bristol\n    colour: red\n",
     "bad.yaml:9:5: tender.contract.colour: unknown key 'colour'; expected one of"),
    # thousands separators
    ("    value: 1000000", "    value: 1,000,000",
     "bad.yaml:5:12: tender.contract.value: expected a number without thousands separators, found '1,000,000' "
     "(write 1000000)"),
    ("      price: 100000", "      price: 100_000",
     "bad.yaml:22:14: tender.bids[0].price: expected a number without thousands separators, found '100_000'"),
    # wrong types
    ("      price: 100000", "      price: cheap",
     "bad.yaml:22:14: tender.bids[0].price: expected a number, found text 'cheap'"),
    ("    duration_years: 2", "    duration_years: 2.5",
     "bad.yaml:6:21: tender.contract.duration_years: expected a whole number, found a number '2.5'"),
    ("      supplier: a", "      supplier: [a]", "bad.yaml:21:17: tender.bids[0].supplier: expected text, found a list"),
    # ranges
    ("deliverability: {probability: 0.5}", "deliverability: {probability: 1.5}",
     "tender.bids[0].commitments[0].deliverability.probability: expected a number <= 1, found 1.5"),
    # weights that do not sum to 1
    ("weight: 0.15\n", "weight: 0.25\n", "bad.yaml:10:5: tender.criteria: expected criterion weights that sum to 1, "
                                       "found a sum of 1.1"),
    # missing key
    ("    start_year: 2025\n", "", "bad.yaml:5:5: tender.contract: missing required key 'start_year'"),
    # unknown measure
    ("measure: m,", "measure: jobs,", "tender.bids[0].commitments[0].measure: expected a measure of the tender (m), "
                                      "found 'jobs'"),
    # a subcriterion without scores
    ("      quality: {q1: [50]}", "      quality: {}", "bad.yaml:23:16: tender.bids[0].quality: missing required key 'q1'"),
    # YAML syntax
    ("  title: test\n", "  title: [test\n", "bad.yaml:"),
    # an unknown value library id
    ("value: {gbp: 10, price_base_year: 2024, source: s}", "value: {unit_value: no_such_value}",
     "tender.measures.m.value.unit_value: expected a unit value id of the value library"),
    # a price base the deflator does not cover
    ("price_base_year: 2024, source", "price_base_year: 2031, source",
     "tender.measures.m.value.price_base_year: expected a year of the value library's GDP deflator, found 2031"),
])
def test_malformed_tenders_get_located_errors(tmp_path, old, new, expected):
    assert old in GOOD
    msg = _error(GOOD.replace(old, new, 1), tmp_path)
    assert expected in msg, msg
    assert msg.startswith("bad.yaml:"), msg


def test_duplicate_bid_ids_and_keys(tmp_path):
    two = GOOD + GOOD[GOOD.index("    - id: A"):]
    assert "tender.bids[1].id: duplicate bid id 'A'" in _error(two.replace(
        "- {id: c,", "- {id: c,", 1), tmp_path)
    assert "bad.yaml:4:3: tender.title: duplicate key" in _error(GOOD.replace("  title: test\n",
                                                                                "  title: test\n  title: again\n"),
                                                                   tmp_path)


def test_a_missing_file_is_a_tender_error(tmp_path):
    with pytest.raises(TenderError, match="cannot read the tender file"):
        sv.procurement.load_tender(tmp_path / "none.yaml")


# ---- compliance ----------------------------------------------------------------------------------------------

def test_social_value_weighted_at_5_percent_is_a_compliance_error():
    t = sv.procurement.tender_from_yaml(to_yaml(tender_dict([bid("A", 100), bid("B", 120)],
                                                            weights=(0.6, 0.35, 0.05))))
    ev = sv.procurement.evaluate_tender(t, draws=100, seed=0)
    errors = [f for f in ev.findings if f.severity == "error"]
    assert [f.code for f in errors] == ["sv-weight"]
    assert "5.0%" in errors[0].message and "10%" in errors[0].message and "PPN 06/20" in errors[0].message
    assert ev.recommendation().startswith("Compliance errors must be resolved before any award")


def test_ten_percent_is_compliant():
    t = sv.procurement.tender_from_yaml(to_yaml(tender_dict([bid("A", 100), bid("B", 120)],
                                                            weights=(0.55, 0.35, 0.10))))
    assert not sv.procurement.evaluate_tender(t, draws=100, seed=0).errors


def test_disproportionate_double_counted_irrelevant_and_unsourced_findings():
    measures = {"jobs": {"description": "d", "unit": "person", "theme": "tackling_economic_inequality",
                         "value": {"unit_value": "emp_wb_gbp_unemp_to_emp"}},
                "jobs_again": {"description": "d", "unit": "person", "theme": "tackling_economic_inequality",
                               "value": {"unit_value": "emp_wb_gbp_unemp_to_emp"}},
                "hours": {"description": "d", "unit": "hour", "theme": "wellbeing",
                          "value": {"gbp": 20, "price_base_year": 2024}}}
    commitments = [{"id": "j1", "measure": "jobs", "quantity": 100, "deliverability": {"probability": 1.0}},
                   {"id": "j2", "measure": "jobs", "quantity": 5, "deliverability": {"probability": 1.0}},
                   {"id": "j3", "measure": "jobs_again", "quantity": 5, "deliverability": {"probability": 1.0}},
                   {"id": "h", "measure": "hours", "quantity": 10, "deliverability": {"probability": 1.0}}]
    d = tender_dict([bid("A", 100, commitments=commitments, claimed_value={"gbp": 5e6}), bid("B", 100)],
                    measures=measures, value=100_000, themes=["tackling_economic_inequality"])
    ev = sv.procurement.evaluate_tender(sv.procurement.tender_from_yaml(to_yaml(d)), draws=100, seed=0)
    codes = [(f.code, f.bid) for f in ev.findings]
    assert ("relevant", "") in codes             # hours: theme wellbeing not declared
    assert ("unsourced", "") in codes            # hours: gbp without a source
    assert ("unsourced", "A") in codes           # the claimed value without a source
    assert codes.count(("proportionate", "A")) == 2   # 100 jobs a year on a GBP 100,000 contract; the claim
    assert codes.count(("double-counted", "A")) == 2  # jobs twice; jobs and jobs_again on one unit value
    assert all(f.severity != "error" for f in ev.findings)


def test_cli_bids_writes_every_format_and_exits_1_on_a_compliance_error(tmp_path):
    outs = [tmp_path / f"r.{s}" for s in ("html", "md", "csv", "xlsx", "json")]
    cmd = [sys.executable, "-m", "socval", "bids", str(EXAMPLE), "--draws", "500", "--seed", "1"]
    for o in outs:
        cmd += ["--out", str(o)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "Award to" in proc.stdout
    for o in outs:
        assert o.stat().st_size > 0
    assert "Scores by criterion" in outs[0].read_text()
    bad = tmp_path / "five.yaml"
    bad.write_text(to_yaml(tender_dict([bid("A", 100), bid("B", 120)], weights=(0.6, 0.35, 0.05))))
    proc = subprocess.run([sys.executable, "-m", "socval", "bids", str(bad), "--draws", "100", "--json"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert '"sv-weight"' in proc.stdout
    malformed = tmp_path / "m.yaml"
    malformed.write_text(GOOD.replace("    value: 1000000", "    value: 1,000,000"))
    proc = subprocess.run([sys.executable, "-m", "socval", "bids", str(malformed)], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 2
    assert f"{malformed}:5:12: tender.contract.value" in proc.stderr


def test_reports_show_user_text_as_text(tmp_path):
    t = sv.procurement.tender_from_yaml(to_yaml(tender_dict([bid("A", 100, supplier="<script>alert(1)</script>"),
                                                             bid("B", 120)])))
    ev = sv.procurement.evaluate_tender(t, draws=100, seed=0)
    html = ev.report(tmp_path / "r.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in ev._repr_html_()
    with pytest.raises(sv.ScenarioError, match=r"expected a report file ending in one of"):
        ev.report(tmp_path / "r.docx")
    assert not list(tmp_path.glob(".r.*"))   # nothing half-written left behind
