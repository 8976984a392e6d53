"""The partial file of a checkpointed run: ``FINAL.h5.partial`` (docs/formats/results.md, "Checkpoints").

An HDF5 file marked by the root attribute ``incomplete = 1`` (so no reader takes it for a results file: the core's
reader refuses it saying how to resume), holding the per-draw arrays of the blocks done so far as chunked datasets
that grow along the draw axis, the merged streaming summaries (``checkpoint/state``, opaque bytes of the core) and
the next block (``checkpoint/next_block``), written in that order and flushed after each part, so a run killed
between two parts leaves a file that resumes from the last part. The file is opened in place (it is the
checkpoint, not a temporary file); the finished run is saved as a normal results file and this file is removed.
This module uses h5py (Debian's, on the same HDF5 library as the core) because it must reopen and extend a file.
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Mapping, Optional, Tuple

import numpy as np

from .._core import ResultsFileError

__all__ = ["PARTIAL_SUFFIX", "partial_path", "CheckpointFile"]

#: The partial file of a run saved at FINAL is FINAL + this suffix.
PARTIAL_SUFFIX = ".partial"


def partial_path(final: Any) -> str:
    """The partial file of a run whose results go to ``final``."""
    return os.fspath(final) + PARTIAL_SUFFIX


def _fail(path: str, message: str) -> ResultsFileError:
    return ResultsFileError(f"checkpoint file '{path}': {message}")


class CheckpointFile:
    """A partial file open for appending: :meth:`create` a new one or :meth:`reopen` one to resume."""

    def __init__(self, path: str, h5: Any, draw_axis: Dict[str, int]):
        self.path, self._h5, self._axis = path, h5, draw_axis

    @classmethod
    def create(cls, path: str, attrs: Mapping[str, Any], run_key: str, arrays: Mapping[str, np.ndarray],
               draw_axis: Mapping[str, int], chunk_draws: int) -> "CheckpointFile":
        """A new partial file (an existing one at ``path`` is replaced): root attributes ``attrs``, ``incomplete``
        and ``run_key`` (what must match to resume), one empty growing dataset per array of ``arrays`` (a part's
        arrays: their shape but along ``draw_axis[name]``)."""
        import h5py

        try:
            h5 = h5py.File(path, "w")
        except OSError as e:
            raise _fail(path, f"cannot create it: {e}") from e
        try:
            h5.attrs["incomplete"] = np.int64(1)
            h5.attrs["run_key"] = run_key
            for k, v in attrs.items():
                if isinstance(v, (str, int, float)):
                    h5.attrs[k] = v
            g = h5.create_group("draws")
            for name, a in arrays.items():
                axis = draw_axis[name]
                shape = list(a.shape)
                shape[axis] = 0
                maxshape = list(a.shape)
                maxshape[axis] = None
                chunks = list(a.shape)
                cells = int(np.prod([n for i, n in enumerate(a.shape) if i != axis]))  # values per draw
                chunks[axis] = max(1, min(chunk_draws, (1 << 17) // max(1, cells)))  # at most 1 MB a chunk
                g.create_dataset(name, shape=tuple(shape), maxshape=tuple(maxshape), chunks=tuple(chunks),
                                 dtype="f8")
            c = h5.create_group("checkpoint")
            c.create_dataset("next_block", data=np.int64(0))
            h5.flush()
        except BaseException:
            h5.close()
            raise
        return cls(path, h5, dict(draw_axis))

    @classmethod
    def reopen(cls, path: str, run_key: str, draw_axis: Mapping[str, int]) -> Tuple["CheckpointFile", int, bytes]:
        """The partial file at ``path`` opened to resume: (file, next block, merged state). ResultsFileError if it
        is missing, unreadable or of another run."""
        import h5py

        if not os.path.exists(path):
            raise _fail(path, "does not exist: there is no interrupted run to resume (run without resume to start)")
        try:
            h5 = h5py.File(path, "r+")
        except OSError as e:
            raise _fail(path, f"cannot be opened to resume ({e}); it was damaged while being written: delete it "
                              f"and run again without resume") from e
        try:
            if int(h5.attrs.get("incomplete", 0)) != 1 or "checkpoint/next_block" not in h5:
                raise _fail(path, "is not the partial file of a checkpointed run")
            key = h5.attrs.get("run_key")
            if key != run_key:
                raise _fail(path, "is the partial file of another run (different scenario, seed, draws or options): "
                                  "resume with the same scenario and options, or delete it to start again")
            next_block = int(h5["checkpoint/next_block"][()])
            state = bytes(np.asarray(h5["checkpoint/state"][()], dtype=np.uint8).tobytes()) if next_block else b""
        except BaseException:
            h5.close()
            raise
        return cls(path, h5, dict(draw_axis)), next_block, state

    def draws(self, name: str) -> int:
        d = self._h5["draws"][name]
        return int(d.shape[self._axis[name]])

    def truncate(self, draws: int) -> None:
        """Drop rows past ``draws`` (a part appended but not recorded as done when the run was killed)."""
        for name, d in self._h5["draws"].items():
            axis = self._axis[name]
            if d.shape[axis] > draws:
                d.resize(draws, axis=axis)

    def append(self, arrays: Mapping[str, np.ndarray], state: bytes, next_block: int) -> None:
        """Append a part's arrays, then record the merged ``state`` and ``next_block``, then flush."""
        g = self._h5["draws"]
        for name, a in arrays.items():
            d = g[name]
            axis = self._axis[name]
            n0 = d.shape[axis]
            d.resize(n0 + a.shape[axis], axis=axis)
            index = [slice(None)] * a.ndim
            index[axis] = slice(n0, n0 + a.shape[axis])
            d[tuple(index)] = a
        c = self._h5["checkpoint"]
        buf = np.frombuffer(state, dtype=np.uint8)
        if "state" in c and c["state"].shape != buf.shape:
            del c["state"]
        if "state" not in c:
            c.create_dataset("state", data=buf)
        else:
            c["state"][...] = buf
        c["next_block"][()] = np.int64(next_block)
        self._h5.flush()

    def read(self, name: str, draws: int) -> np.ndarray:
        """The first ``draws`` draws of array ``name``."""
        d = self._h5["draws"][name]
        index = [slice(None)] * d.ndim
        index[self._axis[name]] = slice(0, draws)
        return d[tuple(index)]

    def close(self, remove: bool = False) -> None:
        self._h5.close()
        if remove:
            os.unlink(self.path)


def run_key(options: Mapping[str, Any], scenario_text: str, library_version: str) -> str:
    """What a resumed run must share with the interrupted one: options, scenario text, value-library version."""
    import hashlib

    keep = {k: v for k, v in options.items() if k != "threads"}
    if keep.get("given_values") is not None:  # given values (an array): their digest
        keep["given_values"] = hashlib.sha256(memoryview(keep["given_values"]).tobytes()).hexdigest()
    digest = hashlib.sha256(scenario_text.encode()).hexdigest()
    return json.dumps({"options": keep, "scenario_sha256": digest, "library": library_version}, sort_keys=True)
