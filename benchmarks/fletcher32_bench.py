"""The cost of the damage checks of results files (format 1.1): HDF5's Fletcher-32 filter on every chunk, and the
CRC-32 of the whole file that socval records at commit and checks on open.

Run: .venv/bin/python benchmarks/fletcher32_bench.py [--rows 1000000] [--cols 20] [--block 10000] [--repeat 3]
Recorded results and the decision they support: benchmarks/RESULTS.md, docs/formats/results.md.

Every case writes the same draws x metrics float64 array appended in blocks, with the chunks socval uses (about
1 MiB of whole rows) and socval's chunk cache (max(4 MiB, 4 chunks)), then reads it back whole:

- h5py without a filter, and h5py with ``fletcher32=True``: the filter's own cost, everything else equal;
- socval's ResultsWriter (Fletcher-32 on, plus the file CRC-32 at commit) and ``read_variable`` (which checks the
  CRC-32 on the first open and Fletcher-32 on every chunk);
- zlib's CRC-32 over the file's bytes in memory: the file checksum alone.

The write times include an fsync (socval's commit does one too). Reads follow the write, so the file is in the
page cache: read figures measure HDF5 and the checks, not the disk.
"""
import argparse
import os
import tempfile
import time
import zlib

import h5py
import numpy as np

from socval.io import results_file as rf

ATTRS = dict(seed=1, sampler="mc", scenario_text="benchmark", value_library_version="none")


def _fsync(path):
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)


def write_h5py(path, data, block, fletcher32):
    rows = max(1, (1 << 20) // (8 * data.shape[1]))
    cache = max(4 << 20, 4 * rows * 8 * data.shape[1])
    t = time.perf_counter()
    with h5py.File(path, "w", rdcc_nbytes=cache, rdcc_nslots=521) as f:
        ds = f.create_dataset("metrics", shape=(0, data.shape[1]), maxshape=(None, data.shape[1]), dtype="f8",
                              chunks=(rows, data.shape[1]), fletcher32=fletcher32)
        for lo in range(0, data.shape[0], block):
            b = data[lo:lo + block]
            ds.resize(lo + len(b), axis=0)
            ds[lo:lo + len(b)] = b
    _fsync(path)
    return time.perf_counter() - t


def write_socval(path, data, block):
    t = time.perf_counter()
    with rf.ResultsWriter(path, dict(ATTRS, draws=len(data))) as w:
        w.add_unlimited_dimension("draw")
        w.add_dimension("metric", data.shape[1])
        w.create_extendible("metrics", ("draw", "metric"))
        for lo in range(0, data.shape[0], block):
            w.append("metrics", data[lo:lo + block])
    return time.perf_counter() - t


def best(f, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--cols", type=int, default=20)
    ap.add_argument("--block", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    data = np.random.default_rng(0).normal(size=(args.rows, args.cols))
    mb = data.nbytes / 1e6
    print(f"array {args.rows:,} x {args.cols} float64 = {mb:.0f} MB, appended in blocks of {args.block:,} rows, "
          f"best of {args.repeat}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'case':44s} {'write MB/s':>11s} {'read MB/s':>10s}")
    with tempfile.TemporaryDirectory(dir=os.environ.get("SOCVAL_BENCH_DIR")) as tmp:
        for label, fl in [("h5py, no filter", False), ("h5py, fletcher32=True", True)]:
            path = os.path.join(tmp, f"h5py-{fl}.h5")
            w = min(write_h5py(path, data, args.block, fl) for _ in range(args.repeat))
            r = best(lambda: h5py.File(path, "r")["metrics"][...], args.repeat)
            print(f"{label:44s} {mb / w:11.0f} {mb / r:10.0f}")
        path = os.path.join(tmp, "socval.h5")
        w = min(write_socval(path, data, args.block) for _ in range(args.repeat))
        r = best(lambda: rf.read_variable(path, "metrics"), args.repeat)
        assert np.array_equal(rf.read_variable(path, "metrics").data, data)
        print(f"{'socval (Fletcher-32 + file CRC-32)':44s} {mb / w:11.0f} {mb / r:10.0f}")
        with open(path, "rb") as f:
            raw = f.read()
        c = best(lambda: zlib.crc32(raw), args.repeat)
        print(f"{'zlib CRC-32 of the file, in memory':44s} {len(raw) / 1e6 / c:11.0f}")


if __name__ == "__main__":
    main()
