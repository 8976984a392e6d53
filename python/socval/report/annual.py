"""The annual social value report: what was delivered in the year and to date, against the projection, what is
working and what is not, the quality of the returns and the posterior forecast of the whole programme
(docs/guide/tracking.md). HTML, Markdown and PDF with the decision paper's machinery (report/render.py, files.py).
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from .._core import __version__
from ..tracking.projection import RAG_RULE
from ..tracking.returns import ReturnsError
from .files import _write_atomic
from .render import TEMPLATES, _environment, _md_table, _pdf_bytes
from .tables import _Table

__all__ = ["annual_report", "annual_sections", "data_quality", "DUE_DAYS"]

#: A return is late when submitted more than this many days after its period ends.
DUE_DAYS = 90


def _n(x: float, unit: str = "") -> str:
    """A number for a reader: GBP in m or k, others with thousands separators."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "n/a"
    if unit.lower().startswith("gbp"):
        return f"GBP {x / 1e6:,.2f}m" if abs(x) >= 1e6 else f"GBP {x / 1e3:,.0f}k"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"


def _period_end(year: int, quarter: int) -> _dt.date:
    if quarter == 0:
        return _dt.date(year, 12, 31)
    month = 3 * quarter
    return (_dt.date(year + (month == 12), month % 12 + 1, 1) - _dt.timedelta(days=1))


def data_quality(posterior: Any) -> Dict[str, Any]:
    """Returns missing (marked missing, or an option and measure returned in one year and absent in another up to
    the last year), late returns (submitted more than :data:`DUE_DAYS` after the period), and the share of the
    returns (rows with a gross) that are verified."""
    t = posterior.returns.table
    made = t[t["evidence"] != "missing"]
    marked = [(int(r.year), r.option, r.measure) for r in t[t["evidence"] == "missing"].itertuples()]
    years = sorted(set(int(y) for y in t["year"]))
    absent = []
    for (option, measure), g in t.groupby(["option", "measure"]):
        for y in years:
            if y not in set(int(v) for v in g["year"]):
                absent.append((y, option, measure))
    late = []
    for r in made.itertuples():
        if r.submitted is not None and not (isinstance(r.submitted, float)):
            due = _period_end(int(r.year), int(r.quarter)) + _dt.timedelta(days=DUE_DAYS)
            if r.submitted > due:
                late.append((r.period, r.option, r.measure, (r.submitted - due).days))
    verified = float((made["evidence"] == "verified").mean()) if len(made) else float("nan")
    return {"marked_missing": marked, "absent": absent, "late": late, "share_verified": verified,
            "rows": len(t), "made": len(made)}


def headline_indicators(posterior: Any, year: int) -> _Table:
    """The board's headline indicators from the returns, the year and to date: jobs for local people (returned
    hires and job entries that the scenario links into its ``local_jobs`` outcome, times the link coefficient),
    apprenticeships (the declared ``apprenticeships`` outcome, else ``apprenticeship_starts``), the share of spend
    kept in the region (returned LM3 round 2 / round 1 where an option returns both in a year) and tCO2e (measures
    in tCO2e)."""
    from ..indicators.local_economy import declared_indicators
    from ..tracking.projection import measure_paths
    from ..tracking.returns import normal_unit

    a = posterior.against
    core = posterior.scenario.core
    ind = declared_indicators(posterior.scenario)
    outcomes = [o.id for o in core.outcomes]
    upto = a[a["year"] <= year]

    def sums(df: pd.DataFrame, weight: Any = 1.0) -> Tuple[float, float, float]:
        w = weight if not callable(weight) else df.apply(weight, axis=1)
        y = df["year"] == year
        return (float((df["actual"] * w)[y].sum()) if y.any() else np.nan, float((df["actual"] * w).sum()),
                float((df["net_scenario"] * w).sum()))

    rows = []
    jobs = ind.get("local_jobs")
    if jobs in outcomes:
        central = {i: p.distribution.central() for i, p in enumerate(core.parameters)}

        def coef(r: pd.Series) -> float:
            if r["measure"] == jobs:
                return 1.0
            for path in measure_paths(core, r["option"], jobs):
                if path.link is not None and core.outcomes[path.output.outcome].id == r["measure"]:
                    q = path.link.coefficient
                    return float(central[q.param]) if q.uncertain and q.param >= 0 else float(q.value)
            return 0.0

        df = upto[upto.apply(coef, axis=1) > 0]
        if len(df):
            g, t, n = sums(df, coef)
            rows.append(["jobs for local people", "person", _n(g), _n(t), _n(n)])
    appr = ind.get("apprenticeships") or ("apprenticeship_starts" if "apprenticeship_starts" in outcomes else None)
    df = upto[upto["measure"] == appr]
    if len(df):
        g, t, n = sums(df)
        rows.append(["apprenticeship starts", "person", _n(g), _n(t), _n(n)])
    r1, r2 = ind.get("round1"), ind.get("round2")
    pairs = upto[upto["measure"].isin([r1, r2])].pivot_table(index=["year", "option"], columns="measure",
                                                             values="actual", aggfunc="sum")
    if r1 in pairs.columns and r2 in pairs.columns:
        both = pairs.dropna(subset=[r1, r2])
        if len(both):
            yr = both.xs(year, level="year") if year in both.index.get_level_values("year") else both.iloc[:0]
            share_y = f"{yr[r2].sum() / yr[r1].sum():.0%}" if len(yr) and yr[r1].sum() > 0 else "n/a"
            share_t = f"{both[r2].sum() / both[r1].sum():.0%}" if both[r1].sum() > 0 else "n/a"
            rows.append(["share of spend kept in the region", "share", share_y, share_t, "-"])
    df = upto[upto["unit"].map(normal_unit) == "tco2e"]
    if len(df):
        g, t, n = sums(df)
        rows.append(["greenhouse-gas emissions avoided", "tCO2e", _n(g), _n(t), _n(n)])
    return _Table(["indicator", "unit", f"gross {year}", "gross to date", "net to date (scenario)"], rows,
                  caption="Headline indicators", note="From the returns only: an indicator no return measures is "
                  "left out. Jobs for local people count the returned hires and job entries the scenario links into "
                  "its jobs-for-local-people outcome; the share of spend kept in the region is LM3 round 2 / round 1 "
                  "of the options that return both.", numeric=[False, False, True, True, True])


def _table(df: pd.DataFrame, caption: str = "", note: str = "", numeric: Optional[List[bool]] = None) -> _Table:
    return _Table([str(c) for c in df.columns], [[str(v) for v in row] for row in df.itertuples(index=False)],
                  caption=caption, note=note, numeric=numeric or [False] + [True] * (len(df.columns) - 1))


def annual_sections(posterior: Any, year: Optional[int] = None) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """(front matter, sections): each section a dict with ``id``, ``title``, ``text`` (paragraphs) and ``tables``
    (_Table), in the order the report shows them."""
    a = posterior.against
    if not len(a):
        raise ReturnsError("annual report: expected at least one return with a gross value, found none")
    year = int(a["year"].max()) if year is None else int(year)
    core = posterior.scenario.core
    levers = {o.id: str(o.lever) for o in core.options}
    names = {o.id: o.name for o in core.options}
    units = {o.id: o.unit for o in core.outcomes}
    onames = {o.id: o.name for o in core.outcomes}
    sections: List[Dict[str, Any]] = []
    ay, upto = a[a["year"] == year], a[a["year"] <= year]

    # Headline: the year and to date, gross and the scenario's net, by measure.
    rows = []
    for m, g in upto.groupby("measure", sort=True):
        gy = g[g["year"] == year]
        u = units[m]
        rows.append([onames.get(m, m), u, _n(gy["actual"].sum(), u) if len(gy) else "n/a",
                     _n(gy["net_scenario"].sum(), u) if len(gy) else "n/a",
                     _n(gy["net_reported"].sum(), u) if len(gy) and gy["net_reported"].notna().any() else "-",
                     _n(g["actual"].sum(), u), _n(g["net_scenario"].sum(), u),
                     _n(g["projected_mean"].sum(), u)])
    head = _Table(["measure", "unit", f"gross {year}", f"net {year} (scenario)", f"net {year} (reported)",
                   "gross to date", "net to date (scenario)", "projected gross to date (mean)"], rows,
                  note="Gross: what the returns count. Net: the gross times the scenario's additionality "
                       "(deadweight, displacement, leakage, substitution, attribution; mean over draws). Reported "
                       "net: the suppliers' own figure where they give one. Measures are added over the options "
                       "that deliver them.", numeric=[False, False] + [True] * 6)
    s = posterior.summary()

    def cell(metric: str, side: str, stat: str = "mean") -> float:
        return float(s.loc[metric, (side, stat)]) if metric in s.index else float("nan")

    money = [
        ["NPSV (whole programme)", _n(cell("npsv", "prior"), "GBP"), _n(cell("npsv", "posterior"), "GBP"),
         f"{_n(cell('npsv', 'posterior', 'p5'), 'GBP')} to {_n(cell('npsv', 'posterior', 'p95'), 'GBP')}"],
        ["PV benefits", _n(cell("pv_benefits", "prior"), "GBP"), _n(cell("pv_benefits", "posterior"), "GBP"),
         f"{_n(cell('pv_benefits', 'posterior', 'p5'), 'GBP')} to "
         f"{_n(cell('pv_benefits', 'posterior', 'p95'), 'GBP')}"],
        ["BCR (whole programme)", f"{cell('bcr', 'prior'):.2f}", f"{cell('bcr', 'posterior'):.2f}",
         f"{cell('bcr', 'posterior', 'p5'):.2f} to {cell('bcr', 'posterior', 'p95'):.2f}"],
    ]
    pb = posterior.prior.attrs.get("price_base_year", "")
    sections.append(dict(id="headline", title=f"Headline: {year} and to date", text=[
        f"{len(posterior.returns)} returns for {posterior.returns.years[0]}-{posterior.returns.years[-1]} on "
        f"{a['option'].nunique()} options. Social value in GBP is the Green Book NPSV of the whole programme "
        f"({pb} prices, present values, UK perspective), re-forecast after learning from the returns "
        f"(docs/model/tracking.md): the actual to date (the delivered quantities of every return, net of the "
        f"scenario's additionality, in place of the projected ones) plus the re-forecast of the rest at the "
        f"posterior."],
        tables=[headline_indicators(posterior, year), head,
                _Table(["social value", "projected (prior mean)", "now (posterior mean)", "posterior 90% interval"],
                       money, note="BCR: the headline benefit-cost ratio of the whole programme under the prior "
                                   "and the posterior (docs/model/appraisal.md).")]))

    # Realised value per pound: value realised to date per pound spent to date, against the projection's.
    rv = posterior.realised
    if rv is not None and len(rv):
        rows = [[label, rv.loc[case, "years"], _n(rv.loc[case, "value_mean"], "GBP"),
                 f"{_n(rv.loc[case, 'value_p5'], 'GBP')} to {_n(rv.loc[case, 'value_p95'], 'GBP')}",
                 _n(rv.loc[case, "spend_mean"], "GBP"), f"{rv.loc[case, 'per_pound_mean']:.2f}",
                 f"{rv.loc[case, 'per_pound_p5']:.2f} to {rv.loc[case, 'per_pound_p95']:.2f}"]
                for case, label in (("realised", "realised (the returns)"), ("projected", "projected"))]
        sections.append(dict(id="per-pound", title="Realised value per pound", text=[
            "The value realised to date (the delivered quantities valued at the scenario's unit values, in the "
            "years of the returns, present values) per pound the body spent in those years (before optimism bias), "
            "against what the projection expected for the same years; the interval is over the draws (value and "
            "additionality uncertainty). Measures without a return keep their projection. Method: "
            "docs/model/tracking.md, section 7."],
            tables=[_Table(["", "years", "value to date (mean)", "90% interval", "spend to date", "value per pound",
                            "90% interval"], rows, numeric=[False, False] + [True] * 5)]))

    # Against the projection: every (option, measure) of the year.
    rows = [[names.get(r.option, r.option), onames.get(r.measure, r.measure), _n(r.actual, r.unit),
             _n(r.p10, r.unit), _n(r.p50, r.unit), _n(r.p90, r.unit), f"{r.percentile:.0f}", r.rag, r.evidence]
            for r in ay.sort_values(["option", "measure"]).itertuples()]
    sections.append(dict(id="projection", title=f"Against the projection, {year}", text=[
        f"Where each actual falls in the distribution the scenario projected for it (percentile, mid-rank over "
        f"{posterior.prior.n_draws:,} draws). RAG rule: {RAG_RULE}."],
        tables=[_Table(["option", "measure", "actual", "projected p10", "p50", "p90", "percentile", "RAG",
                        "evidence"], rows, numeric=[False, False] + [True] * 5 + [False, False])]))

    # By lever and by option / contract.
    rows = []
    for lever, g in upto.assign(lever=upto["option"].map(levers)).groupby("lever"):
        gy = g[g["year"] == year]
        rows.append([lever, str(g["option"].nunique()), str(int((gy["rag"] == "green").sum())),
                     str(int((gy["rag"] == "amber").sum())), str(int((gy["rag"] == "red").sum()))])
    by_lever = _Table(["lever", "options returning", f"green {year}", f"amber {year}", f"red {year}"], rows)
    t = posterior.returns.table
    contracts = t[(t["contract"] != "") & (t["evidence"] != "missing")]
    ctab = []
    for (c, option, measure), g in contracts.groupby(["contract", "option", "measure"]):
        ctab.append([c, option, measure, ", ".join(f"{int(y)}: {_n(x, g['unit'].iloc[0])}" for y, x in
                                                     g.groupby("year")["gross"].sum().items())])
    tables = [by_lever]
    if ctab:
        tables.append(_Table(["contract", "option", "measure", "gross by year"], ctab, numeric=[False] * 4))
    sections.append(dict(id="levers", title="By lever and by contract", text=[], tables=tables))

    # By place.
    placed = t[(t["place"] != "") & (t["evidence"] != "missing") & (t["year"] == year)]
    if len(placed):
        rows = [[p, option, measure, _n(g["gross"].sum(), g["unit"].iloc[0])]
                for (p, option, measure), g in placed.groupby(["place", "option", "measure"])]
        sections.append(dict(id="places", title=f"By place, {year}", text=[
            "Returns that name a place; the projection is not split by place, so these are counts only."],
            tables=[_Table(["place", "option", "measure", "gross"], rows, numeric=[False] * 3 + [True])]))

    # What is working and what is not.
    low = upto[upto["percentile"] < 10]
    high = upto[upto["percentile"] > 90]
    text = []
    for label, df in (("Below the projection's 10th percentile", low), ("Above its 90th percentile", high)):
        if len(df):
            items = "; ".join(f"{names.get(r.option, r.option)}: {onames.get(r.measure, r.measure)} {r.year} "
                              f"({_n(r.actual, r.unit)} against a median of {_n(r.p50, r.unit)})"
                              for r in df.itertuples())
            text.append(f"{label}: {items}.")
        else:
            text.append(f"{label}: none.")
    sections.append(dict(id="working", title="What is working and what is not", text=text, tables=[]))

    # Trend across years.
    piv = a.pivot_table(index=["option", "measure"], columns="year", values="actual", aggfunc="sum")
    rows = [[f"{o}: {m}"] + [_n(v, units[m]) if not np.isnan(v) else "-" for v in piv.loc[(o, m)]]
            for o, m in piv.index]
    sections.append(dict(id="trend", title="Trend across years", text=[], tables=[
        _Table(["option: measure"] + [str(c) for c in piv.columns], rows)]))

    # Data quality.
    q = data_quality(posterior)
    text = [f"{q['made']} returns made of {q['rows']} rows; {q['share_verified']:.0%} of the returns made are "
            f"verified, the rest self-reported or estimated (they carry a larger reporting error in the update).",
            "Marked missing: " + ("; ".join(f"{o} {m} {y}" for y, o, m in q["marked_missing"]) or "none") + ".",
            "Absent (returned in another year, not in this one): " +
            ("; ".join(f"{o} {m} {y}" for y, o, m in q["absent"]) or "none") + ".",
            f"Late (submitted more than {DUE_DAYS} days after the period): " +
            ("; ".join(f"{o} {m} {p} ({d} days late)" for p, o, m, d in q["late"]) or "none") + "."]
    sections.append(dict(id="quality", title="Data quality", text=text, tables=[]))

    # The posterior forecast and the decision.
    p = posterior.parameters.copy()
    rows = []
    if len(p):  # no uncertain parameter informed: nothing moved (the learnt-from notes below say why)
        p["change"] = (p["posterior_mean"] - p["prior_mean"]) / p["prior_sd"].replace(0, np.nan)
        p = p.reindex(p["change"].abs().sort_values(ascending=False).index).head(10)
        rows = [[r.parameter, f"{r.prior_mean:,.4g}", f"{r.posterior_mean:,.4g}", f"{r.posterior_sd:,.3g}",
                 f"{r.change:+.1f}"] for r in p.itertuples()]
    st = posterior.stages
    text = [f"Update: {posterior.method}; effective sample size of the importance weights {posterior.ess:,.0f} of "
            f"{posterior.prior.n_draws:,} draws (threshold {posterior.threshold:.0%})"
            + (f", {len(st) - 1} tempering stages with Metropolis moves" if len(st) > 1 else "") + "."]
    tables = [_Table(["parameter", "prior mean", "posterior mean", "posterior sd", "shift (prior sds)"], rows,
                     caption="The parameters the returns moved most")]
    learnt = getattr(posterior, "learnt", None)
    if learnt is not None and len(learnt):
        silent = learnt[learnt["note"] != ""]
        spend = learnt[learnt["spend"]]
        if len(spend):
            text.append("Spend returns (" + "; ".join(f"{r.option} {r.measure}" for r in spend.itertuples()) +
                        ") are learnt from like any measure, through the amount measurement model: they inform "
                        "the option's spend and per-pound shares where these are uncertain.")
        for r in silent.itertuples():
            text.append(f"{names.get(r.option, r.option)}: {onames.get(r.measure, r.measure)} {r.note}.")
    rf = posterior.reforecast
    rem = rf[rf["remaining"]].groupby(["option", "measure"]).agg(prior=("prior_mean", "sum"),
                                                                  posterior=("posterior_mean", "sum"))
    if len(rem):
        tables.append(_Table(["option: measure", "remaining years, projected (prior)", "re-forecast (posterior)"],
                             [[f"{o}: {m}", _n(r.prior, units[m]), _n(r.posterior, units[m])]
                              for (o, m), r in rem.iterrows()]))
    c = posterior.comparison
    if c is not None:
        holds = posterior.decision_holds()
        best0, best1 = c["prior_mean_npsv"].idxmax(), c["posterior_mean_npsv"].idxmax()
        text.append(f"The scenario tracked is {c.index[0]}. On the projection, {best0} had the highest mean NPSV of "
                    f"the scenarios compared on the same draws; after learning from the returns "
                    + ("it still has: the ranking holds." if holds else f"{best1} has: the ranking has changed."))
        tables.append(_Table(["scenario", "mean NPSV (prior)", "mean NPSV (posterior)", "P(best) prior",
                              "P(best) posterior"],
                             [[i, _n(r.prior_mean_npsv, "GBP"), _n(r.posterior_mean_npsv, "GBP"),
                               f"{r.prior_p_best:.0%}", f"{r.posterior_p_best:.0%}"] for i, r in c.iterrows()],
                             note="Each scenario at the posterior parameters on the same draws: what it would deliver "
                                  "over the whole horizon. The delivered years' actuals belong to the tracked "
                                  "scenario only, so they are not in this comparison; its NPSV with them is the "
                                  "headline's (docs/model/tracking.md section 6)."))
    sections.append(dict(id="forecast", title="The programme re-forecast, and the decision", text=text,
                         tables=tables))
    front = {"title": f"Annual social value report {year}", "kicker": "Annual social value report",
             "subtitle": f"{posterior.scenario.name}: delivery returns to {year} against the projection",
             "generator": f"socval {__version__}", "year": year}
    return front, sections


def annual_report(posterior: Any, path: Any = None, format: Optional[str] = None, pdf: bool = False,
                  year: Optional[int] = None) -> str:
    """Write (or return) the annual social value report of a :class:`socval.tracking.Posterior`.

    Parameters
    ----------
    path
        ``.html``, ``.md`` or ``.pdf``; None returns the HTML text.
    format
        ``"html"`` or ``"md"`` (default from the path's suffix).
    pdf
        Also write the PDF beside an HTML report.
    year
        The year reported (default the last year with a return).
    """
    suffix = Path(path).suffix.lower() if path is not None else ".html"
    fmt = format or {".md": "md", ".pdf": "html"}.get(suffix, "html")
    if fmt not in ("html", "md"):
        raise ReturnsError(f"annual report: format: expected 'html' or 'md', found {fmt!r}")
    front, sections = annual_sections(posterior, year)
    env, Markup = _environment(fmt)
    if fmt == "html":
        text = env.get_template("annual.html.j2").render(
            css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")), sections=sections, **front)
    else:
        for s in sections:
            for t in s["tables"]:
                t.markdown = Markup(_md_table(t))
        text = env.get_template("annual.md.j2").render(sections=sections, **front)
    if path is None:
        return text
    path = Path(path)
    if suffix == ".pdf":
        _write_atomic(path, _pdf_bytes(text))
        return text
    _write_atomic(path, text)
    if pdf:
        _write_atomic(path.with_suffix(".pdf"), _pdf_bytes(text))
    return text
