"""Many scenarios on common random numbers: ``socval.sweep(scenarios, draws=..., seed=...)`` -> :class:`Sweep`.

Every scenario is simulated with the same seed, sampler and draws (locally, or in parts on a Dask cluster with
``client=``), so a parameter they share takes the same value in each draw and differences from the first scenario
(the base) are paired. Scenarios may come from a generator (e.g. edits of a base scenario): each is simulated and
only its headline metrics kept, so a sweep of thousands of scenarios needs scenarios x metrics x draws x 8 bytes.
The result is one tidy table (a row per scenario and metric) and, with ``out=``, one HDF5 results file
(docs/formats/results.md, "Sweeps"). With ``keep_draws=False`` each scenario's run is streaming: the sweep keeps
each metric's streaming summary only (scenarios x metrics x 6 numbers, whatever the draws) and its table has no
column that needs the paired draws (docs/guide/cluster.md, "Streaming sweeps and comparisons").
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence

import numpy as np
import pandas as pd

from .. import _core
from ..io import results_file
from .comparison import LOWER_IS_BETTER, unique_names
from .results import PLACE_PREFIX, STREAMED_HEADLINE
from .simulation import core_scenario, scenario_library, simulate

__all__ = ["Sweep", "sweep", "SWEEP_COLUMNS"]

#: Columns of :attr:`Sweep.table` after its index (scenario, metric).
SWEEP_COLUMNS = ("mean", "sd", "p5", "p50", "p95", "P(> 0)", "difference from base", "P(better than base)")
#: Their variable names in a sweep file (group ``table``).
STORED_COLUMNS = ("mean", "sd", "p5", "p50", "p95", "p_positive", "difference", "p_better")
#: A streaming sweep's summary of each scenario and metric (its ``summaries`` last axis), from ``Results.summary()``.
SUMMARY_STATS = ("mean", "sd", "p5", "p50", "p95", "P(>0)")
#: Columns a streaming sweep (keep_draws=False) cannot give, and why: they need each draw of two scenarios together.
PAIRED_COLUMNS = {"P(better than base)": "it counts the draws in which a scenario beats the base, so it needs both "
                                         "scenarios' values of each draw"}
#: Default metrics: kept per draw, or (keep_draws=False) those a streaming run summarises (BCR is a ratio per draw).
DEFAULT_METRICS = ("npsv", "bcr", "pv_benefits", "pv_costs")
STREAMED_METRICS = ("npsv", "pv_benefits", "pv_costs")


@dataclass
class Sweep:
    """Scenarios simulated on common random numbers.

    Attributes
    ----------
    names : list of str
        One name per scenario, in sweep order; the first is the base.
    metrics : tuple of str
        The metrics kept.
    values : numpy.ndarray or None
        (scenario, metric, draw) draws of each metric; None for a streaming sweep (``keep_draws=False``).
    attrs : dict
        Seed, draws, sampler, value-library version, the scenarios' texts.
    summaries : numpy.ndarray or None
        A streaming sweep's (scenario, metric, stat) streaming summaries, stats :data:`SUMMARY_STATS`; else None.
    """

    names: List[str]
    metrics: tuple
    values: Optional[np.ndarray]
    attrs: Dict[str, Any] = field(default_factory=dict)
    summaries: Optional[np.ndarray] = None

    @property
    def streaming(self) -> bool:
        """True for a sweep of streaming runs (``keep_draws=False``): summaries only, no value per draw."""
        return self.values is None

    @property
    def table(self) -> pd.DataFrame:
        """Tidy table, index (scenario, metric): mean, sd, p5, p50, p95, P(> 0) over the draws; the paired mean
        difference from the base scenario and P(better than base) (draw by draw, strictly; lower is better for
        costs). NaN draws (e.g. BCR with no cost) are left out of that metric's figures.

        A streaming sweep's table comes from each run's streaming summaries (exact mean, sd and P(> 0), histogram
        quantiles); its difference from the base is the difference of the means (the mean of the paired
        difference, to rounding), and it has no P(better than base) column: that needs each draw of both
        scenarios, which streaming runs do not keep."""
        if self.streaming:
            return self._streamed_table()
        rows = []
        for j, m in enumerate(self.metrics):
            base = self.values[0, j]
            sign = -1.0 if m in LOWER_IS_BETTER else 1.0
            for i, name in enumerate(self.names):
                x = self.values[i, j]
                keep = ~np.isnan(x)
                xs = x[keep]
                pair = keep & ~np.isnan(base)
                d = x[pair] - base[pair]
                q = np.quantile(xs, [0.05, 0.5, 0.95]) if xs.size else (np.nan,) * 3
                rows.append((name, m, float(xs.mean()) if xs.size else np.nan,
                             float(xs.std(ddof=1)) if xs.size > 1 else np.nan, *map(float, q),
                             float((xs > 0).mean()) if xs.size else np.nan,
                             float(d.mean()) if d.size else np.nan,
                             float((sign * d > 0).mean()) if d.size else np.nan))
        table = pd.DataFrame(rows, columns=("scenario", "metric") + SWEEP_COLUMNS)
        return table.set_index(["scenario", "metric"])

    def _streamed_table(self) -> pd.DataFrame:
        s = self.summaries
        rows = []
        for j, m in enumerate(self.metrics):
            for i, name in enumerate(self.names):
                rows.append((name, m, *map(float, s[i, j]), float(s[i, j, 0] - s[0, j, 0])))
        table = pd.DataFrame(rows, columns=("scenario", "metric") + SWEEP_COLUMNS[:-1])
        return table.set_index(["scenario", "metric"])

    def draws(self, scenario: str, metric: str = "npsv") -> np.ndarray:
        """The draws of one metric of one scenario (SamplingError for a streaming sweep: it keeps none)."""
        if self.streaming:
            raise _core.SamplingError(f"sweep: draws of {scenario!r} ({metric}): this sweep is streaming "
                                      f"(keep_draws=False) and keeps no value per draw; its summaries are in .table")
        return self.values[self.names.index(scenario), self.metrics.index(metric)]

    def save(self, path: Any) -> None:
        """One HDF5 results file (written to a temporary file, renamed when complete): ``values`` over
        (scenario, metric, draw) and each column of :attr:`table` over (scenario, metric); a streaming sweep has
        no ``values`` and no ``p_better`` (root attribute ``streaming = 1``)."""
        table = self.table
        variables: Dict[str, Any] = {}
        if not self.streaming:
            variables["values"] = (("scenario", "metric", "draw"), self.values,
                                   {"long_name": "draws of each metric of each scenario"})
        for c, stored in zip(SWEEP_COLUMNS, STORED_COLUMNS):
            if c not in table.columns:  # a streaming sweep's paired columns
                continue
            variables[f"table/{stored}"] = (("scenario", "metric"),
                                            table[c].to_numpy().reshape(len(self.metrics), len(self.names)).T,
                                            {"long_name": c})
        coords = {"scenario": np.array(self.names), "metric": np.array(list(self.metrics))}
        results_file.write(path, variables, coords, self.attrs)


def _items(scenarios: Any) -> Iterable[Any]:
    if isinstance(scenarios, dict):
        return scenarios.items()
    if isinstance(scenarios, (str, os.PathLike)):
        raise TypeError("sweep: scenarios: expected several scenarios (a list, dict or generator), found one path")
    return scenarios


def sweep(scenarios: Any, draws: int = 10_000, seed: int = 0, sampler: str = "lhs",
          metrics: Optional[Sequence[str]] = None, client: Any = None,
          progress: Optional[bool] = None, out: Any = None, part_blocks: Optional[int] = None,
          threads: Optional[int] = None, keep_draws: bool = True, **simulate_kwargs: Any) -> Sweep:
    """Simulate many scenarios on common random numbers.

    Parameters
    ----------
    scenarios
        A list or generator of scenarios (``socval.Scenario`` or scenario file paths), of ``(name, scenario)``
        pairs, or a dict name -> scenario. The first is the base the differences are taken from.
    draws, seed, sampler, threads
        As in :func:`socval.simulate`; the same for every scenario (that is what pairs the draws).
    metrics
        Metrics kept per draw (``Results.draws`` names); None: npsv, bcr, pv_benefits, pv_costs (streaming: npsv,
        pv_benefits, pv_costs).
    client
        A ``distributed.Client``: each scenario is simulated in parts on its workers (bit-identical to local).
    progress
        A bar over the scenarios: None once the sweep lasts over a second; True always; False never.
    out
        Write the sweep to this HDF5 file as well.
    keep_draws
        False: each scenario's run is streaming (``simulate(..., keep_draws=False)``): the sweep keeps each
        metric's streaming summary only, so memory (on the client, with ``client=``) does not grow with the
        draws. Metrics must then be headline PVs or NPSV (``npsv``, ``pv_benefits``, ``pv_costs``,
        ``pv_investment``, ``pv_others``, ``place_`` of each); the table has no P(better than base).
    **simulate_kwargs
        Passed to :func:`socval.simulate`.

    Raises
    ------
    socval.SamplingError
        No scenarios, or a metric a scenario does not have (KeyError from Results.draws names the metric); with
        keep_draws=False, a metric streaming runs do not summarise (e.g. bcr).
    """
    from tqdm.auto import tqdm

    if not isinstance(keep_draws, bool):
        raise _core.SamplingError(f"sweep: keep_draws: expected True or False, found {keep_draws!r}")
    metrics = tuple(metrics) if metrics is not None else DEFAULT_METRICS if keep_draws else STREAMED_METRICS
    if not keep_draws:
        streamed = STREAMED_HEADLINE + tuple(PLACE_PREFIX + m for m in STREAMED_HEADLINE)
        for m in metrics:
            if m not in streamed:
                raise _core.SamplingError(
                    f"sweep: metrics: {m!r} has no streaming summary: a streaming sweep (keep_draws=False) keeps "
                    f"none of each draw's values, so it can summarise only {', '.join(STREAMED_HEADLINE)} (and "
                    f"place_ of each); ratios such as bcr need each draw's PVs: use keep_draws=True")
    names: List[str] = []
    rows: List[np.ndarray] = []
    texts: List[str] = []
    library_version = None
    items = _items(scenarios)
    bar = None if progress is False else tqdm(desc="sweep", unit="scenario", leave=False,
                                              delay=0 if progress else 1.0)
    try:
        for i, item in enumerate(items):
            name, sc = item if isinstance(item, tuple) else (None, item)
            core = core_scenario(sc)
            res = simulate(sc, draws=draws, seed=seed, sampler=sampler, threads=threads, progress=False,
                           client=client, part_blocks=part_blocks, library=scenario_library(sc),
                           keep_outcomes=False, keep_draws=keep_draws, **simulate_kwargs)
            if keep_draws:
                rows.append(np.stack([np.asarray(res.draws(m), dtype=float) for m in metrics]))
            else:  # the streaming summaries, in SUMMARY_STATS order (a missing place_ metric: KeyError naming it)
                summary = res.summary()
                missing = [m for m in metrics if m not in summary.index]
                if missing:
                    raise KeyError(f"{missing[0]}: not in the streaming run of "
                                   f"{name or core.meta.name or f'scenario {i + 1}'} (no place perspective?)")
                rows.append(summary.loc[list(metrics), list(SUMMARY_STATS)].to_numpy(dtype=float))
            names.append(name or core.meta.name or f"scenario {i + 1}")
            texts.append(res.attrs["scenario_text"])
            library_version = library_version or res.attrs["value_library_version"]
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    if not rows:
        raise _core.SamplingError("sweep: scenarios: expected at least one scenario, found none")
    attrs = {"seed": int(seed), "draws": int(draws), "sampler": sampler,
             "scenario_text": "\n---\n".join(texts), "value_library_version": library_version,
             "kind": "sweep", "base_scenario": unique_names(names)[0]}
    if keep_draws:
        result = Sweep(unique_names(names), metrics, np.stack(rows), attrs)
    else:
        attrs["streaming"] = 1
        result = Sweep(unique_names(names), metrics, None, attrs, summaries=np.stack(rows))
    if out is not None:
        result.save(out)
    return result
