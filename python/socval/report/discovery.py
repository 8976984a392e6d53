"""The report's "Where it fails" section, when asked: scenario discovery results (socval.discovery) in plain
words, the chosen PRIM box's limits as a table, and its trade-off and limits charts."""
from __future__ import annotations

from typing import Any, Dict, List

from ..discovery import Discovery
from ..plots.discovery import box_limits_plot, tradeoff_plot
from .charts import _Chart, _png
from .tables import _Table

__all__ = ["discoveries_of", "discovery_section", "discovery_charts"]


def discoveries_of(discovery: Any) -> List[Discovery]:
    """``discovery`` as a list: None -> [], a Discovery -> [it], a list of Discovery as given; else TypeError."""
    if discovery is None:
        return []
    items = [discovery] if isinstance(discovery, Discovery) else list(discovery)
    for d in items:
        if not isinstance(d, Discovery):
            raise TypeError(f"report: discovery: expected a socval.discovery.Discovery (Results.discover(...)) or a "
                            f"list of them, found {type(d).__name__}")
    return items


def discovery_section(items: List[Discovery]) -> Dict[str, Any]:
    """``{"show", "items": [{"condition", "paragraphs", "limits": _Table}]}``."""
    out = []
    for d in items:
        lim = d.limits()
        rows = [[str(r["name"]), f"{r['low']:.4g}", f"{r['high']:.4g}", f"{r['min']:.4g} to {r['max']:.4g}",
                 f"{r['qp']:.2g}"] for _, r in lim.iterrows()]
        table = _Table(["input", "box low", "box high", "sampled range", "quasi-p-value"], rows,
                       caption=f"PRIM box where {d.condition}",
                       note="Quasi-p-value: one-sided binomial test of each restriction (docs/model/discovery.md).",
                       numeric=[False, True, True, False, True])
        out.append({"condition": d.condition, "paragraphs": d.summary().split("\n"), "limits": table})
    return {"show": bool(out), "items": out}


def discovery_charts(items: List[Discovery]) -> List[_Chart]:
    """The trade-off curve and the box limits of each discovery."""
    charts = []
    for i, d in enumerate(items, start=1):
        charts.append(_Chart(f"discovery-tradeoff-{i}", f"Scenario discovery: {d.condition}",
                             "PRIM's peeling trajectory: each point a box, its coverage (share of the draws where the "
                             "condition holds that fall inside) against its density (share of its draws where it "
                             "holds); the chosen box circled.", _png(tradeoff_plot(d))))
        charts.append(_Chart(f"discovery-limits-{i}", f"Box limits: {d.condition}",
                             "Each restricted input's box within its sampled range, with its quasi-p-value.",
                             _png(box_limits_plot(d))))
    return charts
