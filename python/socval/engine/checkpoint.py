"""Checkpoint and resume of a simulation run (``simulate(..., checkpoint=FINAL, resume=...)``, ``socval run
--resume``): each merged part's per-draw arrays and the merged summaries go to ``FINAL.partial`` as the run goes
(:mod:`socval.io.checkpoint_file`); a resumed run restores the merge from it and computes only the blocks left, so
the finished run is bit-identical to an uninterrupted one. docs/formats/results.md, "Checkpoints".
"""
from __future__ import annotations

import os
from typing import Any, Dict, Optional

import numpy as np

from .. import _core
from ..io.checkpoint_file import CheckpointFile, partial_path, run_key

__all__ = ["Checkpoint", "DRAW_AXIS"]

#: Per-draw arrays of the core's result dict and their draw axis.
DRAW_AXIS: Dict[str, int] = {
    "pv_costs": 0, "pv_investment": 0, "pv_benefits": 0, "pv_others": 0, "npsv": 0, "bcr": 0, "sroi": 0,
    "priority_value": 1, "pillar_value": 1, "beneficiary_value": 1, "lever_value": 1, "lever_cost": 1,
    "outcome_total": 1, "outcome_pv": 1, "inputs": 1, "full_level": 0, "full_value": 0,
    "place_value": 1, "place_spend": 1, "quintile_value": 1, "decile_value": 1, "weighted_pv_benefits": 0,
    "weighted_npsv": 0, "weighted_bcr": 0, "eta": 0,
}


def _arrays(values: Dict[str, Any]) -> Dict[str, np.ndarray]:
    """The per-draw arrays a part holds (a table of no rows, e.g. no lever costs, holds nothing to record)."""
    return {k: values[k] for k in DRAW_AXIS if values.get(k) is not None and np.asarray(values[k]).size}


class Checkpoint:
    """The partial file of one run, kept in step with its merge."""

    def __init__(self, file: Optional[CheckpointFile], spec: Any, key: str, done_draws: int, final: str):
        self.file, self.spec, self.key, self.done_draws, self.final = file, spec, key, done_draws, final

    @classmethod
    def open(cls, final: Any, spec: Any, merge: Any, resume: bool) -> "Checkpoint":
        """The checkpoint of the run ``spec`` whose results go to ``final``: with ``resume``, the partial file's
        state restored into ``merge`` (ResultsFileError if there is none or it is of another run); otherwise a
        fresh partial file is created on the first part."""
        final = os.fspath(final)
        key = run_key(spec.options, spec.attrs["scenario_text"], spec.attrs["value_library_version"])
        if not resume:
            return cls(None, spec, key, 0, final)
        file, next_block, state = CheckpointFile.reopen(partial_path(final), key, DRAW_AXIS)
        try:
            done = min(next_block * merge.block_size, spec.options["draws"])
            if next_block:
                merge.restore(state)
            file.truncate(done)
        except BaseException:
            file.close()
            raise
        return cls(file, spec, key, done, final)

    def append(self, part: bytes, merge: Any) -> None:
        """Record a part just merged (its arrays, then the merge's state)."""
        pv = _core.simulation.part_values(part)
        values = _arrays(pv)
        if self.file is None:
            attrs = dict(self.spec.attrs, seed=self.spec.options["seed"], draws=self.spec.options["draws"],
                         sampler=self.spec.options["sampler"])
            self.file = CheckpointFile.create(partial_path(self.final), attrs, self.key, values, DRAW_AXIS,
                                              chunk_draws=int(pv["draws"]))
        self.file.append(values, merge.state(), merge.next_block)

    def fill(self, raw: Dict[str, Any]) -> None:
        """Put the draws done before a resume (zeros in the merged result) into ``raw`` from the partial file."""
        if not self.done_draws:
            return
        for name, axis in DRAW_AXIS.items():
            a = raw.get(name)
            if a is None or not a.size:
                continue
            index = [slice(None)] * a.ndim
            index[axis] = slice(0, self.done_draws)
            a[tuple(index)] = self.file.read(name, self.done_draws)

    def close(self, remove: bool) -> None:
        """Close the partial file; ``remove`` once the finished run is saved."""
        if self.file is not None:
            self.file.close(remove=remove)
            self.file = None
