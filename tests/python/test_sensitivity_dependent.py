"""Shapley effects and full / independent Sobol indices for dependent inputs (socval.sensitivity.dependent):
closed-form known answers for linear models with correlated Gaussian inputs (docs/model/sensitivity_dependent.md:
Owen and Prieur 2017; Iooss and Prieur 2019), reduction to the classical indices for independent inputs, keyed and
thread-invariant designs, errors, and the scenario level (correlations honoured instead of refused)."""
from itertools import combinations
from math import factorial
from pathlib import Path

import numpy as np
import pytest
import scipy.stats as st

import socval
from socval import SensitivityError
from socval.sensitivity import shapley, sobol, sobol_dependent
from socval.sensitivity.scenario import scenario_sensitivity

ROOT = Path(__file__).resolve().parents[2]
CORRELATED = str(ROOT / "tests" / "data" / "sensitivity" / "correlated.yaml")


# ---------------------------------------------------------------------------------------------------------------
# Closed forms for Y = b'X, X ~ N(0, Sigma)
# ---------------------------------------------------------------------------------------------------------------

def _cov(sd, r):
    sd = np.asarray(sd, float)
    return np.asarray(r, float) * np.outer(sd, sd)


def _cond_var(b, s, u):
    """E[Var(Y | X_-u)] = b_u' (S_uu - S_u,-u S_-u,-u^-1 S_-u,u) b_u."""
    u = list(u)
    if not u:
        return 0.0
    rest = [i for i in range(len(b)) if i not in u]
    s_uu = s[np.ix_(u, u)]
    if rest:
        s_ur = s[np.ix_(u, rest)]
        s_uu = s_uu - s_ur @ np.linalg.solve(s[np.ix_(rest, rest)], s_ur.T)
    bu = np.asarray(b, float)[u]
    return float(bu @ s_uu @ bu)


def shapley_exact(b, s):
    """Shapley effects by the subset formula with c(u) = E[Var(Y|X_-u)] (Owen and Prieur 2017)."""
    d = len(b)
    v = float(np.asarray(b) @ s @ np.asarray(b))
    sh = np.zeros(d)
    for i in range(d):
        others = [j for j in range(d) if j != i]
        for size in range(d):
            w = factorial(size) * factorial(d - size - 1) / factorial(d)
            for u in combinations(others, size):
                sh[i] += w * (_cond_var(b, s, u + (i,)) - _cond_var(b, s, u))
    return sh / v


def shapley_two(b1, b2, s1, s2, rho):
    """Iooss and Prieur (2019): two correlated Gaussian inputs."""
    v = b1**2 * s1**2 + 2 * rho * b1 * b2 * s1 * s2 + b2**2 * s2**2
    sh1 = (b1**2 * s1**2 * (1 - rho**2 / 2) + rho * b1 * b2 * s1 * s2 + b2**2 * s2**2 * rho**2 / 2) / v
    sh2 = (b2**2 * s2**2 * (1 - rho**2 / 2) + rho * b1 * b2 * s1 * s2 + b1**2 * s1**2 * rho**2 / 2) / v
    return np.array([sh1, sh2])


def shapley_three(b, sd, rho):
    """Iooss and Prieur (2019): X1 independent of (X2, X3), correlation rho between X2 and X3."""
    (b1, b2, b3), (s1, s2, s3) = b, sd
    v = b1**2 * s1**2 + b2**2 * s2**2 + 2 * rho * b2 * b3 * s2 * s3 + b3**2 * s3**2
    sh2 = (b2**2 * s2**2 * (1 - rho**2 / 2) + rho * b2 * b3 * s2 * s3 + b3**2 * s3**2 * rho**2 / 2) / v
    sh3 = (b3**2 * s3**2 * (1 - rho**2 / 2) + rho * b2 * b3 * s2 * s3 + b2**2 * s2**2 * rho**2 / 2) / v
    return np.array([b1**2 * s1**2 / v, sh2, sh3])


def full_ind_exact(b, s):
    """S_full = (S b)_i^2 / (S_ii V); S_ind = b_i^2 / ((S^-1)_ii V) (first order = total for a linear model)."""
    b = np.asarray(b, float)
    v = float(b @ s @ b)
    return (s @ b) ** 2 / np.diag(s) / v, b**2 / np.diag(np.linalg.inv(s)) / v


def _linear(b):
    b = np.asarray(b, float)
    return lambda x: x @ b


def _close(est, conf, exact, floor):
    """Within 4 bootstrap half-widths plus a Monte Carlo floor (the bootstrap half-width is itself an estimate)."""
    est, conf, exact = (np.asarray(a, float) for a in (est, conf, exact))
    assert np.all(np.isfinite(conf)), conf
    assert np.all(np.abs(est - exact) <= 4 * conf + floor), (est, exact, conf)


def test_closed_forms_agree():
    """The explicit 2- and 3-input formulas equal the general subset formula (so the tests below check both)."""
    for rho in (-0.8, 0.3, 0.7):
        s = _cov([1.0, 2.0], [[1, rho], [rho, 1]])
        assert np.allclose(shapley_two(1.5, -0.5, 1.0, 2.0, rho), shapley_exact([1.5, -0.5], s))
        r3 = np.eye(3)
        r3[1, 2] = r3[2, 1] = rho
        s3 = _cov([1.0, 1.0, 2.0], r3)
        assert np.allclose(shapley_three((1, 1, 1), (1, 1, 2), rho), shapley_exact([1, 1, 1], s3))


# ---------------------------------------------------------------------------------------------------------------
# Shapley effects
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rho", [-0.8, -0.5, 0.3, 0.7])
def test_shapley_two_inputs_exact_method(rho):
    b, sd = (1.5, -0.5), (1.0, 2.0)
    r = [[1, rho], [rho, 1]]
    res = shapley(_linear(b), [st.norm(0, sd[0]), st.norm(0, sd[1])], correlation=r, method="exact",
                  n_variance=4000, outer=1000, inner=3, seed=3, n_bootstrap=200)
    assert res.exact and res.evaluations == 4000 + 2 * 1000 * 3
    assert np.isclose(res.shapley.sum(), 1.0)
    _close(res.shapley, res.shapley_conf, shapley_two(*b, *sd, rho), 0.02)


@pytest.mark.parametrize("rho", [-0.5, 0.7])
def test_shapley_three_inputs_random_permutations(rho):
    b, sd = (1.0, 1.0, 1.0), (1.0, 1.0, 2.0)
    r = np.eye(3)
    r[1, 2] = r[2, 1] = rho
    res = shapley(_linear(b), [st.norm(0, s) for s in sd], correlation=r, method="random", permutations=1500,
                  n_variance=4000, seed=5, n_bootstrap=200)
    assert not res.exact and res.permutations == 1500 and res.evaluations == 4000 + 1500 * 2 * 3
    assert np.isclose(res.shapley.sum(), 1.0)
    _close(res.shapley, res.shapley_conf, shapley_three(b, sd, rho), 0.02)


def test_shapley_three_inputs_all_correlated_with_groups():
    """All pairs correlated (one negative), by the general formula; then X2 and X3 as one group equals the
    two-player game of X1 against (X2, X3)."""
    b, sd = np.array([2.0, -1.0, 1.0]), np.array([1.0, 1.5, 1.0])
    r = np.array([[1.0, 0.4, -0.3], [0.4, 1.0, 0.5], [-0.3, 0.5, 1.0]])
    s = _cov(sd, r)
    res = shapley(_linear(b), [st.norm(0, v) for v in sd], correlation=r, method="exact", n_variance=4000,
                  outer=1000, seed=7, n_bootstrap=200)
    _close(res.shapley, res.shapley_conf, shapley_exact(b, s), 0.02)
    grouped = shapley(_linear(b), [st.norm(0, v) for v in sd], correlation=r, method="exact", n_variance=4000,
                      outer=1000, seed=7, n_bootstrap=200, groups={"a": ["x0"], "rest": ["x1", "x2"]})
    v = float(b @ s @ b)
    want_a = 0.5 * (_cond_var(b, s, (0,)) + v - _cond_var(b, s, (1, 2))) / v
    assert grouped.names == ["a", "rest"] and grouped.groups == {"a": ["x0"], "rest": ["x1", "x2"]}
    _close(grouped.shapley, grouped.shapley_conf, [want_a, 1 - want_a], 0.02)


def test_shapley_is_keyed_and_thread_invariant():
    r = [[1, 0.5, 0], [0.5, 1, 0.2], [0, 0.2, 1]]
    f = _linear([1.0, 2.0, 3.0])
    args = dict(correlation=r, method="random", permutations=50, n_variance=256, seed=11, n_bootstrap=50)
    one = shapley(f, [(0, 1)] * 3, threads=1, **args)
    two = shapley(f, [(0, 1)] * 3, threads=2, **args)
    assert np.array_equal(one.shapley, two.shapley) and np.array_equal(one.shapley_conf, two.shapley_conf)
    other = shapley(f, [(0, 1)] * 3, **{**args, "seed": 12})
    assert not np.array_equal(one.shapley, other.shapley)
    dep = dict(correlation=r, n=128, seed=11, n_bootstrap=50)
    a, b = sobol_dependent(f, [(0, 1)] * 3, threads=1, **dep), sobol_dependent(f, [(0, 1)] * 3, threads=2, **dep)
    assert np.array_equal(a.to_frame().to_numpy(), b.to_frame().to_numpy(), equal_nan=True)


# ---------------------------------------------------------------------------------------------------------------
# Full and independent Sobol indices
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rho", [-0.8, -0.5, 0.3, 0.7])
def test_full_and_independent_indices_two_inputs(rho):
    b, sd = np.array([1.5, -0.5]), np.array([1.0, 2.0])
    r = [[1, rho], [rho, 1]]
    res = sobol_dependent(_linear(b), [st.norm(0, v) for v in sd], correlation=r, n=2048, seed=2,
                          n_bootstrap=200)
    full, ind = full_ind_exact(b, _cov(sd, r))
    _close(res.S_full, res.S_full_conf, full, 0.02)
    _close(res.ST_full, res.ST_full_conf, full, 0.02)
    _close(res.S_ind, res.S_ind_conf, ind, 0.02)
    _close(res.ST_ind, res.ST_ind_conf, ind, 0.02)
    assert np.array_equal(res.S1, res.S_full) and np.array_equal(res.ST, res.ST_ind)
    assert "Mara and Tarantola" in res.method and res.evaluations == 2048 * 6


def test_full_and_independent_indices_three_inputs_with_a_group():
    b, sd = np.array([2.0, -1.0, 1.0]), np.array([1.0, 1.5, 1.0])
    r = np.array([[1.0, 0.4, -0.3], [0.4, 1.0, 0.5], [-0.3, 0.5, 1.0]])
    s = _cov(sd, r)
    res = sobol_dependent(_linear(b), [st.norm(0, v) for v in sd], correlation=r, n=2048, seed=4, n_bootstrap=200)
    full, ind = full_ind_exact(b, s)
    _close(res.S_full, res.S_full_conf, full, 0.02)
    _close(res.ST_ind, res.ST_ind_conf, ind, 0.02)
    # a group g = (x1, x2): S_full = Var(E[Y|X_g]) / V = (V - E[Var(Y|X_g)]) / V, with E[Var(Y|X_g)] = c({x0}).
    g = sobol_dependent(_linear(b), [st.norm(0, v) for v in sd], correlation=r, n=2048, seed=4, n_bootstrap=200,
                        groups=["a", "g", "g"])
    v = float(b @ s @ b)
    _close(g.S_full[1], g.S_full_conf[1], 1 - _cond_var(b, s, (0,)) / v, 0.02)
    _close(g.ST_ind[1], g.ST_ind_conf[1], _cond_var(b, s, (1, 2)) / v, 0.02)


def test_independent_inputs_reduce_to_sobol():
    """R = I: both per-factor blocks are Saltelli's A_B^(g): the same numbers as sobol() on the same seed, for a
    non-linear model (Ishigami) too; and Shapley effects of an additive model are its first-order indices."""
    def ishigami(x):
        return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    bounds = [(-np.pi, np.pi)] * 3
    classic = sobol(ishigami, bounds, n=512, seed=9, n_bootstrap=0)
    dep = sobol_dependent(ishigami, bounds, n=512, seed=9, n_bootstrap=0)
    for a in (dep.S_full, dep.S_ind):
        assert np.allclose(a, classic.S1, atol=1e-9)
    for a in (dep.ST_full, dep.ST_ind):
        assert np.allclose(a, classic.ST, atol=1e-9)
    b, sd = np.array([1.0, 2.0, 0.5]), np.array([1.0, 0.5, 2.0])
    res = shapley(_linear(b), [st.norm(0, v) for v in sd], method="exact", n_variance=4000, outer=1000, seed=1,
                  n_bootstrap=200)
    _close(res.shapley, res.shapley_conf, (b * sd) ** 2 / np.sum((b * sd) ** 2), 0.02)


def test_rank_correlation_is_converted_as_the_engine_does():
    from socval.sensitivity import copula_correlation
    r = copula_correlation(2, rank_correlation=[[1, 0.5], [0.5, 1]])
    assert np.isclose(r[0, 1], 2 * np.sin(np.pi * 0.5 / 6))


@pytest.mark.parametrize("kwargs, match", [
    (dict(correlation=[[1, 0.5], [0.4, 1]]), "not symmetric"),
    (dict(correlation=[[1, 2], [2, 1]]), "outside"),
    (dict(correlation=[[1, 0.5, 0], [0.5, 1, 0], [0, 0, 1]]), "2 x 2"),
    (dict(correlation=[[1, 0.5], [0.5, 1]], rank_correlation=[[1, 0.5], [0.5, 1]]), "not both"),
    (dict(inner=1), "inner must be >= 2"),
    (dict(method="exhaustive"), "method"),
])
def test_errors_are_typed_and_say_what(kwargs, match):
    with pytest.raises(SensitivityError, match=match):
        shapley(_linear([1, 1]), [(0, 1), (0, 1)], **kwargs)


def test_non_finite_output_is_refused():
    with pytest.raises(SensitivityError, match="not finite"):
        sobol_dependent(lambda x: np.where(x[:, 0] > 0.5, np.nan, x[:, 0]), [(0, 1), (0, 1)], correlation=[[1, 0.3], [0.3, 1]], n=64)


# ---------------------------------------------------------------------------------------------------------------
# Scenario level
# ---------------------------------------------------------------------------------------------------------------

def test_scenario_with_correlations_gets_dependent_indices():
    sobol_res = scenario_sensitivity(CORRELATED, method="sobol", n=256, n_bootstrap=100)
    assert isinstance(sobol_res, socval.sensitivity.DependentSobolResult)
    assert "Gaussian copula" in sobol_res.method
    sh = scenario_sensitivity(CORRELATED, method="shapley", n=128, n_variance=512, n_bootstrap=100)
    assert np.isclose(sh.shapley.sum(), 1.0) and np.all(sh.shapley > -0.05)
    assert sh.names == sobol_res.names and "Shapley" in sh.method
    with pytest.raises(SensitivityError, match="method='shapley'"):
        scenario_sensitivity(CORRELATED, method="morris", n=4)


def test_scenario_level_is_the_array_level_on_the_scenario_copula():
    """tests/data/sensitivity/correlated.yaml: NPSV = 100 a - r, a ~ U(10, 30), r ~ U(1000, 2000), Spearman 0.5.
    The engine's evaluation of the same design gives the same indices as the array-level functions on that model
    with the same rank correlation (so the scenario's copula is the one honoured)."""
    def npsv(u):  # columns in the scenario's parameter order: revenue, then learners
        return 100 * (10 + 20 * u[:, 1]) - (1000 + 1000 * u[:, 0])
    rank = [[1, 0.5], [0.5, 1]]
    at_scenario = scenario_sensitivity(CORRELATED, method="shapley", n=64, n_variance=256, n_bootstrap=20, seed=4)
    assert at_scenario.names == ["options.training.costs[0].revenue", "options.training.outputs.learners.amount"]
    at_array = shapley(npsv, [(0, 1), (0, 1)], rank_correlation=rank, method="exact", outer=64, n_variance=256,
                       n_bootstrap=20, seed=4)
    assert np.allclose(at_scenario.shapley, at_array.shapley, rtol=1e-9, atol=1e-12)
    assert np.allclose(at_scenario.shapley_conf, at_array.shapley_conf, rtol=1e-9, atol=1e-12)
    at_scenario = scenario_sensitivity(CORRELATED, method="sobol", n=128, n_bootstrap=20, seed=4)
    at_array = sobol_dependent(npsv, [(0, 1), (0, 1)], rank_correlation=rank, n=128, n_bootstrap=20, seed=4)
    for name in ("S_full", "ST_full", "S_ind", "ST_ind", "S_ind_conf"):
        assert np.allclose(getattr(at_scenario, name), getattr(at_array, name), rtol=1e-9, atol=1e-12)
