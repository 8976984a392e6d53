"""Checkpoint and resume: a `socval run --checkpoint` process killed with SIGKILL leaves OUT.partial, which no
reader takes for results; `socval run --resume` finishes it, bit-identical to an uninterrupted run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import socval as sv
from socval.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "example.yaml"
DRAWS = 5000  # 20 blocks of 256 draws, the last partial (136); parts of 2 blocks


def same_files(a: Path, b: Path) -> None:
    """Two results files hold the same arrays, bit for bit."""
    va, _, _ = sv.io.results_file.read(a)
    vb, _, _ = sv.io.results_file.read(b)
    assert sorted(va) == sorted(vb)
    for name in va:
        assert va[name].data.tobytes() == vb[name].data.tobytes(), f"{name} differs"


def test_a_run_killed_with_sigkill_resumes_bit_identical(tmp_path):
    out = tmp_path / "run.h5"
    partial = Path(str(out) + ".partial")
    # The child: `socval run --checkpoint` that SIGKILLs itself right after its third checkpoint (a real kill -9 of
    # a real process, at a point the test can rely on: three parts recorded, the rest not computed).
    child = textwrap.dedent(f"""
        import os, signal
        from socval.engine import checkpoint as ck
        from socval.engine import distributed as dist
        real, count = ck.Checkpoint.append, [0]
        def append(self, part, merge):
            real(self, part, merge)
            count[0] += 1
            if count[0] == 3:
                os.kill(os.getpid(), signal.SIGKILL)
        ck.Checkpoint.append = append
        dist.part_size = lambda blocks, workers: 2
        from socval.cli.app import main
        main(["run", {str(SCENARIO)!r}, "--draws", "{DRAWS}", "--seed", "9", "--no-progress", "--checkpoint",
              "--out", {str(out)!r}])
    """)
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert partial.exists() and not out.exists()
    # Never mistaken for results: the reader says it is incomplete and how to resume.
    with pytest.raises(sv.ResultsFileError, match=r"incomplete run.*--resume"):
        sv.load_results(partial)

    code = main(["run", str(SCENARIO), "--draws", str(DRAWS), "--seed", "9", "--no-progress", "--resume",
                 "--out", str(out)])
    assert code == 0
    assert out.exists() and not partial.exists()
    whole = tmp_path / "whole.h5"
    assert main(["run", str(SCENARIO), "--draws", str(DRAWS), "--seed", "9", "--no-progress",
                 "--out", str(whole)]) == 0
    same_files(out, whole)


def test_resume_refuses_a_missing_or_foreign_partial_file(tmp_path):
    out = tmp_path / "run.h5"
    with pytest.raises(sv.ResultsFileError, match="no interrupted run to resume"):
        sv.simulate(SCENARIO, draws=600, seed=1, progress=False, checkpoint=out, resume=True)
    # A partial file of a run with another seed.
    from socval.engine import checkpoint as ck

    real = ck.Checkpoint.append

    def stop_after_first(self, part, merge):
        real(self, part, merge)
        raise KeyboardInterrupt

    ck.Checkpoint.append = stop_after_first
    try:
        with pytest.raises(KeyboardInterrupt):
            sv.simulate(SCENARIO, draws=600, seed=1, progress=False, checkpoint=out, part_blocks=1)
    finally:
        ck.Checkpoint.append = real
    assert Path(str(out) + ".partial").exists() and not out.exists()
    with pytest.raises(sv.ResultsFileError, match="another run"):
        sv.simulate(SCENARIO, draws=600, seed=2, progress=False, checkpoint=out, resume=True)
    res = sv.simulate(SCENARIO, draws=600, seed=1, progress=False, checkpoint=out, resume=True, part_blocks=1)
    local = sv.simulate(SCENARIO, draws=600, seed=1, progress=False)
    for metric in ("npsv", "bcr", "pv_costs"):
        assert res.draws(metric).tobytes() == local.draws(metric).tobytes()
    np.testing.assert_array_equal(sv.load_results(out).draws("npsv"), local.draws("npsv"))
    assert not Path(str(out) + ".partial").exists()


def test_an_interrupted_streaming_run_resumes_bit_identical(tmp_path, monkeypatch):
    """keep_draws=False with a checkpoint: the partial file holds the merged summaries only (nothing per draw); an
    interrupted run resumed equals an uninterrupted one, summaries bit for bit, and its partial file says so."""
    from socval.engine import checkpoint as ck

    out = tmp_path / "run.h5"
    funded = ROOT / "tests" / "data" / "distributed" / "example_funded.yaml"  # non-zero values (example.yaml: all 0)
    kw = dict(draws=DRAWS, seed=9, progress=False, keep_draws=False, year_values=True, part_blocks=2)
    whole = sv.simulate(funded, **kw)
    assert whole.summary().loc["npsv", "sd"] > 0
    real, count = ck.Checkpoint.append, [0]

    def stop_after_three(self, part, merge):
        real(self, part, merge)
        count[0] += 1
        if count[0] == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(ck.Checkpoint, "append", stop_after_three)
    with pytest.raises(KeyboardInterrupt):
        sv.simulate(funded, checkpoint=out, **kw)
    monkeypatch.setattr(ck.Checkpoint, "append", real)
    partial = Path(str(out) + ".partial")
    assert partial.exists() and not out.exists()
    with pytest.raises(sv.ResultsFileError, match=r"incomplete run.*--resume"):
        sv.load_results(partial)
    res = sv.simulate(funded, checkpoint=out, resume=True, **kw)
    a, b = whole._all_vars(), res._all_vars()
    assert sorted(a) == sorted(b) and "headline_mean" in a and "npsv" not in a
    for name in a:
        assert np.asarray(a[name][1]).tobytes() == np.asarray(b[name][1]).tobytes(), name
    assert sv.load_results(out).streaming and not partial.exists()
