"""Scenario-level portfolio choice and SMAA (socval.decision.portfolio, socval optimise).

The pool (tests/data/portfolio/pool.yaml) has one appraisal year (discount factor 1), no additionality and no
optimism bias, and unit values of 1000 GBP, so each option's PV value is 1000 x its output and its PV cost its
year-0 cost (hand values in HAND below; pilot's output is U(0, 240): mean 120, worst-10% mean 12).
"""
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import socval
from socval import _core
from socval.decision import portfolio
from socval.decision.acceptability import scenario_smaa
from socval.model.words import PILLARS
from socval.engine.simulation import simulate

DATA = Path(__file__).resolve().parents[1] / "data" / "portfolio"
POOL = str(DATA / "pool.yaml")
IDS = ["town_jobs", "city_jobs", "clinic", "trees", "pilot", "outreach"]
VALUE = dict(zip(IDS, [150e3, 260e3, 200e3, 140e3, 120e3, 110e3]))  # 1000 x output (pilot: mean of U(0, 240))
COST = dict(zip(IDS, [100e3, 200e3, 150e3, 120e3, 80e3, 80e3]))
PILLAR = dict(zip(IDS, ["economic", "economic", "social", "environmental", "social", "social"]))


def brute_force(budget, exclusive=(), requires=(), include=(), exclude=(), min_value=None):
    """Best subsets by enumeration of all 2^6 subsets on the hand values (every subset within 1 GBP of the best:
    ties are possible with hand values, the simulated mean of pilot breaks them), and the best value."""
    found = []
    for r in range(len(IDS) + 1):
        for s in itertools.combinations(IDS, r):
            if sum(COST[i] for i in s) > budget + 1e-6:
                continue
            if any(sum(i in s for i in g) > 1 for g in exclusive):
                continue
            if any(a in s and b not in s for a, b in requires):
                continue
            if any(i not in s for i in include) or any(i in s for i in exclude):
                continue
            if min_value and any(sum(VALUE[i] for i in s if PILLAR[i] == p) < m for p, m in min_value.items()):
                continue
            found.append((sum(VALUE[i] for i in s), sorted(s, key=IDS.index)))
    best_v = max(v for v, _ in found)
    return [s for v, s in found if v > best_v - 1.0], best_v


def test_option_values_match_hand_values():
    ov = portfolio.option_values(POOL, draws=1000, seed=3)
    assert ov.option_ids == IDS
    assert ov.funded == [False, False, True, True, False, False]
    np.testing.assert_allclose(ov.cost.mean(0), [COST[i] for i in IDS])
    fixed = [i for i in IDS if i != "pilot"]
    np.testing.assert_allclose(ov.value[:, [IDS.index(i) for i in fixed]].mean(0), [VALUE[i] for i in fixed])
    # Latin hypercube mean of U(0, 240) x 1000 over 1000 strata: within 0.1% of 120k.
    assert ov.value[:, IDS.index("pilot")].mean() == pytest.approx(120e3, rel=1e-3)
    total_by_pillar = sum(ov.by_pillar[p] for p in PILLARS)
    np.testing.assert_allclose(total_by_pillar, ov.value, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(sum(ov.by_lever.values()), ov.value)
    np.testing.assert_allclose(ov.by_pillar["social"][:, IDS.index("clinic")], 200e3)


def test_option_values_reproducible_whatever_threads():
    a = portfolio.option_values(POOL, draws=700, seed=5, threads=1)
    b = portfolio.option_values(POOL, draws=700, seed=5, threads=2)
    np.testing.assert_array_equal(a.value, b.value)
    np.testing.assert_array_equal(a.by_pillar["social"], b.by_pillar["social"])


@pytest.mark.parametrize("budget", [80e3, 180e3, 250e3, 330e3, 400e3, 500e3, 730e3])
def test_optimise_matches_brute_force(budget):
    best, best_v = brute_force(budget)
    choice = portfolio.optimise(POOL, budget, draws=1000, seed=1)
    assert choice.selected in best
    assert choice.objective == pytest.approx(best_v, rel=1e-3)
    assert choice.cost == pytest.approx(sum(COST[i] for i in choice.selected))
    assert choice.cost <= budget + 1e-6


@pytest.mark.parametrize("kw", [
    dict(include=["trees"]),
    dict(exclude=["city_jobs"]),
    dict(exclusive=[["town_jobs", "city_jobs"]]),
    dict(requires=[("city_jobs", "clinic")]),
    dict(requires=[("pilot", "trees")], exclude=["town_jobs"]),
    dict(min_value={"social": 300e3}),
])
def test_optimise_respects_constraints(kw):
    budget = 400e3
    best, best_v = brute_force(budget, **kw)
    choice = portfolio.optimise(POOL, budget, draws=1000, seed=1, **kw)
    assert choice.selected in best
    assert choice.objective == pytest.approx(best_v, rel=1e-3)


def test_binding_constraints_named_by_id():
    choice = portfolio.optimise(POOL, 400e3, draws=500, exclude=["city_jobs"])
    assert "exclude[city_jobs]" in choice.binding
    assert "budget" in choice.binding


def test_cvar_differs_from_mean():
    # pilot: mean 120k but worst 10% mean 12k; outreach: a sure 110k. Budget for one of them.
    kw = dict(candidates=["pilot", "outreach"], draws=2000, seed=2)
    mean = portfolio.optimise(POOL, 80e3, **kw)
    cvar = portfolio.optimise(POOL, 80e3, objective="cvar", alpha=0.1, **kw)
    assert mean.selected == ["pilot"]
    assert cvar.selected == ["outreach"]
    assert cvar.objective == pytest.approx(110e3)
    # CVaR_0.1 of U(0, 240k) = 12k (mean of U(0, 24k)) < 110k.


def test_saved_yaml_loads_and_evaluates_on_common_random_numbers(tmp_path):
    choice = portfolio.optimise(POOL, 400e3, draws=800, seed=4)
    out = choice.save(tmp_path / "best.yaml")
    text = out.read_text()
    assert "extends:" in text
    sc = _core.model.read_scenario(str(out), socval.values.default_library())
    funded = [sc.options[f.option].id for f in sc.funded]
    assert sorted(funded, key=IDS.index) == choice.selected
    res = simulate(str(out), draws=800, seed=4, progress=False)
    idx = [IDS.index(i) for i in choice.selected]
    # Same streams: the portfolio's simulated value equals the sum of its options' values draw by draw.
    np.testing.assert_allclose(res.draws("pv_benefits"), choice.values.value[:, idx].sum(1), rtol=1e-12)
    assert res.draws("pv_benefits").mean() == pytest.approx(choice.objective)
    # The in-memory scenario is the same.
    assert isinstance(choice.scenario, socval.Scenario)
    assert choice.scenario.funded_ids == funded
    merged = choice.scenario.to_yaml(tmp_path / "merged.yaml")
    assert "extends" not in merged
    merged = _core.model.read_scenario(str(tmp_path / "merged.yaml"), socval.values.default_library())
    assert [o.id for o in merged.options] == IDS


def test_bad_inputs():
    with pytest.raises(socval.ScenarioError, match="unknown id 'nope'"):
        portfolio.option_values(POOL, candidates=["nope"], draws=10)
    with pytest.raises(socval.ScenarioError, match="listed twice"):
        portfolio.option_values(POOL, candidates=["pilot", "pilot"], draws=10)
    with pytest.raises(socval.DecisionError, match="include: expected option ids"):
        portfolio.optimise(POOL, 1e5, draws=10, include=["nope"])
    with pytest.raises(socval.DecisionError, match="min_value: expected a pillar"):
        portfolio.optimise(POOL, 1e5, draws=10, min_value={"happiness": 1})
    with pytest.raises(socval.DecisionError, match="objective"):
        portfolio.optimise(POOL, 1e5, draws=10, objective="max")
    with pytest.raises(socval.DecisionError):  # infeasible: must include 300k within 100k
        portfolio.optimise(POOL, 1e5, draws=10, include=["town_jobs", "city_jobs"])
    with pytest.raises(socval.SamplingError, match="draws"):
        portfolio.option_values(POOL, draws=0)
    with pytest.raises(socval.DecisionError, match="budget: expected a finite number >= 0"):
        portfolio.optimise(POOL, -1.0, draws=10)
    with pytest.raises(socval.DecisionError, match="budget: expected a number"):
        portfolio.optimise(POOL, "lots", draws=10)
    with pytest.raises(socval.DecisionError, match="alpha"):
        portfolio.optimise(POOL, 1e5, draws=10, objective="cvar")


def test_scenario_smaa_hand_case():
    # Clinic only: 200k w_social; town jobs only: 150k w_economic. Weights uniform on the 3-simplex:
    # w_econ / (w_social + w_econ) ~ Beta(1, 1), so P(clinic first) = P(150 w_e < 200 w_s) = 4/7.
    r = scenario_smaa([str(DATA / "clinic_only.yaml"), str(DATA / "jobs_only.yaml")], draws=50,
                       n_weights=40000, seed=0)
    assert list(r.rank_acceptability.index) == ["Clinic only", "Town jobs only"]
    assert list(r.central_weights.columns) == ["social", "economic", "environmental"]
    np.testing.assert_allclose(r.rank_acceptability.sum(axis=0), 1.0)
    np.testing.assert_allclose(r.rank_acceptability.sum(axis=1), 1.0)
    # Monte Carlo over 40000 weights: within 4 binomial standard errors.
    assert r.rank_acceptability.iloc[0, 0] == pytest.approx(4 / 7, abs=4 * np.sqrt(4 / 7 * 3 / 7 / 40000))


def test_scenario_smaa_priorities_and_errors():
    r = scenario_smaa([POOL, str(DATA / "jobs_only.yaml"), str(DATA / "clinic_only.yaml")],
                       criteria="priorities", draws=100, n_weights=5000)
    assert r.criteria == ["good_work", "health", "net_zero"]
    np.testing.assert_allclose(r.rank_acceptability.sum(axis=0), 1.0)
    with pytest.raises(socval.DecisionError, match="criteria"):
        scenario_smaa([POOL, POOL], criteria="levers")
    with pytest.raises(socval.DecisionError, match="at least two"):
        scenario_smaa([POOL])


def _cli(*args):
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "socval", *args], capture_output=True, text=True,
                          env=env)


def test_cli_optimise_json_and_out(tmp_path):
    out = tmp_path / "best.yaml"
    p = _cli("optimise", POOL, "--budget", "400000", "--draws", "500", "--json", "--out", str(out))
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["selected"] in brute_force(400e3)[0]
    assert data["cost"] <= 400e3
    assert out.exists()
    p = _cli("optimise", POOL, "--budget", "80000", "--draws", "500", "--candidates", "pilot", "outreach",
             "--objective", "cvar", "--alpha", "0.1")
    assert p.returncode == 0, p.stderr
    assert "outreach" in p.stdout


def test_cli_optimise_errors(tmp_path):
    p = _cli("optimise", POOL, "--budget", "100000", "--draws", "50", "--include", "town_jobs", "city_jobs")
    assert p.returncode == 2
    assert "socval optimise: error" in p.stderr
    p = _cli("optimise", str(tmp_path / "missing.yaml"), "--budget", "1")
    assert p.returncode == 2


def test_saturating_link_values_add_to_pool_but_understate_alone():
    # saturating.yaml: jobs a = 100, b = 60 (1000 GBP each); wellbeing = 100 (1 - exp(-jobs / 100)) x 1000 GBP.
    # Pool: 160k + 100k (1 - e^-1.6) = 239,810.35; a's attributed share 100/160 of the wellbeing:
    # 100k + 62.5k (1 - e^-1.6) = 149,881.47; a alone: 100k + 100k (1 - e^-1) = 163,212.06 (closed forms).
    import math
    ov = portfolio.option_values(str(DATA / "saturating.yaml"), draws=4)
    pool = 160e3 + 100e3 * (1 - math.exp(-1.6))
    np.testing.assert_allclose(ov.value.sum(1), pool, rtol=1e-12)
    np.testing.assert_allclose(ov.value[:, 0], 100e3 + 62.5e3 * (1 - math.exp(-1.6)), rtol=1e-12)
    alone = simulate(str(DATA / "saturating_a.yaml"), draws=4, progress=False).draws("pv_benefits")
    np.testing.assert_allclose(alone, 100e3 + 100e3 * (1 - math.exp(-1.0)), rtol=1e-12)
    assert np.all(ov.value[:, 0] < alone)  # the additive portfolio value is approximate (an underestimate)


def test_scenario_smaa_from_comparison_equals_from_files():
    from socval import compare
    files = [str(DATA / "clinic_only.yaml"), str(DATA / "jobs_only.yaml"), POOL]
    cmp = compare(files, draws=200, seed=7, progress=False)
    a = scenario_smaa(cmp, n_weights=3000, seed=7)
    b = scenario_smaa(files, draws=200, n_weights=3000, seed=7)
    np.testing.assert_array_equal(a.rank_acceptability.values, b.rank_acceptability.values)
    assert list(a.rank_acceptability.index) == list(cmp.names)
    c = scenario_smaa(list(cmp.results.values()), criteria="priorities", n_weights=3000, seed=7)
    assert c.criteria == ["good_work", "health", "net_zero"]


def test_west_of_england_portfolio_is_additive_on_common_random_numbers(tmp_path):
    # No saturating link in the West of England scenarios: the chosen scenario's simulated PV benefits equal the
    # sum of its options' attributed values in every draw (lags, links, drop-off and additionality included).
    base = Path(__file__).resolve().parents[2] / "scenarios" / "west-of-england" / "baseline.yaml"
    budget = portfolio.option_values(str(base), draws=300, seed=11).cost.mean(0).sum() / 2
    choice = portfolio.optimise(str(base), budget, draws=300, seed=11)
    ov = choice.values  # every candidate at scale 1 (the pool and scales are explicit, issue 18)
    assert choice.cost <= budget * (1 + 1e-9)
    out = choice.save(tmp_path / "woe-best.yaml")
    res = simulate(str(out), draws=300, seed=11, progress=False)
    idx = [ov.option_ids.index(i) for i in choice.selected]
    np.testing.assert_allclose(res.draws("pv_benefits"), ov.value[:, idx].sum(1), rtol=1e-9)
    np.testing.assert_allclose(res.draws("pv_costs"), ov.cost[:, idx].sum(1), rtol=1e-9)


def test_scenario_without_file_gives_self_contained_yaml(tmp_path):
    text = (DATA / "pool.yaml").read_text()
    core = _core.model.read_scenario_text(text, "in-memory pool", str(DATA), socval.values.default_library(), False)
    choice = portfolio.optimise(core, 180e3, draws=200)
    assert "extends" not in choice.yaml_text
    out = choice.save(tmp_path / "p.yaml")
    sc = _core.model.read_scenario(str(out), socval.values.default_library())
    assert [sc.options[f.option].id for f in sc.funded] == choice.selected


def test_optimise_accepts_a_socval_scenario():
    from socval.model.scenario import load_scenario
    sc = load_scenario(POOL)
    choice = portfolio.optimise(sc, 400e3, draws=300, seed=1)
    assert choice.selected in brute_force(400e3)[0]
    assert choice.scenario.funded_ids == choice.selected


def test_cli_compare_smaa_json():
    p = subprocess.run([sys.executable, "-m", "socval", "compare", str(DATA / "clinic_only.yaml"),
                        str(DATA / "jobs_only.yaml"), "--draws", "50", "--smaa", "--smaa-weights", "20000",
                        "--json", "--no-progress"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    sm = json.loads(p.stdout)["smaa"]
    assert sm["criteria"] == ["social", "economic", "environmental"]
    # 20000 weights: within 4 binomial standard errors of 4/7.
    assert sm["rank_acceptability"]["Clinic only"]["rank 1"] == pytest.approx(4 / 7, abs=4 * np.sqrt(12 / 49 / 20000))
