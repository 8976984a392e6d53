"""socval._core.sampling through the bindings: distributions as numpy arrays, keyed-stream invariances, LHS
strata, copula correlations, and errors mapped to socval.SamplingError."""
import numpy as np
import pytest
import scipy.stats as st

import socval
from socval._core import sampling as s


def test_distribution_from_dict_and_describe():
    d = s.Distribution("pert", {"min": 1, "mode": 2, "max": 4})
    assert d.kind == "pert"
    assert d.describe() == "pert(min=1, mode=2, max=4, lambda=4)"
    assert d.params == {"min": 1.0, "mode": 2.0, "max": 4.0, "lambda": 4.0}
    assert d.central() == pytest.approx(13 / 6, rel=1e-15)  # (a + 4m + b) / 6
    disc = s.Distribution("discrete", values=[2, 1], probabilities=[0.4, 0.6])
    assert disc.values == [1.0, 2.0]


def test_quantiles_match_scipy_on_arrays():
    u = np.linspace(0.001, 0.999, 101)
    cases = [
        (s.Distribution("triangular", {"min": 1, "mode": 2, "max": 4}), st.triang(c=1 / 3, loc=1, scale=3), 1e-13),
        (s.Distribution("pert", {"min": 1, "mode": 2, "max": 4}), st.beta(7 / 3, 11 / 3, loc=1, scale=3), 1e-9),
        (s.Distribution("normal", {"mean": 10, "sd": 2}), st.norm(10, 2), 1e-13),
        (s.Distribution("lognormal", {"median": 10, "p95": 25}),
         st.lognorm(s=np.log(2.5) / st.norm.ppf(0.95), scale=10), 1e-12),
        (s.Distribution("truncated_normal", {"mean": 1, "sd": 2, "min": 0, "max": 5}),
         st.truncnorm(-0.5, 2, loc=1, scale=2), 1e-11),
        (s.Distribution("beta", {"alpha": 0.5, "beta": 2}), st.beta(0.5, 2), 1e-11),
    ]
    for d, ref, rel in cases:
        np.testing.assert_allclose(d.quantile(u), ref.ppf(u), rtol=rel, err_msg=d.describe())
        np.testing.assert_allclose(d.cdf(ref.ppf(u)), u, atol=1e-9, err_msg=d.describe())
        assert d.mean() == pytest.approx(ref.mean(), rel=1e-12)
        assert d.sd() == pytest.approx(ref.std(), rel=1e-9)


def test_sample_is_keyed_by_seed_id_and_draw():
    d = s.Distribution("normal", {"mean": 0, "sd": 1})
    full = s.sample(d, 42, "jobs", 10_000)
    assert full.shape == (10_000,)
    np.testing.assert_array_equal(s.sample(d, 42, "jobs", 5_000), full[:5_000])  # N / 2N prefix
    np.testing.assert_array_equal(s.sample(d, 42, "jobs", 10, start=123), full[123:133])  # any chunking
    assert not np.array_equal(s.sample(d, 42, "wage", 10_000), full)
    assert not np.array_equal(s.sample(d, 43, "jobs", 10_000), full)
    # Sample moments within 5 standard errors.
    assert abs(full.mean()) < 5 / np.sqrt(full.size)
    u = s.uniforms(42, "jobs", 4)
    assert np.all((u > 0) & (u < 1))
    assert s.stream_uniform(42, "jobs", 3) == u[3]


def test_philox_matches_numpy():
    key = [42, s.stable_hash("jobs")]
    g = np.random.Philox(key=np.array(key, dtype=np.uint64), counter=np.zeros(4, dtype=np.uint64))
    expected = g.random_raw(4)  # numpy increments the counter first: this is counter (1, 0, 0, 0)
    assert s.philox4x64([1, 0, 0, 0], key) == [int(v) for v in expected]


def test_lhs_strata_each_hit_once():
    n = 10_000
    u = s.uniforms(7, "cost", n, sampler="lhs")
    strata = np.floor(u * n).astype(np.int64)
    assert np.array_equal(np.sort(strata), np.arange(n))
    perm = s.lhs_permutation(7, "cost", n)
    np.testing.assert_array_equal(perm, strata)


def test_copula_rank_correlations():
    n = 100_000
    ids = ["a", "b"]
    u = np.column_stack([s.uniforms(5, i, n) for i in ids])
    c = s.GaussianCopula(ids, np.array([[1.0, 0.7], [0.7, 1.0]]))
    v = c.correlate(u)
    rho = st.spearmanr(v[:, 0], v[:, 1]).correlation
    assert abs(rho - 0.7) < 5 / np.sqrt(n)  # 5 SE of a sample Spearman correlation
    assert c.pearson[0, 1] == pytest.approx(2 * np.sin(np.pi * 0.7 / 6), rel=1e-14)


def test_errors_are_sampling_errors():
    with pytest.raises(socval.SamplingError, match=r"expected min <= mode <= max, found min=1, mode=5, max=4"):
        s.Distribution("triangular", {"min": 1, "mode": 5, "max": 4})
    with pytest.raises(socval.SamplingError, match="unknown parameter 'mode'"):
        s.Distribution("uniform", {"min": 1, "max": 2, "mode": 1.5})
    with pytest.raises(socval.SamplingError, match="smallest eigenvalue -0.8"):
        s.GaussianCopula(["a", "b", "c"], np.array([[1, .9, .9], [.9, 1, -.9], [.9, -.9, 1]]))
    with pytest.raises(socval.SamplingError, match="sampler"):
        s.uniforms(1, "a", 3, sampler="sobol")
    with pytest.raises(socval.SamplingError):
        s.uniforms(1, "a", 10, sampler="lhs", n_total=5)
