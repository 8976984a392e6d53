"""Sensitivity analysis and value of information over a scenario's uncertain parameters, evaluated natively.

``scenario_sensitivity(scenario, method="sobol" | "morris" | "tornado", output="npsv", ...)`` builds the design of
:mod:`socval.sensitivity` over the scenario's uncertain parameters (named by their ids) and evaluates every row in
C++ (``socval._core.analysis.evaluate_design``: each column mapped through its parameter's quantile function, the
other parameters at their central values, blocks of rows on worker threads, no Python call per row). It returns the
same objects as :func:`socval.sensitivity.sobol`, :func:`~socval.sensitivity.morris` and
:func:`~socval.sensitivity.tornado`. ``scenario_evppi(scenarios, ...)`` ranks the expected value of partial perfect
information of every uncertain parameter of a comparison. Method, grouping rules and the correlated-input policy:
``docs/model/scenario_sensitivity.md``.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from .. import _core
from .._core import SensitivityError
from .._util.checks import threads as _checked_threads
from .._util.labels import engine_metric
from ..engine.comparison import compare
from ..engine.simulation import core_scenario, scenario_library, simulate
from . import dependent as _dependent
from . import methods as _generic
from . import voi as _voi

#: The alternative of a one-scenario value of information: fund nothing (NPSV 0 in every draw).
DO_NOTHING = "do nothing (NPSV 0)"

__all__ = ["scenario_sensitivity", "scenario_evppi", "copula_matrix", "uncertain_parameters", "group_labels", "GROUP_RULES",
           "sampled_columns"]

#: Named grouping rules accepted by ``groups=`` (see :func:`group_labels`).
GROUP_RULES = ("kind", "option", "lever")
METHODS = ("sobol", "morris", "tornado", "shapley")


def _resolve(scenario: Any, library: Any = None):
    """(core scenario, value library) behind a socval.Scenario, a path or a _core.model.Scenario."""
    return core_scenario(scenario), scenario_library(scenario, library)


def uncertain_parameters(scenario: Any) -> List[str]:
    """Ids of the scenario's uncertain parameters (every parameter whose distribution is not ``fixed``)."""
    core = scenario if isinstance(scenario, _core.model.Scenario) else _resolve(scenario)[0]
    return [p.id for p in core.parameters if p.distribution.kind != "fixed"]


def _kind_of(pid: str) -> str:
    """The kind of a parameter id: what it is, whatever option, outcome or link it belongs to."""
    parts = [re.sub(r"\[\d+\]$", "", part) for part in pid.split(".")]
    if len(parts) < 3:
        return pid
    if parts[0] == "options" and parts[2] == "outputs":
        return "options.outputs"
    return f"{parts[0]}.{'.'.join(parts[2:])}"


def _entity_of(pid: str) -> str:
    """The option, outcome or link a parameter id belongs to: ``option:<id>``, ``outcome:<id>``, ``link:<id>``."""
    parts = pid.split(".")
    singular = {"options": "option", "outcomes": "outcome", "links": "link"}
    if len(parts) >= 2 and parts[0] in singular:
        return singular[parts[0]] + ":" + re.sub(r"\[.*$", "", parts[1])
    return pid


def group_labels(ids: Sequence[str], rule: str, scenarios: Sequence[Any] = ()) -> List[str]:
    """One group label per parameter id, by a named rule.

    ``kind``
        What the parameter is, ignoring which option / outcome / link it belongs to and list indices:
        ``outcomes.deadweight``, ``outcomes.drop_off``, ``outcomes.value.per_unit``, ``options.costs.capital``,
        ``options.costs.revenue``, ``options.optimism_bias.mitigation``, ``options.outputs``,
        ``links.coefficient`` ... (all deadweights together, all drop-offs together, ...).
    ``option``
        The option, outcome or link it belongs to: ``option:<id>`` (all parameters of one option), and
        ``outcome:<id>`` / ``link:<id>`` for parameters that are not an option's.
    ``lever``
        The lever of its option (``lever:commissioning``, ``lever:anchor``, ``lever:employer``); parameters that
        are not an option's (outcomes, links) form the group ``not option-specific``.
    """
    if rule == "kind":
        return [_kind_of(i) for i in ids]
    if rule == "option":
        return [_entity_of(i) for i in ids]
    if rule == "lever":
        levers: Dict[str, str] = {}
        for s in scenarios:
            for o in s.options:
                levers.setdefault(o.id, str(o.lever))
        out = []
        for i in ids:
            ent = _entity_of(i)
            if ent.startswith("option:"):
                oid = ent[len("option:"):]
                if oid not in levers:
                    raise SensitivityError(f"groups='lever': option {oid!r} of parameter {i!r} is not in the scenario")
                out.append(f"lever:{levers[oid]}")
            else:
                out.append("not option-specific")
        return out
    raise SensitivityError(f"groups: expected a mapping {{group: [parameter ids]}} or one of {list(GROUP_RULES)}, "
                           f"found {rule!r}")


def _correlated(cores: Sequence[Any], ids: Sequence[str]) -> List[str]:
    """Ids among ``ids`` that a scenario declares correlated with another parameter."""
    wanted, found = set(ids), []
    for c in cores:
        pids = [p.id for p in c.parameters]
        for corr in c.correlations:
            for i in corr.params:
                if pids[i] in wanted and pids[i] not in found:
                    found.append(pids[i])
    return found


def copula_matrix(cores: Sequence[Any], ids: Sequence[str]) -> np.ndarray:
    """The normal-copula correlation of the parameters ``ids`` that the scenarios declare: the identity, with each
    declared Spearman block converted by the engine's copula (``r = 2 sin(pi rho / 6)``). A pair declared by two
    scenarios is taken from the first (as the parameters' values are)."""
    pos = {pid: j for j, pid in enumerate(ids)}
    r = np.eye(len(ids))
    done = np.zeros_like(r, dtype=bool)
    for c in cores:
        pids = [p.id for p in c.parameters]
        for corr in c.correlations:
            names = [pids[i] for i in corr.params]
            pearson = np.array(_core.sampling.GaussianCopula(names, np.asarray(corr.matrix)).pearson)
            for a, ia in enumerate(names):
                for b, ib in enumerate(names):
                    if ia in pos and ib in pos and a != b and not done[pos[ia], pos[ib]]:
                        r[pos[ia], pos[ib]] = pearson[a, b]
                        done[pos[ia], pos[ib]] = True
    return r


class _Model:
    """The scenario (or the difference of two) as a vectorised model of a design over parameter ids."""

    def __init__(self, scenario: Any, other: Any, output: str, threads: int, library: Any = None,
                 client: Any = None):
        self.core, self.lib = _resolve(scenario, library)
        self.client = client
        self.other = None
        if other is not None:
            self.other = _resolve(other)
        self.output, self.threads = engine_metric(output, SensitivityError, "output"), threads
        # Compiled once (plan and engine program), shared by every evaluation of this model.
        self.design_model = _core.analysis.DesignModel(self.core, self.lib)
        self.other_model = None if self.other is None else _core.analysis.DesignModel(*self.other)

    def cores(self) -> List[Any]:
        return [self.core] + ([self.other[0]] if self.other is not None else [])

    def distribution(self, pid: str):
        for c in self.cores():
            for p in c.parameters:
                if p.id == pid:
                    return p.distribution
        raise SensitivityError(f"parameters: unknown parameter id {pid!r}")

    def __call__(self, ids: Sequence[str], design: np.ndarray, input: str = "uniforms") -> np.ndarray:
        design = np.ascontiguousarray(design, dtype=float)
        if self.client is not None:  # blocks of rows on a Dask cluster, joined in row order (the same bits)
            from ..engine.distributed import evaluate_design, scenario_payload
            scenarios = [(self.core, self.lib)] + ([self.other] if self.other is not None else [])
            payloads = [scenario_payload(c, lib) for c, lib in scenarios]
            return evaluate_design(self.client, payloads, ids, design, input, self.output)
        if self.other_model is None:
            return np.asarray(_core.analysis.evaluate_design(self.design_model, list(ids), design, input=input,
                                                             output=self.output, threads=self.threads))
        return np.asarray(_core.analysis.evaluate_design_difference(
            self.design_model, self.other_model, list(ids), design, input=input, output=self.output,
            threads=self.threads))


    def saltelli(self, ids: Sequence[str], layout: Any, seed: int) -> np.ndarray:
        """Outputs at the Saltelli design of `layout` and `seed` (sensitivity.saltelli_design), block-major. Locally
        the rows are formed inside the engine from the base matrices A and B (the halves of the scrambled Sobol
        points), never as one n (G + 2) x k matrix; a model that evaluates formed designs elsewhere (an optional
        `client`) gets the formed design, with the same outputs."""
        if getattr(self, "client", None) is not None:
            return self(ids, _core.sensitivity.saltelli_design(layout, int(seed)))
        k = len(ids)
        base = np.asarray(_core.sensitivity.sobol_points(layout.n, 2 * k, int(seed)))
        return np.asarray(_core.analysis.evaluate_saltelli(
            self.design_model, self.other_model, list(ids), np.ascontiguousarray(base[:, :k]),
            np.ascontiguousarray(base[:, k:]), list(layout.group_of), second_order=bool(layout.second_order),
            output=self.output, threads=self.threads))


def _parameter_ids(model: _Model, parameters: Optional[Sequence[str]]) -> List[str]:
    ids: List[str] = []
    for c in model.cores():
        for pid in uncertain_parameters(c):
            if pid not in ids:
                ids.append(pid)
    if parameters is None:
        return ids
    chosen = [str(p) for p in parameters]
    unknown = [p for p in chosen if p not in ids]
    if unknown:
        raise SensitivityError(f"parameters: unknown or fixed parameter ids {unknown}; the uncertain parameters "
                               f"are {ids}")
    if len(set(chosen)) != len(chosen):
        raise SensitivityError(f"parameters: expected distinct ids, found {chosen}")
    return chosen


def scenario_sensitivity(scenario: Any, method: str = "sobol", output: str = "npsv", n: Optional[int] = None, seed: int = 0,
                groups: Union[None, str, Mapping[str, Sequence[str]]] = None, other: Any = None,
                second_order: bool = False, parameters: Optional[Sequence[str]] = None,
                threads: Optional[int] = None, library: Any = None, client: Any = None, **options: Any):
    """Sensitivity of a scenario's output to its uncertain parameters, evaluated natively by the engine.

    Parameters
    ----------
    scenario
        A ``socval.Scenario``, a scenario file path or a ``socval._core.model.Scenario``.
    method
        ``"sobol"`` (first-order and total indices, bootstrap intervals, convergence; where the scenario declares
        correlations between the analysed parameters, full and independent indices for dependent inputs by
        conditional sampling from its Gaussian copula, a :class:`~socval.sensitivity.DependentSobolResult` whose
        ``method`` says so), ``"shapley"`` (Shapley effects, which honour the correlations), ``"morris"`` (elementary
        effects mu*, sigma on a grid over the parameters' p1..p99) or ``"tornado"`` (each parameter at its p10 and
        p90, the others at their central values).
    output
        ``npsv``, ``bcr``, ``pv_benefits``, ``pv_costs``, ``priority.<id>`` or ``pillar.<name>``.
    n
        Sobol: base sample size, a power of 2 (default 1024; ``n * (G + 2)`` evaluations, ``n * (2G + 2)`` with
        correlations). Shapley: random permutations (default 200; with 6 factors or fewer the exact method is
        used and n is the number of outer draws, default 256). Morris: number of trajectories (default 20).
        Tornado: unused.
    seed
        Seed of the design (and of the bootstrap); the same seed gives identical results.
    groups
        Sobol and Shapley: ``{group: [parameter ids]}`` partitioning the parameters, or a rule ``"kind"``, ``"option"``,
        ``"lever"`` (see :func:`group_labels`).
    other
        A second scenario: the output is then ``output(scenario) - output(other)`` on the same design, parameters
        matched by id (a parameter of one scenario only moves that one) -- which assumptions decide the choice.
    second_order
        Sobol: also second-order indices.
    parameters
        Analyse only these parameter ids (default every uncertain parameter); the others stay at central values.
    threads
        Worker threads (default all cores); results do not depend on it.
    library
        Value library (default the scenario's or the default library).
    client
        A ``distributed.Client``: the design's rows are evaluated in blocks on its workers and joined in row order,
        bit-identical to a local analysis (docs/guide/cluster.md).
    **options
        Passed on: Sobol ``conf_level``, ``n_bootstrap``; Shapley those and ``method`` (``"exact"``,
        ``"random"``), ``inner``, ``n_variance``; Morris ``levels``, ``quantile_range``.

    Returns
    -------
    socval.sensitivity.SobolResult (or DependentSobolResult), ShapleyResult, MorrisResult, or the tornado
    pandas.DataFrame, with the parameter ids (or group names) as names.

    Raises
    ------
    socval.SensitivityError
        Unknown method, output, parameter or group; Morris on parameters a scenario declares correlated
        (use ``method="shapley"`` or ``"sobol"``, which honour them).
    """
    if method not in METHODS:
        raise SensitivityError(f"method: expected one of {list(METHODS)}, found {method!r}")
    model = _Model(scenario, other, output, _checked_threads(threads, SensitivityError), library, client)
    ids = _parameter_ids(model, parameters)
    if not ids:
        raise SensitivityError("sensitivity: the scenario has no uncertain parameters to analyse")
    if groups is not None and method not in ("sobol", "shapley"):
        raise SensitivityError(f"groups: group indices are defined for method='sobol' and 'shapley' only, found "
                               f"method={method!r}")
    corr = _correlated(model.cores(), ids)
    if method == "morris" and corr:
        raise SensitivityError(
            f"sensitivity: method='morris': the scenario declares correlations between {', '.join(corr)}; "
            f"Morris effects move one parameter at a time and would silently ignore that dependence. Use "
            f"method='shapley' or method='sobol' (both honour the correlations), or leave the correlated parameters "
            f"out with parameters=[...]")
    group_spec: Any = groups
    if isinstance(groups, str):
        group_spec = group_labels(ids, groups, model.cores())
    if method == "shapley":
        how = options.pop("method", "auto")
        r = copula_matrix(model.cores(), ids)
        factors = len(set(group_spec)) if isinstance(group_spec, list) else (
            len(group_spec) if group_spec is not None else len(ids))
        exact = how == "exact" or (how == "auto" and factors <= 6)
        sizes = {"outer": 256 if n is None else int(n)} if exact else {"permutations": 200 if n is None else int(n)}
        return _dependent.shapley(lambda u: model(ids, u), [(0.0, 1.0)] * len(ids), correlation=r,
                                  method="exact" if exact else "random", seed=seed, names=ids, groups=group_spec,
                                  threads=threads, **sizes, **options)
    if method == "sobol" and corr:
        if second_order:
            raise SensitivityError("second_order: second-order indices are not defined here for correlated "
                                   f"parameters ({', '.join(corr)}); leave second_order out")
        return _dependent.sobol_dependent(lambda u: model(ids, u), [(0.0, 1.0)] * len(ids),
                                          correlation=copula_matrix(model.cores(), ids),
                                          n=1024 if n is None else int(n), seed=seed, names=ids, groups=group_spec,
                                          threads=threads, **options)
    if method == "sobol":
        conf_level, n_bootstrap = options.pop("conf_level", 0.95), options.pop("n_bootstrap", 1000)
        if options:
            raise SensitivityError(f"sobol: unexpected options {sorted(options)}")
        setup = _generic._sobol_setup(len(ids), 1024 if n is None else int(n), ids, second_order, group_spec,
                                      conf_level, n_bootstrap)
        y = model.saltelli(ids, setup.layout, seed)
        return _generic._sobol_result(setup, y, seed, conf_level, n_bootstrap, threads)
    if method == "morris":
        qlo, qhi = (float(q) for q in options.pop("quantile_range", (0.01, 0.99)))
        if not 0.0 < qlo < qhi < 1.0:
            raise SensitivityError(f"quantile_range: expected 0 < low < high < 1, found ({qlo}, {qhi})")
        # Uniform bounds (qlo, qhi): the grid's 0..1 maps to the p(qlo)..p(qhi) probabilities, which the engine
        # maps through each parameter's quantile function; effects are per unit of that scaled range.
        return _generic.morris(lambda u: model(ids, u), [(qlo, qhi)] * len(ids),
                               trajectories=20 if n is None else int(n), seed=seed, names=ids, **options)
    if options:
        raise SensitivityError(f"tornado: unexpected options {sorted(options)}")
    dists = [model.distribution(i) for i in ids]
    central = [d.central() for d in dists]
    low = [d.quantile(0.1) for d in dists]
    high = [d.quantile(0.9) for d in dists]
    return _generic.tornado(lambda x: model(ids, x, input="values"), central, low, high, names=ids)


def sampled_columns(runs: Sequence[Any], parameters: Optional[Sequence[str]], who: str) -> Dict[str, np.ndarray]:
    """Each uncertain parameter's sampled values, keyed by id, from runs of (core scenario, seed, draws, sampler): a
    parameter several scenarios share is taken from the first (common random numbers give it the same draws);
    ``parameters`` restricts and orders them. SensitivityError names ``who`` for an unknown id or none at all."""
    columns: Dict[str, np.ndarray] = {}
    for core, seed, draws, sampler in runs:
        x = np.asarray(_core.analysis.sampled_parameters(core, int(seed), int(draws), sampler=sampler))
        for row, p in enumerate(core.parameters):
            if p.distribution.kind != "fixed" and p.id not in columns:
                columns[p.id] = x[row]
    if parameters is not None:
        unknown = [p for p in parameters if p not in columns]
        if unknown:
            raise SensitivityError(f"{who}: parameters: unknown or fixed parameter ids {unknown}")
        columns = {p: columns[p] for p in parameters}
    if not columns:
        raise SensitivityError(f"{who}: the scenarios have no uncertain parameters")
    return columns


def scenario_evppi(scenarios: Sequence[Any], draws: int = 10_000, seed: int = 0, sampler: str = "lhs",
                  parameters: Optional[Sequence[str]] = None, method: str = "auto", se_samples: int = 200,
                  threads: Optional[int] = None, names: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """EVPPI of every uncertain parameter of one scenario (the decision: fund it, or do nothing with NPSV 0) or
    of a comparison of scenarios, ranked by EVPPI then parameter id.

    ``attrs["note"]`` says, when every EVPPI is zero, why (e.g. one scenario is best in every draw: no decision
    uncertainty); ``attrs["p_best"]`` is the share of draws in which each alternative has the highest NPSV.

    The scenarios are simulated on common random numbers (:func:`socval.compare`); the net benefit of
    each scenario in each draw is its NPSV. The inputs are the sampled values of each uncertain parameter,
    reconstructed by ``socval._core.analysis.sampled_parameters`` from the same keyed streams as the simulation
    (identical values). A parameter shared by several scenarios is taken from the first that has it (its draws
    come from the same uniforms in every scenario, so they are monotone transforms of each other, which leave the
    regression-based EVPPI unchanged).

    Parameters
    ----------
    scenarios
        One scenario, or two or more (``socval.Scenario``, paths or ``_core.model.Scenario``).
    draws, seed, sampler, threads
        As in :func:`socval.simulate`.
    parameters
        Parameter ids to rank (default every uncertain parameter of any scenario).
    method, se_samples
        As in :func:`socval.sensitivity.evppi`.
    names
        Scenario names (default their metadata names).

    Returns
    -------
    pandas.DataFrame
        As :func:`socval.sensitivity.evppi_ranking`: index ``parameter``, sorted by decreasing EVPPI; ``attrs["evpi"]``
        and ``attrs["scenarios"]`` too.
    """
    scenarios = list(scenarios)
    if len(scenarios) < 1:
        raise SensitivityError("scenario_evppi: expected one scenario (fund it or not) or two or more to compare, "
                               "found none")
    if isinstance(draws, bool) or int(draws) != draws or draws < 2:
        raise SensitivityError(f"scenario_evppi: draws: expected a whole number >= 2, found {draws!r}")
    if len(scenarios) == 1:  # the decision is to fund the scenario or not: net benefits NPSV and 0
        res = simulate(scenarios[0], draws=int(draws), seed=int(seed), sampler=sampler, threads=threads,
                       progress=False)
        name = (list(names) if names else [res.attrs.get("scenario_name", "scenario")])[0]
        npsv = np.asarray(res.draws("npsv"), dtype=float)
        nb = np.column_stack([npsv, np.zeros_like(npsv)])
        alternatives = [name, DO_NOTHING]
    else:
        cmp = compare(scenarios, draws=int(draws), seed=int(seed), sampler=sampler, threads=threads,
                      metrics=("npsv",), names=names, progress=False, keep_outcomes=False, track_levers=False)
        nb = np.column_stack([np.asarray(cmp.results[nm].draws("npsv"), dtype=float) for nm in cmp.names])
        alternatives = list(cmp.names)
    inputs = sampled_columns([(_resolve(s)[0], int(seed), int(draws), sampler) for s in scenarios], parameters,
                             "scenario_evppi")
    table = _voi.evppi_ranking(nb, inputs, method=method, se_samples=se_samples, seed=int(seed))
    table.attrs["evpi"] = float(_voi.evpi(nb))
    table.attrs["scenarios"] = alternatives
    table.attrs["p_best"] = dict(zip(alternatives, np.bincount(np.argmax(nb, axis=1), minlength=nb.shape[1])
                                     / nb.shape[0]))
    table.attrs["note"] = _voi.why_zero(nb, alternatives, table["evppi"].to_numpy())
    return table
