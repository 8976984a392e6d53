"""Decision support: comparing alternatives, SMAA-2, portfolio selection, Robust Portfolio Modelling.

Generic form: arrays in, arrays out; options and alternatives are referred to by index (the scenario layer maps
them to ids). Every computation runs in the C++ core (``socval._core.decision``); the formulas and their sources
are in ``docs/model/decision.md``.
"""
from __future__ import annotations

import difflib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ._core import DecisionError
from ._core import decision as _core

__all__ = [
    "WeightConstraints", "SmaaResult", "smaa",
    "DrawComparison", "compare_draws",
    "PortfolioResult", "select_portfolio", "efficient_frontier",
    "ParetoPortfolios", "pareto_portfolios",
    "RobustPortfolios", "robust_portfolios", "weight_extreme_points",
    "SwitchingValue", "switching_value", "switching_values",
]


# --------------------------------------------------------------------------------------------------------------
# Weight information
# --------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WeightConstraints:
    """Incomplete information on criterion weights (weights are >= 0 and sum to 1).

    Parameters
    ----------
    lower, upper:
        Interval bounds per criterion, ``lower[j] <= w_j <= upper[j]`` (default 0 and 1).
    order:
        Pairs ``(i, j)`` meaning ``w_i >= w_j``.
    ranking:
        Shorthand for a chain of order statements: ``[2, 0, 1]`` means ``w_2 >= w_0 >= w_1``.
    """

    lower: Sequence[float] | None = None
    upper: Sequence[float] | None = None
    order: Sequence[tuple[int, int]] = field(default_factory=tuple)
    ranking: Sequence[int] | None = None

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
        lower = np.empty(0) if self.lower is None else np.asarray(self.lower, dtype=float).ravel()
        upper = np.empty(0) if self.upper is None else np.asarray(self.upper, dtype=float).ravel()
        order = [(int(i), int(j)) for i, j in self.order]
        if self.ranking is not None:
            r = [int(i) for i in self.ranking]
            order += list(zip(r[:-1], r[1:]))
        return lower, upper, order


def _weight_constraints(c: WeightConstraints | Mapping[str, Any] | None) -> WeightConstraints:
    if c is None:
        return WeightConstraints()
    if isinstance(c, WeightConstraints):
        return c
    if isinstance(c, Mapping):
        allowed = {"lower", "upper", "order", "ranking"}
        unknown = set(c) - allowed
        if unknown:
            raise DecisionError(
                f"weight_constraints: unknown key(s) {sorted(unknown)}; expected some of {sorted(allowed)}")
        return WeightConstraints(**c)
    raise DecisionError(
        f"weight_constraints: expected a WeightConstraints, a mapping or None, found {type(c).__name__}")


def weight_extreme_points(criteria: int,
                          weight_constraints: WeightConstraints | Mapping[str, Any] | None = None) -> np.ndarray:
    """The extreme points (rows) of the weight set, by exact vertex enumeration."""
    lower, upper, order = _weight_constraints(weight_constraints)._arrays()
    return _core.weight_extreme_points(int(criteria), lower, upper, order)


# --------------------------------------------------------------------------------------------------------------
# SMAA-2
# --------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SmaaResult:
    """Result of SMAA-2.

    Attributes
    ----------
    rank_acceptability:
        (alternatives, ranks): share of the weight space and draws giving alternative i rank r (rank 0 is best).
    central_weights:
        (alternatives, criteria): mean weight vector among those making the alternative best (NaN if never best).
    confidence:
        (alternatives,): share of draws in which the alternative is best with its central weights (NaN if never
        best).
    acceptance_rate:
        Share of uniform weight proposals that satisfied the weight constraints.
    """

    rank_acceptability: np.ndarray
    central_weights: np.ndarray
    confidence: np.ndarray
    acceptance_rate: float

    def to_frame(self, names: Sequence[str] | None = None) -> pd.DataFrame:
        """Rank acceptabilities and confidence factor in one table, one row per alternative."""
        n = self.rank_acceptability.shape[0]
        index = list(names) if names is not None else list(range(n))
        df = pd.DataFrame(self.rank_acceptability, index=index,
                          columns=[f"rank {r + 1}" for r in range(n)])
        df["confidence"] = self.confidence
        return df


def smaa(performance: np.ndarray, n_weights: int = 10000, seed: int = 0,
         weight_constraints: WeightConstraints | Mapping[str, Any] | None = None,
         threads: int | None = None, min_acceptance: float = 1e-3) -> SmaaResult:
    """SMAA-2 rank acceptability, central weights and confidence factors (Lahdelma & Salminen 2001).

    Parameters
    ----------
    performance:
        (draws, alternatives, criteria), higher is better; a 2-d (alternatives, criteria) array is one draw.
        Value is linear additive: ``sum_j w_j x_ij``.
    n_weights:
        Monte Carlo iterations. Iteration k uses weight sample k and draw ``k % draws``, so use
        ``n_weights >= draws`` to use every draw.
    seed:
        Results are identical for the same seed, whatever ``threads``.
    weight_constraints:
        None (uniform on the simplex), a :class:`WeightConstraints` or a mapping with keys ``lower``, ``upper``,
        ``order``, ``ranking``. Constrained weights are drawn by rejection from the uniform simplex (exactly by
        sorting for a complete ranking); the call fails if fewer than ``min_acceptance`` of proposals are kept.
    threads:
        Worker threads (None: all cores).

    Notes
    -----
    Ties between alternatives share the tied ranks equally.
    """
    perf = np.asarray(performance, dtype=float)
    if perf.ndim == 2:
        perf = perf[np.newaxis]
    if perf.ndim != 3:
        raise DecisionError(
            f"performance: expected an array (draws, alternatives, criteria) or (alternatives, criteria), "
            f"found {perf.ndim} dimension(s)")
    lower, upper, order = _weight_constraints(weight_constraints)._arrays()
    r = _core.smaa(np.ascontiguousarray(perf), int(n_weights), int(seed), 0 if threads is None else int(threads),
                   lower, upper, order, float(min_acceptance))
    return SmaaResult(r["rank_acceptability"], r["central_weights"], r["confidence"], r["acceptance_rate"])


# --------------------------------------------------------------------------------------------------------------
# Comparison of draws
# --------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DrawComparison:
    """Comparison of alternatives from paired draws (higher is better).

    Attributes
    ----------
    mean, p_best, expected_regret:
        Series indexed by alternative. ``p_best`` shares ties equally; regret is ``E[max_k x_k - x_a]``.
    p_greater:
        DataFrame, ``[a, b]`` = share of draws with ``x_a > x_b`` (strict).
    fsd, ssd:
        Boolean DataFrames, ``[a, b]`` true when a dominates b at first / second order.
    cvar:
        DataFrame (alternatives x levels): mean of the worst ``level`` share of draws.
    """

    mean: pd.Series
    p_best: pd.Series
    p_greater: pd.DataFrame
    fsd: pd.DataFrame
    ssd: pd.DataFrame
    expected_regret: pd.Series
    cvar: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """One row per alternative: mean, P(best), expected regret and the CVaRs."""
        df = pd.DataFrame({"mean": self.mean, "p_best": self.p_best, "expected_regret": self.expected_regret})
        return pd.concat([df, self.cvar], axis=1)


def compare_draws(draws: np.ndarray, names: Sequence[str] | None = None,
                  cvar_levels: Sequence[float] = (0.05, 0.10), rtol: float = 1e-9) -> DrawComparison:
    """P(best), pairwise P(A > B), FSD/SSD, expected regret and CVaR of (draws, alternatives) paired draws.

    Dominance compares the empirical distributions (sorted draws and their partial sums) with tolerance
    ``rtol * (max - min)`` of all values; ``rtol`` may be raised to ignore Monte Carlo noise.
    """
    x = np.asarray(draws, dtype=float)
    if x.ndim != 2:
        raise DecisionError(f"draws: expected an array (draws, alternatives), found {x.ndim} dimension(s)")
    n = x.shape[1]
    index = list(names) if names is not None else list(range(n))
    if len(index) != n:
        raise DecisionError(f"names: expected one name per alternative ({n}), found {len(index)}")
    r = _core.compare_draws(np.ascontiguousarray(x), [float(a) for a in cvar_levels], float(rtol))
    square = dict(index=index, columns=index)
    return DrawComparison(
        mean=pd.Series(r["mean"], index=index, name="mean"),
        p_best=pd.Series(r["p_best"], index=index, name="p_best"),
        p_greater=pd.DataFrame(r["p_greater"], **square),
        fsd=pd.DataFrame(r["fsd"].astype(bool), **square),
        ssd=pd.DataFrame(r["ssd"].astype(bool), **square),
        expected_regret=pd.Series(r["expected_regret"], index=index, name="expected_regret"),
        cvar=pd.DataFrame(r["cvar"], index=index, columns=[f"cvar_{100 * a:g}%" for a in cvar_levels]),
    )


# --------------------------------------------------------------------------------------------------------------
# Portfolio selection
# --------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PortfolioResult:
    """The best portfolio.

    Attributes
    ----------
    selected:
        Indices of the chosen options, ascending.
    objective:
        Expected value of the portfolio, or its CVaR at level alpha.
    cost:
        Budget used (a float, or one per year).
    binding:
        Names of the constraints whose removal alone would raise the objective, e.g. ``"budget"``,
        ``"budget[2]"``, ``"exclusive[0]"``, ``"requires[3->5]"``, ``"include[1]"``, ``"exclude[4]"``,
        ``"min_value[social]"``.
    constraints:
        Names of every constraint of the problem.
    """

    selected: np.ndarray
    objective: float
    cost: float | np.ndarray
    binding: list[str]
    constraints: list[str]


def _problem(values: Any, costs: Any, budget: Any, exclusive: Any, requires: Any, include: Any, exclude: Any,
             min_value: Any, objective: str, alpha: float | None) -> Any:
    v = np.asarray(values, dtype=float)
    if v.ndim == 1:
        v = v[np.newaxis]
    if v.ndim != 2:
        raise DecisionError(f"values: expected one value per option or an array (draws, options), "
                            f"found {v.ndim} dimension(s)")
    c = np.asarray(costs, dtype=float)
    if c.ndim == 1:
        c = c[:, np.newaxis]
    if c.ndim != 2:
        raise DecisionError(f"costs: expected one cost per option or an array (options, years), "
                            f"found {c.ndim} dimension(s)")
    b = np.atleast_1d(np.asarray(budget, dtype=float))
    if b.ndim != 1:
        raise DecisionError(f"budget: expected a number or one budget per year, found {b.ndim} dimension(s)")
    if not isinstance(objective, str):
        raise DecisionError(f"objective: expected 'mean' or 'cvar', found {objective!r}")
    if objective == "cvar" and alpha is None:
        raise DecisionError("alpha: objective 'cvar' needs a level in (0, 1), found None")
    p = _core.PortfolioProblem()
    p.values = v
    p.costs = c
    p.budget = b
    p.exclusive = [[int(i) for i in g] for g in (exclusive or [])]
    p.requires = [(int(i), int(j)) for i, j in (requires or [])]
    p.include = [int(i) for i in (include or [])]
    p.exclude = [int(i) for i in (exclude or [])]
    if min_value is not None:
        names: list[str] = []
        if isinstance(min_value, Mapping):
            names = [str(k) for k in min_value]
            rows = [np.asarray(r, dtype=float).ravel() for r, _ in min_value.values()]
            contribution = np.vstack(rows) if rows else np.zeros((0, v.shape[1]))
            minimum = np.asarray([float(m) for _, m in min_value.values()])
        else:
            try:
                contribution, minimum = min_value
            except (TypeError, ValueError):
                raise DecisionError("min_value: expected (contribution matrix (groups, options), minimum per group) "
                                    "or a mapping {name: (contribution per option, minimum)}") from None
            contribution = np.atleast_2d(np.asarray(contribution, dtype=float))
            minimum = np.atleast_1d(np.asarray(minimum, dtype=float))
        p.min_contribution = np.ascontiguousarray(contribution)
        p.min_value = minimum
        p.min_value_names = names
    p.objective = objective
    p.alpha = 0.0 if alpha is None else float(alpha)
    return p


def _time_limit(time_limit: Any) -> float:
    """The time limit in seconds, checked: a number > 0 (infinity for none)."""
    try:
        t = float(time_limit)
    except (TypeError, ValueError):
        raise DecisionError(f"time_limit: expected a number of seconds > 0 (or inf), found {time_limit!r}") from None
    if isinstance(time_limit, bool) or not t > 0:
        raise DecisionError(f"time_limit: expected a number of seconds > 0 (or inf), found {time_limit!r}")
    return t


def _portfolio_result(r: Mapping[str, Any]) -> PortfolioResult:
    cost = np.asarray(r["cost"])
    return PortfolioResult(np.asarray(r["selected"], dtype=int), float(r["objective"]),
                           float(cost[0]) if cost.size == 1 else cost, list(r["binding"]), list(r["constraints"]))


def select_portfolio(values: np.ndarray, costs: np.ndarray, budget: float | Sequence[float],
                     exclusive: Sequence[Sequence[int]] | None = None,
                     requires: Sequence[tuple[int, int]] | None = None,
                     include: Sequence[int] | None = None, exclude: Sequence[int] | None = None,
                     min_value: Any = None, objective: str = "mean", alpha: float | None = None,
                     solver: str = "glpk", explain: bool = True, time_limit: float = 60.0) -> PortfolioResult:
    """The best portfolio of options within a budget, solved exactly as a 0-1 MILP.

    Parameters
    ----------
    values:
        One (expected) value per option, or (draws, options) for risk-aware objectives.
    costs, budget:
        One cost per option and a budget, or (options, years) costs and one budget per year.
    exclusive:
        Groups of mutually exclusive options (at most one of each group).
    requires:
        Pairs ``(i, j)``: option i may be chosen only if option j is.
    include, exclude:
        Options that must / must not be chosen.
    min_value:
        Minimum value per pillar or per lever, as ``(contribution, minimum)`` with contribution (groups, options)
        and minimum (groups,), or a mapping ``{name: (contribution per option, minimum)}``:
        ``sum_i contribution[g, i] x_i >= minimum[g]``.
    objective:
        ``"mean"`` (expected value) or ``"cvar"``: the mean of the worst ``alpha`` share of draws of the portfolio
        value (Rockafellar-Uryasev linearisation).
    solver:
        ``"glpk"`` (default: faster on every measured instance, see benchmarks/decision_solver.md) or ``"cbc"``.
    explain:
        Find the binding constraints (one extra solve per constraint; set False for large CVaR problems, then
        ``binding`` is empty).
    time_limit:
        Seconds of wall-clock time for the whole call (every solve it makes); ``float("inf")`` for none.

    Coefficients within a relative 1e-12 of zero of their constraint's largest coefficient (round-off such as
    -5.7e-11 among values of 1e7) are set to exactly zero before solving: left in, they made GLPK loop.
    Ctrl-C (or a notebook interrupt) stops the solve and raises KeyboardInterrupt.

    Raises
    ------
    DecisionError
        Bad shapes or values, no feasible portfolio (the message names a set of conflicting constraints), or the
        time limit reached (the message gives the best bound and the best portfolio value found so far).
    """
    p = _problem(values, costs, budget, exclusive, requires, include, exclude, min_value, objective, alpha)
    return _portfolio_result(_core.select_portfolio(p, solver, bool(explain), _time_limit(time_limit)))


def efficient_frontier(values: np.ndarray, costs: np.ndarray, budgets: Sequence[float] | None = None,
                       solver: str = "glpk", time_limit: float = 60.0, **constraints: Any) -> pd.DataFrame:
    """Best value at each budget level (single-year costs).

    With ``budgets=None`` the exact staircase is returned: one row per budget level at which the best value
    changes (the cheapest best portfolio of each step). Other keyword arguments are the constraints of
    :func:`select_portfolio` (exclusive, requires, include, exclude, min_value, objective, alpha).
    An infeasible budget level gives objective NaN. ``time_limit`` (seconds) bounds the whole call.

    Returns
    -------
    DataFrame with columns budget, objective, cost, selected.
    """
    allowed = {"exclusive", "requires", "include", "exclude", "min_value", "objective", "alpha"}
    unknown = set(constraints) - allowed
    if unknown:
        raise DecisionError(f"efficient_frontier: unknown argument(s) {sorted(unknown)}")
    args = {k: constraints.get(k) for k in allowed}
    args["objective"] = constraints.get("objective", "mean")
    steps = budgets is None
    b = [] if steps else [float(x) for x in np.atleast_1d(np.asarray(budgets, dtype=float))]
    p = _problem(values, costs, 0.0, **args)
    rows = _core.efficient_frontier(p, b, steps, solver, _time_limit(time_limit))
    return pd.DataFrame({
        "budget": [float(r["cost"][0]) for r in rows] if steps else b,
        "objective": [float(r["objective"]) for r in rows],
        "cost": [float(r["cost"][0]) for r in rows],
        "selected": [list(r["selected"]) for r in rows],
    })


# --------------------------------------------------------------------------------------------------------------
# Pareto portfolios and Robust Portfolio Modelling
# --------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParetoPortfolios:
    """Non-dominated portfolios: ``portfolios[k]`` (option indices), its value per pillar and its cost."""

    portfolios: list[list[int]]
    values: pd.DataFrame
    cost: np.ndarray


def pareto_portfolios(values_by_pillar: np.ndarray, costs: np.ndarray, budget: float,
                      pillars: Sequence[str] | None = None, rtol: float = 1e-9) -> ParetoPortfolios:
    """The exact set of portfolios within budget that no other portfolio beats on every pillar.

    ``values_by_pillar`` is (options, pillars), e.g. social, economic, environmental value of each option.
    Solved exactly by a multi-objective knapsack dynamic programme (at most 64 options; it fails clearly when
    the number of partial portfolios grows beyond 2 million).
    """
    v = np.asarray(values_by_pillar, dtype=float)
    if v.ndim != 2:
        raise DecisionError(f"values_by_pillar: expected an array (options, pillars), found {v.ndim} dimension(s)")
    c = np.asarray(costs, dtype=float).ravel()
    r = _core.nondominated_portfolios(np.ascontiguousarray(v), c, float(budget), float(rtol))
    cols = list(pillars) if pillars is not None else [f"pillar {k}" for k in range(v.shape[1])]
    if len(cols) != v.shape[1]:
        raise DecisionError(f"pillars: expected one name per column of values_by_pillar ({v.shape[1]}), "
                            f"found {len(cols)}")
    return ParetoPortfolios([list(p) for p in r["portfolios"]], pd.DataFrame(r["objectives"], columns=cols),
                            np.asarray(r["cost"]))


@dataclass(frozen=True)
class RobustPortfolios:
    """Robust Portfolio Modelling result (Liesiö, Mild & Salo 2007).

    Attributes
    ----------
    portfolios:
        The non-dominated portfolios (option indices).
    values:
        (portfolios, extreme points): value of each portfolio at each extreme point of the weight set.
    cost:
        Cost of each portfolio.
    core_index:
        Per option, the share of non-dominated portfolios containing it.
    labels:
        Per option, ``"core"`` (core index 1), ``"exterior"`` (0) or ``"borderline"``.
    extreme_weights:
        (extreme points, criteria).
    """

    portfolios: list[list[int]]
    values: np.ndarray
    cost: np.ndarray
    core_index: np.ndarray
    labels: np.ndarray
    extreme_weights: np.ndarray


def robust_portfolios(scores: np.ndarray, costs: np.ndarray, budget: float,
                      weight_constraints: WeightConstraints | Mapping[str, Any] | None = None,
                      rtol: float = 1e-9) -> RobustPortfolios:
    """Non-dominated portfolios within a budget under incomplete weight information, and core indices.

    Parameters
    ----------
    scores:
        (options, criteria): score of each option on each criterion; portfolio value ``sum_{i in P} sum_j w_j
        v_ij``.
    weight_constraints:
        Interval and ordinal statements on the weights (see :class:`WeightConstraints`).

    Notes
    -----
    A portfolio dominates another if it is at least as good for every feasible weight vector and better for one;
    this is checked at the extreme points of the weight set. Exact, for at most 64 options and a moderate number
    of criteria (vertex enumeration); beyond the limits a DecisionError says which one was hit.
    """
    s = np.asarray(scores, dtype=float)
    if s.ndim != 2:
        raise DecisionError(f"scores: expected an array (options, criteria), found {s.ndim} dimension(s)")
    lower, upper, order = _weight_constraints(weight_constraints)._arrays()
    r = _core.robust_portfolios(np.ascontiguousarray(s), np.asarray(costs, dtype=float).ravel(), float(budget),
                                lower, upper, order, float(rtol))
    ci = np.asarray(r["core_index"])
    labels = np.where(ci == 1.0, "core", np.where(ci == 0.0, "exterior", "borderline"))
    return RobustPortfolios([list(p) for p in r["portfolios"]], np.asarray(r["objectives"]),
                            np.asarray(r["cost"]), ci, labels, np.asarray(r["extreme_weights"]))


# --------------------------------------------------------------------------------------------------------------
# Switching values (Green Book sensitivity analysis)
# --------------------------------------------------------------------------------------------------------------

#: Key-path endings of parameters that are shares or rates, searched within [0, 1] by default.
SHARE_KEYS = frozenset({"deadweight", "displacement", "leakage", "substitution", "attribution", "drop_off",
                        "mitigation", "share"})
#: Metrics for which a lower value is preferred.
_LOWER_IS_BETTER = frozenset({"pv_costs", "pv_investment", "pv_others"})
_METHODS = ("central", "expected")


@dataclass(frozen=True)
class SwitchingValue:
    """The value of one parameter at which the preferred scenario changes.

    Attributes
    ----------
    parameter, metric, method:
        What was searched: a parameter id, the metric compared (higher is better, lower for costs) and
        ``"central"`` (every other parameter at its central value) or ``"expected"`` (the mean over draws on
        common random numbers).
    a, b:
        Names of the two scenarios (``b`` is ``"do nothing"`` when no second scenario was given).
    switching_value:
        The parameter value ``x*`` with ``d(x*) = 0``, ``d = metric(A) - metric(B)``; None when d keeps its sign
        within ``bounds``.
    current:
        The parameter's central value (its mean), the value the comparison is made at.
    difference_now:
        d(current).
    preferred_now, preferred_below, preferred_above:
        The scenario preferred at the current value, for parameter values just below and just above ``x*`` (the
        same scenario on both sides when there is no switch; None on an exact tie).
    distance_pct:
        ``100 (x* - current) / abs(current)``: how far the parameter must move, in percent (None without a
        switch or when current is 0).
    probability:
        ``P(parameter beyond x*)``, on the side away from the current value, under the parameter's distribution: the
        chance that the preference switches when only this parameter is uncertain (None without a switch).
    bounds:
        The interval searched.
    other_switches:
        Approximate positions (grid brackets' midpoints) of further sign changes of d within the bounds; the
        reported switching value is the one nearest the current value.
    evaluations, seconds:
        Evaluations of d made (grid scan plus Brent's method) and the time taken.
    """

    parameter: str
    metric: str
    method: str
    a: str
    b: str
    switching_value: float | None
    current: float
    difference_now: float
    preferred_now: str | None
    preferred_below: str | None
    preferred_above: str | None
    distance_pct: float | None
    probability: float | None
    bounds: tuple[float, float]
    other_switches: tuple[float, ...]
    evaluations: int
    seconds: float

    @property
    def switches(self) -> bool:
        """True when the preference changes within the bounds."""
        return self.switching_value is not None

    @property
    def message(self) -> str:
        """One sentence a decision paper can quote."""
        lo, hi = self.bounds
        if self.switching_value is None:
            who = self.preferred_now or "neither scenario"
            return (f"{self.parameter}: no switch within [{lo:.6g}, {hi:.6g}]; {who} is preferred on {self.metric} "
                    f"throughout ({self.method} method)")
        move = "" if self.distance_pct is None else f" ({self.distance_pct:+.1f}% from {self.current:.6g})"
        return (f"{self.parameter}: {self.preferred_below} is preferred below {self.switching_value:.6g} and "
                f"{self.preferred_above} above it{move}; P(beyond) = {self.probability:.3g} ({self.method} method)")

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict:
        """Plain values (JSON-ready)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["bounds"] = list(self.bounds)
        out["other_switches"] = list(self.other_switches)
        out["message"] = self.message
        return out


def _output_name(metric: str) -> str:
    """The engine's name of a metric: npsv, bcr, pv_benefits, pv_costs, priority:<id>, pillar:<name>."""
    if not isinstance(metric, str):
        raise DecisionError(f"metric: expected a metric name such as 'npsv', found {metric!r}")
    for prefix in ("priority", "pillar"):
        for sep in (".", ":"):
            if metric.startswith(prefix + sep) and len(metric) > len(prefix) + 1:
                return f"{prefix}:{metric[len(prefix) + 1:]}"
    if metric in ("npsv", "bcr", "pv_benefits", "pv_costs"):
        return metric
    raise DecisionError(f"metric: expected 'npsv', 'bcr', 'pv_benefits', 'pv_costs', 'priority.<id>' or "
                        f"'pillar.<name>', found {metric!r}")


class _PairModel:
    """d(x) = metric(A | parameter = x) - metric(B | parameter = x), evaluated natively by the engine.

    ``central``: one design row per x, every other parameter at its central value
    (``socval._core.analysis.evaluate_design_difference``). ``expected``: the parameter values simulate() samples
    for each scenario (``socval._core.analysis.sampled_parameters``: same keyed streams, so draw d of a shared
    parameter is the same in A and B and in any simulation with this seed) with the one column set to x,
    evaluated row by row (``evaluate_design``) and averaged: every other parameter keeps its draws. Nothing is
    re-read or re-validated per evaluation.

    A parameter uncertain in one scenario but a plain number in the other (e.g. fixed with
    ``Scenario.set_parameter``) is made a parameter of the other too, once, by ``set_parameter`` with a uniform
    distribution over the bounds searched: x is then set in both (its draws are never used), and adding a
    parameter changes no other parameter's draws (streams keyed by id).
    """

    def __init__(self, a: Any, b: Any, metric: str, method: str, draws: int, seed: int, sampler: str,
                 threads: int | None) -> None:
        from .simulate import _library, core_scenario

        if method not in _METHODS:
            raise DecisionError(f"method: expected 'central' or 'expected', found {method!r}")
        if method == "expected":
            if isinstance(draws, bool) or int(draws) != draws or draws < 1:
                raise DecisionError(f"draws: expected a whole number >= 1, found {draws!r}")
            if isinstance(seed, bool) or int(seed) != seed or seed < 0:
                raise DecisionError(f"seed: expected a whole number >= 0, found {seed!r}")
            if sampler not in ("lhs", "mc"):
                raise DecisionError(f"sampler: expected 'lhs' or 'mc', found {sampler!r}")
        self.method, self.metric, self.output = method, metric, _output_name(metric)
        self.threshold = 1.0 if self.output == "bcr" else 0.0
        self.threads = 0 if threads is None else int(threads)
        self.draws, self.seed, self.sampler = int(draws), int(seed), sampler
        self.scenarios, self.sides, self.names = [], [], []
        for s in (a, b):
            if s is None:
                continue
            try:
                core, lib = core_scenario(s), _library(s, None)
            except TypeError:
                raise DecisionError(f"scenarios: expected socval.Scenario objects or scenario file paths, found "
                                    f"{type(s).__name__}") from None
            self.scenarios.append(s)
            self.sides.append((core, lib, [p.id for p in core.parameters]))
            self.names.append(_scenario_label(s, core))
        if len(self.names) == 2 and self.names[0] == self.names[1]:
            self.names = [f"{self.names[0]} (A)", f"{self.names[1]} (B)"]
        if b is None:
            self.names.append("do nothing")
        self._variants: dict[tuple[int, str], tuple[Any, Any, list]] = {}
        self._samples: dict[tuple[int, str], np.ndarray] = {}
        self._constant: dict[tuple[int, str], np.ndarray] = {}
        self.evaluations = 0

    def distribution(self, pid: str):
        """The parameter's distribution (from A, or from B when only B has it)."""
        for core, _, ids in self.sides:
            if pid in ids:
                return core.parameters[ids.index(pid)].distribution
        known = sorted({i for _, _, ids in self.sides for i in ids})
        close = difflib.get_close_matches(pid, known, n=5, cutoff=0.5)
        hint = f"; close matches: {', '.join(close)}" if close else f"; the scenarios have {len(known)} parameters"
        raise DecisionError(f"parameter: expected an uncertain parameter id of "
                            f"{' or '.join(self.names[:len(self.sides)])} (as in Scenario.parameters), found "
                            f"{pid!r}{hint}")

    def prepare(self, pid: str, lo: float, hi: float) -> None:
        """Make `pid` a parameter of every scenario whose document has it as a plain number."""
        for k, (core, lib, ids) in enumerate(self.sides):
            if pid in ids or (k, pid) in self._variants:
                continue
            variant = (core, lib, ids)
            setter = getattr(self.scenarios[k], "set_parameter", None)
            if setter is None and isinstance(self.scenarios[k], (str, os.PathLike)):
                from .scenario import load_scenario
                setter = load_scenario(self.scenarios[k], library=lib).set_parameter
            if setter is not None:
                try:
                    promoted = setter(pid, {"dist": "uniform", "min": float(lo), "max": float(hi)})
                    variant = (promoted.core, lib, [p.id for p in promoted.core.parameters])
                except _core_errors():
                    pass  # the scenario has no such number: the parameter does not move it
            self._variants[(k, pid)] = variant

    def _variant(self, k: int, pid: str):
        return self._variants.get((k, pid), self.sides[k])

    def _sample(self, k: int, pid: str) -> np.ndarray:
        core, _, ids = self._variant(k, pid)
        key = (k, pid if pid in ids and pid not in self.sides[k][2] else "")
        if key not in self._samples:
            x = _core_analysis().sampled_parameters(core, self.seed, self.draws, sampler=self.sampler)
            self._samples[key] = np.ascontiguousarray(np.asarray(x).T)
        return self._samples[key]

    def _side(self, k: int, pid: str, x: float) -> np.ndarray:
        """Per-draw metric of scenario k with the parameter at x (its other parameters as sampled)."""
        core, lib, ids = self._variant(k, pid)
        an = _core_analysis()
        if pid not in ids:  # the parameter does not move this scenario: evaluate it once
            if (k, pid) not in self._constant:
                self._constant[(k, pid)] = np.asarray(an.evaluate_design(
                    core, lib, ids, self._sample(k, pid), input="values", output=self.output, threads=self.threads))
            return self._constant[(k, pid)]
        design = self._sample(k, pid).copy()
        design[:, ids.index(pid)] = x
        return np.asarray(an.evaluate_design(core, lib, ids, design, input="values", output=self.output,
                                             threads=self.threads))

    def __call__(self, pid: str, x: float) -> float:
        """d(x)."""
        self.evaluations += 1
        an = _core_analysis()
        if self.method == "central":
            design = np.array([[float(x)]])
            ca, la, _ = self._variant(0, pid)
            if len(self.sides) == 2:
                cb, lb, _ = self._variant(1, pid)
                return float(an.evaluate_design_difference(ca, la, cb, lb, [pid], design, input="values",
                                                           output=self.output, threads=self.threads)[0])
            return float(an.evaluate_design(ca, la, [pid], design, input="values", output=self.output,
                                            threads=self.threads)[0]) - self.threshold
        d = self._side(0, pid, float(x)) - (self._side(1, pid, float(x)) if len(self.sides) == 2
                                            else self.threshold)
        return float(np.nanmean(d))


def _core_errors() -> tuple:
    from . import _core as core_module
    return (core_module.ScenarioError, core_module.ValueLibraryError)


def _core_analysis():
    from . import _core as core_module
    return core_module.analysis


def _scenario_label(scenario: Any, core: Any) -> str:
    if isinstance(scenario, (str, os.PathLike)):
        return core.meta.name or Path(scenario).stem
    return core.meta.name or "scenario"


def _default_bounds(pid: str, dist: Any) -> tuple[float, float]:
    """The distribution's support; its 0.5% and 99.5% quantiles where unbounded; shares and rates within [0, 1]."""
    share = pid.rsplit(".", 1)[-1] in SHARE_KEYS
    if dist.kind == "fixed":
        if share:
            return 0.0, 1.0
        raise DecisionError(f"bounds: parameter {pid!r} is fixed at {dist.central():.6g} (not uncertain), so it has "
                            f"no range to search; give bounds=(low, high)")
    lo, hi = (float(v) for v in dist.support)
    if not np.isfinite(lo):
        lo = float(dist.quantile(0.005))
    if not np.isfinite(hi):
        hi = float(dist.quantile(0.995))
    if share:
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    return lo, hi


def _check_bounds(bounds: Any) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise DecisionError(f"bounds: expected (low, high), found {bounds!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise DecisionError(f"bounds: expected finite low < high, found ({lo!r}, {hi!r})")
    return lo, hi


def _preferred(d: float, names: Sequence[str], lower_is_better: bool) -> str | None:
    if d == 0 or not np.isfinite(d):
        return None
    a_wins = (d < 0) if lower_is_better else (d > 0)
    return names[0] if a_wins else names[1]


def _switching(model: _PairModel, parameter: str, bounds: Any, xtol: float | None, grid: int) -> SwitchingValue:
    """Scan d on a grid over the bounds, then Brent's method in the sign change nearest the current value."""
    from scipy.optimize import brentq

    t0 = time.perf_counter()
    start = model.evaluations
    if not isinstance(parameter, str):
        raise DecisionError(f"parameter: expected a parameter id (str), found {parameter!r}")
    dist = model.distribution(parameter)
    lo, hi = _default_bounds(parameter, dist) if bounds is None else _check_bounds(bounds)
    if not lo < hi:
        raise DecisionError(f"bounds: parameter {parameter!r} has a degenerate range [{lo:.6g}, {hi:.6g}]; give "
                            f"bounds=(low, high)")
    if isinstance(grid, bool) or int(grid) != grid or grid < 2:
        raise DecisionError(f"grid: expected a whole number >= 2, found {grid!r}")
    model.prepare(parameter, lo, hi)
    current = float(dist.central())
    xs = np.unique(np.concatenate([np.linspace(lo, hi, int(grid)), [current] if lo < current < hi else []]))
    ds = np.array([model(parameter, x) for x in xs])
    lower = model.metric in _LOWER_IS_BETTER
    d_now = ds[np.searchsorted(xs, current)] if lo < current < hi else model(parameter, current)
    # Sign changes: (low end, high end, d just below, d just above); an exact zero at a grid point counts when
    # the nearest non-zero values either side have opposite signs (a touch is not a switch) or it is a bound.
    roots: list[tuple[float, float, float, float]] = []
    nonzero = np.flatnonzero(ds != 0.0)
    for i in range(len(xs)):
        if ds[i] == 0.0:
            left = ds[nonzero[nonzero < i][-1]] if np.any(nonzero < i) else 0.0
            right = ds[nonzero[nonzero > i][0]] if np.any(nonzero > i) else 0.0
            if left * right < 0 or (left == 0.0) != (right == 0.0):
                roots.append((xs[i], xs[i], left, right))
        elif i + 1 < len(xs) and ds[i] * ds[i + 1] < 0:
            roots.append((xs[i], xs[i + 1], ds[i], ds[i + 1]))
    names = model.names
    if not roots:
        pref = _preferred(float(ds[nonzero[0]]) if nonzero.size else 0.0, names, lower)
        return SwitchingValue(parameter, model.metric, model.method, names[0], names[1], None, current, float(d_now),
                              _preferred(float(d_now), names, lower), pref, pref, None, None, (lo, hi), (),
                              model.evaluations - start, time.perf_counter() - t0)

    def gap(r):
        return 0.0 if r[0] <= current <= r[1] else min(abs(r[0] - current), abs(r[1] - current))

    nearest = min(roots, key=gap)
    x_lo, x_hi, left, right = nearest
    if x_lo == x_hi:
        root = float(x_lo)
    else:
        tol = 1e-9 * (hi - lo) if xtol is None else float(xtol)
        root = float(brentq(lambda x: model(parameter, x), x_lo, x_hi, xtol=tol))
    others = tuple(float((r[0] + r[1]) / 2) for r in roots if r is not nearest)
    side_now = root > current  # True: the switch lies above the current value
    p = 1.0 - float(dist.cdf(root)) if side_now else float(dist.cdf(root))
    distance = 100.0 * (root - current) / abs(current) if current != 0 else None
    return SwitchingValue(parameter, model.metric, model.method, names[0], names[1], root, current, float(d_now),
                          _preferred(float(d_now), names, lower), _preferred(float(left), names, lower),
                          _preferred(float(right), names, lower), distance, p, (lo, hi), others,
                          model.evaluations - start, time.perf_counter() - t0)


def switching_value(a: Any, b: Any, parameter: str, metric: str = "npsv", *, bounds: Sequence[float] | None = None,
                    method: str = "expected", draws: int = 2000, seed: int = 0, sampler: str = "lhs",
                    xtol: float | None = None, grid: int = 17, threads: int | None = None) -> SwitchingValue:
    """The value of one parameter at which the preferred of two scenarios changes (Green Book switching value).

    d(x) = metric(A with the parameter fixed at x) - metric(B with the parameter fixed at x); the switching
    value is the root of d within ``bounds``, found by scanning d on ``grid`` points and refining the sign change
    nearest the parameter's current (central) value by Brent's method (``scipy.optimize.brentq``).

    Parameters
    ----------
    a, b:
        Scenarios (``socval.Scenario`` or scenario file paths). ``b=None`` compares A with doing nothing: the
        switching value is then where A's metric crosses 0 (1 for ``bcr``), e.g. where NPSV turns negative.
    parameter:
        A parameter id (key path) of A or B, as in ``Scenario.parameters``, e.g.
        ``"outcomes.<id>.deadweight"``. A parameter of one scenario only moves that one.
    metric:
        ``npsv`` (default), ``bcr``, ``pv_benefits``, ``pv_costs`` (lower is better), ``priority.<id>`` or
        ``pillar.<name>``.
    bounds:
        Interval searched; default the parameter's support, its 0.5% and 99.5% quantiles where unbounded, within
        [0, 1] for shares and rates (deadweight, displacement, leakage, substitution, attribution, drop-off,
        optimism-bias mitigation). A fixed (not uncertain) parameter needs explicit bounds unless it is a share.
    method:
        ``"expected"`` (default): d is the mean over ``draws`` draws on common random numbers (the draws
        ``socval.simulate`` makes with ``seed`` and ``sampler``; every other parameter keeps its draws, so d is a
        smooth deterministic function of x). ``"central"``: every other parameter at its central value (the
        deterministic ``Scenario.evaluate()``).
    xtol:
        Absolute tolerance on the root (default 1e-9 of the bounds' width).
    grid:
        Points of the initial scan (default 17); sign changes between grid points further from the current value
        are reported in ``other_switches``.
    threads:
        Worker threads of the engine (results do not depend on it).

    Returns
    -------
    SwitchingValue
        With ``switching_value`` None (and a "no switch within [lo, hi]" message) when d keeps its sign.

    Raises
    ------
    socval.DecisionError
        An unknown parameter id (the message lists close matches), bad bounds, metric, method, draws or seed.
    """
    model = _PairModel(a, b, metric, method, draws, seed, sampler, threads)
    return _switching(model, parameter, bounds, xtol, grid)


def switching_values(a: Any, b: Any, parameters: Sequence[str] | None = None, metric: str = "npsv", *,
                     top: int = 10, method: str = "expected", draws: int = 2000, seed: int = 0,
                     sampler: str = "lhs", xtol: float | None = None, grid: int = 17,
                     threads: int | None = None) -> pd.DataFrame:
    """Switching values of many parameters at once, closest switch first.

    ``parameters`` default: the ``top`` parameters by tornado swing of the difference A - B (each parameter at
    its 10th and 90th percentile, the others central: ``socval.scenario_sensitivity.sensitivity(a,
    method="tornado", other=b)``). Other arguments as :func:`switching_value`; the sampled draws are shared by
    every parameter. Returns a DataFrame indexed by parameter with the fields of :class:`SwitchingValue`, sorted
    by ``|distance_pct|`` (parameters without a switch last). With ``method="expected"`` each row's
    ``difference_now`` fixes that row's parameter at its mean, so it differs slightly from row to row.
    """
    model = _PairModel(a, b, metric, method, draws, seed, sampler, threads)
    if parameters is None:
        from .scenario_sensitivity import sensitivity

        if isinstance(top, bool) or int(top) != top or top < 1:
            raise DecisionError(f"top: expected a whole number >= 1, found {top!r}")
        tornado = sensitivity(a, method="tornado", other=b, output=model.output, threads=threads)
        parameters = list(tornado["input"].head(int(top)))
    elif isinstance(parameters, str):
        parameters = [parameters]
    rows = [_switching(model, p, None, xtol, grid).to_dict() for p in parameters]
    cols = ["parameter", "switching_value", "current", "distance_pct", "probability", "preferred_now",
            "preferred_below", "preferred_above", "difference_now", "bounds", "other_switches", "evaluations",
            "seconds", "message"]
    df = pd.DataFrame(rows, columns=cols + [c for c in (rows[0] if rows else {}) if c not in cols])
    df = df[cols].set_index("parameter")
    order = df["distance_pct"].astype(float).abs().fillna(np.inf).to_numpy()
    df = df.iloc[np.argsort(order, kind="stable")]
    df.attrs.update({"a": model.names[0], "b": model.names[1], "metric": metric, "method": method})
    return df


def _comparison_switching(comparison: Any, parameter: str, a: str | None, b: str | None, metric: str,
                          options: Mapping[str, Any]) -> SwitchingValue:
    """:meth:`socval.compare.Comparison.switching_value`: the scenarios rebuilt from their runs (the merged
    scenario text each run keeps), the comparison's draws, seed and sampler as defaults."""
    names = list(comparison.names)
    results_metric = metric.replace(":", ".", 1)
    if a is None or b is None:
        means = {n: float(np.nanmean(comparison.results[n].draws(results_metric))) for n in names}
        order = sorted(names, key=lambda n: means[n], reverse=results_metric not in _LOWER_IS_BETTER)
        a = order[0] if a is None else a
        b = next(n for n in order if n != a) if b is None else b
    for name, what in ((a, "a"), (b, "b")):
        if name not in comparison.results:
            raise DecisionError(f"{what}: expected the name of a compared scenario ({', '.join(names)}), "
                                f"found {name!r}")
    if a == b:
        raise DecisionError(f"a, b: expected two different scenarios, found {a!r} twice")
    scenarios = [comparison.results[name].scenario() for name in (a, b)]  # the merged text: no paths left
    first = comparison.results[a]
    opts = {"draws": first.n_draws, "seed": int(first.attrs.get("seed", 0)),
            "sampler": first.sampler or "lhs"}
    opts.update(options)
    model = _PairModel(scenarios[0], scenarios[1], metric, opts.pop("method", "expected"), opts.pop("draws"),
                       opts.pop("seed"), opts.pop("sampler"), opts.pop("threads", None))
    model.names = [a, b]
    unknown = set(opts) - {"bounds", "xtol", "grid"}
    if unknown:
        raise DecisionError(f"switching_value: unexpected argument(s) {sorted(unknown)}")
    return _switching(model, parameter, opts.get("bounds"), opts.get("xtol"), opts.get("grid", 17))
