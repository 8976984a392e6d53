"""The Excel workbook template of a scenario: options, costs, outputs, outcomes, links and priorities as sheets,
converted to and from the scenario document (YAML). Format: docs/formats/workbook.md.

``document_from_workbook(path)`` reads a workbook into the structure of a scenario file (errors cite
``Sheet!Cell``); ``workbook_from_document(doc, path)`` writes one (``socval convert`` does either).
Uncertain numbers are written in a cell as ``pert(min, mode, max)``, ``triangular(min, mode, max)``,
``uniform(min, max)`` or ``normal(mean, sd)``.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Union

from .._core import ScenarioError

__all__ = ["SHEETS", "document_from_workbook", "workbook_from_document"]

#: Sheets and their columns (row 1 holds the headers, one item per row below).
SHEETS: Dict[str, List[str]] = {
    "Metadata": ["key", "value"],
    "Priorities": ["id", "name", "pillar"],
    "Outcomes": ["id", "name", "unit", "value", "value_kind", "deadweight", "displacement", "duration",
                 "priorities"],
    "Options": ["id", "name", "lever", "funded", "scale"],
    "Costs": ["option", "year", "capital", "revenue"],
    "Outputs": ["option", "outcome", "amount"],
    "Links": ["from", "to", "coefficient"],
}
_DISTS = {"pert": ("min", "mode", "max"), "triangular": ("min", "mode", "max"), "uniform": ("min", "max"),
          "normal": ("mean", "sd")}
_DIST = re.compile(r"^\s*(?P<dist>[a-z]+)\s*\((?P<args>[^)]*)\)\s*$")


class _Where:
    def __init__(self, file: str, sheet: str) -> None:
        self.file, self.sheet = file, sheet

    def error(self, cell: str, message: str) -> ScenarioError:
        return ScenarioError(f"{self.file}: {self.sheet}!{cell}: {message}")


def _number(value: Any, where: _Where, cell: str, what: str) -> Any:
    """A cell as a number or a distribution map."""
    if isinstance(value, bool):
        raise where.error(cell, f"{what}: expected a number or a distribution such as pert(1, 2, 3), found {value!r}")
    if isinstance(value, (int, float)):
        return value
    m = _DIST.match(str(value))
    if m and m["dist"] in _DISTS:
        names = _DISTS[m["dist"]]
        try:
            args = [float(a.replace("_", "")) for a in m["args"].split(",")]
        except ValueError:
            args = []
        if len(args) != len(names):
            raise where.error(cell, f"{what}: expected {m['dist']}({', '.join(names)}) with {len(names)} numbers, "
                                    f"found {value!r}")
        return {"dist": m["dist"], **dict(zip(names, args))}
    raise where.error(cell, f"{what}: expected a number (without thousands separators) or a distribution such as "
                            f"pert(1, 2, 3), found {value!r}")


def _cell_text(v: Any) -> Any:
    """A number or distribution map as a cell value."""
    if isinstance(v, dict) and v.get("dist") in _DISTS:
        return f"{v['dist']}({', '.join(f'{v[k]:g}' for k in _DISTS[v['dist']])})"
    if isinstance(v, dict):
        raise ScenarioError(f"workbook: cannot write {v!r} in a cell (only numbers and pert, triangular, uniform "
                            f"and normal distributions)")
    return v


def _rows(wb: Any, file: str, sheet: str, required: bool = True) -> List[tuple]:
    """(row number, {column: value}) of a sheet, checking its header."""
    if sheet not in wb.sheetnames:
        if required:
            raise ScenarioError(f"{file}: sheet {sheet!r} missing; expected the sheets {list(SHEETS)}")
        return []
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    expected = SHEETS[sheet]
    for j, col in enumerate(header, start=1):
        if col is not None and col not in expected:
            letter = ws.cell(1, j).column_letter
            raise _Where(file, sheet).error(f"{letter}1", f"unknown column {col!r}; expected {expected}")
    index = {c: j for j, c in enumerate(header) if c is not None}
    out = []
    for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if all(v is None or v == "" for v in row):
            continue
        out.append((r, {c: row[j] if j < len(row) else None for c, j in index.items()},
                    {c: f"{ws.cell(1, j + 1).column_letter}{r}" for c, j in index.items()}))
    return out


def document_from_workbook(path: Union[str, os.PathLike]) -> Dict[str, Any]:
    """The scenario document (the structure of a scenario file) in a workbook of the template."""
    from openpyxl import load_workbook

    file = os.fspath(path)
    wb = load_workbook(file, data_only=True)
    doc: Dict[str, Any] = {"metadata": {}}
    for _, row, cells in _rows(wb, file, "Metadata"):
        doc["metadata"][str(row["key"])] = row["value"]
    doc["priorities"] = [{k: row[k] for k in ("id", "name", "pillar") if row.get(k) is not None}
                         for _, row, _ in _rows(wb, file, "Priorities")]
    outcomes = []
    w = _Where(file, "Outcomes")
    for _, row, cells in _rows(wb, file, "Outcomes"):
        item = {k: row[k] for k in ("id", "name", "unit") if row.get(k) is not None}
        for k in ("value", "deadweight", "displacement"):
            if row.get(k) is not None:
                item[k] = _number(row[k], w, cells[k], k)
        if row.get("value_kind"):  # valued through the library (wellby, carbon, qaly, ...): value is per unit
            kind = {"kind": str(row["value_kind"]).strip()}
            if "value" in item:
                kind["per_unit"] = item["value"]
            item["value"] = kind
        if row.get("duration") is not None:
            item["duration"] = _number(row["duration"], w, cells["duration"], "duration")
        if row.get("priorities"):
            weights = {}
            for part in str(row["priorities"]).split(";"):
                pid, sep, weight = part.partition(":")
                if not part.strip():
                    continue
                try:
                    weights[pid.strip()] = float(weight) if sep else 1.0
                except ValueError:
                    raise w.error(cells["priorities"], f"priorities: expected 'id: weight; id: weight', found "
                                                       f"{row['priorities']!r}") from None
            item["priorities"] = weights
        outcomes.append(item)
    doc["outcomes"] = outcomes
    options, funded, by_id = [], [], {}
    w = _Where(file, "Options")
    for _, row, cells in _rows(wb, file, "Options"):
        item = {k: row[k] for k in ("id", "name", "lever") if row.get(k) is not None}
        options.append(item)
        by_id[str(row.get("id"))] = item
        if str(row.get("funded") or "").strip().lower() in ("yes", "y", "true", "1"):
            scale = row.get("scale")
            funded.append(row["id"] if scale in (None, 1, 1.0) else
                          {"option": row["id"], "scale": _number(scale, w, cells["scale"], "scale")})
    for sheet, key in (("Costs", "costs"), ("Outputs", "outputs")):
        w = _Where(file, sheet)
        for _, row, cells in _rows(wb, file, sheet):
            oid = str(row.get("option"))
            if oid not in by_id:
                raise w.error(cells["option"], f"option: expected an id of the Options sheet {list(by_id)}, "
                                               f"found {row.get('option')!r}")
            if key == "costs":
                cost = {"year": row["year"]}
                for k in ("capital", "revenue"):
                    if row.get(k) is not None:
                        cost[k] = _number(row[k], w, cells[k], k)
                by_id[oid].setdefault("costs", []).append(cost)
            else:
                by_id[oid].setdefault("outputs", {})[str(row["outcome"])] = \
                    _number(row["amount"], w, cells["amount"], "amount")
    doc["options"] = options
    w = _Where(file, "Links")
    links = [{"from": row["from"], "to": row["to"], "coefficient": _number(row["coefficient"], w, cells["coefficient"],
                                                                          "coefficient")}
             for _, row, cells in _rows(wb, file, "Links", required=False)]
    if links:
        doc["links"] = links
    doc["scenario"] = {"funded": funded}
    return doc


def workbook_from_document(doc: Dict[str, Any], path: Union[str, os.PathLike]) -> Path:
    """Write a scenario document (merged: no include / extends) as a workbook of the template."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows: Dict[str, List[list]] = {s: [] for s in SHEETS}
    for k, v in (doc.get("metadata") or {}).items():
        rows["Metadata"].append([k, v])
    for p in doc.get("priorities") or []:
        rows["Priorities"].append([p.get("id"), p.get("name"), p.get("pillar")])
    for o in doc.get("outcomes") or []:
        prios = "; ".join(f"{k}: {v:g}" for k, v in (o.get("priorities") or {}).items())
        value, kind = o.get("value"), None
        if isinstance(value, dict) and "kind" in value:
            kind, value = value["kind"], value.get("per_unit")
        rows["Outcomes"].append([o.get("id"), o.get("name"), o.get("unit"), _cell_text(value), kind,
                                 _cell_text(o.get("deadweight")), _cell_text(o.get("displacement")),
                                 _cell_text(o.get("duration")), prios or None])
    funded = {}
    for f in (doc.get("scenario") or {}).get("funded") or []:
        funded[f if isinstance(f, str) else f["option"]] = 1 if isinstance(f, str) else f.get("scale", 1)
    for o in doc.get("options") or []:
        rows["Options"].append([o.get("id"), o.get("name"), o.get("lever"),
                                "yes" if o["id"] in funded else "no", _cell_text(funded.get(o["id"], 1))])
        for c in o.get("costs") or []:
            rows["Costs"].append([o["id"], c.get("year"), _cell_text(c.get("capital")), _cell_text(c.get("revenue"))])
        for outcome, amount in (o.get("outputs") or {}).items():
            rows["Outputs"].append([o["id"], outcome, _cell_text(amount)])
    for link in doc.get("links") or []:
        rows["Links"].append([link.get("from"), link.get("to"), _cell_text(link.get("coefficient"))])
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, columns in SHEETS.items():
        ws = wb.create_sheet(sheet)
        ws.append(columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows[sheet]:
            ws.append(r)
        ws.freeze_panes = "A2"
        for cell in ws[1]:
            ws.column_dimensions[cell.column_letter].width = 18
    path = Path(path)
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
