"""Results file throughput: write and read MB/s for a draws x metrics float64 array appended in blocks.

Run: .venv/bin/python benchmarks/results_file_bench.py [--rows 1000000] [--cols 20] [--block 10000] [--repeat 3]
Recorded results: benchmarks/results_file.md.

The write time includes commit() (flush, fsync, atomic rename). Reads follow the write, so the file is in the
page cache: the read figures measure HDF5 and copying, not the disk. h5py writing the same array in the same
blocks is the reference.
"""
import argparse
import os
import tempfile
import time

import h5py
import numpy as np

from socval.io import results_file as rf

ATTRS = dict(seed=1, draws=0, sampler="mc", scenario_text="benchmark", value_library_version="none")


def write_socval(path, data, block, deflate):
    t = time.perf_counter()
    with rf.ResultsWriter(path, ATTRS) as w:
        w.add_unlimited_dimension("draw")
        w.add_dimension("metric", data.shape[1])
        w.create_extendible("metrics", ("draw", "metric"), deflate=deflate)
        for lo in range(0, data.shape[0], block):
            w.append("metrics", data[lo:lo + block])
    return time.perf_counter() - t


def write_h5py(path, data, block, deflate):
    t = time.perf_counter()
    gzip = dict(compression="gzip", compression_opts=deflate, shuffle=True) if deflate else {}
    with h5py.File(path, "w") as f:
        ds = f.create_dataset("metrics", shape=(0, data.shape[1]), maxshape=(None, data.shape[1]),
                              dtype="f8", chunks=(max(1, (1 << 20) // (8 * data.shape[1])), data.shape[1]), **gzip)
        for lo in range(0, data.shape[0], block):
            b = data[lo:lo + block]
            ds.resize(lo + len(b), axis=0)
            ds[lo:lo + len(b)] = b
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    return time.perf_counter() - t


def timed(f):
    t = time.perf_counter()
    out = f()
    return time.perf_counter() - t, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--cols", type=int, default=20)
    ap.add_argument("--block", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    data = np.random.default_rng(0).normal(size=(args.rows, args.cols))
    mb = data.nbytes / 1e6
    print(f"array {args.rows} x {args.cols} float64 = {mb:.0f} MB, appended in blocks of {args.block} rows, "
          f"best of {args.repeat}")
    print(f"{'case':34s} {'write MB/s':>11s} {'read MB/s':>10s} {'file MB':>8s}")
    with tempfile.TemporaryDirectory(dir=os.environ.get("SOCVAL_BENCH_DIR")) as tmp:
        for label, deflate in [("socval ResultsWriter", 0), ("socval ResultsWriter, deflate=1", 1)]:
            path = os.path.join(tmp, f"socval-{deflate}.h5")
            w = min(write_socval(path, data, args.block, deflate) for _ in range(args.repeat))
            r, back = min((timed(lambda: rf.read_variable(path, "metrics")) for _ in range(args.repeat)),
                          key=lambda x: x[0])
            assert np.array_equal(back.data, data)
            print(f"{label:34s} {mb / w:11.0f} {mb / r:10.0f} {os.path.getsize(path) / 1e6:8.0f}")
            if deflate == 0:
                rx, _ = min((timed(lambda: rf.open_dataset(path)["metrics"].values) for _ in range(args.repeat)),
                            key=lambda x: x[0])
                print(f"{'  same file read with xarray':34s} {'':11s} {mb / rx:10.0f}")
        for label, deflate in [("h5py (reference)", 0), ("h5py, gzip=1 + shuffle (reference)", 1)]:
            path = os.path.join(tmp, f"h5py-{deflate}.h5")
            w = min(write_h5py(path, data, args.block, deflate) for _ in range(args.repeat))
            r, _ = min((timed(lambda: h5py.File(path, "r")["metrics"][...]) for _ in range(args.repeat)),
                       key=lambda x: x[0])
            print(f"{label:34s} {mb / w:11.0f} {mb / r:10.0f} {os.path.getsize(path) / 1e6:8.0f}")


if __name__ == "__main__":
    main()
