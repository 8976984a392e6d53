"""Delivery returns (docs/formats/returns.md): reading CSV and xlsx files of what options and contracts delivered,
with file, row and column in every error, and checking them against a scenario.

A return is one row: a period (a year or a quarter), an option of the scenario, a measure (an outcome id or a
declared indicator), its unit, the gross amount delivered, optionally the supplier's own net figure, a place, and
the evidence behind it. Nothing is dropped: a row that cannot be read is an error, two rows for the same period,
option, measure and place are an error, and a unit that is not the measure's unit is an error.
"""
from __future__ import annotations

import csv
import datetime as _dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from .._core import ScenarioError

__all__ = ["ReturnsError", "Returns", "load_returns", "returns_from_frame", "COLUMNS", "REQUIRED", "EVIDENCE",
           "MEASURE_ALIASES", "normal_unit"]


class ReturnsError(ScenarioError):
    """A returns file that cannot be used: ``file:row N: column C (name): expected ..., found ...``."""


#: Every column a returns file may have, in the order they are written.
COLUMNS = ("period", "option", "measure", "unit", "gross", "net", "place", "evidence", "source", "contract",
           "submitted", "out_of")
#: Columns every file must have.
REQUIRED = ("period", "option", "measure", "unit", "gross", "evidence")
#: Evidence status of a return: ``verified`` (checked against records by the body), ``self-reported`` (the
#: supplier's own figure), ``estimated`` (a modelled or partial figure), ``missing`` (the return was due but not
#: made: its gross is empty and it is counted as missing, never as zero).
EVIDENCE = ("verified", "self-reported", "estimated", "missing")
#: Headline indicator names a return may use as its measure, resolved through the scenario's ``indicators:``
#: section (socval.indicators.local_economy.declared_indicators): name in a return -> indicator key.
MEASURE_ALIASES = {"jobs_for_local_people": "local_jobs", "local_jobs": "local_jobs",
                   "apprenticeships": "apprenticeships", "local_spend": "round2",
                   "spend_with_local_suppliers": "round2",
                   "round1": "round1", "round2": "round2", "round3": "round3"}

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-?Q(?P<q>[1-4]))?$", re.I)
_UNIT_SYNONYMS = {"people": "person", "persons": "person", "£": "gbp", "pounds": "gbp", "pound": "gbp",
                  "tco2": "tco2e", "tonnes co2e": "tco2e", "t co2e": "tco2e"}


def normal_unit(unit: str) -> str:
    """A unit for comparison: lower case, single spaces, a plural ``s`` and common synonyms removed."""
    u = " ".join(str(unit).strip().lower().split())
    u = _UNIT_SYNONYMS.get(u, u)
    if len(u) > 3 and u.endswith("s") and not u.endswith("ss"):
        u = u[:-1]
    return _UNIT_SYNONYMS.get(u, u)


def _letter(j: int) -> str:
    """Spreadsheet column letter of a 0-based index (0 -> A, 26 -> AA)."""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass(frozen=True)
class _Cell:
    file: str
    row: int          # the row as a person sees it (the header is row 1)
    column: int       # 0-based
    name: str

    def where(self) -> str:
        return f"{self.file}:row {self.row}: column {_letter(self.column)} ({self.name})"


def _fail(cell: _Cell, expected: str, found: Any) -> ReturnsError:
    return ReturnsError(f"{cell.where()}: expected {expected}, found {found!r}")


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _number(v: Any, cell: _Cell, required: bool) -> float:
    if _blank(v):
        if required:
            raise _fail(cell, "a number >= 0", "" if v is None else v)
        return float("nan")
    if isinstance(v, bool):
        raise _fail(cell, "a number >= 0", v)
    if isinstance(v, (int, float)):
        x = float(v)
    else:
        s = str(v).strip()
        if re.search(r"\d,\d{3}", s):
            raise _fail(cell, "a number >= 0 without thousands separators (write 1200000)", s)
        try:
            x = float(s)
        except ValueError:
            raise _fail(cell, "a number >= 0", s) from None
    if not math.isfinite(x) or x < 0:
        raise _fail(cell, "a finite number >= 0", v)
    return x


def _text(v: Any, cell: _Cell, required: bool) -> str:
    if _blank(v):
        if required:
            raise _fail(cell, "a value", "")
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _period(v: Any, cell: _Cell) -> Tuple[str, int, int]:
    """(label, year, quarter or 0)."""
    s = _text(v, cell, True)
    m = _PERIOD.match(s)
    if not m:
        raise _fail(cell, "a year (2025) or a quarter (2025-Q1)", s)
    q = int(m["q"]) if m["q"] else 0
    return (f"{m['year']}-Q{q}" if q else m["year"]), int(m["year"]), q


def _date(v: Any, cell: _Cell) -> Optional[_dt.date]:
    if _blank(v):
        return None
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    try:
        return _dt.date.fromisoformat(str(v).strip())
    except ValueError:
        raise _fail(cell, "a date YYYY-MM-DD", v) from None


def _rows_csv(path: Path) -> Tuple[List[str], List[Tuple[int, List[Any]]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReturnsError(f"{path}: expected UTF-8 text, found a byte that is not ({e.reason} at byte {e.start})") \
            from None
    lines = list(csv.reader(text.splitlines()))
    if not lines:
        raise ReturnsError(f"{path}: expected a header row with the columns {list(REQUIRED)}, found an empty file")
    return [h.strip() for h in lines[0]], [(i + 2, r) for i, r in enumerate(lines[1:])]


def _rows_xlsx(path: Path) -> Tuple[List[str], List[Tuple[int, List[Any]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(str(path), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        raise ReturnsError(f"{path}: expected an xlsx workbook, found a file openpyxl cannot read ({e})") from None
    try:
        ws = wb["returns"] if "returns" in wb.sheetnames else wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        raise ReturnsError(f"{path}: sheet {ws.title!r}: expected a header row, found an empty sheet")
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    return header, [(i + 2, list(r)) for i, r in enumerate(rows[1:])]


def _read_file(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise ReturnsError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header, rows = _rows_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        header, rows = _rows_xlsx(path)
    else:
        raise ReturnsError(f"{path}: expected a .csv or .xlsx returns file, found {suffix or 'no extension'!r}")
    while header and not header[-1]:
        header.pop()
    names = [h.lower() for h in header]
    for j, h in enumerate(names):
        if h not in COLUMNS:
            raise ReturnsError(f"{path}:row 1: column {_letter(j)}: expected one of {list(COLUMNS)}, "
                               f"found {header[j]!r}")
        if names.index(h) != j:
            raise ReturnsError(f"{path}:row 1: column {_letter(j)}: column {h!r} appears twice "
                               f"(first in column {_letter(names.index(h))})")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ReturnsError(f"{path}:row 1: expected the columns {list(REQUIRED)}, found no column {missing}")
    col = {h: j for j, h in enumerate(names)}
    out: List[Dict[str, Any]] = []
    for rownum, raw in rows:
        if all(_blank(v) for v in raw):
            continue
        if len(raw) > len(names) and any(not _blank(v) for v in raw[len(names):]):
            j = len(names) + next(i for i, v in enumerate(raw[len(names):]) if not _blank(v))
            raise ReturnsError(f"{path}:row {rownum}: column {_letter(j)}: expected no value beyond the "
                               f"{len(names)} named columns, found {raw[j]!r}")

        def get(name: str) -> Tuple[Any, _Cell]:
            j = col.get(name, -1)
            cell = _Cell(str(path), rownum, j if j >= 0 else len(names), name)
            return (raw[j] if 0 <= j < len(raw) else None), cell

        v, c = get("evidence")
        evidence = _text(v, c, True).lower().replace("_", "-").replace(" ", "-")
        if evidence not in EVIDENCE:
            raise _fail(c, f"one of {list(EVIDENCE)}", v)
        label, year, quarter = _period(*get("period"))
        v, c = get("gross")
        gross = _number(v, c, evidence != "missing")
        if evidence == "missing" and not math.isnan(gross):
            raise _fail(c, "no gross value on a return marked missing", v)
        v, c = get("net")
        net = _number(v, c, False)
        if not math.isnan(net) and not math.isnan(gross) and net > gross * (1 + 1e-12):
            raise _fail(c, f"a net value <= the gross value {gross:g} (net is part of gross)", v)
        out.append(dict(
            period=label, year=year, quarter=quarter,
            option=_text(*get("option"), True), measure=_text(*get("measure"), True),
            unit=_text(*get("unit"), True), gross=gross, net=net, place=_text(*get("place"), False),
            evidence=evidence, source=_text(*get("source"), False), contract=_text(*get("contract"), False),
            submitted=_date(*get("submitted")), out_of=_text(*get("out_of"), False), file=str(path), row=rownum))
    return pd.DataFrame(out, columns=["period", "year", "quarter", "option", "measure", "unit", "gross", "net",
                                      "place", "evidence", "source", "contract", "submitted", "out_of", "file",
                                      "row"])


def _check_duplicates(df: pd.DataFrame) -> None:
    seen: Dict[Tuple, Tuple[str, int]] = {}
    for r in df.itertuples(index=False):
        key = (r.period, r.option, r.measure, r.place)
        if key in seen:
            f, n = seen[key]
            raise ReturnsError(f"{r.file}:row {r.row}: a second return for period {r.period}, option {r.option!r}, "
                               f"measure {r.measure!r}" + (f", place {r.place!r}" if r.place else "") +
                               f": expected one per period, option, measure and place, found it first at "
                               f"{f}:row {n}")
        seen[key] = (r.file, r.row)
    # A year reported whole and by quarter would count twice.
    for (option, measure, place, year), g in df.groupby(["option", "measure", "place", "year"]):
        if (g["quarter"] == 0).any() and (g["quarter"] > 0).any():
            a, b = g[g["quarter"] == 0].iloc[0], g[g["quarter"] > 0].iloc[0]
            raise ReturnsError(f"{b.file}:row {b.row}: option {option!r}, measure {measure!r}: year {year} is "
                               f"reported whole at {a.file}:row {a.row} and by quarter here: expected one or the "
                               f"other")


class Returns:
    """Delivery returns read from one or more files: :attr:`table` holds one row per return with ``period``,
    ``year``, ``quarter`` (0 for a whole year), ``option``, ``measure``, ``unit``, ``gross``, ``net`` (NaN when not
    reported), ``place``, ``evidence``, ``source``, ``contract``, ``submitted`` and where it came from (``file``,
    ``row``). :meth:`resolve` checks them against a scenario."""

    def __init__(self, table: pd.DataFrame):
        self.table = table.reset_index(drop=True)

    def __len__(self) -> int:
        return len(self.table)

    def __repr__(self) -> str:
        t = self.table
        years = sorted(set(t["year"])) if len(t) else []
        return (f"<Returns: {len(t)} rows, {t['option'].nunique() if len(t) else 0} options, periods "
                f"{years[0] if years else '-'}-{years[-1] if years else '-'}>")

    @property
    def years(self) -> List[int]:
        return sorted(int(y) for y in set(self.table["year"]))

    def resolve(self, scenario: Any) -> pd.DataFrame:
        """The returns checked against a scenario: every option funded, every measure an outcome the option
        delivers (directly or through one link, docs/formats/returns.md), the unit the outcome's, the year inside
        the appraisal. Adds ``outcome`` (the measure's outcome id) and ``t`` (appraisal year index).

        Raises
        ------
        ReturnsError
            Naming the file, row and column of the first return that does not fit the scenario.
        """
        from .projection import measure_paths  # same layer: the projection knows how an option delivers a measure

        core = getattr(scenario, "core", scenario)
        meta = core.meta
        funded = {core.options[f.option].id for f in core.funded}
        units = {o.id: o.unit for o in core.outcomes}
        indicators = _declared(scenario)
        rows = []
        for r in self.table.to_dict("records"):
            where = f"{r['file']}:row {r['row']}"
            if r["option"] not in funded:
                raise ReturnsError(f"{where}: column option: expected an option the scenario funds "
                                   f"({', '.join(sorted(funded))}), found {r['option']!r}")
            outcome = r["measure"]
            if outcome not in units and outcome in MEASURE_ALIASES:
                outcome = indicators.get(MEASURE_ALIASES[outcome]) or ""
                if not outcome:
                    raise ReturnsError(f"{where}: column measure: the scenario declares no outcome for the "
                                       f"indicator {r['measure']!r} (its indicators: section)")
            if outcome not in units:
                raise ReturnsError(f"{where}: column measure: expected an outcome id of the scenario or one of "
                                   f"{sorted(MEASURE_ALIASES)}, found {r['measure']!r}")
            if not measure_paths(core, r["option"], outcome):
                raise ReturnsError(f"{where}: column measure: option {r['option']!r} does not deliver {outcome!r} "
                                   f"(neither an output of it nor one lag-0 linear link from one of its outputs); "
                                   f"its outputs are {sorted(o.outcome for o in _option(core, r['option']).outputs)}")
            if normal_unit(r["unit"]) != normal_unit(units[outcome]):
                raise ReturnsError(f"{where}: column unit: expected the unit of {outcome!r}, {units[outcome]!r}, "
                                   f"found {r['unit']!r} (convert the value, do not relabel it)")
            t = r["year"] - int(meta.first_year)
            if not 0 <= t < int(meta.horizon):
                raise ReturnsError(f"{where}: column period: expected a year of the appraisal "
                                   f"{meta.first_year}-{int(meta.first_year) + int(meta.horizon) - 1}, found "
                                   f"{r['period']}")
            base = ""
            if r["out_of"]:
                base = r["out_of"]
                if base not in units and base in MEASURE_ALIASES:
                    base = indicators.get(MEASURE_ALIASES[base]) or ""
                if base not in units or not measure_paths(core, r["option"], base):
                    raise ReturnsError(f"{where}: column out_of: expected a measure option {r['option']!r} delivers "
                                       f"(the trials of a binomial return), found {r['out_of']!r}")
                if base == outcome:
                    raise ReturnsError(f"{where}: column out_of: expected another measure than the return's own, "
                                       f"found {r['out_of']!r}")
            rows.append({**r, "outcome": outcome, "t": t, "base": base})
        out = pd.DataFrame(rows, columns=list(self.table.columns) + ["outcome", "t", "base"])
        # Two names for one outcome (an alias and its outcome id) are a duplicate too.
        _check_duplicates(out.assign(measure=out["outcome"]))
        out["trials"] = np.nan
        made = out[out["evidence"] != "missing"]
        index = {(r.period, r.option, r.outcome, r.place): r.gross for r in made.itertuples()}
        for i, r in out[(out["base"] != "") & (out["evidence"] != "missing")].iterrows():
            n = index.get((r["period"], r["option"], r["base"], r["place"]))
            where = f"{r['file']}:row {r['row']}: column out_of"
            if n is None:
                raise ReturnsError(f"{where}: expected a return of {r['base']!r} for option {r['option']!r}, period "
                                   f"{r['period']}" + (f", place {r['place']!r}" if r["place"] else "") +
                                   " (the trials), found none")
            if r["gross"] > n:
                raise ReturnsError(f"{where}: expected at most the {n:g} {r['base']} returned (the trials), found a "
                                   f"gross of {r['gross']:g}")
            out.loc[i, "trials"] = n
        for (year, option, outcome), g in out[out["evidence"] != "missing"].groupby(["year", "option", "outcome"]):
            if g["base"].nunique() > 1:
                r = g.iloc[0]
                raise ReturnsError(f"{r['file']}:row {r['row']}: column out_of: option {option!r}, measure "
                                   f"{outcome!r}, {year}: expected every return of the year out of the same measure "
                                   f"(or none), found {sorted(set(g['base']))}")
        return out


def _option(core: Any, oid: str) -> Any:
    for o in core.options:
        if o.id == oid:
            return o
    raise ReturnsError(f"unknown option {oid!r}")


def _declared(scenario: Any) -> Dict[str, Optional[str]]:
    """indicator -> outcome id from the scenario document (defaults of socval.indicators)."""
    from ..indicators.local_economy import declared_indicators

    return declared_indicators(scenario if hasattr(scenario, "document") else None)


def returns_from_frame(df: pd.DataFrame, name: str = "<frame>") -> Returns:
    """Returns from a pandas DataFrame with the columns of a returns file (checked as a file would be)."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "returns.csv"
        df.to_csv(path, index=False)
        table = _read_file(path)
    table["file"] = name
    _check_duplicates(table)
    return Returns(table)


def load_returns(*paths: Union[str, "Path", Sequence[Union[str, Path]]]) -> Returns:
    """Read delivery returns from CSV or xlsx files (docs/formats/returns.md), every row checked.

    Parameters
    ----------
    *paths
        One or more ``.csv`` or ``.xlsx`` files (a list works too); an xlsx file is read from its sheet
        ``returns``, or its first sheet.

    Returns
    -------
    Returns
        All rows of all files; check them against a scenario with :meth:`Returns.resolve`.

    Raises
    ------
    ReturnsError
        A file that cannot be read, an unknown or missing column, a value of the wrong type (with the file, row
        and column letter), or two returns for the same period, option, measure and place (naming both rows).
    """
    flat: List[Path] = []
    for p in paths:
        if isinstance(p, (list, tuple)):
            flat += [Path(x) for x in p]
        else:
            flat.append(Path(p))
    if not flat:
        raise ReturnsError("load_returns: expected at least one returns file, found none")
    frames = [_read_file(p) for p in flat]
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if not len(table):
        raise ReturnsError(f"{', '.join(map(str, flat))}: expected at least one return, found only a header")
    _check_duplicates(table)
    return Returns(table)
