"""socval.results_file: round trips, what xarray / h5netcdf / h5py see, bad files, atomic writes."""
import datetime as dt
import gc
import hashlib
import os

import h5netcdf
import h5py
import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import socval
from socval.io import results_file as rf

SCENARIO = "name: West of England baseline\noptions:\n  - id: retrofit\n    cost: 1.5e6  # £\n"


def provenance(**extra):
    attrs = dict(seed=42, draws=6, sampler="lhs", scenario_text=SCENARIO, value_library_version="2024.1")
    attrs.update(extra)
    return attrs


def full_file(path):
    """Every type the format stores, a group per scenario, and a draws tensor streamed in blocks."""
    rng = np.random.default_rng(1)
    tensor = rng.normal(size=(6, 2, 3))
    attrs = provenance(i64=-7, big=2**64 - 1, real=0.035, text="Green Book £", ints=[1, 2, 3],
                       reals=np.array([0.035, 0.03]), texts=["social", "economic"], flag=True,
                       np_scalar=np.float64(1.5))
    with rf.ResultsWriter(path, attrs) as w:
        w.add_coordinate("option", np.array(["retrofit", "apprenticeships", "solar"]),
                         {"long_name": "investment option"})
        w.add_coordinate("year", np.array([2025, 2026]), {"units": "calendar year"})
        w.add_coordinate("node", np.array(["jobs", "wellbeing", "carbon"]))
        w.add_unlimited_dimension("draw")
        w.add_variable("pv_benefits", ("option", "year"), np.arange(6.0).reshape(3, 2),
                       {"units": "GBP (2024 prices)", "long_name": "present value of benefits"})
        w.add_variable("jobs", ("option",), np.array([10, -20, 2**62]), {"units": "jobs"})
        w.add_variable("selected", ("option",), np.array([True, False, True]))
        w.add_variable("lever", ("option",), np.array(["employer", "anchor é", ""]))
        w.add_variable("bcr", (), np.float64(1.75), {"units": "1"})
        w.create_extendible("tensor", ("draw", "year", "node"), attrs={"units": "GBP"}, chunk_rows=4)
        w.create_extendible("rank", ("draw",), dtype="int64")
        for lo, hi in [(0, 3), (3, 4), (4, 6)]:
            w.append("tensor", tensor[lo:hi])
            w.append("rank", np.arange(lo, hi))
        assert w.rows("tensor") == 6
        w.add_coordinate("baseline/option", np.array(["retrofit"]))
        w.add_variable("baseline/pv", ("option", "year"), np.array([[9.0, 8.0]]), {"units": "GBP"})
        w.set_attribute("scenario_name", "baseline", group="baseline")
    return tensor


@pytest.fixture
def full(tmp_path):
    path = tmp_path / "run.h5"
    tensor = full_file(path)
    return path, tensor


# --- round trips -----------------------------------------------------------------------------------------------

def test_round_trip_of_every_type(full):
    path, tensor = full
    variables, coords, attrs = rf.read(path)
    assert list(coords) == ["option", "year", "node", "baseline/option"]
    assert coords["option"].data.tolist() == ["retrofit", "apprenticeships", "solar"]
    assert coords["option"].attrs == {"long_name": "investment option"}
    assert coords["year"].data.dtype == np.int64 and coords["year"].data.tolist() == [2025, 2026]
    assert variables["pv_benefits"].dims == ("option", "year")
    np.testing.assert_array_equal(variables["pv_benefits"].data, np.arange(6.0).reshape(3, 2))
    assert variables["pv_benefits"].attrs == {"units": "GBP (2024 prices)", "long_name": "present value of benefits"}
    assert variables["jobs"].data.dtype == np.int64 and variables["jobs"].data.tolist() == [10, -20, 2**62]
    assert variables["selected"].data.tolist() == [1, 0, 1]  # bool is stored as int64
    assert variables["lever"].data.tolist() == ["employer", "anchor é", ""]
    assert variables["bcr"].dims == () and variables["bcr"].data.shape == () and variables["bcr"].data == 1.75
    assert variables["tensor"].dims == ("draw", "year", "node")
    np.testing.assert_array_equal(variables["tensor"].data, tensor)
    assert variables["rank"].data.tolist() == list(range(6))
    assert variables["baseline/pv"].dims == ("option", "year")
    assert coords["baseline/option"].data.tolist() == ["retrofit"]

    assert attrs["i64"] == -7 and attrs["big"] == 2**64 - 1 and attrs["real"] == 0.035
    assert attrs["text"] == "Green Book £" and attrs["flag"] == 1 and attrs["np_scalar"] == 1.5
    np.testing.assert_array_equal(attrs["ints"], [1, 2, 3])
    np.testing.assert_array_equal(attrs["reals"], [0.035, 0.03])
    assert attrs["texts"] == ["social", "economic"]


def test_provenance_attributes(full):
    path, _ = full
    attrs = rf.check(path)
    assert attrs["file_type"] == "socval-results" == rf.FILE_TYPE
    assert tuple(attrs["format_version"]) == rf.FORMAT_VERSION
    assert attrs["socval_version"] == socval.__version__
    assert attrs["seed"] == 42 and attrs["draws"] == 6 and attrs["sampler"] == "lhs"
    assert attrs["scenario_text"] == SCENARIO
    assert attrs["scenario_hash"] == hashlib.sha256(SCENARIO.encode("utf-8")).hexdigest()
    assert attrs["value_library_version"] == "2024.1"
    assert attrs["git_revision"] == rf.git_revision()
    created = dt.datetime.fromisoformat(attrs["created"].replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.timezone.utc) - created).total_seconds()) < 120


def test_write_then_read_then_write_again_is_identical(tmp_path):
    first = tmp_path / "a.h5"
    rf.write(first,
             variables={"npsv": (("draw",), np.linspace(-1, 1, 5), {"units": "GBP"}),
                        "value": (("draw", "priority"), np.ones((5, 2))),
                        "s1/npsv": (("draw",), np.zeros(5))},
             coords={"priority": (np.array(["health", "jobs"]), {"long_name": "priority"})},
             attrs=provenance(note="first"))
    v1, c1, a1 = rf.read(first)
    second = tmp_path / "b.h5"
    rf.write(second, v1, c1, a1)
    v2, c2, a2 = rf.read(second)
    assert v1.keys() == v2.keys() and c1.keys() == c2.keys()
    for k in v1:
        assert v1[k].dims == v2[k].dims and v1[k].attrs == v2[k].attrs
        np.testing.assert_array_equal(v1[k].data, v2[k].data)
    for k in c1:
        np.testing.assert_array_equal(c1[k].data, c2[k].data)
    same = {"seed", "draws", "sampler", "scenario_text", "scenario_hash", "note", "git_revision"}
    assert {k: a1[k] for k in same} == {k: a2[k] for k in same}


def test_read_variable_slices_along_the_first_dimension(full):
    path, tensor = full
    v = rf.read_variable(path, "tensor", 2, 5)
    assert v.dims == ("draw", "year", "node") and v.attrs == {"units": "GBP"}
    np.testing.assert_array_equal(v.data, tensor[2:5])
    np.testing.assert_array_equal(rf.read_variable(path, "tensor", -2).data, tensor[-2:])
    assert rf.read_variable(path, "rank", 4, 100).data.tolist() == [4, 5]
    assert rf.read_variable(path, "rank", 5, 2).data.shape == (0,)
    assert rf.read_variable(path, "option").data.tolist() == ["retrofit", "apprenticeships", "solar"]


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
                  elements=st.floats(allow_nan=True, allow_infinity=True, width=64)))
def test_any_float_array_round_trips_bit_exactly(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("prop") / "x.h5"
    dims = tuple(f"d{i}" for i in range(data.ndim))
    rf.write(path, {"x": (dims, data)}, attrs=provenance())
    back = rf.read_variable(path, "x")
    assert back.dims == dims
    assert back.data.tobytes() == np.ascontiguousarray(data).tobytes()


# --- what other tools see --------------------------------------------------------------------------------------

def test_xarray_sees_named_dimensions_values_and_units(full):
    path, tensor = full
    with rf.open_dataset(path) as ds:
        assert ds["pv_benefits"].dims == ("option", "year")
        assert ds["pv_benefits"].attrs["units"] == "GBP (2024 prices)"
        assert ds["pv_benefits"].sel(option="solar", year=2026).item() == 5.0
        assert list(ds["option"].values) == ["retrofit", "apprenticeships", "solar"]
        assert isinstance(ds["option"].values[0], str)
        assert ds["tensor"].dims == ("draw", "year", "node") and ds.sizes["draw"] == 6
        np.testing.assert_array_equal(ds["tensor"].values, tensor)
        assert ds["jobs"].dtype == np.int64 and ds["bcr"].item() == 1.75
        assert ds.attrs["file_type"] == "socval-results" and ds.attrs["seed"] == 42
        assert ds.attrs["scenario_text"] == SCENARIO
    with rf.open_dataset(path, group="baseline") as g:
        assert g["pv"].dims == ("option", "year")
        assert list(g["option"].values) == ["retrofit"]
        assert g.attrs["scenario_name"] == "baseline"
    # xarray without our check opens it too.
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert ds["pv_benefits"].dims == ("option", "year")


def test_h5netcdf_and_h5py_see_the_same(full):
    path, tensor = full
    with h5netcdf.File(path, "r") as f:
        assert f.variables["tensor"].dimensions == ("draw", "year", "node")
        assert f.dimensions["draw"].isunlimited() and f.dimensions["draw"].size == 6
        assert f.variables["pv_benefits"].attrs["units"] == "GBP (2024 prices)"
        assert f.groups["baseline"].variables["pv"].dimensions == ("option", "year")
    with h5py.File(path, "r") as f:
        assert f.attrs["file_type"] == "socval-results"
        assert list(f.attrs["format_version"]) == list(rf.FORMAT_VERSION)
        assert f["pv_benefits"].dtype == np.float64 and f["jobs"].dtype == np.int64
        assert [d[0].name for d in f["pv_benefits"].dims] == ["/option", "/year"]
        assert [d[0].name for d in f["baseline/pv"].dims] == ["/baseline/option", "/year"]
        np.testing.assert_array_equal(f["tensor"][...], tensor)
        assert f["tensor"].maxshape == (None, 2, 3) and f["tensor"].chunks == (4, 2, 3)
        assert f["option"].asstr()[...].tolist() == ["retrofit", "apprenticeships", "solar"]
        assert h5py.check_string_dtype(f["option"].dtype).encoding == "utf-8"
        assert f["pv_benefits"].attrs["units"] == "GBP (2024 prices)"


# --- bad files -------------------------------------------------------------------------------------------------

def test_missing_file(tmp_path):
    with pytest.raises(socval.ResultsFileError, match="does not exist"):
        rf.read(tmp_path / "nothing.h5")


def test_text_file_is_not_hdf5(tmp_path):
    path = tmp_path / "results.h5"
    path.write_text("npsv,bcr\n1,2\n")
    with pytest.raises(socval.ResultsFileError, match=r"is not an HDF5 file.*Results\.save\(\)"):
        rf.read(path)
    with pytest.raises(socval.ResultsFileError, match="is not an HDF5 file"):
        rf.open_dataset(path)


def test_truncated_file(full):
    path, _ = full
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(socval.ResultsFileError, match="truncated or damaged") as e:
        rf.read(path)
    assert str(path) in str(e.value) and "write it again" in str(e.value)


def test_hdf5_file_that_is_not_ours(tmp_path):
    path = tmp_path / "foreign.h5"
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(socval.ResultsFileError, match="not a socval results file.*no root attribute 'file_type'"):
        rf.read(path)
    with h5py.File(path, "a") as f:
        f.attrs["file_type"] = "openmc-statepoint"
    with pytest.raises(socval.ResultsFileError, match="'openmc-statepoint', expected 'socval-results'"):
        rf.open_dataset(path)


def test_newer_major_version_asks_to_upgrade(full):
    path, _ = full
    with h5py.File(path, "a") as f:
        f.attrs["format_version"] = np.array([rf.FORMAT_VERSION[0] + 1, 0], dtype=np.int64)
        f.attrs["socval_version"] = "9.1.0"
    for reader in (rf.read, rf.check, rf.open_dataset):
        with pytest.raises(socval.ResultsFileError) as e:
            reader(path)
        message = str(e.value)
        assert "written by a newer socval (version 9.1.0" in message
        assert "Upgrade socval" in message and str(path) in message


def test_newer_minor_version_is_read_and_unknown_parts_ignored(full):
    path, tensor = full
    with h5py.File(path, "a") as f:
        f.attrs["format_version"] = np.array([rf.FORMAT_VERSION[0], rf.FORMAT_VERSION[1] + 2], dtype=np.int64)
        pair = np.dtype([("low", "f8"), ("high", "f8")])
        f.attrs.create("interval", np.array((1.0, 2.0), dtype=pair))
        f.create_dataset("intervals", data=np.zeros(3, dtype=pair))
    variables, _, attrs = rf.read(path)
    assert "intervals" not in variables and "interval" not in attrs
    np.testing.assert_array_equal(variables["tensor"].data, tensor)


def test_missing_required_attribute(full):
    path, _ = full
    with h5py.File(path, "a") as f:
        del f.attrs["scenario_text"]
    with pytest.raises(socval.ResultsFileError, match="missing the required root attribute 'scenario_text'"):
        rf.read(path)


def test_missing_variable_lists_what_is_there(full):
    path, _ = full
    with pytest.raises(socval.ResultsFileError, match=r"has no variable 'npsv'; it holds: option, year, node, "
                                                      r"pv_benefits"):
        rf.read_variable(path, "npsv")
    with pytest.raises(socval.ResultsFileError, match="has no group 'policy'; its groups are: baseline"):
        rf.open_dataset(path, group="policy")


# --- atomic writes ---------------------------------------------------------------------------------------------

def test_writer_dropped_without_commit_leaves_nothing(tmp_path):
    w = rf.ResultsWriter(tmp_path / "run.h5", provenance())
    w.add_unlimited_dimension("draw")
    w.create_extendible("npsv", ("draw",))
    w.append("npsv", np.ones(1000))
    assert [p.name for p in tmp_path.iterdir()] != []  # the temporary file exists meanwhile
    assert not (tmp_path / "run.h5").exists()
    del w
    gc.collect()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_error_inside_writer_leaves_existing_file_untouched(tmp_path, error):
    path = tmp_path / "run.h5"
    rf.write(path, {"npsv": (("draw",), np.arange(3.0))}, attrs=provenance())
    before = path.read_bytes()
    with pytest.raises(error):
        with rf.ResultsWriter(path, provenance()) as w:
            w.add_unlimited_dimension("draw")
            w.create_extendible("npsv", ("draw",))
            w.append("npsv", np.zeros(10))
            raise error("interrupted")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["run.h5"]


def test_failed_write_leaves_existing_file_untouched(tmp_path):
    path = tmp_path / "run.h5"
    rf.write(path, {"npsv": (("draw",), np.arange(3.0))}, attrs=provenance())
    before = path.read_bytes()
    with pytest.raises(socval.ResultsFileError, match="length 4 along dimension 'draw', but 'draw' has length 3"):
        rf.write(path, {"a": (("draw",), np.zeros(3)), "b": (("draw",), np.zeros(4))}, attrs=provenance())
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["run.h5"]


def test_unwritable_locations(tmp_path):
    data = {"x": (("d",), np.zeros(2))}
    with pytest.raises(socval.ResultsFileError, match="folder '.*missing' does not exist"):
        rf.write(tmp_path / "missing" / "run.h5", data, attrs=provenance())
    with pytest.raises(socval.ResultsFileError, match="cannot create a file in the folder '/proc'"):
        rf.write("/proc/run.h5", data, attrs=provenance())
    if os.geteuid() != 0:  # root ignores permission bits
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        try:
            with pytest.raises(socval.ResultsFileError, match="Permission denied"):
                rf.write(ro / "run.h5", data, attrs=provenance())
        finally:
            ro.chmod(0o755)


# --- bad arguments ---------------------------------------------------------------------------------------------

def test_bad_arguments_are_results_file_errors(tmp_path):
    p = tmp_path / "x.h5"
    ok = {"x": (("d",), np.zeros(2))}
    with pytest.raises(socval.ResultsFileError, match="missing required attribute.*seed"):
        rf.write(p, ok, attrs={"draws": 1})
    with pytest.raises(socval.ResultsFileError, match="'seed' must be a non-negative integer"):
        rf.write(p, ok, attrs=provenance(seed=-1))
    with pytest.raises(socval.ResultsFileError, match="'sampler' must be a string"):
        rf.write(p, ok, attrs=provenance(sampler=3))
    with pytest.raises(socval.ResultsFileError, match="'x' has 1 dimension.*2 name"):
        rf.write(p, {"x": (("a", "b"), np.zeros(2))}, attrs=provenance())
    with pytest.raises(socval.ResultsFileError, match="elements of type complex128"):
        rf.write(p, {"x": (("d",), np.zeros(2, dtype=complex))}, attrs=provenance())
    with pytest.raises(socval.ResultsFileError, match="elements of type object"):
        rf.write(p, {"x": (("d",), np.array([1, "a"], dtype=object))}, attrs=provenance())
    with pytest.raises(socval.ResultsFileError, match="attribute 'x.units' must be a number, a string"):
        rf.write(p, {"x": (("d",), np.zeros(2), {"units": {"a": 1}})}, attrs=provenance())
    with pytest.raises(socval.ResultsFileError, match=r"must be given as \(dims, data\)"):
        rf.write(p, {"x": np.zeros(2)}, attrs=provenance())
    with pytest.raises(socval.ResultsFileError, match="CLASS.*reserved"):
        rf.write(p, ok, attrs=provenance(CLASS="x"))
    assert list(tmp_path.iterdir()) == []
