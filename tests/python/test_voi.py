"""socval.sensitivity.voi: EVPI and EVPPI against closed forms, the invariants on random cases, ranking, bad inputs.

Closed form for a normal incremental net benefit X ~ N(mu, sd^2) with a comparator of net benefit 0:
E max(0, X) - max(0, E X) = sd phi(mu/sd) + mu Phi(mu/sd) - max(mu, 0); mu = 1000, sd = 2000 gives 395.59 (issue 7).
"""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats

import socval
from socval.sensitivity import voi


def normal_voi(mu, sd):
    return sd * stats.norm.pdf(mu / sd) + mu * stats.norm.cdf(mu / sd) - max(mu, 0.0)


def qmc_normals(n, d, seed):
    """Low-noise standard normal draws: scrambled Sobol points through the normal ppf."""
    return stats.norm.ppf(socval._core.sensitivity.sobol_points(n, d, seed))


def test_evpi_normal_closed_form():
    assert normal_voi(1000, 2000) == pytest.approx(395.59, abs=0.005)
    n = 1 << 16
    nb = np.c_[np.zeros(n), 1000 + 2000 * qmc_normals(n, 1, 1)[:, 0]]
    assert voi.evpi(nb) == pytest.approx(395.59, rel=2e-3)
    assert voi.evpi(pd.DataFrame(nb)) == voi.evpi(nb)


def test_evppi_linear_two_normal_inputs_closed_form():
    # INB = 500 + 1500 t1 + 1000 t2, t1, t2 iid N(0, 1). E[INB | t1] = 500 + 1500 t1 ~ N(500, 1500^2), so
    # EVPPI(t1) = normal_voi(500, 1500) = 381.35 (the t2 term averages out given t1); EVPPI(t2) = normal_voi(500, 1000)
    # = 197.80; EVPPI(t1, t2) = EVPI = normal_voi(500, hypot(1500, 1000)) = 496.6.
    t = qmc_normals(8192, 2, 17)
    nb = np.c_[np.zeros(8192), 500 + 1500 * t[:, 0] + 1000 * t[:, 1]]
    e1, e2, e12 = voi.evppi(nb, t[:, 0]), voi.evppi(nb, t[:, 1]), voi.evppi(nb, t)
    for est, exact in [(e1, normal_voi(500, 1500)), (e2, normal_voi(500, 1000)),
                       (e12, normal_voi(500, np.hypot(1500, 1000)))]:
        assert est.evppi == pytest.approx(exact, rel=0.03)
        assert abs(est.evppi - exact) < 4 * est.se + 0.01 * exact
    assert e1.method == "spline" and e12.method == "tensor"
    assert float(e1) == e1.evppi


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 2**31), st.floats(-2, 2), st.floats(0.2, 3), st.integers(2, 4))
def test_evppi_invariants_on_random_cases(seed, shift, scale, options):
    # 0 <= EVPPI(S) and EVPPI <= EVPI hold exactly (Jensen, then clipping); EVPPI(S) <= EVPPI(S, T) holds exactly in
    # evppi_ranking (nested sets adjusted) and, for separate calls, up to the regression error.
    rng = np.random.default_rng(seed)
    n = 2000
    t = rng.normal(size=(n, 3))
    w = rng.normal(size=(options, 3)) * scale
    nb = shift * np.arange(options) + t @ w.T + 0.5 * np.sin(t[:, [0]] * t[:, [1]]) * rng.normal(size=options)
    full = voi.evpi(nb)
    s, st_, stu = voi.evppi(nb, t[:, 0], se_samples=50), voi.evppi(nb, t[:, :2], se_samples=50), \
        voi.evppi(nb, t, se_samples=50)
    for e in (s, st_, stu):
        assert 0 <= e.evppi <= full + 1e-12
        assert e.evpi == pytest.approx(full)
    assert s.evppi <= st_.evppi + 3 * np.hypot(s.se, st_.se) + 1e-9 * full
    assert st_.evppi <= stu.evppi + 3 * np.hypot(st_.se, stu.se) + 1e-9 * full
    ranking = voi.evppi_ranking(nb, {"s": t[:, 0], "st": t[:, :2], "stu": t}, se_samples=0)
    assert 0 <= ranking.loc["s", "evppi"] <= ranking.loc["st", "evppi"] <= ranking.loc["stu", "evppi"] <= full + 1e-12


def test_evppi_ranking_orders_parameters():
    t = qmc_normals(4096, 3, 2)
    nb = np.c_[np.zeros(4096), 200 + 1000 * t[:, 0] + 300 * t[:, 1] + 0 * t[:, 2]]
    r = voi.evppi_ranking(nb, {"deadweight": t[:, 1], "jobs": t[:, 0], "drop_off": t[:, 2]}, se_samples=50)
    assert list(r.index) == ["jobs", "deadweight", "drop_off"]
    assert list(r.columns) == ["evppi", "se", "share_of_evpi", "evpi", "method", "clipped", "adjusted"]
    assert r.loc["drop_off", "share_of_evpi"] < 0.05
    assert r.index.name == "parameter"


def test_evppi_reproducible():
    t = qmc_normals(1024, 1, 3)
    nb = np.c_[np.zeros(1024), t[:, 0] + 0.1]
    a, b = voi.evppi(nb, t, seed=4), voi.evppi(nb, t, seed=4)
    assert a.evppi == b.evppi and a.se == b.se
    assert np.isnan(voi.evppi(nb, t, se_samples=0).se)


@pytest.mark.parametrize("call, message", [
    (lambda nb, t: voi.evpi(nb[:, :1]), r"at least 2 options \(columns\), got 1"),
    (lambda nb, t: voi.evpi(nb[:, 0]), r"expected a 2-D array \(draws x options\), got shape \(500,\)"),
    (lambda nb, t: voi.evppi(nb, t[:100]), r"inputs: expected 500 rows \(one per draw of net_benefit\), got 100"),
    (lambda nb, t: voi.evppi(nb, t, method="gp"), r"method must be 'auto', 'spline', 'tensor' or 'additive'"),
    (lambda nb, t: voi.evppi(nb, np.c_[t, t], method="spline"), r"'spline' takes one input column, got 2"),
    (lambda nb, t: voi.evppi(nb[:30], t[:30]), r"30 draws are too few"),
    (lambda nb, t: voi.evppi(np.where(np.arange(500)[:, None] == 3, np.nan, nb), t),
     r"net_benefit\[3, 0\] is not finite"),
    (lambda nb, t: voi.evppi(nb, np.where(np.arange(500) == 9, np.inf, t)), r"inputs\[9, 0\] is not finite"),
    (lambda nb, t: voi.evppi(nb, t, segments=0), r"segments: expected None or >= 1"),
    (lambda nb, t: voi.evppi_ranking(nb, {}), r"non-empty mapping"),
    (lambda nb, t: voi.evppi_ranking(nb, {"a": t[:5]}), r"inputs_dict\['a'\]: expected 500 rows"),
])
def test_voi_bad_inputs(call, message):
    t = np.random.default_rng(0).normal(size=500)
    nb = np.c_[np.zeros(500), t]
    with pytest.raises(socval.SensitivityError, match=message):
        call(nb, t)
