"""Delivery returns, the projection they are compared with, and the update that learns from them
(docs/formats/returns.md, docs/model/tracking.md)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

import socval as sv
from socval.tracking import (ReturnsError, against_projection, cumulative, load_returns, rag, returns_from_frame)
from socval.tracking import conjugate
from socval.tracking.projection import Projection, measure_paths, prior_parameters
from socval.tracking.update import ess, update

ROOT = Path(__file__).resolve().parents[2]
WOE = ROOT / "scenarios" / "west-of-england"
RETURNS = [WOE / "returns" / "returns-2025.csv", WOE / "returns" / "returns-2026.xlsx"]
HEADER = "period,option,measure,unit,gross,net,place,evidence,source,contract,submitted\n"


@pytest.fixture(scope="module")
def baseline():
    return sv.load_scenario(WOE / "baseline.yaml")


@pytest.fixture(scope="module")
def prior(baseline):
    return baseline.simulate(draws=400, seed=11)


def _csv(tmp_path, body: str, name: str = "r.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + body)
    return p


# ---- 1. reading returns ---------------------------------------------------------------------------------------

def test_example_returns_read_from_csv_and_xlsx(baseline):
    r = load_returns(*RETURNS)
    assert len(r) == 55 and r.years == [2025, 2026]
    t = r.table
    assert set(t["evidence"]) == {"verified", "self-reported", "missing"}
    assert t.loc[t["evidence"] == "missing", "gross"].isna().all()
    assert set(t.loc[t["option"] == "bus_services", "quarter"]) == {1, 2, 3, 4}
    resolved = r.resolve(baseline)
    assert len(resolved) == 55 and set(resolved["t"]) == {0, 1}


@pytest.mark.parametrize("row, message", [
    ("2025,skills_employment,learners_trained,person,abc,,,verified,,,\n",
     "r.csv:row 3: column E (gross): expected a number >= 0, found 'abc'"),
    ('2025,skills_employment,learners_trained,person,"1,200",,,verified,,,\n',
     "column E (gross): expected a number >= 0 without thousands separators"),
    ("2025,skills_employment,learners_trained,person,-3,,,verified,,,\n", "column E (gross): expected a finite"),
    ("2025,skills_employment,learners_trained,person,,,,verified,,,\n", "column E (gross): expected a number"),
    ("2025,skills_employment,learners_trained,person,10,,,checked,,,\n", "column H (evidence): expected one of"),
    ("25,skills_employment,learners_trained,person,10,,,verified,,,\n", "column A (period): expected a year"),
    ("2025-Q5,skills_employment,learners_trained,person,10,,,verified,,,\n", "column A (period)"),
    ("2025,skills_employment,learners_trained,person,10,12,,verified,,,\n", "column F (net): expected a net value"),
    ("2025,skills_employment,learners_trained,person,10,,,missing,,,\n", "no gross value on a return marked missing"),
    ("2025,skills_employment,learners_trained,person,10,,,verified,,,2026-13-01\n", "column K (submitted)"),
    ("2025,skills_employment,learners_trained,person,10,,,verified,,,,extra\n", "column L: expected no value"),
])
def test_malformed_rows_name_file_row_and_column(tmp_path, row, message):
    good = "2025,green_skills,learners_trained,person,250,,,verified,,,\n"
    p = _csv(tmp_path, good + row)
    with pytest.raises(ReturnsError) as e:
        load_returns(p)
    assert message in str(e.value) and "r.csv:row 3: column" in str(e.value)


def test_header_errors(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("period,option,measure,unit,gross,colour\n")
    with pytest.raises(ReturnsError, match=r"h.csv:row 1: column F: expected one of .* found 'colour'"):
        load_returns(p)
    p.write_text("period,option,measure,unit,gross\n2025,a,b,c,1\n")
    with pytest.raises(ReturnsError, match=r"found no column \['evidence'\]"):
        load_returns(p)
    (tmp_path / "x.txt").write_text(HEADER)
    with pytest.raises(ReturnsError, match="expected a .csv or .xlsx"):
        load_returns(tmp_path / "x.txt")
    with pytest.raises(ReturnsError, match="no such file"):
        load_returns(tmp_path / "absent.csv")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ReturnsError, match="bad.xlsx: expected an xlsx workbook"):
        load_returns(tmp_path / "bad.xlsx")


def test_duplicates_refused_across_files_and_aliases(tmp_path, baseline):
    a = _csv(tmp_path, "2025,sv_clauses,contract_local_hires,person,14,,,verified,,,\n", "a.csv")
    b = _csv(tmp_path, "2025,sv_clauses,contract_local_hires,person,15,,,verified,,,\n", "b.csv")
    with pytest.raises(ReturnsError, match=r"b.csv:row 2: a second return .* found it first at .*a.csv:row 2"):
        load_returns(a, b)
    c = _csv(tmp_path, "2025,sv_clauses,contract_local_hires,person,14,,,verified,,,\n"
                       "2025-Q1,sv_clauses,contract_local_hires,person,3,,,verified,,,\n", "c.csv")
    with pytest.raises(ReturnsError, match="reported whole at .* and by quarter here"):
        load_returns(c)
    # Two places are two returns; the same place twice is a duplicate.
    d = _csv(tmp_path, "2025,skills_employment,learners_trained,person,400,,Bristol,verified,,,\n"
                       "2025,skills_employment,learners_trained,person,400,,Bath,verified,,,\n", "d.csv")
    assert len(load_returns(d)) == 2


@pytest.mark.parametrize("row, message", [
    ("2025,home_retrofit,homes_retrofitted,GBP,80,,,verified,,,\n",
     "column unit: expected the unit of 'homes_retrofitted', 'home', found 'GBP'"),
    ("2025,supplier_development,sme_vcse_spend_shift,GBP,8,,,verified,,,\n", "expected an option the scenario funds"),
    ("2025,home_retrofit,teleportation,home,8,,,verified,,,\n", "expected an outcome id of the scenario"),
    ("2025,home_retrofit,programme_job_entries,person,8,,,verified,,,\n", "does not deliver 'programme_job_entries'"),
    ("2051,home_retrofit,homes_retrofitted,home,8,,,verified,,,\n", "expected a year of the appraisal 2025-2044"),
])
def test_returns_that_do_not_fit_the_scenario(tmp_path, baseline, row, message):
    r = load_returns(_csv(tmp_path, row))
    with pytest.raises(ReturnsError) as e:
        r.resolve(baseline)
    assert message in str(e.value) and "r.csv:row 2" in str(e.value)


def test_units_compared_without_case_plural_or_synonym(tmp_path, baseline):
    r = load_returns(_csv(tmp_path, "2025,skills_employment,learners_trained,People,900,,,verified,,,\n"
                                    "2025,sv_clauses,sme_vcse_spend_shift,gbp,8,,,verified,,,\n"))
    assert len(r.resolve(baseline)) == 2


# ---- 2. against the projection ---------------------------------------------------------------------------------

def test_projection_reproduces_the_engine_at_central_values(baseline):
    """Gross x additionality of the options' direct outputs = the engine's levels (docs/model/engine.md 2-4)."""
    core = baseline.core
    P = np.array([[p.distribution.central()] for p in core.parameters])
    levels = baseline.evaluate().levels
    proj = Projection(baseline)
    funded = [core.options[f.option].id for f in core.funded]
    for outcome in ("programme_job_entries", "homes_retrofitted", "contract_local_hires", "sme_vcse_spend_shift",
                    "spend_round2_local", "new_active_travellers"):
        for t in range(7):
            got = sum(proj.net(o, outcome, t, P)[0] for o in funded if measure_paths(core, o, outcome))
            assert got == pytest.approx(levels[outcome].iloc[t], rel=1e-12, abs=1e-9)


SHORTFALL = """
metadata: {name: s, price_base_year: 2024, first_year: 2025, horizon: 6, values: central}
priorities: [{id: jobs, pillar: economic}]
outcomes:
  - {id: entries, unit: person, value: 1000, priorities: {jobs: 1}, deadweight: 0.2}
  - {id: homes, unit: home, value: 10, priorities: {jobs: 1}}
options:
  - id: programme
    lever: commissioning
    benefits_shortfall: 0.25
    costs: [{year: 0, revenue: 100000}, {year: 2, revenue: 300000}]
    outputs: {entries: 40, homes: {amount: 0.001, per: pound}}
scenario: {funded: [{option: programme, scale: 2, start: 1}]}
"""


def test_projection_with_scale_start_shortfall_and_per_pound():
    """Scale 2, start 1, benefits shortfall 25 %, deadweight 20 %: 40 x 2 x 0.75 x 0.8 = 48 entries in the funded
    years 2026 and 2028; 0.001 homes a pound of 2 x GBP 100k and 2 x GBP 300k, x 0.75: 150 and 450 (the engine's
    levels, docs/model/engine.md section 2)."""
    sc = sv.scenario_from_yaml(SHORTFALL)
    P = np.zeros((0, 1))
    proj = Projection(sc)
    levels = sc.evaluate().levels
    assert [proj.net("programme", "entries", t, P)[0] for t in range(6)] == pytest.approx([0, 48, 0, 48, 0, 0])
    assert [proj.gross("programme", "homes", t, P)[0] for t in range(6)] == pytest.approx([0, 150, 0, 450, 0, 0])
    assert list(levels["homes"]) == pytest.approx([0, 150, 0, 450, 0, 0])


def test_rag_rule():
    assert list(rag(np.array([0, 9.99, 10, 24.9, 25, 95, np.nan]))) == \
        ["red", "red", "amber", "amber", "green", "green", "grey"]


def test_against_projection_and_cumulative(prior, tmp_path):
    # The 2026 return, 195, is the projection's centre: the plan's mean of 231.7 job entries a year (PERT 150, 230,
    # 320) times 1 - the mean benefits shortfall of the option (PERT 0.05, 0.15, 0.3: 0.1583).
    r = load_returns(_csv(tmp_path, "2025,skills_employment,programme_job_entries,person,100,,,verified,,,\n"
                                    "2025-Q1,bus_services,bus_trips_new,trip,1,,,verified,,,\n"
                                    "2025-Q2,bus_services,bus_trips_new,trip,5e6,,,verified,,,\n"
                                    "2026,skills_employment,programme_job_entries,person,195,,,verified,,,\n"))
    a = against_projection(prior, r).set_index(["year", "option"])
    low = a.loc[(2025, "skills_employment")]
    assert low["percentile"] == 0.0 and low["rag"] == "red" and low["p10"] > 150 * (1 - 0.3)
    # The scenario's net of a gross return: x (1 - deadweight)(1 - displacement), both uncertain.
    assert 100 * 0.40 * 0.70 < low["net_scenario"] < 100 * 0.65 * 0.95
    bus = a.loc[(2025, "bus_services")]
    assert bus["share"] == 0.5 and bus["actual"] == 5e6 + 1 and bus["rag"] == "green"
    assert bus["percentile"] == pytest.approx(100)
    mid = a.loc[(2026, "skills_employment")]
    assert 35 < mid["percentile"] < 65 and mid["rag"] == "green"
    c = cumulative(prior, r).set_index(["option", "year"])
    assert c.loc[("skills_employment", 2026), "actual_to_date"] == 295
    assert c.loc[("skills_employment", 2026), "p50"] == pytest.approx(2 * 231.7 * (1 - 0.1583), rel=0.05)


# ---- 3. learning from delivery -----------------------------------------------------------------------------------

def test_conjugate_normal_mean():
    # BDA3 eq. 2.12: 1/tau1^2 = 1/tau0^2 + n/sigma^2; mu1 = (mu0/tau0^2 + n ybar/sigma^2) tau1^2.
    m, s = conjugate.normal_mean(0.0, 1.0, [1.0], [1.0])
    assert (m, s) == pytest.approx((0.5, np.sqrt(0.5)))
    m, s = conjugate.normal_mean(100.0, 20.0, [130.0, 120.0], [10.0, 10.0])
    assert m == pytest.approx((100 / 400 + 250 / 100) / (1 / 400 + 2 / 100))
    assert s == pytest.approx(np.sqrt(1 / (1 / 400 + 2 / 100)))


def test_conjugate_beta_binomial_job_entry_rate():
    # A job-entry rate with prior Beta(2, 8) (mean 0.2); 230 of 900 learners enter work: Beta(232, 678).
    a, b = conjugate.beta_binomial(2, 8, [230], [900])
    assert (a, b) == (232.0, 678.0)
    assert a / (a + b) == pytest.approx(232 / 910)
    assert conjugate.beta_from_moments(0.2, np.sqrt(0.2 * 0.8 / 11)) == pytest.approx((2.0, 8.0))


def test_conjugate_poisson_gamma_rate():
    # Gamma(shape 4, rate 0.02) (mean 200) and counts 150, 160 over exposures 1, 1: Gamma(314, 2.02).
    a, b = conjugate.poisson_gamma(4, 0.02, [150, 160], [1, 1])
    assert (a, b) == (314.0, 2.02)
    assert conjugate.gamma_from_moments(200, 100) == pytest.approx((4.0, 0.02))


SMALL = """
metadata: {name: one option, price_base_year: 2024, first_year: 2025, horizon: 5, values: central}
priorities: [{id: jobs, pillar: economic}]
outcomes:
  - {id: entries, unit: person, value: 1000, priorities: {jobs: 1}}
options:
  - id: programme
    lever: commissioning
    costs: [{year: 0, revenue: 100000}, {year: 1, revenue: 100000}, {year: 2, revenue: 100000}]
    outputs: {entries: {dist: pert, min: 50, mode: 100, max: 200}}
scenario: {funded: [programme]}
"""


def _exact_posterior(ys):
    """Mean and sd of theta ~ PERT(50, 100, 200) given verified counts y_j ~ Poisson(theta), by quadrature."""
    prior = stats.beta(1 + 4 * 50 / 150, 1 + 4 * 100 / 150, loc=50, scale=150)

    def dens(x):
        return prior.pdf(x) * np.exp(sum(stats.poisson.logpmf(y, x) for y in ys) + 200)

    z = integrate.quad(dens, 50, 200, points=[70], limit=200)[0]
    m = integrate.quad(lambda x: x * dens(x), 50, 200, points=[70], limit=200)[0] / z
    v = integrate.quad(lambda x: (x - m) ** 2 * dens(x), 50, 200, points=[70], limit=200)[0] / z
    return m, np.sqrt(v)


@pytest.mark.parametrize("ys, threshold, method", [((70, 65, 72), 0.5, "resample-move SMC"),
                                                   ((95,), 0.05, "importance sampling")])
def test_update_matches_the_exact_posterior(tmp_path, ys, threshold, method):
    sc = sv.scenario_from_yaml(SMALL)
    res = sc.simulate(draws=4000, seed=3)
    rows = "".join(f"{2025 + t},programme,entries,person,{y},,,verified,,,\n" for t, y in enumerate(ys))
    post = update(res, load_returns(_csv(tmp_path, rows)), threshold=threshold)
    assert post.method == method
    x = post.posterior_parameters[0]
    m, s = _exact_posterior(ys)
    # Monte Carlo error of a mean of ~ESS effective draws (SMC draws are correlated: allow 4 standard errors).
    assert x.mean() == pytest.approx(m, abs=4 * s / np.sqrt(min(post.stages["ess"].min(), 4000)) + 0.02 * s)
    assert x.std() == pytest.approx(s, rel=0.1)
    # Posterior PV benefits: the actuals of the returned years plus the posterior yield x in the other funded
    # years (2025-2027), GBP 1,000 an entry at 3.5 % a year (docs/model/tracking.md section 6).
    by_hand = 1000 * (sum(y / 1.035 ** t for t, y in enumerate(ys)) + x * sum(1 / 1.035 ** t
                                                                              for t in range(len(ys), 3)))
    assert post.posterior.draws("pv_benefits") == pytest.approx(by_hand, rel=1e-12)


RATE = """
metadata: {name: rate, price_base_year: 2024, first_year: 2025, horizon: 5, values: central}
priorities: [{id: jobs, pillar: economic}]
outcomes:
  - {id: entries, unit: person, value: 1000, priorities: {jobs: 1}}
  - {id: learners, unit: person}
options:
  - id: programme
    lever: commissioning
    costs: [{year: 0, revenue: 100000}, {year: 1, revenue: 100000}]
    outputs: {entries: {dist: pert, min: 10, mode: 25, max: 50}, learners: 100}
scenario: {funded: [programme]}
"""


def test_binomial_returns_match_the_exact_posterior(tmp_path):
    """Job entries out of learners: 100 learners a year and entries PERT(10, 25, 50), so the job-entry rate is
    entries / 100; returns of 15 of 90 and 18 of 110 learners (verified) give a posterior of binomial likelihoods,
    computed exactly by quadrature."""
    sc = sv.scenario_from_yaml(RATE)
    res = sc.simulate(draws=4000, seed=5)
    rows = ("period,option,measure,unit,gross,evidence,out_of\n"
            "2025,programme,learners,person,90,verified,\n2025,programme,entries,person,15,verified,learners\n"
            "2026,programme,learners,person,110,verified,\n2026,programme,entries,person,18,verified,learners\n")
    (tmp_path / "b.csv").write_text(rows)
    post = update(res, load_returns(tmp_path / "b.csv"), threshold=0.9)
    assert post.method == "resample-move SMC"
    prior = stats.beta(1 + 4 * 15 / 40, 1 + 4 * 25 / 40, loc=10, scale=40)

    def dens(x):
        return prior.pdf(x) * stats.binom.pmf(15, 90, x / 100) * stats.binom.pmf(18, 110, x / 100) * 1e6

    z = integrate.quad(dens, 10, 50, limit=200)[0]
    m = integrate.quad(lambda x: x * dens(x), 10, 50, limit=200)[0] / z
    sd = np.sqrt(integrate.quad(lambda x: (x - m) ** 2 * dens(x), 10, 50, limit=200)[0] / z)
    x = post.posterior_parameters[0]
    assert x.mean() == pytest.approx(m, abs=0.1 * sd) and x.std() == pytest.approx(sd, rel=0.1)
    bad = tmp_path / "c.csv"
    bad.write_text("period,option,measure,unit,gross,evidence,out_of\n"
                   "2025,programme,entries,person,15,verified,learners\n")
    with pytest.raises(ReturnsError, match=r"c.csv:row 2: column out_of: expected a return of 'learners'"):
        load_returns(bad).resolve(sc)
    bad.write_text("period,option,measure,unit,gross,evidence,out_of\n2025,programme,learners,person,9,verified,\n"
                   "2025,programme,entries,person,15,verified,learners\n")
    with pytest.raises(ReturnsError, match="expected at most the 9 learners returned"):
        load_returns(bad).resolve(sc)


def test_update_west_of_england(prior, tmp_path):
    r = load_returns(*RETURNS)
    post = update(prior, r, alternatives=[WOE / "skills-first.yaml"], moves=4)
    again = update(prior, r, alternatives=[WOE / "skills-first.yaml"], moves=4)
    assert np.array_equal(post.posterior.draws("npsv"), again.posterior.draws("npsv"))  # same seed, same posterior
    assert post.ess < 0.5 * 400 and post.method == "resample-move SMC"
    assert post.stages["temperature"].iloc[-1] == 1.0
    p = post.parameters.set_index("parameter")
    jobs = p.loc["options.skills_employment.outputs.programme_job_entries.amount"]
    assert jobs["posterior_mean"] < 175 < jobs["prior_mean"]          # returns of ~150 a year (truth 139)
    # Learners inform the job-entry rate of the binomial returns too: no Poisson-gamma check for them; nor for bus
    # trips, whose count is their yield times (1 - the option's uncertain benefits shortfall): two parameters.
    assert np.isnan(p.loc["options.skills_employment.outputs.learners_trained.amount", "conjugate_mean"])
    assert np.isnan(p.loc["options.bus_services.outputs.bus_trips_new.amount", "conjugate_mean"])
    hires = p.loc["options.sv_clauses.outputs.contract_local_hires.amount"]
    assert hires["posterior_mean"] > hires["prior_mean"]
    s = post.summary()
    assert s.loc["npsv", ("posterior", "mean")] < s.loc["npsv", ("prior", "mean")]
    assert list(post.comparison.index) == ["West of England - baseline", "West of England - skills first"]
    assert post.comparison["posterior_p_best"].sum() == pytest.approx(1.0)
    rf = post.reforecast
    assert rf["remaining"].any() and set(rf.loc[~rf["remaining"], "year"]) == {2025, 2026}
    assert ess(np.zeros(10)) == pytest.approx(10.0)
    # The posterior is a full Results: per year and per outcome; the report of the annual update is the annual
    # report, the posterior's own report() its decision-paper annex.
    assert "jobs_for_local_people" in post.posterior.outcomes and len(post.posterior.by_year("benefits")) == 20
    assert "<html" in post.posterior.report().lower()
    sme = p.loc["options.sv_clauses.outputs.sme_vcse_spend_shift.amount"]   # a spend return, learnt from
    assert sme["posterior_mean"] > sme["prior_mean"]
    spend = post.learnt[post.learnt["spend"]]
    assert len(spend) >= 3 and all(spend["parameters"].map(len) > 0)
    rv = post.realised
    assert rv.loc["realised", "years"] == "2025-2026" and rv.loc["realised", "per_pound_mean"] > 0
    md = post.report(tmp_path / "annual.md")
    for section in ("# Annual social value report 2026", "Headline indicators", "jobs for local people",
                    "share of spend kept in the region", "Against the projection, 2026", "By lever and by contract",
                    "C-2291", "By place, 2026", "Bristol", "What is working and what is not",
                    "Below the projection's 10th percentile: ", "Trend across years", "Data quality",
                    "Marked missing: home_retrofit homes_retrofitted 2026",
                    "Absent (returned in another year, not in this one): anchor_estate estate_mwh_saved 2026",
                    "Late (submitted more than 90 days after the period): active_travel new_active_travellers 2026 "
                    "(75 days late); apprenticeships apprenticeship_starts 2026 (75 days late).",
                    "The programme re-forecast, and the decision", "skills first", "Realised value per pound",
                    "Spend returns ("):
        assert section in md, section
    assert (tmp_path / "annual.md").read_text() == md


def test_update_agrees_with_the_poisson_gamma_conjugate_where_it_applies(baseline):
    # The baseline with bus_services' benefits shortfall fixed at its mean (PERT 0.05 / 0.2 / 0.45: 0.216667): bus
    # trips (verified counts) are then linear in their yield alone, and the SMC posterior of the yield agrees with
    # the Poisson-gamma closed form (gamma prior of the same mean and sd; docs/model/tracking.md).
    doc = baseline.document
    bus = next(o for o in doc["options"] if o["id"] == "bus_services")
    bus["benefits_shortfall"] = (0.05 + 4 * 0.2 + 0.45) / 6
    fixed = sv.scenario_from_dict(doc, name="baseline, bus shortfall fixed", base_dir=WOE)
    post = update(fixed.simulate(draws=400, seed=11), load_returns(*RETURNS), moves=4)
    row = post.parameters.set_index("parameter").loc["options.bus_services.outputs.bus_trips_new.amount"]
    assert row["conjugate_mean"] == pytest.approx(row["posterior_mean"], rel=2e-3)


def test_cli_track_from_a_results_file(prior, tmp_path, capsys):
    from socval.cli import main

    prior.save(tmp_path / "baseline.h5")
    out = tmp_path / "annual.html"
    assert main(["track", str(tmp_path / "baseline.h5"), *map(str, RETURNS), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "55 returns, 2025-2026" in printed and "resample-move SMC" in printed
    assert "value per pound 2025-2026: realised " in printed
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Annual social value report 2026" in html
    assert main(["track", str(tmp_path / "baseline.h5"), str(tmp_path / "absent.csv")]) == 2


def test_update_refuses_bad_options(prior):
    r = load_returns(*RETURNS)
    with pytest.raises(ReturnsError, match="threshold"):
        update(prior, r, threshold=0)
    frame = r.table[r.table["evidence"] == "missing"][["period", "option", "measure", "unit", "gross", "evidence"]]
    with pytest.raises(ReturnsError, match="only missing returns"):
        update(prior, returns_from_frame(frame))
    late = returns_from_frame(frame.assign(period="2031", gross=40, evidence="verified"))
    with pytest.raises(ReturnsError, match=r"'home_retrofit', measure 'homes_retrofitted', 2031: the returns report 40 "
                                           r"but the scenario projects no delivery that year"):
        update(prior, late)


BETA_RATE = """
metadata: {name: beta rate, price_base_year: 2024, first_year: 2025, horizon: 3, values: central}
priorities: [{id: jobs, pillar: economic}]
outcomes:
  - {id: learners, unit: person}
  - {id: entries, unit: person, value: 1000, priorities: {jobs: 1}}
links:
  - {from: learners, to: entries, coefficient: {dist: beta, alpha: 2, beta: 8}}
options:
  - id: programme
    lever: commissioning
    costs: [{year: 0, revenue: 100000}, {year: 1, revenue: 100000}]
    outputs: {learners: 100}
scenario: {funded: [programme]}
"""


def test_a_beta_job_entry_rate_is_updated_exactly(tmp_path):
    """The job-entry rate p ~ Beta(2, 8) is the coefficient from learners (100 a year, fixed) to entries; verified
    returns of 15 of 90 and 18 of 110 learners give Beta(2 + 33, 8 + 167) = Beta(35, 175) exactly (BDA3 section
    2.4): mean 1/6, sd sqrt(35 x 175 / (210^2 x 211)). Each posterior draw is that Beta's quantile at the prior
    draw's rank, so no SMC is needed and the draws stay paired with the prior's."""
    sc = sv.scenario_from_yaml(BETA_RATE)
    res = sc.simulate(draws=4000, seed=5)
    rows = ("period,option,measure,unit,gross,evidence,out_of\n"
            "2025,programme,learners,person,90,verified,\n2025,programme,entries,person,15,verified,learners\n"
            "2026,programme,learners,person,110,verified,\n2026,programme,entries,person,18,verified,learners\n")
    (tmp_path / "b.csv").write_text(rows)
    post = update(res, load_returns(tmp_path / "b.csv"))
    assert post.method == "exact conjugate (beta-binomial)"
    p0 = prior_parameters(sc.core, 5, 4000, "lhs")[0]  # the prior draws of p
    x = post.posterior_parameters[0]
    assert x == pytest.approx(stats.beta(35, 175).ppf(stats.beta(2, 8).cdf(p0)), rel=1e-10)
    sd = np.sqrt(35 * 175 / (210 ** 2 * 211))
    assert x.mean() == pytest.approx(1 / 6, abs=0.01 * sd)  # Latin hypercube ranks: a stratified sample
    assert x.std() == pytest.approx(sd, rel=0.01)
    row = post.parameters.set_index("parameter").loc["links.learners->entries.coefficient"]
    assert row["conjugate_mean"] == pytest.approx(1 / 6, rel=1e-12)
    assert row["conjugate_sd"] == pytest.approx(sd, rel=1e-12)
