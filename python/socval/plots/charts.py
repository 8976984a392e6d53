"""Charts of socval results: the one place where socval draws (matplotlib only).

Every function takes an optional ``ax`` (a new figure is made when it is None) and returns the matplotlib
``Figure``. New figures are plain ``matplotlib.figure.Figure`` objects, not pyplot figures: nothing is shown or kept
open behind your back (safe with the Agg backend, in scripts, in report writers and in notebooks, where a returned
figure is displayed as the cell's value). pyplot is never imported by socval.

Colours are the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), distinguishable under the common
colour-vision deficiencies; pillars and levers keep the same colour in every chart. Money axes are in GBP
(thousands or millions) in the price base year of the results (``results.attrs["price_base_year"]``).

Functions (``obj`` is a :class:`socval.Results` or a :class:`socval.Comparison`)::

    distribution(obj, metric="npsv")       fan(results, node="net")            exceedance(obj, metric="npsv")
    by_priority(obj)  by_pillar(obj)  by_lever(obj)                             sankey(source, top=None)
    p_better(comparison, metric="npsv")    differences(comparison, baseline=None, metric="npsv")
    tornado(table)    sobol(result)    evppi(ranking)

``Results.plot``, ``Comparison.plot`` and ``Scenario.plot`` give the same charts as methods.
"""
from __future__ import annotations

import textwrap

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from .._core import DecisionError
from ..engine.evaluation import Evaluation
from ..engine.results import Results
from ..model.scenario import Scenario
from .common import (INK, LEVER_COLOURS, PALETTE, PILLAR_COLOURS, axis_label, integer_years, is_comparison,
                     legend_below, metric_data, metric_name, metric_unit, money_scale, n_draws,
                     new_figure, price_base, runs_of, safe_text, thousands, threshold)
from .sensitivity import evppi_plot, sobol_plot, tornado_plot

__all__ = ["distribution", "fan", "by_priority", "by_pillar", "by_lever", "sankey", "sankey_flows", "p_better",
           "differences", "exceedance", "tornado", "sobol", "evppi", "ZERO_TOLERANCE"]


def distribution(obj: Any, metric: str = "npsv", ax=None):
    """Histogram of a metric's draws for each scenario, with the median and the 90% interval (p5-p95) marked
    above it, and P(metric > break-even) (P(best) too for a Comparison) in the legend.

    Parameters
    ----------
    obj
        A :class:`socval.Results` or :class:`socval.Comparison`.
    metric
        Any per-draw metric of :meth:`socval.Results.draws` (``"npsv"``, ``"bcr"``, ``"priority.<id>"``, ...).
    ax
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data, div, label, kind = metric_data(obj, metric)
    fig, ax = new_figure(ax, (8, 4.5))
    allx = np.concatenate([x for _, x in data]) if data else np.zeros(0)
    edges = np.histogram_bin_edges(allx, bins=min(60, max(10, int(np.sqrt(max(allx.size, 1)))))) if allx.size \
        else np.linspace(0, 1, 11)
    thr = threshold(metric) / (1.0 if kind != "money" else div)
    p_best = obj.p_best(metric) if is_comparison(obj) and len(data) > 1 else None
    name = metric_name(metric)
    top = 0.0
    for i, (scen, x) in enumerate(data):
        colour = PALETTE[i % len(PALETTE)]
        weights = np.full(x.size, 1.0 / x.size) if x.size else None
        h, _, _ = ax.hist(x, bins=edges, weights=weights, histtype="stepfilled", color=colour, alpha=0.18)
        ax.hist(x, bins=edges, weights=weights, histtype="step", color=colour, linewidth=1.8)
        top = max(top, float(np.max(h)) if np.size(h) else 0.0)
        p_above = float(np.mean(x > thr)) if x.size else float("nan")
        text = f"{safe_text(scen)}: P({name} > {threshold(metric):g}) = {p_above:.2f}"
        if p_best is not None:
            text += f", P(best) = {float(p_best.iloc[i]):.2f}"
        ax.plot([], [], color=colour, linewidth=6, alpha=0.6, label=text)
    top = top or 1.0
    for i, (scen, x) in enumerate(data):  # interval strips above the histograms
        if not x.size:
            continue
        colour = PALETTE[i % len(PALETTE)]
        p5, p50, p95 = np.quantile(x, [0.05, 0.5, 0.95])
        y = top * (1.06 + 0.07 * i)
        ax.plot([p5, p95], [y, y], color=colour, linewidth=2)
        ax.plot([p5, p95], [y, y], linestyle="none", marker="|", markersize=10, color=colour)
        ax.plot([p50], [y], marker="o", color=colour, markeredgecolor="white")
    ax.plot([], [], color=INK, marker="o", markeredgecolor="white", linewidth=2,
            label="median and 90% interval (p5 to p95)")
    if allx.size and allx.min() <= thr <= allx.max():
        ax.axvline(thr, color=INK, linewidth=0.8, linestyle=":")
    ax.set_ylim(0, top * (1.12 + 0.07 * len(data)))
    ax.set_xlabel(label)
    ax.set_ylabel("share of draws per bin")
    what = "paired draws" if is_comparison(obj) else "draws"
    title = f"Distribution of {name}, {n_draws(obj):,} {what}"
    if not is_comparison(obj):
        title += f": {safe_text(data[0][0])}"
    ax.set_title(title)
    legend_below(ax)
    return fig


def exceedance(obj: Any, metric: str = "npsv", ax=None):
    """Exceedance curve: P(metric > x) against x for each scenario (a survival function of the draws), with the
    break-even value (0, or 1 for a ratio) marked.

    Parameters
    ----------
    obj
        A :class:`socval.Results` or :class:`socval.Comparison`.
    metric
        Any per-draw metric.
    ax
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data, div, label, kind = metric_data(obj, metric)
    fig, ax = new_figure(ax, (7, 4.2 + 0.2 * len(data)))
    thr = threshold(metric) / (1.0 if kind != "money" else div)
    name = metric_name(metric)
    for i, (scen, x) in enumerate(data):
        if not x.size:
            continue
        xs = np.sort(x)
        p = 1.0 - np.arange(1, xs.size + 1) / xs.size  # P(X > xs[k]) for distinct values
        ax.step(np.r_[xs[0], xs], np.r_[1.0, p], where="post", color=PALETTE[i % len(PALETTE)], linewidth=1.8,
                label=f"{safe_text(scen)}: P({name} > {threshold(metric):g}) = {np.mean(x > thr):.2f}")
    ax.axvline(thr, color=INK, linewidth=0.8, linestyle=":")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(label)
    ax.set_ylabel(f"P({name} > x)")
    ax.set_title(f"Exceedance curve of {name}, {n_draws(obj):,} draws")
    ax.grid(True, color="#dddddd", linewidth=0.6)
    legend_below(ax)
    return fig


# ---- fan chart ---------------------------------------------------------------------------------------------------

def fan(results: Any, node: str = "net", ax=None, kind: str = "level"):
    """Fan chart of one node over the years: the p5-p95 and p25-p75 bands, the median and the mean, from the
    streaming per-year summaries (:meth:`socval.Results.by_year`; quantiles from histograms).

    Parameters
    ----------
    results
        A :class:`socval.Results`.
    node
        ``"net"`` (benefits - costs), ``"benefits"``, ``"cost"`` (GBP by year, undiscounted) or an outcome id
        (its level in the outcome's unit; with ``kind="value"`` its value in GBP when the run kept it).
    ax
        Axes to draw on; a new figure when None.
    kind
        ``"level"`` or ``"value"`` for an outcome.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if is_comparison(results):
        raise TypeError("fan: expected one socval.Results (a fan chart per scenario: comparison.results[name])")
    df = results.by_year(node, kind=kind) if node in results.outcomes else results.by_year(node)
    money = node not in results.outcomes or kind == "value"
    names = {"net": "net benefits", "benefits": "benefits", "benefit": "benefits",
             "cost": "costs with optimism bias", "costs": "costs with optimism bias"}
    outcome_name = node
    if node in results.outcomes:  # the outcome's name, not its id (the id where the scenario is not at hand)
        try:
            outcome_name = next((o.name for o in results.scenario().core.outcomes if o.id == node and o.name), node)
        except Exception:
            outcome_name = node
    if money:
        div, unit = money_scale(df[["min", "max", "mean"]].to_numpy())
        label = axis_label(names.get(node, f"value of {safe_text(outcome_name)}"), "money", "", unit,
                           price_base(results), discounted=False)
    else:
        unit = metric_unit(results, f"outcome.{node}")[1]
        div, scale_unit = money_scale(df[["min", "max", "mean"]].to_numpy()) if unit.startswith("GBP") \
            else (1.0, unit)
        label = f"{safe_text(outcome_name)} ({safe_text(scale_unit)} per year)"
    fig, ax = new_figure(ax, (8, 4.5))
    years = df.index.to_numpy()
    colour = PALETTE[0]
    for lo, hi, alpha in (("p5", "p95", 0.18), ("p25", "p75", 0.35)):
        if lo in df and hi in df:
            ax.fill_between(years, df[lo] / div, df[hi] / div, color=colour, alpha=alpha, linewidth=0,
                            label=f"{lo[1:]}th to {hi[1:]}th percentile")
    if "p50" in df:
        ax.plot(years, df["p50"] / div, color=colour, linewidth=2, label="median")
    ax.plot(years, df["mean"] / div, color=PALETTE[5], linewidth=1.5, linestyle="--", label="mean")
    ax.axhline(0, color=INK, linewidth=0.8)
    integer_years(ax)
    thousands(ax.yaxis)
    ax.set_xlabel("year")
    ax.set_ylabel(label)
    name = safe_text(results.attrs.get("scenario_name", ""))
    what = "net benefits (benefits - costs)" if node == "net" else names.get(node, safe_text(outcome_name))
    what = what[0].upper() + what[1:]
    ax.set_title(f"{what} by year: {name} ({results.n_draws:,} draws)")
    ax.legend(frameon=False, fontsize="small")
    return fig


# ---- value by priority, pillar, lever ------------------------------------------------------------------------

#: A category of by_priority / by_pillar / by_lever is zero when its mean, sd, p5 and p95 are all within this share
#: of the largest such magnitude over the categories: floating-point round-off (e.g. an "unallocated" pillar of
#: +-5e-9 GBP next to pillars of GBP 40m, a relative size of 1e-16) is not value. As for sankey_flows.
ZERO_TOLERANCE = 1e-12


def _zero_categories(cats: List[str], tables: List[pd.DataFrame]) -> List[str]:
    """Categories that are zero, up to round-off (:data:`ZERO_TOLERANCE`), in every table."""
    size: Dict[str, float] = {}
    for c in cats:
        values = [np.abs(t.loc[c, [k for k in ("mean", "sd", "p5", "p95") if k in t.columns]].to_numpy(dtype=float))
                  for t in tables if c in t.index]
        size[c] = float(np.nanmax(np.concatenate(values))) if values else 0.0
    largest = max(size.values(), default=0.0)
    return [c for c in cats if size[c] <= ZERO_TOLERANCE * largest]


def _intervals(obj: Any, table: str, category: str, ax, colour_of: Dict[str, str], title: str,
               pillar_of: Optional[Dict[str, str]] = None, cost: bool = False,
               names: Optional[Dict[str, str]] = None):
    """Horizontal bars of the mean with 90% interval lines (p5-p95), one group per category, one bar per
    scenario."""
    runs = runs_of(obj)
    tables = [(n, getattr(r, table)()) for n, r in runs]
    cats: List[str] = []
    for _, t in tables:
        cats += [str(c) for c in t.index if str(c) not in cats]
    zero = _zero_categories(cats, [t for _, t in tables])
    if len(zero) < len(cats):
        cats = [c for c in cats if c not in zero]
    else:
        zero = []
    values = np.concatenate([t[["mean", "p5", "p95"]].to_numpy().ravel() for _, t in tables])
    div, unit = money_scale(values)
    many = len(tables) > 1
    fig, ax = new_figure(ax, (8, max(3.0, 0.45 * len(cats) * (1 + 0.35 * (len(tables) - 1)) + 1.8)))
    height = 0.8 / len(tables)
    y0 = np.arange(len(cats))[::-1].astype(float)
    for i, (scen, t) in enumerate(tables):
        t = t.reindex(cats)
        y = y0 + 0.4 - height * (i + 0.5)
        colours = [PALETTE[i % len(PALETTE)]] * len(cats) if many else [colour_of.get(c, PALETTE[0]) for c in cats]
        m = t["mean"].to_numpy(dtype=float) / div
        ax.barh(y, np.nan_to_num(m), height=height * 0.9, color=colours, label=safe_text(scen) if many else None)
        lo, hi = t["p5"].to_numpy(dtype=float) / div, t["p95"].to_numpy(dtype=float) / div
        ax.hlines(y, lo, hi, color=INK, linewidth=1.2)
        ax.plot(np.r_[lo, hi], np.r_[y, y], linestyle="none", marker="|", markersize=7, color=INK)
        if cost and "cost" in t:
            ax.plot(t["cost"].to_numpy(dtype=float) / div, y, linestyle="none", marker="D", markersize=5,
                    color="white", markeredgecolor=INK, label="PV costs (mean)" if i == 0 else None)
    ax.plot([], [], color=INK, marker="|", label="90% interval (p5 to p95)")
    names = names or {}
    ticks = ["\n".join(textwrap.wrap(t, 26, max_lines=2, placeholder="...")) for t in
             (f"{safe_text(names.get(c, c))} ({pillar_of[c]})" if pillar_of and pillar_of.get(c) and pillar_of[c] != c
              else safe_text(names.get(c, c)) for c in cats)]
    ax.set_yticks(y0)
    ax.set_yticklabels(ticks)
    ax.axvline(0, color=INK, linewidth=0.8)
    ax.set_xlabel(f"PV value, {unit} ({price_base(runs[0][1])} prices, present value); bars: mean")
    ax.set_ylabel(category)
    suffix = f"{len(tables)} scenarios, {n_draws(obj):,} paired draws" if many else \
        f"{safe_text(runs[0][0])}, {n_draws(obj):,} draws"
    ax.set_title(f"{title}: {suffix}")
    if not many and category == "priority":
        shown = {pillar_of.get(c, c) if pillar_of else c for c in cats}
        for p, c in PILLAR_COLOURS.items():
            if p in shown:
                ax.barh([np.nan], [np.nan], color=c, label=f"{p} pillar")
    ax.set_ylim(-0.6, len(cats) - 0.4)
    note = f"zero in every draw (up to round-off), not shown: {', '.join(safe_text(c) for c in zero)}" if zero else None
    legend_below(ax, title=note)
    return fig


def by_priority(obj: Any, ax=None):
    """Mean PV value serving each priority with its 90% interval (p5-p95); bars coloured by pillar, or grouped by
    scenario for a Comparison. ``unallocated`` is value of outcomes not assigned to a priority.

    Returns
    -------
    matplotlib.figure.Figure
    """
    pillar_of: Dict[str, str] = {}
    for _, r in runs_of(obj):
        pillar_of.update(r.by_priority()["pillar"].astype(str).to_dict())
    colour_of = {p: PILLAR_COLOURS.get(pl, PALETTE[0]) for p, pl in pillar_of.items()}
    return _intervals(obj, "by_priority", "priority", ax, colour_of, "PV value by priority", pillar_of,
                      names=_priority_names(obj))


def _priority_names(obj: Any) -> Dict[str, str]:
    """priority id -> its name in the scenario(s) behind ``obj`` (ids where a run cannot rebuild its scenario)."""
    names: Dict[str, str] = {}
    for _, r in runs_of(obj):
        try:
            priorities = r.scenario().core.priorities
        except Exception:  # results without their scenario text: the ids stay
            continue
        for pr in priorities:
            if getattr(pr, "name", "") and pr.id not in names:
                names[pr.id] = pr.name
    return names


def by_pillar(obj: Any, ax=None):
    """Mean PV value by pillar (social, economic, environmental, unallocated) with its 90% interval.

    Returns
    -------
    matplotlib.figure.Figure
    """
    return _intervals(obj, "by_pillar", "pillar", ax, PILLAR_COLOURS, "PV value by pillar")


def by_lever(obj: Any, ax=None):
    """Mean PV value attributed to each lever (commissioning, anchor, employer) with its 90% interval, and the
    lever's mean PV costs (diamonds).

    Raises
    ------
    KeyError
        If a run did not track levers.

    Returns
    -------
    matplotlib.figure.Figure
    """
    return _intervals(obj, "by_lever", "lever", ax, LEVER_COLOURS, "PV value by lever", cost=True)


# ---- Sankey: options -> (levers ->) priorities --------------------------------------------------------------------

def _evaluation(source: Any) -> Evaluation:
    """The deterministic Evaluation of a Scenario, an Evaluation, or the scenario a Results was run from."""
    if isinstance(source, Evaluation):
        return source
    if isinstance(source, Scenario):
        return source.evaluate()
    if isinstance(source, Results):
        return source.scenario().evaluate()
    raise TypeError(f"sankey: expected a socval.Scenario, Evaluation or Results, found {type(source).__name__}")


def _node_names(source: Any) -> Dict[str, str]:
    """id -> name of the options and priorities of the scenario behind ``source`` ({} for an Evaluation)."""
    try:
        core = source.core if isinstance(source, Scenario) else \
            source.scenario().core if isinstance(source, Results) else None
    except Exception:  # results without their scenario text
        core = None
    if core is None:
        return {}
    names = {p.id: p.name for p in core.priorities if getattr(p, "name", "")}
    names.update({o.id: o.name for o in core.options if getattr(o, "name", "")})
    return names


def sankey_flows(source: Any, top: Optional[int] = None) -> pd.DataFrame:
    """The option -> priority flows a Sankey chart draws: PV value at central values (deterministic appraisal).

    Parameters
    ----------
    source
        A :class:`socval.Scenario`, its :class:`socval.Evaluation`, or a :class:`socval.Results` (the scenario is
        rebuilt from ``results.attrs["scenario_text"]``).
    top
        Keep the ``top`` options with the largest positive value; the others are summed into one option named
        ``"other options (k)"`` per lever and priority.

    Returns
    -------
    pandas.DataFrame
        Columns option, lever, priority, pillar, value (GBP, price base year, present value), one row per
        non-zero flow (flows below 1e-12 of the total absolute flow, floating-point round-off of the attribution,
        are dropped); negative flows (an option that reduces value at a priority) are kept (the chart leaves them
        out and says so). Sums by priority equal those of ``Evaluation.attribution``.
    """
    if top is not None and (int(top) != top or top < 1):
        raise DecisionError(f"sankey: top: expected a whole number >= 1 or None, found {top!r}")
    a = _evaluation(source).attribution
    if a.empty:  # nothing funded inside the horizon: no flows (groupby would drop the value column)
        return a[["option", "lever", "priority", "pillar", "value"]].reset_index(drop=True)
    flows = a.groupby(["option", "lever", "priority", "pillar"], sort=False, as_index=False)["value"].sum()
    tiny = 1e-12 * float(flows["value"].abs().sum())  # round-off of the attribution, not a flow
    flows = flows[flows["value"].abs() > tiny]
    if top is not None:
        positive = flows[flows["value"] > 0].groupby("option", sort=False)["value"].sum()
        keep = list(positive.sort_values(ascending=False).index[: int(top)])
        rest = ~flows["option"].isin(keep)
        n_rest = flows.loc[rest, "option"].nunique()
        if n_rest:
            other = flows[rest].groupby(["lever", "priority", "pillar"], sort=False, as_index=False)["value"].sum()
            other.insert(0, "option", f"other options ({n_rest})")
            flows = pd.concat([flows[~rest], other[other["value"] != 0]], ignore_index=True)
    return flows.reset_index(drop=True)[["option", "lever", "priority", "pillar", "value"]]


def _ribbon(ax, x0: float, x1: float, a: Tuple[float, float], b: Tuple[float, float], colour: str) -> None:
    """A band from [a0, a1] at x0 to [b0, b1] at x1 (tops a1, b1) with cubic Bezier edges."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    xm = (x0 + x1) / 2
    verts = [(x0, a[1]), (xm, a[1]), (xm, b[1]), (x1, b[1]), (x1, b[0]), (xm, b[0]), (xm, a[0]), (x0, a[0]),
             (x0, a[1])]
    codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.LINETO, Path.CURVE4, Path.CURVE4,
             Path.CURVE4, Path.CLOSEPOLY]
    ax.add_patch(PathPatch(Path(verts, codes), facecolor=colour, edgecolor="none", alpha=0.45))


#: Sankey node labels: font size (points), and the width kept for labels on each side of the flows (a share of the
#: figure's width, at least SANKEY_LABEL_IN inches).
SANKEY_FONT_PT = 9
SANKEY_LABEL_IN = 2.1
SANKEY_LABEL_SHARE = 0.24


def _spread(ys: List[float], seps: List[float], lo: float, hi: float) -> List[float]:
    """Label centres ``ys`` (top to bottom, descending) moved apart as little as needed so that consecutive
    labels are at least the mean of their ``seps`` (heights) apart, kept within [lo, hi] where possible."""
    out = list(ys)
    for i in range(1, len(out)):  # downwards: each label below the one above it
        out[i] = min(out[i], out[i - 1] - (seps[i - 1] + seps[i]) / 2)
    if out and out[-1] - seps[-1] / 2 < lo:  # then upwards from the floor, not above the ceiling
        out[-1] = lo + seps[-1] / 2
        for i in range(len(out) - 2, -1, -1):
            out[i] = min(max(out[i], out[i + 1] + (seps[i] + seps[i + 1]) / 2), hi - seps[i] / 2)
    return out


def sankey(source: Any, ax=None, top: Optional[int] = None, levers: bool = False, width: float = 11.0):
    """Alluvial (Sankey) diagram of the PV value flowing from options (through levers when ``levers``) to the
    priorities, at central values; ribbon widths are the value attributed (``Evaluation.attribution``), ribbons
    coloured by the priority's pillar.

    Negative flows (an option that takes value away from a priority) cannot be drawn as widths: they are left
    out, and the figure says how many and how much.

    Parameters
    ----------
    source
        A :class:`socval.Scenario`, its :class:`socval.Evaluation`, or a :class:`socval.Results`.
    ax
        Axes to draw on; a new figure when None.
    top
        Show the ``top`` options by value and sum the others into "other options (k)".
    levers
        Add a middle column with the levers (commissioning, anchor, employer).
    width
        Width of a new figure in inches (8 fits an A4 page with the labels at 8 pt or more when printed).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if isinstance(width, bool) or not isinstance(width, (int, float)) or not width >= 4:
        raise DecisionError(f"sankey: width: expected a number of inches >= 4, found {width!r}")
    appraisal = _evaluation(source)
    names = _node_names(source)  # option and priority names (ids where the scenario is not at hand)
    flows = sankey_flows(appraisal, top=top)
    negative = flows[flows["value"] < 0]
    pos = flows[flows["value"] > 0]
    div, unit = money_scale(pos.groupby("priority")["value"].sum().to_numpy() if len(pos) else [0.0])
    pillar_of = dict(zip(pos["priority"], pos["pillar"]))
    # Columns of nodes, in order; stages of (source node, target node, value, colour).
    options = list(pos.groupby("option", sort=False)["value"].sum().sort_values(ascending=False).index)
    prio_order = list(appraisal.by_priority.index.astype(str))
    priorities = [p for p in prio_order if p in set(pos["priority"])] + \
        sorted(set(pos["priority"]) - set(prio_order))
    colour = {p: PILLAR_COLOURS.get(pillar_of[p], PALETTE[0]) for p in priorities}
    if levers:
        lever_list = [lv for lv in LEVER_COLOURS if lv in set(pos["lever"])]
        columns = [options, lever_list, priorities]
        s1 = pos.groupby(["option", "lever"], sort=False)["value"].sum()
        s2 = pos.groupby(["lever", "priority"], sort=False)["value"].sum()
        stages = [[(o, lv, v, LEVER_COLOURS.get(lv, PALETTE[0])) for (o, lv), v in s1.items()],
                  [(lv, p, v, colour[p]) for (lv, p), v in s2.items()]]
    else:
        columns = [options, priorities]
        s = pos.groupby(["option", "priority"], sort=False)["value"].sum()
        stages = [[(o, p, v, colour[p]) for (o, p), v in s.items()]]
    total = float(pos["value"].sum())
    n_max = max(len(c) for c in columns) if columns else 1
    fig, ax = new_figure(ax, (float(width), max(4.5, 0.36 * n_max + 1.8)))
    xs = np.linspace(0.0, 1.0, len(columns))
    bar = 0.018  # node width in axes units
    gap = min(0.03, 0.3 / max(n_max - 1, 1))
    scale = min((1 - gap * (len(c) - 1)) / total for c in columns) if total > 0 else 0.0
    # Node sizes: the larger of in- and outflow (equal in the middle column: flows are conserved through levers).
    spans: List[Dict[str, Tuple[float, float]]] = []
    for k, col in enumerate(columns):
        size = {n: 0.0 for n in col}
        for src, dst, v, _ in stages[k] if k < len(stages) else []:
            size[src] += v
        if k > 0:
            inflow = {n: 0.0 for n in col}
            for src, dst, v, _ in stages[k - 1]:
                inflow[dst] += v
            size = {n: max(size[n], inflow[n]) for n in col}
        height = sum(size.values()) * scale + gap * (len(col) - 1)
        y = 0.5 + height / 2
        span = {}
        for n in col:
            h = size[n] * scale
            span[n] = (y - h, y)
            y -= h + gap
        spans.append(span)
    for k, st in enumerate(stages):
        out_at = {n: s[1] for n, s in spans[k].items()}
        in_at = {n: s[1] for n, s in spans[k + 1].items()}
        order_next = {n: i for i, n in enumerate(columns[k + 1])}
        order_this = {n: i for i, n in enumerate(columns[k])}
        ends = {}
        for src, dst, v, c in sorted(st, key=lambda f: (order_this[f[0]], order_next[f[1]])):
            h = v * scale
            ends[(src, dst)] = [(out_at[src] - h, out_at[src]), None, c]
            out_at[src] -= h
        for src, dst, v, c in sorted(st, key=lambda f: (order_next[f[1]], order_this[f[0]])):
            h = v * scale
            ends[(src, dst)][1] = (in_at[dst] - h, in_at[dst])
            in_at[dst] -= h
        for a, b, c in ends.values():
            _ribbon(ax, xs[k] + bar, xs[k + 1], a, b, c)
    from matplotlib.patches import Rectangle

    fig_w, fig_h = fig.get_size_inches()
    line = 1.2 * SANKEY_FONT_PT / 72 / max(fig_h - 1.4, 1.0)  # a line of label text in axes units (title, legend off)
    label_in = max(SANKEY_LABEL_IN, SANKEY_LABEL_SHARE * fig_w)
    wrap = max(12, int(label_in * 72 / (0.55 * SANKEY_FONT_PT)) - 8)  # characters, leaving room for the value
    for k, col in enumerate(columns):
        labels, ys, seps = [], [], []
        for n in col:
            lo, hi = spans[k][n]
            node_colour = colour.get(n, "#666666") if k == len(columns) - 1 else \
                (LEVER_COLOURS.get(n, "#666666") if levers and k == 1 else "#666666")
            ax.add_patch(Rectangle((xs[k], lo), bar, hi - lo, facecolor=node_colour, edgecolor="none"))
            value = (hi - lo) / scale / div if scale else 0.0
            name = "\n".join(textwrap.wrap(names.get(n, n), wrap, max_lines=2, placeholder="..."))
            labels.append(f"{safe_text(name)}  {value:,.2f}")
            ys.append((lo + hi) / 2)
            seps.append(line * (name.count("\n") + 1.5))
        for label, y0, y in zip(labels, ys, _spread(ys, seps, 0.0, 1.0)):  # small nodes' labels moved apart
            moved = abs(y - y0) > 0.25 * line
            dx = 0.04 if moved else 0.008  # a moved label sits further out, a leader line to its node
            if moved:
                x_node, x_text = (xs[k], xs[k] - dx + 0.006) if k == 0 else (xs[k] + bar, xs[k] + bar + dx - 0.006)
                ax.plot([x_node, x_text], [y0, y], color="#8a8a8a", linewidth=0.6)
            if k == 0:
                ax.text(xs[k] - dx, y, label, ha="right", va="center", fontsize=SANKEY_FONT_PT)
            else:
                ax.text(xs[k] + bar + dx, y, label, ha="left", va="center", fontsize=SANKEY_FONT_PT,
                        bbox=dict(facecolor="white", alpha=0.7, edgecolor="none", pad=0.5) if k < len(columns) - 1
                        else None)
    for p, c in PILLAR_COLOURS.items():
        if p in set(pillar_of.values()):
            ax.barh([np.nan], [np.nan], color=c, label=p)
    if len(pos):
        ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4,
                  title="pillar of the priority")
    flow_in = max(fig_w - 2 * label_in - 0.3, 1.0)  # inches left for the flows between the label columns
    ax.set_xlim(-label_in / flow_in, 1 + label_in / flow_in)
    ax.set_ylim(-0.02, 1.02)
    ax.axis("off")
    how = "options -> levers -> priorities" if levers else "options -> priorities"
    title = (f"Flow of PV value, {how}: {safe_text(appraisal.scenario)}\n"
             f"central values, {unit} ({appraisal.price_base_year} prices, present value)")
    if len(negative):
        title += (f"; {len(negative)} negative flow{'s' if len(negative) > 1 else ''} "
                  f"(GBP {negative['value'].sum():,.0f} in total) not drawn")
    ax.set_title(title, fontsize="medium")
    return fig


# ---- comparisons ---------------------------------------------------------------------------------------------

def _comparison(obj: Any, what: str):
    if not is_comparison(obj):
        raise TypeError(f"{what}: expected a socval.Comparison (socval.compare), found {type(obj).__name__}")
    return obj


def p_better(comparison: Any, metric: str = "npsv", ax=None):
    """Heatmap of P(row scenario better than column scenario), draw by draw on common random numbers
    (:meth:`socval.Comparison.p_better`), values written in the cells.

    Returns
    -------
    matplotlib.figure.Figure
    """
    comparison = _comparison(comparison, "p_better")
    m = comparison.p_better(metric)
    n = len(m)
    fig, ax = new_figure(ax, (max(5.0, 1.3 * n + 3), max(4.0, 1.0 * n + 2)))
    values = m.to_numpy(dtype=float).copy()
    np.fill_diagonal(values, np.nan)
    image = ax.imshow(values, cmap="cividis", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            if i == j:
                ax.text(j, i, "-", ha="center", va="center", color=INK)
                continue
            v = values[i, j]
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", color="black" if v > 0.6 else "white",
                    fontsize="medium")
    labels = [safe_text(x) for x in m.index]
    ax.set_xticks(np.arange(n))
    ax.set_xticklabels(labels, rotation=30 if n > 2 else 0, ha="right" if n > 2 else "center")
    ax.set_yticks(np.arange(n))
    ax.set_yticklabels(labels)
    ax.set_xlabel("scenario B")
    ax.set_ylabel("scenario A")
    cbar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    cbar.set_label(f"P(A better than B) on {metric_name(metric)} (probability, 0 to 1)")
    lower = " (lower is better)" if metric in ("pv_costs", "pv_investment", "pv_others") else ""
    ax.set_title(f"P(A better than B), {metric_name(metric)}{lower}: {n_draws(comparison):,} paired draws")
    return fig


def differences(comparison: Any, baseline: Optional[str] = None, metric: str = "npsv", ax=None):
    """Paired differences (scenario - baseline, draw by draw) of a metric: mean, 50% and 90% intervals, and
    P(scenario better than the baseline).

    Parameters
    ----------
    comparison
        A :class:`socval.Comparison`.
    baseline
        The scenario others are compared with; default the first.
    metric
        Any per-draw metric.

    Raises
    ------
    socval.DecisionError
        For an unknown baseline.

    Returns
    -------
    matplotlib.figure.Figure
    """
    comparison = _comparison(comparison, "differences")
    names = list(comparison.names)
    baseline = names[0] if baseline is None else str(baseline)
    if baseline not in names:
        raise DecisionError(f"differences: baseline: expected one of {', '.join(names)}, found {baseline!r}")
    others = [n for n in names if n != baseline]
    base = np.asarray(comparison.results[baseline].draws(metric), dtype=float)
    diffs = []
    for n in others:
        d = np.asarray(comparison.results[n].draws(metric), dtype=float) - base
        diffs.append(d[~np.isnan(d)])
    kind, unit = metric_unit(comparison.results[baseline], metric)
    div, scale_unit = money_scale(np.concatenate(diffs)) if kind == "money" else (1.0, "")
    better = comparison.p_better(metric)
    fig, ax = new_figure(ax, (8, max(3.2, 0.8 * len(others) + 2.2)))
    y = np.arange(len(others))[::-1].astype(float)
    for k, (n, d) in enumerate(zip(others, diffs)):
        colour = PALETTE[(names.index(n)) % len(PALETTE)]
        d = d / div
        if not d.size:
            continue
        p5, p25, p75, p95 = np.quantile(d, [0.05, 0.25, 0.75, 0.95])
        ax.hlines(y[k], p5, p95, color=colour, linewidth=2)
        ax.hlines(y[k], p25, p75, color=colour, linewidth=9, alpha=0.6)
        ax.plot([d.mean()], [y[k]], marker="D", color="white", markeredgecolor=INK, markersize=7)
        ax.annotate(f"P(better) = {float(better.loc[n, baseline]):.2f}", ((p5 + p95) / 2, y[k]),
                    textcoords="offset points", xytext=(0, 7), ha="center", va="bottom", fontsize="small")
    ax.plot([], [], color=INK, linewidth=2, label="90% interval (p5 to p95)")
    ax.plot([], [], color=INK, linewidth=9, alpha=0.6, label="50% interval (p25 to p75)")
    ax.plot([], [], marker="D", color="white", markeredgecolor=INK, linestyle="none", label="mean difference")
    ax.axvline(0, color=INK, linewidth=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([safe_text(n) for n in others])
    ax.set_ylim(-0.6, len(others) - 0.2)
    ax.margins(x=0.08)
    name = metric_name(metric)
    ax.set_xlabel(axis_label(f"{name}: scenario - {safe_text(baseline)}", kind, safe_text(unit), scale_unit,
                              price_base(comparison.results[baseline])))
    ax.set_ylabel("scenario")
    ax.set_title(f"Paired differences in {name}, {n_draws(comparison):,} draws\nagainst {safe_text(baseline)}")
    legend_below(ax)
    return fig


# ---- sensitivity -------------------------------------------------------------------------------------------------

def tornado(table: pd.DataFrame, ax=None, output_label: str = "NPSV (GBP, present value)",
            top: Optional[int] = None, unit: Optional[str] = "GBP", labels: Any = None):
    """Tornado chart of a one-way sensitivity table (:func:`socval.sensitivity.tornado` or
    ``Scenario.sensitivity("tornado")``): money in GBP m or GBP k (the "GBP" in ``output_label`` becomes the unit
    used), short labels for the parameter ids, the figure as tall as the bars need. See
    :func:`socval.plots.tornado_plot` for ``unit`` and ``labels``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    ax = tornado_plot(table, ax=ax, output_label=output_label, top=top, unit=unit, labels=labels)
    return new_figure(ax, (0, 0))[0]


def sobol(result: Any, ax=None, top: Optional[int] = None, labels: Any = None):
    """First-order and total Sobol indices with their intervals (a SobolResult of :func:`socval.sensitivity.sobol`
    or ``Scenario.sensitivity("sobol")``), largest total index at the top; ``top`` keeps the ``top`` largest. See
    :func:`socval.plots.sobol_plot`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    return new_figure(sobol_plot(result, ax=ax, top=top, labels=labels), (0, 0))[0]


def evppi(ranking: pd.DataFrame, ax=None, unit: Optional[str] = "GBP", top: Optional[int] = None,
          labels: Any = None):
    """EVPPI of each parameter or group with +-2 standard errors, and the EVPI, from
    :func:`socval.sensitivity.evppi_ranking` or :func:`socval.sensitivity.scenario_evppi`; money in GBP m or GBP k
    per decision. See :func:`socval.plots.evppi_plot`.

    Parameters
    ----------
    ranking
        The EVPPI table (an ``evppi`` column; ``se`` and ``evpi`` columns or ``attrs["evpi"]`` when present).
    ax
        Axes to draw on; a new figure when None.
    unit
        ``"GBP"`` (the net benefit is money), another unit shown as it is, or None.
    top
        Show only the ``top`` largest EVPPIs.
    labels
        Tick labels: None (short labels for parameter ids), False (the index as it is), a mapping or a function.

    Returns
    -------
    matplotlib.figure.Figure
    """
    return new_figure(evppi_plot(ranking, ax=ax, unit=unit, top=top, labels=labels), (0, 0))[0]
