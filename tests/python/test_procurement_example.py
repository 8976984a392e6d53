"""The West of England worked tender (scenarios/west-of-england/procurement/): it evaluates, and its README states
the scores, P(win) and recommendation the code gives."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import socval as sv

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "scenarios" / "west-of-england" / "procurement"


@pytest.fixture(scope="module")
def evaluation():
    return sv.procurement.evaluate_tender(FOLDER / "facilities.yaml", draws=10_000, seed=0)


def test_the_readme_table_is_what_the_code_gives(evaluation):
    text = (FOLDER / "README.md").read_text()
    rows = re.findall(r"^\| ([ABC]) [^|]+\| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| (\d) \| ([\d.]+) \|$", text,
                      re.M)
    assert len(rows) == 3
    for bid, price, quality, social, total, rank, p_win in rows:
        s = evaluation.scores.loc[bid]
        assert f"{s['price']:.2f}" == price and f"{s['quality']:.2f}" == quality
        assert f"{s['social_value']:.2f}" == social and f"{s['total']:.2f}" == total
        assert int(rank) == s["rank"] and f"{evaluation.p_win[bid]:.3f}" == p_win
    assert "award to C, not robust" in text
    assert evaluation.winner == "C" and evaluation.robustness() == "not robust"


MARK = re.compile(r"^\s*#\s*(source|illustrative):")
EXEMPT = re.compile(r"^-?\s*(start_year|price_base_year|duration_years):")  # calendar facts, not assumptions


def _indent(line: str) -> int:
    body = line.lstrip()
    n = len(line) - len(body)
    return n + 2 if body.startswith("- ") else n   # a list item's keys sit after its dash


def _marked_above(lines, i) -> bool:
    """A comment starting with source: or illustrative: in the comment block just above line i."""
    j = i - 1
    while j >= 0 and lines[j].strip().startswith("#"):
        if MARK.match(lines[j]):
            return True
        j -= 1
    return False


def unsourced_figures(lines):
    """Lines with a number whose comment block, or one of its parents' blocks, has no source or illustrative mark."""
    out = []
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("#") or not re.search(r":\s*\[?-?\d", s) or EXEMPT.match(s):
            continue
        k, indent, covered = i, _indent(line), False
        while k >= 0 and not covered:
            covered = _marked_above(lines, k)
            k -= 1   # up to the parent: the nearest line above with a smaller indentation
            while k >= 0 and (not lines[k].strip() or lines[k].strip().startswith("#")
                              or _indent(lines[k]) >= indent):
                k -= 1
            if k >= 0:
                indent = _indent(lines[k])
        if not covered:
            out.append(f"line {i + 1}: {s}")
    return out


def test_every_figure_of_the_example_is_sourced_or_illustrative():
    lines = (FOLDER / "facilities.yaml").read_text().splitlines()
    assert unsourced_figures(lines) == []
    # the check finds a figure whose comment is taken away
    j = next(i for i, l in enumerate(lines) if "illustrative: the modes of contract_local_hires" in l)
    assert unsourced_figures(lines[:j] + lines[j + 2:]) != []
