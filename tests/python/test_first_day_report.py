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
