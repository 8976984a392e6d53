"""``report()``: the decision-paper annex of a Results or a Comparison, as text or written to files (HTML and its
PDF, or Markdown with PNG charts, and CSV tables)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional, Union
from urllib.parse import quote

from ..engine.comparison import Comparison
from ..engine.results import Results
from .assumptions import assumptions_frame
from .charts import draw_charts
from .content import _Content
from .distribution import (by_decile_frame, by_place_frame, by_quintile_frame, by_year_frame, fairness_frame,
                           local_by_place_frame)
from .files import PathLike, _csv_text, _write_atomic, companion_paths
from .pairing import comparison_from_results
from .render import _data_uri, _pdf_bytes, _render
from .discovery import discoveries_of, discovery_charts
from .review import review_of
from .tables import by_priority_frame, headline_frame, summary_frame

# Output formats (documented where socval.report re-exports it).
FORMATS = ("html", "md")


def _format_of(format: Optional[str], path: Optional[Path]) -> str:
    """The format asked for, else ``md`` for a Markdown path and ``html`` otherwise."""
    if format is None:
        return "md" if path is not None and path.suffix.lower() in (".md", ".markdown") else "html"
    if format not in FORMATS:
        raise ValueError(f"report: format: expected one of {', '.join(FORMATS)}, found {format!r}")
    return format


def _as_reportable(obj: Any) -> Any:
    """A Results or a Comparison from what report() takes (a list of Results is checked and paired first)."""
    if isinstance(obj, (Results, Comparison)):
        return obj
    if isinstance(obj, (list, tuple)) and obj and all(isinstance(r, Results) for r in obj):
        return obj[0] if len(obj) == 1 else comparison_from_results(obj)
    raise TypeError(f"report: expected a socval.Results, a socval.Comparison or a list of Results, found "
                    f"{type(obj).__name__}")


def report(obj: Any, path: Optional[PathLike] = None, *, format: Optional[str] = None, pdf: bool = False,
           title: Optional[str] = None, sensitivity: Any = None, command: Optional[str] = None,
           csv: bool = False, review: Any = None, discovery: Any = None) -> Union[str, Path]:
    """The decision-paper annex of a simulation or a comparison of scenarios.

    Parameters
    ----------
    obj
        A ``socval.Results``, a ``socval.Comparison`` (scenarios on common random numbers) or a list of Results
        (checked to share their common random numbers, see :func:`comparison_from_results`).
    path
        Where to write; None returns the text. A ``.pdf`` path writes the PDF alone.
    format
        ``"html"`` (default; a self-contained page) or ``"md"`` (Markdown with pipe tables and the charts as PNG
        files in the folder ``<stem>_files`` beside it; with ``path=None`` the charts are embedded as data URIs).
        Default: ``"md"`` for a ``.md`` path, else ``"html"``.
    pdf
        Also write an A4 PDF beside the HTML (``<stem>.pdf``), rendered by WeasyPrint.
    title
        The report's title (default from the scenario names).
    sensitivity
        Sensitivity results to chart and cite among the risks: a tornado table, a ``SobolResult`` or a
        ``MorrisResult`` (from ``Scenario.sensitivity`` or :mod:`socval.sensitivity`), a list of them, or a
        mapping ``{label: result}``.
    command
        The command line that produced the report, shown in the reproducibility block (``socval report`` passes
        its own); default: the commands that reproduce it are built from the results.
    review
        The section "How far to trust these results" (socval.review, docs/guide/checklist.md): None (default) the
        checklist's findings on the scenario files; True also the trust analysis of a comparison (switching values
        against ranges, structural alternatives, the verdict; some seconds per scenario); a
        ``socval.review.ComparisonFindings`` from ``Comparison.check()`` (or Findings) to show as given; False to
        leave the section out.
    discovery
        A section "Where it fails: scenario discovery": a ``socval.discovery.Discovery`` (``Results.discover(...)``,
        ``Comparison.discover(...)``) or a list of them, each in plain words with its PRIM box limits, trade-off
        curve and limits chart (docs/model/discovery.md). Default None: no section.
    csv
        Also write the headline, summary, by-priority and assumptions tables as CSV (``<stem>-headline.csv``, ...).

    Returns
    -------
    str or pathlib.Path
        The HTML / Markdown text when ``path`` is None, else the path of the main file written (the PDF for a
        ``.pdf`` path). Every file is written atomically (a temporary file renamed when complete).

    Raises
    ------
    socval.DecisionError
        Results that do not share their common random numbers or price base.
    socval.SensitivityError
        A ``sensitivity`` item of an unknown kind.
    ValueError
        An unknown format, ``pdf``/``csv`` without a path, ``pdf`` with Markdown.
    """
    p = Path(os.fspath(path)) if path is not None else None
    fmt = _format_of(format, p)
    if p is None and (pdf or csv):
        raise ValueError("report: pdf=True and csv=True write files beside the report: give a path")
    if fmt == "md" and (pdf or (p is not None and p.suffix.lower() == ".pdf")):
        raise ValueError("report: a PDF is made from the HTML report: use format='html' with pdf=True")
    content = _Content(_as_reportable(obj), title, sensitivity, command)
    found = review_of(content, review)
    discovered = discoveries_of(discovery)
    charts = draw_charts(content) + discovery_charts(discovered)
    if p is None:
        for c in charts:
            c.src = _data_uri(c.png)
        return _render(content, charts, fmt, None, pdf, found, discovered)
    files = companion_paths(p, fmt, pdf, csv)
    if fmt == "md":
        folder = files["figures"]
        for i, c in enumerate(charts, start=1):
            name = f"figure-{i}-{c.id}.png"
            _write_atomic(folder / name, c.png)
            c.src = f"{quote(folder.name)}/{name}"
        _write_atomic(files["main"], _render(content, charts, fmt, p, pdf, found, discovered))
    else:
        for c in charts:
            c.src = _data_uri(c.png)
        html = _render(content, charts, fmt, p, pdf or "main" not in files, found, discovered)
        if "main" in files:
            _write_atomic(files["main"], html)
        if "pdf" in files:
            _write_atomic(files["pdf"], _pdf_bytes(html))
    if csv:
        frames = {"headline": headline_frame(content), "summary": summary_frame(content),
                  "by-priority": by_priority_frame(content), "assumptions": assumptions_frame(content)}
        for t, df in frames.items():
            _write_atomic(files[f"csv:{t}"], _csv_text(df))
        # Who benefits and where (docs/model/distribution.md): written when a scenario declares places or people.
        for t, df in {"by-place": by_place_frame(content), "by-quintile": by_quintile_frame(content),
                      "by-place-year": by_year_frame(content, "place"),
                      "by-quintile-year": by_year_frame(content, "quintile"),
                      "by-decile-year": by_year_frame(content, "decile"),
                      "local-by-place": local_by_place_frame(content), "by-decile": by_decile_frame(content),
                      "fairness": fairness_frame(content)}.items():
            if not df.empty:
                _write_atomic(p.with_name(f"{p.stem}-{t}.csv"), _csv_text(df))
    return files.get("main", files.get("pdf"))
