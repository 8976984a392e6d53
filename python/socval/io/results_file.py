"""Self-describing HDF5 results files: write, read, and open with xarray.

A results file is a netCDF-4 compatible HDF5 file with named dimensions, units as attributes and provenance as
root attributes (socval and format versions, git revision, creation time, seed, draws, sampler, the scenario text
and its SHA-256, the value-library version). It is written to a temporary file beside the final path and renamed
into place only when complete, so an interrupted write never leaves a half file under the final name.
The layout is specified in ``docs/formats/results.md``. All HDF5 work happens in C++ (``socval._core.io``).

Examples
--------
>>> from socval import results_file
>>> results_file.write("run.h5",
...     variables={"npsv": (("draw",), npsv, {"units": "GBP (2024 prices)"})},
...     coords={"option": np.array(["retrofit", "solar"])},
...     attrs={"seed": 42, "draws": 1000, "sampler": "lhs", "scenario_text": text,
...            "value_library_version": "2024.1"})
>>> variables, coords, attrs = results_file.read("run.h5")
>>> ds = results_file.open_dataset("run.h5")      # xarray.Dataset, named dimensions
"""
from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from .._core import ResultsFileError
from .._core import __version__ as _socval_version
from .._core import io as _io

__all__ = [
    "FILE_TYPE", "FORMAT_VERSION", "Coordinate", "ResultsWriter", "Variable", "check", "git_revision",
    "open_dataset", "read", "read_variable", "write",
]

#: Value of the root attribute ``file_type`` of every socval results file.
FILE_TYPE: str = _io.FILE_TYPE
#: (major, minor) layout version this socval writes; files with a newer major are refused.
FORMAT_VERSION: Tuple[int, int] = tuple(_io.FORMAT_VERSION)

#: Root attributes that every file must carry; ``socval_version`` and ``git_revision`` default to this build's.
REQUIRED_ATTRS = ("seed", "draws", "sampler", "scenario_text", "value_library_version")
_DEFAULTED_ATTRS = ("socval_version", "git_revision")
#: Root attributes the writer computes itself; given ones are ignored (so ``write(p2, *read(p1))`` works).
COMPUTED_ATTRS = ("file_type", "format_version", "created", "scenario_hash")

PathLike = Union[str, "os.PathLike[str]"]


class Variable(NamedTuple):
    """A stored array with its dimension names and attributes (units, long_name, ...)."""

    dims: Tuple[str, ...]
    data: np.ndarray
    attrs: Dict[str, Any]


class Coordinate(NamedTuple):
    """Values of a dimension (labels, years, quantiles) with their attributes."""

    data: np.ndarray
    attrs: Dict[str, Any]


@functools.lru_cache(maxsize=1)
def git_revision() -> str:
    """Commit of the socval source tree this package runs from, or ``"unknown"`` if it is not a git checkout.

    Only a checkout whose ``python/socval`` folder is this package counts, so a package installed inside some
    other repository (a virtual environment in a user's project) is not mistaken for socval's history.
    """
    package = Path(__file__).resolve().parents[1]
    try:
        top = subprocess.run(["git", "-C", str(package), "rev-parse", "--show-toplevel", "HEAD"],
                             capture_output=True, text=True, timeout=5, check=True).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if len(top) != 2 or (Path(top[0]) / "python" / "socval").resolve() != package:
        return "unknown"
    return top[1]


def _fail(path: PathLike, message: str) -> ResultsFileError:
    return ResultsFileError(f"results file '{os.fspath(path)}': {message}")


def _attribute(path: PathLike, key: str, value: Any) -> Any:
    """An attribute value as the core stores it: int, float, str, or a list of one of those."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (int, float, str)):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = np.asarray(value)
        if arr.ndim > 1:
            raise _fail(path, f"attribute '{key}' must be a scalar or a 1-D array, got shape {arr.shape}")
        if arr.size == 0:
            return [] if arr.dtype.kind in "UO" else arr.astype(float).tolist()
        if arr.dtype.kind in "biu":
            if arr.dtype.kind == "u" and arr.max() > np.iinfo(np.int64).max:
                raise _fail(path, f"attribute '{key}' has integers above 2**63 - 1")
            return arr.astype(np.int64).tolist()
        if arr.dtype.kind == "f":
            return arr.astype(np.float64).tolist()
        if arr.dtype.kind == "U":
            return arr.tolist()
    raise _fail(path, f"attribute '{key}' must be a number, a string, or a 1-D list of them; "
                      f"got {type(value).__name__}")


def _split_attrs(path: PathLike, attrs: Mapping[str, Any]) -> Tuple[Any, Dict[str, Any]]:
    """The core Provenance from the required attributes, and the free attributes that remain."""
    missing = [k for k in REQUIRED_ATTRS if k not in attrs]
    if missing:
        raise _fail(path, f"missing required attribute(s) {', '.join(missing)}: every results file records its "
                          f"provenance ({', '.join(REQUIRED_ATTRS)})")
    p = _io.Provenance()
    for key in ("seed", "draws"):
        value = attrs[key]
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _fail(path, f"attribute '{key}' must be a non-negative integer, got {value!r}")
    p.seed = int(attrs["seed"])
    p.draws = int(attrs["draws"])
    for key in ("sampler", "scenario_text", "value_library_version") + _DEFAULTED_ATTRS:
        if key in attrs and not isinstance(attrs[key], str):
            raise _fail(path, f"attribute '{key}' must be a string, got {type(attrs[key]).__name__}")
    p.sampler = attrs["sampler"]
    p.scenario_text = attrs["scenario_text"]
    p.value_library_version = attrs["value_library_version"]
    p.socval_version = attrs.get("socval_version", _socval_version)
    p.git_revision = attrs.get("git_revision", git_revision())
    skip = set(REQUIRED_ATTRS) | set(_DEFAULTED_ATTRS) | set(COMPUTED_ATTRS)
    return p, {k: v for k, v in attrs.items() if k not in skip}


def _kind(path: PathLike, name: str, data: Any) -> Tuple[str, np.ndarray]:
    """("float64" | "int64" | "string", the array converted to that type)."""
    arr = np.asarray(data)
    kind = arr.dtype.kind
    if kind == "f":
        return "float64", np.require(arr, np.float64, ["C"])
    if kind in "biu":
        if kind == "u" and arr.size and arr.max() > np.iinfo(np.int64).max:
            raise _fail(path, f"'{name}' holds integers above 2**63 - 1, which the results format cannot store")
        return "int64", np.require(arr, np.int64, ["C"])
    if kind == "U":
        return "string", arr
    if kind == "S":
        return "string", np.char.decode(arr, "utf-8")
    if kind == "O":
        as_str = arr.astype(str)
        if arr.size == 0 or np.all(as_str == arr):
            return "string", as_str
    raise _fail(path, f"'{name}' has elements of type {arr.dtype}; a results file stores float64, int64 and "
                      f"strings: convert it first")


class ResultsWriter:
    """Write a results file piece by piece; used as a context manager it commits on success and discards on error.

    Parameters
    ----------
    path
        Final path of the file. Nothing appears there before :meth:`commit`.
    attrs
        Root attributes: the required provenance (``seed``, ``draws``, ``sampler``, ``scenario_text``,
        ``value_library_version``; optionally ``socval_version`` and ``git_revision``) plus any free attributes.

    Examples
    --------
    >>> with ResultsWriter("run.h5", attrs) as w:
    ...     w.add_unlimited_dimension("draw")
    ...     w.add_coordinate("metric", np.array(["npsv", "bcr"]))
    ...     w.create_extendible("metrics", ("draw", "metric"), attrs={"units": "GBP"})
    ...     for block in blocks:                      # each (rows, 2) float64
    ...         w.append("metrics", block)
    """

    def __init__(self, path: PathLike, attrs: Mapping[str, Any]):
        self._path = os.fspath(path)
        provenance, extra = _split_attrs(self._path, attrs)
        self._w = _io.ResultsWriter(self._path)
        try:
            self._w.set_provenance(provenance)
            for key, value in extra.items():
                self._w.set_attribute(key, _attribute(self._path, key, value))
        except BaseException:
            self._w.discard()
            raise

    def __enter__(self) -> "ResultsWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()

    @property
    def path(self) -> str:
        """The final path."""
        return self._path

    def set_attribute(self, name: str, value: Any, group: str = "") -> None:
        """Set a free attribute on the root or on a group."""
        self._w.set_attribute(name, _attribute(self._path, name, value), group)

    def add_dimension(self, name: str, size: int) -> None:
        """A named dimension of fixed size without coordinate values."""
        self._w.add_dimension(name, int(size))

    def add_unlimited_dimension(self, name: str) -> None:
        """A dimension that grows as extendible variables are appended (e.g. ``"draw"``)."""
        self._w.add_unlimited_dimension(name)

    def add_coordinate(self, name: str, values: Any, attrs: Optional[Mapping[str, Any]] = None) -> None:
        """A dimension with values: labels (str), integers or reals, 1-D."""
        kind, arr = _kind(self._path, name, values)
        if arr.ndim != 1:
            raise _fail(self._path, f"coordinate '{name}' must be 1-D, got shape {arr.shape}")
        a = self._attrs(name, attrs)
        if kind == "string":
            self._w.add_coordinate_strings(name, arr.tolist(), a)
        elif kind == "int64":
            self._w.add_coordinate_int64(name, arr, a)
        else:
            self._w.add_coordinate_float64(name, arr, a)

    def add_variable(self, name: str, dims: Sequence[str], data: Any,
                     attrs: Optional[Mapping[str, Any]] = None) -> None:
        """A variable over existing fixed dimensions (its shape must be theirs)."""
        kind, arr = _kind(self._path, name, data)
        dims = list(dims)
        if arr.ndim != len(dims):
            raise _fail(self._path, f"variable '{name}' has {arr.ndim} dimension(s) but {len(dims)} name(s) were "
                                    f"given: {dims}")
        a = self._attrs(name, attrs)
        if kind == "string":
            self._w.add_variable_strings(name, dims, arr.ravel().tolist(), a)
        elif kind == "int64":
            self._w.add_variable_int64(name, dims, arr, a)
        else:
            self._w.add_variable_float64(name, dims, arr, a)

    def create_extendible(self, name: str, dims: Sequence[str], dtype: str = "float64",
                          attrs: Optional[Mapping[str, Any]] = None, chunk_rows: int = 0, deflate: int = 0) -> None:
        """A variable whose first (unlimited) dimension grows with :meth:`append`; dtype "float64" or "int64"."""
        self._w.create_extendible(name, list(dims), dtype, self._attrs(name, attrs), int(chunk_rows), int(deflate))

    def append(self, name: str, block: Any) -> None:
        """Append whole rows (shape ``(rows, *other dims)``) to an extendible variable; the GIL is released."""
        kind, arr = _kind(self._path, name, block)
        if kind == "int64":
            self._w.append_int64(name, arr)
        elif kind == "float64":
            self._w.append_float64(name, arr)
        else:
            raise _fail(self._path, f"cannot append strings to '{name}'")

    def rows(self, name: str) -> int:
        """Rows appended so far to an extendible variable."""
        return self._w.rows(name)

    def commit(self) -> None:
        """Close the file and move it to its final path atomically."""
        try:
            self._w.commit()
        except BaseException:
            self._w.discard()
            raise

    def discard(self) -> None:
        """Abandon the file: remove the temporary file; the final path is left as it was."""
        self._w.discard()

    def _attrs(self, name: str, attrs: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
        return {k: _attribute(self._path, f"{name}.{k}", v) for k, v in (attrs or {}).items()}


def _unpack_variable(path: PathLike, name: str, spec: Any) -> Tuple[Tuple[str, ...], Any, Mapping[str, Any]]:
    if not isinstance(spec, tuple) or len(spec) not in (2, 3):
        raise _fail(path, f"variable '{name}' must be given as (dims, data) or (dims, data, attrs)")
    dims = (spec[0],) if isinstance(spec[0], str) else tuple(spec[0])
    return dims, spec[1], (spec[2] if len(spec) == 3 else {}) or {}


def _resolve(sizes: Mapping[str, int], group: str, dim: str) -> Optional[str]:
    """Full path of dimension ``dim`` seen from ``group``: its own group first, then each parent (netCDF rule)."""
    while True:
        candidate = f"{group}/{dim}" if group else dim
        if candidate in sizes:
            return candidate
        if not group:
            return None
        group = group.rpartition("/")[0]


def write(path: PathLike, variables: Mapping[str, Any], coords: Optional[Mapping[str, Any]] = None,
          attrs: Optional[Mapping[str, Any]] = None) -> None:
    """Write a complete results file atomically.

    Parameters
    ----------
    path
        Final path; written to a temporary file beside it and renamed only when complete.
    variables
        ``name -> (dims, data)`` or ``(dims, data, attrs)``: ``dims`` a tuple of dimension names, ``data`` an array
        (float, integer, bool stored as int64, or str) of that many dimensions, ``attrs`` e.g. ``units``,
        ``long_name``. A name ``"group/name"`` puts the variable in a group.
    coords
        ``name -> values`` or ``name -> (values, attrs)``: 1-D coordinate values of a dimension (labels, years).
        Dimensions without coordinates get their size from the variables that use them.
    attrs
        Root attributes: ``seed``, ``draws``, ``sampler``, ``scenario_text``, ``value_library_version`` are
        required; ``socval_version`` and ``git_revision`` default to this build's; ``file_type``,
        ``format_version``, ``created`` and ``scenario_hash`` are computed (given values are ignored); anything
        else is stored as a free attribute.

    Raises
    ------
    socval.ResultsFileError
        On a bad argument, an unwritable folder, or any HDF5 failure; nothing is then left under ``path``.
    """
    path = os.fspath(path)
    with ResultsWriter(path, attrs or {}) as w:
        sizes: Dict[str, int] = {}
        for name, spec in (coords or {}).items():
            values, cattrs = spec if isinstance(spec, tuple) else (spec, {})
            values = np.asarray(values)
            w.add_coordinate(name, values, cattrs)
            sizes[name.lstrip("/")] = int(values.shape[0]) if values.ndim == 1 else -1
        # Shallow names first, so a dimension shared by several groups is created in the root group.
        for name in sorted(variables, key=lambda n: n.strip("/").count("/")):
            dims, data, vattrs = _unpack_variable(path, name, variables[name])
            data = np.asarray(data)
            if data.ndim != len(dims):
                raise _fail(path, f"variable '{name}' has {data.ndim} dimension(s) but {len(dims)} name(s) were "
                                  f"given: {list(dims)}")
            group = name.strip("/").rpartition("/")[0]
            for dim, n in zip(dims, data.shape):
                full = _resolve(sizes, group, dim)
                if full is None:
                    full = f"{group}/{dim}" if group else dim
                    w.add_dimension(full, n)
                    sizes[full] = n
                elif sizes[full] != n:
                    raise _fail(path, f"variable '{name}' has length {n} along dimension '{dim}', but '{full}' has "
                                      f"length {sizes[full]}")
            w.add_variable(name, dims, data, vattrs)


def _python_attrs(attrs: Mapping[str, Any]) -> Dict[str, Any]:
    """Numeric list attributes as numpy arrays (as h5py and xarray give them); the rest unchanged."""
    out = {}
    for key, value in attrs.items():
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            value = np.asarray(value)
        out[key] = value
    return out


def read(path: PathLike) -> Tuple[Dict[str, Variable], Dict[str, Coordinate], Dict[str, Any]]:
    """Read a whole results file into memory (use :func:`open_dataset` for lazy access to large files).

    Returns
    -------
    variables
        ``name -> Variable(dims, data, attrs)`` for every data variable (``"group/name"`` inside groups).
    coords
        ``name -> Coordinate(data, attrs)`` for every dimension coordinate.
    attrs
        Root attributes, provenance included (``format_version`` as an int64 array ``[major, minor]``).

    Raises
    ------
    socval.ResultsFileError
        If the file is missing, not HDF5, truncated, not a socval results file, or of a newer major format.
    """
    r = _io.ResultsReader(os.fspath(path))
    variables: Dict[str, Variable] = {}
    coords: Dict[str, Coordinate] = {}
    for info in r.variables():
        if info.dtype == "string":
            data = np.asarray(r.read_strings(info.name), dtype=str).reshape(info.shape)
        elif info.dtype == "int64":
            data = r.read_int64(info.name)
        else:
            data = r.read_float64(info.name)
        attrs = _python_attrs(info.attrs)
        if info.is_coordinate:
            coords[info.name] = Coordinate(data, attrs)
        else:
            variables[info.name] = Variable(tuple(info.dims), data, attrs)
    return variables, coords, _python_attrs(r.attributes())


def read_variable(path: PathLike, name: str, start: Optional[int] = None, stop: Optional[int] = None) -> Variable:
    """Read one variable (or coordinate), optionally only rows ``start:stop`` along its first dimension.

    Raises
    ------
    socval.ResultsFileError
        If the file cannot be read (see :func:`read`) or has no variable ``name`` (the message lists those it has).
    """
    r = _io.ResultsReader(os.fspath(path))
    info = r.variable(name)
    if info.dtype == "string":
        if start is not None or stop is not None:
            raise _fail(path, f"variable '{name}' holds strings: read it whole (no start/stop)")
        data = np.asarray(r.read_strings(name), dtype=str).reshape(info.shape)
    else:
        n = info.shape[0] if info.shape else 1
        if info.shape:
            start, stop, _ = slice(start, stop).indices(n)
            stop = max(start, stop)
        reader = r.read_int64 if info.dtype == "int64" else r.read_float64
        data = reader(name, start, stop)
    return Variable(tuple(info.dims), data, _python_attrs(info.attrs))


def check(path: PathLike) -> Dict[str, Any]:
    """Check that ``path`` is a socval results file this version can read; return its root attributes.

    Raises
    ------
    socval.ResultsFileError
        Saying what is wrong and what to do (for example: upgrade socval for a newer major format version).
    """
    return _python_attrs(_io.ResultsReader(os.fspath(path)).attributes())


def open_dataset(path: PathLike, group: Optional[str] = None, **kwargs: Any):
    """Open a results file (or one of its groups) as an ``xarray.Dataset`` with named dimensions, lazily.

    The file is checked first (:func:`check`), so a foreign, damaged or too new file raises
    ``socval.ResultsFileError`` rather than an HDF5 error. Extra keyword arguments go to
    ``xarray.open_dataset(path, engine="h5netcdf", group=group, ...)``. Close the dataset (or use ``with``) when
    done; call ``.load()`` to read it all into memory.
    """
    import xarray as xr

    reader = _io.ResultsReader(os.fspath(path))
    if group is not None:
        wanted = group.strip("/")
        groups = reader.groups()
        if wanted and wanted not in groups:
            raise _fail(path, f"has no group '{wanted}'; its groups are: {', '.join(groups) or 'none'}")
    del reader  # closes the file before xarray opens it
    return xr.open_dataset(os.fspath(path), engine="h5netcdf", group=group, **kwargs)
