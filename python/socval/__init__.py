"""socval: social value scenario simulation and decision support.

Green Book appraisal of investment options linked to a region's priorities, with Monte Carlo uncertainty::

    import socval as sv
    sc = sv.load_scenario("scenarios/west-of-england/baseline.yaml")
    det = sc.evaluate()                         # deterministic central case
    res = sc.simulate(draws=10_000, seed=42)    # Monte Carlo
    cmp = sv.compare([sc, other], draws=10_000, seed=42)   # paired, common random numbers
"""
from ._cli_signals import quiet_startup as _quiet_startup

_quiet_startup()  # only when this process is the `socval` command: a stop while importing exits without a traceback
from ._core import (  # noqa: E402
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
from . import (appraisal, decision, headline, local_economy, plots, portfolio, report, results_file,
               scenario_sensitivity, sensitivity, values, voi)
from .compare import Comparison, compare
from .local_economy import lm3
from .results import Results, load_results
from .scenario import Appraisal, Scenario, load_scenario, scenario_from_dict, scenario_from_yaml
from .simulate import simulate

__all__ = [
    "AppraisalError", "DecisionError", "ResultsFileError", "SamplingError", "ScenarioError",
    "SensitivityError", "SocvalError", "ValueLibraryError", "__version__",
    "Appraisal", "Comparison", "Results", "Scenario",
    "compare", "lm3", "load_results", "load_scenario", "scenario_from_dict", "scenario_from_yaml", "simulate",
    "appraisal", "decision", "headline", "local_economy", "plots", "portfolio", "report", "results_file",
    "scenario_sensitivity", "sensitivity", "values", "voi",
]
