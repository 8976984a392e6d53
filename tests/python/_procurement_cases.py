"""Small tenders for the procurement tests, built as data and written as YAML."""
from __future__ import annotations

import copy

import yaml


def tender_dict(bids, weights=(0.5, 0.35, 0.15), quality=None, social_value=None, measures=None,
                formula="relative_to_lowest", budget=None, ranges=None, commitments_share=0.0, value=1e6,
                duration=1, themes=None):
    """A tender with the given bids (dicts in the tender format) and criteria."""
    price = {"weight": weights[0], "formula": formula}
    if budget is not None:
        price["budget"] = budget
    q = {"weight": weights[1], "subcriteria": quality or {"q1": {"weight": 1.0}}}
    sv = {"weight": weights[2], "subcriteria": social_value or {"s1": {"weight": 1.0}},
          "commitments_share": commitments_share}
    if themes:
        sv["themes"] = list(themes)
    if ranges:
        for c, r in zip((price, q, sv), ranges):
            c["range"] = list(r)
    return {"tender": {"id": "t", "title": "test tender",
                       "contract": {"value": value, "duration_years": duration, "start_year": 2025,
                                    "place": "West of England"},
                       "criteria": {"price": price, "quality": q, "social_value": sv},
                       "measures": copy.deepcopy(measures) or {
                           "m": {"description": "d", "unit": "u", "theme": "t",
                                 "value": {"gbp": 1000, "price_base_year": 2024, "source": "test"}}},
                       "bids": copy.deepcopy(bids)}}


def bid(bid_id, price, quality=None, social_value=None, commitments=None, **extra):
    b = {"id": bid_id, "supplier": f"supplier {bid_id}", "price": price,
         "quality": quality or {"q1": [50]}, "social_value": social_value or {"s1": [50]}}
    if commitments is not None:
        b["commitments"] = commitments
    b.update(extra)
    return b


def to_yaml(d) -> str:
    return yaml.safe_dump(d, sort_keys=False)
