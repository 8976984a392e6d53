"""Monte Carlo simulation of a scenario: ``socval.simulate(scenario, draws=..., seed=...)`` -> :class:`Results`.

The computation runs in C++ (``socval._core.simulation``) with the GIL released, on worker threads; the same seed
gives bit-identical results whatever the thread count. Ctrl-C (or a notebook interrupt) stops a run within about
a block of draws and raises ``KeyboardInterrupt``; nothing is kept.
"""
from __future__ import annotations

import os
import time
from typing import Any, Dict, Mapping, NamedTuple, Optional, Sequence

from .. import _core
from ..model.scenario import Scenario, load_scenario
from ..values import default_library
from .._util.paths import stored_path
from .results import Results

__all__ = ["simulate", "core_scenario", "scenario_library", "run_spec", "RunSpec"]

#: Per-draw outcome tables are kept automatically while draws x outcomes is at most this (2 x 8 bytes each).
KEEP_OUTCOMES_LIMIT = 16_000_000
#: With progress=None a bar appears once a run has lasted this many seconds.
PROGRESS_AFTER_SECONDS = 1.0


def core_scenario(scenario: Any) -> "_core.model.Scenario":
    """The validated C++ scenario (``socval._core.model.Scenario``) behind ``scenario``: a ``socval.Scenario``, a
    ``_core.model.Scenario``, or a path to a scenario file (read with the default value library)."""
    if isinstance(scenario, _core.model.Scenario):
        return scenario
    if isinstance(scenario, Scenario):
        return scenario.core
    if isinstance(scenario, (str, os.PathLike)):
        return load_scenario(scenario).core
    raise TypeError(f"expected a socval.Scenario, a scenario file path or a socval._core.model.Scenario, "
                    f"found {type(scenario).__name__}")


VALUES_MODES = ("sampled", "central", "low", "high")


def with_values(core: Any, values: Optional[str], library: Any):
    """``core`` read again with ``metadata.values`` set to ``values`` (None: unchanged)."""
    if values is None:
        return core
    if values not in VALUES_MODES:
        raise _core.SamplingError(f"simulate: values: expected one of {', '.join(VALUES_MODES)}, found {values!r}")
    if core.meta.values == values:
        return core
    from ..model.yamltext import dump_yaml, load_yaml  # YAML 1.2 numbers, as the C++ reader
    doc = load_yaml(core.source_text)
    doc.setdefault("metadata", {})["values"] = values
    base = os.path.dirname(core.source_file) if core.source_file else os.getcwd()
    name = core.source_file or core.meta.name or "scenario"
    return _core.model.read_scenario_text(dump_yaml(doc), name, base, library)


def scenario_library(scenario: Any, library: Any = None) -> "_core.values.Library":
    """The value library to use for ``scenario``: ``library`` when given, else the scenario's own, else the default."""
    if library is not None:
        return library
    if isinstance(scenario, Scenario):
        return scenario.library
    return default_library()


class _Progress:
    """progress(done, total) for the engine: a tqdm bar (notebook or terminal), shown at once (always=True) or
    only once the run has lasted PROGRESS_AFTER_SECONDS (always=False)."""

    def __init__(self, always: bool, desc: str):
        self.always, self.desc = always, desc
        self.start = time.monotonic()
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if not self.always and time.monotonic() - self.start < PROGRESS_AFTER_SECONDS:
                return
            from tqdm.auto import tqdm
            self.bar = tqdm(total=total, desc=self.desc, unit="draw", unit_scale=True, leave=False)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _check_memory(core, draws: int, keep_outcomes: bool, keep_full: bool, keep_inputs: bool, track_levers: bool,
                  keep_breakdowns: Optional[bool], place_core: Any = None) -> None:
    """Refuse up front (SamplingError with the estimate) a run whose per-draw arrays cannot fit in memory."""
    from .memory import check_run_fits, run_bytes

    breakdowns = draws <= 250_000 if keep_breakdowns is None else bool(keep_breakdowns)
    estimate = run_bytes(draws, len(core.priorities), len(core.outcomes), len(core.parameters),
                         int(core.meta.horizon), keep_outcomes=keep_outcomes, keep_full=keep_full,
                         keep_inputs=keep_inputs, track_levers=track_levers, keep_breakdowns=breakdowns,
                         n_places=len(core.place_ids), people=bool(core.has_people),
                         deciles=bool(core.has_deciles))
    if place_core is not None:  # the place perspective's run, kept beside the UK one (headline PVs only)
        estimate += run_bytes(draws, len(place_core.priorities), len(place_core.outcomes), 0,
                              int(place_core.meta.horizon), keep_outcomes=False, keep_full=False, keep_inputs=False,
                              track_levers=False, keep_breakdowns=False, n_places=len(place_core.place_ids),
                              people=bool(place_core.has_people), year_breakdowns=False,
                              deciles=bool(place_core.has_deciles))
    check_run_fits(estimate, f"simulate: {draws:,} draws", _core.SamplingError)


def simulate(scenario: Any, draws: int = 10_000, seed: int = 0, threads: Optional[int] = None,
             sampler: str = "lhs", progress: Optional[bool] = None, keep_full: bool = False,
             keep_outcomes: Optional[bool] = None, keep_inputs: bool = False, year_values: bool = False,
             track_levers: bool = True, keep_breakdowns: Optional[bool] = None,
             quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95), library: Any = None,
             values: Optional[str] = None, place: Optional[bool] = None, client: Any = None,
             part_blocks: Optional[int] = None, checkpoint: Any = None, resume: bool = False,
             given: Optional[Mapping[str, Any]] = None, keep_draws: bool = True) -> Results:
    """Monte Carlo simulation of a scenario.

    Parameters
    ----------
    scenario
        A ``socval.Scenario``, a path to a scenario file, or a ``socval._core.model.Scenario``.
    draws
        Number of draws (>= 1).
    seed
        Master seed of the random streams (keyed by parameter id: scenarios sharing a parameter share its draws).
    threads
        Worker threads; None = one per core. Results do not depend on it.
    sampler
        ``"lhs"`` (Latin hypercube, default) or ``"mc"`` (plain Monte Carlo: the first N draws of a 2N run equal an
        N run).
    progress
        None: a progress bar once the run lasts over a second; True: always; False: never.
    keep_full
        Keep the draws x years x outcomes tensors of levels and values (memory: 16 bytes per cell).
    keep_outcomes
        Keep each outcome's physical total and PV per draw; None = when draws x outcomes <= 16 million. Without
        them outcomes have streaming summaries only.
    keep_inputs
        Keep the sampled parameter values (parameters x draws), e.g. for sensitivity analysis.
    year_values
        Per-year summaries of each outcome's value too (levels, costs, benefits and net are always summarised).
    track_levers
        Value and costs by lever per draw (needed by ``Results.by_lever``).
    keep_breakdowns
        Keep value by beneficiary and cost by lever per draw; None = up to 250,000 draws (beyond, streaming
        summaries only, which keeps peak memory flat: benchmarks/simulation.md).
    quantiles
        Quantile levels of the per-year summaries.
    library
        Value library (``socval.values.Library``); default the scenario's or the default library.
    values
        Library values (WELLBY, QALY, carbon path, unit values with a range): ``"sampled"`` (shared parameters
        ``value:<id>`` drawn in every draw), or ``"central"`` / ``"low"`` / ``"high"`` (fixed at that case);
        None = the scenario's ``metadata.values`` (default ``"sampled"``). Values pinned by their own ``case`` stay
        pinned (docs/model/appraisal.md).
    place
        Also simulate the place perspective (the region) on the same draws and keep its PVs as ``place_npsv``,
        ``place_bcr``, ``place_bcr_all_costs``, ``place_sroi``, ``place_pv_benefits``, ... (docs/model/appraisal.md,
        "Perspectives"). None = when the scenario declares ``place`` overrides; True with none declared is an
        error. The headline metrics stay the UK perspective.
    client
        A ``distributed.Client``: the run goes out as parts of ``part_blocks`` blocks of draws to its workers and
        is merged here in block order, bit-identical to a local run (docs/guide/cluster.md). None: local threads.
    part_blocks
        Blocks (of 256 draws) per task on a cluster or per checkpoint; None: about 8 tasks per worker, at least 16
        blocks each (``socval.engine.distributed.part_size``).
    checkpoint
        A path: completed parts are appended to ``<checkpoint>.partial`` as the run goes, and the finished run is
        saved at ``checkpoint`` (docs/formats/results.md, "Checkpoints").
    resume
        With ``checkpoint``: continue the run its partial file holds (same scenario and options) instead of
        starting again.
    given
        Given values: ``{parameter id: values}``, one value per draw for each named parameter. In every draw these
        parameters take the given value instead of their sampled one; every other parameter is sampled as usual
        from its keyed stream, so a run whose given values are what the sampler drew is bit-identical to a plain
        run (docs/model/simulation.md, "Given values"). The posterior of ``socval.tracking.update`` is simulated
        this way. Unknown ids, a wrong number of values, NaN or a value outside its distribution's support are a
        ``SamplingError``.
    keep_draws
        Keep every per-draw value (default). False (streaming mode): the run keeps no value per draw, locally or
        on ``client`` (each part's arrays are dropped once its summaries are merged), so memory does not grow with
        the number of draws; the headline PVs and NPSV, outcomes, breakdowns and years have streaming summaries
        (``Results.summary()``; ``Results.draws`` has nothing). keep_outcomes, keep_full, keep_inputs and
        keep_breakdowns must then be off (docs/guide/cluster.md, "Streaming").

    Returns
    -------
    Results

    Raises
    ------
    socval.SamplingError, socval.ScenarioError, socval.AppraisalError
        Bad arguments, correlations, or an invalid sampled draw. ``KeyboardInterrupt`` on Ctrl-C.
    """
    if resume and checkpoint is None:
        raise _core.SamplingError("simulate: resume: expected a checkpoint path to resume from, found none")
    spec = run_spec(scenario, draws, seed, threads, sampler, keep_full, keep_outcomes, keep_inputs, year_values,
                    track_levers, keep_breakdowns, quantiles, library, values, place, given, keep_draws)

    def results(raw: Dict[str, Any], place_raw: Optional[Dict[str, Any]]) -> Results:
        if place_raw is not None:
            raw["place"] = place_raw
        return Results._from_core(raw, spec.attrs)

    if client is not None or checkpoint is not None:
        from .distributed import simulate_blocks  # layer 4, same layer: the block runner
        place_raw = _place_run(spec, client, part_blocks)  # first: the saved file holds both perspectives
        saved = []

        def save(raw: Dict[str, Any]) -> None:  # the finished run under its final name, before the partial goes
            saved.append(results(raw, place_raw))
            saved[0].save(checkpoint)

        raw = simulate_blocks(spec, client=client, progress=progress, part_blocks=part_blocks,
                              checkpoint=checkpoint, resume=resume, save=save if checkpoint is not None else None)
        return saved[0] if saved else results(raw, place_raw)
    bar = None if progress is False else _Progress(bool(progress), spec.core.meta.name or "simulate")
    try:
        raw = _core.simulation.simulate(spec.core, spec.library, progress=bar, **spec.options)
        place_raw = _place_run(spec, None, None)
    finally:
        if bar is not None:
            bar.close()
    return results(raw, place_raw)


def _given(given: Mapping[str, Any], draws: int) -> Dict[str, Any]:
    """``given_ids`` and ``given_values`` (parameters x draws, float64) of the core from {parameter id: values};
    SamplingError for a mapping that is not one of ids to one value per draw (the core checks ids, NaN, support)."""
    import numpy as np

    if not isinstance(given, Mapping):
        raise _core.SamplingError(f"simulate: given: expected a mapping of parameter id to one value per draw, "
                                  f"found {type(given).__name__}")
    ids, rows = [], []
    for pid, values in given.items():
        try:
            row = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise _core.SamplingError(f"simulate: given: parameter {pid!r}: expected {draws} numbers, found "
                                      f"{type(values).__name__}") from None
        if row.shape != (draws,):
            raise _core.SamplingError(f"simulate: given: parameter {pid!r}: expected {draws} values (one per draw), "
                                      f"found an array of shape {row.shape}")
        ids.append(str(pid))
        rows.append(row)
    return {"given_ids": ids, "given_values": np.ascontiguousarray(np.vstack(rows)) if rows else None}


class RunSpec(NamedTuple):
    """A checked simulation request: the core scenario and library, the core's options (a dict of
    ``_core.simulation.simulate`` keywords, ``draws`` and ``seed`` included) and the results' attributes."""

    core: Any
    library: Any
    options: Dict[str, Any]
    attrs: Dict[str, Any]
    place: Any = None  # the core scenario of the place perspective, or None


def _place_run(spec: RunSpec, client: Any, part_blocks: Optional[int]) -> Optional[Dict[str, Any]]:
    """The place perspective's PVs on the run's own seed, sampler and draws (so every shared parameter has the same
    draws), locally or on ``client``; None when the scenario declares no ``place`` overrides."""
    if spec.place is None:
        return None
    options = dict(spec.options, keep_outcomes=False, keep_full=False, keep_inputs=False, track_levers=False,
                   year_values=False, keep_breakdowns=False, year_breakdowns=False)
    if options.get("given_ids"):  # the given parameters the place variant has (it shares the scenario's ids)
        ids = {p.id for p in spec.place.parameters}
        keep = [k for k, i in enumerate(options["given_ids"]) if i in ids]
        options["given_ids"] = [options["given_ids"][k] for k in keep]
        options["given_values"] = options["given_values"][keep]
    streaming = not options.get("keep_draws", True)
    if client is None:
        other = _core.simulation.simulate(spec.place, spec.library, progress=None, **options)
    else:
        from .distributed import simulate_blocks
        other = simulate_blocks(spec._replace(core=spec.place, place=None, options=options), client=client,
                                progress=False, part_blocks=part_blocks)
    if streaming:  # its streaming summaries (headline_summary), no per-draw values
        return {"headline_summary": other["headline_summary"]}
    return {m: other[m] for m in ("pv_benefits", "pv_costs", "pv_investment", "pv_others")}


def run_spec(scenario: Any, draws: int = 10_000, seed: int = 0, threads: Optional[int] = None, sampler: str = "lhs",
             keep_full: bool = False, keep_outcomes: Optional[bool] = None, keep_inputs: bool = False,
             year_values: bool = False, track_levers: bool = True, keep_breakdowns: Optional[bool] = None,
             quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95), library: Any = None,
             values: Optional[str] = None, place: Optional[bool] = None,
             given: Optional[Mapping[str, Any]] = None, keep_draws: bool = True) -> RunSpec:
    """:func:`simulate`'s arguments checked (SamplingError naming the bad one) and resolved into a :class:`RunSpec`."""
    core = core_scenario(scenario)
    lib = scenario_library(scenario, library)
    core = with_values(core, values, lib)
    if isinstance(draws, bool) or int(draws) != draws or draws < 1:
        raise _core.SamplingError(f"simulate: draws: expected a whole number >= 1, found {draws!r}")
    if isinstance(seed, bool) or int(seed) != seed or seed < 0:
        raise _core.SamplingError(f"simulate: seed: expected a whole number >= 0, found {seed!r}")
    if threads is not None and (int(threads) != threads or threads < 0):
        raise _core.SamplingError(f"simulate: threads: expected None or a whole number >= 0, found {threads!r}")
    if sampler not in ("lhs", "mc", "latin_hypercube", "monte_carlo"):
        raise _core.SamplingError(f"simulate: sampler: expected 'lhs' (Latin hypercube) or 'mc' (Monte Carlo), "
                                  f"found {sampler!r}")
    n_outcomes = len(core.outcomes)
    if not isinstance(keep_draws, bool):
        raise _core.SamplingError(f"simulate: keep_draws: expected True or False, found {keep_draws!r}")
    if not keep_draws:
        kept = [n for n, v in (("keep_outcomes", keep_outcomes), ("keep_full", keep_full), ("keep_inputs", keep_inputs),
                               ("keep_breakdowns", keep_breakdowns)) if v]
        if kept:
            raise _core.SamplingError(f"simulate: keep_draws=False (streaming) keeps no value per draw: expected "
                                      f"{', '.join(kept)} off, found it on")
        keep_outcomes = keep_breakdowns = False
    if keep_outcomes is None:
        keep_outcomes = int(draws) * max(n_outcomes, 1) <= KEEP_OUTCOMES_LIMIT
    place_sc = None
    if place is None or place:
        from .perspectives import place_core
        place_sc = place_core(core, lib)
        if place and place_sc is None:
            raise _core.ScenarioError(f"simulate: place=True: expected outcomes with 'place' overrides in "
                                      f"{core.meta.name or 'the scenario'}, found none")
    if keep_draws:  # streaming runs hold nothing per draw
        _check_memory(core, int(draws), bool(keep_outcomes), bool(keep_full), bool(keep_inputs), bool(track_levers),
                      keep_breakdowns, place_sc)
    options = dict(draws=int(draws), seed=int(seed), sampler=sampler, threads=int(threads or 0),
                   keep_outcomes=bool(keep_outcomes), keep_full=bool(keep_full), keep_inputs=bool(keep_inputs),
                   track_levers=bool(track_levers), year_values=bool(year_values), keep_derived=False,
                   quantiles=[float(q) for q in quantiles], keep_breakdowns=keep_breakdowns)
    if given:
        options.update(_given(given, int(draws)))
    if not keep_draws:  # only when off: a part's options dict stays as before for ordinary runs
        options["keep_draws"] = False
    attrs = {
        "scenario_name": core.meta.name,
        "scenario_text": core.source_text,
        "scenario_file": stored_path(core.source_file),  # relative or bare name: no absolute path is disclosed
        "value_library_version": lib.version,
        "price_base_year": int(core.meta.price_base_year),
        "first_year": int(core.meta.first_year),
        "horizon": int(core.meta.horizon),
        "discount_schedule": core.meta.schedule,
    }
    if place_sc is not None:
        attrs["perspectives"] = ("headline metrics: UK perspective (Green Book default); place_* metrics: place "
                                 "perspective (the region), simulated on the same seed, sampler and draws")
    return RunSpec(core, lib, options, attrs, place_sc)
