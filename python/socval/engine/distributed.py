"""Simulation in parts: on a Dask cluster (``client=``) or locally with checkpoints, bit-identical to one run.

A run of N draws is cut into blocks of 256 draws (``docs/model/simulation.md``); a *part* is a range of blocks,
simulated anywhere by ``_core.simulation.simulate_part`` (keyed random streams make a block's draws the same
wherever it is computed) and merged here in block order by ``_core.simulation.Merge``, so every per-draw value and
every summary is bit-identical to :func:`socval.simulate` with the same seed, whatever the number of workers and
whichever worker computed which part (docs/model/engine.md, "Blocks and parts").

The scenario goes to the workers as its merged document (YAML text), its base folder and the value library's
folder, and is rebuilt there once per worker process. Workers need socval installed and, for a custom value
library or scenario files that ``include`` others, the same paths (a shared file system): docs/guide/cluster.md.
"""
from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from .. import _core

__all__ = ["ClusterError", "part_size", "scenario_payload", "rebuild_scenario", "simulate_part", "map_tasks",
           "simulate_blocks", "connect", "scheduler_client", "evaluate_rows", "evaluate_design", "option_values_part",
           "option_values"]

#: Seconds a run waits for a lost scheduler connection to come back before it gives up (ClusterError).
SCHEDULER_GRACE_SECONDS = 10.0
#: Tasks in flight per worker: enough to keep every worker busy while parts come back in order, few enough that
#: parts waiting to be merged stay bounded (memory on the client does not grow with the number of draws).
TASKS_PER_WORKER = 3
#: Most blocks per part of a streaming run (keep_draws=False) unless part_blocks says otherwise: a part carries each
#: of its blocks' moments (2 x 8 bytes per series and block, merged on the client in block order), so capping its
#: blocks keeps the parts waiting on the client, and so its memory, independent of the number of draws.
STREAMING_PART_BLOCKS = 64


class ClusterError(_core.SocvalError):
    """The Dask cluster failed the run: the scheduler is unreachable or went away, or a task kept failing.
    Nothing is kept (no results file is written)."""


def part_size(blocks: int, workers: int) -> int:
    """Blocks per task for a run of ``blocks`` blocks on ``workers`` workers: about 8 tasks per worker (so a lost
    worker costs little and the load balances), at least 16 blocks (4,096 draws) each: below that the per-task
    overhead dominates (benchmarks/distributed.md)."""
    return max(16, -(-blocks // (8 * max(1, workers))))


def scenario_payload(core: Any, library: Any) -> Dict[str, str]:
    """What a worker needs to rebuild ``core``: its merged document as YAML, name, base folder, library folder."""
    from ..model.yamltext import dump_yaml

    base = os.path.dirname(os.path.abspath(core.source_file)) if core.source_file else os.getcwd()
    return {"text": dump_yaml(core.document()), "name": core.source_file or core.meta.name or "scenario",
            "base_dir": base, "library_dir": os.path.abspath(library.directory)}


@functools.lru_cache(maxsize=8)
def _rebuilt(text: str, name: str, base_dir: str, library_dir: str) -> Tuple[Any, Any]:
    from ..values import load_library

    library = load_library(library_dir)
    return _core.model.read_scenario_text(text, name, base_dir, library), library


def rebuild_scenario(payload: Dict[str, str]) -> Tuple[Any, Any]:
    """The core scenario and library from :func:`scenario_payload` (read once per process)."""
    return _rebuilt(payload["text"], payload["name"], payload["base_dir"], payload["library_dir"])


def simulate_part(payload: Dict[str, str], options: Dict[str, Any], first_block: int, blocks: int) -> bytes:
    """A worker's task: blocks [first_block, first_block + blocks) of the run ``options`` defines, as bytes."""
    core, library = rebuild_scenario(payload)
    return _core.simulation.simulate_part(core, library, dict(options, threads=1), first_block, blocks)


@functools.lru_cache(maxsize=8)
def _design_model(text: str, name: str, base_dir: str, library_dir: str) -> Any:
    core, library = _rebuilt(text, name, base_dir, library_dir)
    return _core.analysis.DesignModel(core, library)


def evaluate_rows(payloads: Sequence[Dict[str, str]], ids: Sequence[str], design: Any, input: str,
                  output: str) -> Any:
    """A worker's task: rows of a design evaluated by the engine (one scenario, or the difference of two)."""
    models = [_design_model(p["text"], p["name"], p["base_dir"], p["library_dir"]) for p in payloads]
    if len(models) == 1:
        return _core.analysis.evaluate_design(models[0], list(ids), design, input=input, output=output, threads=1)
    return _core.analysis.evaluate_design_difference(models[0], models[1], list(ids), design, input=input,
                                                     output=output, threads=1)


def evaluate_design(client: Any, payloads: Sequence[Dict[str, str]], ids: Sequence[str], design: Any, input: str,
                    output: str, rows_per_task: Optional[int] = None) -> Any:
    """The engine's values of every row of ``design`` computed on the cluster in blocks of rows and joined in row
    order: each row is evaluated on its own (its own lane of the Evaluator), so the result is the local one, bit for
    bit. Blocks of ``rows_per_task`` rows (None: about 4 tasks per worker, at least 256 rows)."""
    import numpy as np

    design = np.ascontiguousarray(design, dtype=float)
    rows = design.shape[0]
    if rows_per_task is None:
        rows_per_task = max(256, -(-rows // (4 * _workers(client))))
    starts = list(range(0, rows, int(rows_per_task)))
    args = [(list(payloads), list(ids), design[a:a + int(rows_per_task)], input, output) for a in starts]
    return np.concatenate(list(map_tasks(client, evaluate_rows, args, "design"))) if args else np.empty(0)


def option_values_part(payload: Dict[str, str], options: Dict[str, Any], first_draw: int, count: int) -> Dict[str, Any]:
    """A worker's task: draws [first_draw, first_draw + count) of the option values ``options`` define."""
    core, library = rebuild_scenario(payload)
    return _core.analysis.option_values(core, library, **dict(options, threads=1), first_draw=first_draw, count=count)


def option_value_tables(part: Dict[str, Any]) -> Dict[str, int]:
    """The per-draw tables of a ``_core.analysis.option_values`` dict and their draw axis: every table is (draws x
    options), or stacked (rows x draws x options), so the draw axis is the second last (any table added later is
    joined too)."""
    import numpy as np

    return {k: v.ndim - 2 for k, v in part.items() if isinstance(v, np.ndarray) and v.ndim >= 2}


def option_values(client: Any, core: Any, library: Any, options: Dict[str, Any],
                  part_draws: Optional[int] = None) -> Dict[str, Any]:
    """``_core.analysis.option_values(core, library, **options)`` computed on the cluster in parts of
    ``part_draws`` draws (None: about 4 tasks per worker, at least 1,024 draws) and joined in draw order: each
    draw is sampled on its keyed streams and evaluated on its own, so the result is the local one, bit for bit.
    Client memory: the joined tables (what the portfolio choice needs) and a bounded window of parts."""
    import numpy as np

    draws = int(options["draws"])
    if part_draws is None:
        part_draws = max(1024, -(-draws // (4 * _workers(client))))
    if isinstance(part_draws, bool) or int(part_draws) != part_draws or part_draws < 1:
        raise _core.SamplingError(f"option values: part_draws: expected a whole number >= 1, found {part_draws!r}")
    payload = scenario_payload(core, library)
    args = [(payload, options, a, min(int(part_draws), draws - a)) for a in range(0, draws, int(part_draws))]
    parts: Dict[str, List[Any]] = {}
    out: Dict[str, Any] = {}
    axes: Dict[str, int] = {}
    for part in map_tasks(client, option_values_part, args, "option_values"):
        if not out:
            axes = option_value_tables(part)
            out = {k: v for k, v in part.items() if k not in axes}
            parts = {k: [] for k in axes}
        for k in axes:
            parts[k].append(part[k])
    out.update({k: np.concatenate(parts[k], axis=axes[k]) for k in axes})
    out["draws"] = draws
    return out


def _check_client(client: Any) -> None:
    status = getattr(client, "status", None)
    if status is None or not hasattr(client, "submit"):
        raise TypeError(f"client: expected a distributed.Client, found {type(client).__name__}")
    if status != "running":
        raise ClusterError(f"the Dask client is {status}, not running: its scheduler "
                           f"({getattr(client, 'scheduler', None) and client.scheduler.address}) is gone; "
                           f"nothing was computed")


def _workers(client: Any) -> int:
    try:
        return max(1, len(client.scheduler_info().get("workers", {})))
    except Exception as e:  # the scheduler is unreachable
        raise ClusterError(f"cannot reach the Dask scheduler: {e}") from e


def map_tasks(client: Any, fn: Callable[..., Any], args: Sequence[Tuple[Any, ...]], name: str,
              grace: Optional[float] = None, stats: Optional[Dict[str, int]] = None) -> Iterator[Any]:
    """``fn(*a)`` for each ``a`` of ``args`` on the cluster, yielded in the order of ``args`` (a window of tasks in
    flight, each result released once yielded). A worker lost mid-task has its tasks rerun elsewhere by the
    scheduler; the scheduler lost for ``grace`` seconds (default SCHEDULER_GRACE_SECONDS) raises :class:`ClusterError`, as does a task error other
    than socval's own (those are raised as they are).

    Memory on the client is bounded whatever the number of tasks: tasks in flight plus results held on the client
    (finished out of order, waiting for their turn) are at most ``window`` (TASKS_PER_WORKER per worker + 1).
    ``stats`` (a dict) receives ``tasks``, ``window``, ``max_in_flight`` and ``max_held`` (results on the client
    not yet yielded, the most at once)."""
    _check_client(client)
    grace = SCHEDULER_GRACE_SECONDS if grace is None else grace
    window = TASKS_PER_WORKER * _workers(client) + 1
    if stats is not None:
        stats.update(tasks=len(args), window=window, max_in_flight=0, max_held=0)
    token = f"{name}-{os.getpid()}-{time.monotonic_ns()}"
    pending: List[Tuple[int, Any, threading.Event]] = []  # tasks in flight, in order
    ready: Dict[int, Any] = {}  # results on the client, finished out of order, waiting for their turn
    nxt = 0

    def submit_more() -> None:
        nonlocal nxt
        while nxt < len(args) and len(pending) + len(ready) < window:
            # A unique key per task of this run: the scheduler reruns a lost task under the same key.
            fut = client.submit(fn, *args[nxt], key=f"{token}-{nxt}", pure=False, retries=0)
            done = threading.Event()
            fut.add_done_callback(lambda _f, done=done: done.set())
            pending.append((nxt, fut, done))
            nxt += 1
        if stats is not None:
            stats["max_in_flight"] = max(stats["max_in_flight"], len(pending))

    def fetch(i: int, fut: Any) -> Any:
        try:
            value = fut.result()
        except (_core.SamplingError, _core.ScenarioError, _core.AppraisalError, _core.DecisionError):
            raise
        except Exception as e:  # KilledWorker, lost connection, a worker's own failure
            raise ClusterError(f"{name}: task {i} of {len(args)} failed on the cluster: "
                               f"{type(e).__name__}: {e}") from e
        fut.release()
        return value

    try:
        submit_more()
        for turn in range(len(args)):
            if turn not in ready:  # wait for it (the head of the tasks in flight)
                i, fut, done = pending[0]
                lost_since = None
                while not done.wait(0.5):
                    if client.status != "running":
                        lost_since = lost_since or time.monotonic()
                        if time.monotonic() - lost_since > grace:
                            raise ClusterError(f"{name}: lost the Dask scheduler ({client.status} for {grace:g} s) "
                                               f"after {turn} of {len(args)} tasks; nothing was kept")
                    else:
                        lost_since = None
                if fut.status == "cancelled":
                    raise ClusterError(f"{name}: the Dask scheduler cancelled task {i} of {len(args)} "
                                       f"(scheduler gone or restarted); nothing was kept")
                ready[i] = fetch(i, fut)
                pending.pop(0)
            # Tasks finished meanwhile come to the client now (their workers' memory is freed); bounded by window.
            for i, fut, done in [p for p in pending if p[2].is_set() and p[1].status == "finished"]:
                ready[i] = fetch(i, fut)
            pending[:] = [p for p in pending if p[0] not in ready]
            if stats is not None:
                stats["max_held"] = max(stats["max_held"], len(ready))
            value = ready.pop(turn)
            submit_more()
            yield value
    finally:
        ready.clear()
        # Tasks not needed any more; with the scheduler gone there is nobody to tell (a cancel would wait for it).
        if pending and client.status == "running":
            try:
                client.cancel([f for _, f, _ in pending])
            except Exception:  # the scheduler left meanwhile
                pass


def connect(address: str, timeout: float = 10.0) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address`` (``tcp://host:8786``); ClusterError if it cannot be
    reached within ``timeout`` seconds."""
    from distributed import Client

    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except Exception as e:  # OSError / TimeoutError from the connection attempt
        raise ClusterError(f"cannot connect to the Dask scheduler at {address} within {timeout:g} s: "
                           f"{type(e).__name__}: {e}") from e


@contextlib.contextmanager
def scheduler_client(address: Optional[str]) -> Iterator[Any]:
    """A client of the scheduler at ``address`` for the duration of a command (None: yields None, local run)."""
    if not address:
        yield None
        return
    client = connect(address)
    try:
        yield client
    finally:
        client.close(timeout=5)  # bounded: a scheduler that went away does not answer


def _parts(blocks: int, first: int, per_part: int) -> List[Tuple[int, int]]:
    return [(b, min(per_part, blocks - b)) for b in range(first, blocks, per_part)]


def simulate_blocks(spec: Any, client: Any = None, progress: Optional[bool] = None, part_blocks: Optional[int] = None,
                    checkpoint: Any = None, resume: bool = False,
                    save: Optional[Callable[[Dict[str, Any]], None]] = None,
                    stats: Optional[Dict[str, int]] = None) -> Dict[str, Any]:
    """The core's result dict of the run ``spec`` (:func:`socval.engine.simulation.run_spec`), computed in parts on
    ``client``'s workers (or locally, one part after another, when ``client`` is None) and merged in block order.
    With ``checkpoint`` (the final path), each merged part is recorded in its partial file first
    (:mod:`socval.engine.checkpoint`), ``save(raw)`` is called at the end and the partial file removed after it;
    on an error or interruption the partial file stays, to resume. With ``options["keep_draws"]`` False (streaming)
    each part brings only its summaries, merged and dropped: client memory does not grow with the draws.
    ``stats`` (a dict): :func:`map_tasks`'s counts on a cluster."""
    options = dict(spec.options)
    merge = _core.simulation.Merge(spec.core, spec.library, options)
    blocks = merge.blocks
    if client is not None:
        _check_client(client)
    workers = _workers(client) if client is not None else 1
    per_part = int(part_blocks) if part_blocks is not None else part_size(blocks, workers)
    if part_blocks is None and not options.get("keep_draws", True):
        per_part = min(per_part, STREAMING_PART_BLOCKS)
    if per_part < 1:
        raise _core.SamplingError(f"simulate: part_blocks: expected a whole number >= 1, found {part_blocks!r}")
    store = None
    if checkpoint is not None:
        from .checkpoint import Checkpoint
        store = Checkpoint.open(checkpoint, spec, merge, resume=resume)
    from .simulation import _Progress

    bar = None if progress is False else _Progress(bool(progress), spec.core.meta.name or "simulate")
    done = False
    try:
        ranges = _parts(blocks, merge.next_block, per_part)
        if client is None:
            results: Any = (_core.simulation.simulate_part(spec.core, spec.library, options, a, n) for a, n in ranges)
        else:
            payload = scenario_payload(spec.core, spec.library)
            results = map_tasks(client, simulate_part, [(payload, options, a, n) for a, n in ranges], "simulate",
                                stats=stats)
        block = merge.block_size
        for (first, n), part in zip(ranges, results):
            merge.add(part)
            if store is not None:
                store.append(part, merge)
            if bar is not None:
                bar(min((first + n) * block, options["draws"]), options["draws"])
        raw = merge.finish()
        if store is not None:
            store.fill(raw)
        if save is not None:
            save(raw)
        done = True
    finally:
        if bar is not None:
            bar.close()
        if store is not None:
            store.close(remove=done)
    return raw
