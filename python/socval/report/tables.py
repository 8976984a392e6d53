"""The report's tables: ``_Table`` (text cells for the templates), the headline figures, value by priority, the
options funded and the sensitivity analyses, and the data frames written as CSV."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

import numpy as np
import pandas as pd

from ..indicators import headline
from ..model.labels import parameter_names
from .content import _Content
from .._util.labels import PLACE_LABEL
from .text import _num


@dataclass
class _Table:
    """A table of text cells. ``numeric`` flags right-aligned columns; the first column heads each row."""

    columns: List[str]
    rows: List[List[str]]
    caption: str = ""
    note: str = ""
    numeric: List[bool] = field(default_factory=list)
    css: str = ""
    row_headers: bool = True
    widths: List[float] = field(default_factory=list)
    markdown: Any = None

    def __post_init__(self) -> None:
        if not self.numeric:
            self.numeric = [False] * len(self.columns)



def headline_table(content: _Content) -> _Table:
    text = headline.format_table(content.table, short=True)
    cols = ["indicator"] + list(text.index)
    rows = [[k] + [c.replace(", ", ",\u00a0") for c in text[k]] for k in text.columns]
    a = content.first.attrs
    first, horizon = a.get("first_year"), a.get("horizon")
    years = (f"{first}-{int(first) + int(horizon) - 1}" if first is not None and horizon is not None
             else "the horizon")
    note = (f"Mean [5th, 95th percentile] over {int(a['draws']):,} draws. Money in GBP million, "
            f"{a.get('price_base_year')} prices; NPSV, BCR, SROI and value by pillar are present values (UK "
            f"perspective, the headline; BCR on public sector cost = (PV benefits - PV costs to others) / PV of the "
            f"body's costs with optimism bias; BCR on all costs = PV benefits / PV of all costs to UK society, the "
            f"body's with optimism bias and costs to others; SROI = PV benefits / PV of all inputs, the body's before "
            f"optimism bias and others', in the Social Value UK form without its materiality test); rows marked "
            f"'{PLACE_LABEL}' are the region's view of the same draws (each outcome's place overrides), not the "
            f"headline; jobs, "
            f"tCO2e and local spend are undiscounted totals over {years}. P(NPSV > 0): share of draws in which "
            f"benefits exceed costs." + (" P(best NPSV): share of the paired draws in which the scenario has the "
                                         "highest NPSV." if content.is_comparison else "")
            + " An indicator a scenario does not measure is left out (n/a).")
    return _Table(cols, rows, note=note, numeric=[False] + [True] * (len(cols) - 1),
                  css="headline wide" if len(cols) > 5 else "headline")


def by_priority_frame(content: _Content) -> pd.DataFrame:
    """Scenario, priority, name, pillar, mean, p5, p50, p95 and share of PV benefits (GBP) of every priority."""
    frames = []
    for n, r in content.results.items():
        df = r.by_priority()
        names = content.priority_names(n)
        df.insert(0, "name", [names.get(p, p) for p in df.index])
        df.insert(0, "scenario", n)
        frames.append(df.reset_index())
    return pd.concat(frames, ignore_index=True)


def by_priority_table(content: _Content) -> _Table:
    df = by_priority_frame(content)
    tol = 1e-6 * max(1.0, float(np.nanmax(np.abs(df["mean"]))))
    keep = [p for p in dict.fromkeys(df["priority"])
            if p != "unallocated" or (df.loc[df["priority"] == p, ["p5", "p95"]].abs() > tol).any().any()]
    cols = ["priority", "pillar"] + [content.short[n] for n in content.names]
    rows = []
    m = df.set_index(["scenario", "priority"])
    for p in keep:
        first = df[df["priority"] == p].iloc[0]
        cells = [str(first["name"]), str(first["pillar"])]
        for n in content.names:
            if (n, p) in m.index:
                row = m.loc[(n, p)]
                cells.append(f"{row['mean'] / 1e6:,.1f} [{row['p5'] / 1e6:,.1f}, {row['p95'] / 1e6:,.1f}]")
            else:
                cells.append("n/a")
        rows.append(cells)
    note = ("Present value serving each priority (an outcome's value is split between the priorities it serves "
            "by its shares), GBP million, mean [5th, 95th percentile].")
    return _Table(cols, rows, note=note, numeric=[False, False] + [True] * len(content.names),
                  css="wide" if len(content.names) > 3 else "")


def options_table(content: _Content) -> _Table:
    """The options each scenario funds: name, lever, and the scenario's cost of it (GBP million, scale x the
    central capital and revenue, before optimism bias), "-" where not funded."""
    rows: Dict[str, List[str]] = {}
    cost: Dict[Tuple[str, str], float] = {}
    for n, sc in content.scenarios.items():
        opts = sc.options
        for oid in sc.funded_ids:
            o = opts.loc[oid]
            rows.setdefault(oid, [str(o["name"]), str(o["lever"])])
            cost[(oid, n)] = float(o["scale"]) * (float(o["capital"]) + float(o["revenue"]))
    body = [rows[oid] + [f"{cost[(oid, n)] / 1e6:,.2f}" if (oid, n) in cost else "-" for n in content.names]
            for oid in rows]
    body.append(["total", ""] + [f"{sum(v for (o, m), v in cost.items() if m == n) / 1e6:,.2f}"
                                 for n in content.names])
    note = ("Cost of each funded option to the scenario, GBP million in the price base year: its scale x the "
            "central (mean) capital and revenue costs over all years, undiscounted and before optimism bias.")
    return _Table(["option", "lever"] + [content.short[n] for n in content.names], body, note=note,
                  numeric=[False, False] + [True] * len(content.names), css="wide" if len(content.names) > 3 else "")


def summary_frame(content: _Content) -> pd.DataFrame:
    """Every scenario's Results.summary(), stacked (scenario, metric, unit, mean, sd, p5, p50, p95, P(>0))."""
    frames = [r.summary().reset_index().assign(scenario=n) for n, r in content.results.items()]
    df = pd.concat(frames, ignore_index=True)
    return df[["scenario"] + [c for c in df.columns if c != "scenario"]]


def headline_frame(content: _Content) -> pd.DataFrame:
    """The headline table with flat column names ("NPSV (GBP m) mean", ..., "P(best NPSV)")."""
    t = content.table.copy()
    t.columns = [f"{k} {s}".strip() for k, s in t.columns]
    return t.reset_index()


def input_names(content: _Content) -> Dict[str, str]:
    """parameter id -> its name (outcomes' and options' names, library values), over every scenario."""
    names: Dict[str, str] = {}
    for sc in content.scenarios.values():
        for pid, name in parameter_names(sc).items():
            names.setdefault(pid, name)
    return names


def sensitivity_tables(content: _Content) -> List[_Table]:
    """The sensitivity analyses as tables, inputs by name (the assumptions table gives their ids)."""
    out = []
    names = input_names(content) if content.sensitivity else {}
    for label, item in content.sensitivity:
        if isinstance(item, pd.DataFrame):
            t = item.head(15)
            rows = [[names.get(str(r.input), str(r.input)), _num(r.low), _num(r.high), _num(r.output_low),
                     _num(r.output_high), _num(r.swing)] for r in t.itertuples()]
            out.append(_Table(["input", "low (p10)", "high (p90)", "output at low", "output at high", "swing"],
                              rows, caption=f"Tornado: {label} (the {len(t)} largest swings)",
                              numeric=[False] + [True] * 5, css="long"))
        elif hasattr(item, "ST"):
            order = np.argsort(-np.asarray(item.ST, dtype=float))[:15]
            rows = [[names.get(str(item.names[i]), str(item.names[i])),
                     f"{float(item.S1[i]):.3f} ± {float(item.S1_conf[i]):.3f}",
                     f"{float(item.ST[i]):.3f} ± {float(item.ST_conf[i]):.3f}"] for i in order]
            out.append(_Table(["input", "S1", "ST"], rows, caption=f"Sobol indices: {label}",
                              numeric=[False, True, True], css="long"))
        else:
            order = np.argsort(-np.asarray(item.mu_star, dtype=float))[:15]
            rows = [[names.get(str(item.names[i]), str(item.names[i])), _num(item.mu_star[i]), _num(item.mu[i]),
                     _num(item.sigma[i])]
                    for i in order]
            out.append(_Table(["input", "mu*", "mu", "sigma"], rows, caption=f"Morris screening: {label}",
                              numeric=[False, True, True, True], css="long"))
    return out


