/// Python bindings of the io area (socval._core.io): results file writer and reader, typed and thin.
/// The user-facing API is python/socval/results_file.py.
#include "bindings.hpp"

#include <socval/errors.hpp>
#include <socval/io.hpp>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <optional>

namespace py = pybind11;
using namespace pybind11::literals;

namespace socval::bindings {

namespace {

using io::ResultsReader;
using io::ResultsWriter;
template <typename T>
using CArray = py::array_t<T, py::array::c_style | py::array::forcecast>;

io::DataType parse_type(const std::string& dtype) {
    if (dtype == "float64") return io::DataType::float64;
    if (dtype == "int64") return io::DataType::int64;
    throw ResultsFileError("dtype must be 'float64' or 'int64', got '" + dtype + "'");
}

/// Rows [start, stop) of a numeric variable as an array of its shape (first axis cut to the rows read).
template <typename T>
py::array_t<T> read_numeric(const ResultsReader& r, const std::string& name, std::optional<std::size_t> start,
                            std::optional<std::size_t> stop) {
    io::VariableInfo info;
    {
        py::gil_scoped_release release;
        info = r.variable(name);
    }
    std::vector<py::ssize_t> shape(info.shape.begin(), info.shape.end());
    std::size_t begin = 0, count = 1;
    if (!shape.empty()) {
        begin = start.value_or(0);
        const std::size_t end = stop.value_or(info.shape[0]);
        count = end >= begin ? end - begin : 0;
        shape[0] = static_cast<py::ssize_t>(count);
    } else if (start || stop) {
        throw ResultsFileError("results file '" + r.path() + "': variable '" + name + "' is a scalar: read it whole");
    }
    py::array_t<T> out(shape);
    T* data = out.mutable_data();
    {
        py::gil_scoped_release release;
        r.read_rows(name, begin, count, data);
    }
    return out;
}

}  // namespace

void bind_io(py::module_& m) {
    m.doc() = "socval core: io (HDF5 results files; use socval.results_file)";
    m.def("layout_digest", &io::results_layout_digest, "path"_a, py::call_guard<py::gil_scoped_release>(),
          "The layout checksum a format 1.1 results file records (for tests and tools that edit files).");
    m.def("reseal", &io::reseal_results_file, "path"_a, py::call_guard<py::gil_scoped_release>(),
          "Record a results file's layout and file checksums again after a deliberate edit (tests, tools).");
    m.attr("FORMAT_VERSION") = py::make_tuple(io::results_format_version.major, io::results_format_version.minor);
    m.attr("FILE_TYPE") = io::results_file_type;
    m.def("sha256_hex", &io::sha256_hex, "data"_a, "SHA-256 of the UTF-8 bytes of `data`, as 64 hex digits.");

    py::class_<io::Provenance>(m, "Provenance", "Required root attributes of a results file.")
        .def(py::init<>())
        .def_readwrite("socval_version", &io::Provenance::socval_version)
        .def_readwrite("git_revision", &io::Provenance::git_revision)
        .def_readwrite("seed", &io::Provenance::seed)
        .def_readwrite("draws", &io::Provenance::draws)
        .def_readwrite("sampler", &io::Provenance::sampler)
        .def_readwrite("scenario_text", &io::Provenance::scenario_text)
        .def_readwrite("value_library_version", &io::Provenance::value_library_version);

    py::class_<io::VariableInfo>(m, "VariableInfo", "One stored array: name, dtype, dims, shape, attrs.")
        .def_readonly("name", &io::VariableInfo::name)
        .def_property_readonly("dtype", [](const io::VariableInfo& v) { return io::to_string(v.type); })
        .def_readonly("dims", &io::VariableInfo::dims)
        .def_readonly("shape", &io::VariableInfo::shape)
        .def_readonly("attrs", &io::VariableInfo::attrs)
        .def_readonly("is_coordinate", &io::VariableInfo::is_coordinate);

    py::class_<ResultsWriter>(m, "ResultsWriter", "Writes a results file to a temporary file; commit() renames it.")
        .def(py::init<std::string>(), "final_path"_a)
        .def("set_provenance", &ResultsWriter::set_provenance, "provenance"_a)
        .def("set_attribute", &ResultsWriter::set_attribute, "name"_a, "value"_a, "group"_a = "")
        .def("set_variable_attribute", &ResultsWriter::set_variable_attribute, "variable"_a, "name"_a, "value"_a)
        .def("create_group", &ResultsWriter::create_group, "group"_a)
        .def("add_dimension", &ResultsWriter::add_dimension, "name"_a, "size"_a)
        .def("add_unlimited_dimension", &ResultsWriter::add_unlimited_dimension, "name"_a)
        .def("add_coordinate_float64",
             [](ResultsWriter& w, const std::string& name, CArray<double> values, const io::Attributes& attrs) {
                 w.add_coordinate(name, std::vector<double>(values.data(), values.data() + values.size()), attrs);
             },
             "name"_a, "values"_a, "attrs"_a = io::Attributes{})
        .def("add_coordinate_int64",
             [](ResultsWriter& w, const std::string& name, CArray<std::int64_t> values, const io::Attributes& attrs) {
                 w.add_coordinate(name, std::vector<std::int64_t>(values.data(), values.data() + values.size()),
                                  attrs);
             },
             "name"_a, "values"_a, "attrs"_a = io::Attributes{})
        .def("add_coordinate_strings",
             py::overload_cast<const std::string&, const std::vector<std::string>&, const io::Attributes&>(
                 &ResultsWriter::add_coordinate),
             "name"_a, "values"_a, "attrs"_a = io::Attributes{})
        .def("add_variable_float64",
             [](ResultsWriter& w, const std::string& name, const std::vector<std::string>& dims, CArray<double> data,
                const io::Attributes& attrs) {
                 const double* p = data.data();
                 const auto n = static_cast<std::size_t>(data.size());
                 py::gil_scoped_release release;
                 w.add_variable(name, dims, p, n, attrs);
             },
             "name"_a, "dims"_a, "data"_a, "attrs"_a = io::Attributes{})
        .def("add_variable_int64",
             [](ResultsWriter& w, const std::string& name, const std::vector<std::string>& dims,
                CArray<std::int64_t> data, const io::Attributes& attrs) {
                 const std::int64_t* p = data.data();
                 const auto n = static_cast<std::size_t>(data.size());
                 py::gil_scoped_release release;
                 w.add_variable(name, dims, p, n, attrs);
             },
             "name"_a, "dims"_a, "data"_a, "attrs"_a = io::Attributes{})
        .def("add_variable_strings",
             py::overload_cast<const std::string&, const std::vector<std::string>&, const std::vector<std::string>&,
                               const io::Attributes&>(&ResultsWriter::add_variable),
             "name"_a, "dims"_a, "data"_a, "attrs"_a = io::Attributes{})
        .def("create_extendible",
             [](ResultsWriter& w, const std::string& name, const std::vector<std::string>& dims,
                const std::string& dtype, const io::Attributes& attrs, std::size_t chunk_rows, int deflate) {
                 w.create_extendible(name, dims, parse_type(dtype), attrs, chunk_rows, deflate);
             },
             "name"_a, "dims"_a, "dtype"_a = "float64", "attrs"_a = io::Attributes{}, "chunk_rows"_a = 0,
             "deflate"_a = 0)
        .def("append_float64",
             [](ResultsWriter& w, const std::string& name, CArray<double> block) {
                 const double* p = block.data();
                 const auto n = static_cast<std::size_t>(block.size());
                 py::gil_scoped_release release;
                 w.append(name, p, n);
             },
             "name"_a, "block"_a)
        .def("append_int64",
             [](ResultsWriter& w, const std::string& name, CArray<std::int64_t> block) {
                 const std::int64_t* p = block.data();
                 const auto n = static_cast<std::size_t>(block.size());
                 py::gil_scoped_release release;
                 w.append(name, p, n);
             },
             "name"_a, "block"_a)
        .def("rows", &ResultsWriter::rows, "name"_a)
        .def("commit", &ResultsWriter::commit, py::call_guard<py::gil_scoped_release>())
        .def("discard", &ResultsWriter::discard)
        .def_property_readonly("final_path", &ResultsWriter::final_path)
        .def_property_readonly("temporary_path", &ResultsWriter::temporary_path)
        .def_property_readonly("committed", &ResultsWriter::committed);

    py::class_<ResultsReader>(m, "ResultsReader", "Opens and checks a results file, then reads it.")
        .def(py::init<std::string>(), "path"_a, py::call_guard<py::gil_scoped_release>())
        .def_property_readonly("path", &ResultsReader::path)
        .def_property_readonly("checked", &ResultsReader::checked)
        .def_property_readonly("format_version",
                               [](const ResultsReader& r) {
                                   return py::make_tuple(r.format_version().major, r.format_version().minor);
                               })
        .def("provenance", &ResultsReader::provenance)
        .def("attributes", &ResultsReader::attributes, "group"_a = "")
        .def("groups", &ResultsReader::groups)
        .def("variables", &ResultsReader::variables)
        .def("has_variable", &ResultsReader::has_variable, "name"_a)
        .def("variable", &ResultsReader::variable, "name"_a)
        .def("read_float64", &read_numeric<double>, "name"_a, "start"_a = py::none(), "stop"_a = py::none())
        .def("read_int64", &read_numeric<std::int64_t>, "name"_a, "start"_a = py::none(), "stop"_a = py::none())
        .def("read_strings", &ResultsReader::read_strings, "name"_a, py::call_guard<py::gil_scoped_release>());
}

}  // namespace socval::bindings
