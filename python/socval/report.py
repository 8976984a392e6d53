"""Decision-paper reports: ``socval.report.report(results_or_comparison, "annex.html", pdf=True)``.

A report is written as an annex to a board decision paper: a summary in plain words generated from the numbers and
the headline table (:mod:`socval.headline`), value by priority, the charts (:mod:`socval.plots`, embedded as PNG),
the methodology statement (price base, discounting, optimism bias, additionality, valuation and the source of every
value, the simulation), the assumptions table (every uncertain parameter and its distribution) and a
reproducibility block (versions, scenario hashes and the commands that reproduce it).

Formats: one self-contained HTML page (no network access: CSS inline, charts as ``data:`` URIs) and its A4 PDF
(WeasyPrint), or Markdown with the charts as PNG files beside it, for pasting into Word; CSV tables on request.
Every text that comes from a user (scenario, option, outcome and priority names, titles) is escaped: HTML by
Jinja2's autoescape, Markdown by escaping its special characters.
"""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import io
import os
import re
import shlex
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union
from urllib.parse import quote

import numpy as np
import pandas as pd

from . import _core, headline
from .results import Results

__all__ = ["report", "comparison_from_results", "check_common_random_numbers", "companion_paths", "FORMATS"]

#: Output formats: a self-contained HTML page (and its PDF), or Markdown with PNG charts.
FORMATS = ("html", "md")
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Resolution of the PNG charts (dots per inch).
CHART_DPI = 120
_SAMPLER_FLAGS = {"lhs": "lhs", "latin_hypercube": "lhs", "mc": "mc", "monte_carlo": "mc"}
_SAMPLER_NAMES = {"lhs": "Latin hypercube", "mc": "plain Monte Carlo"}
PathLike = Union[str, "os.PathLike[str]"]


# ---------------------------------------------------------------------------------------------------------------
# Comparisons from results files

def _sampler(attrs: Mapping[str, Any]) -> str:
    s = str(attrs.get("sampler", ""))
    return _SAMPLER_FLAGS.get(s, s)


def check_common_random_numbers(results: Sequence[Results], files: Optional[Sequence[Any]] = None) -> None:
    """Check that results can be paired draw by draw: the same seed, number of draws and sampler (common random
    numbers), and money in the same price base.

    Raises
    ------
    socval.DecisionError
        Saying which results differ, how, and the command that re-runs them on the first one's settings.
    """
    labels = [str(f) for f in files] if files is not None else [
        f"results {i + 1} ({r.attrs.get('scenario_name', '')})" for i, r in enumerate(results)]
    ref = results[0].attrs
    want = {"seed": int(ref["seed"]), "draws": int(ref["draws"]), "sampler": _sampler(ref)}
    bad = []
    for label, r in zip(labels[1:], results[1:]):
        got = {"seed": int(r.attrs["seed"]), "draws": int(r.attrs["draws"]), "sampler": _sampler(r.attrs)}
        diff = [f"{k} {got[k]} (not {want[k]})" for k in want if got[k] != want[k]]
        if diff:
            scen = _display_path(r.attrs.get("scenario_file")) or "SCENARIO.yaml"
            bad.append(f"{label} has {', '.join(diff)}: re-run it with `socval run {shlex.quote(scen)} --draws "
                       f"{want['draws']} --seed {want['seed']} --sampler {want['sampler']} --out "
                       f"{shlex.quote(label)}`")
    if bad:
        raise _core.DecisionError(
            f"the results were not run on common random numbers, so their draws cannot be compared pair by "
            f"pair; {labels[0]} has seed {want['seed']}, {want['draws']} draws, sampler {want['sampler']}, but "
            + "; ".join(bad) + ". Or give `socval report` the scenario files: they are then simulated together on "
            "common random numbers")
    bases = {str(r.attrs.get("price_base_year")) for r in results}
    if len(bases) > 1:
        listed = ", ".join(f"{label}: {r.attrs.get('price_base_year')}" for label, r in zip(labels, results))
        raise _core.DecisionError(f"the results are in different price bases ({listed}); money can only be "
                                  f"compared in one price base year: set metadata.price_base_year the same in every "
                                  f"scenario and re-run")


def comparison_from_results(results: Sequence[Results], names: Optional[Sequence[str]] = None,
                            files: Optional[Sequence[Any]] = None,
                            metrics: Sequence[str] = ("npsv", "bcr", "pv_benefits", "pv_costs")):
    """A ``socval.Comparison`` of results already simulated (e.g. loaded from results files), after checking they
    share their common random numbers (:func:`check_common_random_numbers`).

    Parameters
    ----------
    results
        Two or more ``socval.Results``.
    names
        One name per scenario (default their scenario names, made unique).
    files
        Where each came from, for error messages.
    metrics
        The headline metrics the Comparison compares.

    Raises
    ------
    socval.DecisionError
        Fewer than two results, names of the wrong length or repeated, results not on common random numbers.
    """
    from .compare import Comparison

    results = list(results)
    if len(results) < 2:
        raise _core.DecisionError(f"comparison_from_results: a comparison needs at least 2 results, found "
                                  f"{len(results)}")
    check_common_random_numbers(results, files)
    if names is None:
        names = []
        for r in results:
            base, k = str(r.attrs.get("scenario_name") or "scenario"), 2
            name = base
            while name in names:
                name, k = f"{base} ({k})", k + 1
            names.append(name)
    names = [str(n) for n in names]
    if len(names) != len(results) or len(set(names)) != len(names):
        raise _core.DecisionError(f"comparison_from_results: names: expected {len(results)} distinct names, found "
                                  f"{names}")
    return Comparison(names=names, results=dict(zip(names, results)), metrics=tuple(metrics))


# ---------------------------------------------------------------------------------------------------------------
# Formatting helpers

def _display_path(p: Any) -> str:
    """A scenario or results path as a user would type it: relative to the working folder when inside it; '' for
    scenarios that came from no file (``<dict>``, ``<text>``)."""
    if not p or str(p).startswith("<"):
        return ""
    p = Path(str(p))
    try:
        return os.path.relpath(p) if p.is_absolute() and Path.cwd() in p.parents else str(p)
    except ValueError:
        return str(p)


def _gbp(x: float, digits: int = 1) -> str:
    """GBP amount in words-friendly units: GBP 1.2bn, GBP 11.3m, GBP 250k, GBP 40; minus sign in front."""
    if not np.isfinite(x):
        return "n/a"
    sign, a = ("-" if x < 0 else ""), abs(float(x))
    if a >= 1e9:
        return f"{sign}GBP {a / 1e9:,.2f}bn"
    if a >= 1e6:
        return f"{sign}GBP {a / 1e6:,.{digits}f}m"
    if a >= 1e3:
        return f"{sign}GBP {a / 1e3:,.0f}k"
    return f"{sign}GBP {a:,.0f}"


def _pct(p: float, digits: int = 0) -> str:
    return "n/a" if not np.isfinite(p) else f"{100 * p:.{digits}f}%"


def _num(x: Any) -> str:
    """A number with 4 significant digits and thousands separators (integers as they are)."""
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "n/a"
    x = float(x)
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"


def _share(x: float) -> str:
    """A share in [0, 1] as a percentage with up to one decimal."""
    v = 100 * float(x)
    return f"{v:.0f}%" if abs(v - round(v)) < 1e-9 else f"{v:.1f}%"


def _list(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------------------------------------------------------
# Report content: plain data (strings, tables, PNGs) rendered by the HTML and Markdown templates

@dataclass
class _Table:
    """A table of text cells. ``numeric`` flags right-aligned columns; the first column heads each row."""

    columns: List[str]
    rows: List[List[str]]
    caption: str = ""
    note: str = ""
    numeric: List[bool] = field(default_factory=list)
    css: str = ""
    row_headers: bool = True
    widths: List[float] = field(default_factory=list)
    markdown: Any = None

    def __post_init__(self) -> None:
        if not self.numeric:
            self.numeric = [False] * len(self.columns)


@dataclass
class _Chart:
    id: str
    title: str
    caption: str
    png: bytes
    src: str = ""


def _png(fig) -> bytes:
    """A matplotlib Figure (socval.plots makes them without pyplot: nothing to close) as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=CHART_DPI, metadata={"Software": None})
    return buf.getvalue()


class _Content:
    """Everything a report shows, computed once from the results; rendered by :meth:`context`."""

    def __init__(self, obj: Any, title: Optional[str], sensitivity: Any, command: Optional[str]):
        self.obj = obj
        self.results: Dict[str, Results] = headline.results_of(obj)
        self.names = list(self.results)
        self.short = dict(zip(self.names, headline.short_names(self.names)))
        self.is_comparison = len(self.names) > 1
        self.scenarios = {n: headline.scenario_of(r) for n, r in self.results.items()}
        self.indicators = {n: headline.indicators(r, self.scenarios[n]) for n, r in self.results.items()}
        self.table = headline.headline_table(obj, indicators_of=self.indicators)
        self.first = self.results[self.names[0]]
        self.npsv = {n: np.asarray(r.draws("npsv"), dtype=float) for n, r in self.results.items()}
        self.best = max(self.names, key=lambda n: float(np.nanmean(self.npsv[n])))
        self.sensitivity = _sensitivity_items(sensitivity)
        self.command = command
        self.created = _now()
        self.title = title or self._default_title()

    # -- identity ----------------------------------------------------------------------------------------------
    def _prefix(self) -> str:
        n0, s0 = self.names[0], self.short[self.names[0]]
        return n0[: len(n0) - len(s0)].rstrip(" -:") if self.is_comparison and s0 != n0 else ""

    def _default_title(self) -> str:
        if not self.is_comparison:
            return f"Social value appraisal: {self.names[0]}"
        prefix = self._prefix()
        return f"Social value appraisal: {prefix + ', ' if prefix else ''}{len(self.names)} scenarios compared"

    def _attr(self, key: str) -> Any:
        return self.first.attrs.get(key)

    def subtitle(self) -> str:
        a = self.first.attrs
        who = (f"{len(self.names)} scenarios on common random numbers" if self.is_comparison
               else f"scenario {self.names[0]}")
        return (f"{who}; {int(a['draws']):,} Monte Carlo draws ({_SAMPLER_NAMES.get(_sampler(a), _sampler(a))}, "
                f"seed {a['seed']}); GBP, {a.get('price_base_year', '?')} prices, present values; "
                f"report of {self.created[:10]}")

    # -- summary in plain words --------------------------------------------------------------------------------
    def summary(self) -> List[str]:
        b = self.best
        x = self.npsv[b]
        x = x[~np.isnan(x)]
        lo, hi = np.quantile(x, headline.INTERVAL)
        draws = int(self.first.attrs["draws"])
        s: List[str] = []
        interval = f"90% interval {_gbp(lo)} to {_gbp(hi)}"
        if self.is_comparison:
            p_best = float(self.table.loc[b, (headline.P_BEST, "")])
            sure = ("a clear choice" if p_best >= 0.9 else "a likely but not certain choice" if p_best >= 0.7
                    else "not a clear choice: other scenarios come out best in many draws")
            s.append(f"Of the {len(self.names)} scenarios, each simulated on the same {draws:,} draws of the "
                     f"uncertain inputs, {self.short[b]} has the highest expected net present social value (NPSV): "
                     f"{_gbp(float(x.mean()))} ({interval}). It has the highest NPSV in {_pct(p_best)} of the "
                     f"draws, so it is {sure}.")
            others = sorted((n for n in self.names if n != b), key=lambda n: -float(np.nanmean(self.npsv[n])))
            r = others[0]
            d = self.npsv[b] - self.npsv[r]
            d = d[~np.isnan(d)]
            dlo, dhi = np.quantile(d, headline.INTERVAL)
            s.append(f"Against the runner-up, {self.short[r]} (expected NPSV {_gbp(float(np.nanmean(self.npsv[r])))}"
                     f"), it does better in {_pct(float(np.mean(d > 0)))} of the paired draws, by "
                     f"{_gbp(float(d.mean()))} on average (90% interval {_gbp(dlo)} to {_gbp(dhi)}).")
        else:
            s.append(f"{self.names[0]} has an expected net present social value (NPSV) of {_gbp(float(x.mean()))} "
                     f"({interval}) over {draws:,} draws of its uncertain inputs.")
        s.append(self._ratios_sentence(b))
        s.append(self._pillar_sentence(b))
        s.append(self._risk_sentence(b))
        return [" ".join(t for t in s if t)]

    def _ratios_sentence(self, b: str) -> str:
        ind = self.indicators[b]
        bcr = ind["BCR"].draws
        bcr = bcr[np.isfinite(bcr)]
        who = "Its" if self.is_comparison else "Its"
        if not bcr.size:
            return ""
        lo, hi = np.quantile(bcr, headline.INTERVAL)
        p_pos = float(np.mean(self.npsv[b] > 0))
        return (f"{who} benefit-cost ratio is {bcr.mean():.2f} (90% interval {lo:.2f} to {hi:.2f}): each pound of "
                f"cost returns {bcr.mean():.2f} pounds of social value, and benefits exceed costs in "
                f"{_pct(p_pos)} of the draws.")

    def _pillar_sentence(self, b: str) -> str:
        r = self.results[b]
        pv = float(np.nanmean(r.draws("pv_benefits")))
        if pv <= 0:
            return ""
        shares = {p: float(np.nanmean(r.draws(f"pillar.{p}"))) / pv for p in ("social", "economic", "environmental")
                  if f"pillar.{p}" in r.metrics()}
        order = sorted(shares, key=lambda p: -shares[p])
        if not order:
            return ""
        text = f"Most of its value is {order[0]} ({_pct(shares[order[0]])} of the present value of benefits)"
        rest = [f"{p} {_pct(shares[p])}" for p in order[1:] if shares[p] > 0.005]
        return text + (f", then {_list(rest)}." if rest else ".")

    def _risk_sentence(self, b: str) -> str:
        x = self.npsv[b]
        p_neg = float(np.mean(x < 0))
        p5 = float(np.quantile(x[~np.isnan(x)], headline.INTERVAL[0]))
        downside = (f"its NPSV is negative in {_pct(p_neg)} of the draws (5th percentile {_gbp(p5)})" if p_neg > 0
                    else f"its NPSV is positive in every draw (5th percentile {_gbp(p5)})")
        drivers = self._sensitivity_drivers() or self._variance_drivers(b)
        return f"The biggest risks: {downside}; {drivers}." if drivers else f"The biggest risk: {downside}."

    def _sensitivity_drivers(self) -> str:
        for label, item in self.sensitivity:
            if isinstance(item, pd.DataFrame) and {"input", "swing"} <= set(item.columns):
                top = [self._words(i) for i in item["input"].head(3)]
                return (f"in the one-way sensitivity analysis ({label}) the inputs that move the result most are "
                        f"{_list(top)}")
            if hasattr(item, "ST") and hasattr(item, "names"):
                order = np.argsort(-np.asarray(item.ST, dtype=float))[:3]
                top = [f"{self._words(item.names[i])} (total Sobol index {float(item.ST[i]):.2f})" for i in order]
                return f"in the variance-based sensitivity analysis ({label}) the inputs that matter most are " \
                       f"{_list(top)}"
            if hasattr(item, "mu_star") and hasattr(item, "names"):
                order = np.argsort(-np.asarray(item.mu_star, dtype=float))[:3]
                return f"in the Morris screening ({label}) the most influential inputs are " \
                       f"{_list([self._words(item.names[i]) for i in order])}"
        return ""

    def _words(self, pid: str) -> str:
        """A parameter id in words for the summary ("the deadweight of Job entries ..."), or the id itself."""
        parts = str(pid).split(".")
        if len(parts) < 3:
            return str(pid)
        kind, owner, rest = parts[0], parts[1], ".".join(parts[2:])
        for sc in self.scenarios.values():
            doc = sc.document
            if kind == "outcomes" and owner in sc.outcomes.index:
                field = {"value.per_unit": "value per unit", "drop_off": "drop-off"}.get(rest, rest.replace("_", " "))
                return f"the {field} of {sc.outcomes.at[owner, 'name']}"
            if kind == "options" and owner in sc.options.index:
                name = sc.options.at[owner, "name"]
                m = re.match(r"costs\[(\d+)\]\.(capital|revenue)$", rest)
                if m:
                    return f"the {m.group(2)} cost of {name} (cost year {m.group(1)})"
                m = re.match(r"outputs\.([^.]+)\.amount$", rest)
                if m and m.group(1) in sc.outcomes.index:
                    return f"the {sc.outcomes.at[m.group(1), 'name']} delivered by {name}"
                if rest == "optimism_bias.mitigation":
                    return f"the optimism bias mitigation of {name}"
            if kind == "links" and rest == "coefficient":
                for link in doc.get("links") or []:
                    lid = link.get("id") or f"{link.get('from')}->{link.get('to')}"
                    if lid == owner:
                        names = {**dict(zip(sc.outcomes.index, sc.outcomes["name"])),
                                 **dict(zip(sc.options.index, sc.options["name"]))}
                        return (f"the coefficient from {names.get(link.get('from'), link.get('from'))} to "
                                f"{names.get(link.get('to'), link.get('to'))}")
        return str(pid)

    def _variance_drivers(self, b: str) -> str:
        """The parts of NPSV (value of each priority, costs) that carry most of its variance across draws:
        var(NPSV) = sum over parts of cov(part, NPSV), with costs counted negatively (an exact decomposition)."""
        r = self.results[b]
        x = self.npsv[b]
        var = float(np.nanvar(x))
        if not var > 0:
            return ""
        names = self._priority_names(b)
        parts = {f"the value of {names.get(p, p)}": r.draws(f"priority.{p}") for p in r.priorities}
        parts["costs"] = -np.asarray(r.draws("pv_costs"), dtype=float)
        xc = x - np.nanmean(x)
        share = {k: float(np.nanmean((np.asarray(v, dtype=float) - np.nanmean(v)) * xc)) / var
                 for k, v in parts.items()}
        top = [k for k in sorted(share, key=lambda k: -share[k]) if share[k] >= 0.1][:2]
        if not top:
            return ""
        return ("most of the uncertainty in its NPSV comes from "
                + _list([f"{k} ({_pct(share[k])} of its variance)" for k in top]))

    def _priority_names(self, n: str) -> Dict[str, str]:
        pri = self.scenarios[n].priorities
        out = {str(i): str(pri.at[i, "name"]) for i in pri.index}
        out["unallocated"] = "value not allocated to a priority"
        return out

    # -- tables ------------------------------------------------------------------------------------------------
    def headline_table(self) -> _Table:
        text = headline.format_table(self.table, short=True)
        cols = ["indicator"] + list(text.index)
        rows = [[k] + [c.replace(", ", ",\u00a0") for c in text[k]] for k in text.columns]
        a = self.first.attrs
        first, horizon = a.get("first_year"), a.get("horizon")
        years = (f"{first}-{int(first) + int(horizon) - 1}" if first is not None and horizon is not None
                 else "the horizon")
        note = (f"Mean [5th, 95th percentile] over {int(a['draws']):,} draws. Money in GBP million, "
                f"{a.get('price_base_year')} prices; NPSV, BCR, SROI and value by pillar are present values; jobs, "
                f"tCO2e and local spend are undiscounted totals over {years}. P(NPSV > 0): share of draws in which "
                f"benefits exceed costs." + (" P(best NPSV): share of the paired draws in which the scenario has the "
                                             "highest NPSV." if self.is_comparison else "")
                + " An indicator a scenario does not measure is left out (n/a).")
        return _Table(cols, rows, note=note, numeric=[False] + [True] * (len(cols) - 1),
                      css="headline wide" if len(cols) > 5 else "headline")

    def by_priority_frame(self) -> pd.DataFrame:
        """Scenario, priority, name, pillar, mean, p5, p50, p95 and share of PV benefits (GBP) of every priority."""
        frames = []
        for n, r in self.results.items():
            df = r.by_priority()
            names = self._priority_names(n)
            df.insert(0, "name", [names.get(p, p) for p in df.index])
            df.insert(0, "scenario", n)
            frames.append(df.reset_index())
        return pd.concat(frames, ignore_index=True)

    def by_priority_table(self) -> _Table:
        df = self.by_priority_frame()
        tol = 1e-6 * max(1.0, float(np.nanmax(np.abs(df["mean"]))))
        keep = [p for p in dict.fromkeys(df["priority"])
                if p != "unallocated" or (df.loc[df["priority"] == p, ["p5", "p95"]].abs() > tol).any().any()]
        cols = ["priority", "pillar"] + [self.short[n] for n in self.names]
        rows = []
        m = df.set_index(["scenario", "priority"])
        for p in keep:
            first = df[df["priority"] == p].iloc[0]
            cells = [str(first["name"]), str(first["pillar"])]
            for n in self.names:
                if (n, p) in m.index:
                    row = m.loc[(n, p)]
                    cells.append(f"{row['mean'] / 1e6:,.1f} [{row['p5'] / 1e6:,.1f}, {row['p95'] / 1e6:,.1f}]")
                else:
                    cells.append("n/a")
            rows.append(cells)
        note = ("Present value serving each priority (an outcome's value is split between the priorities it serves "
                "by its shares), GBP million, mean [5th, 95th percentile].")
        return _Table(cols, rows, note=note, numeric=[False, False] + [True] * len(self.names),
                      css="wide" if len(self.names) > 3 else "")

    def options_table(self) -> _Table:
        """The options each scenario funds: name, lever, and the scenario's cost of it (GBP million, scale x the
        central capital and revenue, before optimism bias), "-" where not funded."""
        rows: Dict[str, List[str]] = {}
        cost: Dict[Tuple[str, str], float] = {}
        for n, sc in self.scenarios.items():
            opts = sc.options
            for oid in sc.funded_ids:
                o = opts.loc[oid]
                rows.setdefault(oid, [str(o["name"]), str(o["lever"])])
                cost[(oid, n)] = float(o["scale"]) * (float(o["capital"]) + float(o["revenue"]))
        body = [rows[oid] + [f"{cost[(oid, n)] / 1e6:,.2f}" if (oid, n) in cost else "-" for n in self.names]
                for oid in rows]
        body.append(["total", ""] + [f"{sum(v for (o, m), v in cost.items() if m == n) / 1e6:,.2f}"
                                     for n in self.names])
        note = ("Cost of each funded option to the scenario, GBP million in the price base year: its scale x the "
                "central (mean) capital and revenue costs over all years, undiscounted and before optimism bias.")
        return _Table(["option", "lever"] + [self.short[n] for n in self.names], body, note=note,
                      numeric=[False, False] + [True] * len(self.names), css="wide" if len(self.names) > 3 else "")

    def summary_frame(self) -> pd.DataFrame:
        """Every scenario's Results.summary(), stacked (scenario, metric, unit, mean, sd, p5, p50, p95, P(>0))."""
        frames = [r.summary().reset_index().assign(scenario=n) for n, r in self.results.items()]
        df = pd.concat(frames, ignore_index=True)
        return df[["scenario"] + [c for c in df.columns if c != "scenario"]]

    def headline_frame(self) -> pd.DataFrame:
        """The headline table with flat column names ("NPSV (GBP m) mean", ..., "P(best NPSV)")."""
        t = self.table.copy()
        t.columns = [f"{k} {s}".strip() for k, s in t.columns]
        return t.reset_index()

    # -- assumptions -------------------------------------------------------------------------------------------
    def _used_by(self, scenarios: Sequence[str]) -> str:
        if len(scenarios) == len(self.names):
            return "all"
        return "; ".join(self.short[s] for s in scenarios)

    def assumptions_frame(self) -> pd.DataFrame:
        """Parameter, distribution, central (mean), scenarios: every uncertain parameter of every scenario (one row
        per distinct distribution of a parameter id)."""
        rows: Dict[Tuple[str, str], Dict[str, Any]] = {}
        for n, sc in self.scenarios.items():
            for p in sc.core.parameters:
                if p.distribution.kind == "fixed":
                    continue
                key = (p.id, p.describe())
                rows.setdefault(key, {"parameter": p.id, "distribution": p.describe(), "central": float(p.central),
                                      "scenarios": []})["scenarios"].append(n)
        out = pd.DataFrame(list(rows.values()), columns=["parameter", "distribution", "central", "scenarios"])
        out["scenarios"] = [self._used_by(s) for s in out["scenarios"]]
        return out

    def assumptions(self) -> Dict[str, Any]:
        df = self.assumptions_frame()
        show_used = self.is_comparison and (df["scenarios"] != "all").any()
        cols = ["parameter", "distribution", "central (mean)"] + (["scenarios"] if show_used else [])
        rows = [[r.parameter, r.distribution, _num(r.central)] + ([r.scenarios] if show_used else [])
                for r in df.itertuples()]
        paragraphs = [
            f"Every uncertain parameter ({len(df)}) and the distribution the Monte Carlo simulation draws it from. "
            "Parameter ids are key paths into the scenario file (docs/formats/scenario.md): "
            "outcomes.<id>.deadweight, options.<id>.costs[0].capital, links.<id>.coefficient, ... The central "
            "value is the mean, used where a single value is needed (the Sankey diagram)."]
        corr = []
        for n, sc in self.scenarios.items():
            for block in sc.document.get("correlations") or []:
                text = _correlation_text(block)
                if text not in corr:
                    corr.append(text)
        if corr:
            paragraphs.append("Rank (Spearman) correlations between parameters are applied with a Gaussian copula.")
        return {"paragraphs": paragraphs,
                "table": _Table(cols, rows, numeric=[False, False, True] + ([False] if show_used else []),
                                css="long", widths=[46, 36, 18] if not show_used else [38, 30, 12, 20]),
                "correlations": corr}

    # -- methodology -------------------------------------------------------------------------------------------
    def _same(self, values: Mapping[str, Any]) -> bool:
        return len({repr(v) for v in values.values()}) <= 1

    def methodology(self) -> Dict[str, Any]:
        from . import values as _values

        lib = _values.default_library()
        parts = [self._price_base(lib), self._discounting(lib), self._optimism_bias(lib), self._additionality(),
                 self._valuation(lib), self._indicators_part(), self._simulation()]
        intro = ["This annex follows HM Treasury's Green Book (2022) and its supplementary guidance: real prices in "
                 "one price base year, discounting at the social time preference rate, optimism bias on costs, "
                 "additionality adjustments on outcomes, and Monte Carlo analysis of every uncertain input. The "
                 "formulas and their sources are in docs/model.md of socval."]
        return {"intro": intro, "parts": [p for p in parts if p]}

    def _price_base(self, lib) -> Dict[str, Any]:
        meta = {n: sc.metadata for n, sc in self.scenarios.items()}
        deflator = lib.provenance("gdp_deflator")
        paragraphs = [f"All money is in real terms, GBP at {self._attr('price_base_year')} prices; amounts entered "
                      f"in other price bases are rebased with the GDP deflator ({deflator.source}, {deflator.vintage})."
                      " Present values are discounted to the first appraisal year."]
        keys = [("price_base_year", "price base year"), ("first_year", "first appraisal year"),
                ("horizon", "horizon (years)"), ("carbon_case", "carbon value case")]
        if self._same({n: [m[k] for k, _ in keys] for n, m in meta.items()}):
            m = meta[self.names[0]]
            facts = [(label, str(m[k])) for k, label in keys]
            facts.insert(3, ("last appraisal year", str(int(m["first_year"]) + int(m["horizon"]) - 1)))
            return {"id": "price-base", "title": "Price base and appraisal period", "paragraphs": paragraphs,
                    "facts": facts, "tables": []}
        rows = [[self.short[n]] + [str(meta[n][k]) for k, _ in keys] for n in self.names]
        return {"id": "price-base", "title": "Price base and appraisal period", "paragraphs": paragraphs,
                "facts": [], "tables": [_Table(["scenario"] + [label for _, label in keys], rows)]}

    def _discounting(self, lib) -> Dict[str, Any]:
        used: Dict[str, List[str]] = {}
        for n, sc in self.scenarios.items():
            default = sc.metadata["schedule"]
            used.setdefault(default, [])
            for o in sc.core.outcomes:
                if o.schedule and o.schedule != default:
                    name = o.name or o.id
                    if name not in used.setdefault(o.schedule, []):
                        used[o.schedule].append(name)
        stpr = lib.provenance("stpr")
        defaults = {sc.metadata["schedule"] for sc in self.scenarios.values()}
        paragraphs = [f"Costs and benefits are discounted with the Green Book social time preference rate (STPR) "
                      f"schedules below ({stpr.source}). Year k's rate discounts year k-1 to year k. The "
                      f"scenario{'s use' if len(defaults) > 1 else ' uses'} the {_list(sorted(defaults))} schedule "
                      f"by default."]
        for sched, outs in used.items():
            if outs:
                paragraphs.append(f"Outcomes discounted with the {sched} schedule instead: {_list(outs)}.")
        horizon = max(int(sc.metadata["horizon"]) for sc in self.scenarios.values())
        names = list(used)
        bands = {s: lib.schedule(s).bands for s in names}
        rows = []
        for i, (a, b, _) in enumerate(bands[names[0]]):
            rows.append([f"{a}-{b}" + (" (beyond the horizon)" if a > horizon else "")]
                        + [f"{100 * bands[s][i][2]:.2f}%" for s in names])
        return {"id": "discounting", "title": "Discounting", "paragraphs": paragraphs, "facts": [],
                "tables": [_Table(["years from the start"] + [f"{s} schedule" for s in names], rows,
                                  numeric=[False] + [True] * len(names))]}

    def _optimism_bias(self, lib) -> Dict[str, Any]:
        rows: Dict[Tuple, List[str]] = {}
        for n, sc in self.scenarios.items():
            applied = sc.evaluate().by_option
            opts = sc.options
            for oid in sc.funded_ids:
                o = opts.loc[oid]
                cat = o["optimism_bias"]
                if not cat:
                    continue
                upper = lib.optimism_bias(cat)
                pid = f"options.{oid}.optimism_bias.mitigation"
                mit = _share(o["mitigation"]) + (" (uncertain)" if pid in self._uncertain(n) else "")
                key = (str(o["name"]), cat, _share(upper["capital"]), mit,
                       _share(float(applied.at[oid, "ob_capital_uplift"])))
                rows.setdefault(key, []).append(n)
        paragraphs = ["Capital costs are uplifted for optimism bias at the start of the appraisal (HM Treasury, "
                      "Supplementary Green Book Guidance: Optimism Bias): uplift = the upper bound for the project "
                      "category x (1 - mitigation). Revenue costs are not uplifted; the duration uplift is reported, "
                      "not applied (docs/model/engine.md). The SROI ratio divides by the investment before the "
                      "uplift, the BCR by the costs after it."]
        if not rows:
            paragraphs.append("No funded option carries an optimism bias category: costs are not uplifted.")
            return {"id": "optimism-bias", "title": "Optimism bias", "paragraphs": paragraphs, "facts": [],
                    "tables": []}
        show_used = self.is_comparison and any(len(v) < len(self.names) for v in rows.values())
        cols = ["option", "category", "upper bound (capital)", "mitigation", "uplift applied (central)"] + (
            ["scenarios"] if show_used else [])
        body = [list(k) + ([self._used_by(v)] if show_used else []) for k, v in rows.items()]
        return {"id": "optimism-bias", "title": "Optimism bias", "paragraphs": paragraphs, "facts": [],
                "tables": [_Table(cols, body, numeric=[False, False, True, True, True] + ([False] if show_used
                                                                                             else []))]}

    def _uncertain(self, n: str) -> set:
        return {p.id for p in self.scenarios[n].core.parameters if p.distribution.kind != "fixed"}

    def _additionality(self) -> Dict[str, Any]:
        keys = ("deadweight", "displacement", "leakage", "substitution", "attribution", "drop_off")
        defaults = {"deadweight": 0.0, "displacement": 0.0, "leakage": 0.0, "substitution": 0.0, "attribution": 1.0,
                    "drop_off": 0.0}
        rows: Dict[Tuple, List[str]] = {}
        others = 0
        for n, sc in self.scenarios.items():
            unc = self._uncertain(n)
            table = sc.outcomes
            for oid in table.index:
                o = table.loc[oid]
                adjusted = any(abs(float(o[k]) - defaults[k]) > 1e-12 or f"outcomes.{oid}.{k}" in unc for k in keys)
                if not adjusted and int(o["lag"]) == 0 and int(o["duration"]) == 1:
                    others += n == self.names[0]
                    continue
                cells = [str(o["name"] or oid)]
                for k in keys:
                    cells.append(_share(float(o[k])) + ("*" if f"outcomes.{oid}.{k}" in unc else ""))
                cells += [str(int(o["lag"])), str(int(o["duration"]))]
                rows.setdefault(tuple(cells), []).append(n)
        paragraphs = ["Outcomes are counted net of what would have happened anyway (HCA Additionality Guide, 2014; "
                      "Social Value UK SROI guide, 2012): net = gross x (1 - deadweight) x (1 - displacement) x "
                      "(1 - leakage) x (1 - substitution) x attribution. An outcome starts after its lag, lasts its "
                      "duration and falls by its drop-off each year after the first. Central values (means) are "
                      "shown; * marks an uncertain share, drawn from the distribution in the assumptions table."]
        if others:
            paragraphs.append(f"The other {others} outcomes carry no adjustment: they are conversions of the outcomes "
                              f"below (already net) or indicators.")
        show_used = self.is_comparison and any(len(v) < len(self.names) for v in rows.values())
        cols = ["outcome", "deadweight", "displacement", "leakage", "substitution", "attribution", "drop-off", "lag",
                "duration"] + (["scenarios"] if show_used else [])
        body = [list(k) + ([self._used_by(v)] if show_used else []) for k, v in rows.items()]
        return {"id": "additionality", "title": "Additionality and persistence", "paragraphs": paragraphs,
                "facts": [], "tables": [_Table(cols, body, numeric=[False] + [True] * 8 + ([False] if show_used
                                                                                           else []), css="wide")]}

    def _valuation(self, lib) -> Dict[str, Any]:
        rows: Dict[Tuple, List[str]] = {}
        tables_used = {"stpr": "discounting", "gdp_deflator": "price rebasing"}
        entries: Dict[str, List[str]] = {}
        for n, sc in self.scenarios.items():
            unc = self._uncertain(n)
            meta = sc.metadata
            if any(sc.options.loc[o, "optimism_bias"] for o in sc.funded_ids):
                tables_used["optimism_bias"] = "optimism bias"
            for o in sc.core.outcomes:
                v = o.valuation
                if v.kind == "none":
                    continue
                per = _num(v.per_unit.value) + ("*" if f"outcomes.{o.id}.value.per_unit" in unc else "")
                case = v.library_case or (meta["carbon_case"] if v.kind == "carbon" else "central")
                if v.kind == "money":
                    how = f"GBP {per} per unit ({v.price_base_year or meta['price_base_year']} prices)"
                elif v.kind == "carbon":
                    how = f"{per} tCO2e per unit at the DESNZ carbon value of each year ({case} case)"
                    tables_used["carbon"] = "carbon values"
                elif v.kind == "wellby":
                    how = f"{per} WELLBY per unit ({case} WELLBY value)"
                    tables_used["wellby"] = "wellbeing values"
                elif v.kind == "qaly":
                    how = f"{per} QALY per unit ({case} QALY value)"
                    tables_used["qaly"] = "health values"
                else:
                    how = f"{per} x unit value {v.library_id} ({case})"
                    entries.setdefault(v.library_id, []).append(o.name or o.id)
                key = (str(o.name or o.id), str(o.unit), how, str(o.schedule or meta["schedule"]),
                       str(o.beneficiary))
                rows.setdefault(key, []).append(n)
        show_used = self.is_comparison and any(len(v) < len(self.names) for v in rows.values())
        cols = ["outcome", "unit", "value per unit", "discount schedule", "beneficiary"] + (
            ["scenarios"] if show_used else [])
        body = [list(k) + ([self._used_by(v)] if show_used else []) for k, v in rows.items()]
        src_rows = []
        for t, use in tables_used.items():
            src_rows.append([t, use, _provenance_text(lib.provenance(t))])
        for i, outs in entries.items():
            e = lib.unit_value_entry(i)
            src_rows.append([f"unit_values: {i}", f"{e.description} (for {_list(sorted(set(outs)))})",
                             _provenance_text(e.provenance, e.illustrative)])
        versions = sorted({str(r.attrs.get("value_library_version")) for r in self.results.values()})
        paragraphs = ["Each outcome is valued per unit, in the scenario's price base; * marks an uncertain factor. "
                      "Transfers and indicators are not valued (they are outside the NPSV)."]
        sources = [f"Sources of every value used: the socval value library (data/*.yaml), version "
                   f"{_list(versions)} (this report read version {lib.version}). Illustrative entries are "
                   f"assumptions with their reasoning in the library, to be replaced by published values."]
        return {"id": "valuation", "title": "Valuation and the source of every value", "paragraphs": paragraphs,
                "facts": [], "tables": [
                    _Table(cols, body, numeric=[False] * len(cols), css="wide"),
                    _Table(["library entry", "used for", "source"], src_rows, caption=" ".join(sources),
                           css="long", widths=[22, 28, 50])]}

    def _indicators_part(self) -> Dict[str, Any]:
        facts: Dict[str, str] = {}
        for n in self.names:
            for k, ind in self.indicators[n].items():
                facts.setdefault(k, ind.definition)
        facts[headline.P_POSITIVE] = "share of the draws in which NPSV > 0 (benefits exceed costs)"
        if self.is_comparison:
            facts[headline.P_BEST] = ("share of the paired draws in which the scenario has the highest NPSV (ties "
                                      "shared); the scenarios' P(best) sum to 1")
        paragraphs = []
        if any("outcome_total" not in "".join(r.metrics()) and not any(m.startswith("outcome.") for m in r.metrics())
               for r in self.results.values()):
            paragraphs.append("Jobs, tCO2e and local spend need each outcome's total in every draw, which this run "
                              "did not keep (simulate with keep_outcomes=True): they are left out.")
        return {"id": "indicators", "title": "Headline indicators", "paragraphs": paragraphs,
                "facts": list(facts.items()), "tables": []}

    def _simulation(self) -> Dict[str, Any]:
        a = self.first.attrs
        sampler = _sampler(a)
        facts = [("draws", f"{int(a['draws']):,}"), ("seed", str(a["seed"])),
                 ("sampler", f"{_SAMPLER_NAMES.get(sampler, sampler)} ({sampler})"),
                 ("random streams", "keyed by parameter id: a parameter shared by several scenarios takes the same "
                                    "value in the same draw (common random numbers), and results are identical "
                                    "whatever the number of threads"),
                 ("intervals", "5th to 95th percentile of the draws (a 90% interval)"),
                 ("per-year bands", str(a.get("quantile_method", "histogram quantiles")))]
        paragraphs = []
        if self.is_comparison:
            paragraphs.append(f"The {len(self.names)} scenarios were simulated with the same seed, draws and sampler, "
                              "so their differences are paired draw by draw: the noise of the uncertainty they share "
                              "cancels out of every comparison.")
        return {"id": "simulation", "title": "Uncertainty and simulation", "paragraphs": paragraphs, "facts": facts,
                "tables": []}

    # -- reproducibility -----------------------------------------------------------------------------------------
    def reproducibility(self, path: Optional[Path], fmt: str, pdf: bool) -> Dict[str, Any]:
        from . import __version__
        from .results_file import git_revision

        def versions(key: str, default: str) -> str:
            return _list(sorted({str(r.attrs.get(key) or default) for r in self.results.values()}))

        a = self.first.attrs
        facts = [("socval version", versions("socval_version", __version__) + f" (report by {__version__})"),
                 ("git revision", versions("git_revision", git_revision())),
                 ("value library version", versions("value_library_version", "?")),
                 ("draws, seed, sampler", f"{int(a['draws']):,}, {a['seed']}, {_sampler(a)}"),
                 ("report created", self.created)]
        rows = []
        for n, r in self.results.items():
            text = str(r.attrs.get("scenario_text", ""))
            h = r.attrs.get("scenario_hash") or hashlib.sha256(text.encode("utf-8")).hexdigest()
            rows.append([self.short[n], _display_path(r.attrs.get("scenario_file")) or "(built in Python)", str(h),
                         str(r.attrs.get("created") or "not saved (in memory)")])
        table = _Table(["scenario", "scenario file", "scenario hash (SHA-256 of the scenario text)", "results created"],
                       rows, css="wide long")
        files = [_display_path(r.attrs.get("scenario_file")) for r in self.results.values()]
        missing = not all(files)
        files = [f or "SCENARIO.yaml" for f in files]
        flags = f"--draws {int(a['draws'])} --seed {a['seed']} --sampler {_sampler(a)}"
        out = shlex.quote(_display_path(path) or f"report.{fmt}") if path is not None else f"report.{fmt}"
        commands = []
        if self.command:
            commands.append(("The command that produced this report:", self.command))
        if self.is_comparison:
            commands.append(("The comparison (paired differences and P(best)):",
                             f"socval compare {' '.join(shlex.quote(f) for f in files)} {flags}"))
        else:
            commands.append(("The simulation (a results file):",
                             f"socval run {shlex.quote(files[0])} {flags} --out results.h5"))
        if not self.command:
            commands.append(("This report:", f"socval report {' '.join(shlex.quote(f) for f in files)} {flags} "
                                             f"--out {out}" + (" --pdf" if pdf else "")
                                             + (" --format md" if fmt == "md" else "")))
        intro = ("The same scenario text, value library, seed, number of draws and sampler give identical results on "
                 "any machine and with any number of threads; the scenario hash identifies the exact scenario text "
                 "simulated (it is stored in each results file).")
        if missing:
            intro += (" A scenario built in Python has no file: write it with Scenario.to_yaml('SCENARIO.yaml') to "
                      "run these commands.")
        return {"intro": intro, "facts": facts, "table": table, "commands": commands}

    # -- notes and charts ----------------------------------------------------------------------------------------
    def notes(self) -> List[str]:
        out: List[str] = []
        for n, r in self.results.items():
            for w in list(r.attrs.get("warnings") or []) + self.scenarios[n].warnings:
                text = f"{self.short[n]}: {w}" if self.is_comparison else str(w)
                if text not in out:
                    out.append(text)
        return out

    def charts(self) -> List[_Chart]:
        from . import plots

        a = self.first.attrs
        pb = a.get("price_base_year")
        b, best = self.best, self.results[self.best]
        whose = f" ({self.short[b]}, the scenario with the highest expected NPSV)" if self.is_comparison else ""
        out = [
            _Chart("npsv-distribution", "Distribution of the net present social value",
                   f"NPSV of each scenario over the {int(a['draws']):,} draws (GBP, {pb} prices, present value), "
                   "with the median and the 90% interval (5th to 95th percentile). The further right, the better; "
                   "the overlap shows how sure the ranking is.", _png(plots.distribution(self.obj, metric="npsv"))),
            _Chart("by-pillar", "Value by pillar",
                   "Mean present value by pillar (social, economic, environmental) with its 90% interval.",
                   _png(plots.by_pillar(self.obj))),
            _Chart("by-priority", "Value by priority",
                   "Mean present value serving each priority of the framework, with its 90% interval; colours show "
                   "the pillars.", _png(plots.by_priority(self.obj))),
            _Chart("fan", "Net benefits by year",
                   f"Benefits minus costs in each year{whose}, undiscounted, GBP at {pb} prices: median, 50% and 90% "
                   "bands over the draws.", _png(plots.fan(best, node="net"))),
            _Chart("sankey", "From options to priorities",
                   f"How the present value{whose} flows from the funded options to the priorities they serve, at "
                   "central values (every parameter at its mean).", _png(plots.sankey(best))),
        ]
        if self.is_comparison:
            out.append(_Chart("p-better", "Probability that one scenario beats another",
                              "P(row scenario has a higher NPSV than column scenario), draw by draw on common random "
                              "numbers.", _png(plots.p_better(self.obj))))
        for i, (label, item) in enumerate(self.sensitivity, start=1):
            if isinstance(item, pd.DataFrame):
                out.append(_Chart(f"tornado-{i}", f"Tornado: {label}",
                                  "The output with each input at its low and high value (10th and 90th percentile) and "
                                  "every other input at its central value; the largest swing is at the top.",
                                  _png(plots.tornado(item, top=15, output_label=label.replace("$", r"\$")))))
            elif hasattr(item, "ST"):
                conf = int(round(100 * float(getattr(item, "conf_level", 0.95))))
                out.append(_Chart(f"sobol-{i}", f"Sobol indices: {label}",
                                  "First-order (S1) and total (ST) Sobol indices with their "
                                  f"{conf}% bootstrap intervals: the share of the output's variance due to each "
                                  "input alone, and with its interactions.", _png(plots.sobol(item))))
        return out

    def sensitivity_tables(self) -> List[_Table]:
        out = []
        for label, item in self.sensitivity:
            if isinstance(item, pd.DataFrame):
                t = item.head(15)
                rows = [[str(r.input), _num(r.low), _num(r.high), _num(r.output_low), _num(r.output_high),
                         _num(r.swing)] for r in t.itertuples()]
                out.append(_Table(["input", "low (p10)", "high (p90)", "output at low", "output at high", "swing"],
                                  rows, caption=f"Tornado: {label} (the {len(t)} largest swings)",
                                  numeric=[False] + [True] * 5, css="long"))
            elif hasattr(item, "ST"):
                order = np.argsort(-np.asarray(item.ST, dtype=float))[:15]
                rows = [[str(item.names[i]), f"{float(item.S1[i]):.3f} ± {float(item.S1_conf[i]):.3f}",
                         f"{float(item.ST[i]):.3f} ± {float(item.ST_conf[i]):.3f}"] for i in order]
                out.append(_Table(["input", "S1", "ST"], rows, caption=f"Sobol indices: {label}",
                                  numeric=[False, True, True], css="long"))
            else:
                order = np.argsort(-np.asarray(item.mu_star, dtype=float))[:15]
                rows = [[str(item.names[i]), _num(item.mu_star[i]), _num(item.mu[i]), _num(item.sigma[i])]
                        for i in order]
                out.append(_Table(["input", "mu*", "mu", "sigma"], rows, caption=f"Morris screening: {label}",
                                  numeric=[False, True, True, True], css="long"))
        return out

    def context(self, path: Optional[Path], fmt: str, pdf: bool) -> Dict[str, Any]:
        from . import __version__

        return {
            "kicker": "Annex: social value appraisal", "title": self.title, "subtitle": self.subtitle(),
            "generator": f"socval {__version__}", "created": self.created,
            "summary": self.summary(), "headline": self.headline_table(), "notes": self.notes(),
            "by_priority": self.by_priority_table(), "options": self.options_table(),
            "sensitivity_tables": self.sensitivity_tables(),
            "methodology": self.methodology(), "assumptions": self.assumptions(),
            "reproducibility": self.reproducibility(path, fmt, pdf),
        }


def _provenance_text(p: Any, illustrative: bool = False) -> str:
    """A value's provenance in one line: source, licence, vintage, price base, reference (as plain text)."""
    parts = [str(p.source).rstrip(".") + "."]
    if illustrative:
        parts.append("ILLUSTRATIVE: an assumption to be replaced by a published value.")
    parts.append(f"Licence: {p.licence}.")
    if p.vintage:
        parts.append(f"Vintage: {p.vintage}.")
    if p.price_base_year:
        parts.append(f"Prices of {p.price_base_year}.")
    if p.url:
        parts.append(f"Reference: {p.url}")
    return " ".join(parts)


def _correlation_text(block: Mapping[str, Any]) -> str:
    params = [str(p) for p in block.get("params") or []]
    m = np.asarray(block.get("matrix") or [], dtype=float)
    off = m[~np.eye(len(params), dtype=bool)] if m.size else np.array([])
    if off.size and np.allclose(off, off[0]):
        return f"rank correlation {off[0]:g} between each pair of {_list(params)}"
    pairs = [f"{params[i]} and {params[j]}: {m[i, j]:g}" for i in range(len(params)) for j in range(i + 1, len(params))
             if m[i, j] != 0]
    return "rank correlations " + "; ".join(pairs)


def _sensitivity_items(sensitivity: Any) -> List[Tuple[str, Any]]:
    """[(label, result)] from None, one result, a list of results or a mapping label -> result. A result is a
    tornado table (socval.sensitivity.tornado), a SobolResult or a MorrisResult."""
    if sensitivity is None:
        return []
    if isinstance(sensitivity, Mapping):
        items = [(str(k), v) for k, v in sensitivity.items()]
    elif isinstance(sensitivity, (list, tuple)):
        items = [(f"analysis {i}", v) for i, v in enumerate(sensitivity, start=1)]
    else:
        items = [("NPSV", sensitivity)]
    for label, v in items:
        ok = (isinstance(v, pd.DataFrame) and {"input", "low", "high", "output_low", "output_high", "swing"}
              <= set(v.columns)) or (hasattr(v, "ST") and hasattr(v, "names")) or (
            hasattr(v, "mu_star") and hasattr(v, "names"))
        if not ok:
            raise _core.SensitivityError(
                f"report: sensitivity {label!r}: expected a tornado table (socval.sensitivity.tornado or "
                f"Scenario.sensitivity('tornado')), a SobolResult or a MorrisResult, found {type(v).__name__}")
    return items


# ---------------------------------------------------------------------------------------------------------------
# Rendering

def _environment(fmt: str):
    import jinja2
    from markupsafe import Markup

    if fmt == "html":
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                                 undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        return env, Markup
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             finalize=lambda v: v if isinstance(v, Markup) else md_escape(v))
    env.filters["fence"] = lambda s: Markup(_fence(str(s)))
    return env, Markup


def md_escape(value: Any, table: bool = False) -> str:
    """Text for Markdown, shown as typed by CommonMark and pandoc: newlines become spaces; backslash, backtick, *
    and ~ are backslash-escaped everywhere; _ at a word boundary, ] before ( [ or :, & before an entity, and a
    heading, quote or list marker at the start of a paragraph; < becomes &lt; (no HTML can start); in table cells
    | too. Characters that cannot change the rendering are left alone: the text stays readable before conversion."""
    if value is None:
        return ""
    s = " ".join(str(value).split())
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
    if isinstance(ctx, _Table):
        yield ctx
    elif isinstance(ctx, Mapping):
        for v in ctx.values():
            yield from _walk_tables(v)
    elif isinstance(ctx, (list, tuple)):
        for v in ctx:
            yield from _walk_tables(v)


def _render(content: _Content, charts: List[_Chart], fmt: str, path: Optional[Path], pdf: bool) -> str:
    env, Markup = _environment(fmt)
    ctx = content.context(path, fmt, pdf)
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


# ---------------------------------------------------------------------------------------------------------------
# Writing

def _write_atomic(path: Path, data: Union[str, bytes]) -> None:
    """Write a file whole or not at all: a temporary file in the same folder, renamed over ``path``."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def companion_paths(path: PathLike, format: str = "html", pdf: bool = False, csv: bool = False) -> Dict[str, Path]:
    """The files a report at ``path`` writes: ``main`` (the .html or .md, absent for a PDF-only report), ``pdf``,
    ``figures`` (the folder of PNG charts of a Markdown report) and ``csv:<table>`` for each CSV table."""
    path = Path(path)
    out: Dict[str, Path] = {}
    if path.suffix.lower() == ".pdf":
        out["pdf"] = path
    else:
        out["main"] = path
        if pdf:
            out["pdf"] = path.with_suffix(".pdf")
    if format == "md":
        out["figures"] = path.with_name(f"{path.stem}_files")
    if csv:
        for t in ("headline", "summary", "by-priority", "assumptions"):
            out[f"csv:{t}"] = path.with_name(f"{path.stem}-{t}.csv")
    return out


def _pdf_bytes(html: str) -> bytes:
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # unsupported screen-only CSS is not worth a warning
    return weasyprint.HTML(string=html, base_url=None).write_pdf()


def _csv_text(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n")


def _format_of(format: Optional[str], path: Optional[Path]) -> str:
    if format is None:
        return "md" if path is not None and path.suffix.lower() in (".md", ".markdown") else "html"
    if format not in FORMATS:
        raise ValueError(f"report: format: expected one of {', '.join(FORMATS)}, found {format!r}")
    return format


def _as_reportable(obj: Any) -> Any:
    if isinstance(obj, Results) or (hasattr(obj, "results") and hasattr(obj, "names")):
        return obj
    if isinstance(obj, (list, tuple)) and obj and all(isinstance(r, Results) for r in obj):
        return obj[0] if len(obj) == 1 else comparison_from_results(obj)
    raise TypeError(f"report: expected a socval.Results, a socval.Comparison or a list of Results, found "
                    f"{type(obj).__name__}")


def report(obj: Any, path: Optional[PathLike] = None, *, format: Optional[str] = None, pdf: bool = False,
           title: Optional[str] = None, sensitivity: Any = None, command: Optional[str] = None,
           csv: bool = False) -> Union[str, Path]:
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
    charts = content.charts()
    if p is None:
        for c in charts:
            c.src = _data_uri(c.png)
        return _render(content, charts, fmt, None, pdf)
    files = companion_paths(p, fmt, pdf, csv)
    if fmt == "md":
        folder = files["figures"]
        for i, c in enumerate(charts, start=1):
            name = f"figure-{i}-{c.id}.png"
            _write_atomic(folder / name, c.png)
            c.src = f"{quote(folder.name)}/{name}"
        _write_atomic(files["main"], _render(content, charts, fmt, p, pdf))
    else:
        for c in charts:
            c.src = _data_uri(c.png)
        html = _render(content, charts, fmt, p, pdf or "main" not in files)
        if "main" in files:
            _write_atomic(files["main"], html)
        if "pdf" in files:
            _write_atomic(files["pdf"], _pdf_bytes(html))
    if csv:
        frames = {"headline": content.headline_frame(), "summary": content.summary_frame(),
                  "by-priority": content.by_priority_frame(), "assumptions": content.assumptions_frame()}
        for t, df in frames.items():
            _write_atomic(files[f"csv:{t}"], _csv_text(df))
    return files.get("main", files.get("pdf"))
