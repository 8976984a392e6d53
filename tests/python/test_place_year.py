"""Place and people by year (issue 16): value by place and by income quintile in every year of the horizon
(streaming summaries, docs/model/distribution.md "By year"), exports and results files, and the memory estimate of
the place and quintile arrays (engine/memory.py and cpp/src/engine/memory.cpp) against what a run allocates."""
from __future__ import annotations

import numpy as np
import pytest

import socval
from socval import _core
from socval.engine.memory import run_bytes

from test_place import from_doc, two_place, uncertain_two_place


def two_years(doc=None):
    """The two-place scenario over two years: a second option funded in year 1 whose output (4 of outcome a) is
    all in the south."""
    doc = doc or two_place()
    doc["metadata"]["horizon"] = 2
    doc["options"].append({"id": "later", "lever": "commissioning", "costs": [{"year": 1, "capital": 40}],
                           "outputs": {"a": 4}, "places": {"south": 1}})
    doc["scenario"]["funded"] = ["grant", "later"]
    return doc


@pytest.fixture(scope="module")
def run():
    return socval.simulate(from_doc(two_years()), draws=16, seed=5, progress=False)


def test_value_by_place_and_quintile_in_each_year_by_hand(run):
    # Year 0 (option grant): a = 10 x GBP 5 = 50 split north 0.25 / south 0.75; b = 20 x 3 = 60 split by population
    # 300 : 100 -> north 12.5 + 45 = 57.5, south 37.5 + 15 = 52.5; quintiles q1 0.6 x 50 + 0.5 x 60 = 60, q5 50.
    # Year 1 (option later): a = 4 x 5 = 20 -> north 5, south 15; q1 12, q5 8. Undiscounted, as by_year("benefits").
    bp = run.by_place(year=True)
    assert list(bp.index.names) == ["place", "year"]
    y0, y1 = run.years
    expected = {("north", y0): 57.5, ("south", y0): 52.5, ("north", y1): 5.0, ("south", y1): 15.0}
    for key, value in expected.items():
        assert bp.loc[key, "mean"] == pytest.approx(value, rel=1e-13)
        assert bp.loc[key, "sd"] == 0.0 and bp.loc[key, "min"] == bp.loc[key, "max"] == pytest.approx(value)
    assert bp.loc[("south", y1), "share"] == pytest.approx(0.75)
    bq = run.by("quintile", per="year")
    for (q, y), value in {("q1", y0): 60.0, ("q5", y0): 50.0, ("q1", y1): 12.0, ("q5", y1): 8.0,
                          ("q2", y0): 0.0, ("unallocated", y1): 0.0}.items():
        assert bq.loc[(q, y), "mean"] == pytest.approx(value, rel=1e-13, abs=1e-12)
    assert run.by_year("benefits")["mean"].tolist() == pytest.approx([110.0, 20.0])


def test_value_by_imd_decile_in_each_year_by_hand(run):
    """Outcome a gives IMD decile shares d1 0.5, d2 0.3, d10 0.2; b none (unallocated by decile).
    Year 0 (grant): a = 10 x GBP 5 = 50 -> d1 25, d2 15, d10 10, the rest 0; b = 20 x 3 = 60 -> unallocated 60.
    Year 1 (later): a = 4 x 5 = 20 -> d1 10, d2 6, d10 4; unallocated 0. Undiscounted, as by_year("benefits"), and
    the rows add up to each year's benefits (110, 20)."""
    bd = run.by_decile(year=True)
    assert list(bd.index.names) == ["decile", "year"]
    assert list(bd.index.get_level_values("decile").unique()) == [f"d{j}" for j in range(1, 11)] + ["unallocated"]
    y0, y1 = run.years
    expected = {("d1", y0): 25.0, ("d2", y0): 15.0, ("d10", y0): 10.0, ("unallocated", y0): 60.0, ("d5", y0): 0.0,
                ("d1", y1): 10.0, ("d2", y1): 6.0, ("d10", y1): 4.0, ("unallocated", y1): 0.0, ("d3", y1): 0.0}
    for key, value in expected.items():
        assert bd.loc[key, "mean"] == pytest.approx(value, rel=1e-13, abs=1e-12), key
        assert bd.loc[key, "sd"] == 0.0 and bd.loc[key, "max"] == pytest.approx(value, abs=1e-12)
    assert bd.loc[("d1", y1), "share"] == pytest.approx(0.5)
    assert bd["mean"].groupby(level="year").sum().tolist() == pytest.approx([110.0, 20.0], rel=1e-13)
    assert run.by("decile", per="year").equals(bd)
    # b's 60 is all in year 0 (discount factor 1), so its PV by decile (unallocated) is 60 too
    assert run.by_decile().loc["unallocated", "mean"] == pytest.approx(60.0)


def test_uncertain_breakdowns_add_up_to_the_benefits_each_year():
    doc = two_years(uncertain_two_place())
    res = socval.simulate(from_doc(doc), draws=300, seed=7, progress=False)
    benefits = res.by_year("benefits")["mean"].to_numpy()
    for dim in ("place", "quintile", "decile"):
        t = res.by(dim, per="year")
        np.testing.assert_allclose(t["mean"].groupby(level="year").sum().to_numpy(), benefits, rtol=1e-12)
        assert {"p5", "p50", "p95"} <= set(t.columns)
        assert (t["p5"] <= t["p95"] + 1e-9).all()
    assert res.by_place(year=True).loc["north", "sd"].iloc[0] > 0.0  # the north's share of a is uncertain
    one = socval.simulate(from_doc(doc), draws=300, seed=7, progress=False, threads=1)
    assert one.by_place(year=True).equals(res.by_place(year=True))  # the same whatever the thread count


def test_files_exports_and_older_files(run, tmp_path):
    run.save(tmp_path / "run.h5")
    back = socval.load_results(tmp_path / "run.h5")
    assert back.attrs["format_version"] == (1, 3)
    assert back.by_place(year=True).equals(run.by_place(year=True))
    assert back.by_quintile(year=True).equals(run.by_quintile(year=True))
    assert back.by_decile(year=True).equals(run.by_decile(year=True))
    ds = run.to_xarray()
    assert ds["place_year_quantile"].dims == ("place", "year", "quantile")
    run.report(tmp_path / "annex.md", format="md", csv=True)
    text = (tmp_path / "annex-by-place-year.csv").read_text()
    assert text.splitlines()[0].startswith("scenario,place,year,mean,sd,min,max,p5")
    assert (tmp_path / "annex-by-quintile-year.csv").exists()
    assert (tmp_path / "annex-by-decile-year.csv").read_text().splitlines()[0].startswith("scenario,decile,year,mean")
    import openpyxl
    from socval.report import write_xlsx
    wb = openpyxl.load_workbook(write_xlsx(run, tmp_path / "run.xlsx"))
    assert {"By place and year", "By quintile and year", "By decile and year"} <= set(wb.sheetnames)
    # A results file without the per-year breakdown (before format 1.3) reads, and says what it lacks.
    old = socval.engine.results.Results({k: v for k, v in run._vars.items() if "_year_" not in k},
                                        run._coords, run.attrs)
    assert old.by_place().equals(run.by_place())
    with pytest.raises(KeyError, match="no value by place and year"):
        old.by_place(year=True)
    with pytest.raises(KeyError, match="no value by decile and year"):
        old.by_decile(year=True)
    with pytest.raises(KeyError, match="per='year' with 'place', 'quintile' or 'decile'"):
        run.by("priority", per="year")


@pytest.mark.parametrize("options", [
    dict(keep_outcomes=True, keep_derived=True),
    dict(keep_outcomes=False, keep_derived=False, track_levers=False, keep_inputs=True),
    dict(keep_outcomes=True, keep_derived=False, keep_full=True, keep_breakdowns=False, year_breakdowns=False),
])
def test_memory_estimate_is_what_the_run_allocates(options):
    s = from_doc(two_years(uncertain_two_place()))
    core, lib = s.core, socval.values.default_library()
    assert core.has_people and core.has_deciles and len(core.place_ids) == 2  # every per-year table is counted
    draws = 40
    opts = dict(draws=draws, seed=1, **options)
    raw = _core.simulation.simulate(core, lib, **opts)
    allocated = 0
    for value in raw.values():  # every numpy array of the result: per-draw arrays and the summaries
        parts = value if isinstance(value, list) else [value]
        for v in parts:
            if isinstance(v, np.ndarray) and v.dtype == float and v.size and v.ndim >= 1 and (
                    v.shape[-1] == draws or v.shape[0] == draws):
                allocated += v.nbytes
    for name in ("place_year", "quintile_year", "decile_year"):  # the per-year tables by place, quintile, decile
        if raw.get(name) is not None:
            allocated += sum(np.asarray(raw[name][k]).nbytes for k in ("mean", "sd", "min", "max", "quantiles"))
    cpp = _core.simulation.result_bytes(core, lib, opts)
    assert cpp == allocated
    py = run_bytes(draws, len(core.priorities), len(core.outcomes), len(core.parameters), int(core.meta.horizon),
                   keep_outcomes=opts["keep_outcomes"], keep_full=opts.get("keep_full", False),
                   keep_inputs=opts.get("keep_inputs", False), track_levers=opts.get("track_levers", True),
                   keep_breakdowns=opts.get("keep_breakdowns", True), keep_derived=opts["keep_derived"],
                   n_places=len(core.place_ids), people=core.has_people,
                   year_breakdowns=opts.get("year_breakdowns", True), deciles=core.has_deciles)
    assert py == 2 * cpp  # the engine's arrays and their copy in Python


# ---- weighted NPSV and BCR as outputs of the sensitivity designs ---------------------------------------------------

def test_design_outputs_weighted_npsv_and_bcr_draw_by_draw():
    """The design evaluator's weighted_npsv / weighted_bcr at the sampled parameter values of a simulation equal the
    simulation's weighted NPSV and BCR draw by draw (the same Evaluator, the same floating-point operations)."""
    s = from_doc(two_years(uncertain_two_place()))
    core, lib = s.core, socval.values.default_library()
    res = socval.simulate(s, draws=50, seed=4, progress=False, keep_inputs=True)
    ids = [str(p) for p in res._coords["parameter"][0]]
    design = np.ascontiguousarray(res._vars["inputs"][1].T)  # draws x parameters
    for output in ("weighted_npsv", "weighted_bcr"):
        y = np.asarray(_core.analysis.evaluate_design(core, lib, ids, design, input="values", output=output))
        np.testing.assert_array_equal(y, res.draws(output))
    assert np.ptp(res.draws("weighted_npsv")) > 1.0
    # people.eta is a factor of the weighted NPSV (and only of it): its tornado swing is > 0 there, 0 for NPSV.
    tornado = s.sensitivity(method="tornado", output="weighted_npsv").set_index("input")
    assert tornado.loc["people.eta", "swing"] > 0.0
    assert s.sensitivity(method="tornado", output="npsv").set_index("input").loc["people.eta", "swing"] == 0.0
    plain = uncertain_two_place()
    del plain["people"]
    for o in plain["outcomes"]:
        o.pop("people", None)
    with pytest.raises(socval.SensitivityError, match="weighted_npsv needs distributional weights"):
        from_doc(plain).sensitivity(method="tornado", output="weighted_npsv")


# ---- the place perspective's local measures per place ------------------------------------------------------------

def test_local_spend_and_local_jobs_by_place(tmp_path):
    from socval.indicators.local_economy import local_by_place

    doc = two_years(uncertain_two_place())
    doc["indicators"] = {"round2": "a", "local_jobs": "b"}  # a: spend kept locally, b: jobs for local people
    s = from_doc(doc)
    res = socval.simulate(s, draws=64, seed=9, progress=False, keep_inputs=True)
    t = local_by_place(res, s)
    # b (20 a year in year 0) has no shares by place: by population 300 : 100 -> north 15, south 5 in every draw.
    assert t.loc["north", "local_jobs"] == pytest.approx(15.0) and t.loc["south", "local_jobs_p95"] == pytest.approx(5.0)
    # a (10 + 4 = 14 over the horizon): north's share u ~ uniform(0.1, 0.4) against south's 0.75, normalised per draw;
    # u read from the run's own sampled inputs.
    u = res._vars["inputs"][1][[str(p) for p in res._coords["parameter"][0]].index("outcomes.a.places.north")]
    assert t.loc["north", "local_spend"] == pytest.approx(float(np.mean(14 * u / (u + 0.75))), rel=1e-12)
    assert t["local_spend"].sum() == pytest.approx(14.0) and t["local_jobs_share"].sum() == pytest.approx(1.0)
    text = res.report(format="md")
    assert "### Local spend and local jobs by place" in text and "North: jobs for local people" not in text
    assert "| North: spend kept locally (GBP m) |" in text and "| jobs for local people | 15 [15, 15] |" in text
    res.report(tmp_path / "annex.md", format="md", csv=True)
    assert (tmp_path / "annex-local-by-place.csv").read_text().startswith("scenario,place,local_spend,")


def test_portfolio_weighted_values_add_up_to_the_simulation_draw_by_draw():
    from socval.decision import portfolio

    s = from_doc(two_years(uncertain_two_place()))
    ov = portfolio.option_values(s, draws=64, seed=6)
    res = socval.simulate(s, draws=64, seed=6, progress=False)
    # the pool is the scenario's funded set: the options' weighted values add up to its weighted PV benefits
    np.testing.assert_allclose(ov.weighted_value.sum(axis=1), res.draws("weighted_pv_benefits"), rtol=1e-12)
    table = ov.summary()
    assert table.loc["grant", "weighted_npsv"] == pytest.approx(table.loc["grant", "mean_weighted_value"] - 100.0)
    choice = portfolio.optimise(s, budget=1e6, objective="weighted_npsv", draws=64, seed=6)
    expected = sum(max(table.loc[i, "weighted_npsv"], 0.0) for i in table.index)
    assert choice.objective == pytest.approx(expected)


def test_portfolio_ratios_by_hand_on_both_denominators():
    """The per-option table's ratios have the results' definitions and names (docs/model/portfolio.md, "Per-option
    table"). two_place.yaml (one year, discount factor 1, no optimism bias) with suppliers bearing GBP 10 of costs to
    others: the option's cost 100 + 10 = 110, value 10 x 5 + 20 x 3 = 110; weighted value (Annex A3, eta 1.3,
    median 20,000): q1 (income 10,000) 0.6 x 50 + 0.5 x 60 = 60 at 2^1.3 = 2.46229, q5 (40,000) 50 at 0.5^1.3 =
    0.40613, so 168.0436. On public sector cost (the headline): bcr (110 - 10) / (110 - 10) = 1, weighted_bcr
    (168.0436 - 10) / 100 = 1.58044; on all costs: bcr_all_costs 110 / 110 = 1, weighted_bcr_all_costs
    168.0436 / 110 = 1.52767. With one option the table's ratios are the simulation's, draw by draw."""
    from socval.decision import portfolio

    doc = two_place()
    doc["options"][0]["costs_to_others"] = [{"year": 0, "amount": 10, "bearer": "suppliers"}]
    s = from_doc(doc)
    table = portfolio.option_values(s, draws=4, seed=1).summary()
    weighted = 60 * 2 ** 1.3 + 50 * 0.5 ** 1.3
    row = table.loc["grant"]
    assert row["mean_cost"] == pytest.approx(110.0, rel=1e-13) and row["mean_others"] == pytest.approx(10.0)
    assert row["bcr"] == pytest.approx(1.0, rel=1e-13) and row["bcr_all_costs"] == pytest.approx(1.0, rel=1e-13)
    assert row["weighted_bcr"] == pytest.approx((weighted - 10) / 100, rel=1e-12)
    assert row["weighted_bcr_all_costs"] == pytest.approx(weighted / 110, rel=1e-12)
    assert row["weighted_npsv"] == pytest.approx(weighted - 110, rel=1e-12)
    res = socval.simulate(s, draws=4, seed=1, progress=False)
    for name in ("bcr", "bcr_all_costs", "weighted_bcr"):
        np.testing.assert_allclose(res.draws(name), row[name], rtol=1e-12, err_msg=name)


def test_portfolio_costs_to_others_add_up_to_the_simulation_draw_by_draw():
    """Uncertain costs to others on two options: each option's PV costs to others (year 1 at 3.5%: amount / 1.035,
    times its scale) add up to the simulation's pv_others draw by draw, and are part of each option's cost."""
    from socval.decision import portfolio

    doc = two_years(uncertain_two_place())
    doc["options"][0]["costs_to_others"] = [{"year": 1, "amount": {"dist": "uniform", "min": 5, "max": 15},
                                             "bearer": "suppliers"}]
    doc["options"][1]["costs_to_others"] = [{"year": 1, "amount": 7, "bearer": "partners"}]
    s = from_doc(doc)
    ov = portfolio.option_values(s, draws=64, seed=2)
    res = socval.simulate(s, draws=64, seed=2, progress=False)
    np.testing.assert_allclose(ov.others.sum(axis=1), res.draws("pv_others"), rtol=1e-12)
    assert np.ptp(ov.others[:, 0]) > 1.0 and ov.others[:, 1] == pytest.approx(7 / 1.035, rel=1e-12)
    assert (ov.others <= ov.cost).all()


def test_parts_merged_keep_the_breakdowns_draw_by_draw():
    """Blocks simulated apart and merged (distributed runs, checkpoints) give the same value by place, quintile and
    decile, weighted metrics and per-year breakdowns as one run, bit for bit."""
    s = from_doc(two_years(uncertain_two_place()))
    core, lib = s.core, socval.values.default_library()
    opts = dict(draws=24, seed=3, block_size=8)
    full = _core.simulation.simulate(core, lib, **opts)
    merge = _core.simulation.Merge(core, lib, opts)
    for b in range(3):
        merge.add(_core.simulation.simulate_part(core, lib, opts, b, 1))
    merged = merge.finish()
    for name in ("place_value", "place_spend", "quintile_value", "decile_value", "weighted_pv_benefits",
                 "weighted_npsv", "weighted_bcr", "eta"):
        np.testing.assert_array_equal(merged[name], full[name], err_msg=name)
    for name in ("place_year", "quintile_year", "decile_year"):
        for stat in ("mean", "sd", "quantiles"):
            np.testing.assert_array_equal(merged[name][stat], full[name][stat], err_msg=f"{name} {stat}")
