"""Issue 18, item 9 (report wording, part): no "biggest risk" that NPSV is positive in every draw; chart titles
that name the method once; a re-run hint that says which folder its relative paths are relative to."""
from types import SimpleNamespace

import numpy as np

from socval.report import summary
from socval.report.charts import _titled


def _content(npsv):
    return SimpleNamespace(npsv={"A": np.asarray(npsv, dtype=float)}, sensitivity=[])


def test_positive_in_every_draw_is_not_a_risk(monkeypatch):
    monkeypatch.setattr(summary, "_variance_drivers", lambda content, b: "the value of health and wellbeing")
    text = summary._risk_sentence(_content(np.linspace(1e6, 2e6, 101)), "A")
    assert "risk" not in text.lower()
    assert text.startswith("Its NPSV is positive in every draw")
    assert text.endswith("what moves it most: the value of health and wellbeing.")
    text = summary._risk_sentence(_content(np.linspace(-1e6, 2e6, 101)), "A")
    assert text.startswith("The biggest risks: its NPSV is negative in")


def test_chart_titles_name_the_method_once():
    assert _titled("Tornado", "tornado of NPSV, West of England - baseline") == \
        "Tornado of NPSV, West of England - baseline"
    assert _titled("Sobol indices", "sobol of NPSV, B") == "Sobol indices of NPSV, B"
    assert _titled("Tornado", "my analysis") == "Tornado: my analysis"


def test_pdf_table_caption_goes_with_its_table():
    """With the report's stylesheet, a table whose caption would end a page starts on the next page with it
    (WeasyPrint; without the rule the caption stays alone at the foot of the page for fillers of 242-252 mm)."""
    import subprocess

    import weasyprint

    from socval.report.render import TEMPLATES

    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    rows = "".join(f"<tr><th>row {i}</th><td>{i}</td></tr>" for i in range(12))
    for filler_mm in (242, 247, 252):  # the caption fits on page 1, its header row does not
        html = (f"<html><head><style>{css}</style></head><body><div style='height:{filler_mm}mm'></div><table>"
                f"<caption>The caption</caption><thead><tr><th>Header</th><th>x</th></tr></thead><tbody>{rows}"
                "</tbody></table></body></html>")
        text = subprocess.run(["pdftotext", "-", "-"], input=weasyprint.HTML(string=html).write_pdf(),
                              capture_output=True, check=True).stdout.decode()
        pages = text.split("\f")
        caption = [i for i, p in enumerate(pages) if "The caption" in p]
        header = [i for i, p in enumerate(pages) if "Header" in p]
        assert caption == header[:1], (filler_mm, caption, header)
