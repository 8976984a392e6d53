"""Value uncertainty in every draw (issue 13, item 2; docs/model/appraisal.md, "Value uncertainty"): the WELLBY, the
carbon path and unit values with a range are shared parameters keyed "value:<id>", one draw per Monte Carlo draw
shared by every outcome that uses the value and by every scenario of a comparison; ``values="central"`` (or
``"low"``, ``"high"``) fixes them.

Expected values: WELLBY GBP 10,000 / 13,000 / 16,000 in 2019 prices (HMT Wellbeing Guidance 2021), triangular mean
(10,000 + 13,000 + 16,000) / 3 = 13,000 and sd sqrt((a^2 + b^2 + c^2 - ab - ac - bc) / 18) = 1,224.74; DESNZ carbon
low / high = 50% / 150% of central (November 2023, table 3); the unit value emp_wb_gbp_unemp_to_emp 3,800 / 5,980 /
8,480 (2019 prices), triangular mean 6,086.67.
"""
import math

import numpy as np
import pytest

import socval
from socval import compare, simulate, values
from socval.model.scenario import scenario_from_dict
from socval.sensitivity.scenario import uncertain_parameters

D2019, D2024 = 81.1085, 100.0


def document(options=("a",), metadata=None):
    meta = {"name": "values test", "price_base_year": 2024, "first_year": 2025, "horizon": 3}
    meta.update(metadata or {})
    return {
        "metadata": meta,
        "priorities": [{"id": "p", "pillar": "social"}],
        "outcomes": [
            {"id": "wb1", "unit": "person-year", "value": {"kind": "wellby", "per_unit": 0.1}, "priorities": {"p": 1}},
            {"id": "wb2", "unit": "person-year", "value": {"kind": "wellby", "per_unit": 0.3}, "priorities": {"p": 1}},
            {"id": "co2", "unit": "tCO2e", "value": {"kind": "carbon"}, "priorities": {"p": 1}},
            {"id": "job", "unit": "person-year",
             "value": {"kind": "unit_value", "library_id": "emp_wb_gbp_unemp_to_emp"}, "priorities": {"p": 1}},
            {"id": "health", "unit": "QALY", "value": {"kind": "qaly"}, "priorities": {"p": 1}},
        ],
        "options": [
            {"id": "a", "lever": "commissioning", "costs": [{"year": 0, "revenue": 100000}],
             "outputs": {"wb1": 10, "wb2": 10}},
            {"id": "b", "lever": "anchor", "costs": [{"year": 0, "revenue": 50000}],
             "outputs": {"co2": 100, "job": 2, "health": 1}},
        ],
        "scenario": {"funded": list(options)},
    }


def test_value_parameters_are_shared_and_keyed_by_library_id():
    sc = scenario_from_dict(document(options=("a", "b")))
    params = {p.id: p for p in sc.core.parameters}
    # one parameter per library value, however many outcomes use it; the QALY has no published range: fixed
    assert sorted(params) == ["value:carbon", "value:emp_wb_gbp_unemp_to_emp", "value:wellby"]
    assert params["value:wellby"].describe() == "triangular(min=10000, mode=13000, max=16000)"
    assert params["value:carbon"].describe() == "triangular(min=0.5, mode=1, max=1.5)"
    assert params["value:emp_wb_gbp_unemp_to_emp"].central == pytest.approx((3800 + 5980 + 8480) / 3, rel=1e-14)
    assert "value:wellby" in uncertain_parameters(sc)


def test_sampled_wellby_mean_sd_and_every_outcome_sees_the_same_draw():
    sc = scenario_from_dict(document())
    r = simulate(sc, draws=4000, seed=3, keep_inputs=True, keep_outcomes=True, progress=False)
    inputs = r.to_xarray()["inputs"]
    w = inputs.sel(parameter="value:wellby").values
    assert w.min() >= 10000 and w.max() <= 16000
    assert w.mean() == pytest.approx(13000, rel=2e-3)
    sd = math.sqrt((10000**2 + 13000**2 + 16000**2 - 10000 * 13000 - 10000 * 16000 - 13000 * 16000) / 18)
    assert w.std() == pytest.approx(sd, rel=2e-2)
    # PV benefits: 10 x (0.1 + 0.3) WELLBYs in year 0 at the drawn value, rebased 2019 -> 2024: linear in the draw
    np.testing.assert_allclose(r.draws("pv_benefits"), 4 * w * D2024 / D2019, rtol=1e-12)
    ds = r.to_xarray()
    pv = ds["outcome_pv"] if "outcome_pv" in ds else None
    if pv is not None:
        wb1, wb2 = pv.sel(outcome="wb1").values, pv.sel(outcome="wb2").values
        np.testing.assert_allclose(wb2, 3 * wb1, rtol=1e-12)  # the same draw in both outcomes


def test_values_central_low_high_fix_them():
    base = scenario_from_dict(document(options=("a", "b")))
    central = base.evaluate(values="central").headline
    sampled = base.evaluate().headline  # parameters at their means
    # WELLBY and carbon ranges are symmetric (mean = central); the unit value's is not: mean 6,086.67 vs 5,980
    job_gap = 2 * ((3800 + 5980 + 8480) / 3 - 5980) * D2024 / D2019
    assert sampled.pv_benefits - central.pv_benefits == pytest.approx(job_gap, rel=1e-9)
    low = base.evaluate(values="low").headline
    high = base.evaluate(values="high").headline
    wb = 4 * D2024 / D2019
    c = {case: 100 * values.carbon_value(2025, case, price_base=2024) for case in ("low", "central", "high")}
    job = 2 * D2024 / D2019
    assert central.pv_benefits - low.pv_benefits == pytest.approx(
        wb * 3000 + (c["central"] - c["low"]) + job * (5980 - 3800), rel=1e-9)
    assert high.pv_benefits - central.pv_benefits == pytest.approx(
        wb * 3000 + (c["high"] - c["central"]) + job * (8480 - 5980), rel=1e-9)
    r = simulate(base, draws=200, seed=1, values="central", progress=False)
    assert np.ptp(r.draws("npsv")) == 0.0  # nothing else is uncertain
    assert [p.id for p in base.with_metadata(values="central").core.parameters] == []
    with pytest.raises(socval.SamplingError, match="values"):
        simulate(base, draws=10, values="median", progress=False)


def test_an_explicit_case_pins_a_value():
    doc = document(options=("a", "b"), metadata={"carbon_case": "high"})
    doc["outcomes"][0]["value"]["case"] = "low"
    sc = scenario_from_dict(doc)
    ids = [p.id for p in sc.core.parameters]
    assert "value:carbon" not in ids          # carbon_case written in the metadata
    assert "value:wellby" in ids              # wb2 still samples it; wb1 is pinned at low
    assert sc.core.outcomes[0].valuation.library_value.param == -1


def test_common_random_numbers_across_scenarios():
    only_a = scenario_from_dict(document(options=("a",)))
    both = scenario_from_dict(document(options=("a", "b")))
    cmp = compare([only_a, both], draws=500, seed=5, names=["A", "AB"], keep_inputs=True, progress=False)
    ia = cmp.results["A"].to_xarray()["inputs"].sel(parameter="value:wellby").values
    ib = cmp.results["AB"].to_xarray()["inputs"].sel(parameter="value:wellby").values
    np.testing.assert_array_equal(ia, ib)
    # option a's value is the same draw by draw in both: AB - A is option b's value minus its cost
    d = cmp.results["AB"].draws("pv_benefits") - cmp.results["A"].draws("pv_benefits")
    assert np.all(d > 0)


def test_values_appear_in_tornado():
    sc = scenario_from_dict(document(options=("a", "b")))
    t = sc.sensitivity(method="tornado", output="npsv")
    table = t if hasattr(t, "index") else t.table
    labels = set(map(str, table.index)) | set(map(str, getattr(table, "columns", [])))
    text = " ".join(labels) + " " + table.to_string()
    assert "value:wellby" in text and "value:carbon" in text


def test_switching_value_of_the_wellby():
    # Option a alone: 10 x (0.1 + 0.3) = 4 WELLBYs in year 0 at V (2019 prices) rebased to 2024, against a cost of
    # GBP 60,000: NPSV = 4 V x 100 / 81.1085 - 60,000 = 0 at V = 60,000 x 81.1085 / 400 = 12,166.275, inside the
    # WELLBY's published range (10,000-16,000).
    from socval.decision import switching_value
    doc = document(options=("a",))
    doc["options"][0]["costs"] = [{"year": 0, "revenue": 60000}]
    sv = switching_value(scenario_from_dict(doc), None, "value:wellby", method="central")
    assert sv.switching_value == pytest.approx(60000 * D2019 / 400, rel=1e-9)
    assert sv.current == pytest.approx(13000)
