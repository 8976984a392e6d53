"""The chart accessors of results, comparisons and scenarios: ``results.plot``, ``comparison.plot``,
``scenario.plot``, each method a chart of :mod:`socval.plots.charts`."""
from __future__ import annotations

from typing import Any, Optional

from .charts import by_lever, by_pillar, by_priority, differences, distribution, exceedance, fan, p_better, sankey
from .place import by_decile, by_place, by_quintile, place_tiles

__all__ = ["ResultsPlots", "ComparisonPlots", "ScenarioPlots"]


class ResultsPlots:
    """Charts of one :class:`socval.Results` (``results.plot``); each method returns a matplotlib Figure."""

    def __init__(self, results: Any) -> None:
        self._results = results

    def distribution(self, metric: str = "npsv", ax=None):
        """See :func:`socval.plots.distribution`."""
        return distribution(self._results, metric, ax=ax)

    def exceedance(self, metric: str = "npsv", ax=None):
        """See :func:`socval.plots.exceedance`."""
        return exceedance(self._results, metric, ax=ax)

    def fan(self, node: str = "net", ax=None, kind: str = "level"):
        """See :func:`socval.plots.fan`."""
        return fan(self._results, node, ax=ax, kind=kind)

    def by_priority(self, ax=None):
        """See :func:`socval.plots.by_priority`."""
        return by_priority(self._results, ax=ax)

    def by_pillar(self, ax=None):
        """See :func:`socval.plots.by_pillar`."""
        return by_pillar(self._results, ax=ax)

    def by_lever(self, ax=None):
        """See :func:`socval.plots.by_lever`."""
        return by_lever(self._results, ax=ax)

    def sankey(self, ax=None, top: Optional[int] = None, levers: bool = False):
        """See :func:`socval.plots.sankey` (the scenario rebuilt from the results' scenario_text)."""
        return sankey(self._results, ax=ax, top=top, levers=levers)

    def by_place(self, ax=None):
        """See :func:`socval.plots.by_place`."""
        return by_place(self._results, ax=ax)

    def by_quintile(self, ax=None):
        """See :func:`socval.plots.by_quintile`."""
        return by_quintile(self._results, ax=ax)

    def by_decile(self, ax=None):
        """See :func:`socval.plots.by_decile`."""
        return by_decile(self._results, ax=ax)

    def place_tiles(self, tiles=None, ax=None):
        """See :func:`socval.plots.place_tiles`."""
        return place_tiles(self._results, tiles=tiles, ax=ax)

    def __repr__(self) -> str:
        return ("<socval Results plots: distribution, exceedance, fan, by_priority, by_pillar, by_lever, sankey, "
                "by_place, by_quintile, by_decile, place_tiles>")


class ComparisonPlots:
    """Charts of a :class:`socval.Comparison` (``comparison.plot``); each method returns a matplotlib Figure."""

    def __init__(self, comparison: Any) -> None:
        self._comparison = comparison

    def distribution(self, metric: str = "npsv", ax=None):
        """See :func:`socval.plots.distribution`."""
        return distribution(self._comparison, metric, ax=ax)

    def exceedance(self, metric: str = "npsv", ax=None):
        """See :func:`socval.plots.exceedance`."""
        return exceedance(self._comparison, metric, ax=ax)

    def by_priority(self, ax=None):
        """See :func:`socval.plots.by_priority`."""
        return by_priority(self._comparison, ax=ax)

    def by_pillar(self, ax=None):
        """See :func:`socval.plots.by_pillar`."""
        return by_pillar(self._comparison, ax=ax)

    def by_lever(self, ax=None):
        """See :func:`socval.plots.by_lever`."""
        return by_lever(self._comparison, ax=ax)

    def by_place(self, ax=None):
        """See :func:`socval.plots.by_place`."""
        return by_place(self._comparison, ax=ax)

    def by_quintile(self, ax=None):
        """See :func:`socval.plots.by_quintile`."""
        return by_quintile(self._comparison, ax=ax)

    def p_better(self, metric: str = "npsv", ax=None):
        """See :func:`socval.plots.p_better`."""
        return p_better(self._comparison, metric, ax=ax)

    def differences(self, baseline: Optional[str] = None, metric: str = "npsv", ax=None):
        """See :func:`socval.plots.differences`."""
        return differences(self._comparison, baseline, metric, ax=ax)

    def __repr__(self) -> str:
        return ("<socval Comparison plots: distribution, exceedance, by_priority, by_pillar, by_lever, p_better, "
                "differences>")


class ScenarioPlots:
    """Charts of a :class:`socval.Scenario` at central values (``scenario.plot``)."""

    def __init__(self, scenario: Any) -> None:
        self._scenario = scenario

    def sankey(self, ax=None, top: Optional[int] = None, levers: bool = False):
        """See :func:`socval.plots.sankey`."""
        return sankey(self._scenario, ax=ax, top=top, levers=levers)

    def __repr__(self) -> str:
        return "<socval Scenario plots: sankey>"
