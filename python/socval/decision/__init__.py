"""Decision support.

Array level (``methods``): SMAA-2, comparison of paired draws, portfolio selection, Pareto and Robust Portfolio
Modelling. Scenario level: switching values (``switching``), the best portfolio within a budget (``portfolio``)
and SMAA across scenarios (``smaa``). Formulas and sources: docs/model/decision.md and docs/model/portfolio.md.
"""
from .methods import (DrawComparison, ParetoPortfolios, PortfolioResult, RobustPortfolios, SmaaResult,
                      WeightConstraints, compare_draws, efficient_frontier, pareto_portfolios, robust_portfolios,
                      select_portfolio, smaa, weight_extreme_points)
from .portfolio import OptionValues, PortfolioChoice, optimise, option_values
from .acceptability import ScenarioSmaa, scenario_smaa
from .switching import SwitchingValue, switching_value, switching_values
from .fairness import eta_switching_values, weighted_npsv_at

__all__ = [
    "WeightConstraints", "SmaaResult", "smaa", "DrawComparison", "compare_draws", "PortfolioResult",
    "select_portfolio", "efficient_frontier", "ParetoPortfolios", "pareto_portfolios", "RobustPortfolios",
    "robust_portfolios", "weight_extreme_points", "SwitchingValue", "switching_value", "switching_values",
    "OptionValues", "PortfolioChoice", "option_values", "optimise", "ScenarioSmaa", "scenario_smaa",
    "eta_switching_values", "weighted_npsv_at",
]
