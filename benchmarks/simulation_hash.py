"""SHA-256 over every array ``_core.simulation.simulate`` returns, one line per configuration: the check that a
change to the engine's internals leaves results bit-identical (run before and after, compare the lines).

Configurations: the 30 / 60 / 30 benchmark scenario (120,001 draws, so that the 16-bit histogram counts flush on
one thread) and tests/data/place/two_place.yaml (places and people; 20,001 draws); Monte Carlo and Latin
hypercube; 1 and 2 threads; without, then with, per-year values, per-draw outcomes and per-draw levels.
Timings are left out (they are not results). Takes about 1-3 minutes on the project's machine.

Usage: ``python benchmarks/simulation_hash.py > hashes.txt`` (set PYTHONPATH to the build to check).
"""
from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_scenario import make_scenario  # noqa: E402

import socval._core as core  # noqa: E402
from socval.values import default_library  # noqa: E402


def digest(h: Any, x: Any, key: str = "") -> None:
    """Feed x (dicts by sorted key, lists in order, arrays with dtype and shape) into the hash h."""
    if isinstance(x, dict):
        for k in sorted(x):
            if k != "timings":
                digest(h, x[k], key + "/" + k)
    elif isinstance(x, (list, tuple)):
        h.update(key.encode() + repr(type(x)).encode())
        for i, v in enumerate(x):
            digest(h, v, f"{key}[{i}]")
    elif isinstance(x, np.ndarray):
        h.update(key.encode() + str(x.dtype).encode() + str(x.shape).encode())
        h.update(np.ascontiguousarray(x).tobytes())
    else:
        h.update(key.encode() + repr(x).encode())


def main() -> None:
    lib = default_library()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(make_scenario(30, 60, 30))
        bench = core.model.read_scenario(str(path), lib)
    place = core.model.read_scenario(str(HERE.parent / "tests/data/place/two_place.yaml"), lib)
    for name, scenario, draws in (("bench", bench, 120_001), ("place", place, 20_001)):
        for sampler in ("mc", "lhs"):
            for threads in (1, 2):
                for full in (False, True):
                    r = core.simulation.simulate(scenario, lib, draws=draws, seed=7, sampler=sampler,
                                                 threads=threads, keep_outcomes=full, year_values=full,
                                                 keep_full=full, progress=None)
                    h = hashlib.sha256()
                    digest(h, r)
                    print(f"{name} {sampler} threads={threads} full={full}: {h.hexdigest()}", flush=True)


if __name__ == "__main__":
    main()
