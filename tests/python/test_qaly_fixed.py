"""The QALY value is held fixed while the WELLBY is drawn (issue 13, items 2-3; docs/model/appraisal.md, "Valuation
from the value library").

Source: HM Treasury, Wellbeing Guidance for Appraisal (July 2021): the DHSC QALY value, GBP 70,000 in 2019 prices,
is published without a range; the WELLBY's GBP 10,000-16,000 range (central 13,000) comes from the conversion of
health into life satisfaction. So a QALY is worth 70,000 / V WELLBYs in a draw with WELLBY value V (70,000 / 13,000 =
5.385 at the central value), and ``value:qaly`` is a fixed value, not a parameter.
"""
import numpy as np
import pytest

import socval
from socval import simulate
from socval.model.scenario import scenario_from_dict
from socval.report.content import _Content
from socval.report.methodology import methodology


def document():
    return {
        "metadata": {"name": "qaly and wellby", "price_base_year": 2024, "horizon": 1},
        "priorities": [{"id": "p", "pillar": "social"}],
        "outcomes": [
            {"id": "health", "unit": "QALY", "value": {"kind": "qaly", "per_unit": 1}, "priorities": {"p": 1}},
            {"id": "life", "unit": "WELLBY", "value": {"kind": "wellby", "per_unit": 1}, "priorities": {"p": 1}},
        ],
        "options": [{"id": "a", "lever": "commissioning", "costs": [{"year": 0, "revenue": 1000}],
                     "outputs": {"health": 1, "life": 1}}],
        "scenario": {"funded": ["a"]},
    }


def test_qaly_is_not_a_parameter_and_is_listed_as_fixed():
    sc = scenario_from_dict(document())
    assert [p.id for p in sc.core.parameters] == ["value:wellby"]
    fixed = socval.values.fixed_values()
    assert fixed.at["value:qaly", "value"] == 70000 and fixed.at["value:qaly", "price_base_year"] == 2019
    assert "no published range" in fixed.at["value:qaly", "reason"]
    assert "value:wellby" not in fixed.index


def test_qaly_per_wellby_in_every_draw_is_70000_over_the_wellby_drawn():
    r = simulate(scenario_from_dict(document()), draws=500, seed=9, keep_inputs=True, keep_outcomes=True,
                 progress=False)
    w = r.to_xarray()["inputs"].sel(parameter="value:wellby").values
    ratio = r.draws("outcome_pv.health") / r.draws("outcome_pv.life")
    np.testing.assert_allclose(ratio, 70000 / w, rtol=1e-12)
    assert ratio.min() >= 70000 / 16000 and ratio.max() <= 70000 / 10000  # 4.375 to 7.0
    central = scenario_from_dict(document()).evaluate(values="central").totals["pv"]
    assert central["health"] / central["life"] == pytest.approx(70000 / 13000, rel=1e-12)  # 5.385


def test_switching_value_of_the_qaly_says_it_is_fixed():
    from socval.decision import switching_value
    with pytest.raises(socval.DecisionError, match=r"value:qaly.*fixed library value.*no published range"):
        switching_value(scenario_from_dict(document()), None, "value:qaly", method="central")


def test_report_names_the_qaly_as_held_fixed():
    r = simulate(scenario_from_dict(document()), draws=20, seed=1, progress=False)
    text = " ".join(" ".join(p["paragraphs"]) for p in methodology(_Content(r, None, None, None))["parts"])
    assert "value:qaly (70,000 GBP per QALY, 2019 prices: no published range" in text
