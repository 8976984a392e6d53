"""Procurement: evaluating suppliers' social value bids under uncertainty (issue 17).

A tender file (docs/formats/tender.md) declares the contract, the award criteria and weights (social value >= 10 %
under PPN 06/20), the measures that quantified commitments may use (valued through the value library) and the bids.
:func:`evaluate_tender` scores the bids, values their commitments with additionality and deliverability, gives
P(each bid wins) over delivery and evaluators' spread, SMAA over the permitted weights, the smallest change of weights
that changes the winner and the compliance findings. Formulas: docs/model/procurement.md. ::

    import socval as sv
    ev = sv.procurement.evaluate_tender("scenarios/west-of-england/procurement/facilities.yaml", draws=10_000)
    ev.scores, ev.p_win, ev.smaa_table(), ev.findings
    ev.report("evaluation.html")
"""
from .tender import (Bid, Commitment, Contract, Criterion, Deliverability, Measure, Tender, TenderError, load_tender,
                     tender_from_yaml)
from .compliance import Finding, PPN_MINIMUM_WEIGHT, check_tender
from .award import SwitchingWeight, switching_weight, win_shares
from .evaluation import TenderEvaluation, evaluate_tender

__all__ = ["Bid", "Commitment", "Contract", "Criterion", "Deliverability", "Measure", "Tender", "TenderError",
           "load_tender", "tender_from_yaml", "Finding", "PPN_MINIMUM_WEIGHT", "check_tender", "SwitchingWeight",
           "switching_weight", "win_shares", "TenderEvaluation", "evaluate_tender"]
