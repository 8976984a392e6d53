"""Charts of socval results: the one place where socval draws (matplotlib only, never pyplot).

Every function takes an optional ``ax`` (a new figure is made when it is None) and returns the matplotlib
``Figure``. ``Results.plot``, ``Comparison.plot`` and ``Scenario.plot`` give the same charts as methods.
"""
from .charts import (ZERO_TOLERANCE, by_lever, by_pillar, by_priority, differences, distribution, evppi,
                     exceedance, fan, p_better, sankey, sankey_flows, sobol, tornado)
from .common import LEVER_COLOURS, PALETTE, PILLAR_COLOURS
from .place import WEST_OF_ENGLAND_TILES, by_decile, by_place, by_quintile, place_tiles
from .facades import ComparisonPlots, ResultsPlots, ScenarioPlots
from .sensitivity import OKABE_ITO, convergence_plot, evppi_plot, parameter_label, sobol_plot, tornado_plot

__all__ = ["PALETTE", "PILLAR_COLOURS", "LEVER_COLOURS", "distribution", "fan", "by_priority", "by_pillar",
           "by_lever", "sankey", "sankey_flows", "p_better", "differences", "exceedance", "tornado", "sobol",
           "evppi", "ZERO_TOLERANCE", "ResultsPlots", "ComparisonPlots", "ScenarioPlots", "OKABE_ITO",
           "parameter_label", "tornado_plot", "sobol_plot", "convergence_plot", "evppi_plot", "by_place",
           "by_quintile", "by_decile", "place_tiles", "WEST_OF_ENGLAND_TILES"]
