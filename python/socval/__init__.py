"""socval: social value scenario simulation and decision support.

Green Book appraisal of investment options linked to a region's priorities, with Monte Carlo uncertainty.
"""
from ._core import (
    AppraisalError,
    DecisionError,
    ResultsFileError,
    SamplingError,
    ScenarioError,
    SensitivityError,
    SocvalError,
    ValueLibraryError,
)
from ._core import __version__
from . import appraisal, decision, local_economy, results_file, scenario_sensitivity, sensitivity, values, voi
from .local_economy import lm3

__all__ = [
    "AppraisalError", "DecisionError", "ResultsFileError", "SamplingError", "ScenarioError",
    "SensitivityError", "SocvalError", "ValueLibraryError", "__version__",
    "appraisal", "decision", "local_economy", "lm3", "results_file", "scenario_sensitivity", "sensitivity", "values", "voi",
]
