"""Rendering a report: what the templates receive, the Jinja2 environments (HTML autoescaped, Markdown escaped by
:func:`md_escape`), Markdown pipe tables, charts as data URIs, and the PDF of the HTML (WeasyPrint)."""
from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .._util.safe_text import strip_bidi
from .assumptions import assumptions
from .charts import _Chart
from .content import _Content
from .distribution import who_benefits
from .methodology import methodology
from .reproducibility import reproducibility
from .discovery import discovery_section
from .review import review_section
from .summary import notes, summary
from .tables import _Table, by_priority_table, headline_table, options_table, sensitivity_tables
from .._core import __version__

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _environment(fmt: str):
    import jinja2
    from markupsafe import Markup

    if fmt == "html":
        from .._util.safe_text import isolate_bidi

        # Text with bidi controls becomes an isolate (U+2068 ... U+2069): a right-to-left override in a name cannot
        # reorder the text around it. Autoescape still applies to the result.
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                                 undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                 finalize=lambda v: isolate_bidi(v) if isinstance(v, str) and
                                 not isinstance(v, Markup) else v)
        env.filters["breakable"] = breakable
        return env, Markup
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             finalize=lambda v: v if isinstance(v, Markup) else md_escape(v))
    env.filters["fence"] = lambda s: Markup(_fence(str(s)))
    return env, Markup


#: Characters after which a long token (a parameter id, a key path, a URL, file:line) may wrap: at these, never
#: inside a word (the CSS has no break-all).
BREAK_AFTER = "._/>=,&?:"
_LONG_TOKEN = re.compile(r"(\S{16,})")
_BREAK_POINT = re.compile(r"(?<=[%s])(?=\S)" % re.escape(BREAK_AFTER))


def breakable(value: Any) -> Any:
    """HTML of a table cell's text with a break opportunity (``<wbr>``) after each of :data:`BREAK_AFTER` in its
    tokens of 16 characters or more, so that long ids wrap at sensible points; escaped (a Markup is left as is)."""
    from markupsafe import Markup, escape

    from .._util.safe_text import isolate_bidi

    if isinstance(value, Markup):
        return value
    parts = _LONG_TOKEN.split(isolate_bidi(str(value)))  # odd indices: the long tokens
    return Markup("").join(Markup("<wbr>").join(_BREAK_POINT.split(part)) if i % 2 else escape(part)
                           for i, part in enumerate(parts))


def md_escape(value: Any, table: bool = False) -> str:
    """Text for Markdown, shown as typed by CommonMark and pandoc: newlines become spaces; backslash, backtick, *
    and ~ are backslash-escaped everywhere; _ at a word boundary, ] before ( [ or :, & before an entity, and a
    heading, quote or list marker at the start of a paragraph; < becomes &lt; (no HTML can start); in table cells
    | too. Characters that cannot change the rendering are left alone: the text stays readable before conversion."""
    if value is None:
        return ""
    s = strip_bidi(" ".join(str(value).split()))  # no bidi control can reorder the Markdown around it
    s = s.replace("\\", "\\\\")
    s = re.sub(r"([`*~])", r"\\\1", s)
    s = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", s)
    s = re.sub(r"\](?=[(\[:])", r"\\]", s)
    s = re.sub(r"&(?=#?\w+;)", r"\\&", s)
    s = s.replace("<", "&lt;")
    if table:  # a cell starts no block: no heading, quote or list to prevent, but a | would end it
        return s.replace("|", "\\|")
    s = re.sub(r"^(#|>|[-+](?=\s|$))", r"\\\1", s)
    return re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", s)


def _fence(text: str) -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}sh\n{text}\n{ticks}"


def _md_table(t: _Table) -> str:
    def row(cells: Sequence[str]) -> str:
        return "| " + " | ".join(md_escape(c, table=True) for c in cells) + " |"

    align = ["---:" if n else ":---" for n in t.numeric]
    return "\n".join([row(t.columns), "| " + " | ".join(align) + " |"] + [row(r) for r in t.rows])


def _walk_tables(ctx: Any):
    if ctx is None:
        return
    if isinstance(ctx, _Table):
        yield ctx
    elif isinstance(ctx, Mapping):
        for v in ctx.values():
            yield from _walk_tables(v)
    elif isinstance(ctx, (list, tuple)):
        for v in ctx:
            yield from _walk_tables(v)


def _context(content: _Content, path: Optional[Path], fmt: str, pdf: bool, found: Any = None,
             discovered: Any = ()) -> Dict[str, Any]:
    """What the templates receive (all but the charts): every section of the report as text and tables."""
    return {
        "kicker": "Annex: social value appraisal", "title": content.title, "subtitle": content.subtitle(),
        "generator": f"socval {__version__}", "created": content.created,
        "summary": summary(content), "headline": headline_table(content), "notes": notes(content),
        "by_priority": by_priority_table(content), "options": options_table(content),
        "who": who_benefits(content),
        "sensitivity_tables": sensitivity_tables(content),
        "methodology": methodology(content), "assumptions": assumptions(content),
        "review": review_section(content, found),
        "discovery": discovery_section(list(discovered)),
        "reproducibility": reproducibility(content, path, fmt, pdf),
    }


def _render(content: _Content, charts: List[_Chart], fmt: str, path: Optional[Path], pdf: bool,
            found: Any = None, discovered: Any = ()) -> str:
    env, Markup = _environment(fmt)
    ctx = _context(content, path, fmt, pdf, found, discovered)
    ctx["charts"] = charts
    if fmt == "html":
        ctx["css"] = Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))
        return env.get_template("report.html.j2").render(**ctx)
    for t in _walk_tables(ctx):
        t.markdown = Markup(_md_table(t))
    for c in charts:  # a URL-quoted file name or a data: URI, built here: not text to escape
        c.src = Markup(c.src)
    return env.get_template("report.md.j2").render(**ctx)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _pdf_bytes(html: str) -> bytes:
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # unsupported screen-only CSS is not worth a warning
    return weasyprint.HTML(string=html, base_url=None).write_pdf()

