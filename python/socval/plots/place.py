"""Charts of where value lands and who receives it (docs/model/distribution.md): value by place and by income
quintile with 90% intervals, and a tile map of the places."""
from __future__ import annotations

from typing import Any, Mapping, Optional, Tuple

import numpy as np

from .charts import _intervals
from .common import INK, PALETTE, money_scale, n_draws, new_figure, price_base, runs_of, safe_text

__all__ = ["by_place", "by_quintile", "by_decile", "place_tiles", "WEST_OF_ENGLAND_TILES"]

#: Tile positions (column, row; row 0 at the top) of the West of England's four authorities, roughly as on a map.
WEST_OF_ENGLAND_TILES: Mapping[str, Tuple[int, int]] = {
    "south_gloucestershire": (1, 0), "north_somerset": (0, 1), "bristol": (1, 1), "bath_ne_somerset": (2, 1)}
_QUINTILE_COLOURS = {"q1": "#D55E00", "q2": "#E69F00", "q3": "#999999", "q4": "#56B4E9", "q5": "#0072B2",
                     "unallocated": "#CCCCCC"}


def by_place(obj: Any, ax=None):
    """Mean PV value landing in each place with its 90% interval (p5-p95); grouped by scenario for a Comparison.

    Returns
    -------
    matplotlib.figure.Figure
    """
    colours = {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(runs_of(obj)[0][1].by_place().index)}
    return _intervals(obj, "by_place", "place", ax, colours, "PV value by place")


def by_quintile(obj: Any, ax=None):
    """Mean PV value reaching each income quintile (q1 lowest) with its 90% interval; ``unallocated`` is value of
    outcomes without quintile shares (weighted 1).

    Returns
    -------
    matplotlib.figure.Figure
    """
    return _intervals(obj, "by_quintile", "income quintile", ax, _QUINTILE_COLOURS,
                      "PV value by income quintile (q1 lowest)")


def by_decile(obj: Any, ax=None):
    """Mean PV value reaching residents of each English IMD decile (d1 the most deprived tenth of neighbourhoods)
    with its 90% interval; ``unallocated`` is value of outcomes without decile shares. No distributional weights
    (those are by income quintile, Green Book Annex A3).

    Returns
    -------
    matplotlib.figure.Figure
    """
    deciles = [f"d{j}" for j in range(1, 11)]  # most deprived in the quintiles' q1 colour, least in q5's
    colours = {d: _QUINTILE_COLOURS[f"q{(j // 2) + 1}"] for j, d in enumerate(deciles)}
    colours["unallocated"] = _QUINTILE_COLOURS["unallocated"]
    return _intervals(obj, "by_decile", "IMD decile", ax, colours, "PV value by IMD decile (d1 most deprived)")


def place_tiles(results: Any, tiles: Optional[Mapping[str, Tuple[int, int]]] = None, ax=None):
    """A tile map of the places: one square per place at ``tiles[place] = (column, row)`` (default: the West of
    England layout when its places are there, else one row), shaded by mean PV value, labelled with the mean and
    its share of PV benefits. Places without a tile (e.g. ``rest_of_uk``) are listed below the map.

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = results.by_place()
    places = [str(p) for p in table.index]
    if tiles is None:
        tiles = WEST_OF_ENGLAND_TILES if set(WEST_OF_ENGLAND_TILES) <= set(places) else \
            {p: (i, 0) for i, p in enumerate(p for p in places if p != "rest_of_uk")}
    shown = [p for p in places if p in tiles]
    div, unit = money_scale(table["mean"].to_numpy(dtype=float))
    top = max(float(table.loc[shown, "mean"].max()), 1e-300) if shown else 1.0
    cols = max((tiles[p][0] for p in shown), default=0) + 1
    rows = max((tiles[p][1] for p in shown), default=0) + 1
    fig, ax = new_figure(ax, (2.4 * cols + 1, 2.2 * rows + 1.4))
    for p in shown:
        c, r = tiles[p]
        mean, share = float(table.loc[p, "mean"]), float(table.loc[p, "share"])
        shade = 0.15 + 0.85 * max(mean, 0.0) / top
        ax.add_patch(_square(c, -r, shade))
        text = f"{safe_text(p.replace('_', ' '))}\n{mean / div:,.1f} {unit}\n{share:.0%} of value"
        ax.text(c + 0.5, -r + 0.5, text, ha="center", va="center", fontsize=8,
                color="white" if shade > 0.6 else INK)
    ax.set_xlim(-0.1, cols + 0.1)
    ax.set_ylim(-rows + 0.9, 1.1)
    ax.set_aspect("equal")
    ax.axis("off")
    rest = [p for p in places if p not in tiles]
    note = "; ".join(f"{safe_text(p.replace('_', ' '))}: {float(table.loc[p, 'mean']) / div:,.1f} {unit}"
                     for p in rest)
    ax.set_title(f"Mean PV value by place ({price_base(results)} prices), {n_draws(results):,} draws"
                 + (f"\nnot on the map: {note}" if note else ""), fontsize=9)
    return fig


def _square(col: int, row: int, shade: float):
    """A tile filled from white (shade 0) to the palette's blue (shade 1)."""
    from matplotlib.patches import Rectangle
    blue = np.array([0.0, 0.447, 0.698])
    colour = tuple((1 - shade) * np.ones(3) + shade * blue)
    return Rectangle((col + 0.04, row + 0.04), 0.92, 0.92, facecolor=colour, edgecolor=INK, linewidth=0.8)
