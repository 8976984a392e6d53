"""Optimism bias by category, from a scenario file (issue 13, item 1; docs/model/appraisal.md, "Optimism bias"):
capital by its category's capital bound, revenue by outsourcing's operating-cost bound, each reduced by its own
mitigation; the works-duration bound as a delay; a benefits shortfall. The hand computation and its sources (HM
Treasury Supplementary Green Book Guidance: Optimism Bias, table of upper bounds; Green Book 2022 Annexes A5, A6)
are in tests/data/optimism_bias/categories.yaml.
"""
from pathlib import Path

import pytest

import socval

SCENARIO = Path(__file__).resolve().parents[1] / "data" / "optimism_bias" / "categories.yaml"


@pytest.fixture(scope="module")
def evaluation():
    return socval.load_scenario(SCENARIO).evaluate()


def test_capital_and_revenue_each_by_their_category(evaluation):
    opt = evaluation.by_option
    assert opt.at["build", "ob_capital_uplift"] == pytest.approx(0.12, rel=1e-12)   # 24% x (1 - 0.5)
    assert opt.at["build", "ob_revenue_uplift"] == pytest.approx(0.328, rel=1e-12)  # 41% x (1 - 0.2)
    assert opt.at["build", "pv_costs"] == pytest.approx(2240 + 1328 / 1.035, rel=1e-12)
    assert opt.at["run", "ob_revenue_uplift"] == pytest.approx(0.41, rel=1e-12)     # outsourcing, unmitigated
    assert opt.at["run", "ob_capital_uplift"] == 0.0
    assert opt.at["run", "pv_costs"] == pytest.approx(1410, rel=1e-12)


def test_works_duration_delay_and_benefits_shortfall(evaluation):
    opt = evaluation.by_option
    assert opt.at["works", "ob_capital_uplift"] == pytest.approx(0.51, rel=1e-12)
    assert int(opt.at["works", "delay_years"]) == 1                                  # round(0.39 x 3) = 1
    assert opt.at["works", "pv_costs"] == pytest.approx(151 * sum(1.035 ** -t for t in (1, 2, 3)), rel=1e-12)
    levels = evaluation.levels
    done = levels.loc["done"] if "done" in levels.index else levels["done"]
    assert list(done.to_numpy()) == pytest.approx([0, 2, 2, 2, 0])                  # outputs move with the works
    served = levels.loc["served"] if "served" in levels.index else levels["served"]
    assert list(served.to_numpy()) == pytest.approx([3, 0, 0, 0, 0])                # 4 x (1 - 0.25)
    # the body's costs before optimism bias are unchanged by it (what the SROI divides by)
    h = evaluation.headline
    assert h.pv_investment == pytest.approx(2000 + 1000 / 1.035 + 100 * sum(1.035 ** -t for t in (1, 2, 3)) + 1000,
                                            rel=1e-12)
