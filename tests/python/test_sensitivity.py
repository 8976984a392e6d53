"""socval.sensitivity from Python: Sobol (Ishigami, G function), Morris, tornado, plots, and every bad input.

Expected values: Ishigami a = 7, b = 0.1 closed form (Ishigami & Homma 1990; Saltelli et al. 2008, The Primer,
p. 179) S1 = 0.3139, 0.4424, 0 and ST = 0.5576, 0.4424, 0.2437; Sobol G function closed form (Saltelli et al.
2010, Comput. Phys. Commun. 181:259-270, section 4): V_i = 1 / (3 (1 + a_i)^2), S_i = V_i / V,
ST_i = V_i prod_{j != i} (1 + V_j) / V, V = prod (1 + V_i) - 1.
"""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import scipy.stats as stats
from hypothesis import given, settings, strategies as st

import socval
from socval import sensitivity
from socval.plots import sensitivity as sensitivity_plots

ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def g_function(x, a):
    return np.prod((np.abs(4 * x - 2) + a) / (1 + a), axis=1)


@pytest.fixture(scope="module")
def ishigami_result():
    return sensitivity.sobol(ishigami, [(-np.pi, np.pi)] * 3, n=8192, seed=7, names=["x1", "x2", "x3"],
                             conf_level=0.99, n_bootstrap=500)


def test_ishigami_within_intervals(ishigami_result):
    r = ishigami_result
    assert np.all(np.abs(r.S1 - ISHIGAMI_S1) <= r.S1_conf)
    assert np.all(np.abs(r.ST - ISHIGAMI_ST) <= r.ST_conf)
    assert np.all(r.S1_conf < 0.05) and np.all(r.ST_conf < 0.05)
    assert r.evaluations == 8192 * 5


def test_sobol_result_frame_and_convergence(ishigami_result):
    df = ishigami_result.to_frame()
    assert list(df.columns) == ["S1", "S1_conf", "ST", "ST_conf"]
    assert list(df.index) == ["x1", "x2", "x3"]
    conv = ishigami_result.convergence
    assert sorted(conv["n"].unique()) == [1024, 2048, 4096, 8192]
    last = conv[conv["n"] == 8192].set_index("factor")
    np.testing.assert_array_equal(last.loc[["x1", "x2", "x3"], "ST"].to_numpy(), ishigami_result.ST)
    widths = conv.groupby("n")["ST_conf"].max()
    assert widths.iloc[-1] < widths.iloc[0]


def test_g_function_closed_form():
    a = np.array([0, 1, 4.5, 9, 99, 99])
    vi = 1 / (3 * (1 + a) ** 2)
    v = np.prod(1 + vi) - 1
    s1, st_ = vi / v, vi * np.prod(1 + vi) / (1 + vi) / v
    r = sensitivity.sobol(lambda x: g_function(x, a), [(0, 1)] * 6, n=8192, seed=3, conf_level=0.99,
                          n_bootstrap=300)
    assert np.all(np.abs(r.S1 - s1) <= r.S1_conf)
    assert np.all(np.abs(r.ST - st_) <= r.ST_conf)
    assert np.abs(r.S1 - s1).max() < 0.02


def test_distributions_are_mapped_through_ppf():
    # f = x0 + x1 with x0 ~ N(0, 2^2), x1 ~ U(0, 12) (variance 12): S1 = ST = 4/16 and 12/16.
    calls = []

    def f(x):
        calls.append(x.shape)
        return x[:, 0] + x[:, 1]

    r = sensitivity.sobol(f, [stats.norm(0, 2), stats.uniform(0, 12)], n=4096, seed=1, conf_level=0.99)
    assert len(calls) == 1 and calls[0] == (4096 * 4, 2)
    np.testing.assert_allclose(r.S1, [0.25, 0.75], atol=0.02)
    np.testing.assert_allclose(r.ST, [0.25, 0.75], atol=0.02)


def test_groups_and_second_order():
    # f = x0 + x1 + 2 x2 x3 on [0, 1]^4: V = 13/36, group {x2, x3} has S1 = ST = 7/13, S2(x2, x3) = 1/13.
    f = lambda x: x[:, 0] + x[:, 1] + 2 * x[:, 2] * x[:, 3]
    names = ["a", "b", "c", "d"]
    r = sensitivity.sobol(f, [(0, 1)] * 4, n=4096, seed=2, names=names, groups={"a": ["a"], "b": [1], "cd": ["c", "d"]},
                          conf_level=0.99)
    assert r.names == ["a", "b", "cd"] and r.groups["cd"] == ["c", "d"]
    assert abs(r.S1[2] - 7 / 13) <= r.S1_conf[2]
    r_labels = sensitivity.sobol(f, [(0, 1)] * 4, n=4096, seed=2, names=names, groups=["a", "b", "cd", "cd"],
                                 conf_level=0.99)
    np.testing.assert_array_equal(r_labels.S1, r.S1)
    r2 = sensitivity.sobol(f, [(0, 1)] * 4, n=4096, seed=2, second_order=True, conf_level=0.99)
    s2 = r2.s2_frame().set_index(["factor_i", "factor_j"])
    assert abs(s2.loc[("x2", "x3"), "S2"] - 1 / 13) <= s2.loc[("x2", "x3"), "S2_conf"]
    assert len(s2) == 6


def test_same_seed_same_result_whatever_the_threads():
    args = dict(n=1024, seed=11, n_bootstrap=200)
    one = sensitivity.sobol(ishigami, [(-np.pi, np.pi)] * 3, threads=1, **args)
    many = sensitivity.sobol(ishigami, [(-np.pi, np.pi)] * 3, threads=4, **args)
    np.testing.assert_array_equal(one.S1, many.S1)
    np.testing.assert_array_equal(one.ST_conf, many.ST_conf)
    pd.testing.assert_frame_equal(one.convergence, many.convergence)
    other = sensitivity.sobol(ishigami, [(-np.pi, np.pi)] * 3, threads=1, n=1024, seed=12, n_bootstrap=200)
    assert not np.array_equal(one.S1, other.S1)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=2, max_size=5), st.integers(0, 2**32))
def test_sobol_additive_model_indices_sum_to_one(coefs, seed):
    # For an additive model S1 = ST and the first-order indices sum to one (Sobol 2001).
    c = np.array(coefs)
    if np.sum(c ** 2) < 1e-6:
        return
    r = sensitivity.sobol(lambda x: x @ c, [(0, 1)] * len(c), n=512, seed=seed, n_bootstrap=0)
    assert abs(r.ST.sum() - 1) < 0.05
    np.testing.assert_allclose(r.ST, c ** 2 / np.sum(c ** 2), atol=0.05)


def test_morris_linear_function_is_exact():
    # f = sum c_i x_i with x_i ~ U(l_i, h_i): EE_i = c_i (h_i - l_i) per unit of the scaled input, sigma = 0.
    c = np.array([2.0, -1.0, 0.0, 10.0])
    lo, hi = np.array([0, 1, 2, -1.0]), np.array([1, 3, 5, 0.0])
    r = sensitivity.morris(lambda x: x @ c, list(zip(lo, hi)), trajectories=12, levels=6, seed=5,
                           names=list("abcd"))
    np.testing.assert_allclose(r.mu, c * (hi - lo), atol=1e-12)
    np.testing.assert_allclose(r.mu_star, np.abs(c * (hi - lo)), atol=1e-12)
    np.testing.assert_allclose(r.sigma, 0, atol=1e-12)
    assert list(r.to_frame().columns) == ["mu", "mu_star", "sigma"]
    assert r.effects.shape == (12, 4)


def test_morris_distribution_inputs_use_quantile_range():
    r = sensitivity.morris(lambda x: x[:, 0], [stats.norm(0, 1), (0, 1)], trajectories=4, levels=4,
                           quantile_range=(0.1, 0.9))
    assert np.all(np.isfinite(r.mu_star))
    assert r.mu_star[1] == 0


def test_tornado_sorted_by_swing():
    f = lambda x: 100 * x[:, 0] - 3 * x[:, 1] + x[:, 0] * x[:, 2]
    t = sensitivity.tornado(f, central=[1, 10, 2], low=[0.9, 0, 0], high=[1.1, 30, 4], names=["deadweight", "jobs", "drop_off"])
    assert list(t["input"]) == ["jobs", "deadweight", "drop_off"]  # swings 90, 20.4, 4
    assert t.attrs["base"] == pytest.approx(100 - 30 + 2)
    assert t.loc[0, "swing"] == pytest.approx(90)
    assert t.loc[0, "output_low"] == pytest.approx(100 + 2)


def test_plots_render_png(tmp_path, ishigami_result):
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    t = sensitivity.tornado(lambda x: x @ [1, -2, 3], [0, 0, 0], [-1, -1, -1], [1, 1, 1])
    rng = np.random.default_rng(0)
    th = rng.normal(size=(2000, 2))
    nb = np.c_[np.zeros(2000), 100 + 300 * th[:, 0] + 100 * th[:, 1]]
    ranking = socval.sensitivity.evppi_ranking(nb, {"a": th[:, 0], "b": th[:, 1]}, se_samples=20)
    for name, draw in [("tornado", lambda: sensitivity_plots.tornado_plot(t, output_label="NPSV (GBP)")),
                       ("sobol", lambda: sensitivity_plots.sobol_plot(ishigami_result)),
                       ("convergence", lambda: sensitivity_plots.convergence_plot(ishigami_result, index="S1")),
                       ("evppi", lambda: sensitivity_plots.evppi_plot(ranking))]:
        ax = draw()
        assert isinstance(ax, Axes)
        assert ax.get_xlabel() and ax.get_ylabel()
        path = tmp_path / f"{name}.png"
        ax.figure.savefig(path)
        plt.close(ax.figure)
        assert path.stat().st_size > 1000
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_bad_inputs(ishigami_result):
    with pytest.raises(socval.SensitivityError, match="index must be 'S1' or 'ST'"):
        sensitivity_plots.convergence_plot(ishigami_result, index="S2")
    with pytest.raises(socval.SensitivityError, match="must have columns"):
        sensitivity_plots.tornado_plot(pd.DataFrame({"x": [1]}))


@pytest.mark.parametrize("kwargs, message", [
    (dict(bounds=[(1, 1)]), r"bounds\[0\]: low must be < high, got \(1.0, 1.0\)"),
    (dict(bounds=[(0, 1), (3, 2)]), r"bounds\[1\]: low must be < high"),
    (dict(bounds=[(0, np.inf)]), r"bounds\[0\]: low and high must be finite"),
    (dict(bounds=["abc"]), r"bounds\[0\]: expected \(low, high\) or a distribution"),
    (dict(bounds=[]), r"bounds: expected a non-empty list"),
    (dict(n=1000), r"n must be a power of 2.*got n = 1000"),
    (dict(names=["a"]), r"names: expected 2 names \(one per input\), got 1"),
    (dict(names=["a", "a"]), r"names must be unique"),
    (dict(groups={"g": ["x0"]}), r"every input must be in a group; missing \['x1'\]"),
    (dict(groups={"g": ["x0", "x1"], "h": ["x1"]}), r"input 'x1' is in two groups"),
    (dict(groups={"g": ["zz"]}), r"unknown input 'zz'"),
    (dict(conf_level=1.0), r"conf_level: expected a value in \(0, 1\)"),
    (dict(threads=0), r"threads: expected None or a whole number >= 1"),
])
def test_sobol_bad_inputs(kwargs, message):
    args = dict(func=lambda x: x.sum(axis=1), bounds=[(0, 1), (0, 1)], n=64)
    args.update(kwargs)
    with pytest.raises(socval.SensitivityError, match=message):
        sensitivity.sobol(**args)


def test_model_output_problems():
    with pytest.raises(socval.SensitivityError, match=r"func: expected one output per row, shape \(256,\), got shape \(256, 2\)"):
        sensitivity.sobol(lambda x: x, [(0, 1), (0, 1)], n=64)
    with pytest.raises(socval.SensitivityError, match=r"output 3 \(block A, row 3\) is not finite: nan"):
        sensitivity.sobol(lambda x: np.where(np.arange(len(x)) == 3, np.nan, x[:, 0]), [(0, 1), (0, 1)], n=64)
    with pytest.raises(socval.SensitivityError, match="output is constant"):
        sensitivity.sobol(lambda x: np.ones(len(x)), [(0, 1), (0, 1)], n=64)
    with pytest.raises(socval.SensitivityError, match=r"levels must be even.*got 3"):
        sensitivity.morris(lambda x: x[:, 0], [(0, 1)], levels=3)
    with pytest.raises(socval.SensitivityError, match="output 2 is not finite"):
        sensitivity.morris(lambda x: np.where(np.arange(len(x)) == 2, np.nan, 0.0), [(0, 1)], trajectories=2)
    with pytest.raises(socval.SensitivityError, match="same length: got 2, 1, 2"):
        sensitivity.tornado(lambda x: x[:, 0], [0, 0], [1], [2, 2])
    with pytest.raises(socval.SensitivityError, match="quantile_range"):
        sensitivity.morris(lambda x: x[:, 0], [(0, 1)], quantile_range=(0.5, 0.2))
