"""Sensitivity analysis and value of information.

Array level, for any vectorised model: :func:`sobol`, :func:`morris`, :func:`tornado` (``methods``) and
:func:`evpi`, :func:`evppi`, :func:`evppi_ranking` (``voi``). Dependent inputs (a Gaussian copula): :func:`shapley`,
:func:`sobol_dependent` (``dependent``). Scenario level, evaluated natively by the engine:
:func:`scenario_sensitivity` and :func:`scenario_evppi` (``scenario``).
"""
from .dependent import DependentSobolResult, ShapleyResult, copula_correlation, shapley, sobol_dependent
from .methods import MorrisResult, SobolResult, morris, sobol, tornado
from .scenario import GROUP_RULES, group_labels, scenario_evppi, scenario_sensitivity, uncertain_parameters
from .voi import EvppiResult, evpi, evppi, evppi_ranking

__all__ = ["SobolResult", "MorrisResult", "sobol", "morris", "tornado", "EvppiResult", "evpi", "evppi",
           "evppi_ranking", "scenario_sensitivity", "scenario_evppi", "uncertain_parameters", "group_labels",
           "GROUP_RULES", "ShapleyResult", "DependentSobolResult", "shapley", "sobol_dependent",
           "copula_correlation"]
