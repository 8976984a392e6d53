"""The engine's Python face: Monte Carlo simulation, its :class:`Results`, comparisons on common random numbers
and the deterministic :class:`Evaluation`."""
from .comparison import Comparison, compare, unique_names
from .evaluation import Evaluation
from .results import Results, load_results
from .simulation import core_scenario, scenario_library, simulate

__all__ = ["Comparison", "Evaluation", "Results", "compare", "load_results", "simulate", "core_scenario",
           "scenario_library", "unique_names"]
