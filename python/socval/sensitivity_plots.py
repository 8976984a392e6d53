"""Charts for sensitivity analysis and value of information: tornado, Sobol indices, convergence, EVPPI ranking.

Each function draws on ``ax`` (a new figure if None; a plain matplotlib Figure, not a pyplot one) and returns the
matplotlib Axes; ``socval.plots.tornado`` and ``socval.plots.sobol`` wrap them and return the Figure. Colours are the
shared Okabe-Ito palette of :mod:`socval.plots`, distinguishable under the common colour-vision deficiencies (Okabe &
Ito 2008).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from ._core import SensitivityError
from .plots import PALETTE, _figure, _txt

__all__ = ["OKABE_ITO", "tornado_plot", "sobol_plot", "convergence_plot", "evppi_plot"]

#: Okabe-Ito colour-blind-safe palette (the same colours, in the same order, as socval.plots.PALETTE).
OKABE_ITO = list(PALETTE)
_LOW, _HIGH = PALETTE[0], PALETTE[1]  # blue, orange: input at its low / high value; first order / total index


def _axes(ax):
    return _figure(ax, (7, 4))[1]


def tornado_plot(table: pd.DataFrame, ax=None, output_label: str = "Output", top: Optional[int] = None):
    """Horizontal bars from the central-case output to the output at each input's low and high value.

    ``table`` is the DataFrame of :func:`socval.sensitivity.tornado` (largest swing first, drawn at the top).
    """
    need = {"input", "output_low", "output_high", "swing"}
    if not need.issubset(table.columns):
        raise SensitivityError(f"tornado_plot: table must have columns {sorted(need)}, got {list(table.columns)}")
    t = table.head(top) if top else table
    base = float(table.attrs.get("base", np.nan))
    if not np.isfinite(base):
        base = float(np.median(np.r_[t["output_low"], t["output_high"]]))
    ax = _axes(ax)
    y = np.arange(len(t))[::-1]
    ax.barh(y, t["output_low"] - base, left=base, color=_LOW, label="input at low value")
    ax.barh(y, t["output_high"] - base, left=base, color=_HIGH, label="input at high value")
    ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(y)
    ax.set_yticklabels([_txt(s) for s in t["input"]])
    ax.set_xlabel(output_label)
    ax.set_ylabel("Input")
    ax.set_title("One-way sensitivity (tornado)")
    ax.legend(loc="best", frameon=False)
    return ax


def sobol_plot(result, ax=None):
    """First-order and total Sobol indices per factor with their intervals (a SobolResult)."""
    ax = _axes(ax)
    x = np.arange(len(result.names))
    w = 0.38
    ax.bar(x - w / 2, result.S1, w, yerr=result.S1_conf, capsize=3, color=_LOW, label="first order S1")
    ax.bar(x + w / 2, result.ST, w, yerr=result.ST_conf, capsize=3, color=_HIGH, label="total ST")
    ax.set_xticks(x)
    many = len(result.names) > 6
    ax.set_xticklabels([_txt(s) for s in result.names], rotation=45 if many else 0, ha="right" if many else "center")
    ax.set_xlabel("Factor")
    ax.set_ylabel("Sobol index (share of output variance)")
    ax.set_title(f"Sobol indices, n = {result.n}, {int(round(100 * result.conf_level))}% intervals")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.legend(frameon=False)
    return ax


def convergence_plot(result, index: str = "ST", ax=None):
    """One index (``"S1"`` or ``"ST"``) of each factor against the number of model evaluations, with intervals."""
    if index not in ("S1", "ST"):
        raise SensitivityError(f"convergence_plot: index must be 'S1' or 'ST', got {index!r}")
    ax = _axes(ax)
    conv = result.convergence
    for i, name in enumerate(result.names):
        c = conv[conv["factor"] == name]
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        ax.errorbar(c["evaluations"], c[index], yerr=c[index + "_conf"], marker="o", capsize=3, color=colour,
                    label=str(name))
    ax.set_xscale("log", base=2)
    ax.set_xlabel("Model evaluations")
    ax.set_ylabel(f"{index} (Sobol index)")
    ax.set_title(f"Convergence of {index}")
    ax.legend(frameon=False, fontsize="small", ncol=2 if len(result.names) > 6 else 1)
    return ax


def evppi_plot(ranking: pd.DataFrame, ax=None, unit: str = "GBP", top: Optional[int] = None):
    """EVPPI per parameter or group with +-2 standard errors, from :func:`socval.voi.evppi_ranking`; EVPI marked."""
    if "evppi" not in ranking.columns:
        raise SensitivityError(f"evppi_plot: ranking must have an 'evppi' column, got {list(ranking.columns)}")
    r = ranking.head(top) if top else ranking
    ax = _axes(ax)
    y = np.arange(len(r))[::-1]
    se = np.nan_to_num(r["se"].to_numpy(dtype=float)) if "se" in r else None
    ax.barh(y, r["evppi"], xerr=None if se is None else 2 * se, capsize=3, color=PALETTE[2])
    if "evpi" in r.columns and len(r):
        ax.axvline(float(r["evpi"].iloc[0]), color=OKABE_ITO[5], linestyle="--", label="EVPI (all parameters)")
        ax.legend(frameon=False)
    ax.set_yticks(y)
    ax.set_yticklabels([_txt(i) for i in r.index])
    ax.set_xlabel(f"EVPPI per decision ({unit})")
    ax.set_ylabel("Parameter or group")
    ax.set_title("Expected value of partial perfect information")
    return ax
