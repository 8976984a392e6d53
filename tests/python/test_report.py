"""socval.report and `socval report`: the decision-paper annex of the West of England comparison (5 scenarios,
1,000 paired draws), its HTML, PDF, Markdown and CSV forms, escaping of hostile names, and the CLI.

Expected numbers are recomputed here from the Results draws with plain numpy. The PDF is rendered once (slow)."""
import base64
import hashlib
import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

import socval
from socval import cli
from socval.indicators import headline
from socval.report import comparison_from_results, md_escape, report

ROOT = Path(__file__).resolve().parents[2]
WOE = ROOT / "scenarios" / "west-of-england"
STEMS = ("baseline", "procurement-first", "green-first", "skills-first", "balanced")
DRAWS, SEED = 1000, 11
HOSTILE = "<script>alert(1)</script>"
SECTIONS = ("summary", "value-by-priority", "options", "charts", "methodology", "assumptions", "reproducibility")
CHARTS = ("npsv-distribution", "by-pillar", "by-priority", "by-place", "place-map", "by-quintile", "fan", "sankey",
          "p-better", "tornado-1", "sobol-2")


@pytest.fixture(scope="module")
def woe():
    return socval.compare([WOE / f"{s}.yaml" for s in STEMS], draws=DRAWS, seed=SEED, progress=False)


@pytest.fixture(scope="module")
def sensitivity(woe_scenarios):
    """A tornado of the skills-first NPSV and Sobol indices of eight outcome parameters (uncorrelated)."""
    s = woe_scenarios["skills-first"]
    from socval.sensitivity.scenario import uncertain_parameters

    ids = [p for p in uncertain_parameters(s) if p.startswith("outcomes.")][:8]
    return {"NPSV of skills first": s.sensitivity("tornado"),
            "NPSV of skills first, 8 outcome parameters": s.sensitivity("sobol", n=128, parameters=ids,
                                                                        n_bootstrap=100)}


@pytest.fixture(scope="module")
def written(woe, sensitivity, tmp_path_factory):
    """The HTML report with its PDF and CSV tables, written once."""
    folder = tmp_path_factory.mktemp("report")
    path = report(woe, folder / "annex.html", pdf=True, csv=True, sensitivity=sensitivity)
    return folder, path


@pytest.fixture(scope="module")
def soup(written):
    # <wbr> (a line-break hint in long ids) is not text: without it, get_text(" ") keeps each id whole
    return BeautifulSoup(written[1].read_text(encoding="utf-8").replace("<wbr>", ""), "html.parser")


class _Nesting(HTMLParser):
    """Checks that every element is closed in order (void elements excepted)."""

    VOID = {"meta", "img", "br", "hr", "col", "link", "input", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_html_parses_with_every_section(written, soup):
    parser = _Nesting()
    parser.feed(written[1].read_text(encoding="utf-8"))
    assert parser.errors == [] and parser.stack == []
    assert soup.find("html")["lang"] == "en-GB"
    for sid in SECTIONS:
        section = soup.find("section", id=sid)
        assert section is not None and section.find("h2"), sid
    titles = [h.get_text() for h in soup.find("section", id="methodology").find_all("h3")]
    assert titles == ["Price base and appraisal period", "Discounting", "Optimism bias",
                      "Additionality and persistence", "Valuation and the source of every value",
                      "Headline indicators", "Uncertainty and simulation"]
    assert soup.title.get_text() == "Social value appraisal: West of England, 5 scenarios compared"


def _cell(soup, indicator, scenario):
    table = soup.find("table", class_="headline")
    columns = [th.get_text() for th in table.thead.find_all("th")]
    for tr in table.tbody.find_all("tr"):
        cells = [c.get_text() for c in tr.find_all(["th", "td"])]
        if cells[0] == indicator:
            return cells[columns.index(scenario)]
    raise AssertionError(f"no row {indicator!r}")


def _numbers(text):
    return [float(x.replace(",", "")) for x in re.findall(r"-?\d[\d,]*(?:\.\d+)?", text)]


def test_headline_table_has_the_expected_numbers(woe, soup):
    npsv = np.column_stack([woe.results[n].draws("pv_benefits") - woe.results[n].draws("pv_costs")
                            for n in woe.names])
    p_best = np.bincount(npsv.argmax(axis=1), minlength=5) / DRAWS
    short = headline.short_names(woe.names)
    assert short == ["baseline", "procurement first", "green first", "skills first", "balanced"]
    for k, (n, s) in enumerate(zip(woe.names, short)):
        r = woe.results[n]
        x = npsv[:, k] / 1e6
        m, lo, hi = _numbers(_cell(soup, "NPSV (GBP m)", s))
        assert m == pytest.approx(x.mean(), abs=0.051)
        assert lo == pytest.approx(np.quantile(x, 0.05), abs=0.051)
        assert hi == pytest.approx(np.quantile(x, 0.95), abs=0.051)
        # the headline BCR on public sector cost (costs to others against the benefits), and on all costs
        others = r.draws("pv_others")
        bcr = (r.draws("pv_benefits") - others) / (r.draws("pv_costs") - others)
        assert _numbers(_cell(soup, "BCR", s))[0] == pytest.approx(bcr.mean(), abs=0.0051)
        all_costs = r.draws("pv_benefits") / r.draws("pv_costs")
        assert _numbers(_cell(soup, headline.BCR_ALL_COSTS, s))[0] == pytest.approx(all_costs.mean(), abs=0.0051)
        place = r.draws("place_npsv") / 1e6
        assert _numbers(_cell(soup, headline.PLACE_NPSV, s))[0] == pytest.approx(place.mean(), abs=0.051)
        jobs = r.draws("outcome.jobs_for_local_people")
        assert _numbers(_cell(soup, "jobs for local people", s))[0] == pytest.approx(jobs.mean(), abs=0.51)
        co2 = r.draws("outcome.co2e_avoided")
        assert _numbers(_cell(soup, "tCO2e avoided", s))[0] == pytest.approx(co2.mean(), abs=0.51)
        r1, r2 = r.draws("outcome.spend_round1"), r.draws("outcome.spend_round2_local")
        assert _numbers(_cell(soup, "local spend retained (GBP m)", s))[0] == pytest.approx(r2.mean() / 1e6, abs=0.051)
        assert _numbers(_cell(soup, "share of spend kept locally (%)", s))[0] == pytest.approx(
            100 * np.mean(r2 / r1), abs=0.051)
        assert _numbers(_cell(soup, "P(best NPSV)", s))[0] == pytest.approx(p_best[k], abs=0.0051)
        for pillar in ("social", "economic", "environmental"):
            v = r.draws(f"pillar.{pillar}") / 1e6
            assert _numbers(_cell(soup, f"{pillar} value (GBP m)", s))[0] == pytest.approx(v.mean(), abs=0.051)
        assert _numbers(_cell(soup, "SROI", s))[0] == pytest.approx(
            np.mean(r.draws("pv_benefits") / (r.draws("pv_investment") + r.draws("pv_others"))), abs=0.0051)


def test_summary_names_the_best_scenario_in_plain_words(woe, soup):
    means = {n: np.mean(woe.results[n].draws("npsv")) for n in woe.names}
    best = max(means, key=means.get)
    text = soup.find("section", id="summary").find("p", class_="lead").get_text()
    assert f"{headline.short_names(woe.names)[woe.names.index(best)]} has the highest expected net present" in text
    p = woe.p_best("npsv")[best]
    assert f"highest NPSV in {100 * p:.0f}% of the draws" in text
    assert "benefit-cost ratio is" in text and "Most of its value is" in text and "The biggest risks" in text
    # A tornado was given: its top input is named among the risks.
    assert "one-way sensitivity analysis (NPSV of skills first)" in text


def test_every_chart_is_an_embedded_png(soup):
    from PIL import Image

    figures = soup.find_all("figure", class_="chart")
    assert [f["id"] for f in figures] == [f"chart-{c}" for c in CHARTS]
    for f in figures:
        src = f.img["src"]
        assert src.startswith("data:image/png;base64,"), f["id"]
        png = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000, f["id"]
        with Image.open(io.BytesIO(png)) as im:
            assert im.size[0] > 300 and im.size[1] > 200, f["id"]
        assert f.figcaption.get_text().startswith("Figure")


def test_no_external_resource(written, soup):
    html = written[1].read_text(encoding="utf-8")
    assert not soup.find_all(["script", "link", "iframe", "object"])
    for tag in soup.find_all(src=True) + soup.find_all(href=True):
        assert not re.match(r"\s*(https?:)?//", tag.get("src", "") + tag.get("href", "")), tag.name
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "@import" not in html
    # Citations stay plain text.
    assert "https://www.gov.uk/" in soup.find("section", id="methodology").get_text()


def test_methodology_statement(woe, soup):
    text = soup.find("section", id="methodology").get_text(" ")
    assert "GBP at 2024 prices" in text and "GDP deflator" in text
    for rate in ("3.50%", "3.00%", "2.50%", "1.50%", "1.00%"):
        assert rate in text, rate
    assert "health schedule" in text  # wellbeing outcomes discount at 1.5%
    assert "optimism bias" in text.lower() and "outsourcing" in text and "standard_buildings" in text
    assert "deadweight" in text and "displacement" in text and "leakage" in text and "substitution" in text
    assert "Job entries from skills and employment programmes" in text
    for entry in ("stpr", "gdp_deflator", "carbon", "wellby", "qaly", "optimism_bias",
                  "unit_values: emp_nhs_saving_into_work"):
        assert entry in text, entry
    assert "Open Government Licence" in text and "ILLUSTRATIVE" in text
    assert f"{DRAWS:,}" in text and "Latin hypercube" in text and str(SEED) in text


def test_assumptions_table_lists_every_uncertain_parameter(woe, soup):
    ids = set()
    for n in woe.names:
        sc = headline.scenario_of(woe.results[n])
        ids |= {p.id for p in sc.core.parameters if p.distribution.kind != "fixed"}
    section = soup.find("section", id="assumptions")
    rows = section.find("table").tbody.find_all("tr")
    shown = {r.find(["th", "td"]).get_text() for r in rows}
    assert shown == ids
    row = next(r for r in rows if r.find(["th", "td"]).get_text() == "outcomes.programme_job_entries.deadweight")
    assert "pert(min=0.35, mode=0.45, max=0.6" in row.get_text()
    assert "rank correlation 0.6" in section.get_text()


def test_reproducibility_block(woe, soup):
    from socval.io.results_file import git_revision

    text = soup.find("section", id="reproducibility").get_text(" ")
    for n in woe.names:
        assert hashlib.sha256(woe.results[n].attrs["scenario_text"].encode()).hexdigest() in text
    assert socval.__version__ in text and git_revision() in text and socval.values.version() in text
    commands = [c.get_text() for c in soup.find_all("pre", class_="command")]
    # Scenario paths are relative to the working folder when inside it (pytest runs from the repository).
    assert any(c.startswith("socval compare ") and "west-of-england/baseline.yaml " in c and
               f"--draws {DRAWS} --seed {SEED} --sampler lhs" in c for c in commands)
    assert any(c.startswith("socval report ") for c in commands)


def test_scenario_hash_matches_the_results_file(woe, tmp_path):
    r = woe.results[woe.names[0]]
    r.save(tmp_path / "r.h5")
    loaded = socval.load_results(tmp_path / "r.h5")
    assert loaded.attrs["scenario_hash"] == hashlib.sha256(r.attrs["scenario_text"].encode()).hexdigest()


def test_pdf_has_the_sections_and_pages(written):
    folder, _ = written
    pdf = folder / "annex.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    # poppler-utils is in the Makefile's PKGS: a missing pdftotext is a broken setup, not a reason to skip.
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is not installed: run `make deps`"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 3
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for heading in ("Summary", "Headline figures", "Value by priority", "Charts", "Methodology", "Assumptions",
                    "Reproducibility"):
        assert re.search(rf"^\s*{heading}\s*$", text, flags=re.M), heading
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    # A page break before each major section: its heading starts a page (after the running header).
    for page in text.split("\f"):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        for heading in ("Charts", "Methodology", "Assumptions", "Reproducibility"):
            if heading in lines:
                assert lines.index(heading) <= 1, heading


def test_no_temporary_files_are_left(written):
    folder, _ = written
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_csv_tables(woe, written):
    folder, _ = written
    head = pd.read_csv(folder / "annex-headline.csv")
    assert list(head["scenario"]) == woe.names
    t = headline.headline_table(woe)
    np.testing.assert_allclose(head["NPSV (GBP m) mean"], t[("NPSV (GBP m)", "mean")], rtol=1e-12)
    np.testing.assert_allclose(head["P(best NPSV)"], t[(headline.P_BEST, "")], rtol=1e-12)
    summary = pd.read_csv(folder / "annex-summary.csv")
    row = summary[(summary["scenario"] == woe.names[0]) & (summary["metric"] == "npsv")].iloc[0]
    assert row["mean"] == pytest.approx(np.mean(woe.results[woe.names[0]].draws("npsv")), rel=1e-12)
    pri = pd.read_csv(folder / "annex-by-priority.csv")
    assert set(pri["scenario"]) == set(woe.names) and {"priority", "name", "pillar", "mean", "p5", "p95"} <= set(pri)
    total = pri[pri["scenario"] == woe.names[0]]["mean"].sum()
    assert total == pytest.approx(np.mean(woe.results[woe.names[0]].draws("pv_benefits")), rel=1e-9)
    ass = pd.read_csv(folder / "annex-assumptions.csv")
    assert list(ass.columns) == ["parameter", "distribution", "central", "scenarios"]
    assert "outcomes.programme_job_entries.deadweight" in set(ass["parameter"])


def test_markdown_with_png_charts(woe, tmp_path):
    path = report(woe, tmp_path / "annex.md")
    assert path == tmp_path / "annex.md"
    md = path.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    # 6 charts + by place, the place map and by income quintile (the West of England declares places and people)
    assert len(images) == 9 and all(i.startswith("annex_files/figure-") for i in images)
    for i in images:
        assert (tmp_path / i).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| indicator | baseline | procurement first | green first | skills first | balanced |" in md
    assert re.search(r"^\| NPSV \(GBP m\) \| -?\d", md, flags=re.M)
    for heading in ("## Summary", "## Methodology", "## Assumptions", "## Reproducibility"):
        assert f"\n{heading}\n" in md
    if shutil.which("pandoc"):  # what a strategist runs to get a Word document
        out = tmp_path / "annex.docx"
        subprocess.run(["pandoc", str(path), "-o", str(out), "--resource-path", str(tmp_path)], check=True)
        assert out.stat().st_size > 50_000


@pytest.fixture(scope="module")
def hostile():
    """The baseline with an option and a scenario name that are script tags."""
    s = socval.load_scenario(WOE / "baseline.yaml").add_option(
        {"id": "hostile", "name": HOSTILE, "lever": "anchor", "costs": [{"year": 0, "capital": 1e6}],
         "outputs": {"jobs_for_local_people": 5}}, fund=True)
    s = s.with_metadata(name=f"Evil {HOSTILE} & co")
    return s.simulate(draws=200, seed=1, progress=False)


def test_hostile_names_are_escaped_in_html(hostile):
    html = report(hostile, title=f"Title {HOSTILE}")
    assert HOSTILE not in html and "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert f"Title {HOSTILE}" == soup.find("h1").get_text()
    assert HOSTILE in soup.find("section", id="options").get_text()  # the option, as text
    # A single scenario: no P(best), a `socval run` command for a scenario built in Python.
    assert "P(best NPSV)" not in soup.find("table", class_="headline").get_text()
    assert "socval run SCENARIO.yaml" in soup.find("section", id="reproducibility").get_text()


def test_hostile_names_are_escaped_in_markdown(hostile):
    md = report(hostile, format="md")
    assert HOSTILE not in md and "&lt;script>alert(1)&lt;/script>" in md
    assert "data:image/png;base64," in md  # no path: charts embedded
    if shutil.which("pandoc"):
        for reader in ("markdown", "commonmark"):
            out = subprocess.run(["pandoc", "-f", reader, "-t", "html"], input=md, capture_output=True, text=True,
                                 check=True).stdout
            assert "<script" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out, reader


@pytest.mark.parametrize("text, shown", [
    ("a_b *c* `d`", r"a_b \*c\* \`d\`"),
    ("[x](javascript:alert(1))", r"[x\](javascript:alert(1))"),
    ("# not a heading", r"\# not a heading"),
    ("1. not a list", r"1\. not a list"),
    ("P(NPSV > 0) & more", "P(NPSV > 0) & more"),
    ("&amp;", r"\&amp;"),
    ("two\nlines", "two lines"),
])
def test_md_escape(text, shown):
    assert md_escape(text) == shown
    assert md_escape("a | b", table=True) == r"a \| b"


def test_comparison_from_loaded_results_files(woe, tmp_path):
    files = []
    for n, stem in zip(woe.names[:2], STEMS):
        woe.results[n].save(tmp_path / f"{stem}.h5")
        files.append(tmp_path / f"{stem}.h5")
    cmp = comparison_from_results([socval.load_results(f) for f in files], files=files)
    pd.testing.assert_series_equal(cmp.p_best("npsv"), socval.Comparison(
        names=woe.names[:2], results={n: woe.results[n] for n in woe.names[:2]}, metrics=cmp.metrics).p_best("npsv"))
    with pytest.raises(socval.DecisionError, match="at least 2"):
        comparison_from_results([woe.results[woe.names[0]]])


def test_results_not_on_common_random_numbers_are_refused(woe):
    other = socval.simulate(WOE / "green-first.yaml", draws=DRAWS, seed=SEED + 1, progress=False)
    with pytest.raises(socval.DecisionError) as e:
        report([woe.results[woe.names[0]], other])
    msg = str(e.value)
    assert "common random numbers" in msg and f"seed {SEED + 1} (not {SEED})" in msg
    assert f"--draws {DRAWS} --seed {SEED} --sampler lhs" in msg
    assert re.search(r"socval run \S*west-of-england/green-first.yaml", msg)


def test_bad_arguments(woe):
    r = woe.results[woe.names[0]]
    with pytest.raises(ValueError, match="format"):
        report(r, format="docx")
    with pytest.raises(ValueError, match="give a path"):
        report(r, pdf=True)
    with pytest.raises(ValueError, match="PDF is made from the HTML"):
        report(r, "x.md", pdf=True)
    with pytest.raises(TypeError, match="socval.Results"):
        report("results.h5")
    with pytest.raises(socval.SensitivityError, match="tornado table"):
        report(r, sensitivity={"oops": 3})


# ---- the CLI ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def results_files(woe, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    paths = []
    for n, stem in zip(woe.names[:2], STEMS):
        woe.results[n].save(folder / f"{stem}.h5")
        paths.append(folder / f"{stem}.h5")
    return folder, paths


def test_cli_report_of_results_files(results_files, capsys):
    folder, paths = results_files
    out = folder / "annex.html"
    assert cli.main(["report", *map(str, paths), "--out", str(out), "--title", "Board annex"]) == 0
    assert f"written: {out}" in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert "<h1 id=\"title\">Board annex</h1>" in html and "socval report " in html


def test_cli_report_of_scenario_files_as_markdown_with_csv(tmp_path, capsys):
    out = tmp_path / "annex.md"
    files = [str(WOE / "baseline.yaml"), str(WOE / "skills-first.yaml")]
    assert cli.main(["report", *files, "--draws", "200", "--seed", "4", "--out", str(out), "--csv"]) == 0
    printed = capsys.readouterr().out
    for name in ("annex.md", "annex_files", "annex-headline.csv", "annex-assumptions.csv"):
        assert name in printed
    md = out.read_text(encoding="utf-8")
    assert "--draws 200 --seed 4 --sampler lhs" in md and len(list((tmp_path / "annex_files").glob("*.png"))) == 9
    assert "## Who benefits and where" in md and len(pd.read_csv(tmp_path / "annex-by-place.csv")) == 10
    assert len(pd.read_csv(tmp_path / "annex-headline.csv")) == 2


def test_cli_errors(results_files, tmp_path, capsys):
    folder, paths = results_files
    out = str(tmp_path / "x.html")
    assert cli.main(["report", str(tmp_path / "missing.h5"), "--out", out]) == 2
    assert "missing.h5: no such file" in capsys.readouterr().err
    (tmp_path / "notes.h5").write_text("not hdf5")
    assert cli.main(["report", str(tmp_path / "notes.h5"), "--out", out]) == 2
    assert "not a socval results file" in capsys.readouterr().err
    other = tmp_path / "other-seed.h5"
    socval.simulate(WOE / "green-first.yaml", draws=DRAWS, seed=SEED + 2, progress=False).save(other)
    assert cli.main(["report", str(paths[0]), str(other), "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith("socval report: error: the results were not run on common random numbers")
    assert "other-seed.h5 has seed" in err and "--seed 11" in err
    assert cli.main(["report", str(paths[0]), str(WOE / "green-first.yaml"), "--draws", "5", "--out", out]) == 2
    assert "--draws 5 (the results have 1000)" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_cli_sensitivity_charts_for_the_best_scenario(tmp_path):
    """--sensitivity adds the tornado (and Sobol) charts of the scenario with the highest mean NPSV; Sobol on a
    scenario with correlations gives the indices for dependent inputs (docs/model/sensitivity_dependent.md)."""
    files = [str(WOE / "baseline.yaml"), str(WOE / "skills-first.yaml")]
    out = tmp_path / "sens.html"
    assert cli.main(["report", *files, "--draws", "300", "--out", str(out), "--sensitivity", "tornado",
                     "--no-progress"]) == 0
    soup = BeautifulSoup(out.read_text(), "html.parser")
    figure = soup.find(id="chart-tornado-1")
    assert figure is not None and "skills first" in figure.get_text()
    assert "--sensitivity tornado" in soup.find(id="reproducibility").get_text()
    dependent = tmp_path / "dependent.html"
    assert cli.main(["report", *files, "--draws", "300", "--out", str(dependent), "--sensitivity", "sobol",
                     "--no-progress"]) == 0
    soup = BeautifulSoup(dependent.read_text(), "html.parser")
    assert soup.find(id="chart-sobol-1") is not None


def test_sensitivity_of_a_single_uncorrelated_scenario_gives_both_charts():
    from socval.cli.report import sensitivity_of

    base = socval.load_scenario(ROOT / "tests" / "data" / "simulation" / "base.yaml")
    doc = {k: v for k, v in base.document.items() if k != "correlations"}
    res = socval.scenario_from_dict(doc, name="independent").simulate(draws=200, seed=1, progress=False)
    analyses = sensitivity_of(res, ["tornado", "sobol"])
    assert [k.split(" of ")[0] for k in analyses] == ["tornado", "sobol"]
    html = report(res, sensitivity=analyses)
    assert 'id="chart-tornado-1"' in html and 'id="chart-sobol-2"' in html


# ---- the report as a reader sees it: rendered by a real browser (Chromium) and printed (the PDF) -------------------

#: Injected into a copy of the report: on load, measures every table, image and heading as Chromium rendered them
#: and writes the measurements as JSON into the DOM, which `chromium --headless --dump-dom` prints.
_PROBE = """
window.addEventListener("load", function () {
  var out = {tables: [], images: [], headings: []};
  document.querySelectorAll("table").forEach(function (t) {
    var box = t.parentElement, r = t.getBoundingClientRect(), b = box.getBoundingClientRect();
    out.tables.push({caption: t.caption ? t.caption.textContent : "", first: t.querySelector("th").textContent,
                     box_scroll: box.scrollWidth, box_client: box.clientWidth, right: r.right, box_right: b.right,
                     table_scroll: t.scrollWidth, table_client: t.clientWidth});
  });
  document.querySelectorAll("img").forEach(function (im) {
    var r = {alt: im.alt, complete: im.complete, w: im.naturalWidth, h: im.naturalHeight, shown: im.width,
             variance: -1};
    if (im.complete && im.naturalWidth > 0) {
      var c = document.createElement("canvas");  // its pixels, scaled down: a blank image has no variance
      c.width = Math.min(im.naturalWidth, 240);
      c.height = Math.max(1, Math.round(im.naturalHeight * c.width / im.naturalWidth));
      var g = c.getContext("2d");
      g.drawImage(im, 0, 0, c.width, c.height);
      var d = g.getImageData(0, 0, c.width, c.height).data, n = 0, s = 0, s2 = 0;
      for (var k = 0; k < d.length; k += 4) {
        var y = (d[k] + d[k + 1] + d[k + 2]) / 3 * d[k + 3] / 255; n++; s += y; s2 += y * y;
      }
      r.variance = s2 / n - (s / n) * (s / n);
    }
    out.images.push(r);
  });
  document.querySelectorAll("h1, h2, h3, h4").forEach(function (h) { out.headings.push(h.textContent); });
  var pre = document.createElement("pre");
  pre.id = "socval-rendered";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
"""


@pytest.fixture(scope="module")
def rendered(written, tmp_path_factory):
    """The HTML report as headless Chromium (Debian's `chromium`, in the Makefile's PKGS) lays it out in a 1024 px
    wide window: the probe's measurements."""
    import json
    import os

    browser = shutil.which("chromium")
    if browser is None:
        pytest.skip("chromium is not installed (Debian package `chromium`, in the Makefile's PKGS: `make deps`)")
    folder = tmp_path_factory.mktemp("rendered")
    page = folder / "annex.html"
    page.write_text(written[1].read_text(encoding="utf-8").replace("</body>", f"<script>{_PROBE}</script></body>"),
                    encoding="utf-8")
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS="disabled:", HOME=str(folder))
    run = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-extensions", "--disable-background-networking", "--disable-dev-shm-usage",
                          f"--user-data-dir={folder / 'profile'}", "--window-size=1024,900", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=120, env=env)
    found = re.search(r'<pre id="socval-rendered">(.*?)</pre>', run.stdout, flags=re.S)
    assert found, f"chromium printed no measurements (exit {run.returncode}): {run.stderr[-2000:]}"
    from html import unescape

    return json.loads(unescape(found.group(1)))


def test_rendered_tables_fit_their_container(rendered):
    assert len(rendered["tables"]) >= 10
    for t in rendered["tables"]:
        what = t["caption"] or t["first"]
        assert t["box_scroll"] <= t["box_client"], f"table {what!r} overflows its container: {t}"
        assert t["right"] <= t["box_right"] + 0.5, f"table {what!r} sticks out of its container: {t}"
        assert t["table_scroll"] <= t["table_client"] + 1, f"table {what!r} overflows itself: {t}"


def test_rendered_images_are_loaded_and_not_blank(rendered):
    assert [im["alt"] for im in rendered["images"]] == [
        "Distribution of the net present social value", "Value by pillar", "Value by priority",
        "Value by place", "Where the value lands", "Value by income quintile", "Net benefits by year", "From options to priorities", "Probability that one scenario beats another",
        "Tornado: NPSV of skills first", "Sobol indices: NPSV of skills first, 8 outcome parameters"]
    for im in rendered["images"]:
        assert im["complete"] and im["w"] > 0 and im["h"] > 0, f"image {im['alt']!r} did not load: {im}"
        assert im["shown"] > 300, f"image {im['alt']!r} is drawn {im['shown']} px wide"
        assert im["variance"] > 100, f"image {im['alt']!r} is blank (one colour): {im}"


def test_rendered_headings_use_names_not_ids(rendered, woe_scenarios):
    ids = set()
    for sc in woe_scenarios.values():
        core = sc.core
        for item in list(core.options) + list(core.outcomes) + list(core.priorities):
            if getattr(item, "name", "") and item.name != item.id:
                ids.add(item.id)
    assert len(ids) > 30
    headings = rendered["headings"]
    assert "Summary" in headings and "Assumptions" in headings
    for h in headings:
        raw = [i for i in ids if re.search(rf"(?<![\w.]){re.escape(i)}(?![\w])", h)]
        assert not raw, f"heading {h!r} shows ids {raw} where the scenario gives names"


#: Where a long token may wrap in the PDF (socval.report.render.BREAK_AFTER) and the dash of a hyphenated word.
_BREAKS = "._/>=,&?:-"


def _pieces(word):
    """Every run of consecutive segments of ``word`` cut after a break character: the parts a wrap may show."""
    cuts = [0] + [i + 1 for i, ch in enumerate(word[:-1]) if ch in _BREAKS] + [len(word)]
    return {word[a:b] for i, a in enumerate(cuts) for b in cuts[i + 1:]}


def test_pdf_breaks_no_word(written, soup):
    """Each word of the PDF's text is a word of the HTML, or a piece of one cut after . _ / > = , & ? : or -: no
    word is broken inside and no table is cut at the page's edge (the assumptions table once showed 'triangul ar'
    and 'spend_roun d1'; the checklist findings ran off the page)."""
    folder, _ = written
    text = subprocess.run(["pdftotext", "-layout", str(folder / "annex.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\u200b", "")
    allowed = {"•", "Page", "of"}  # the list bullet and the page footer
    for word in set(soup.get_text(" ").split()):
        allowed |= _pieces(word) | {word.upper()}  # the kicker is upper case (CSS)
    words = text.split()
    assert len(words) > 5000 and "outcomes.programme_job_entries.deadweight" in words
    assert sorted({w for w in words if w not in allowed and not w.isdigit()}) == []


def test_pdf_chart_text_is_legible_at_a4(written, woe):
    """Charts are drawn at most 8 in wide with text of 8 pt or more, and placed at <= 137 ppi in the PDF (pdfimages
    -list), so that their text prints at >= 7 pt on A4 (the Sankey diagram's was about 4 pt)."""
    from matplotlib.text import Text

    from socval.plots import charts as plots
    from socval.report.charts import CHART_DPI, CHART_MAX_WIDTH_IN, SANKEY_TOP

    folder, _ = written
    listing = subprocess.run(["pdfimages", "-list", str(folder / "annex.pdf")], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    images = [line.split() for line in listing if line.split()[2] == "image"]
    assert len(images) == len(CHARTS)
    for row in images:
        width_px, ppi = int(row[3]), float(row[12])
        assert width_px <= CHART_MAX_WIDTH_IN * CHART_DPI
        assert 8 * CHART_DPI / ppi >= 7, f"chart {row} prints 8 pt text at {8 * CHART_DPI / ppi:.1f} pt"
    fig = plots.sankey(woe.results[woe.names[STEMS.index("skills-first")]], top=SANKEY_TOP, width=CHART_MAX_WIDTH_IN)
    texts = [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    assert min(t.get_fontsize() for t in texts) >= 8
    shown = " ".join(t.get_text() for t in texts)
    assert "Skills and employment" in shown and "skills_employment" not in shown and "other options (" in shown


def test_pdf_keeps_captions_with_what_they_caption(written, soup):
    """No table caption is the last line of a page (its table on the next), and each figure's caption is on the
    page of its chart (pdfimages -list gives the page of each image, in order)."""
    folder, _ = written
    pdf = str(folder / "annex.pdf")
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    captions = [c.get_text() for c in soup.find_all("caption")]
    assert len(captions) >= 3
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip() and not line.strip().startswith("Page ")]
        if lines and len(lines[-1]) > 12:
            assert not any(lines[-1][:40] in c for c in captions), \
                f"page {number} ends with a table caption: {lines[-1]!r}"
    listing = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True, check=True).stdout
    image_pages = [int(r.split()[0]) for r in listing.splitlines()[2:] if r.split()[2] == "image"]
    caption_pages = [next(n for n, page in enumerate(pages, start=1) if re.search(rf"^\s*Figure {k}\. ", page, re.M))
                     for k in range(1, len(image_pages) + 1)]
    assert caption_pages == image_pages


def test_sensitivity_tables_and_summary_name_their_inputs(soup, woe_scenarios):
    """The tornado and Sobol tables and the summary name inputs ("Value of a WELLBY (library)"), not by ids; the
    assumptions table keeps the ids (its text says they are key paths)."""
    from socval.model.labels import parameter_names

    names = parameter_names(woe_scenarios["skills-first"])
    tables = [t for t in soup.find_all("table") if t.caption and t.caption.get_text().startswith(("Tornado", "Sobol"))]
    assert len(tables) == 2
    for t in tables:
        inputs = [tr.find(["th", "td"]).get_text() for tr in t.tbody.find_all("tr")]
        assert inputs and set(inputs) <= set(names.values()), inputs
    assert "Value of a WELLBY (library)" in {tr.find(["th", "td"]).get_text() for tr in tables[0].tbody("tr")}
    assert "value:" not in soup.find("section", id="summary").get_text()
    assert "value:wellby" in soup.find("section", id="assumptions").get_text()
