"""socval: social value scenario simulation and decision support.

Green Book appraisal of investment options linked to a region's priorities, with Monte Carlo uncertainty::

    import socval as sv
    sc = sv.load_scenario("scenarios/west-of-england/baseline.yaml")
    det = sc.evaluate()                         # deterministic central case
    res = sc.simulate(draws=10_000, seed=42)    # Monte Carlo
    cmp = sv.compare([sc, other], draws=10_000, seed=42)   # paired, common random numbers

The package is layered (docs/architecture.md): ``appraisal``, ``values`` -> ``io`` -> ``model`` -> ``engine`` ->
``sensitivity``, ``indicators`` -> ``decision`` -> ``review``, ``plots`` -> ``report`` -> ``cli``.
"""
from ._util.signals import quiet_startup as _quiet_startup

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
from . import _compat
from . import appraisal, values, io, model, engine, sensitivity, indicators, decision, procurement, review, plots, report, examples
from . import tracking
from .engine import Comparison, Evaluation, Results, compare, load_results, simulate
from .engine.distributed import ClusterError
from .engine.sweep import Sweep, sweep
from .indicators.local_economy import lm3
from .model import Scenario, load_scenario, scenario_from_dict, scenario_from_yaml
from .tracking import ReturnsError, load_returns

_compat.install()

__all__ = [
    "AppraisalError", "DecisionError", "ResultsFileError", "SamplingError", "ScenarioError",
    "SensitivityError", "SocvalError", "ValueLibraryError", "ClusterError", "__version__", "Sweep", "sweep",
    "Comparison", "Evaluation", "Results", "Scenario",
    "compare", "lm3", "load_results", "load_returns", "ReturnsError", "tracking",
    "load_scenario", "scenario_from_dict", "scenario_from_yaml", "simulate",
    "appraisal", "values", "io", "model", "engine", "sensitivity", "indicators", "decision", "procurement", "review",
    "plots", "report", "examples",
]


def __getattr__(name: str):
    """Old names (socval 0.1) that moved: they warn and resolve (socval._compat)."""
    return _compat.moved_attribute(name)
