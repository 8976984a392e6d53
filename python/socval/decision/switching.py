"""Switching values (Green Book sensitivity analysis): the value of one input at which the preferred scenario
changes, searched natively on the keyed draws (method: docs/model/decision.md, "Switching values")."""
from __future__ import annotations

import difflib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from .. import _core
from .._core import DecisionError
from .._util.labels import engine_metric, public_metric
from ..engine.comparison import Comparison
from ..engine.simulation import core_scenario, scenario_library
from ..model.scenario import load_scenario
from ..sensitivity.scenario import scenario_sensitivity

__all__ = ["SwitchingValue", "switching_value", "switching_values", "comparison_switching_value", "PairModel",
           "search_switching_value", "default_bounds"]


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


class PairModel:
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
        if method not in _METHODS:
            raise DecisionError(f"method: expected 'central' or 'expected', found {method!r}")
        if method == "expected":
            if isinstance(draws, bool) or int(draws) != draws or draws < 1:
                raise DecisionError(f"draws: expected a whole number >= 1, found {draws!r}")
            if isinstance(seed, bool) or int(seed) != seed or seed < 0:
                raise DecisionError(f"seed: expected a whole number >= 0, found {seed!r}")
            if sampler not in ("lhs", "mc"):
                raise DecisionError(f"sampler: expected 'lhs' or 'mc', found {sampler!r}")
        self.method, self.metric, self.output = method, metric, engine_metric(metric, DecisionError)
        self.threshold = 1.0 if self.output == "bcr" else 0.0
        self.threads = 0 if threads is None else int(threads)
        self.draws, self.seed, self.sampler = int(draws), int(seed), sampler
        self.scenarios, self.sides, self.names = [], [], []
        for s in (a, b):
            if s is None:
                continue
            try:
                core, lib = core_scenario(s), scenario_library(s, None)
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
        self._models: dict[int, tuple[Any, Any]] = {}  # id(core) -> (core, DesignModel): compiled once
        self.evaluations = 0

    def _model(self, core: Any, lib: Any) -> Any:
        """The scenario compiled once (``_core.analysis.DesignModel``), shared by every evaluation."""
        if id(core) not in self._models:
            self._models[id(core)] = (core, _core.analysis.DesignModel(core, lib))
        return self._models[id(core)][1]

    def distribution(self, pid: str):
        """The parameter's distribution (from A, or from B when only B has it)."""
        for core, _, ids in self.sides:
            if pid in ids:
                return core.parameters[ids.index(pid)].distribution
        if pid.startswith("value:"):
            from ..values import fixed_values
            fixed = fixed_values(self.sides[0][1])
            if pid in fixed.index:
                row = fixed.loc[pid]
                raise DecisionError(f"parameter {pid!r}: a fixed library value ({row['value']:,.0f} {row['unit']}, "
                                    f"{row['price_base_year']} prices: {row['reason']}), the same in every draw; "
                                    f"to test it, write a distribution on the outcome's value per_unit")
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
                setter = load_scenario(self.scenarios[k], library=lib).set_parameter
            if setter is not None:
                try:
                    promoted = setter(pid, {"dist": "uniform", "min": float(lo), "max": float(hi)})
                    variant = (promoted.core, lib, [p.id for p in promoted.core.parameters])
                except (_core.ScenarioError, _core.ValueLibraryError):
                    pass  # the scenario has no such number: the parameter does not move it
            self._variants[(k, pid)] = variant

    def _variant(self, k: int, pid: str):
        return self._variants.get((k, pid), self.sides[k])

    def _sample(self, k: int, pid: str) -> np.ndarray:
        core, _, ids = self._variant(k, pid)
        key = (k, pid if pid in ids and pid not in self.sides[k][2] else "")
        if key not in self._samples:
            x = _core.analysis.sampled_parameters(core, self.seed, self.draws, sampler=self.sampler)
            self._samples[key] = np.ascontiguousarray(np.asarray(x).T)
        return self._samples[key]

    def _side(self, k: int, pid: str, x: float) -> np.ndarray:
        """Per-draw metric of scenario k with the parameter at x (its other parameters as sampled)."""
        core, lib, ids = self._variant(k, pid)
        an = _core.analysis
        if pid not in ids:  # the parameter does not move this scenario: evaluate it once
            if (k, pid) not in self._constant:
                self._constant[(k, pid)] = np.asarray(an.evaluate_design(
                    self._model(core, lib), ids, self._sample(k, pid), input="values", output=self.output,
                    threads=self.threads))
            return self._constant[(k, pid)]
        design = self._sample(k, pid).copy()
        design[:, ids.index(pid)] = x
        return np.asarray(an.evaluate_design(self._model(core, lib), ids, design, input="values",
                                             output=self.output, threads=self.threads))

    def __call__(self, pid: str, x: float) -> float:
        """d(x)."""
        self.evaluations += 1
        an = _core.analysis
        if self.method == "central":
            design = np.array([[float(x)]])
            ca, la, _ = self._variant(0, pid)
            if len(self.sides) == 2:
                cb, lb, _ = self._variant(1, pid)
                return float(an.evaluate_design_difference(self._model(ca, la), self._model(cb, lb), [pid], design,
                                                           input="values", output=self.output,
                                                           threads=self.threads)[0])
            return float(an.evaluate_design(self._model(ca, la), [pid], design, input="values", output=self.output,
                                            threads=self.threads)[0]) - self.threshold
        d = self._side(0, pid, float(x)) - (self._side(1, pid, float(x)) if len(self.sides) == 2
                                            else self.threshold)
        return float(np.nanmean(d))


def _scenario_label(scenario: Any, core: Any) -> str:
    if isinstance(scenario, (str, os.PathLike)):
        return core.meta.name or Path(scenario).stem
    return core.meta.name or "scenario"


def default_bounds(pid: str, dist: Any) -> tuple[float, float]:
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


def search_switching_value(model: PairModel, parameter: str, bounds: Any, xtol: float | None, grid: int) -> SwitchingValue:
    """Scan d on a grid over the bounds, then Brent's method in the sign change nearest the current value."""
    t0 = time.perf_counter()
    start = model.evaluations
    if not isinstance(parameter, str):
        raise DecisionError(f"parameter: expected a parameter id (str), found {parameter!r}")
    dist = model.distribution(parameter)
    lo, hi = default_bounds(parameter, dist) if bounds is None else _check_bounds(bounds)
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
    model = PairModel(a, b, metric, method, draws, seed, sampler, threads)
    return search_switching_value(model, parameter, bounds, xtol, grid)


def _switching_row(documents: Sequence[Any], names: Sequence[str], metric: str, method: str, draws: int, seed: int,
                   sampler: str, parameter: str, xtol: float | None, grid: int) -> dict:
    """A worker's task (``switching_values(..., client=)``): one parameter's switching value, the scenarios rebuilt
    from their merged documents (``socval.engine.distributed.scenario_payload``)."""
    from ..model.scenario import scenario_from_yaml
    from ..values import load_library

    scenarios = [scenario_from_yaml(d["text"], name=d["name"], base_dir=d["base_dir"],
                                    library=load_library(d["library_dir"])) for d in documents]
    model = PairModel(scenarios[0], scenarios[1] if len(scenarios) > 1 else None, metric, method, draws, seed,
                      sampler, 1)
    model.names = list(names)
    return search_switching_value(model, parameter, None, xtol, grid).to_dict()


def switching_values(a: Any, b: Any, parameters: Sequence[str] | None = None, metric: str = "npsv", *,
                     top: int = 10, method: str = "expected", draws: int = 2000, seed: int = 0,
                     sampler: str = "lhs", xtol: float | None = None, grid: int = 17,
                     threads: int | None = None, client: Any = None) -> pd.DataFrame:
    """Switching values of many parameters at once, closest switch first.

    ``parameters`` default: the ``top`` parameters by tornado swing of the difference A - B (each parameter at
    its 10th and 90th percentile, the others central: ``socval.sensitivity.scenario_sensitivity(a,
    method="tornado", other=b)``). Other arguments as :func:`switching_value`; the sampled draws are shared by
    every parameter. Returns a DataFrame indexed by parameter with the fields of :class:`SwitchingValue`, sorted
    by ``|distance_pct|`` (parameters without a switch last). With ``method="expected"`` each row's
    ``difference_now`` fixes that row's parameter at its mean, so it differs slightly from row to row.
    ``client`` (a ``distributed.Client``): one search per parameter on its workers, the same values as locally.
    """
    model = PairModel(a, b, metric, method, draws, seed, sampler, threads)
    if parameters is None:
        if isinstance(top, bool) or int(top) != top or top < 1:
            raise DecisionError(f"top: expected a whole number >= 1, found {top!r}")
        tornado = scenario_sensitivity(a, method="tornado", other=b, output=model.output, threads=threads)
        parameters = list(tornado["input"].head(int(top)))
    elif isinstance(parameters, str):
        parameters = [parameters]
    if client is not None:  # one search per task, the scenarios sent as their documents
        from ..engine.distributed import map_tasks, scenario_payload
        documents = [scenario_payload(core, lib) for core, lib, _ in model.sides]
        args = [(documents, model.names, metric, method, draws, seed, sampler, p, xtol, grid) for p in parameters]
        rows = list(map_tasks(client, _switching_row, args, "switching"))
    else:
        rows = [search_switching_value(model, p, None, xtol, grid).to_dict() for p in parameters]
    cols = ["parameter", "switching_value", "current", "distance_pct", "probability", "preferred_now",
            "preferred_below", "preferred_above", "difference_now", "bounds", "other_switches", "evaluations",
            "seconds", "message"]
    df = pd.DataFrame(rows, columns=cols + [c for c in (rows[0] if rows else {}) if c not in cols])
    df = df[cols].set_index("parameter")
    order = df["distance_pct"].astype(float).abs().fillna(np.inf).to_numpy()
    df = df.iloc[np.argsort(order, kind="stable")]
    df.attrs.update({"a": model.names[0], "b": model.names[1], "metric": metric, "method": method})
    return df


def comparison_switching_value(comparison: Comparison, parameter: str, a: str | None, b: str | None, metric: str,
                          options: Mapping[str, Any]) -> SwitchingValue:
    """:meth:`socval.Comparison.switching_value`: the scenarios rebuilt from their runs (the merged
    scenario text each run keeps), the comparison's draws, seed and sampler as defaults."""
    names = list(comparison.names)
    results_metric = public_metric(metric)
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
    model = PairModel(scenarios[0], scenarios[1], metric, opts.pop("method", "expected"), opts.pop("draws"),
                       opts.pop("seed"), opts.pop("sampler"), opts.pop("threads", None))
    model.names = [a, b]
    unknown = set(opts) - {"bounds", "xtol", "grid"}
    if unknown:
        raise DecisionError(f"switching_value: unexpected argument(s) {sorted(unknown)}")
    return search_switching_value(model, parameter, opts.get("bounds"), opts.get("xtol"), opts.get("grid", 17))
