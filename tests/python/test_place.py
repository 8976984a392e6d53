"""Place and people (issue 16; docs/model/distribution.md): Green Book Annex A3 weights, a two-place two-quintile
scenario computed by hand, shares that must sum to one, and the invariants (parts add up to totals draw by draw;
weights of 1 give the unweighted results; thread invariance)."""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

import socval
from socval import appraisal
from socval.decision import eta_switching_values, weighted_npsv_at

ROOT = Path(__file__).resolve().parents[2]
TWO = ROOT / "tests" / "data" / "place" / "two_place.yaml"
WOE = ROOT / "scenarios" / "west-of-england"


def two_place(**edits):
    """The two-place scenario, with top-level or outcome edits: a dict document."""
    doc = yaml.safe_load(TWO.read_text())
    for key, value in edits.items():
        doc[key] = value
    return doc


def from_doc(doc, name="two_place.yaml"):
    return socval.model.scenario_from_dict(doc, name=name, base_dir=str(TWO.parent))


# ---- Annex A3 weights ------------------------------------------------------------------------------------------------

def test_library_incomes_reproduce_the_green_book_weight_of_2_4_for_the_lowest_quintile():
    # Green Book (2022) Annex A3 para A3.20: "using more recent 2015 data yields ... a welfare weight of 2.4"
    # (eta 1.3). The shipped table is illustrative and calibrated to reproduce it: (25000 / 12750)^1.3.
    t = socval.values.default_library().incomes()
    w = appraisal.distributional_weights(t.quintiles, t.median, 1.3)
    assert round(float(w[0]), 1) == 2.4
    assert w[0] == pytest.approx((25000 / 12750) ** 1.3, rel=1e-14)
    assert np.all(np.diff(w) < 0) and w[2] == 1.0  # q3 is the median itself


@pytest.mark.parametrize("incomes, median, eta, expected", [
    ([10000, 20000, 40000], 20000, 1.3, [2 ** 1.3, 1.0, 0.5 ** 1.3]),   # the formula, (median / y)^eta
    ([10000, 40000], 20000, 1.0, [2.0, 0.5]),                            # eta 1: inverse proportion (A3.13)
    ([5000, 80000], 20000, 0.0, [1.0, 1.0]),                             # eta 0: no weighting
    ([12500], 25000, 2.0, [4.0]),
])
def test_weights_known_answers(incomes, median, eta, expected):
    np.testing.assert_allclose(appraisal.distributional_weights(incomes, median, eta), expected, rtol=1e-14)


@pytest.mark.parametrize("incomes, median, eta, found", [([0.0], 20000, 1.3, "group income > 0"),
                                                         ([1000], -1, 1.3, "median income > 0"),
                                                         ([1000], 20000, -0.5, "eta >= 0")])
def test_weight_errors(incomes, median, eta, found):
    with pytest.raises(socval.AppraisalError, match=found):
        appraisal.distributional_weights(incomes, median, eta)


# ---- the two-place two-quintile scenario, by hand --------------------------------------------------------------------

@pytest.fixture(scope="module")
def two():
    return socval.simulate(socval.load_scenario(TWO), draws=8, seed=3, progress=False)


def test_two_place_two_quintile_scenario_by_hand(two):
    # One year (discount factor 1), no optimism bias: PV of outcome a = 10 units x GBP 5 = 50, b = 20 x 3 = 60;
    # cost 100. a: north 0.25 / south 0.75; b: no shares, so by population 300 : 100 = 0.75 / 0.25.
    # Quintiles: a q1 0.6 / q5 0.4, b q1 0.5 / q5 0.5 -> q1 = 30 + 30 = 60, q5 = 20 + 30 = 50.
    # Weights (median 20000; q1 10000, q5 40000; eta 1.3): 2^1.3 and 0.5^1.3.
    w1, w5 = 2.0 ** 1.3, 0.5 ** 1.3
    wpvb = 60 * w1 + 50 * w5  # 60 x 2.46229 + 50 x 0.40613 = 168.044
    expected = {"npsv": 10.0, "pv_benefits": 110.0, "place.north": 57.5, "place.south": 52.5,
                "place_spend.north": 100.0, "place_spend.south": 0.0, "quintile.q1": 60.0, "quintile.q2": 0.0,
                "quintile.q5": 50.0, "quintile.unallocated": 0.0, "weighted_pv_benefits": wpvb,
                "weighted_npsv": wpvb - 100.0, "weighted_bcr": wpvb / 100.0, "share_lowest_two": 60 / 110}
    # IMD deciles: a (50) d1 0.5 / d2 0.3 / d10 0.2 -> 25, 15, 10; b gives none -> unallocated 60; most deprived
    # 20% of neighbourhoods (d1 + d2): 40 / 110. No weights by decile: the weighted figures above are unchanged.
    expected.update({"decile.d1": 25.0, "decile.d2": 15.0, "decile.d3": 0.0, "decile.d10": 10.0,
                     "decile.unallocated": 60.0, "share_most_deprived_20": 40 / 110})
    for metric, value in expected.items():
        np.testing.assert_allclose(two.draws(metric), value, rtol=1e-13, atol=1e-12, err_msg=metric)
    assert two.draws("weighted_npsv")[0] == pytest.approx(68.0437, abs=1e-4)
    bd = two.by_decile()
    assert list(bd.index) == [f"d{j}" for j in range(1, 11)] + ["unallocated"] and bd["share"].sum() == pytest.approx(1)
    assert two.fairness().loc["share_most_deprived_20", "mean"] == pytest.approx(40 / 110)


def test_tables_by_place_and_quintile(two):
    bp = two.by_place()
    assert list(bp.index) == ["north", "south"] and bp.index.name == "place"
    assert bp.loc["north", "mean"] == pytest.approx(57.5) and bp["share"].sum() == pytest.approx(1.0)
    assert bp.loc["north", "spend_share"] == 1.0
    bq = two.by_quintile()
    assert list(bq.index) == ["q1", "q2", "q3", "q4", "q5", "unallocated"]
    assert bq.loc["q1", "weight"] == pytest.approx(2 ** 1.3) and bq.loc["unallocated", "weight"] == 1.0
    assert bq["weighted"].sum() == pytest.approx(float(np.mean(two.draws("weighted_pv_benefits"))))
    assert set(two.fairness().index) >= {"npsv", "weighted_npsv", "share_lowest_two"}
    assert two.by("place").equals(bp)
    with pytest.raises(KeyError, match="expected one of"):
        two.by("county")


def test_results_without_places_have_no_breakdown():
    doc = two_place()
    del doc["places"], doc["people"], doc["options"][0]["places"]
    for o in doc["outcomes"]:
        o.pop("places", None), o.pop("people", None)
    res = socval.simulate(from_doc(doc), draws=2, seed=0, progress=False)
    assert not any(m.startswith(("place", "quintile", "weighted")) for m in res.metrics())
    with pytest.raises(KeyError, match="no places"):
        res.by_place()
    with pytest.raises(KeyError, match="no `people:`"):
        res.by_quintile()


def test_results_file_keeps_the_breakdowns(two, tmp_path):
    two.save(tmp_path / "run.h5")
    back = socval.load_results(tmp_path / "run.h5")
    for m in ("place.north", "place_spend.south", "quintile.q1", "weighted_npsv", "share_lowest_two"):
        np.testing.assert_array_equal(back.draws(m), two.draws(m))
    assert back.by_quintile().equals(two.by_quintile())


# ---- shares that must sum to one, and other errors -------------------------------------------------------------------

def _error(doc) -> str:
    with pytest.raises(socval.ScenarioError) as e:
        from_doc(doc)
    return str(e.value)


def test_shares_must_sum_to_one():
    doc = two_place()
    doc["outcomes"][0]["places"] = {"north": 0.25, "south": 0.7}
    msg = _error(doc)
    assert "two_place.yaml:" in msg and "outcomes.a.places" in msg
    assert "shares by place summing to 1" in msg and "found a sum of 0.95:" in msg and "rest_of_uk" in msg
    doc = two_place()
    doc["outcomes"][1]["people"] = {"q1": 0.7, "q5": 0.5}
    msg = _error(doc)
    assert "outcomes.b.people" in msg and "found a sum of 1.2" in msg
    doc = two_place()
    doc["outcomes"][0]["people"]["imd_decile"] = {"d1": 0.5, "d2": 0.3}  # deciles sum to 1 on their own
    msg = _error(doc)
    assert "outcomes.a.people.imd_decile" in msg and "shares by IMD decile summing to 1" in msg
    assert "found a sum of 0.8" in msg and "give the rest to a decile" in msg


@pytest.mark.parametrize("edit, found", [
    (lambda d: d["outcomes"][0].update(places={"nroth": 1.0}), "did you mean 'north'"),
    (lambda d: d["outcomes"][0].update(people={"q6": 1.0}), "an income quintile (one of: q1, q2, q3, q4, q5)"),
    (lambda d: d["outcomes"][0].update(people={"imd_decile": {"d11": 1.0}}), "an IMD decile (one of: d1, d2, d3"),
    (lambda d: d["outcomes"][0].update(people={"imd_decile": {"d1": 1.5, "d2": -0.5}}), "a share in [0, 1]"),
    (lambda d: d["outcomes"][0].update(people={"q1": 1.5, "q5": -0.5}), "a share in [0, 1]"),
    (lambda d: d["people"]["incomes"]["quintiles"].update(q2=9000), "increasing from q1 to q5"),
    (lambda d: d["people"].update(eta=-1), "eta"),
    (lambda d: d["places"].append({"id": "north", "population": 1}), "duplicate place id 'north'"),
    (lambda d: [p.update(population=0) for p in d["places"]], "population > 0"),
    (lambda d: d.pop("places"), "declares no places"),
])
def test_reader_errors(edit, found):
    doc = two_place()
    edit(doc)
    assert found in _error(doc)


# ---- invariants ----------------------------------------------------------------------------------------------------

def uncertain_two_place():
    doc = two_place()
    doc["people"]["eta"] = {"dist": "triangular", "min": 1.0, "mode": 1.3, "max": 1.6}
    doc["outcomes"][0]["places"] = {"north": {"dist": "uniform", "min": 0.1, "max": 0.4}, "south": 0.75}
    doc["outcomes"][1]["people"] = {"q1": {"dist": "uniform", "min": 0.3, "max": 0.7}, "q2": 0.1, "q5": 0.4}
    return doc


def test_uncertain_shares_are_keyed_parameters_and_parts_add_up():
    s = from_doc(uncertain_two_place())
    ids = {p.id for p in s.core.parameters}
    assert {"people.eta", "outcomes.a.places.north", "outcomes.b.people.q1"} <= ids
    res = socval.simulate(s, draws=300, seed=7, progress=False)
    pvb = res.draws("pv_benefits")
    places = res.draws("place.north") + res.draws("place.south")
    quint = sum(res.draws(f"quintile.{q}") for q in ("q1", "q2", "q3", "q4", "q5", "unallocated"))
    np.testing.assert_allclose(places, pvb, rtol=1e-13)
    np.testing.assert_allclose(quint, pvb, rtol=1e-13)
    assert np.ptp(res.draws("place.north")) > 1.0 and np.ptp(res.draws("weighted_npsv")) > 1.0
    one = socval.simulate(s, draws=300, seed=7, progress=False, threads=1)
    two = socval.simulate(s, draws=300, seed=7, progress=False, threads=2)
    for m in ("place.north", "quintile.q1", "weighted_npsv", "weighted_bcr"):
        np.testing.assert_array_equal(one.draws(m), two.draws(m))


def test_weights_of_one_give_the_unweighted_results_draw_by_draw():
    doc = uncertain_two_place()
    doc["people"]["eta"] = 0.0  # every weight (median / y)^0 = 1
    res = socval.simulate(from_doc(doc), draws=64, seed=2, progress=False)
    np.testing.assert_array_equal(res.draws("weighted_pv_benefits"), res.draws("pv_benefits"))
    np.testing.assert_array_equal(res.draws("weighted_npsv"), res.draws("npsv"))
    np.testing.assert_array_equal(res.draws("weighted_bcr"), res.draws("bcr"))


def test_fairest_scenario_and_switching_value_of_eta():
    fair = two_place()
    rich = two_place()
    rich["metadata"]["name"] = "Richer"
    rich["outcomes"][0]["people"] = {"q5": 1.0}
    rich["outcomes"][1]["people"] = {"q5": 1.0}
    rich["outcomes"][1]["value"] = 4  # more value (NPSV 30 against 10), all to the top quintile
    cmp = socval.compare([from_doc(fair), from_doc(rich, "rich.yaml")], draws=16, seed=1, progress=False)
    f = cmp.fairness()
    names = list(f.index)
    assert f.attrs["fairest"] == names[0] and f.attrs["highest_npsv"] == names[1]
    assert f.loc[names[0], "P(best share_lowest_two)"] == 1.0 and f.loc[names[1], "P(best npsv)"] == 1.0
    sw = eta_switching_values(cmp.results)
    rank = sw[sw["kind"] == "ranking"]
    assert len(rank) == 1
    x = float(rank["eta"].iloc[0])
    # At the switch both scenarios' mean weighted NPSV are equal: 60 w1 + 50 w5 - 100 = 130 w5 - 100 (w = 2^{+-x}).
    assert 60 * 2 ** x + 50 * 2 ** -x == pytest.approx(130 * 2 ** -x, rel=1e-9)
    a, b = (float(weighted_npsv_at(cmp.results[n], x)[0]) for n in names)
    assert a == pytest.approx(b, rel=1e-9)
    # The richer scenario's weighted NPSV turns negative where 130 x 2^-x = 100.
    sign = sw[(sw["kind"] == "sign") & (sw["scenario"] == names[1])]
    assert float(sign["eta"].iloc[0]) == pytest.approx(math.log2(1.3), rel=1e-9)


# ---- West of England ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def woe():
    return socval.simulate(socval.load_scenario(WOE / "baseline.yaml"), draws=128, seed=11, progress=False)


def test_west_of_england_breakdowns_add_up_to_the_totals_draw_by_draw(woe):
    pvb = woe.draws("pv_benefits")
    places = ["bristol", "bath_ne_somerset", "south_gloucestershire", "north_somerset", "rest_of_uk"]
    assert list(woe.by_place().index) == places
    np.testing.assert_allclose(sum(woe.draws(f"place.{p}") for p in places), pvb, rtol=1e-12)
    np.testing.assert_allclose(sum(woe.draws(f"quintile.{q}") for q in ("q1", "q2", "q3", "q4", "q5",
                                                                        "unallocated")), pvb, rtol=1e-12)
    pv_spend = sum(woe.draws(f"place_spend.{p}") for p in places)
    assert np.all(pv_spend > 0) and np.all(woe.draws("place_spend.rest_of_uk") == 0)
    # Fiscal outcomes (taxpayers) have no quintile shares: their value is unallocated, weighted 1.
    assert np.all(woe.draws("quintile.unallocated") > 0)
    assert 0.3 < float(np.mean(woe.draws("share_lowest_two"))) < 0.7


# ---- charts, report, exports -----------------------------------------------------------------------------------------

def test_charts_report_section_and_exports(two, tmp_path):
    from matplotlib.figure import Figure
    from socval import plots
    from socval.report import write_xlsx

    for fig in (plots.by_place(two), plots.by_quintile(two), plots.place_tiles(two), two.plot.place_tiles()):
        assert isinstance(fig, Figure)
    text = two.report(format="md")
    assert "## Who benefits and where" in text and "### Value by income quintile" in text
    assert "55% of the value reaches the poorest two fifths" in text  # 60 / 110
    out = tmp_path / "annex.md"
    two.report(out, format="md", csv=True)
    by_place = (tmp_path / "annex-by-place.csv").read_text()
    assert by_place.splitlines()[0].startswith("scenario,place,mean") and "north" in by_place
    assert (tmp_path / "annex-fairness.csv").exists()
    import openpyxl
    wb = openpyxl.load_workbook(write_xlsx(two, tmp_path / "run.xlsx"))
    assert {"By place", "By income quintile", "Fairness", "By IMD decile"} <= set(wb.sheetnames)
    assert plots.by_decile(two) is not None and "### Value by deprivation decile" in text
    assert "36% of the value reaches residents of the most deprived 20% of neighbourhoods" in text  # 40 / 110


def test_comparison_report_names_the_fairest_scenario():
    rich = two_place()
    rich["metadata"]["name"] = "Richer"
    rich["outcomes"][0]["people"] = {"q5": 1.0}
    rich["outcomes"][1]["people"] = {"q5": 1.0}
    rich["outcomes"][1]["value"] = 4
    cmp = socval.compare([from_doc(two_place()), from_doc(rich, "rich.yaml")], draws=8, seed=1, progress=False)
    text = cmp.report(format="md")
    assert "The fairest scenario" in text
    assert re.search(r"\|\s*P\(best\)\s*\|\s*(100%\s*\|\s*0%|0%\s*\|\s*100%)\s*\|", text), text
    assert "Switching value of the weights: at eta = " in text
