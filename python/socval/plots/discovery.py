"""Charts of scenario discovery (socval.discovery): PRIM's coverage-density trade-off, a box's limits against each
input's range, and the pairs scatter of the restricted inputs with the box drawn. Each returns a Figure."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .common import INK, PALETTE, new_figure

__all__ = ["tradeoff_plot", "box_limits_plot", "pairs_plot"]


def tradeoff_plot(discovery: Any, ax=None):
    """The peeling trajectory: coverage (x) against density (y), coloured by the number of restricted inputs; the
    chosen box circled."""
    t = discovery.prim.trajectory
    fig, ax = new_figure(ax, (6.5, 4.5))
    points = ax.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="viridis", s=18)
    fig.colorbar(points, ax=ax, label="restricted inputs")
    ax.scatter([discovery.box.coverage], [discovery.box.density], s=120, facecolors="none", edgecolors=INK,
               linewidths=1.5, label=f"chosen box {discovery.box_index} (pasted)")
    ax.set_xlabel("Coverage (share of the condition's draws in the box)")
    ax.set_ylabel("Density (share of the box's draws with the condition)")
    ax.set_title(f"PRIM trade-off: {discovery.condition}")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower left", frameon=False)
    return fig


def box_limits_plot(discovery: Any, ax=None):
    """Each restricted input's box limits as a bar within its range scaled to [0, 1], with its quasi-p-value."""
    lim = discovery.limits()
    fig, ax = new_figure(ax, (8, 0.6 * max(len(lim), 1) + 1.5))
    span = (lim["max"] - lim["min"]).replace(0, 1).to_numpy()
    lo = (lim["low"] - lim["min"]).to_numpy() / span
    hi = (lim["high"] - lim["min"]).to_numpy() / span
    y = np.arange(len(lim))[::-1]
    ax.barh(y, np.ones(len(lim)), color="#e6e6e6", height=0.6)
    ax.barh(y, hi - lo, left=lo, color=PALETTE[0], height=0.6)
    for yi, (_, r), a, b in zip(y, lim.iterrows(), lo, hi):
        ax.text(1.02, yi, f"{r['low']:.3g} to {r['high']:.3g} (qp {r['qp']:.2g})", va="center", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels([str(n)[:60] for n in lim["name"]], fontsize=8)
    ax.set_xlim(0, 1.6)
    ax.set_xticks([0, 0.5, 1])
    ax.set_xlabel("Position within the input's sampled range (0 = min, 1 = max)")
    ax.set_title("PRIM box limits")
    return fig


def pairs_plot(discovery: Any, top: int = 3, fig=None):
    """Scatter of every pair of the (up to ``top``) most significant restricted inputs, draws with the condition
    in colour, the box's limits drawn."""
    from matplotlib.figure import Figure

    lim = discovery.limits().head(int(top))
    names = list(lim.index)
    k = max(len(names), 1)
    fig = fig or Figure(figsize=(3 * k, 3 * k), layout="constrained")
    if len(names) < 2:
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, "fewer than two restricted inputs", ha="center", va="center")
        ax.set_axis_off()
        return fig
    x, y = discovery.inputs, discovery.y
    axes = fig.subplots(k, k, squeeze=False)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            ax = axes[i][j]
            if i == j:
                ax.hist([x[a][~y], x[a][y]], bins=20, stacked=True, color=["#cccccc", PALETTE[1]])
            else:
                ax.scatter(x[b][~y], x[a][~y], s=3, color="#cccccc")
                ax.scatter(x[b][y], x[a][y], s=5, color=PALETTE[1])
                ax.add_patch(_rect(lim.loc[b, "low"], lim.loc[a, "low"], lim.loc[b, "high"], lim.loc[a, "high"]))
            if i == k - 1:
                ax.set_xlabel(str(discovery.labels.get(b, b))[:30], fontsize=7)
            if j == 0:
                ax.set_ylabel(str(discovery.labels.get(a, a))[:30], fontsize=7)
            ax.tick_params(labelsize=6)
    fig.suptitle(f"Draws where {discovery.condition} (colour) and the PRIM box")
    return fig


def _rect(x0, y0, x1, y1):
    from matplotlib.patches import Rectangle

    return Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=INK, linewidth=1.2)
