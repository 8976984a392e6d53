"""The report's charts (socval.plots figures as PNG): NPSV distribution, value by pillar and by priority, net
benefits by year, the Sankey diagram, P(better) for a comparison, and the sensitivity analyses."""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, List

import pandas as pd

from ..model.labels import parameter_names

from .content import _Content
from ..plots import charts as plots
from ..plots import place as place_plots

#: Resolution of the PNG charts (dots per inch).
CHART_DPI = 120
#: Widest chart (inches): drawn with text of 8 pt or more, it prints at >= 7 pt on the A4 page's 180 mm.
CHART_MAX_WIDTH_IN = 8.0
#: Options drawn by name in the Sankey diagram; the others are summed into one "other options (k)".
SANKEY_TOP = 8


@dataclass
class _Chart:
    """A chart: ``id`` (its anchor and file name), title, caption, the PNG, and ``src`` (a file or a data: URI)."""

    id: str
    title: str
    caption: str
    png: bytes
    src: str = ""


def _png(fig) -> bytes:
    """A matplotlib Figure (socval.plots makes them without pyplot: nothing to close) as PNG bytes, at most
    :data:`CHART_MAX_WIDTH_IN` wide (a wider one is laid out again at that width, its text size kept)."""
    w, h = fig.get_size_inches()
    if w > CHART_MAX_WIDTH_IN:
        fig.set_size_inches(CHART_MAX_WIDTH_IN, h * CHART_MAX_WIDTH_IN / w)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=CHART_DPI, metadata={"Software": None})
    return buf.getvalue()


def draw_charts(content: _Content) -> List[_Chart]:
    """Every chart of the report, in the order shown."""
    a = content.first.attrs
    pb = a.get("price_base_year")
    b, best = content.best, content.results[content.best]
    whose = f" ({content.short[b]}, the scenario with the highest expected NPSV)" if content.is_comparison else ""
    out = [
        _Chart("npsv-distribution", "Distribution of the net present social value",
               f"NPSV of each scenario over the {int(a['draws']):,} draws (GBP, {pb} prices, present value), "
               "with the median and the 90% interval (5th to 95th percentile). The further right, the better; "
               "the overlap shows how sure the ranking is.", _png(plots.distribution(content.obj, metric="npsv"))),
        _Chart("by-pillar", "Value by pillar",
               "Mean present value by pillar (social, economic, environmental) with its 90% interval.",
               _png(plots.by_pillar(content.obj))),
        _Chart("by-priority", "Value by priority",
               "Mean present value serving each priority of the framework, with its 90% interval; colours show "
               "the pillars.", _png(plots.by_priority(content.obj))),
    ]
    runs = list(content.results.values())
    if all(any(m.startswith("place.") for m in r.metrics()) for r in runs):
        out.append(_Chart("by-place", "Value by place",
                          "Mean present value landing in each place with its 90% interval (each outcome's value split "
                          "by its shares by place).", _png(place_plots.by_place(content.obj))))
        out.append(_Chart("place-map", "Where the value lands",
                          f"Mean present value by place{whose}: the darker the tile, the more value.",
                          _png(place_plots.place_tiles(best))))
    if all("share_lowest_two" in r.metrics() for r in runs):
        out.append(_Chart("by-quintile", "Value by income quintile",
                          "Mean present value reaching each fifth of households by income (q1 the lowest) with its 90% "
                          "interval; unallocated: outcomes without quintile shares.",
                          _png(place_plots.by_quintile(content.obj))))
    if all("share_most_deprived_20" in r.metrics() for r in runs):
        out.append(_Chart("by-decile", "Value by deprivation decile",
                          "Mean present value reaching residents of each tenth of neighbourhoods by the English Index "
                          "of Multiple Deprivation (d1 the most deprived) with its 90% interval; unallocated: "
                          "outcomes without decile shares. Not weighted: the distributional weights are by income "
                          "quintile.", _png(place_plots.by_decile(content.obj))))
    out += [
        _Chart("fan", "Net benefits by year",
               f"Benefits minus costs in each year{whose}, undiscounted, GBP at {pb} prices: median, 50% and 90% "
               "bands over the draws.", _png(plots.fan(best, node="net"))),
        _Chart("sankey", "From options to priorities",
               f"How the present value{whose} flows from the funded options to the priorities they serve, at "
               "central values (every parameter at its mean); the smaller options are summed.",
               _png(plots.sankey(best, top=SANKEY_TOP, width=CHART_MAX_WIDTH_IN))),
    ]
    if content.is_comparison:
        out.append(_Chart("p-better", "Probability that one scenario beats another",
                          "P(row scenario has a higher NPSV than column scenario), draw by draw on common random "
                          "numbers.", _png(plots.p_better(content.obj))))
    names = _parameter_names(best)  # parameter ids as the outcomes' and options' names
    for i, (label, item) in enumerate(content.sensitivity, start=1):
        if isinstance(item, pd.DataFrame):
            out.append(_Chart(f"tornado-{i}", _titled("Tornado", label),
                              "The output with each input at its low and high value (10th and 90th percentile) and "
                              "every other input at its central value; the largest swing is at the top.",
                              _png(plots.tornado(item, top=15, output_label=label.replace("$", r"\$"),
                                                 labels=names or None))))
        elif hasattr(item, "ST"):
            conf = int(round(100 * float(getattr(item, "conf_level", 0.95))))
            out.append(_Chart(f"sobol-{i}", _titled("Sobol indices", label),
                              "First-order (S1) and total (ST) Sobol indices with their "
                              f"{conf}% bootstrap intervals: the share of the output's variance due to each "
                              "input alone, and with its interactions (the 15 largest).",
                              _png(plots.sobol(item, top=15, labels=names or None))))
    return out


def _titled(kind: str, label: str) -> str:
    """A chart title that names the method once: 'Tornado of NPSV, X', not 'Tornado: tornado of NPSV, X'."""
    first = kind.split()[0].lower()
    if label.lower().startswith(first):
        return kind + label[len(first):] if kind.lower() != first else label[0].upper() + label[1:]
    return f"{kind}: {label}"


def _parameter_names(results: Any) -> dict:
    """parameter id -> name of the scenario behind ``results`` ({} when it cannot be rebuilt)."""
    try:
        return parameter_names(results.scenario())
    except Exception:  # a results file without its scenario text: the charts fall back to short ids
        return {}
