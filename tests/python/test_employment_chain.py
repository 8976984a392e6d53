"""The employment chain of the West of England scenarios, consistent across options (issue 13, item 7;
scenarios/west-of-england/outcomes.yaml).

Sources and arithmetic checked here:
- a job entry is valued as the Green Book's worked example does (HM Treasury, The Green Book 2022, Box 11 and Annex
  A1): wellbeing (+0.46 life satisfaction, HMT Wellbeing Guidance 2021, via employment_years) plus the output
  gained net of national displacement (entrant_output_years); jobs in supported businesses carry their output in
  job_years_business instead, so they do not feed entrant_output_years (no double count);
- entrant output = entry wage GBP 22,000-25,000 (2024 National Living Wage, full time) x 15-40% not displaced:
  3,300 = 22,000 x 0.15 and 10,000 = 25,000 x 0.40;
- the earnings gain per qualification of out-of-work learners = 2-15% premium (BIS Research Paper 53) x GBP
  22,000-25,000 x their 20-45% chance of being in work: 88 = 0.02 x 22,000 x 0.20 (the file's 90) and 1,687.5 =
  0.15 x 25,000 x 0.45 (the file's 1,700); the in-work chance brackets the skills programme's own central job-entry
  rate, 230 / 900 = 25.6%.
"""
from pathlib import Path

import pytest
import yaml

import socval

WOE = Path(__file__).resolve().parents[2] / "scenarios" / "west-of-england"


@pytest.fixture(scope="module")
def files():
    outcomes = yaml.safe_load((WOE / "outcomes.yaml").read_text())
    options = yaml.safe_load((WOE / "options.yaml").read_text())
    return outcomes, options


def _links(outcomes):
    return [(link["from"], link["to"], link.get("coefficient")) for link in outcomes["links"]]


def test_every_job_entry_gets_wellbeing_and_output_net_of_displacement(files):
    outcomes, _ = files
    links = _links(outcomes)
    into_jobs = {f for f, t, _ in links if t == "jobs_for_local_people"}
    into_output = {f for f, t, c in links if t == "entrant_output_years" and c == 1}
    assert ("jobs_for_local_people", "employment_years", 1) in links  # wellbeing of every job entry
    # every source of job entries adds entrant output, except jobs in supported businesses (output in their GVA)
    assert into_jobs - into_output == {"net_jobs_created"}
    assert ("net_jobs_created", "job_years_business", 1) in links
    assert not any(f == "net_jobs_created" and t == "entrant_output_years" for f, t, _ in links)
    by_id = {o["id"]: o for o in outcomes["outcomes"]}
    v = by_id["entrant_output_years"]["value"]
    assert (v["min"], v["max"]) == (22_000 * 0.15, 25_000 * 0.40)


def test_qualification_earnings_tied_to_the_chance_of_being_in_work(files):
    outcomes, options = files
    coef = next(c for f, t, c in _links(outcomes) if f == "qualifications_gained" and t == "earnings_uplift")
    assert coef["min"] == pytest.approx(0.02 * 22_000 * 0.20, abs=5)     # 88 -> 90
    assert coef["max"] == pytest.approx(0.15 * 25_000 * 0.45, abs=15)    # 1,687.5 -> 1,700
    skills = next(o for o in options["options"] if o["id"] == "skills_employment")["outputs"]
    rate = skills["programme_job_entries"]["mode"] / skills["learners_trained"]["mode"]
    assert 0.20 <= rate <= 0.45  # the learners' own job-entry rate (25.6%) lies in the in-work range used


def test_the_chain_values_in_the_engine(files):
    """In the central case of the baseline the three parts of the chain carry value: the job entrants' wellbeing
    (employment_years), their output (entrant_output_years) and business jobs' output (job_years_business)."""
    sc = socval.load_scenario(WOE / "baseline.yaml")
    pv = sc.evaluate(values="central").totals["pv"]
    assert pv["entrant_output_years"] > 0 and pv["employment_years"] > 0 and pv["job_years_business"] > 0
