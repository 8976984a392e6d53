"""Outcomes whose priority shares sum to 1 leave exactly nothing unallocated (docs/model/engine.md, allocation to
priorities): before, the rest was PV - sum(share x PV), which left round-off of +-5e-9 GBP per draw on West of
England and a spurious P(unallocated > 0) of 4%."""
from pathlib import Path

import numpy as np

import socval

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "west-of-england" / "baseline.yaml"


def test_shares_summing_to_one_leave_exactly_zero_unallocated():
    sc = socval.load_scenario(BASELINE)
    several = [o for o in sc.document["outcomes"] if len(o.get("priorities", {})) > 1]
    assert several and all(sum(o["priorities"].values()) == 1 for o in several)  # the case under test is present
    res = sc.simulate(draws=500, seed=3, progress=False)
    assert not np.any(res.draws("pillar.unallocated"))
    assert sc.evaluate().by_pillar.loc["unallocated", "value"] == 0


def test_a_partial_share_leaves_the_rest_unallocated():
    sc = socval.load_scenario(BASELINE)
    a0 = sc.evaluate()
    outcome = max((o for o in sc.document["outcomes"] if len(o.get("priorities", {})) == 1),
                  key=lambda o: abs(a0.totals.loc[o["id"], "pv"]))
    (priority,) = outcome["priorities"]
    a = sc.with_outcome(outcome["id"], priorities={priority: 0.25}).evaluate()
    pv = a.totals.loc[outcome["id"], "pv"]
    assert pv != 0
    assert a.by_pillar.loc["unallocated", "value"] == np.float64(0.75) * pv  # one product, no round-off
