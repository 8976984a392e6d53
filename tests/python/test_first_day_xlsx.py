"""Issue 18, item 10 (xlsx out): results, comparisons and portfolios as formatted workbooks: one sheet per table,
units in headers, numbers as numbers, frozen header rows."""
from pathlib import Path

import numpy as np
import pytest

openpyxl = pytest.importorskip("openpyxl")

import socval as sv
from socval.cli.app import main
from socval.decision import portfolio
from socval.report import write_xlsx

ROOT = Path(__file__).resolve().parents[2]
POOL = ROOT / "tests" / "data" / "portfolio"


def _sheet(path, name):
    return openpyxl.load_workbook(path)[name]


def test_results_workbook(tmp_path):
    res = sv.simulate(str(POOL / "pool.yaml"), draws=200, seed=1, progress=False)
    out = write_xlsx(res, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "By priority", "By pillar", "By beneficiary"]
    ws = wb["Summary"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["metric", "unit", "note"] and ws.freeze_panes == "B2"
    row = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}["npsv"]
    mean = ws.cell(row, header.index("mean") + 1)
    assert isinstance(mean.value, (int, float)) and mean.value == float(np.mean(res.draws("npsv")))  # a number
    assert mean.number_format == "#,##0.00"
    assert any("(GBP, 2024 prices)" in str(c.value) for c in wb["By priority"][1])


def test_comparison_and_portfolio_workbooks_from_the_cli(tmp_path, capsys):
    files = [str(POOL / "clinic_only.yaml"), str(POOL / "jobs_only.yaml")]
    assert main(["compare", *files, "--draws", "100", "--no-progress", "--xlsx", str(tmp_path / "c.xlsx")]) == 0
    wb = openpyxl.load_workbook(tmp_path / "c.xlsx")
    assert wb.sheetnames == ["Scenarios", "Pairs"]
    assert any(str(c.value).startswith("mean npsv (GBP") for c in wb["Scenarios"][1])
    assert wb["Pairs"].freeze_panes == "B2"
    assert main(["optimise", str(POOL / "pool.yaml"), "--budget", "250000", "--draws", "100",
                 "--xlsx", str(tmp_path / "p.xlsx")]) == 0
    ws = _sheet(tmp_path / "p.xlsx", "Options")
    header = [c.value for c in ws[1]]
    assert header[:4] == ["option", "lever", "selected", "funded"]
    assert isinstance(ws.cell(2, header.index("mean_cost (GBP, 2024 prices)") + 1).value, (int, float))
