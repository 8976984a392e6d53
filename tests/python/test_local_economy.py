"""LM3, share of spend kept locally and jobs for local people (socval.local_economy).

Known answers are computed by hand below each test (LM3 = (R1 + R2 + R3) / R1, nef "The Money Trail" 2002;
share kept locally = R2 / R1, as in the Lewisham social value report).
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import socval
from socval import _core
from socval.indicators.local_economy import LocalEconomy, lm3, local_economy, local_share


def test_lm3_hand_example():
    # A body spends GBP 100k (R1); GBP 60k goes to local suppliers and local staff (R2); they re-spend 40% of it
    # locally, GBP 24k (R3). LM3 = (100 + 60 + 24) / 100 = 1.84; share kept locally = 60 / 100 = 0.6.
    assert lm3(100_000, 60_000, 24_000) == pytest.approx(1.84, rel=1e-15)
    assert local_share(100_000, 60_000) == pytest.approx(0.6, rel=1e-15)


def test_lm3_bounds_by_hand():
    # Nothing local: (R1 + 0 + 0) / R1 = 1. Everything local twice: (R1 + R1 + R1) / R1 = 3.
    assert lm3(5.0, 0.0, 0.0) == 1.0
    assert lm3(5.0, 5.0, 5.0) == 3.0


def test_lm3_lewisham_style_share():
    # Lewisham 2023 report: 82% of spend kept in the London economy. With R1 = GBP 90.2m and R2 = GBP 73.964m,
    # R2 / R1 = 0.82 exactly (90.2 x 0.82 = 73.964); with a 50% round-3 re-spend, R3 = 36.982m and
    # LM3 = (90.2 + 73.964 + 36.982) / 90.2 = 201.146 / 90.2 = 2.23.
    assert local_share(90.2e6, 73.964e6) == pytest.approx(0.82, rel=1e-12)
    assert lm3(90.2e6, 73.964e6, 36.982e6) == pytest.approx(2.23, rel=1e-12)


def test_vectorised_over_draws_matches_a_plain_loop():
    rng = np.random.default_rng(7)
    r1 = rng.uniform(1e5, 1e6, 1000)
    r2 = r1 * rng.uniform(0, 1, 1000)
    r3 = r2 * rng.uniform(0, 1, 1000)
    got = lm3(r1, r2, r3)
    expected = np.array([(a + b + c) / a for a, b, c in zip(r1, r2, r3)])
    np.testing.assert_allclose(got, expected, rtol=1e-15)
    np.testing.assert_allclose(local_share(r1, r2), r2 / r1, rtol=1e-15)
    assert lm3(np.array([100.0]), 60.0, 24.0).shape == (1,)  # arrays broadcast, scalars stay scalars
    assert isinstance(lm3(100.0, 60.0, 24.0), float)


@settings(max_examples=200, deadline=None)
@given(r1=st.floats(1e-3, 1e12), s2=st.floats(0, 1), s3=st.floats(0, 1), c=st.floats(1e-3, 1e3))
def test_lm3_properties(r1, s2, s3, c):
    r2, r3 = r1 * s2, r1 * s2 * s3
    m = lm3(r1, r2, r3)
    assert 1.0 <= m <= 3.0 + 1e-12
    assert m == pytest.approx(1 + s2 + s2 * s3, rel=1e-12)  # LM3 = 1 + round-2 share + round-2 x round-3 share
    assert lm3(c * r1, c * r2, c * r3) == pytest.approx(m, rel=1e-12)  # a currency- and scale-free ratio


@pytest.mark.parametrize("args, message", [
    ((0.0, 0.0, 0.0), "round1: expected a spend > 0, found 0.0"),
    ((-5.0, 0.0, 0.0), "round1: expected a spend > 0"),
    ((100.0, -1.0, 0.0), "round2: expected a local spend >= 0"),
    ((100.0, 120.0, 0.0), "round2: expected local spend <= round1 (it is part of it), found round2 120.0 > round1 100.0"),
    ((100.0, 60.0, -1.0), "round3: expected a local re-spend >= 0"),
    ((100.0, 60.0, 61.0), "round3: expected local re-spend <= round2 (it is re-spent from it), found round3 61.0"),
    ((np.nan, 60.0, 10.0), "round1: expected finite amounts"),
    ((100.0, np.inf, 10.0), "round2: expected finite amounts"),
])
def test_bad_rounds_raise(args, message):
    with pytest.raises(socval.AppraisalError) as e:
        lm3(*args)
    assert message in str(e.value)


def test_bad_share_inputs_raise():
    with pytest.raises(socval.AppraisalError, match="round2: expected local spend <= round1"):
        local_share(np.array([100.0, 100.0]), np.array([50.0, 101.0]))


def test_local_economy_from_a_mapping_of_totals():
    # Hand example: R1 = 200, R2 = 120, R3 = 30, 7 jobs: LM3 = 350 / 200 = 1.75, share = 0.6.
    le = local_economy({"spend_round1": 200.0, "spend_round2_local": 120.0, "spend_round3_local": 30.0,
                        "jobs_for_local_people": 7.0})
    assert isinstance(le, LocalEconomy)
    assert le.lm3 == pytest.approx(1.75) and le.local_share == pytest.approx(0.6)
    assert le.local_spend == 120.0 and le.jobs_for_local_people == 7.0
    table = le.summary()
    assert table.loc["lm3", "mean"] == pytest.approx(1.75) and list(table.columns) == ["mean", "p5", "p50", "p95"]
    # No jobs outcome: NaN, not an error.
    le2 = local_economy({"spend_round1": 200.0, "spend_round2_local": 120.0, "spend_round3_local": 30.0})
    assert np.isnan(le2.jobs_for_local_people)


def test_local_economy_bad_sources():
    with pytest.raises(KeyError, match="outcome 'spend_round1' not found"):
        local_economy({"spend_round2_local": 1.0})
    with pytest.raises(TypeError, match="expected a socval.Results, a mapping"):
        local_economy(42)


GRAPH = """
metadata: {name: LM3 graph, price_base_year: 2024, horizon: 3}
priorities: [{id: local, pillar: economic}]
outcomes:
  - {id: spend_round1, unit: GBP, priorities: {local: 1}}
  - {id: spend_round2_local, unit: GBP, priorities: {local: 1}}
  - {id: spend_round3_local, unit: GBP, priorities: {local: 1}}
  - {id: jobs_for_local_people, unit: person, priorities: {local: 1}}
options:
  - id: programme
    lever: commissioning
    costs: [{year: 0, revenue: 1000000}, {year: 1, revenue: 500000}]
    outputs:
      spend_round1: {amount: 1, per: pound}
      spend_round2_local: {amount: 0.72, per: pound}
      jobs_for_local_people: 4
links:
  - {from: spend_round2_local, to: spend_round3_local, coefficient: 0.45}
scenario: {funded: [programme]}
"""


def test_lm3_through_the_scenario_graph(tmp_path):
    # The scenario expresses LM3 as outcomes: R1 = spend (1.5m over two years), R2 = 0.72 x R1 = 1.08m,
    # R3 = 0.45 x R2 = 0.486m; LM3 = (1.5 + 1.08 + 0.486) / 1.5 = 3.066 / 1.5 = 2.044; share 0.72;
    # jobs: 4 a year funded x 2 years = 8. Every number is fixed, so each draw equals the central case.
    from socval.engine.simulation import simulate
    path = tmp_path / "lm3.yaml"
    path.write_text(GRAPH)
    res = simulate(_core.model.read_scenario(str(path)), draws=4, seed=1, keep_outcomes=True, progress=False)
    le = local_economy(res)
    np.testing.assert_allclose(le.round1, 1.5e6, rtol=1e-12)
    np.testing.assert_allclose(le.round2, 1.08e6, rtol=1e-12)
    np.testing.assert_allclose(le.round3, 0.486e6, rtol=1e-12)
    np.testing.assert_allclose(le.lm3, 2.044, rtol=1e-12)
    np.testing.assert_allclose(le.local_share, 0.72, rtol=1e-12)
    np.testing.assert_allclose(le.jobs_for_local_people, 8.0, rtol=1e-12)
