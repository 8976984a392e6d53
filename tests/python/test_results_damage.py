"""Results files detect damage (issue 22, item 3): checksums on every dataset, attributes cross-checked against
the data, format 1.0 files read unchecked, FIFOs refused before they are opened."""
import zlib
import os
import stat
import threading

import h5py
import numpy as np
import pytest

import socval
from socval import _core
from socval.io import results_file as rf

from test_results_file import SCENARIO as SCENARIO_TEXT, full_file, provenance


def figures(path):
    """Everything socval reads from a results file, as comparable Python values."""
    variables, coords, attrs = rf.read(path)
    out = {name: (v.dims, v.data.tolist(), sorted(map(str, v.attrs.items()))) for name, v in variables.items()}
    out.update({f"coord:{n}": (c.data.tolist(), sorted(map(str, c.attrs.items()))) for n, c in coords.items()})
    out["attrs"] = sorted((k, str(v)) for k, v in attrs.items())
    return out


def reseal(path):
    """Record the checksums again after a deliberate edit with h5py (as a tool that edits files would)."""
    _core.io.reseal(str(path))


def test_format_is_1_3_and_files_are_checked(tmp_path):
    path = tmp_path / "run.h5"
    full_file(path)
    assert rf.FORMAT_VERSION == (1, 3)  # 1.3: place_year_* / quintile_year_* (issue 16); 1.2: bcr, place_* (13)
    assert _core.io.ResultsReader(str(path)).checked
    with h5py.File(path, "r") as f:  # every numeric variable with data is guarded by Fletcher-32
        for name in ("pv_benefits", "jobs", "tensor", "rank", "option" if False else "year"):
            assert f[name].fletcher32, name
        assert len(f["lever"].attrs["_socval_sha256"]) == 64  # strings: SHA-256 of the data
        assert len(f["bcr"].attrs["_socval_sha256"]) == 64    # a scalar cannot be chunked
    assert "_socval_sha256" not in rf.check(path)           # bookkeeping: hidden from users


def test_single_byte_corruptions_never_change_the_figures(tmp_path):
    """200 single-byte corruptions spread over the file: each one is refused with ResultsFileError or reads back
    exactly the figures of the intact file, never different ones."""
    good = tmp_path / "good.h5"
    full_file(good)
    expected = figures(good)
    data = good.read_bytes()
    positions = np.unique(np.linspace(0, len(data) - 1, 200).astype(int))
    bad = tmp_path / "bad.h5"
    outcomes = {"refused": 0, "identical": 0}
    changed = []
    for i, pos in enumerate(positions):
        damaged = bytearray(data)
        damaged[pos] ^= 0x5A if i % 2 else 0xFF
        bad.write_bytes(bytes(damaged))
        try:
            got = figures(bad)
        except socval.ResultsFileError:
            outcomes["refused"] += 1
            continue
        if got == expected:
            outcomes["identical"] += 1
        else:
            changed.append(int(pos))
    assert not changed, f"figures changed silently after corrupting bytes at {changed} ({outcomes})"
    assert outcomes["refused"] > 0 and sum(outcomes.values()) == len(positions)


def test_edited_data_is_refused_saying_what(tmp_path):
    path = tmp_path / "run.h5"
    full_file(path)
    with h5py.File(path, "a") as f:
        f["lever"][1] = "anchor"          # a string variable changed behind socval's back
    reseal(path)                          # even with the layout checksum recomputed
    with pytest.raises(socval.ResultsFileError, match="variable 'lever' does not match the checksum"):
        rf.read(path)
    path2 = tmp_path / "run2.h5"
    full_file(path2)
    with h5py.File(path2, "a") as f:
        f.attrs["draws"] = np.int64(7)    # attributes changed without resealing
    with pytest.raises(socval.ResultsFileError, match=r"does not match the checksum written with it \(a CRC-32 "
                                                      r"of the whole file\)"):
        rf.check(path2)
    # The file checksum alone recomputed (a tool that knows only that): the layout checksum still catches it.
    data = bytearray(path2.read_bytes())
    body = bytes(data[512:])
    header = f"socval-results-checksum 1\ncrc32 {zlib.crc32(body):08x}\nbytes {len(body)}\n".encode()
    path2.write_bytes(header.ljust(512, b"\0") + body)
    with pytest.raises(socval.ResultsFileError, match="do not match the checksum written with them"):
        rf.check(path2)


@pytest.mark.parametrize("edit, message", [
    (lambda f: f.attrs.__setitem__("scenario_text", "name: something else\n"),
     "'scenario_hash' is not the SHA-256 of its 'scenario_text'"),
    (lambda f: f.attrs.__setitem__("draws", np.int64(5)), "variable 'tensor' has 6 draws but the root attribute "
                                                          "'draws' says 5"),
    (lambda f: f.attrs.__setitem__("draws", np.int64(7)), "'draws' says 7 but the longest variable along 'draw' "
                                                          r"\('tensor'\) has 6"),
    (lambda f: f.attrs.__setitem__("seed", np.int64(-3)), "'seed' is negative"),
    (lambda f: f.attrs.__setitem__("seed", "42"), "'seed' should be an integer"),
])
def test_attributes_are_cross_checked_against_the_data(tmp_path, edit, message):
    path = tmp_path / "run.h5"
    full_file(path)
    with h5py.File(path, "a") as f:
        edit(f)
    reseal(path)  # a consistent checksum: the cross-check itself must catch it
    with pytest.raises(socval.ResultsFileError, match=message):
        rf.read(path)


def test_format_1_0_files_are_read_unchecked(tmp_path):
    """A file of the first layout (no checksums) still reads, and says it was not checked."""
    path = tmp_path / "old.h5"
    full_file(path)
    with h5py.File(path, "a") as f:
        f.attrs["format_version"] = np.array([1, 0], dtype=np.int64)
        del f.attrs["_socval_sha256"]
    data = bytearray(path.read_bytes())
    data[:512] = bytes(512)  # format 1.0 files have no file checksum in their user block
    path.write_bytes(bytes(data))
    variables, _, attrs = rf.read(path)
    assert list(attrs["format_version"]) == [1, 0]
    assert variables["pv_benefits"].data.shape == (3, 2)
    assert not _core.io.ResultsReader(str(path)).checked


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "results.h5"
    os.mkfifo(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    result = {}

    def read():
        try:
            rf.read(fifo)
        except socval.ResultsFileError as e:
            result["error"] = str(e)

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(10)
    if t.is_alive():  # unblock the reader before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert "is not a regular file" in result["error"]


def test_damage_like_the_fuzz_reproducers_is_refused_when_sealed(tmp_path):
    """The damage `make fuzz` found crashing HDF5 1.10 in files without a file checksum
    (tests/data/fuzz-crashes/results_reader-unsealed): a corrupt length of a global-heap string (HDF5 copied with
    it: a segmentation fault) and a corrupt object header. In a format 1.1 file both are refused before HDF5
    reads anything."""
    path = tmp_path / "run.h5"
    full_file(path)
    good = path.read_bytes()
    text = SCENARIO_TEXT.encode()
    at = good.find(text)
    assert at > 512 + 8
    for pos, value in ((at - 8, 0x7F), (at - 5, 0x40), (good.find(b"OHDR") + 6, 0x55)):
        bad = bytearray(good)
        bad[pos] ^= value
        path.write_bytes(bytes(bad))
        with pytest.raises(socval.ResultsFileError, match="does not match the checksum written with it"):
            rf.read(path)
