"""The evaluation report for the procurement file: HTML and Markdown (Jinja2 templates in ``templates/``), CSV,
xlsx (openpyxl), PDF (WeasyPrint) and JSON. Each file is written whole or not at all (temporary file, renamed)."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Union

import jinja2

from .._core import ScenarioError
from .tender import CRITERIA

if TYPE_CHECKING:
    from .evaluation import TenderEvaluation

__all__ = ["report_context", "render_html", "render_markdown", "write_report", "FORMATS"]

FORMATS = (".html", ".md", ".csv", ".xlsx", ".pdf", ".json")
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def _env(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)), autoescape=autoescape,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["gbp"] = lambda x: f"{float(x):,.0f}"
    env.filters["f2"] = lambda x: f"{float(x):.2f}"
    env.filters["f3"] = lambda x: f"{float(x):.3f}"
    env.filters["pct"] = lambda x: f"{float(x):.1%}"
    return env


def report_context(ev: "TenderEvaluation") -> Dict[str, Any]:
    """What every format shows, computed once."""
    t = ev.tender
    return {
        "tender": t, "contract": t.contract, "criteria": [t.criteria[c] for c in CRITERIA],
        "scores": ev.scores.reset_index().to_dict(orient="records"),
        "social_value": ev.social_value.reset_index().to_dict(orient="records"),
        "commitments": ev.commitments.to_dict(orient="records"),
        "p_win": ev.p_win.to_dict(), "smaa": ev.smaa_table().reset_index().to_dict(orient="records"),
        "ranks": [c for c in ev.smaa_table().columns if c.startswith("rank ")],
        "switching": ev.switching, "findings": ev.findings, "winner": ev.winner,
        "recommendation": ev.recommendation(), "robustness": ev.robustness(), "draws": ev.draws, "seed": ev.seed,
        "measures": list(t.measures.values()),
    }


def render_html(ev: "TenderEvaluation", fragment: bool = False) -> str:
    return _env(True).get_template("tender_report.html.j2").render(fragment=fragment, **report_context(ev))


def render_markdown(ev: "TenderEvaluation") -> str:
    return _env(False).get_template("tender_report.md.j2").render(**report_context(ev))


def _csv(ev: "TenderEvaluation") -> str:
    df = ev.scores.join(ev.p_win).join(ev.social_value).join(ev.smaa_table()[["rank 1"]]
                                                               .rename(columns={"rank 1": "smaa_rank1"}))
    return df.to_csv(float_format="%.6g")


def _xlsx(ev: "TenderEvaluation", path: Path) -> None:
    import pandas as pd
    findings = pd.DataFrame([f.to_dict() for f in ev.findings], columns=["severity", "code", "bid", "message", "where"])
    summary = pd.DataFrame({"item": ["tender", "winner", "robustness", "recommendation", "draws", "seed"],
                            "value": [ev.tender.id, ev.winner, ev.robustness(), ev.recommendation(), ev.draws,
                                      ev.seed]})
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        summary.to_excel(xw, sheet_name="recommendation", index=False)
        ev.scores.join(ev.p_win).to_excel(xw, sheet_name="scores")
        ev.social_value.to_excel(xw, sheet_name="social value")
        ev.commitments.to_excel(xw, sheet_name="commitments", index=False)
        ev.smaa_table().to_excel(xw, sheet_name="smaa")
        findings.to_excel(xw, sheet_name="findings", index=False)


def _pdf(ev: "TenderEvaluation") -> bytes:
    import logging
    import weasyprint
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return weasyprint.HTML(string=render_html(ev), base_url=None).write_pdf()


def write_report(ev: "TenderEvaluation", path: Union[str, Path]) -> Path:
    """Write the report in the format of the path's suffix (one of :data:`FORMATS`), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ScenarioError(f"{path}: expected a report file ending in one of {list(FORMATS)}, found {suffix!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=str(path.parent))
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
    try:
        if suffix == ".xlsx":
            _xlsx(ev, Path(tmp))
        elif suffix == ".pdf":
            Path(tmp).write_bytes(_pdf(ev))
        else:
            text = {".html": lambda: render_html(ev), ".md": lambda: render_markdown(ev), ".csv": lambda: _csv(ev),
                    ".json": lambda: json.dumps(ev.to_dict(), indent=2)}[suffix]()
            Path(tmp).write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
