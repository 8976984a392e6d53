"""Two perspectives from the same draws (issue 13, item 5; docs/model/appraisal.md, "Perspectives") and costs to
others (the BCR's denominators: public sector cost for the headline, all costs to UK society for bcr_all_costs; the
SROI's inputs).

Known answers: net = gross x (1 - displacement) (HCA Additionality Guide 2014). An outcome displaced 90% at UK
level and 30% within the region keeps 0.1 and 0.7 of its gross value: the place value is exactly 7 times the UK one
in every draw, since both perspectives see the same draw of every shared parameter.
"""
import numpy as np
import pytest

import socval
from socval.engine.perspectives import perspectives, place_variant
from socval.model.scenario import scenario_from_dict


def document(place=None):
    jobs = {"id": "jobs", "unit": "job-year", "value": {"kind": "wellby", "per_unit": 0.5},
            "displacement": 0.9, "priorities": {"p": 1}}
    if place is not None:
        jobs["place"] = place
    return {
        "metadata": {"name": "perspectives test", "price_base_year": 2024, "horizon": 2},
        "priorities": [{"id": "p", "pillar": "economic"}],
        "outcomes": [jobs],
        "options": [{"id": "a", "lever": "anchor", "costs": [{"year": 0, "revenue": 50000}, {"year": 1}],
                     "outputs": {"jobs": {"dist": "uniform", "min": 5, "max": 15}},
                     "costs_to_others": [{"year": 1, "amount": 10350, "bearer": "partners"}]}],
        "scenario": {"funded": ["a"]},
    }


def test_place_variant_puts_the_overrides_in_place():
    sc = scenario_from_dict(document(place={"displacement": 0.3}))
    pl = place_variant(sc)
    assert "(place perspective)" in pl.name
    jobs = pl.document["outcomes"][0]
    assert jobs["displacement"] == 0.3 and "place" not in jobs
    assert sc.core.outcomes[0].displacement.value == 0.9  # the UK scenario keeps its own


def test_uk_and_place_from_the_same_draws():
    cmp = perspectives(scenario_from_dict(document(place={"displacement": 0.3})), draws=400, seed=3,
                       keep_inputs=True)
    assert cmp.names == ["UK", "place"]
    uk, place = cmp.results["UK"], cmp.results["place"]
    np.testing.assert_allclose(place.draws("pv_benefits"), 7 * uk.draws("pv_benefits"), rtol=1e-12)
    for pid in ("value:wellby", "options.a.outputs.jobs.amount"):
        np.testing.assert_array_equal(uk.to_xarray()["inputs"].sel(parameter=pid).values,
                                      place.to_xarray()["inputs"].sel(parameter=pid).values)
    # Costs are the same in both: the body's 50,000 in year 0 and the partners' 10,350 in year 1 (PV 10,000).
    np.testing.assert_allclose(uk.draws("pv_costs"), 60000, rtol=1e-12)
    np.testing.assert_allclose(uk.draws("pv_others"), 10000, rtol=1e-12)
    # BCR on all costs to UK society; the headline BCR on public sector cost, others' costs against the benefits;
    # SROI: all inputs (the body's before optimism bias + others')
    np.testing.assert_allclose(uk.draws("bcr_all_costs"), uk.draws("pv_benefits") / 60000, rtol=1e-12)
    np.testing.assert_allclose(uk.draws("bcr"), (uk.draws("pv_benefits") - 10000) / 50000, rtol=1e-12)
    np.testing.assert_allclose(uk.draws("sroi"), uk.draws("pv_benefits") / 60000, rtol=1e-12)


def test_place_overrides_are_checked_where_they_are_written():
    with pytest.raises(socval.ScenarioError, match=r"outcomes\.jobs\.place.*displacment.*did you mean 'displacement'"):
        scenario_from_dict(document(place={"displacment": 0.3}))
    with pytest.raises(socval.ScenarioError, match=r"outcomes\.jobs\.place\.displacement"):
        scenario_from_dict(document(place={"displacement": 1.3}))
    with pytest.raises(socval.ScenarioError, match="place"):
        perspectives(scenario_from_dict(document()), draws=10)
