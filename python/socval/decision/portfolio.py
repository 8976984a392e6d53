"""The best portfolio of a scenario's options within a budget (method: docs/model/portfolio.md).

``optimise(scenario, budget)`` simulates the value of every candidate option on common random numbers (the
candidate pool funded together, ``socval._core.analysis.option_values``), then solves the 0-1 MILP of
:func:`socval.decision.select_portfolio` on the per-draw values and the expected PV costs, and returns the
selected options by id with a new scenario that funds exactly them.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd
import yaml

from .. import _core
from .._util.numbers import money
from . import methods as decision
from ..engine.simulation import core_scenario, scenario_library
from ..model.scenario import scenario_from_yaml
from ..model.words import LEVERS, PILLARS

__all__ = ["OptionValues", "PortfolioChoice", "option_values", "optimise"]

DecisionError = _core.DecisionError


@dataclass
class OptionValues:
    """Per-draw PV value and PV cost of each candidate option, on common random numbers.

    Attributes
    ----------
    option_ids:
        The candidates, in the scenario's option order.
    value, cost:
        (draws, options): PV value attributed to each option, and its PV cost with optimism bias (its costs to
        others included, as PV costs).
    others:
        (draws, options): PV of each option's costs to others (part of ``cost``); without it (None) ``summary()``
        has no ``bcr`` or ``weighted_bcr`` (they need the costs to others apart).
    by_pillar:
        {pillar: (draws, options)} for social, economic, environmental, unallocated.
    by_lever:
        {lever: (draws, options)}: an option's value under its own lever, zero under the others.
    by_priority:
        {priority id (and "unallocated"): (draws, options)}.
    funded, scale, start:
        Whether the scenario file funds each candidate, and the scale / start used for it.
    selected:
        After :func:`optimise`: whether the best portfolio chooses each candidate (None before a choice).
    weighted_value:
        (draws, options): PV value with Green Book Annex A3 distributional weights (each attributed outcome PV times
        its outcome's weight, docs/model/distribution.md), for a scenario with ``people:``; else None.
    """

    option_ids: list
    value: np.ndarray
    cost: np.ndarray
    by_pillar: dict
    by_lever: dict
    by_priority: dict
    option_levers: list
    funded: list
    scale: list
    start: list
    draws: int
    seed: int
    sampler: str
    selected: Optional[list] = None
    weighted_value: Optional[np.ndarray] = None
    others: Optional[np.ndarray] = None

    def summary(self) -> pd.DataFrame:
        """Per option: lever, selected (after a choice), funded (in the scenario file), mean, sd and 5% / 95%
        quantiles of PV value, mean PV cost, mean PV costs to others, the scale it was valued at, ``bcr`` and
        ``bcr_all_costs``; with ``people:`` also the mean weighted value, weighted NPSV (mean weighted value - mean
        cost), ``weighted_bcr`` and ``weighted_bcr_all_costs``, beside the unweighted (docs/model/portfolio.md,
        "Per-option table").

        The ratios are ratios of the means over the draws, with the definitions and names of the results'
        (docs/model/appraisal.md, docs/model/distribution.md): ``bcr`` on public sector cost, (mean value - mean
        costs to others) / (mean cost - mean costs to others), the headline; ``bcr_all_costs`` = mean value / mean
        cost (an option's cost includes its costs to others); ``weighted_bcr`` and ``weighted_bcr_all_costs`` the
        same with the mean weighted value. Without costs to others each pair is equal."""
        v, c = self.value, self.cost
        df = pd.DataFrame({"lever": self.option_levers, "funded": self.funded, "mean_value": v.mean(0),
                           "sd_value": v.std(0, ddof=1) if v.shape[0] > 1 else np.zeros(v.shape[1]),
                           "p5_value": np.quantile(v, 0.05, axis=0), "p95_value": np.quantile(v, 0.95, axis=0),
                           "mean_cost": c.mean(0)}, index=pd.Index(self.option_ids, name="option"))
        others = self.others.mean(0) if self.others is not None else None
        if others is not None:
            df["mean_others"] = others
        if self.selected is not None:
            df.insert(1, "selected", self.selected)
        df.insert(len(df.columns), "scale", self.scale)
        with np.errstate(divide="ignore", invalid="ignore"):
            if others is not None:  # public sector cost: the option's own costs with optimism bias
                public = df["mean_cost"] - others
                df["bcr"] = (df["mean_value"] - others) / public  # the headline BCR's definition
            df["bcr_all_costs"] = df["mean_value"] / df["mean_cost"]  # PVB / PVC: the cost includes costs to others
            if self.weighted_value is not None:
                df["mean_weighted_value"] = self.weighted_value.mean(0)
                df["weighted_npsv"] = df["mean_weighted_value"] - df["mean_cost"]
                if others is not None:
                    df["weighted_bcr"] = (df["mean_weighted_value"] - others) / public  # as the results' weighted_bcr
                df["weighted_bcr_all_costs"] = df["mean_weighted_value"] / df["mean_cost"]
        return df


def option_values(scenario: Any, candidates: Optional[Sequence[str]] = None, draws: int = 2000, seed: int = 0,
                  sampler: str = "lhs", threads: Optional[int] = None, library: Any = None, client: Any = None,
                  part_draws: Optional[int] = None) -> OptionValues:
    """Simulate every candidate option's PV value and cost on the keyed streams of :func:`socval.simulate`.

    The candidates are funded together: an option the scenario funds at its scale and start, any other at scale 1
    from appraisal year 0. Values add up across options exactly when no saturating link couples them.

    With ``client`` (a ``distributed.Client``) the draws go out to its workers in parts of ``part_draws`` draws
    (None: about 4 per worker, at least 1,024 draws) and are joined in draw order, bit-identical to a local run
    (docs/guide/cluster.md); a lost scheduler or a task failing on the cluster raises ``socval.ClusterError``.

    Raises
    ------
    socval.ScenarioError
        Unknown or repeated candidate id, or a scenario without options.
    socval.SamplingError
        Bad draws, seed, threads or sampler.
    """
    core = core_scenario(scenario)
    lib = scenario_library(scenario, library)
    if isinstance(draws, bool) or int(draws) != draws or draws < 1:
        raise _core.SamplingError(f"option_values: draws: expected a whole number >= 1, found {draws!r}")
    if isinstance(seed, bool) or int(seed) != seed or seed < 0:
        raise _core.SamplingError(f"option_values: seed: expected a whole number >= 0, found {seed!r}")
    if isinstance(candidates, str):
        candidates = [candidates]
    options = dict(draws=int(draws), seed=int(seed), sampler=sampler, threads=int(threads or 0),
                   candidates=list(candidates or []))
    if client is None:
        r = _core.analysis.option_values(core, lib, **options)
    else:
        from ..engine.distributed import option_values as on_cluster
        _core.analysis.option_values(core, lib, **dict(options, draws=1))  # bad candidates fail here, not remotely
        r = on_cluster(client, core, lib, options, part_draws=part_draws)
    return OptionValues(
        option_ids=list(r["option_ids"]), value=r["value"], cost=r["cost"],
        by_pillar={p: r["pillar_value"][i] for i, p in enumerate(PILLARS)},
        by_lever={lv: r["lever_value"][i] for i, lv in enumerate(LEVERS)},
        by_priority={k: r["priority_value"][i] for i, k in enumerate(r["priority_ids"])},
        option_levers=list(r["option_levers"]), funded=list(r["funded"]), scale=list(r["scale"]),
        start=list(r["start"]), draws=int(r["draws"]), seed=int(r["seed"]), sampler=str(r["sampler"]),
        weighted_value=r.get("weighted_value"), others=r.get("others"))


@dataclass
class PortfolioChoice:
    """The best portfolio of a scenario's options.

    Attributes
    ----------
    selected:
        Ids of the chosen options, in the scenario's option order.
    context:
        Context options (funded by the file at no cost): not choices, kept funded in :attr:`scenario`.
    objective:
        Expected PV value of the portfolio (objective "mean"), its CVaR at level alpha ("cvar"), or its
        expected NPSV, PV value minus PV cost ("npsv").
    cost:
        Expected PV cost (with optimism bias) of the portfolio.
    binding:
        Constraints whose removal alone would raise the objective, with option ids in place of indices, e.g.
        ``"budget"``, ``"exclusive[0]"``, ``"requires[a->b]"``, ``"include[a]"``, ``"exclude[b]"``,
        ``"min_value[social]"``.
    scenario:
        A validated ``socval.Scenario`` funding exactly the selected options (``scenario.core`` is the C++ model;
        ``scenario.to_yaml(path)`` writes the merged document, :meth:`save` the short form that extends the
        original file).
    yaml_text:
        Its YAML document (``extends`` the original file when there is one); :meth:`save` writes it.
    values:
        The simulated option values the choice was made on.
    """

    selected: list
    context: list
    objective: float
    cost: float
    binding: list
    scenario: Any
    yaml_text: str
    values: OptionValues
    budget: float
    objective_kind: str
    alpha: Optional[float]
    _doc: dict = field(repr=False, default_factory=dict)
    _base_file: str = field(repr=False, default="")

    def save(self, path: Union[str, os.PathLike]) -> Path:
        """Write the portfolio's scenario as YAML. With an original file, ``extends`` points to it relative to
        ``path`` (``allow_outside: true`` when it lies outside the new file's folder tree)."""
        path = Path(path)
        doc = dict(self._doc)
        if self._base_file:
            rel = os.path.relpath(os.path.abspath(self._base_file), os.path.abspath(path.parent))
            doc = {"extends": rel, **{k: v for k, v in doc.items() if k not in ("extends", "allow_outside")}}
            if rel.startswith(".."):
                doc["allow_outside"] = True
        text = _header(self) + yaml.safe_dump(doc, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    def to_dict(self) -> dict:
        """JSON-ready summary."""
        return {"selected": list(self.selected), "context": list(self.context), "objective": self.objective, "objective_kind": self.objective_kind,
                "alpha": self.alpha, "cost": self.cost, "budget": self.budget, "binding": list(self.binding),
                "draws": self.values.draws, "seed": self.values.seed}


def _header(choice: PortfolioChoice) -> str:
    kind = choice.objective_kind if choice.alpha is None else f"{choice.objective_kind} (alpha {choice.alpha})"
    context = (f"# Context options (funded by the original at no cost) kept: {', '.join(choice.context)}.\n"
               if choice.context else "")
    return (f"# Portfolio chosen by socval optimise: budget {money(choice.budget)}, objective {kind}, "
            f"{choice.values.draws} draws, seed {choice.values.seed}.\n"
            f"# Expected PV cost {money(choice.cost)}; objective {money(choice.objective)}.\n" + context)


def _index(ids: Sequence[str], pool: Sequence[str], what: str) -> list:
    out = []
    for i in ids:
        if i not in pool:
            raise DecisionError(f"{what}: expected option ids of the candidate pool {list(pool)}, found {i!r}")
        out.append(pool.index(i))
    return out


def _rename(name: str, pool: Sequence[str]) -> str:
    """Constraint names with option indices replaced by ids (include[1] -> include[clinic], requires[3->5])."""
    if "[" not in name or not name.endswith("]"):
        return name
    head, inner = name[:-1].split("[", 1)
    if head in ("include", "exclude"):
        return f"{head}[{pool[int(inner)]}]"
    if head == "requires" and "->" in inner:
        a, b = inner.split("->")
        return f"requires[{pool[int(a)]}->{pool[int(b)]}]"
    return name


def optimise(scenario: Any, budget: float, candidates: Optional[Sequence[str]] = None, objective: str = "mean",
             alpha: Optional[float] = None, draws: int = 2000, seed: int = 0,
             min_value: Optional[Mapping[str, float]] = None, exclusive: Optional[Sequence[Sequence[str]]] = None,
             requires: Optional[Sequence[tuple]] = None, include: Optional[Sequence[str]] = None,
             exclude: Optional[Sequence[str]] = None, sampler: str = "lhs", threads: Optional[int] = None,
             solver: str = "glpk", library: Any = None, time_limit: float = 60.0,
             scales: Optional[Mapping[str, float]] = None, client: Any = None) -> PortfolioChoice:
    """The best portfolio of the scenario's candidate options within a budget.

    The pool and the scales are explicit: every candidate is valued at the scale given in ``scales`` (default 1)
    from appraisal year 0, whatever the scenario file funds, so the same pool, scales and budget give the same
    answer whichever scenario file (of the same options, outcomes and framework) they are read from. **Context
    options** (funded by the file at no cost, e.g. a business-as-usual contract pipeline feeding the local spend
    rounds) are not choices: they stay funded, at the file's scale, in the valuation and in the saved portfolio.

    Parameters
    ----------
    scenario:
        A ``socval.Scenario``, a scenario file path or a ``socval._core.model.Scenario``.
    budget:
        Budget for the expected PV cost (with optimism bias, the scenario's discount schedule) of the portfolio.
    candidates:
        Option ids to choose from (the pool); None = every option of the scenario but its context options.
    scales:
        ``{option id: scale}`` for candidates valued at a scale other than 1 (costs and outputs scale with it).
    objective, alpha:
        ``"mean"``: expected PV value; ``"cvar"``: mean of the worst ``alpha`` share of draws of the portfolio's
        PV value; ``"npsv"``: expected NPSV (PV value minus PV cost), so an option is chosen only if it adds
        more value than it costs, and the budget need not be spent (the Green Book view that unspent money has
        other uses worth at least its cost); ``"weighted_npsv"``: the same with the value weighted by Green Book
        Annex A3 distributional weights (scenarios with ``people:``).
    draws, seed, sampler:
        Monte Carlo draws of the option values (same streams as :func:`socval.simulate`).
    min_value:
        ``{pillar or lever name: minimum expected PV value}``, e.g. ``{"social": 2e5, "anchor": 1e5}``.
    exclusive:
        Groups of option ids of which at most one may be chosen.
    requires:
        Pairs ``(a, b)``: option a only with option b.
    include, exclude:
        Option ids that must / must not be chosen.
    solver, time_limit:
        MILP solver (``"glpk"``, default, or ``"cbc"``) and the seconds allowed for the solves (see
        :func:`socval.decision.select_portfolio`).
    client:
        A ``distributed.Client``: the option values are simulated on its workers in parts of draws, bit-identical
        to a local run, so the choice is the same (docs/guide/cluster.md); the MILP is solved here.

    Raises
    ------
    socval.DecisionError
        Unknown ids or names, bad objective, or no feasible portfolio.
    """
    if objective not in ("mean", "cvar", "npsv", "weighted_npsv"):
        raise DecisionError(f"objective: expected 'mean', 'cvar', 'npsv' or 'weighted_npsv', found {objective!r}")
    if objective in ("npsv", "weighted_npsv") and alpha is not None:
        raise DecisionError(f"alpha: only used with objective 'cvar', found objective {objective!r} and alpha "
                            f"{alpha!r}")
    try:
        budget = float(budget)
    except (TypeError, ValueError):
        raise DecisionError(f"budget: expected a number >= 0 (GBP of expected PV cost), found {budget!r}") from None
    if not np.isfinite(budget) or budget < 0:
        raise DecisionError(f"budget: expected a finite number >= 0 (GBP of expected PV cost), found {budget!r}")
    core = core_scenario(scenario)
    lib = scenario_library(scenario, library)
    ids = [o.id for o in core.options]
    context = context_options(core)
    if isinstance(candidates, str):
        candidates = [candidates]
    pool_ids = [i for i in ids if i not in context] if candidates is None else list(candidates)
    for i in pool_ids:
        if i not in ids:
            raise DecisionError(f"candidates: expected option ids of the scenario {ids}, found {i!r}")
    pool_ids = [i for i in ids if i in pool_ids]  # the scenario's option order
    scales = _check_scales(scales, pool_ids)
    # a context option is funded anyway: `include` of it holds already; `exclude` of it unfunds it
    include = [include] if isinstance(include, str) else list(include or [])
    exclude = [exclude] if isinstance(exclude, str) else list(exclude or [])
    context = [i for i in context if i not in exclude]
    include = [i for i in include if i not in context]
    exclude = [i for i in exclude if i in pool_ids or i not in ids]
    for group, what in ((include, "include"), (exclude, "exclude")):
        for i in ([group] if isinstance(group, str) else group or []):
            if i not in pool_ids:
                raise DecisionError(f"{what}: expected option ids of the candidate pool {pool_ids}, found {i!r}")
    file_funded = {ids[f.option]: (float(f.scale), int(f.start)) for f in core.funded}
    context = [i for i in context if i not in pool_ids]
    funding = [_entry(i, *file_funded[i]) for i in context] + [_entry(i, scales.get(i, 1.0), 0) for i in pool_ids]
    valuation = _with_funded(core, funding, lib, scenario)
    ov = option_values(valuation.core, pool_ids, draws=draws, seed=seed, sampler=sampler, threads=threads,
                       library=lib, client=client)
    ov.funded = [i in file_funded for i in ov.option_ids]  # funded in the input file (not: chosen)
    pool = ov.option_ids
    mv = None
    if min_value:
        mv = {}
        for name, minimum in min_value.items():
            table = ov.by_pillar.get(name, ov.by_lever.get(name))
            if table is None:
                raise DecisionError(f"min_value: expected a pillar {list(PILLARS[:3])} or a lever {list(LEVERS)}, "
                                    f"found {name!r}")
            mv[name] = (table.mean(axis=0), float(minimum))
    if objective == "cvar":
        values = ov.value
    elif objective == "npsv":
        values = ov.value.mean(axis=0) - ov.cost.mean(axis=0)
    elif objective == "weighted_npsv":
        if ov.weighted_value is None:
            raise DecisionError("objective 'weighted_npsv': expected a scenario with `people:` (distributional "
                                "weights, docs/formats/scenario.md), found none")
        values = ov.weighted_value.mean(axis=0) - ov.cost.mean(axis=0)
    else:
        values = ov.value.mean(axis=0)
    try:
        r = _select(pool, values, ov, budget, exclusive, requires, include, exclude, mv, objective, alpha, solver,
                    time_limit)
    except DecisionError as e:  # the core names constraints by index: name the options instead
        raise DecisionError(_rename_all(str(e), pool)) from None
    selected = [pool[int(i)] for i in r.selected]
    ov.selected = [i in selected for i in pool]
    funding = [_entry(i, *file_funded[i]) for i in context] + [_entry(i, scales.get(i, 1.0), 0) for i in selected]
    doc, base_file, new = _portfolio_scenario(core, funding, library=lib, scenario_obj=scenario)
    choice = PortfolioChoice(selected=selected, context=context, objective=float(r.objective), cost=float(np.sum(r.cost)),
                             binding=[_rename(b, pool) for b in r.binding], scenario=new, yaml_text="",
                             values=ov, budget=float(budget), objective_kind=objective, alpha=alpha, _doc=doc,
                             _base_file=base_file)
    choice.yaml_text = _header(choice) + yaml.safe_dump(
        ({"extends": os.path.abspath(base_file), "allow_outside": True, **doc} if base_file else doc),
        sort_keys=False)
    return choice


def _select(pool, values, ov, budget, exclusive, requires, include, exclude, mv, objective, alpha, solver,
            time_limit):
    """The MILP of the choice (socval.decision.select_portfolio) on the pool's indices."""
    return decision.select_portfolio(
        values, ov.cost.mean(axis=0), float(budget),
        exclusive=[_index(g, pool, "exclusive") for g in (exclusive or [])],
        requires=[tuple(_index(p, pool, "requires")) for p in (requires or [])],
        include=_index(include or [], pool, "include"), exclude=_index(exclude or [], pool, "exclude"),
        min_value=mv, objective="cvar" if objective == "cvar" else "mean", alpha=alpha, solver=solver,
        time_limit=time_limit)


_CONSTRAINT = re.compile(r"\b(include|exclude)\[(\d+)\]|\brequires\[(\d+)->(\d+)\]")


def _rename_all(message: str, pool: Sequence[str]) -> str:
    """A message with every include[i] / exclude[i] / requires[i->j] naming option ids (include[clinic])."""
    def named(m: "re.Match") -> str:
        if m.group(1):
            i = int(m.group(2))
            return f"{m.group(1)}[{pool[i]}]" if i < len(pool) else m.group(0)
        a, b = int(m.group(3)), int(m.group(4))
        return f"requires[{pool[a]}->{pool[b]}]" if max(a, b) < len(pool) else m.group(0)
    return _CONSTRAINT.sub(named, message)


def _portfolio_scenario(core: Any, funded: Sequence[Any], library: Any, scenario_obj: Any = None):
    """The YAML document of a scenario funding exactly `funded` (ids or {option, scale, start} entries), and the
    validated ``socval.Scenario`` (built with the Scenario API, socval.model). With a source file the document
    extends it; otherwise it is the merged document with its funded list replaced."""
    name = f"{core.meta.name} (optimised portfolio)"
    base_file = core.source_file if core.source_file and os.path.exists(core.source_file) else ""
    if base_file:
        doc = {"metadata": {"name": name}, "scenario": {"funded": funded}}
        text = yaml.safe_dump({"extends": os.path.basename(base_file), **doc}, sort_keys=False)
        base_dir = os.path.dirname(os.path.abspath(base_file))
    else:
        doc = core.document()
        doc.setdefault("metadata", {})["name"] = name
        doc.setdefault("scenario", {})["funded"] = funded
        text = yaml.safe_dump(doc, sort_keys=False)
        base_dir = getattr(scenario_obj, "_base_dir", None) or os.getcwd()
    new = scenario_from_yaml(text, name=name, base_dir=base_dir, library=library)
    return doc, base_file, new


def _with_funded(core: Any, funded: Sequence[Any], library: Any, scenario_obj: Any = None) -> Any:
    """The scenario with its funded list replaced by ``funded`` (the valuation of the pool at explicit scales)."""
    return _portfolio_scenario(core, funded, library, scenario_obj)[2]


def _entry(option: str, scale: float, start: int) -> Any:
    """A funded-list entry: the id alone at scale 1 from year 0, else {option, scale, start}."""
    if scale == 1 and start == 0:
        return option
    return {"option": option, "scale": float(scale), "start": int(start)}


def context_options(core: Any) -> list:
    """Options the scenario funds at no cost (every cost year zero and certain): context, not choices (e.g. the
    contract pipeline whose spend the local-economy indicators measure)."""
    out = []
    for f in core.funded:
        option = core.options[f.option]
        quantities = [q for c in option.costs for q in (c.capital, c.revenue)]
        if all(q.value == 0 and not q.uncertain for q in quantities):
            out.append(option.id)
    return out


def _check_scales(scales: Optional[Mapping[str, float]], pool: Sequence[str]) -> dict:
    out = {}
    for oid, scale in (scales or {}).items():
        if oid not in pool:
            raise DecisionError(f"scales: expected option ids of the candidate pool {list(pool)}, found {oid!r}")
        try:
            value = float(scale)
        except (TypeError, ValueError):
            value = float("nan")
        if not np.isfinite(value) or value <= 0:
            raise DecisionError(f"scales: {oid}: expected a number > 0, found {scale!r}")
        out[oid] = value
    return out
