"""Results, comparisons and portfolios as formatted Excel workbooks (openpyxl): one sheet per table, units in the
column headers, numbers as numbers (full precision, shown with separators or two decimals), the header row frozen.
Written to a temporary file and renamed: a workbook appears whole or not at all.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Tuple, Union

import numpy as np
import pandas as pd

__all__ = ["write_xlsx", "workbook_tables"]

_RATIO = ("bcr", "bcr_all_costs", "sroi", "place_bcr", "place_bcr_all_costs", "place_sroi")


def _money_header(column: str, year: Any) -> str:
    return f"{column} (GBP, {year} prices)" if year else f"{column} (GBP)"


def workbook_tables(obj: Any) -> List[Tuple[str, pd.DataFrame, Dict[str, str]]]:
    """(sheet name, table, {column: number format}) of a Results, a Comparison or a PortfolioChoice."""
    from ..engine.comparison import Comparison
    from ..engine.results import Results
    from ..decision.portfolio import PortfolioChoice
    money, prob, ratio = "#,##0", "0.00", "0.00"
    if isinstance(obj, Results):
        year = obj.attrs.get("price_base_year")
        summary = obj.summary().reset_index()
        fmt = {c: "#,##0.00" for c in ("mean", "sd", "p5", "p50", "p95")}
        fmt["P(>0)"] = prob
        summary.insert(2, "note", ["money in GBP at the price base, present values" if str(u).startswith("GBP")
                                   else "" for u in summary["unit"]])
        out = [("Summary", summary, fmt)]
        tables = [("By priority", obj.by_priority()), ("By pillar", obj.by_pillar()),
                  ("By beneficiary", obj.by_beneficiary())]
        metrics = obj.metrics()
        if any(m.startswith("place.") for m in metrics):  # who benefits and where (docs/model/distribution.md)
            tables.append(("By place", obj.by_place()))
        if "share_lowest_two" in metrics:
            tables.append(("By income quintile", obj.by_quintile()))
        if "share_most_deprived_20" in metrics:
            tables.append(("By IMD decile", obj.by_decile()))
        for dim, sheet in (("place", "By place and year"), ("quintile", "By quintile and year"),
                           ("decile", "By decile and year")):
            try:  # per-year breakdowns (undiscounted); results files before format 1.3 have none
                tables.append((sheet, obj.by(dim, per="year")))
            except KeyError:
                pass
        for name, table in tables:
            t = table.reset_index().rename(columns={c: _money_header(c, year) for c in ("mean", "sd", "p5",
                                                                                      "p50", "p95", "spend",
                                                                                      "weighted", "min", "max",
                                                                                      "p25", "p75")
                                                    if c in table.columns})
            f = {c: money for c in t.columns if "(GBP" in c}
            f.update({c: prob for c in ("P(>0)", "share", "spend_share") if c in t.columns})
            f.update({c: ratio for c in ("weight",) if c in t.columns})
            out.append((name, t, f))
        if "share_lowest_two" in metrics:
            fair = obj.fairness().reset_index()
            out.append(("Fairness", fair, {c: "#,##0.00" for c in ("mean", "sd", "p5", "p50", "p95")} |
                        {"P(>0)": prob}))
        return out
    if isinstance(obj, Comparison):
        year = obj.results[obj.names[0]].attrs.get("price_base_year")
        scen = obj.scenarios().reset_index()
        scen = scen.rename(columns={c: (c if c[5:] in _RATIO else _money_header(c, year))
                                    for c in scen.columns if c.startswith("mean ")})
        f = {c: money for c in scen.columns if "(GBP" in c}
        f.update({c: ratio for c in scen.columns if c.startswith("mean ") and "(GBP" not in c})
        f.update({c: prob for c in scen.columns if c.startswith("P(")})
        out = [("Scenarios", scen, f)]
        if obj.streaming:  # keep_draws=False: no paired draws, so no pairs (nor fairness) sheet
            return out
        pairs = obj.summary().reset_index()
        pairs.insert(1, "unit", ["ratio" if m in _RATIO else f"GBP, {year} prices, present value"
                                 for m in pairs["metric"]])
        pf = {c: "#,##0.00" for c in pairs.columns if c not in ("metric", "A", "B", "unit", "P(A better)")}
        pf["P(A better)"] = prob
        out.append(("Pairs", pairs, pf))
        if all("share_lowest_two" in obj.results[n].metrics() for n in obj.names):
            fair = obj.fairness().reset_index()
            out.append(("Fairness", fair, {c: "#,##0.00" if c.startswith("mean") else prob
                                           for c in fair.columns if c != "scenario"}))
        return out
    if isinstance(obj, PortfolioChoice):
        year = obj.scenario.core.meta.price_base_year
        table = obj.values.summary().reset_index()
        table = table.rename(columns={c: _money_header(c, year) for c in ("mean_value", "sd_value", "p5_value",
                                                                          "p95_value", "mean_cost",
                                                                          "mean_others", "mean_weighted_value",
                                                                          "weighted_npsv")})
        f = {c: money for c in table.columns if "(GBP" in c}
        f.update({c: ratio for c in ("bcr", "bcr_all_costs", "weighted_bcr", "weighted_bcr_all_costs")})
        f["scale"] = "0.00"
        choice = pd.DataFrame({"item": ["budget (GBP)", "objective", "objective (GBP)", "expected PV cost (GBP)",
                                        "selected", "context (kept funded)", "binding", "draws", "seed"],
                               "value": [obj.budget, obj.objective_kind, obj.objective, obj.cost,
                                         ", ".join(obj.selected), ", ".join(obj.context), ", ".join(obj.binding),
                                         obj.values.draws, obj.values.seed]})
        return [("Choice", choice, {}), ("Options", table, f)]
    raise TypeError(f"write_xlsx: expected a socval.Results, Comparison or PortfolioChoice, found "
                    f"{type(obj).__name__}")


def write_xlsx(obj: Any, path: Union[str, os.PathLike]) -> Path:
    """Write ``obj`` (Results, Comparison or PortfolioChoice) as a formatted .xlsx workbook; returns the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    for name, table, formats in workbook_tables(obj):
        ws = wb.create_sheet(name[:31])
        columns = [str(c) for c in table.columns]
        ws.append(columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.itertuples(index=False):
            ws.append([_cell(v) for v in row])
        for j, c in enumerate(columns, start=1):
            letter = get_column_letter(j)
            if c in formats:
                for cell in ws[letter][1:]:
                    cell.number_format = formats[c]
            width = max([len(c)] + [len(str(v)) for v in table.iloc[:, j - 1].head(200)]) + 2
            ws.column_dimensions[letter].width = min(max(width, 10), 60)
        ws.freeze_panes = "B2"  # the header row and the first (name) column stay in view
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def _cell(v: Any) -> Any:
    """A value openpyxl writes as a number, text or empty cell (NaN -> empty, numpy scalars -> Python)."""
    if v is None:
        return None
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not np.isfinite(v) else float(v)
    return v if isinstance(v, (int, str)) else str(v)
