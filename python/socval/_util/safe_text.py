"""Text from users made safe for the places socval exports it: spreadsheet cells (CSV injection), bidirectional
control characters (isolated in HTML, stripped elsewhere) and very long names (shortened for charts).

The CSV rule is OWASP's ("CSV Injection"): a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is prefixed with a single quote so that a spreadsheet shows it as text instead of running it as a formula.
Numbers are never touched: -3.5 stays the number -3.5.
"""
from __future__ import annotations

from typing import Any, List

__all__ = ["BIDI_CONTROLS", "neutralise_cell", "neutralise_frame", "strip_bidi", "isolate_bidi", "shorten"]

#: Characters that start a formula in Excel, LibreOffice or Google Sheets (OWASP CSV injection rule).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_EMBEDDINGS = "\u202a\u202b\u202d\u202e"  # LRE, RLE, LRO, RLO: closed by PDF (U+202C)
_ISOLATES = "\u2066\u2067\u2068"           # LRI, RLI, FSI: closed by PDI (U+2069)
_PDF, _PDI = "\u202c", "\u2069"
#: Unicode bidirectional formatting characters (UAX #9, table 1: embeddings, overrides, isolates, marks).
BIDI_CONTROLS = _EMBEDDINGS + _ISOLATES + _PDF + _PDI + "\u200e\u200f\u061c"


def neutralise_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'``; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_frame(df):
    """A copy of DataFrame ``df`` whose text cells, column names and index labels cannot run as formulas; numeric
    columns stay numeric."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(lambda v: strip_bidi(neutralise_cell(v)) if isinstance(v, str) else v)
    out.columns = _safe_labels(out.columns)
    out.index = _safe_labels(out.index)
    return out


def _safe_labels(index):
    """Index or column labels made safe, level by level (a MultiIndex stays a MultiIndex)."""
    import pandas as pd

    def safe(v):
        return strip_bidi(neutralise_cell(v)) if isinstance(v, str) else v

    if isinstance(index, pd.MultiIndex):
        return index.set_levels([level.map(safe) if level.dtype == object else level for level in index.levels])
    return index.map(safe) if index.dtype == object else index


def strip_bidi(text: str) -> str:
    """``text`` without bidirectional control characters (for CSV, Markdown, terminals and charts)."""
    if not any(c in text for c in BIDI_CONTROLS):
        return text
    return "".join(c for c in text if c not in BIDI_CONTROLS)


def isolate_bidi(text: str) -> str:
    """``text`` as a first-strong isolate (U+2068 ... U+2069) whose own bidi controls cannot leak out: every
    embedding or isolate it opens is closed inside, and a closing PDI without its opener is dropped. Text without
    bidi controls is returned unchanged. Plain characters, so it is safe in HTML text and attributes alike."""
    if not any(c in text for c in BIDI_CONTROLS):
        return text
    out: List[str] = ["\u2068"]
    stack: List[str] = []  # open embeddings ("E") and isolates ("I"), innermost last
    for c in text:
        if c in _EMBEDDINGS:
            stack.append("E")
        elif c in _ISOLATES:
            stack.append("I")
        elif c == _PDF:
            if not stack or stack[-1] != "E":
                continue  # no embedding open inside the current isolate: drop it
            stack.pop()
        elif c == _PDI:
            if "I" not in stack:
                continue  # would close our own isolate: drop it
            while stack.pop() != "I":  # a PDI also closes the embeddings opened inside its isolate
                pass
        out.append(c)
    for kind in reversed(stack):
        out.append(_PDF if kind == "E" else _PDI)
    out.append(_PDI)
    return "".join(out)


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to at most ``limit`` characters per line with an ellipsis (chart labels and titles); the line
    breaks of a wrapped label are kept, other runs of white space become one space."""
    lines = [strip_bidi(" ".join(line.split())) for line in str(text).split("\n")]
    return "\n".join(line if len(line) <= limit else line[: max(1, limit - 1)].rstrip() + "\u2026"
                     for line in lines)
