"""Scoring bids (docs/model/procurement.md, sections 1 and 2): price by the tender's formula, quality and social
value method statements on the 0-100 scale averaged across evaluators and weighted by subcriterion, valued
commitments relative to the best bid, and the weighted total.

Every function works on arrays so that the same code scores the central case (one row) and Monte Carlo draws.
"""
from __future__ import annotations

from typing import Tuple

import numpy as np
import pandas as pd

from .tender import CRITERIA, Criterion, Tender
from .valuation import stream

__all__ = ["price_scores", "statement_means", "statement_score", "statement_draws", "commitment_scores",
           "total_scores", "score_table"]


def price_scores(prices: np.ndarray, criterion: Criterion) -> np.ndarray:
    """Price score (0-100) of each bid.

    relative_to_lowest: ``100 * lowest / price``; relative_to_budget: ``100 * clip(1 - (price - budget) / budget,
    0, 1)`` (full marks at or under the budget, one point lost per 1 % over it).
    """
    p = np.asarray(prices, dtype=float)
    if criterion.formula == "relative_to_lowest":
        return 100.0 * p.min() / p
    return 100.0 * np.clip(1.0 - (p - criterion.budget) / criterion.budget, 0.0, 1.0)


def statement_means(tender: Tender, criterion: str) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(bids, subcriteria) means and standard errors of the evaluators' scores, and the subcriterion weights.

    The standard error is the sample standard deviation (n - 1) over sqrt(n): the spread of a panel's mean;
    zero for a single evaluator."""
    subs = tender.criteria[criterion].subcriteria
    mean = np.zeros((len(tender.bids), len(subs)))
    se = np.zeros_like(mean)
    for i, bid in enumerate(tender.bids):
        scores = getattr(bid, criterion)
        for k, s in enumerate(subs):
            x = np.asarray(scores[s.id], dtype=float)
            mean[i, k] = x.mean()
            se[i, k] = x.std(ddof=1) / np.sqrt(len(x)) if len(x) > 1 else 0.0
    return mean, se, np.array([s.weight for s in subs])


def statement_score(tender: Tender, criterion: str) -> np.ndarray:
    """Each bid's method-statement score (0-100): sum over subcriteria of weight x mean evaluator score."""
    mean, _se, w = statement_means(tender, criterion)
    return mean @ w


def statement_draws(tender: Tender, criterion: str, draws: int, seed: int) -> np.ndarray:
    """(bids, draws) method-statement scores with the evaluators' spread: each subcriterion's mean score is drawn
    Normal(mean, standard error), clipped to [0, 100]; one keyed stream per (bid, criterion, subcriterion)."""
    mean, se, w = statement_means(tender, criterion)
    subs = tender.criteria[criterion].subcriteria
    out = np.zeros((len(tender.bids), draws))
    for i, bid in enumerate(tender.bids):
        for k, s in enumerate(subs):
            z = stream(seed, "score", bid.id, criterion, s.id).standard_normal(draws)
            out[i] += w[k] * np.clip(mean[i, k] + se[i, k] * z, 0.0, 100.0)
    return out


def commitment_scores(value: np.ndarray) -> np.ndarray:
    """Score (0-100) of the valued commitments, relative to the best bid: ``100 * V_i / max_j V_j`` along axis 0
    (0 for every bid when no bid offers any value)."""
    v = np.asarray(value, dtype=float)
    best = v.max(axis=0, keepdims=True)
    return np.divide(100.0 * v, best, out=np.zeros_like(v), where=best > 0)


def total_scores(price: np.ndarray, quality: np.ndarray, social_value: np.ndarray,
                 weights: Tuple[float, float, float]) -> np.ndarray:
    """The weighted total (0-100): w_price x price + w_quality x quality + w_sv x social value."""
    return weights[0] * price + weights[1] * quality + weights[2] * social_value


def score_table(tender: Tender, expected_value: np.ndarray) -> pd.DataFrame:
    """The central scores by criterion: one row per bid, with the total and the rank (1 = best).

    ``expected_value`` is each bid's expected social value of its commitments (GBP), which scores the commitments'
    share of the social value criterion."""
    sv = tender.criteria["social_value"]
    price = price_scores(np.array([b.price for b in tender.bids]), tender.criteria["price"])
    quality = statement_score(tender, "quality")
    statement = statement_score(tender, "social_value")
    commit = commitment_scores(expected_value)
    social = (1.0 - sv.commitments_share) * statement + sv.commitments_share * commit
    total = total_scores(price, quality, social, tender.weights())
    df = pd.DataFrame({"supplier": [b.supplier for b in tender.bids], "price_gbp": [b.price for b in tender.bids],
                       "price": price, "quality": quality, "sv_statement": statement, "sv_commitments": commit,
                       "social_value": social, "total": total},
                      index=pd.Index([b.id for b in tender.bids], name="bid"))
    for c, w in zip(CRITERIA, tender.weights()):
        df[f"{c}_weighted"] = w * df[c]
    df["rank"] = df["total"].rank(ascending=False, method="min").astype(int)
    return df
