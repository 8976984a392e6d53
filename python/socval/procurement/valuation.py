"""Valuing bids' quantified commitments: unit values from the value library, additionality, discounting, and the
probability that each commitment is delivered (docs/model/procurement.md, sections 3 and 4).

Random numbers come from keyed streams: one Philox generator per (seed, bid, commitment, purpose), keyed by a stable
hash of those ids, so a bid's draws do not depend on where it is listed in the tender.
"""
from __future__ import annotations

import hashlib
from typing import Dict, List

import numpy as np
import pandas as pd

from .. import appraisal, values
from .tender import ADDITIONALITY_KEYS, Bid, Commitment, Measure, Tender, TenderError

__all__ = ["stream", "unit_values_by_year", "additionality_factor", "commitment_table", "delivered_shares",
           "value_draws"]


def stream(seed: int, *ids: str) -> np.random.Generator:
    """A Philox generator keyed by a stable hash (BLAKE2b) of the seed and the ids: same ids, same numbers."""
    if int(seed) < 0:
        raise TenderError(f"seed: expected a whole number >= 0, found {seed}")
    digest = hashlib.blake2b("\x1f".join([str(int(seed)), *ids]).encode("utf-8"), digest_size=16).digest()
    return np.random.Generator(np.random.Philox(np.random.SeedSequence(int.from_bytes(digest, "little"))))


def unit_values_by_year(measure: Measure, tender: Tender, offsets: np.ndarray) -> np.ndarray:
    """GBP per unit of the measure in each year ``start_year + offset``, in the contract's price base."""
    c = tender.contract
    v = measure.value
    years = c.start_year + offsets
    if v.kind == "carbon":  # DESNZ carbon values vary by year
        return np.asarray(values.carbon_value(years, v.carbon, c.price_base_year, beyond="hold"), dtype=float)
    if v.kind == "unit_value":
        one = values.unit_value(v.unit_value, "central", c.price_base_year)
    else:
        one = values.rebase(v.gbp, v.price_base_year, c.price_base_year)
    return np.full(len(offsets), float(one))


def additionality_factor(measure: Measure, commitment: Commitment) -> float:
    """(1 - deadweight)(1 - displacement)(1 - leakage)(1 - substitution); the commitment's figures override the
    measure's, key by key."""
    adj = {**measure.additionality, **commitment.additionality}
    return float(appraisal.net_outcome(1.0, **{k: adj.get(k, 0.0) for k in ADDITIONALITY_KEYS}))


def commitment_table(tender: Tender) -> pd.DataFrame:
    """One row per (bid, commitment): the promised quantity, its present value net of additionality (``pv``, GBP in
    the contract's price base, discounted to the start year), the expected share delivered and ``expected_pv``."""
    rows: List[Dict] = []
    for bid in tender.bids:
        for c in bid.commitments:
            m = tender.measures[c.measure]
            offsets = np.arange(c.start, c.start + c.years)
            uv = unit_values_by_year(m, tender, offsets)
            factor = additionality_factor(m, c)
            df = np.asarray(appraisal.discount_factors(offsets, m.schedule), dtype=float)
            gross = float(c.quantity * np.sum(uv))
            pv = float(c.quantity * factor * np.sum(uv * df))
            rows.append({"bid": bid.id, "commitment": c.id, "measure": c.measure, "theme": m.theme,
                         "quantity_per_year": c.quantity, "unit": m.unit, "years": c.years,
                         "unit_value_first_year": float(uv[0]), "additionality": factor,
                         "gross_undiscounted": gross, "pv": pv,
                         "deliverability": c.deliverability.kind, "expected_share": c.deliverability.mean,
                         "expected_pv": pv * c.deliverability.mean})
    cols = ["bid", "commitment", "measure", "theme", "quantity_per_year", "unit", "years", "unit_value_first_year",
            "additionality", "gross_undiscounted", "pv", "deliverability", "expected_share", "expected_pv"]
    return pd.DataFrame(rows, columns=cols)


def delivered_shares(bid: Bid, commitment: Commitment, draws: int, seed: int) -> np.ndarray:
    """Share of the commitment delivered in each draw: 0 or 1 with the declared probability, or Beta(a, b)."""
    rng = stream(seed, "delivery", bid.id, commitment.id)
    d = commitment.deliverability
    if d.kind == "probability":
        return (rng.random(draws) < d.p).astype(float)
    return rng.beta(d.a, d.b, draws)


def value_draws(tender: Tender, table: pd.DataFrame, draws: int, seed: int) -> np.ndarray:
    """(bids, draws): each bid's delivered social value (PV, GBP) per draw."""
    out = np.zeros((len(tender.bids), draws))
    pv = {(r.bid, r.commitment): r.pv for r in table.itertuples()}
    for i, bid in enumerate(tender.bids):
        for c in bid.commitments:
            out[i] += pv[(bid.id, c.id)] * delivered_shares(bid, c, draws, seed)
    return out
