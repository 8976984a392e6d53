"""Award under uncertainty (docs/model/procurement.md, sections 5 to 7): P(each bid wins) over delivery and the
evaluators' spread, SMAA-2 over the weights the tender permits, and the smallest change of weights that changes the
winner (closed form for the linear score)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np
import pandas as pd

from ..decision import SmaaResult, smaa
from .scoring import commitment_scores, price_scores, statement_draws
from .tender import CRITERIA, Tender
from .valuation import value_draws

__all__ = ["ScoreDraws", "score_draws", "win_shares", "tender_smaa", "SwitchingWeight", "switching_weight"]


@dataclass(frozen=True)
class ScoreDraws:
    """Per-draw criterion scores (bids, draws) and each bid's delivered social value (GBP)."""

    price: np.ndarray
    quality: np.ndarray
    social_value: np.ndarray
    value: np.ndarray

    def performance(self) -> np.ndarray:
        """(draws, bids, criteria) for SMAA, criteria in the order price, quality, social value."""
        return np.ascontiguousarray(np.stack([self.price, self.quality, self.social_value], axis=-1)
                                    .transpose(1, 0, 2))


def score_draws(tender: Tender, table: pd.DataFrame, draws: int, seed: int) -> ScoreDraws:
    """Monte Carlo draws of every bid's scores: delivery of each commitment and the evaluators' spread."""
    sv = tender.criteria["social_value"]
    value = value_draws(tender, table, draws, seed)
    price = np.repeat(price_scores(np.array([b.price for b in tender.bids]), tender.criteria["price"])[:, None],
                      draws, axis=1)
    quality = statement_draws(tender, "quality", draws, seed)
    social = ((1.0 - sv.commitments_share) * statement_draws(tender, "social_value", draws, seed)
              + sv.commitments_share * commitment_scores(value))
    return ScoreDraws(price, quality, social, value)


def win_shares(total: np.ndarray) -> np.ndarray:
    """P(win) per bid from (bids, draws) totals: the share of draws in which the bid scores highest, ties shared
    equally."""
    best = total.max(axis=0, keepdims=True)
    top = (total == best).astype(float)
    return (top / top.sum(axis=0, keepdims=True)).mean(axis=1)


def _fixed_weight_ranks(total: np.ndarray) -> np.ndarray:
    """(bids, ranks) share of draws giving each bid each rank for (bids, draws) totals; tied bids share their
    ranks equally."""
    n = total.shape[0]
    higher = (total[None, :, :] > total[:, None, :]).sum(axis=1)   # bids strictly ahead, per draw
    equal = (total[None, :, :] == total[:, None, :]).sum(axis=1)    # tied bids, itself included
    ranks = np.arange(n)[:, None, None]
    share = ((ranks >= higher[None]) & (ranks < (higher + equal)[None])) / equal[None]
    return share.mean(axis=2).T


def tender_smaa(tender: Tender, draws: ScoreDraws, n_weights: int, seed: int) -> SmaaResult:
    """SMAA-2 of the bids over the criterion weights within the ranges the tender permits, on the drawn scores.

    Criteria whose weight is fixed (no range) add a constant per draw and bid: with F their total weight and C their
    weighted score, the free weights are (1 - F) u with u on the simplex, and S = C + (1 - F) sum u_c x_c ranks as
    sum u_c (x_c + C / (1 - F)); so SMAA runs on the free criteria only, with bounds divided by 1 - F. When no
    weight is free the ranks come from the draws at the fixed weights."""
    perf = draws.performance()                              # (draws, bids, criteria)
    crit = [tender.criteria[c] for c in CRITERIA]
    w = np.array([c.weight for c in crit])
    free = np.array([c.upper > c.lower for c in crit])
    if free.sum() < 2:                                      # one free weight is fixed by the others' sum
        acc = _fixed_weight_ranks(np.einsum("dbc,c->bd", perf, w))
        ever = acc[:, 0] > 0
        central = np.where(ever[:, None], w[None, :], np.nan)
        return SmaaResult(acc, central, np.where(ever, acc[:, 0], np.nan), 1.0)
    fixed_total = float(w[~free].sum())
    scale = 1.0 - fixed_total
    const = perf[:, :, ~free] @ w[~free]                    # (draws, bids)
    reduced = np.ascontiguousarray(perf[:, :, free] + (const / scale)[:, :, None])
    lower = [c.lower / scale for c, f in zip(crit, free) if f]
    upper = [min(1.0, c.upper / scale) for c, f in zip(crit, free) if f]
    r = smaa(reduced, n_weights=n_weights, seed=seed, weight_constraints={"lower": lower, "upper": upper})
    central = np.tile(w, (r.central_weights.shape[0], 1)).astype(float)
    central[:, free] = scale * r.central_weights
    central[np.isnan(r.central_weights).any(axis=1)] = np.nan
    return SmaaResult(r.rank_acceptability, central, r.confidence, r.acceptance_rate)


@dataclass(frozen=True)
class SwitchingWeight:
    """The smallest transfer of weight between two criteria that makes ``challenger`` tie with ``winner``.

    ``delta`` is the weight moved from ``from_criterion`` to ``to_criterion``; ``weights`` are the weights at the
    tie (price, quality, social value). ``within_range`` says whether the tender's ranges permit it."""

    winner: str
    challenger: str
    from_criterion: str
    to_criterion: str
    delta: float
    weights: Tuple[float, float, float]
    within_range: bool

    def describe(self) -> str:
        w = ", ".join(f"{c} {x:.3f}" for c, x in zip(CRITERIA, self.weights))
        where = "within" if self.within_range else "outside"
        return (f"moving {self.delta:.3f} of weight from {self.from_criterion} to {self.to_criterion} ({w}, "
                f"{where} the permitted ranges) makes {self.challenger} tie with {self.winner}")


def switching_weight(scores: np.ndarray, weights, lower, upper, bids) -> Optional[SwitchingWeight]:
    """The smallest weight transfer that changes the winner of a linear score.

    ``scores`` is (bids, criteria). With winner a and challenger b, gap g = sum_k w_k (x_ak - x_bk) > 0 and
    d_k = x_bk - x_ak, moving delta from criterion c to d changes the gap by -delta (d_d - d_c), so the tie is at
    ``delta = g / (d_d - d_c)`` (for d_d > d_c). The smallest such delta over challengers and ordered pairs (c, d)
    is the smallest change in the L1 sense (the L1 norm of the change is 2 delta): a weight change summing to zero
    moves the gap by at most half its L1 norm times (max_k d_k - min_k d_k). Transfers within the permitted ranges are preferred; if none exists
    the smallest one outside them is returned with ``within_range=False``. None when no transfer changes it.
    """
    x = np.asarray(scores, dtype=float)
    w = np.asarray(weights, dtype=float)
    lo, hi = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    total = x @ w
    a = int(np.argmax(total))
    best: Optional[SwitchingWeight] = None
    best_out: Optional[SwitchingWeight] = None
    n = len(w)
    for b in range(len(total)):
        if b == a:
            continue
        gap = total[a] - total[b]
        d = x[b] - x[a]
        for c in range(n):
            for e in range(n):
                slope = d[e] - d[c]
                if c == e or slope <= 0:
                    continue
                delta = gap / slope
                if delta > w[c] + 1e-12:  # cannot move more weight than the criterion has
                    continue
                new = w.copy()
                new[c] -= delta
                new[e] += delta
                inside = bool(new[c] >= lo[c] - 1e-12 and new[e] <= hi[e] + 1e-12)
                sw = SwitchingWeight(bids[a], bids[b], CRITERIA[c], CRITERIA[e], float(delta),
                                     tuple(float(v) for v in new), inside)
                if inside and (best is None or delta < best.delta):
                    best = sw
                if not inside and (best_out is None or delta < best_out.delta):
                    best_out = sw
    return best if best is not None else best_out
