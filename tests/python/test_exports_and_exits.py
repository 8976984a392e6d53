"""Exports that cannot be turned against their reader and clean exits (issue 22, items 7, 8, 10): CSV cells that
would run as formulas are neutralised, bidi controls are isolated in HTML and stripped elsewhere, very long names
are shortened in charts; a closed pipe ends quietly, no library warning reaches stderr, results files record the
scenario's path relative to the working folder, and a run that cannot fit in memory is refused up front."""
import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import socval
from socval._util import safe_text as _safe_text
from socval.report.files import _csv_text

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = ROOT / "tests" / "data" / "scenarios" / "complete.yaml"
RLO, PDI, FSI = "\u202e", "\u2069", "\u2068"


def named(tmp_path, name: str) -> Path:
    """complete.yaml with its metadata name replaced (quoted for YAML)."""
    text = COMPLETE.read_text(encoding="utf-8")
    old = "  name: Retrofit and skills programme"
    assert old in text
    path = tmp_path / "named.yaml"
    path.write_text(text.replace(old, "  name: " + '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"', 1),
                    encoding="utf-8")
    return path


# --- CSV injection (OWASP) -------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
                                  "\t=1", "\r=1"])
def test_formula_cells_are_prefixed(cell):
    assert _safe_text.neutralise_cell(cell) == "'" + cell


def test_numbers_and_plain_text_stay_as_they_are():
    df = pd.DataFrame({"name": ["=cmd", "retrofit", "-x"], "npsv": [-3.5, 2.0, -1e6], "n": [1, -2, 3]})
    text = _csv_text(df)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'=cmd", "-3.5", "1"]
    assert rows[2] == ["retrofit", "2.0", "-2"]
    assert rows[3] == ["'-x", "-1000000.0", "3"]


def test_report_csv_of_a_hostile_name(tmp_path):
    scen = named(tmp_path, "=HYPERLINK(\"http://evil\",\"click\")" + RLO + "gpj.exe")
    r = socval.simulate(str(scen), draws=200, seed=1, progress=False)
    out = tmp_path / "report.html"
    socval.report.report(r, out, csv=True)
    for f in tmp_path.glob("report-*.csv"):
        for row in csv.reader(io.StringIO(f.read_text(encoding="utf-8"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), (f.name, cell)
                assert RLO not in cell
    html = out.read_text(encoding="utf-8")
    # Every RLO in the page sits inside an isolate that closes before the text that follows.
    assert RLO in html
    for i in [k for k, c in enumerate(html) if c == RLO]:
        before, after = html.rfind(FSI, 0, i), html.find(PDI, i)
        assert before != -1 and after != -1


# --- bidi -------------------------------------------------------------------------------------------------------

def test_isolate_bidi_balances_what_the_text_opens():
    assert _safe_text.isolate_bidi("plain") == "plain"
    s = _safe_text.isolate_bidi("a" + RLO + "b")
    assert s == FSI + "a" + RLO + "b\u202c" + PDI
    # A stray PDI cannot close our isolate early.
    s = _safe_text.isolate_bidi("x" + PDI + RLO + "y")
    assert s.count(PDI) == 1 and s.endswith("\u202c" + PDI)
    assert _safe_text.strip_bidi("a" + RLO + "b\u200f") == "ab"


def test_markdown_and_notebook_html_handle_bidi():
    from socval._util.html import esc
    from socval.report import md_escape

    assert RLO not in md_escape("evil" + RLO + "txt")
    assert esc("evil" + RLO + "<b>").startswith(FSI)
    assert "&lt;b&gt;" in esc("evil" + RLO + "<b>")


# --- long names -------------------------------------------------------------------------------------------------

def test_a_2500_character_name_does_not_kill_report(tmp_path):
    # One 2,500-character word: matplotlib's glyph rasteriser overflowed on it (issue 22, "Crashes").
    scen = named(tmp_path, "A" * 2500)
    out = tmp_path / "report.html"
    r = subprocess.run([sys.executable, "-m", "socval", "report", str(scen), "--out", str(out), "--draws", "200"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stderr
    assert out.exists() and "Traceback" not in r.stderr
    assert _safe_text.shorten("x" * 2500, 80) == "x" * 79 + "\u2026"


# --- clean exits ------------------------------------------------------------------------------------------------

def test_a_closed_pipe_ends_quietly():
    cmd = f"{sys.executable} -m socval evaluate {COMPLETE} | head -n 1"
    r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert len(r.stdout.splitlines()) == 1


def test_no_library_warnings_on_stderr(tmp_path):
    # A scenario whose results include empty and constant columns, where numpy would warn (mean of empty slice,
    # invalid value in divide) if the command let warnings through.
    r = subprocess.run([sys.executable, "-m", "socval", "run", str(COMPLETE), "--out", str(tmp_path / "r.h5"),
                        "--draws", "50", "--no-progress"], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "socval", "summary", str(tmp_path / "r.h5")], capture_output=True,
                       text=True, cwd=tmp_path)
    assert r.returncode == 0
    assert "Warning" not in r.stderr and r.stderr == ""


def test_results_store_a_relative_scenario_path(tmp_path):
    out = tmp_path / "r.h5"
    r = subprocess.run([sys.executable, "-m", "socval", "run", "tests/data/scenarios/complete.yaml", "--out",
                        str(out), "--draws", "20", "--no-progress"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    attrs = socval.io.results_file.check(out)
    assert attrs["scenario_file"] == os.path.join("tests", "data", "scenarios", "complete.yaml")
    assert str(ROOT) not in attrs["scenario_file"]
    # Outside the working folder: only the file's name.
    r = subprocess.run([sys.executable, "-m", "socval", "run", str(COMPLETE), "--out", str(out), "--draws", "20",
                        "--no-progress"], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert socval.io.results_file.check(out)["scenario_file"] == "complete.yaml"


# --- limits -----------------------------------------------------------------------------------------------------

def test_a_run_that_cannot_fit_is_refused_up_front():
    with pytest.raises(socval.SamplingError, match=r"1,000,000,000 draws would need about [\d.,]+ (GB|TB) of "
                                                   r"memory, but [\d.,]+ \w+ is available"):
        socval.simulate(str(COMPLETE), draws=10**9, keep_outcomes=True, progress=False)


def test_cli_refuses_a_huge_run_with_the_estimate():
    r = subprocess.run([sys.executable, "-m", "socval", "run", str(COMPLETE), "--out", "never.h5", "--draws",
                        str(10**9), "--no-progress"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 2
    assert "would need about" in r.stderr and "Traceback" not in r.stderr and "MemoryError" not in r.stderr
    assert not (ROOT / "never.h5").exists()
