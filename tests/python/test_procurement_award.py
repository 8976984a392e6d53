"""Known answers for valuing commitments and awarding under uncertainty (docs/model/procurement.md, sections 3-7):
the expected value of commitments that may not be delivered (E[V] = sum p_i v_i), P(win) of two bids against its
closed forms (Bernoulli delivery; Normal evaluator spread), the switching weight of a linear score, and keyed
streams (the same results whatever order the bids are listed in)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import socval as sv
from _procurement_cases import bid, tender_dict, to_yaml
from socval.procurement.award import switching_weight


def _tender(d):
    return sv.procurement.tender_from_yaml(to_yaml(d))


def _commitment(cid, quantity, deliverability, measure="m", **extra):
    return {"id": cid, "measure": measure, "quantity": quantity, "deliverability": deliverability, **extra}


# ---- deliverability: E[value] = sum_i p_i v_i ----------------------------------------------------------------

def test_expected_value_is_the_sum_of_delivery_probabilities_times_values():
    # measure m: GBP 1,000 per unit, 2024 prices = the contract's price base, one year (year 0: discount factor 1),
    # no additionality; so v_i = 1,000 x quantity: 10,000 (p 0.3), 5,000 (Beta(2, 6), mean 0.25), 2,000 (p 1)
    # E[V] = 0.3 x 10,000 + 0.25 x 5,000 + 1 x 2,000 = 6,250
    commitments = [_commitment("c1", 10, {"probability": 0.3}), _commitment("c2", 5, {"beta": [2, 6]}),
                   _commitment("c3", 2, {"probability": 1.0})]
    t = _tender(tender_dict([bid("A", 100, commitments=commitments), bid("B", 100)]))
    n = 200_000
    ev = sv.procurement.evaluate_tender(t, draws=n, seed=3, n_weights=1000)
    assert ev.social_value.loc["A", "promised_pv"] == pytest.approx(17_000.0, abs=1e-9)
    assert ev.social_value.loc["A", "expected_pv"] == pytest.approx(6_250.0, abs=1e-9)
    # Monte Carlo mean: sd = sqrt(10,000^2 x 0.21 + 5,000^2 x Var Beta(2, 6)), Var Beta = ab / ((a+b)^2 (a+b+1))
    sd = math.sqrt(1e8 * 0.21 + 25e6 * 12 / (64 * 9))
    assert abs(ev.social_value.loc["A", "mean_draws"] - 6_250.0) < 4 * sd / math.sqrt(n)
    assert ev.social_value.loc["B", "expected_pv"] == 0.0


def test_commitment_value_applies_additionality_and_green_book_discounting():
    # 3 years, quantity 4, GBP 1,000, deadweight 0.2 and displacement 0.1 (net 0.72), discounted at 3.5 % (Green
    # Book standard STPR, years 0-2): PV = 4 x 1,000 x 0.72 x (1 + 1/1.035 + 1/1.035^2)
    measures = {"m": {"description": "d", "unit": "u", "theme": "t", "additionality": {"deadweight": 0.2},
                      "value": {"gbp": 1000, "price_base_year": 2024, "source": "test"}}}
    c = _commitment("c1", 4, {"probability": 0.5}, additionality={"displacement": 0.1})
    t = _tender(tender_dict([bid("A", 100, commitments=[c]), bid("B", 100)], measures=measures, duration=3))
    ev = sv.procurement.evaluate_tender(t, draws=100, seed=0)
    pv = 4 * 1000 * 0.8 * 0.9 * (1 + 1 / 1.035 + 1 / 1.035 ** 2)
    row = ev.commitments.iloc[0]
    assert row["additionality"] == pytest.approx(0.72, abs=1e-12)
    assert row["pv"] == pytest.approx(pv, rel=1e-12)
    assert row["expected_pv"] == pytest.approx(0.5 * pv, rel=1e-12)


# ---- P(win) of two bids against its closed form ----------------------------------------------------------------

def test_p_win_with_uncertain_delivery_equals_the_delivery_probability():
    # Same price, quality and statements; social value scored wholly on the commitments (share 1), relative to the
    # best bid. A commits 10 units delivered with p = 0.3; B commits 4 units, always delivered. A delivers:
    # A 100, B 40 -> A wins; A fails: A 0, B 100 -> B wins. So P(A wins) = 0.3 exactly.
    p, n = 0.3, 100_000
    t = _tender(tender_dict([bid("A", 100, commitments=[_commitment("a", 10, {"probability": p})]),
                             bid("B", 100, commitments=[_commitment("b", 4, {"probability": 1.0})])],
                            commitments_share=1.0))
    ev = sv.procurement.evaluate_tender(t, draws=n, seed=11, n_weights=1000)
    assert abs(ev.p_win["A"] - p) < 4 * math.sqrt(p * (1 - p) / n)
    assert ev.p_win["A"] + ev.p_win["B"] == pytest.approx(1.0, abs=1e-12)


def test_p_win_with_evaluator_spread_matches_the_normal_closed_form():
    # Quality only differs. A's evaluators [70, 80, 90]: mean 80, sd 10, standard error 10/sqrt(3); B's
    # [70, 75, 80]: mean 75, sd 5, se 5/sqrt(3). Drawn panel means are Normal, so
    # P(A wins) = Phi((80 - 75) / sqrt(100/3 + 25/3)) = Phi(0.7746) = 0.7807.
    n = 200_000
    t = _tender(tender_dict([bid("A", 100, {"q1": [70, 80, 90]}), bid("B", 100, {"q1": [70, 75, 80]})]))
    ev = sv.procurement.evaluate_tender(t, draws=n, seed=5, n_weights=1000)
    expected = 0.5 * (1 + math.erf((5 / math.sqrt(125 / 3)) / math.sqrt(2)))
    assert expected == pytest.approx(0.7807, abs=1e-4)
    assert abs(ev.p_win["A"] - expected) < 4 * math.sqrt(expected * (1 - expected) / n)


def test_results_do_not_depend_on_the_order_of_the_bids():
    bids = [bid("A", 100, {"q1": [60, 80]}, commitments=[_commitment("a", 10, {"probability": 0.4})]),
            bid("B", 110, {"q1": [70, 75]}, commitments=[_commitment("b", 12, {"beta": [2, 2]})]),
            bid("C", 105, {"q1": [50, 90]}, commitments=[_commitment("c", 8, {"probability": 0.9})])]
    d1 = tender_dict(bids, commitments_share=0.5, ranges=((0.4, 0.6), (0.25, 0.45), (0.1, 0.2)))
    d2 = tender_dict(bids[::-1], commitments_share=0.5, ranges=((0.4, 0.6), (0.25, 0.45), (0.1, 0.2)))
    e1 = sv.procurement.evaluate_tender(_tender(d1), draws=5000, seed=9)
    e2 = sv.procurement.evaluate_tender(_tender(d2), draws=5000, seed=9)
    assert e1.p_win.to_dict() == e2.p_win.reindex(e1.p_win.index).to_dict()
    np.testing.assert_array_equal(e1.score_draws.value, e2.score_draws.value[::-1])
    assert e1.social_value.equals(e2.social_value.loc[e1.social_value.index])
    # and a different seed gives different draws
    e3 = sv.procurement.evaluate_tender(_tender(d1), draws=5000, seed=10)
    assert not np.array_equal(e1.score_draws.value, e3.score_draws.value)


# ---- the switching weight --------------------------------------------------------------------------------------

def test_switching_weight_of_a_linear_score():
    # A: price 100, quality 50, sv 50; B: price 60, quality 90, sv 50; weights 0.6 / 0.3 / 0.1.
    # A = 80, B = 68, gap 12; d = B - A = (-40, 40, 0). Moving delta from price to quality closes the gap at
    # delta = 12 / 80 = 0.15 (weights 0.45 / 0.45 / 0.1: both 72.5); price -> sv needs 0.3, sv -> quality 0.3 (> 0.1).
    sw = switching_weight(np.array([[100.0, 50, 50], [60, 90, 50]]), (0.6, 0.3, 0.1), (0, 0, 0), (1, 1, 1), ["A", "B"])
    assert (sw.winner, sw.challenger, sw.from_criterion, sw.to_criterion) == ("A", "B", "price", "quality")
    assert sw.delta == pytest.approx(0.15, abs=1e-12)
    assert sw.weights == pytest.approx((0.45, 0.45, 0.1), abs=1e-12)
    assert sw.within_range
    # a range that keeps price >= 0.5 forbids it: the smallest transfer is then reported as outside the ranges
    sw2 = switching_weight(np.array([[100.0, 50, 50], [60, 90, 50]]), (0.6, 0.3, 0.1), (0.5, 0, 0), (1, 1, 1),
                           ["A", "B"])
    assert not sw2.within_range and sw2.delta == pytest.approx(0.15, abs=1e-12)


def test_switching_weight_through_the_tender():
    # the same case as a tender: prices 60,000 and 100,000 score 100 and 60 relative to the lowest
    d = tender_dict([bid("A", 60000, {"q1": [50]}, {"s1": [50]}), bid("B", 100000, {"q1": [90]}, {"s1": [50]})],
                    weights=(0.6, 0.3, 0.1), ranges=((0.3, 0.7), (0.2, 0.6), (0.1, 0.2)))
    ev = sv.procurement.evaluate_tender(_tender(d), draws=2000, seed=0)
    assert ev.winner == "A"
    assert ev.switching.delta == pytest.approx(0.15, abs=1e-12)
    w = np.array(ev.switching.weights)
    x = ev.scores[["price", "quality", "social_value"]].to_numpy()
    assert (x @ w)[0] == pytest.approx((x @ w)[1], abs=1e-9)
    # SMAA over the ranges: B is first where w_quality - w_price >= ... i.e. on part of the weight set
    first = ev.smaa_table()["rank 1"]
    assert 0 < first["B"] < 1 and first["A"] + first["B"] == pytest.approx(1.0, abs=1e-12)


def test_smaa_with_fixed_weights_is_p_win():
    # no ranges: the weights are fixed, so the first-rank acceptability is P(win) over the draws
    t = _tender(tender_dict([bid("A", 100, {"q1": [70, 80, 90]}), bid("B", 100, {"q1": [70, 75, 80]})]))
    ev = sv.procurement.evaluate_tender(t, draws=4000, seed=2)
    np.testing.assert_allclose(ev.smaa_table()["rank 1"].to_numpy(), ev.p_win.to_numpy(), rtol=0, atol=1e-12)
