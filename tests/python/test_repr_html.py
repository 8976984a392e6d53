"""Notebook summaries (_repr_html_ of Scenario, Results, Comparison): well-formed HTML with the headline numbers, and
every user-supplied text escaped; Results.report / Comparison.report delegate to socval.report."""
from __future__ import annotations

import sys
import types
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup

import socval

ROOT = Path(__file__).resolve().parents[2]
WOE = ROOT / "scenarios" / "west-of-england"
COMPLETE = ROOT / "tests" / "data" / "scenarios" / "complete.yaml"
SCRIPT = "<script>alert(1)</script>"
VOID = {"br", "hr", "img", "meta", "link", "input", "col", "wbr"}


class _Checker(HTMLParser):
    """Strict enough for our fragments: every tag closed in order, no script or style element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list = []
        self.tags: list = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:] or 'nothing'}"
        self.stack.pop()


def well_formed(html: str) -> BeautifulSoup:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert not checker.stack, f"unclosed tags {checker.stack}"
    assert "script" not in checker.tags and "style" not in checker.tags
    return BeautifulSoup(html, "html.parser")


@pytest.fixture(scope="module")
def scenario(woe_scenarios):
    return woe_scenarios["baseline"]  # loaded once per session (conftest.py)


@pytest.fixture(scope="module")
def results(scenario):
    return scenario.simulate(draws=400, seed=11, progress=False)


@pytest.fixture(scope="module")
def hostile():
    doc = socval.load_scenario(COMPLETE).document
    doc["metadata"]["name"] = SCRIPT
    doc["metadata"]["description"] = f"{SCRIPT} & <b>bold</b>"
    doc["options"][0]["name"] = SCRIPT
    doc["priorities"][0]["name"] = SCRIPT
    return socval.scenario_from_dict(doc)


def cell_texts(soup: BeautifulSoup) -> list:
    return [[td.get_text() for td in tr.find_all(["td", "th"])] for tr in soup.find_all("tr")]


def test_scenario_repr(scenario):
    soup = well_formed(scenario._repr_html_())
    text = soup.get_text(" ")
    assert "West of England - baseline" in text
    c = scenario.core
    assert (f"{len(c.priorities)} priorities, {len(c.outcomes)} outcomes, {len(c.options)} options "
            f"({len(scenario.funded_ids)} funded)") in text
    rows = cell_texts(soup)
    assert rows[0] == ["option", "name", "lever", "scale", "start year", "central cost (GBP)"]
    assert [r[0] for r in rows[1:]] == scenario.funded_ids
    opts = scenario.options
    bus = [r for r in rows if r[0] == "bus_services"][0]
    expected = (opts.loc["bus_services", "capital"] + opts.loc["bus_services", "revenue"]) * \
        opts.loc["bus_services", "scale"]
    assert bus[3] == f"{opts.loc['bus_services', 'scale']:g}" and bus[5] == f"{expected:,.0f}"
    total = sum(float(r[5].replace(",", "")) for r in rows[1:])
    assert f"Central cost of the funded options: GBP {total:,.0f}" in text


def test_results_repr_has_the_headline(results):
    soup = well_formed(results._repr_html_())
    text = soup.get_text(" ")
    assert "West of England - baseline" in text
    assert "400 draws, seed 11, sampler lhs" in text and "2024 prices" in text
    rows = {r[0]: r for r in cell_texts(soup)}
    assert rows["metric"] == ["metric", "unit", "mean", "sd", "p5", "p50", "p95", "P(>0)"]
    npsv = results.draws("npsv")
    p5, p50, p95 = np.quantile(npsv, [0.05, 0.5, 0.95])
    assert rows["npsv"][2:] == [f"{npsv.mean():,.0f}", f"{npsv.std(ddof=1):,.0f}", f"{p5:,.0f}", f"{p50:,.0f}",
                                f"{p95:,.0f}", f"{np.mean(npsv > 0):.2f}"]
    assert rows["bcr"][2] == f"{np.mean(results.draws('bcr')):.3f}"
    for pillar in ("social", "economic", "environmental"):
        assert rows[f"pillar.{pillar}"][2] == f"{results.draws(f'pillar.{pillar}').mean():,.0f}"


def test_comparison_repr():
    cmp = socval.compare([WOE / "baseline.yaml", WOE / "green-first.yaml"], draws=300, seed=5, progress=False)
    soup = well_formed(cmp._repr_html_())
    text = soup.get_text(" ")
    assert "300 paired draws, seed 5" in text and "common random numbers" in text
    rows = {r[0]: r for r in cell_texts(soup)}
    table = cmp.scenarios()
    header = rows["scenario"]
    for name in cmp.names:
        row = dict(zip(header, rows[name]))
        assert row["mean npsv"] == f"{table.loc[name, 'mean npsv']:,.0f}"
        assert row["mean bcr"] == f"{table.loc[name, 'mean bcr']:.3f}"
        assert row["P(best npsv)"] == f"{table.loc[name, 'P(best npsv)']:.2f}"


def test_hostile_names_are_escaped(hostile):
    """An option, priority or scenario named <script>alert(1)</script> shows as text in every summary."""
    results = hostile.simulate(draws=100, seed=1, progress=False)
    other = hostile.with_metadata(name=SCRIPT + " 2")
    cmp = socval.compare([hostile, other], draws=100, seed=1, progress=False)
    for html in (hostile._repr_html_(), results._repr_html_(), cmp._repr_html_()):
        assert SCRIPT not in html and "<b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        soup = well_formed(html)
        assert not soup.find_all(["script", "b"])
        assert SCRIPT in soup.get_text()
    assert f"{SCRIPT} & <b>bold</b>" in BeautifulSoup(hostile._repr_html_(), "html.parser").get_text()
    rows = cell_texts(BeautifulSoup(hostile._repr_html_(), "html.parser"))
    assert ["retrofit", SCRIPT] == rows[1][:2]


def test_warnings_shown_escaped(hostile):
    s = hostile.add_priority({"id": "orphan", "name": SCRIPT, "pillar": "social"})
    assert any("'orphan' is reached by no funded option" in w for w in s.warnings)
    soup = well_formed(s._repr_html_())
    assert [li.get_text() for li in soup.find_all("li")] == s.warnings


def test_report_delegates(results, monkeypatch):
    calls = []

    def fake_report(obj, path=None, **options):
        calls.append((obj, path, options))
        return "report text"

    monkeypatch.setitem(sys.modules, "socval.report", types.SimpleNamespace(report=fake_report))
    assert results.report(title="Board paper") == "report text"
    assert calls[-1] == (results, None, {"title": "Board paper"})
    cmp = socval.Comparison(names=["a"], results={"a": results}, metrics=("npsv",))
    assert cmp.report("out.html", format="md") == "report text"
    assert calls[-1] == (cmp, "out.html", {"format": "md"})
