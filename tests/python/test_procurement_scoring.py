"""Known answers for scoring a tender (docs/model/procurement.md, sections 1 and 2): a three-bid tender scored by
hand (price formula, quality averaged across evaluators, weights) and the price formulas."""
from __future__ import annotations

import numpy as np
import pytest

import socval as sv
from _procurement_cases import bid, tender_dict, to_yaml

# Scored by hand (the formulas of docs/model/procurement.md section 1):
#   price relative to lowest, 100 x 80,000 / price: A 80, B 100, C 64
#   quality, q1 (weight 0.6) and q2 (0.4), mean of evaluators:
#     A: q1 (60+80)/2 = 70, q2 (40+60+80)/3 = 60           -> 0.6 x 70 + 0.4 x 60       = 66
#     B: q1 40, q2 60                                       -> 24 + 24                   = 48
#     C: q1 90, q2 (80+80+100)/3 = 86.667                   -> 54 + 34.667               = 88.667
#   social value (one subcriterion, one evaluator): A 50, B 70, C 30
#   total = 0.5 price + 0.35 quality + 0.15 social value:
#     A 40 + 23.1 + 7.5 = 70.6;  B 50 + 16.8 + 10.5 = 77.3;  C 32 + 31.0333 + 4.5 = 67.5333
#   ranking B, A, C
HAND = {"A": (80.0, 66.0, 50.0, 70.6), "B": (100.0, 48.0, 70.0, 77.3), "C": (64.0, 88.0 + 2 / 3, 30.0, 67.5 + 1 / 30)}
QUALITY = {"q1": {"weight": 0.6}, "q2": {"weight": 0.4}}


def three_bids():
    return [bid("A", 100000, {"q1": [60, 80], "q2": [40, 60, 80]}, {"s1": [50]}),
            bid("B", 80000, {"q1": [40, 40], "q2": [60, 60, 60]}, {"s1": [70]}),
            bid("C", 125000, {"q1": [100, 80], "q2": [80, 80, 100]}, {"s1": [30]})]


@pytest.fixture(scope="module")
def hand_scored():
    t = sv.procurement.tender_from_yaml(to_yaml(tender_dict(three_bids(), quality=QUALITY)))
    return sv.procurement.evaluate_tender(t, draws=200, seed=1)


def test_three_bid_tender_matches_the_hand_scores(hand_scored):
    s = hand_scored.scores
    for b, (price, quality, social, total) in HAND.items():
        assert s.loc[b, "price"] == pytest.approx(price, abs=1e-12)
        assert s.loc[b, "quality"] == pytest.approx(quality, abs=1e-12)
        assert s.loc[b, "social_value"] == pytest.approx(social, abs=1e-12)
        assert s.loc[b, "total"] == pytest.approx(total, abs=1e-12)
    assert list(s.sort_values("rank").index) == ["B", "A", "C"]
    assert hand_scored.winner == "B"
    assert s["rank"].to_dict() == {"A": 2, "B": 1, "C": 3}


def test_weighted_parts_add_up_to_the_total(hand_scored):
    s = hand_scored.scores
    parts = s["price_weighted"] + s["quality_weighted"] + s["social_value_weighted"]
    np.testing.assert_allclose(parts, s["total"], rtol=0, atol=1e-12)


def test_price_relative_to_budget():
    # 100 x clip(1 - (price - budget) / budget, 0, 1) with budget 100,000:
    # 100,000 -> 100; 80,000 -> 100 (at or under the budget); 125,000 -> 75; 250,000 -> 0
    bids = three_bids() + [bid("D", 250000, {"q1": [50], "q2": [50]})]
    t = sv.procurement.tender_from_yaml(to_yaml(tender_dict(bids, quality=QUALITY, formula="relative_to_budget",
                                                            budget=100000)))
    ev = sv.procurement.evaluate_tender(t, draws=10, seed=0)
    np.testing.assert_allclose(ev.scores["price"].to_numpy(), [100.0, 100.0, 75.0, 0.0], rtol=0, atol=1e-12)


def test_price_relative_to_lowest_is_the_ratio():
    from socval.procurement.scoring import price_scores
    t = sv.procurement.tender_from_yaml(to_yaml(tender_dict(three_bids(), quality=QUALITY)))
    p = price_scores(np.array([2.0, 4.0, 8.0]), t.criteria["price"])
    np.testing.assert_allclose(p, [100.0, 50.0, 25.0])


def test_scale_levels_are_enforced():
    d = tender_dict(three_bids(), quality=QUALITY)
    d["tender"]["scale"] = {"levels": [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]}
    d["tender"]["bids"][1]["social_value"]["s1"] = [75]
    with pytest.raises(sv.procurement.TenderError, match=r"bids\[1\]\.social_value\.s1\[0\]: expected a score on "
                                                         r"the tender's scale"):
        sv.procurement.tender_from_yaml(to_yaml(d))
