"""HTML building blocks of the notebook summaries (``_repr_html_`` of Scenario, Results, Comparison).

Every text goes through :func:`esc` (``html.escape``) here, so a scenario, option or priority named
``<script>alert(1)</script>`` is shown as text, never run: callers pass plain strings, not HTML.
"""
from __future__ import annotations

import math
from html import escape
from typing import Any, Iterable, Optional, Sequence

_STYLE = ("border-collapse:collapse;font-size:0.9em;margin:0.3em 0", "padding:0.15em 0.6em;text-align:left",
          "padding:0.15em 0.6em;text-align:right")


def esc(x: Any) -> str:
    """Text made safe to put in HTML (``&``, ``<``, ``>``, quotes escaped)."""
    return escape(str(x), quote=True)


def money(x: Any) -> str:
    """GBP with thousands separators, no pence ('n/a' for NaN)."""
    return "n/a" if x is None or not math.isfinite(float(x)) else f"{float(x):,.0f}"


def ratio(x: Any) -> str:
    return "n/a" if x is None or not math.isfinite(float(x)) else f"{float(x):.3f}"


def prob(x: Any) -> str:
    return "n/a" if x is None or not math.isfinite(float(x)) else f"{float(x):.2f}"


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], first_text: int = 1) -> str:
    """An HTML table; the first ``first_text`` columns are text (left aligned), the others numbers (right)."""
    th = "".join(f'<th style="{_STYLE[1] if i < first_text else _STYLE[2]}">{esc(h)}</th>'
                 for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f'<td style="{_STYLE[1] if i < first_text else _STYLE[2]}">{esc(c)}</td>'
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f'<table style="{_STYLE[0]}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def block(kind: str, title: str, lines: Sequence[str] = (), tables: Sequence[str] = (),
          warnings: Sequence[str] = (), note: Optional[str] = None) -> str:
    """A summary block: bold kind, escaped title, escaped lines, tables (already HTML), escaped warnings."""
    parts = [f'<div class="socval-{esc(kind.lower())}">',
             f"<p><strong>socval.{esc(kind)}</strong> {esc(title)}</p>"]
    parts += [f'<p style="margin:0.2em 0">{esc(line)}</p>' for line in lines if line]
    parts += list(tables)
    if note:
        parts.append(f'<p style="margin:0.2em 0;font-size:0.85em">{esc(note)}</p>')
    if warnings:
        parts.append("<p style=\"margin:0.2em 0\">Warnings:</p><ul>" +
                     "".join(f"<li>{esc(w)}</li>" for w in warnings) + "</ul>")
    parts.append("</div>")
    return "".join(parts)
