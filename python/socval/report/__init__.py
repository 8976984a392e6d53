"""Decision-paper reports: ``socval.report.report(results_or_comparison, "annex.html", pdf=True)``.

A report is written as an annex to a board decision paper: a summary in plain words generated from the numbers and
the headline table (:mod:`socval.indicators.headline`), value by priority, the charts (:mod:`socval.plots`, embedded as PNG),
the methodology statement (price base, discounting, optimism bias, additionality, valuation and the source of every
value, the simulation), the assumptions table (every uncertain parameter and its distribution) and a
reproducibility block (versions, scenario hashes and the commands that reproduce it).

Formats: one self-contained HTML page (no network access: CSS inline, charts as ``data:`` URIs) and its A4 PDF
(WeasyPrint), or Markdown with the charts as PNG files beside it, for pasting into Word; CSV tables on request.
Every text that comes from a user (scenario, option, outcome and priority names, titles) is escaped: HTML by
Jinja2's autoescape, Markdown by escaping its special characters.
"""
# The package, one purpose a file: annex.py (report), pairing.py (results on common random numbers), content.py (what
# every section is computed from), one file a section (summary, tables, methodology, assumptions, reproducibility,
# charts), text.py (numbers and words), render.py (templates, Markdown, PDF), files.py (companion paths, writes).
from . import annex
from .annex import report
from .files import companion_paths
from .pairing import check_common_random_numbers, comparison_from_results
from .xlsx import write_xlsx
from .render import md_escape  # noqa: F401  public, not in __all__ (as before the split)

#: Output formats: a self-contained HTML page (and its PDF), or Markdown with PNG charts.
FORMATS = annex.FORMATS  # assigned here, not imported: the API page shows this comment

__all__ = ["report", "write_xlsx", "comparison_from_results", "check_common_random_numbers", "companion_paths", "FORMATS"]
