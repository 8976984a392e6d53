"""Issue 18, item 2: socval optimise reports selected beside funded, takes the pool and scales explicitly (the
same pool, scales and budget give the same answer whichever file they are read from), keeps context options and
names options in its errors."""
from pathlib import Path

import numpy as np
import pytest
import yaml

import socval
from socval import _core
from socval.cli.app import main
from socval.decision import portfolio

ROOT = Path(__file__).resolve().parents[2]
WOE = ROOT / "scenarios" / "west-of-england"
POOL = str(ROOT / "tests" / "data" / "portfolio" / "pool.yaml")


def test_same_pool_and_budget_same_answer_whichever_file():
    # baseline funds bus_services at scale 1.2 and 13 options; balanced funds every option at other scales
    a = portfolio.optimise(str(WOE / "baseline.yaml"), 40e6, draws=200, seed=3)
    b = portfolio.optimise(str(WOE / "balanced.yaml"), 40e6, draws=200, seed=3)
    assert a.selected == b.selected
    assert a.objective == b.objective and a.cost == b.cost
    np.testing.assert_array_equal(a.values.value, b.values.value)


def test_explicit_scale_changes_cost_in_proportion():
    one = portfolio.optimise(POOL, 1e6, draws=50, seed=1)
    two = portfolio.optimise(POOL, 1e6, draws=50, seed=1, scales={"clinic": 2})
    i = one.values.option_ids.index("clinic")
    assert two.values.cost.mean(0)[i] == pytest.approx(2 * one.values.cost.mean(0)[i], rel=1e-12)
    assert two.values.scale[i] == 2.0
    with pytest.raises(socval.DecisionError, match="scales: expected option ids"):
        portfolio.optimise(POOL, 1e6, draws=10, scales={"nope": 2})
    with pytest.raises(socval.DecisionError, match="clinic: expected a number > 0"):
        portfolio.optimise(POOL, 1e6, draws=10, scales={"clinic": 0})


def test_context_option_kept_in_saved_portfolio(tmp_path):
    choice = portfolio.optimise(str(WOE / "baseline.yaml"), 30e6, draws=100, seed=1)
    assert choice.context == ["contract_pipeline"]
    assert "contract_pipeline" not in choice.values.option_ids  # not a choice
    out = choice.save(tmp_path / "best.yaml")
    saved = socval.load_scenario(out)
    assert "contract_pipeline" in saved.funded_ids
    assert set(saved.funded_ids) == {"contract_pipeline", *choice.selected}


def test_selected_beside_funded():
    choice = portfolio.optimise(POOL, 250e3, draws=200, seed=1)
    table = choice.values.summary()
    assert list(table.columns[:3]) == ["lever", "selected", "funded"]
    assert [i for i, s in table["selected"].items() if s] == choice.selected
    assert [i for i, f in table["funded"].items() if f] == ["clinic", "trees"]  # funded by the file


def test_infeasible_error_names_options(capsys):
    with pytest.raises(socval.DecisionError, match=r"include\[city_jobs\]") as e:
        portfolio.optimise(POOL, 1e5, draws=10, include=["town_jobs", "city_jobs"])
    assert "include[1]" not in str(e.value)
    assert main(["optimise", POOL, "--budget", "1e5", "--draws", "10", "--include", "town_jobs", "city_jobs"]) == 2
    assert "include[city_jobs]" in capsys.readouterr().err


def test_cli_prints_selected_and_fits(capsys, tmp_path):
    assert main(["optimise", str(WOE / "baseline.yaml"), "--budget", "30e6", "--draws", "100",
                 "--scale", "bus_services=1.2", "--out", str(tmp_path / "p.yaml")]) == 0
    out = capsys.readouterr().out
    assert "selected:" in out and "context (funded by the file at no cost, kept): contract_pipeline" in out
    assert max(len(line) for line in out.splitlines() if str(tmp_path) not in line) <= 100
    doc = yaml.safe_load((tmp_path / "p.yaml").read_text())
    assert doc["scenario"]["funded"][0] == "contract_pipeline"
    assert main(["optimise", POOL, "--budget", "1e5", "--scale", "clinic"]) == 2


def test_include_or_exclude_of_a_context_option():
    kept = portfolio.optimise(str(WOE / "baseline.yaml"), 30e6, draws=50, seed=1, include=["contract_pipeline"])
    assert kept.context == ["contract_pipeline"]
    dropped = portfolio.optimise(str(WOE / "baseline.yaml"), 30e6, draws=50, seed=1, exclude=["contract_pipeline"])
    assert dropped.context == [] and "contract_pipeline" not in dropped.scenario.funded_ids
