"""Evaluating a tender: scores, the social value of each bid as a distribution, P(win), SMAA over the permitted
weights, the switching weight, compliance findings and the award recommendation."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import numpy as np
import pandas as pd

from .._core import ScenarioError
from .._util.jsonio import json_ready
from .award import ScoreDraws, SwitchingWeight, score_draws, switching_weight, tender_smaa, win_shares
from .compliance import Finding, check_tender
from .scoring import score_table
from .tender import CRITERIA, Tender, load_tender
from .valuation import commitment_table

__all__ = ["TenderEvaluation", "evaluate_tender", "ROBUST_P_WIN"]

#: P(win) and first-rank acceptability at or above which the recommendation is called robust.
ROBUST_P_WIN = 0.9


@dataclass
class TenderEvaluation:
    """The evaluation of a tender.

    Attributes
    ----------
    scores:
        One row per bid: price, quality and social value scores (0-100), weighted parts, total and rank.
    social_value:
        One row per bid: promised and expected social value of its commitments (PV, GBP) and its 5 %, 50 % and 95 %
        quantiles over delivery.
    commitments:
        One row per (bid, commitment): quantity, additionality, PV and expected PV.
    p_win:
        P(each bid wins) over delivery and the evaluators' spread.
    smaa:
        :class:`socval.decision.SmaaResult` over the weights the tender permits (bids in tender order).
    switching:
        The smallest change of weights that changes the winner, or None.
    findings:
        Compliance findings (:class:`Finding`).
    """

    tender: Tender
    draws: int
    seed: int
    scores: pd.DataFrame
    social_value: pd.DataFrame
    commitments: pd.DataFrame
    p_win: pd.Series
    smaa: Any
    switching: Optional[SwitchingWeight]
    findings: List[Finding]
    score_draws: ScoreDraws = field(repr=False)

    @property
    def winner(self) -> str:
        """The bid with the highest central total score (first in tender order on a tie)."""
        return str(self.scores["total"].idxmax())

    @property
    def errors(self) -> List[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def smaa_table(self) -> pd.DataFrame:
        """Rank acceptabilities (share of permitted weights and draws giving each rank) and confidence factors."""
        df = self.smaa.to_frame([b.id for b in self.tender.bids])
        df.index.name = "bid"
        return df

    def robustness(self) -> str:
        """'robust' or 'not robust', by P(win), first-rank acceptability and the switching weight."""
        w = self.winner
        first = float(self.smaa_table().loc[w, "rank 1"])
        switch_inside = self.switching is not None and self.switching.within_range
        ok = self.p_win[w] >= ROBUST_P_WIN and first >= ROBUST_P_WIN and not switch_inside
        return "robust" if ok else "not robust"

    def recommendation(self) -> str:
        """The award recommendation in plain words, with how robust it is."""
        w = self.winner
        s = self.scores.loc[w]
        first = float(self.smaa_table().loc[w, "rank 1"])
        text = (f"Award to {w} ({s['supplier']}): highest total score {s['total']:.2f} of 100. "
                f"P(win) over delivery and evaluators' spread {self.p_win[w]:.3f}; share of the permitted weights "
                f"ranking it first {first:.3f}. ")
        if self.switching is None:
            text += "No change of weights changes the winner. "
        elif self.switching.within_range:
            text += f"The smallest change of weights that changes the winner: {self.switching.describe()}. "
        else:
            text += ("No change of weights within the permitted ranges changes the winner (the smallest outside them: "
                     f"{self.switching.describe()}). ")
        text += f"The recommendation is {self.robustness()} (threshold {ROBUST_P_WIN:g})"
        others = self.p_win.drop(w)
        if self.robustness() != "robust" and len(others) and others.max() > 0:
            text += (f": {others.idxmax()} wins in {others.max():.1%} of the draws of delivery and evaluators' "
                     f"scores")
        text += "."
        if self.errors:
            text = ("Compliance errors must be resolved before any award: "
                    + "; ".join(f.message for f in self.errors) + ". Were they resolved: " + text)
        return text

    def to_dict(self) -> Dict[str, Any]:
        """Everything as JSON-ready data."""
        return json_ready({
            "tender": {"id": self.tender.id, "title": self.tender.title, "file": self.tender.path,
                       "contract_value": self.tender.contract.value,
                       "weights": dict(zip(CRITERIA, self.tender.weights()))},
            "draws": self.draws, "seed": self.seed,
            "scores": self.scores.reset_index().to_dict(orient="records"),
            "social_value": self.social_value.reset_index().to_dict(orient="records"),
            "commitments": self.commitments.to_dict(orient="records"),
            "p_win": self.p_win.to_dict(),
            "smaa": self.smaa_table().reset_index().to_dict(orient="records"),
            "switching": None if self.switching is None else {**self.switching.__dict__,
                                                              "description": self.switching.describe()},
            "findings": [f.to_dict() for f in self.findings],
            "winner": self.winner, "robustness": self.robustness(), "recommendation": self.recommendation(),
        })

    def report(self, path: Union[str, Path]) -> Path:
        """Write the evaluation report; the format follows the suffix: .html, .md, .csv, .xlsx, .pdf or .json."""
        from .output import write_report
        return write_report(self, path)

    def _repr_html_(self) -> str:
        from .output import render_html
        return render_html(self, fragment=True)


def evaluate_tender(tender: Union[Tender, str, Path], draws: int = 10_000, seed: int = 0,
                    n_weights: Optional[int] = None) -> TenderEvaluation:
    """Evaluate a tender (a :class:`Tender` or the path of a tender file).

    ``draws`` Monte Carlo draws of delivery and evaluators' spread on keyed streams (same seed, same results
    whatever the order of the bids); ``n_weights`` SMAA weight samples (default ``draws``)."""
    if not isinstance(tender, Tender):
        tender = load_tender(tender)
    if int(draws) < 1:
        raise ScenarioError(f"draws: expected a whole number >= 1, found {draws}")
    draws, seed = int(draws), int(seed)
    table = commitment_table(tender)
    ids = [b.id for b in tender.bids]
    expected = np.array([table.loc[table["bid"] == i, "expected_pv"].sum() for i in ids])
    scores = score_table(tender, expected)
    sd = score_draws(tender, table, draws, seed)
    total = sd.price * tender.weights()[0] + sd.quality * tender.weights()[1] + sd.social_value * tender.weights()[2]
    p_win = pd.Series(win_shares(total), index=pd.Index(ids, name="bid"), name="p_win")
    q = np.quantile(sd.value, [0.05, 0.5, 0.95], axis=1)
    promised = np.array([table.loc[table["bid"] == i, "pv"].sum() for i in ids])
    social_value = pd.DataFrame({"promised_pv": promised, "expected_pv": expected, "mean_draws": sd.value.mean(axis=1),
                                 "p05": q[0], "p50": q[1], "p95": q[2]}, index=pd.Index(ids, name="bid"))
    result = tender_smaa(tender, sd, n_weights or draws, seed)
    crit = [tender.criteria[c] for c in CRITERIA]
    switch = switching_weight(scores[list(CRITERIA)].to_numpy(), tender.weights(), [c.lower for c in crit],
                              [c.upper for c in crit], ids)
    return TenderEvaluation(tender, draws, seed, scores, social_value, table, p_win, result, switch,
                            check_tender(tender, table), sd)
