"""Scenario discovery (socval.discovery): PRIM recovers a planted box in synthetic data (coverage and density
against the construction), quasi-p-values, pasting, CART, conditions over a run's and a comparison's draws, the
facade methods, the CLI, and typed errors (docs/model/discovery.md)."""
import json
from pathlib import Path

import numpy as np
import pytest

import socval
from socval import SensitivityError
from socval.cli.app import main as cli_main
from socval.discovery import cart, prim

ROOT = Path(__file__).resolve().parents[2]
LINEAR = ROOT / "tests" / "data" / "sensitivity" / "linear.yaml"
A = "options.training.outputs.learners.amount"
R = "options.training.costs[0].revenue"


def planted(n=4000, noise=0.0, seed=1):
    """Uniform inputs on [0, 1]^5; the condition holds inside x0 in [0.2, 0.6], x1 in [0.5, 1] (mass 0.2), and
    otherwise with probability ``noise``; inside, with probability 1 - noise."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 5))
    inside = (x[:, 0] >= 0.2) & (x[:, 0] <= 0.6) & (x[:, 1] >= 0.5)
    flip = rng.random(n) < noise
    return x, inside ^ flip, inside


def test_prim_recovers_a_planted_box_without_noise():
    x, y, inside = planted()
    res = prim(x, y, alpha=0.05)
    box = res.box(res.choose(min_coverage=0.9))
    lim = box.limits()
    assert list(lim.index) == ["x0", "x1"]  # only the planted inputs are restricted
    # limits within about one peeling step (alpha of the box's draws) of the construction
    assert lim.loc["x0", "low"] == pytest.approx(0.2, abs=0.03) and lim.loc["x0", "high"] == pytest.approx(0.6, abs=0.03)
    assert lim.loc["x1", "low"] == pytest.approx(0.5, abs=0.03) and lim.loc["x1", "max"] == lim.loc["x1", "high"]
    assert box.density == pytest.approx(1.0, abs=0.02) and box.coverage >= 0.9
    assert (lim["qp"] < 1e-10).all()
    t = res.trajectory  # the trade-off: coverage never rises and mass falls as the box is peeled
    assert (np.diff(t["coverage"]) <= 1e-12).all() and (np.diff(t["mass"]) < 0).all()
    assert t["density"].iloc[0] == pytest.approx(y.mean()) and t["coverage"].iloc[0] == 1.0


def test_prim_coverage_and_density_match_the_construction_with_noise():
    """With 10% label noise the planted box has density 0.9 and coverage 0.2*0.9 / (0.2*0.9 + 0.8*0.1) = 0.692;
    PRIM's box (chosen at coverage >= 0.6) matches within 4 binomial standard errors."""
    x, y, inside = planted(n=5000, noise=0.1, seed=2)
    res = prim(x, y)
    box = res.box(res.choose(min_coverage=0.6))
    want_density, want_coverage = 0.9, 0.18 / (0.18 + 0.08)
    se_d = np.sqrt(want_density * (1 - want_density) / box.n)
    se_c = np.sqrt(want_coverage * (1 - want_coverage) / y.sum())
    assert abs(box.density - want_density) < 4 * se_d + 0.01
    assert abs(box.coverage - want_coverage) < 4 * se_c + 0.03
    assert set(box.limits().index) >= {"x0", "x1"}
    # the restricted noise inputs (if any) are not significant; the planted ones are
    lim = box.limits()
    assert (lim.loc[["x0", "x1"], "qp"] < 1e-6).all()


def test_pasting_never_lowers_density_and_quasi_p_is_binomial():
    from scipy.stats import binom
    x, y, _ = planted(n=3000, noise=0.1, seed=3)
    res = prim(x, y)
    i = res.choose(min_coverage=0.5)
    raw, pasted = res.box(i, paste=False), res.box(i)
    assert pasted.density >= raw.density and pasted.mass >= raw.mass and pasted.pasted
    j = raw.names.index("x0")
    lower, upper = raw.lower.copy(), raw.upper.copy()
    lower[j], upper[j] = -np.inf, np.inf
    free = np.all((x >= lower) & (x <= upper), axis=1)
    assert raw.qp[j] == pytest.approx(binom.sf(raw.n_cases - 1, raw.n, y[free].mean()))


def test_cart_leaves_describe_the_planted_box():
    x, y, _ = planted()
    tree = cart(x, y, names=[f"x{j}" for j in range(5)], max_depth=3)
    top = tree.leaves.iloc[0]
    assert top["density"] > 0.95 and "x0" in top["rule"] and "x1" in top["rule"]
    assert tree.leaves["cases"].sum() == y.sum() and tree.leaves["coverage"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs, match", [
    (dict(alpha=0.6), "alpha"), (dict(objective="greedy"), "objective"), (dict(mass_min=0), "mass_min"),
])
def test_prim_errors(kwargs, match):
    x, y, _ = planted(n=200)
    with pytest.raises(SensitivityError, match=match):
        prim(x, y, **kwargs)
    with pytest.raises(SensitivityError, match="no draw"):
        prim(x, np.zeros(200, dtype=bool))
    with pytest.raises(SensitivityError, match="booleans"):
        prim(x, y.astype(int))


@pytest.fixture(scope="module")
def linear_run():
    return socval.simulate(str(LINEAR), draws=2000, seed=5, progress=False)


def test_results_discover_finds_the_low_npsv_region(linear_run):
    """NPSV = 100 a - r: NPSV < 500 is the region of low learners a and high revenue cost r."""
    d = linear_run.discover("npsv < 500")
    assert d.condition == "npsv < 500" and d.share == pytest.approx((linear_run.draws("npsv") < 500).mean())
    lim = d.limits()
    assert A in lim.index and lim.loc[A, "high"] < lim.loc[A, "max"]
    sampled = d.inputs[A].to_numpy()  # the inputs are the simulation's own draws
    npsv = 100 * sampled - d.inputs[R].to_numpy()
    assert np.allclose(npsv, linear_run.draws("npsv"))
    assert "holds in" in d.summary() and d.cart is not None
    with pytest.raises(SensitivityError, match="expected '<metric> <op> <number>'"):
        linear_run.discover("npsv is low")
    with pytest.raises(SensitivityError, match="unknown metric"):
        linear_run.discover("nosuch < 1")
    unknown = r"discover: parameters: unknown or fixed parameter ids \['nosuch'\]"
    with pytest.raises(SensitivityError, match=unknown):
        linear_run.discover("npsv < 500", parameters=["nosuch"])


def test_comparison_discover_loses_to(tmp_path):
    plus = tmp_path / "plus.yaml"
    text = LINEAR.read_text().replace("revenue: {dist: uniform, min: 1000, max: 2000}", "revenue: 1500")
    plus.write_text(text.replace("name: Linear sensitivity test", "name: fixed cost"))
    cmp = socval.compare([str(LINEAR), str(plus)], draws=1000, seed=3, progress=False)
    a, b = cmp.names
    d = cmp.discover(f"{a} loses to {b}")
    # a has revenue cost r ~ U(1000, 2000), b a fixed 1500: a loses exactly when r > 1500
    assert d.share == pytest.approx(np.mean(d.inputs[R] > 1500))
    lim = d.limits()
    assert list(lim.index) == [R] and lim.loc[R, "low"] == pytest.approx(1500, abs=30)
    with pytest.raises(SensitivityError, match="unknown scenario"):
        cmp.discover("nobody loses to baseline")


def test_cli_discover(capsys):
    assert cli_main(["discover", str(LINEAR), "--condition", "npsv < 500", "--draws", "1000", "--json",
                     "--no-progress"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["condition"] == "npsv < 500" and A in [r["input"] for r in out["box"]["limits"]]
    assert len(out["trajectory"]) >= 2
    assert cli_main(["discover", str(LINEAR), "--condition", "npsv < 500", "--draws", "1000",
                     "--no-progress"]) == 0
    assert "It is most likely when" in capsys.readouterr().out
    assert cli_main(["discover", str(LINEAR), "--condition", "bad", "--draws", "100", "--no-progress"]) == 2


def test_discovery_charts(linear_run):
    from matplotlib.figure import Figure
    from socval.plots.discovery import box_limits_plot, pairs_plot, tradeoff_plot
    d = linear_run.discover("npsv < 500", with_cart=False)
    for fig in (tradeoff_plot(d), box_limits_plot(d), pairs_plot(d)):
        assert isinstance(fig, Figure) and fig.axes


def test_chance_restrictions_are_dropped():
    """With label noise, peeling deep also restricts noise inputs; max_qp drops every restriction whose quasi-p-value
    exceeds it, keeping the planted ones."""
    x, y, _ = planted(n=2000, noise=0.15, seed=4)
    res = prim(x, y)
    deep = res.box(len(res.lowers) - 1, max_qp=0.01)
    lim = deep.limits()
    assert (lim["qp"] <= 0.01).all() and {"x0", "x1"} <= set(lim.index)


def test_report_section_when_asked(linear_run, tmp_path):
    d = linear_run.discover("npsv < 500", with_cart=False)
    html = linear_run.report(discovery=d)
    assert 'id="discovery"' in html and "Where it fails" in html and 'id="chart-discovery-tradeoff-1"' in html
    with pytest.raises(TypeError, match="Discovery"):
        linear_run.report(discovery="npsv < 0")
    out = tmp_path / "r.md"  # the CLI, in Markdown
    assert cli_main(["report", str(LINEAR), "--draws", "500", "--out", str(out), "--discover", "npsv < 500",
                     "--no-progress"]) == 0
    md = out.read_text()
    assert "## Where it fails: scenario discovery" in md and "quasi-p-value" in md
