"""One number style for everything socval prints for a person (the terminal, ``Evaluation.summary()``).

Money in GBP m or GBP k (one scale per table, the price base in the heading), counts with thousands separators,
ratios (BCR, SROI) to two decimals, probabilities to two decimals, and round-off shown as 0 (a value that rounds
to zero at the printed precision prints ``0``, never ``-0.00`` or ``-1.14e-09``). Tables fit 100 columns: pandas
wraps the columns that do not fit into further blocks. ``docs/guide/cli.md`` ("How numbers are printed").
"""
from __future__ import annotations

import math
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

import numpy as np
import pandas as pd

__all__ = ["WIDTH", "money_scale", "money", "count", "ratio", "probability", "number", "format_column",
           "format_table", "text_table", "money_heading", "RATIO_METRICS", "is_money_unit", "top", "ranking_text",
           "frame_to_text", "money_table", "summary_text"]

#: Width of the terminal tables (characters).
WIDTH = 100

#: Metrics that are ratios (break-even at 1, printed to two decimals, ``P(>1)`` not ``P(>0)``).
RATIO_METRICS = ("bcr", "bcr_all_costs", "sroi", "place_bcr", "place_bcr_all_costs", "place_sroi")

_SCALES = {"m": 1e6, "k": 1e3, "": 1.0}


def _finite(x: Any) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _fixed(x: float, decimals: int, tiny: float = 1e-9) -> str:
    """x with thousands separators and ``decimals`` places; round-off (|x| < tiny) prints '0', and a small value
    that rounds to zero prints without a sign ('0.00', never '-0.00')."""
    if not _finite(x):
        return "n/a"
    x = float(x)
    if abs(x) < tiny:
        return "0"
    text = f"{x:,.{decimals}f}"
    if float(text.replace(",", "")) == 0.0:
        return text.lstrip("-")
    return text


def money_scale(values: Iterable[Any]) -> str:
    """'m' when the largest magnitude is at least GBP 1m, 'k' when at least GBP 1,000, else '' (pounds)."""
    finite = [abs(float(v)) for v in values if _finite(v)]
    biggest = max(finite, default=0.0)
    return "m" if biggest >= 1e6 else "k" if biggest >= 1e3 else ""


def money_heading(scale: str, price_base_year: Optional[int] = None, present_value: bool = True) -> str:
    """'GBP m, 2024 prices, present values' (the heading a money table carries)."""
    parts = [f"GBP {scale}".strip()]
    if price_base_year is not None:
        parts.append(f"{price_base_year} prices")
    if present_value:
        parts.append("present values")
    return ", ".join(parts)


def money(x: Any, scale: Optional[str] = None, unit: bool = True) -> str:
    """GBP in millions ('GBP 2.10m'), thousands ('GBP 934.6k') or pounds ('GBP 412'); scale None picks one."""
    if not _finite(x):
        return "n/a"
    scale = money_scale([x]) if scale is None else scale
    decimals = {"m": 2, "k": 1, "": 0}[scale]
    # round-off below half a penny is 0
    text = _fixed(float(x) / _SCALES[scale], decimals, tiny=0.005 / _SCALES[scale])
    return f"GBP {text}{scale}" if unit else text


def count(x: Any) -> str:
    """A count or physical quantity: thousands separators, whole numbers from 100 up, one decimal below."""
    if not _finite(x):
        return "n/a"
    return _fixed(x, 0 if abs(float(x)) >= 100 or float(x).is_integer() else 1)


def ratio(x: Any) -> str:
    """A ratio (BCR, SROI, variance reduction) to two decimals; 'n/a' when undefined (e.g. no costs)."""
    return _fixed(x, 2)


def probability(x: Any) -> str:
    """A probability or share to two decimals (0.98)."""
    return _fixed(x, 2)


def number(x: Any) -> str:
    """Any other number: four significant figures with separators, round-off (|x| < 1e-9) as 0."""
    if not _finite(x):
        return "n/a"
    x = float(x)
    if abs(x) < 1e-9:
        return "0"
    if abs(x) >= 1000:
        return _fixed(x, 0)
    # four significant figures, never in scientific notation (0.00005487, not 5.487e-05)
    return np.format_float_positional(x, precision=4, unique=False, fractional=False, trim="-")


def format_column(values: Iterable[Any], kind: str, scale: str = "") -> list:
    """Strings of a column of one kind: 'money' (at ``scale``), 'count', 'ratio', 'probability', 'number' or
    'text'."""
    if kind == "money":
        return [money(v, scale, unit=False) for v in values]
    if kind == "text":
        return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in values]
    return [{"count": count, "ratio": ratio, "probability": probability, "number": number}[kind](v)
            for v in values]


def _is_probability(column: str) -> bool:
    return column.startswith(("P(", "rank ")) or column in ("share", "confidence", "probability") or column.startswith("p_")


def format_table(df: pd.DataFrame, kinds: Optional[Mapping[str, str]] = None,
                 money_columns: Iterable[str] = ()) -> Tuple[pd.DataFrame, str]:
    """A copy of ``df`` with every column as text in socval's number style, and the money scale used ('m', 'k'
    or '').

    ``kinds`` maps columns to a kind (see :func:`format_column`); other numeric columns are probabilities when
    named ``P(...)``, ``share`` or ``confidence``, money when listed in ``money_columns``, else numbers. All money
    columns of a table share one scale."""
    kinds = dict(kinds or {})
    for c in money_columns:
        if c in df.columns:
            kinds.setdefault(c, "money")
    for c in df.columns:
        if c in kinds:
            continue
        if not pd.api.types.is_numeric_dtype(df[c]):
            kinds[c] = "text"
        elif _is_probability(str(c)):
            kinds[c] = "probability"
        else:
            kinds[c] = "number"
    money_values = [v for c in df.columns if kinds[c] == "money" for v in df[c].to_numpy()]
    scale = money_scale(money_values)
    out = pd.DataFrame({c: format_column(df[c].to_numpy(), kinds[c], scale) for c in df.columns}, index=df.index)
    return out, scale


def text_table(df: pd.DataFrame, kinds: Optional[Mapping[str, str]] = None, money_columns: Iterable[str] = (),
               width: int = WIDTH) -> str:
    """A table for the terminal, in socval's number style, at most ``width`` characters wide (columns that do not
    fit wrap into further blocks; long text cells are shortened with '...')."""
    text, _ = format_table(df, kinds, money_columns)
    return frame_to_text(text, width)


def frame_to_text(text: pd.DataFrame, width: int = WIDTH) -> str:
    """An all-text DataFrame as terminal text at most ``width`` wide (cells over width / 2 shortened)."""
    limit = max(12, width // 2)

    def cut(s: Any) -> str:
        s = str(s)
        return s if len(s) <= limit else s[:limit - 3] + "..."
    text = text.apply(lambda col: col.map(cut)) if len(text.columns) else text
    if isinstance(text.index, pd.MultiIndex):
        text.index = pd.MultiIndex.from_tuples([tuple(cut(v) for v in t) for t in text.index],
                                               names=text.index.names)
    else:
        text.index = pd.Index([cut(v) for v in text.index], name=text.index.name)
    with pd.option_context("display.width", width, "display.max_columns", None, "display.max_rows", None,
                           "display.max_colwidth", limit, "display.expand_frame_repr", True):
        return text.to_string(line_width=width)


def is_money_unit(unit: Any) -> bool:
    """Whether a unit label is money (``GBP``, ``GBP (2024 prices), present value``)."""
    return isinstance(unit, str) and unit.startswith("GBP")


def top(df: pd.DataFrame, n: Optional[int]) -> Tuple[pd.DataFrame, str]:
    """The first ``n`` rows of a ranking and a note of how many were left out ('' when none)."""
    if n is None or n >= len(df):
        return df, ""
    if n < 1:
        raise ValueError(f"--top: expected a whole number >= 1, found {n}")
    return df.head(n), f"({len(df) - n} more not shown: use --top {len(df)} to see them all)"


def kinds_by_name(columns: Iterable[str], money: Iterable[str] = (), ratios: Iterable[str] = ()) -> Dict[str, str]:
    """Kinds for columns named in ``money`` and ``ratios``."""
    money, ratios = set(money), set(ratios)
    return {c: "money" if c in money else "ratio" for c in columns if c in money or c in ratios}


def ranking_text(df: pd.DataFrame, names: Iterable[Any], kinds: Optional[Mapping[str, str]] = None,
                 name_header: str = "input", width: int = WIDTH) -> str:
    """A ranking for the terminal: rank, the number columns of ``df`` in socval's style, then each row's name,
    left-aligned and last so that a long parameter name is shortened only beyond ``width``."""
    text, _ = format_table(df, kinds)
    columns = ["#"] + [str(c) for c in text.columns]
    cells = [[str(i)] + [str(v) for v in row] for i, row in enumerate(text.itertuples(index=False), 1)]
    widths = [max([len(columns[j])] + [len(r[j]) for r in cells]) for j in range(len(columns))]

    names = [str(n) for n in names]
    left_width = sum(widths) + len(widths) - 1
    if left_width + 2 + max([len(name_header)] + [len(n) for n in names]) <= width:  # one line per row
        def line(values: list, name: str) -> str:
            return (" ".join(v.rjust(w) for v, w in zip(values, widths)) + "  " + name).rstrip()
        return "\n".join([line(columns, name_header)] + [line(r, n) for r, n in zip(cells, names)])
    # names too long for one line: each row's name on its own line, its numbers below it
    indent = " " * (widths[0] + 1)
    room = width - len(indent)
    lines = [" ".join(v.rjust(w) for v, w in zip(columns, widths)) + f"   ({name_header} above its numbers)"]
    for r, n in zip(cells, names):
        n = n if len(n) <= room else n[:room - 3] + "..."
        lines.append(r[0].rjust(widths[0]) + " " + n)
        lines.append(indent + " ".join(v.rjust(w) for v, w in zip(r[1:], widths[1:])))
    return "\n".join(lines)


def money_table(title: str, df: pd.DataFrame, money_columns: Iterable[str] = (),
                kinds: Optional[Mapping[str, str]] = None, price_base_year: Optional[int] = None,
                present_value: bool = True) -> str:
    """A titled table whose money columns share one scale, named in the title with the price base:
    'Value by priority (GBP m, 2024 prices, present values)'."""
    text, scale = format_table(df, kinds, money_columns)
    heading = title
    if any(c in df.columns for c in money_columns):
        heading = f"{title} ({money_heading(scale, price_base_year, present_value)})"
    return f"{heading}\n{frame_to_text(text)}"


def summary_text(table: pd.DataFrame, draws: Any, price_base_year: Optional[int]) -> str:
    """A Results.summary() table for a person, in three tables: money (one scale, with the price base, P(>0)),
    ratios (BCR and SROI with P(>1), the chance the benefits exceed the costs, from ``draws(metric)``) and
    physical outcomes (counts; totals in GBP are undiscounted)."""
    from .labels import metric_label
    stats = ["mean", "sd", "p5", "p50", "p95"]
    totals = table.index.str.startswith("outcome.")  # physical totals, GBP ones undiscounted
    is_money = table["unit"].map(is_money_unit).to_numpy(dtype=bool) & ~totals
    ratios = table.index.isin(RATIO_METRICS)
    parts = []
    money_rows = table[is_money & ~ratios].rename(index=metric_label)
    if len(money_rows):
        parts.append(money_table("Money", money_rows[stats + ["P(>0)"]], stats, None, price_base_year))
    ratio_rows = table[ratios]
    if len(ratio_rows):
        ratio_rows = ratio_rows[stats].assign(**{"P(>1)": [float(np.mean(np.asarray(draws(m)) > 1))
                                                             for m in ratio_rows.index]})
        ratio_rows = ratio_rows.rename(index=metric_label)
        parts.append("Ratios (P(>1): the chance benefits exceed costs)\n"
                     "(bcr on public sector cost, the headline; bcr_all_costs on all costs to UK society)\n" +
                     text_table(ratio_rows, {c: "ratio" for c in stats}))
    other = table[~is_money & ~ratios]
    if len(other):
        other = other.rename(index=lambda m: m[len("outcome."):] if m.startswith("outcome.") else m)
        parts.append("Outcomes (physical totals over the horizon, undiscounted)\n" +
                     text_table(other[["unit"] + stats + ["P(>0)"]], {c: "count" for c in stats}))
    return "\n\n".join(parts)
