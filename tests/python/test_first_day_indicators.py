"""Issue 18, item 3: headline indicators declared in the scenario (`indicators:`), not guessed from ids."""
from pathlib import Path

import numpy as np
import pytest

import socval as sv
from socval.indicators.headline import indicators
from socval.indicators.local_economy import INDICATOR_DEFAULTS, declared_indicators

WOE = Path(__file__).resolve().parents[2] / "scenarios" / "west-of-england"

BASE = """
metadata: {name: Trust, price_base_year: 2024, first_year: 2025, horizon: 3}
priorities: [{id: local, pillar: economic}]
outcomes:
  - {id: trust_spend, unit: GBP, priorities: {local: 1}}
  - {id: trust_spend_local, unit: GBP, priorities: {local: 1}}
  - {id: trust_spend_respent, unit: GBP, priorities: {local: 1}}
  - {id: hires, unit: person, value: 1000, priorities: {local: 1}}
  - {id: starts, unit: person, value: 500, priorities: {local: 1}}
options:
  - id: buy_local
    lever: anchor
    costs: [{year: 0, revenue: 100000}]
    outputs:
      trust_spend: {amount: 1, per: pound}
      trust_spend_local: {amount: 0.6, per: pound}
      trust_spend_respent: {amount: 0.3, per: pound}
      hires: 4
      starts: 2
scenario: {funded: [buy_local]}
"""


def test_defaults_are_the_documented_ids():
    assert declared_indicators(None) == INDICATOR_DEFAULTS
    assert INDICATOR_DEFAULTS["round1"] == "spend_round1"
    assert INDICATOR_DEFAULTS["local_jobs"] == "jobs_for_local_people"
    assert INDICATOR_DEFAULTS["apprenticeships"] is None


def test_declared_outcomes_give_lm3_jobs_and_apprenticeships():
    text = BASE + ("indicators: {round1: trust_spend, round2: trust_spend_local, round3: trust_spend_respent, "
                   "local_jobs: hires, apprenticeships: starts}\n")
    sc = sv.scenario_from_yaml(text)
    res = sc.simulate(draws=20, seed=1, progress=False)
    ind = indicators(res, sc)
    assert ind["LM3"].draws == pytest.approx(np.full(20, 1.9))        # (1 + 0.6 + 0.3) / 1
    assert ind["jobs for local people"].draws == pytest.approx(np.full(20, 4.0))
    assert ind["apprenticeships"].draws == pytest.approx(np.full(20, 2.0))
    # the same scenario without the section: none of these outcomes has a default id, so none is shown
    bare = indicators(sv.scenario_from_yaml(BASE).simulate(draws=20, seed=1, progress=False))
    assert "LM3" not in bare and "jobs for local people" not in bare and "apprenticeships" not in bare


def test_reader_refuses_unknown_indicator_and_outcome():
    with pytest.raises(sv.ScenarioError, match=r"indicators.*lm4"):
        sv.scenario_from_yaml(BASE + "indicators: {lm4: trust_spend}\n")
    with pytest.raises(sv.ScenarioError, match=r"indicators\.local_jobs.*hirse.*did you mean 'hires'"):
        sv.scenario_from_yaml(BASE + "indicators: {local_jobs: hirse}\n")


def test_west_of_england_unchanged_by_default():
    sc = sv.load_scenario(WOE / "baseline.yaml")
    assert declared_indicators(sc)["round2"] == "spend_round2_local"
