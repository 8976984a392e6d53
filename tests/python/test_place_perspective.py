"""The place perspective beside the UK one in every simulation, from the same draws (issue 13, item 5;
docs/model/appraisal.md, "Perspectives").

Known answer: net = gross x (1 - displacement) (HCA Additionality Guide, 4th edition, 2014). The outcome is displaced
90% at UK level and 30% within the region, so in every draw the place benefits are exactly (1 - 0.3) / (1 - 0.9) = 7
times the UK ones, because both perspectives see the same draw of the output (uniform 5-15) and of the WELLBY.
Costs are the same in both: the body's GBP 50,000 in year 0 and the partners' GBP 10,350 in year 1 (PV 10,000 at
3.5%, Green Book Annex A6).
"""
import numpy as np
import pytest

import socval
from socval import compare, simulate
from socval.engine.perspectives import place_variant
from socval.indicators.headline import PLACE_BCR, PLACE_NPSV, headline_table, indicators
from socval.model.scenario import scenario_from_dict

LABEL = "place perspective (the region)"


def document(name="place test", place=True, scale=1.0):
    jobs = {"id": "jobs", "unit": "job-year", "value": {"kind": "wellby", "per_unit": 0.5},
            "displacement": 0.9, "priorities": {"p": 1}}
    if place:
        jobs["place"] = {"displacement": 0.3}
    return {
        "metadata": {"name": name, "price_base_year": 2024, "horizon": 2},
        "priorities": [{"id": "p", "pillar": "economic"}],
        "outcomes": [jobs],
        "options": [{"id": "a", "lever": "anchor", "costs": [{"year": 0, "revenue": 50000 * scale}, {"year": 1}],
                     "outputs": {"jobs": {"dist": "uniform", "min": 5 * scale, "max": 15 * scale}},
                     "costs_to_others": [{"year": 1, "amount": 10350, "bearer": "partners"}]}],
        "scenario": {"funded": ["a"]},
    }


@pytest.fixture(scope="module")
def run():
    return simulate(scenario_from_dict(document()), draws=300, seed=4, keep_inputs=True, progress=False)


def test_both_perspectives_in_one_run_known_answer(run):
    np.testing.assert_allclose(run.draws("place_pv_benefits"), 7 * run.draws("pv_benefits"), rtol=1e-12)
    np.testing.assert_array_equal(run.draws("place_pv_costs"), run.draws("pv_costs"))
    np.testing.assert_allclose(run.draws("pv_costs"), 60000, rtol=1e-12)
    np.testing.assert_allclose(run.draws("place_npsv"), 7 * run.draws("pv_benefits") - 60000, rtol=1e-9)
    # the place BCR on public sector cost: (PV benefits - PV others) / (PV costs - PV others), others = 10,000
    np.testing.assert_allclose(run.draws("place_bcr"), (7 * run.draws("pv_benefits") - 10000) / 50000, rtol=1e-9)
    assert np.ptp(run.draws("pv_benefits")) > 0  # the draws do vary


def test_place_run_uses_bit_identical_draws(run):
    """The place metrics equal a separate simulation of the place variant on the same seed, bit for bit, and that
    run's sampled inputs equal the UK run's for every shared parameter."""
    sc = scenario_from_dict(document())
    alone = simulate(place_variant(sc), draws=300, seed=4, keep_inputs=True, progress=False)
    for m in ("pv_benefits", "pv_costs", "npsv", "bcr", "sroi"):
        np.testing.assert_array_equal(run.draws(f"place_{m}"), alone.draws(m))
    uk_in, place_in = run.to_xarray()["inputs"], alone.to_xarray()["inputs"]
    shared = sorted(set(map(str, uk_in["parameter"].values)) & set(map(str, place_in["parameter"].values)))
    assert "value:wellby" in shared and "options.a.outputs.jobs.amount" in shared
    for pid in shared:
        np.testing.assert_array_equal(uk_in.sel(parameter=pid).values, place_in.sel(parameter=pid).values)


def test_headline_stays_uk_and_place_is_labelled(run, tmp_path):
    s = run.summary()
    assert LABEL in s.loc["place_npsv", "unit"] and LABEL not in s.loc["npsv", "unit"]
    assert f"npsv [{LABEL}]" in run.summary_text()
    ind = indicators(run)
    assert list(ind)[:2] == ["NPSV (GBP m)", "BCR"]
    np.testing.assert_allclose(ind[PLACE_NPSV].draws * 1e6, run.draws("place_npsv"), rtol=1e-12)
    table = headline_table(run)
    assert LABEL in PLACE_NPSV and PLACE_NPSV in table.columns.get_level_values(0)
    assert PLACE_BCR in table.columns.get_level_values(0)
    assert "place perspective" in run.attrs["perspectives"]
    # the results file keeps both, labelled
    path = tmp_path / "run.h5"
    run.save(path)
    back = socval.load_results(path)
    np.testing.assert_array_equal(back.draws("place_pv_benefits"), run.draws("place_pv_benefits"))
    np.testing.assert_array_equal(back.draws("place_bcr"), run.draws("place_bcr"))
    assert LABEL in back.to_xarray()["place_pv_benefits"].attrs["long_name"]


def test_comparison_shows_both_on_common_random_numbers():
    a = scenario_from_dict(document("small"))
    b = scenario_from_dict(document("large", scale=2.0))
    cmp = compare([a, b], draws=200, seed=2, metrics=("npsv", "place_npsv"), progress=False)
    t = cmp.scenarios()
    assert {"mean npsv", "mean place_npsv", "P(best place_npsv)"} <= set(t.columns)
    # B doubles A's outputs from the same draws (common random numbers), so B's place benefits are 2x A's
    np.testing.assert_allclose(cmp.results["large"].draws("place_pv_benefits"),
                               2 * cmp.results["small"].draws("place_pv_benefits"), rtol=1e-12)
    default = compare([a, b], draws=50, seed=2, progress=False).scenarios()
    assert f"mean npsv [{LABEL}]" in default.columns
    with pytest.raises(socval.DecisionError, match="place"):
        compare([scenario_from_dict(document("x", place=False)), a], draws=10, metrics=("place_npsv",),
                progress=False)


def test_without_overrides_there_is_no_place_perspective():
    r = simulate(scenario_from_dict(document(place=False)), draws=20, progress=False)
    assert "place_npsv" not in r.metrics() and "perspectives" not in r.attrs
    with pytest.raises(socval.ScenarioError, match="place"):
        simulate(scenario_from_dict(document(place=False)), draws=20, place=True, progress=False)
    skipped = simulate(scenario_from_dict(document()), draws=20, place=False, progress=False)
    assert "place_npsv" not in skipped.metrics()


def test_decision_paper_labels_the_place_perspective_and_states_the_bcr(run):
    """The report's summary, headline table and methodology (socval.report): the headline is UK, the place figures
    are labelled, and the BCR's denominator is stated."""
    from socval.report.content import _Content
    from socval.report.methodology import methodology
    from socval.report.summary import summary
    from socval.report.tables import headline_table as report_table

    content = _Content(run, None, None, None)
    text = " ".join(summary(content))
    assert "public sector cost in the denominator" in text and f"In the {LABEL}" in text
    table = report_table(content)
    labels = [row[0] for row in table.rows]
    assert labels[:2] == ["NPSV (GBP m)", "BCR"] and PLACE_NPSV in labels and PLACE_BCR in labels
    assert LABEL in table.note and "BCR on public sector cost" in table.note
    method = " ".join(" ".join(p["paragraphs"]) for p in methodology(content)["parts"])
    assert "headline NPSV and BCR are the UK perspective" in method and f"'{LABEL}'" in method
