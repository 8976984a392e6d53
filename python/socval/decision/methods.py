"""Decision methods on arrays: comparing alternatives, SMAA-2, portfolio selection, Robust Portfolio Modelling.

Generic form: arrays in, arrays out; options and alternatives are referred to by index (the scenario layer maps
them to ids). Every computation runs in the C++ core (``socval._core.decision``); the formulas and their sources
are in ``docs/model/decision.md``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .._core import DecisionError
from .._core import decision as _core

__all__ = [
    "WeightConstraints", "SmaaResult", "smaa",
    "DrawComparison", "compare_draws",
    "PortfolioResult", "select_portfolio", "efficient_frontier",
    "ParetoPortfolios", "pareto_portfolios",
    "RobustPortfolios", "robust_portfolios", "weight_extreme_points",
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
