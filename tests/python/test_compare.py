"""socval.compare: common random numbers, paired differences against numpy on the draws, P(better), P(best),
the variance reduction from pairing, the CLI's compare, and bad inputs. Scenarios: tests/data/simulation/
(variant.yaml and lean.yaml extend base.yaml, so they share its parameters)."""
from __future__ import annotations

import json
import subprocess
import sys
from itertools import permutations
from pathlib import Path

import numpy as np
import pytest

import socval
from socval import compare
from socval.engine.simulation import simulate

DATA = Path(__file__).resolve().parents[1] / "data" / "simulation"
FILES = [DATA / "base.yaml", DATA / "variant.yaml", DATA / "lean.yaml"]
NAMES = ["Simulation test baseline", "Simulation test variant", "Simulation test lean"]


@pytest.fixture(scope="module")
def cmp():
    return compare(FILES, draws=4000, seed=8, progress=False)


def test_each_scenario_is_its_own_simulation_with_the_same_seed(cmp):
    assert cmp.names == NAMES
    for f, n in zip(FILES, NAMES):
        alone = simulate(f, draws=4000, seed=8, progress=False)
        np.testing.assert_array_equal(cmp.results[n].draws("npsv"), alone.draws("npsv"))


def test_scenario_objects_work_like_files(cmp):
    from socval.model.scenario import load_scenario

    c = compare([load_scenario(f) for f in FILES], draws=4000, seed=8, progress=False)
    assert c.names == NAMES
    for n in NAMES:
        np.testing.assert_array_equal(c.results[n].draws("npsv"), cmp.results[n].draws("npsv"))


def test_shared_parameters_share_their_draws():
    a = simulate(FILES[0], draws=1000, seed=8, keep_inputs=True, progress=False)
    b = simulate(FILES[1], draws=1000, seed=8, keep_inputs=True, progress=False)
    ia, ib = a.to_xarray()["inputs"], b.to_xarray()["inputs"]
    shared = sorted(set(ia["parameter"].values) & set(ib["parameter"].values))
    assert len(shared) == 7  # every baseline parameter; the variant adds one
    for p in shared:
        np.testing.assert_array_equal(ia.sel(parameter=p).values, ib.sel(parameter=p).values)


def test_summary_paired_differences_against_numpy(cmp):
    s = cmp.summary()
    assert len(s) == 4 * 6  # 4 metrics x 6 ordered pairs
    for a, b in permutations(NAMES, 2):
        x, y = cmp.results[a].draws("npsv"), cmp.results[b].draws("npsv")
        d = x - y
        row = s.loc[("npsv", a, b)]
        assert row["difference"] == pytest.approx(d.mean(), rel=1e-12)
        assert row["sd"] == pytest.approx(d.std(ddof=1), rel=1e-12)
        assert row["p5"] == pytest.approx(np.quantile(d, 0.05))
        assert row["p95"] == pytest.approx(np.quantile(d, 0.95))
        half = 1.959963984540054 * d.std(ddof=1) / np.sqrt(d.size)
        assert row["mean low (95%)"] == pytest.approx(d.mean() - half)
        assert row["mean high (95%)"] == pytest.approx(d.mean() + half)
        assert row["P(A better)"] == np.mean(x > y)
        assert row["var independent"] == pytest.approx(x.var(ddof=1) + y.var(ddof=1))
        assert row["variance reduction"] == pytest.approx((x.var(ddof=1) + y.var(ddof=1)) / d.var(ddof=1))
    # Costs: lower is better.
    row = s.loc[("pv_costs", NAMES[2], NAMES[0])]
    assert row["P(A better)"] == np.mean(cmp.results[NAMES[2]].draws("pv_costs") < cmp.results[NAMES[0]].draws("pv_costs"))


def test_pairing_reduces_variance(cmp):
    # The variant shares every uncertain input of the baseline: the paired difference is far less noisy than the
    # difference of independent runs (var(A) + var(B)), and the empirical check with another seed agrees.
    s = cmp.summary().loc[("npsv", NAMES[1], NAMES[0])]
    assert s["variance reduction"] > 10
    a = cmp.results[NAMES[1]].draws("npsv")
    b_other_seed = simulate(FILES[0], draws=4000, seed=9, progress=False).draws("npsv")
    d = a - b_other_seed
    var_indep_empirical = np.var(d, ddof=1)
    # Same quantity from an independent sample: within 4 standard errors of a sample variance,
    # se = sqrt((m4 - (n - 3) / (n - 1) var^2) / n) (m4 the fourth central moment; Cramer 1946, 27.7).
    n, c = d.size, d - d.mean()
    se = np.sqrt((np.mean(c ** 4) - (n - 3) / (n - 1) * var_indep_empirical ** 2) / n)
    assert abs(var_indep_empirical - s["var independent"]) < 4 * se
    assert s["var paired"] < var_indep_empirical / 10


def test_p_best_sums_to_one_and_p_better_is_complementary(cmp):
    for m in cmp.metrics:
        p = cmp.p_best(m)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)
        assert list(p.index) == NAMES
    x = np.column_stack([cmp.results[n].draws("npsv") for n in NAMES])
    np.testing.assert_allclose(cmp.p_best("npsv").to_numpy(), np.bincount(x.argmax(axis=1), minlength=3) / len(x))
    g = cmp.p_better("npsv").to_numpy()
    # Continuous draws: no ties, so P(A > B) + P(B > A) = 1 off the diagonal.
    np.testing.assert_allclose(g + g.T, 1 - np.eye(3))
    t = cmp.scenarios()
    assert list(t.index) == NAMES and "P(best npsv)" in t.columns and "mean bcr" in t.columns


def test_bad_inputs():
    with pytest.raises(socval.DecisionError, match="at least 2 scenarios, found 1"):
        compare(FILES[:1], draws=10)
    with pytest.raises(socval.DecisionError, match="metrics"):
        compare(FILES[:2], draws=10, metrics=["npv"])
    with pytest.raises(socval.DecisionError, match="one per scenario"):
        compare(FILES[:2], draws=10, names=["a"])
    with pytest.raises(socval.DecisionError, match="distinct"):
        compare(FILES[:2], draws=10, names=["a", "a"])
    # The same file twice gets distinct names; identical draws: P(best) split evenly, no variance.
    c = compare([FILES[0], FILES[0]], draws=200, progress=False)
    assert c.names == [NAMES[0], NAMES[0] + " (2)"]
    np.testing.assert_allclose(c.p_best("npsv"), [0.5, 0.5])
    assert c.summary().loc[("npsv",) + tuple(c.names), "var paired"] == 0.0


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "socval", *args], capture_output=True, text=True,
                          timeout=120)


def test_cli_compare():
    p = _cli("compare", *map(str, FILES[:2]), "--draws", "500", "--seed", "3", "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["scenarios"] == NAMES[:2] and doc["draws"] == 500 and doc["seed"] == 3
    direct = compare(FILES[:2], draws=500, seed=3, progress=False)
    pair = next(r for r in doc["pairs"] if r["metric"] == "npsv" and r["A"] == NAMES[1])
    assert pair["difference"] == pytest.approx(direct.summary().loc[("npsv", NAMES[1], NAMES[0]), "difference"])
    assert sum(doc["per_scenario"][n]["P(best npsv)"] for n in NAMES[:2]) == pytest.approx(1.0)
    p = _cli("compare", *map(str, FILES[:2]), "--draws", "200")
    assert p.returncode == 0 and "variance reduction" in p.stdout
    p = _cli("compare", str(FILES[0]), "--draws", "10")
    assert p.returncode == 2 and "at least 2 scenarios" in p.stderr and "Traceback" not in p.stderr


def test_a_streaming_comparison_has_each_runs_means_and_refuses_what_needs_paired_draws(cmp, capsys, tmp_path):
    """keep_draws=False: scenarios() holds each scenario's streaming mean, bit for bit that of its own streaming
    run (and the kept draws' mean to rounding); P(best), P(better), the paired summary and fairness are refused
    with a SamplingError naming them; bcr (a ratio per draw) is refused up front; socval compare --streaming."""
    s = compare(FILES, draws=4000, seed=8, progress=False, keep_draws=False)
    assert s.streaming and not cmp.streaming
    table = s.scenarios()
    assert list(table.columns) == ["mean npsv", "mean pv_benefits", "mean pv_costs"]
    alone = simulate(FILES[1], draws=4000, seed=8, progress=False, keep_draws=False).summary()
    assert table.loc[NAMES[1], "mean npsv"] == alone.loc["npsv", "mean"]
    for n in NAMES:
        assert table.loc[n, "mean npsv"] == pytest.approx(cmp.results[n].draws("npsv").mean(), rel=1e-12)
    for call, what in ((s.p_best, "P\\(best\\)"), (s.p_better, "P\\(better\\)"), (s.summary, "paired differences"),
                       (s.fairness, "fairness"), (s.report, "report"), (lambda: s.plot, "charts"),
                       (lambda: s.discover("npsv < 0"), "discover"), (lambda: s.switching_value("x"), "switching")):
        with pytest.raises(socval.SamplingError, match=f"{what}.*keep_draws=False"):
            call()
    with pytest.raises(socval.DecisionError, match="'bcr' has no streaming summary"):
        compare(FILES[:2], draws=100, keep_draws=False, metrics=["npsv", "bcr"])
    openpyxl = pytest.importorskip("openpyxl")
    from socval.report.xlsx import write_xlsx

    assert openpyxl.load_workbook(write_xlsx(s, tmp_path / "s.xlsx")).sheetnames == ["Scenarios"]  # no pairs
    from socval.cli.app import main

    assert main(["compare", *map(str, FILES[:2]), "--draws", "300", "--streaming", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "mean npsv" in out and "no P(best) or paired differences" in out and "P(A better)" not in out
    assert main(["compare", *map(str, FILES[:2]), "--draws", "300", "--streaming", "--smaa", "--no-progress"]) == 2
    assert "--smaa" in capsys.readouterr().err
