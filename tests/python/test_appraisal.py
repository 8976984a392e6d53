"""socval.appraisal and socval.values from Python: Green Book figures, vectorisation, and every bad input.

Expected values: Green Book 2022 Annex A6 rates with DF(t) = 1 / prod (1 + r_k), computed independently with
Python's decimal module; GDP deflator (HMT, December 2025, 2024 = 100); DESNZ carbon values (November 2023).
"""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import socval
from socval import appraisal, values


def test_discount_factors_at_band_edges():
    f = appraisal.discount_factors([0, 1, 30, 31, 75, 76, 125, 126])
    expected = [1, 0.966183574879227, 0.356278410602302, 0.345901369516798, 0.094213772576691,
                0.091915875684577, 0.027410763016195, 0.026873297074701]
    np.testing.assert_allclose(f, expected, rtol=1e-13)
    assert appraisal.discount_factors(30, schedule="health") == pytest.approx(0.639762429906489, rel=1e-13)
    assert appraisal.discount_factors(31, schedule="reduced") == pytest.approx(0.401663994848305, rel=1e-13)
    assert appraisal.discount_factors(10, schedule=0.05) == pytest.approx(1.05 ** -10, rel=1e-14)


@given(st.integers(0, 500))
def test_discount_factors_decrease(t):
    f = appraisal.discount_factors([t, t + 1])
    assert 0 < f[1] < f[0] <= 1


def test_npv_of_a_stream_that_starts_later():
    assert appraisal.npv([100, 100], start_year=2) == pytest.approx(100 / 1.035 ** 2 + 100 / 1.035 ** 3, rel=1e-14)
    assert appraisal.npv([100, 100], start_year=2) == pytest.approx(appraisal.npv([0, 0, 100, 100]), rel=1e-14)


def test_npsv_bcr_sroi_eav():
    costs, benefits = [100, 0, 0], [0, 60, 60]
    pvb = 60 / 1.035 + 60 / 1.035 ** 2
    a = appraisal.appraise(costs, benefits)
    assert a.npsv == pytest.approx(pvb - 100, rel=1e-14)
    assert appraisal.npsv(costs, benefits) == a.npsv
    assert appraisal.bcr(costs, benefits) == pytest.approx(pvb / 100, rel=1e-14)
    assert appraisal.sroi_ratio(benefits, costs) == pytest.approx(pvb / 100, rel=1e-14)
    pv = appraisal.npv([0] + [250] * 10)  # paid in years 1..10
    assert appraisal.equivalent_annual_value(pv, 10) == pytest.approx(250, rel=1e-13)


def test_equivalent_annual_value_green_book_annuity():
    # Green Book 2022 Annex A6: EAV = PV / annuity factor, A_10 at 3.5% = (1 - 1.035**-10) / 0.035 = 8.316605;
    # GBP 100 over 10 years is GBP 12.024 a year (payments in years 1..n, as the `greenbook` R package).
    assert appraisal.equivalent_annual_value(100, 10) == pytest.approx(12.024136786739, rel=1e-12)
    assert appraisal.equivalent_annual_value(100, 10, schedule=0.0) == pytest.approx(10.0, rel=1e-15)


def test_optimism_bias_blend_from_the_green_book_example():
    # 30% non-standard buildings (51%) + 70% standard buildings (24%): 0.3*0.51 + 0.7*0.24 = 0.321.
    assert appraisal.optimism_bias_uplift({"non_standard_buildings": 0.3, "standard_buildings": 0.7}) == \
        pytest.approx(0.321, rel=1e-14)
    assert appraisal.optimism_bias_uplift("standard_buildings", mitigation=0.5) == pytest.approx(0.12)
    # Outsourcing: 41% on operating expenditure (the table's footnote), no capital or duration bound.
    assert appraisal.optimism_bias_uplift("outsourcing", kind="operating") == pytest.approx(0.41)
    assert appraisal.optimism_bias_uplift("outsourcing", mitigation=0.4, kind="operating") == pytest.approx(0.246)
    with pytest.raises(socval.AppraisalError, match="no duration upper bound"):
        appraisal.optimism_bias_uplift("outsourcing", kind="duration")
    with pytest.raises(socval.AppraisalError, match="no capital upper bound"):
        appraisal.optimism_bias_uplift("outsourcing")
    assert appraisal.optimism_bias_uplift("non_standard_buildings", kind="duration") == pytest.approx(0.39)


def test_additionality_and_profile():
    assert appraisal.net_outcome(1000, 0.3, 0.25, 0.1, 0.05, 0.8) == pytest.approx(359.1, rel=1e-14)
    np.testing.assert_allclose(appraisal.net_outcome([10, 20], deadweight=0.5), [5, 10])
    np.testing.assert_allclose(appraisal.outcome_profile([100], years=5, lag=1, duration=3, drop_off=0.1),
                               [0, 100, 90, 81, 0])


def test_values_rebase_carbon_wellby():
    assert values.rebase(81.1085, 2019, 2024) == pytest.approx(100, rel=1e-14)
    np.testing.assert_allclose(values.rebase([1.0, 2.0], 2024, 2024), [1.0, 2.0])
    assert values.wellby_value() == pytest.approx(16027.9132273436, rel=1e-13)
    assert values.wellby_value("low", price_base=2019) == 10000
    # QALY GBP 70,000 in 2019 prices, the WELLBY's base (HMT Wellbeing Guidance 2021): 70000 x 100 / 81.1085 in
    # 2024 prices; one QALY = 70,000 / 13,000 = 5.38 WELLBYs in any base (not 4.37 as with a 2024 base).
    assert values.qaly_value(price_base=2019) == 70000
    assert values.qaly_value() == pytest.approx(86304.1481472349, rel=1e-13)
    assert values.qaly_value() / values.wellby_value() == pytest.approx(70000 / 13000, rel=1e-13)
    c = values.carbon_value(np.arange(2025, 2030))
    assert c[0] == pytest.approx(301.722090, rel=1e-9)
    assert appraisal.npv(c) == pytest.approx(1452.07232318105, rel=1e-12)
    assert values.carbon_value(2030, "high", price_base=2022) == 441.75
    assert values.carbon_value(2070, beyond="hold") == values.carbon_value(2050)


@given(st.floats(0.01, 1e9), st.integers(1990, 2024), st.integers(1990, 2024))
def test_rebase_round_trip(amount, a, b):
    assert values.rebase(values.rebase(amount, a, b), b, a) == pytest.approx(amount, rel=1e-13)


def test_library_tables_carry_provenance():
    t = values.tables()
    assert {"stpr", "gdp_deflator", "carbon", "wellby", "qaly", "optimism_bias"} <= set(t.index)
    assert t.loc["carbon", "price_base_year"] == 2022
    assert (t["licence"].str.len() > 0).all() and (t["source"].str.len() > 0).all()
    assert values.version()


@pytest.mark.parametrize("call, error, message", [
    (lambda: appraisal.discount_factors(-1), socval.AppraisalError, "found -1"),
    (lambda: appraisal.discount_factors([1, 2.5]), socval.AppraisalError, "whole numbers"),
    (lambda: appraisal.discount_factors(3, schedule="green"), socval.ValueLibraryError, "found 'green'"),
    (lambda: appraisal.discount_factors(3, schedule=object()), socval.AppraisalError, "expected a name"),
    (lambda: appraisal.optimism_bias_uplift("bridges"), socval.ValueLibraryError, "found 'bridges'"),
    (lambda: appraisal.optimism_bias_uplift("outsourcing", mitigation=1.5, kind="operating"), socval.AppraisalError,
     "expected a share in [0, 1], found 1.5"),
    (lambda: appraisal.optimism_bias_uplift({"standard_buildings": 0.5}), socval.AppraisalError, "summing to 1"),
    (lambda: appraisal.optimism_bias_uplift("outsourcing"), socval.AppraisalError, "no capital upper bound"),
    (lambda: appraisal.optimism_bias_uplift("standard_buildings", kind="revenue"), socval.AppraisalError,
     "expected kind 'capital', 'operating' or 'duration'"),
    (lambda: appraisal.net_outcome(1, deadweight=-0.2), socval.AppraisalError, "deadweight"),
    (lambda: appraisal.net_outcome(1, leakage=2), socval.AppraisalError, "leakage"),
    (lambda: appraisal.bcr([0, 0], [1, 1]), socval.AppraisalError, "expected PV costs > 0"),
    (lambda: appraisal.npv([1, math.nan]), socval.AppraisalError, "finite"),
    (lambda: values.carbon_value(2051), socval.ValueLibraryError, "covers 2020-2050, found year 2051"),
    (lambda: values.carbon_value(2030, "median"), socval.ValueLibraryError, "found 'median'"),
    (lambda: values.rebase(1, 2019, 2030), socval.ValueLibraryError, "found 2030"),
    (lambda: values.unit_value("nope"), socval.ValueLibraryError, "found 'nope'"),
])
def test_bad_inputs_raise_typed_errors(call, error, message):
    with pytest.raises(error, match=None) as info:
        call()
    assert message in str(info.value)
    assert isinstance(info.value, socval.SocvalError)


def test_a_broken_library_names_file_and_line(tmp_path):
    import shutil
    for f in values.DATA_DIR.iterdir():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "carbon.yaml").write_text((tmp_path / "carbon.yaml").read_text().replace("[126.6, ", "[x, "))
    with pytest.raises(socval.ValueLibraryError) as info:
        values.load_library(tmp_path)
    assert "carbon.yaml:" in str(info.value) and "values.2020" in str(info.value)
