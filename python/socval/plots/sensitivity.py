"""Charts for sensitivity analysis and value of information: tornado, Sobol indices, convergence, EVPPI ranking.

Each function draws on ``ax`` (a new figure if None; a plain matplotlib Figure, not a pyplot one) and returns the
matplotlib Axes; ``socval.plots.tornado``, ``socval.plots.sobol`` and ``socval.plots.evppi`` wrap them and return
the Figure. Colours are the shared Okabe-Ito palette of :mod:`socval.plots`, distinguishable under the common
colour-vision deficiencies (Okabe & Ito 2008).

Money axes are scaled to GBP m or GBP k (the unit named in the axis label, no "1e7" offset text). Parameter ids
such as ``links.partner_local_spend_shift->spend_job_entries.coefficient`` are shown as short labels
(:func:`parameter_label`: "coefficient: partner_local_spend_shift -> spend_job_entries"), wrapped on two lines at
most; the full ids stay in the table (``input`` column, ``names``, index), and ``labels=`` replaces the short labels
(a mapping id -> label, a function of the id, or ``False`` for the ids as they are). New figures grow with the
number of bars; legends sit under the axes, never on the bars.
"""
from __future__ import annotations

import re
import textwrap
from typing import Callable, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from .._core import SensitivityError
from .common import INK, PALETTE, legend_below, money_label, money_scale, new_figure, safe_text, thousands

__all__ = ["OKABE_ITO", "parameter_label", "tornado_plot", "sobol_plot", "convergence_plot", "evppi_plot"]

#: Okabe-Ito colour-blind-safe palette (the same colours, in the same order, as socval.plots.PALETTE).
OKABE_ITO = list(PALETTE)
_LOW, _HIGH = PALETTE[0], PALETTE[1]  # blue, orange: input at its low / high value; first order / total index

#: ``labels=`` of every chart: None (short labels, :func:`parameter_label`), False (the names as they are), a
#: mapping name -> label (names it lacks get the short label) or a function of the name.
Labels = Union[None, bool, Mapping[str, str], Callable[[str], str]]

_LABEL_WIDTH, _LABEL_LINES = 40, 2  # characters per line, lines per tick label
_OUTCOME_FIELDS = {"deadweight": "deadweight", "displacement": "displacement", "leakage": "leakage",
                   "substitution": "substitution", "attribution": "attribution", "drop_off": "drop-off",
                   "value.per_unit": "value per unit"}
_OPTION_KINDS = {"costs.capital": "capital costs", "costs.revenue": "revenue costs",
                 "optimism_bias.mitigation": "optimism bias mitigation", "outputs": "outputs"}
_KIND_GROUPS = {"outcomes": _OUTCOME_FIELDS, "options": _OPTION_KINDS, "links": {"coefficient": "coefficient"}}


# ---- labels ------------------------------------------------------------------------------------------------------

def _spaced(s: str) -> str:
    """'a->b' as 'a -> b' (a place to wrap)."""
    return re.sub(r"\s*->\s*", " -> ", s)


def parameter_label(name: str) -> str:
    """A short label for a parameter id or group name of a scenario's sensitivity analysis (the chart tick labels).

    ``outcomes.inclusive_hires.deadweight`` -> "deadweight of inclusive_hires";
    ``links.a->b.coefficient`` -> "coefficient: a -> b";
    ``options.home_retrofit.outputs.homes_retrofitted.amount`` -> "output homes_retrofitted of home_retrofit";
    ``options.home_retrofit.costs[0].capital`` -> "capital cost [0] of home_retrofit";
    ``options.home_retrofit.optimism_bias.mitigation`` -> "optimism bias mitigation of home_retrofit";
    groups of :func:`socval.sensitivity.group_labels`: ``outcomes.deadweight`` -> "deadweight (all
    outcomes)", ``option:home_retrofit`` -> "option home_retrofit", ``link:a->b`` -> "link a -> b".
    Any other name is returned as it is.
    """
    s = str(name)
    head, _, rest = s.partition(".")
    if head in _KIND_GROUPS and rest in _KIND_GROUPS[head]:  # groups="kind"
        return f"{_KIND_GROUPS[head][rest]} (all {head})"
    m = re.fullmatch(r"(option|outcome|link|lever):(.+)", s)  # groups="option" / "lever"
    if m:
        return f"{m[1]} {_spaced(m[2])}"
    if head == "outcomes":
        entity, _, field = rest.partition(".")
        if entity and field:
            return f"{_OUTCOME_FIELDS.get(field, field.replace('.', ' ').replace('_', ' '))} of {entity}"
    elif head == "links":
        entity, _, field = rest.rpartition(".")
        if entity and field:
            return f"{field.replace('_', ' ')}: {_spaced(entity)}"
    elif head == "options":
        entity, _, field = rest.partition(".")
        cost = re.fullmatch(r"costs\[(\d+)\]\.(\w+)", field)
        output = re.fullmatch(r"outputs\.([^.]+)\.amount", field)
        if cost:
            return f"{cost[2]} cost [{cost[1]}] of {entity}"
        if output:
            return f"output {output[1]} of {entity}"
        if entity and field:
            return f"{field.replace('.', ' ').replace('_', ' ')} of {entity}"
    return s


def _wrap(text: str) -> str:
    """At most _LABEL_LINES lines of _LABEL_WIDTH characters, '...' where cut."""
    lines = textwrap.wrap(text, width=_LABEL_WIDTH, max_lines=_LABEL_LINES, placeholder=" ...",
                          break_on_hyphens=False)
    return "\n".join(lines) if lines else text


def _tick_labels(names: Sequence[str], labels: Labels, what: str) -> List[str]:
    """The tick label of each name (``labels=`` of the charts), wrapped and safe for matplotlib text."""
    out = []
    for n in names:
        n = str(n)
        if labels is None or labels is True:
            text = parameter_label(n)
        elif labels is False:
            text = n
        elif isinstance(labels, Mapping):
            text = str(labels.get(n, parameter_label(n)))
        elif callable(labels):
            text = str(labels(n))
        else:
            raise SensitivityError(f"{what}: labels: expected None, False, a mapping name -> label or a function, "
                                   f"found {type(labels).__name__}")
        out.append(safe_text(_wrap(text)))
    return out


# ---- shared pieces -----------------------------------------------------------------------------------------------

def _top(top: Optional[int], what: str) -> Optional[int]:
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise SensitivityError(f"{what}: top: expected a whole number >= 1 or None, found {top!r}")
    return int(top)


def _bars_size(n: int, per_bar: float = 0.38, width: float = 8.0) -> Tuple[float, float]:
    """Figure size for n horizontal bars (or bar groups): the height grows with n (room for two-line labels)."""
    return width, max(3.5, per_bar * n + 2.4)


def _money(unit: Optional[str]) -> bool:
    return unit is not None and re.match(r"GBP\b", str(unit)) is not None


def _scale(values, unit: Optional[str]) -> Tuple[float, str]:
    """(divisor, unit shown) of an axis: money in GBP m / GBP k / GBP (the plots' scaling), anything else as is."""
    if not _money(unit):
        return 1.0, "" if unit is None else str(unit)
    div, scale_unit = money_scale(values)
    return div, money_label(str(unit), scale_unit)


def _label(name: str, unit: Optional[str], shown: str) -> str:
    """The axis label: the name with its (scaled) unit, unless the name already states it."""
    if _money(unit):
        return money_label(name, shown)
    if not shown or shown in name:
        return name
    return f"{name} ({shown})"


def _bar_ticks(ax, y, names, labels: Labels, what: str, n: int) -> None:
    ax.set_yticks(y)
    ax.set_yticklabels(_tick_labels(names, labels, what), fontsize="small")
    ax.set_ylim(-0.6, n - 0.4)


# ---- charts ------------------------------------------------------------------------------------------------------

def tornado_plot(table: pd.DataFrame, ax=None, output_label: str = "Output", top: Optional[int] = None,
                 unit: Optional[str] = "GBP", labels: Labels = None):
    """Horizontal bars from the central-case output to the output at each input's low and high value.

    Parameters
    ----------
    table
        The DataFrame of :func:`socval.sensitivity.tornado` or ``Scenario.sensitivity("tornado")`` (largest swing
        first, drawn at the top; ``attrs["base"]`` the central case).
    output_label
        What the output is ("NPSV"); its unit is added (or a bare "GBP" in it replaced) by ``unit``.
    top
        Draw only the ``top`` largest swings.
    unit
        ``"GBP"`` (default): money, shown in GBP m or GBP k as the values need; another string: the unit of the
        output, shown as it is (``"ratio"`` for a BCR); None: ``output_label`` as given.
    labels
        Tick labels of the inputs: None (short labels, :func:`parameter_label`), False (the ids), a mapping or a
        function of the id.

    Returns
    -------
    matplotlib.axes.Axes
    """
    need = {"input", "output_low", "output_high", "swing"}
    if not need.issubset(table.columns):
        raise SensitivityError(f"tornado_plot: table must have columns {sorted(need)}, got {list(table.columns)}")
    top = _top(top, "tornado_plot")
    t = table.head(top) if top else table
    lo, hi = t["output_low"].to_numpy(dtype=float), t["output_high"].to_numpy(dtype=float)
    base = float(table.attrs.get("base", np.nan))
    if not np.isfinite(base):
        base = float(np.median(np.r_[lo, hi])) if len(t) else 0.0
    div, shown = _scale(np.r_[lo, hi, base], unit)
    ax = new_figure(ax, _bars_size(len(t)))[1]
    y = np.arange(len(t))[::-1]
    ax.barh(y, (lo - base) / div, left=base / div, height=0.7, color=_LOW, label="input at its low value")
    ax.barh(y, (hi - base) / div, left=base / div, height=0.7, color=_HIGH, label="input at its high value")
    ax.axvline(base / div, color=INK, linewidth=1,
               label=f"central case: {base / div:,.2f}" + (f" {shown}" if _money(unit) else ""))
    _bar_ticks(ax, y, t["input"], labels, "tornado_plot", len(t))
    thousands(ax.xaxis)
    ax.set_xlabel(_label(output_label, unit, shown))
    ax.set_ylabel("Input")
    ax.set_title("One-way sensitivity (tornado)")
    legend_below(ax)
    return ax


def sobol_plot(result, ax=None, top: Optional[int] = None, labels: Labels = None):
    """First-order and total Sobol indices per factor with their intervals (a SobolResult), largest total index at
    the top; ``top`` keeps the ``top`` factors with the largest total index; ``labels`` as for :func:`tornado_plot`.
    """
    top = _top(top, "sobol_plot")
    st = np.asarray(result.ST, dtype=float)
    order = np.argsort(-np.nan_to_num(st, nan=-np.inf), kind="stable")[:top]
    k = len(order)
    ax = new_figure(ax, _bars_size(k, per_bar=0.46))[1]
    y = np.arange(k)[::-1].astype(float)
    h = 0.38

    def pick(v):
        return np.asarray(v, dtype=float)[order]

    ax.barh(y + h / 2, pick(result.S1), h, xerr=pick(result.S1_conf), capsize=2, color=_LOW,
            error_kw={"elinewidth": 1, "ecolor": INK}, label="first order S1")
    ax.barh(y - h / 2, pick(result.ST), h, xerr=pick(result.ST_conf), capsize=2, color=_HIGH,
            error_kw={"elinewidth": 1, "ecolor": INK}, label="total ST")
    _bar_ticks(ax, y, [result.names[i] for i in order], labels, "sobol_plot", k)
    ax.axvline(0, color=INK, linewidth=0.8)
    ax.set_xlabel("Sobol index (share of output variance)")
    ax.set_ylabel("Group of parameters" if getattr(result, "groups", None) else "Factor")
    title = f"Sobol indices, n = {result.n}, {int(round(100 * result.conf_level))}% intervals"
    if k < len(result.names):
        title += f"\nthe {k} of {len(result.names)} factors with the largest total index"
    ax.set_title(title)
    legend_below(ax)
    return ax


def convergence_plot(result, index: str = "ST", ax=None, top: Optional[int] = None, labels: Labels = None):
    """One index (``"S1"`` or ``"ST"``) of each factor against the number of model evaluations, with intervals;
    ``top`` keeps the factors with the largest final index (legend at the right, in that order)."""
    if index not in ("S1", "ST"):
        raise SensitivityError(f"convergence_plot: index must be 'S1' or 'ST', got {index!r}")
    top = _top(top, "convergence_plot")
    final = np.asarray(getattr(result, index), dtype=float)
    order = np.argsort(-np.nan_to_num(final, nan=-np.inf), kind="stable")[:top]
    names = [result.names[i] for i in order]
    ax = new_figure(ax, (9, 4.5))[1]
    conv = result.convergence
    texts = _tick_labels(names, labels, "convergence_plot")
    for j, (name, text) in enumerate(zip(names, texts)):
        c = conv[conv["factor"] == name]
        dodge = 2.0 ** (0.12 * (j / (len(names) - 1) - 0.5)) if len(names) > 1 else 1.0  # errorbars side by side
        ax.errorbar(c["evaluations"].to_numpy(dtype=float) * dodge, c[index], yerr=c[index + "_conf"], marker="o",
                    markersize=4, capsize=2, color=OKABE_ITO[j % len(OKABE_ITO)], label=text)
    ax.set_xscale("log", base=2)
    evaluations = np.unique(conv["evaluations"].to_numpy(dtype=float))
    ax.set_xticks(evaluations)
    ax.set_xticks([], minor=True)
    thousands(ax.xaxis)
    ax.axhline(0, color=INK, linewidth=0.8)
    ax.set_xlabel("Model evaluations (log scale)")
    ax.set_ylabel(f"{index} (Sobol index)")
    what = "total" if index == "ST" else "first-order"
    ax.set_title(f"Convergence of the {what} Sobol indices ({index})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, frameon=False, fontsize="small")
    return ax


def evppi_plot(ranking: pd.DataFrame, ax=None, unit: Optional[str] = "GBP", top: Optional[int] = None,
               labels: Labels = None):
    """EVPPI per parameter or group with +-2 standard errors, from :func:`socval.sensitivity.evppi_ranking` or
    :func:`socval.sensitivity.scenario_evppi`; the EVPI (the most any information is worth) marked.

    ``unit`` as for :func:`tornado_plot` (``"GBP"``: money, in GBP m or GBP k as the values need); ``top`` keeps the
    ``top`` largest; ``labels`` as for :func:`tornado_plot` (group names other than parameter ids show as they are).
    """
    if "evppi" not in ranking.columns:
        raise SensitivityError(f"evppi_plot: ranking must have an 'evppi' column, got {list(ranking.columns)}")
    top = _top(top, "evppi_plot")
    r = ranking.head(top) if top else ranking
    v = r["evppi"].to_numpy(dtype=float)
    se = np.nan_to_num(r["se"].to_numpy(dtype=float)) if "se" in r else np.zeros(len(r))
    evpi = float(r["evpi"].iloc[0]) if "evpi" in r.columns and len(r) else float(ranking.attrs.get("evpi", np.nan))
    div, shown = _scale(np.r_[v + 2 * se, v - 2 * se, evpi if np.isfinite(evpi) else 0.0], unit)
    ax = new_figure(ax, _bars_size(len(r)))[1]
    y = np.arange(len(r))[::-1]
    ax.barh(y, v / div, height=0.7, xerr=2 * se / div, capsize=2, color=PALETTE[2],
            error_kw={"elinewidth": 1, "ecolor": INK}, label="EVPPI, +-2 standard errors")
    if np.isfinite(evpi):
        ax.axvline(evpi / div, color=OKABE_ITO[5], linestyle="--",
                   label=f"EVPI (all parameters): {evpi / div:,.2f}" + (f" {shown}" if _money(unit) else ""))
    _bar_ticks(ax, y, r.index, labels, "evppi_plot", len(r))
    thousands(ax.xaxis)
    ax.set_xlabel(_label("EVPPI per decision", unit, shown))
    ax.set_ylabel("Parameter or group")
    ax.set_title("Expected value of partial perfect information")
    legend_below(ax)
    return ax
