"""The assumptions: every uncertain parameter of every scenario and the distribution it is drawn from, and the
rank correlations between parameters."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Tuple

import numpy as np
import pandas as pd

from .content import _Content
from .tables import _Table
from .text import _list, _num


def assumptions_frame(content: _Content) -> pd.DataFrame:
    """Parameter, distribution, central (mean), scenarios: every uncertain parameter of every scenario (one row
    per distinct distribution of a parameter id)."""
    rows: Dict[Tuple[str, str], Dict[str, Any]] = {}
    for n, sc in content.scenarios.items():
        for p in sc.core.parameters:
            if p.distribution.kind == "fixed":
                continue
            key = (p.id, p.describe())
            rows.setdefault(key, {"parameter": p.id, "distribution": p.describe(), "central": float(p.central),
                                  "scenarios": []})["scenarios"].append(n)
    out = pd.DataFrame(list(rows.values()), columns=["parameter", "distribution", "central", "scenarios"])
    out["scenarios"] = [content.used_by(s) for s in out["scenarios"]]
    return out


def assumptions(content: _Content) -> Dict[str, Any]:
    df = assumptions_frame(content)
    show_used = content.is_comparison and (df["scenarios"] != "all").any()
    cols = ["parameter", "distribution", "central (mean)"] + (["scenarios"] if show_used else [])
    rows = [[r.parameter, r.distribution, _num(r.central)] + ([r.scenarios] if show_used else [])
            for r in df.itertuples()]
    paragraphs = [
        f"Every uncertain parameter ({len(df)}) and the distribution the Monte Carlo simulation draws it from. "
        "Parameter ids are key paths into the scenario file (docs/formats/scenario.md): "
        "outcomes.<id>.deadweight, options.<id>.costs[0].capital, links.<id>.coefficient, ... The central "
        "value is the mean, used where a single value is needed (the Sankey diagram)."]
    corr = []
    for n, sc in content.scenarios.items():
        for block in sc.document.get("correlations") or []:
            text = _correlation_text(block)
            if text not in corr:
                corr.append(text)
    if corr:
        paragraphs.append("Rank (Spearman) correlations between parameters are applied with a Gaussian copula.")
    return {"paragraphs": paragraphs,
            "table": _Table(cols, rows, numeric=[False, False, True] + ([False] if show_used else []),
                            css="long", widths=[46, 36, 18] if not show_used else [38, 30, 12, 20]),
            "correlations": corr}


def _correlation_text(block: Mapping[str, Any]) -> str:
    params = [str(p) for p in block.get("params") or []]
    m = np.asarray(block.get("matrix") or [], dtype=float)
    off = m[~np.eye(len(params), dtype=bool)] if m.size else np.array([])
    if off.size and np.allclose(off, off[0]):
        return f"rank correlation {off[0]:g} between each pair of {_list(params)}"
    pairs = [f"{params[i]} and {params[j]}: {m[i, j]:g}" for i in range(len(params)) for j in range(i + 1, len(params))
             if m[i, j] != 0]
    return "rank correlations " + "; ".join(pairs)

