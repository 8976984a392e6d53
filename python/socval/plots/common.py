"""What every socval chart shares: the palette (Okabe-Ito), metric names and units, money scales, new figures and
legends. Used by :mod:`socval.plots.charts` and :mod:`socval.plots.sensitivity`."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .._util.safe_text import shorten
from .._util.labels import PLACE_LABEL, PLACE_PREFIX
from ..engine.comparison import Comparison
from ..engine.results import Results


#: Okabe-Ito colours, in the order socval uses them for scenarios (yellow and black last: weak on white / text).
PALETTE: Tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: One colour per pillar (Okabe-Ito; grey for value not allocated to a priority).
PILLAR_COLOURS: Dict[str, str] = {"social": "#CC79A7", "economic": "#0072B2", "environmental": "#009E73",
                                  "unallocated": "#999999"}
#: One colour per lever (Okabe-Ito).
LEVER_COLOURS: Dict[str, str] = {"commissioning": "#E69F00", "anchor": "#56B4E9", "employer": "#D55E00"}

INK = "#333333"
METRIC_NAMES = {"npsv": "NPSV", "bcr": "BCR", "bcr_all_costs": "BCR (all costs)",
                "sroi": "SROI ratio", "pv_benefits": "PV benefits",
                 "pv_costs": "PV costs (with optimism bias)", "pv_investment": "PV investment (before optimism bias)",
                 "pv_others": "PV costs to others"}
PREFIX_NAMES = {"priority": "value serving priority {}", "pillar": "{} value", "beneficiary": "value to {}",
                 "lever": "value attributed to lever {}", "lever_cost": "PV costs of lever {}",
                 "outcome": "{} (total over the horizon)", "outcome_pv": "PV of outcome {}"}
RATIOS = ("bcr", "bcr_all_costs", "sroi", "place_bcr", "place_bcr_all_costs", "place_sroi")


def safe_text(s: Any) -> str:
    """A user-supplied string made safe for matplotlib text: at most 80 characters, no bidi controls, and a '$'
    escaped (it would start mathtext)."""
    return shorten(s, 80).replace("$", r"\$")  # a 2,500-character name would make matplotlib's layout fail


def new_figure(ax, figsize: Tuple[float, float]):
    """(figure, axes): a new constrained-layout Figure (no pyplot) or the figure of the given axes."""
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.add_subplot()
    fig = ax.figure
    while getattr(fig, "figure", fig) is not fig:  # a SubFigure's root figure
        fig = fig.figure
    return fig, ax


def is_comparison(obj: Any) -> bool:
    return isinstance(obj, Comparison)


def runs_of(obj: Any) -> List[Tuple[str, Any]]:
    """[(scenario name, Results)] of a Results or a Comparison."""
    if isinstance(obj, Comparison):
        return [(n, obj.results[n]) for n in obj.names]
    if isinstance(obj, Results):
        return [(str(obj.attrs.get("scenario_name", "") or "scenario"), obj)]
    raise TypeError(f"expected a socval.Results or socval.Comparison, found {type(obj).__name__}")


def price_base(results: Any) -> str:
    return str(results.attrs.get("price_base_year", "base-year"))


def money_scale(values: Any) -> Tuple[float, str]:
    """(divisor, unit) so that the largest magnitude reads in GBP m, GBP k or GBP."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    big = float(np.max(np.abs(v))) if v.size else 0.0
    if big >= 1e6:
        return 1e6, "GBP m"
    if big >= 1e3:
        return 1e3, "GBP k"
    return 1.0, "GBP"


def metric_name(metric: str) -> str:
    if metric in METRIC_NAMES:
        return METRIC_NAMES[metric]
    if metric.startswith(PLACE_PREFIX) and metric[len(PLACE_PREFIX):] in METRIC_NAMES:
        return f"{METRIC_NAMES[metric[len(PLACE_PREFIX):]]}, {PLACE_LABEL}"
    prefix, _, label = metric.partition(".")
    if label and prefix in PREFIX_NAMES:
        return PREFIX_NAMES[prefix].format(label)
    return metric


def metric_unit(results: Any, metric: str) -> Tuple[str, str]:
    """(kind, unit): kind 'money' (GBP present value), 'ratio' or 'physical' (unit of the outcome)."""
    if metric in RATIOS:
        return "ratio", "ratio"
    try:
        name, row = results._resolve(metric)
        if name == "outcome_total":
            return "physical", str(results._vars["outcome_unit"][1][row])
        units = str(results._var(name)[2].get("units", ""))
    except (KeyError, AttributeError, IndexError):
        units = ""
    if "GBP" in units:
        return "money", units
    return ("ratio", "ratio") if units == "1" else ("physical", units or "units")


def axis_label(name: str, kind: str, unit: str, scale_unit: str, price_base: str, discounted: bool = True) -> str:
    if kind == "money":
        return f"{name}, {scale_unit} ({price_base} prices, {'present value' if discounted else 'undiscounted'})"
    if kind == "ratio":
        return f"{name} (ratio)"
    return f"{name} ({unit})"


def metric_data(obj: Any, metric: str):
    """Per scenario draws (NaN dropped), scaled, with the axis label: ([(name, x)], divisor, label)."""
    runs = runs_of(obj)
    data = []
    for name, res in runs:
        x = np.asarray(res.draws(metric), dtype=float)
        data.append((name, x[~np.isnan(x)]))
    kind, unit = metric_unit(runs[0][1], metric)
    div, scale_unit = money_scale(np.concatenate([x for _, x in data])) if kind == "money" else (1.0, "")
    label = axis_label(metric_name(metric), kind, safe_text(unit), scale_unit, price_base(runs[0][1]))
    return [(n, x / div) for n, x in data], div, label, kind


def integer_years(ax) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def thousands(axis) -> None:
    """Tick labels with thousands separators (no '1e7' offset text)."""
    from matplotlib.ticker import FuncFormatter

    def text(v: float, _pos: Any) -> str:
        return (f"{v:,.6g}" if abs(v) < 1e4 else f"{v:,.0f}").replace("-", "\u2212")  # a minus sign, not a hyphen

    axis.set_major_formatter(FuncFormatter(text))


def money_label(label: str, scale_unit: str) -> str:
    """An axis label naming its money unit: a bare 'GBP' in ``label`` becomes ``scale_unit`` ('GBP m', 'GBP k' or
    'GBP'); a label naming no GBP unit gets ', <scale_unit>' appended; one already naming 'GBP m' or 'GBP k' is kept."""
    if re.search(r"\bGBP\b", label):
        return re.sub(r"\bGBP\b(?!\s*[mk]\b)", scale_unit, label, count=1)
    return f"{label}, {scale_unit}" if label else scale_unit


def legend_below(ax, ncol: Optional[int] = None, title: Optional[str] = None):
    """A legend under the x axis label, outside the data, whatever the height of the axes: an offset in points from
    the bottom of the axes, right-aligned with the axes so that a wide legend runs into the empty space under the y
    tick labels (constrained layout makes room below it). ``ncol`` None: as many columns (up to 3) as fit in the
    width from the figure's left edge to the axes' right edge (text widths estimated from the font size).
    Returns the Legend, or None with nothing to show."""
    from matplotlib.transforms import ScaledTranslation

    handles, texts = ax.get_legend_handles_labels()
    if not handles:
        return None
    ticks = ax.xaxis.get_ticklabels()
    tick_size = ticks[0].get_size() if ticks else 10.0
    label = ax.xaxis.label
    lines = label.get_text().count("\n") + 1 if label.get_text() else 0
    major = ax.xaxis.get_major_ticks()
    tick_len = (major[0].tick1line.get_markersize() + major[0].get_pad()) if major else 7.0
    down = tick_len + 1.25 * tick_size + ax.xaxis.labelpad + 1.25 * label.get_size() * lines + 4.0
    shift = ax.transAxes + ScaledTranslation(0, -down / 72.0, ax.figure.dpi_scale_trans)
    if ncol is None:
        from matplotlib.font_manager import FontProperties

        size = FontProperties(size="small").get_size_in_points()
        fig = new_figure(ax, (0, 0))[0]
        room = 72.0 * fig.get_figwidth() * (ax.get_position().x1 - 0.02)  # points, figure left to axes right

        def width(k: int) -> float:  # handle 2 em + pad 0.8 em + text ~0.6 em a character; 2 em between columns
            cols = [texts[c::k] for c in range(k)]
            return sum(size * (2.8 + 0.6 * max(len(t) for t in col)) for col in cols if col) + 2 * size * (k - 1)

        ncol = max([k for k in (1, 2, 3) if k <= len(texts) and width(k) <= room] or [1])
    return ax.legend(loc="upper right", bbox_to_anchor=(1.0, 0.0), bbox_transform=shift, borderaxespad=0.0,
                     frameon=False, fontsize="small", ncol=ncol, title=title, title_fontsize="small",
                     alignment="left")


def threshold(metric: str) -> float:
    """The break-even value of a metric: 1 for ratios (benefits = costs), else 0."""
    return 1.0 if metric in RATIOS else 0.0


def n_draws(obj: Any) -> int:
    return int(runs_of(obj)[0][1].n_draws)


# ---- distributions ---------------------------------------------------------------------------------------------
