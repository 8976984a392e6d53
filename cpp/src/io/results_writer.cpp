/// ResultsWriter: a results file written to a temporary file and renamed into place by commit().
#include "hdf5_util.hpp"

#include <socval/errors.hpp>
#include <socval/io/results_file.hpp>
#include <socval/io/sha256.hpp>

#include <hdf5_hl.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>
#include <set>

#ifndef SOCVAL_VERSION
#define SOCVAL_VERSION "unknown"
#endif

namespace socval::io {

using detail::check;
using detail::check_status;
using detail::fail;
using detail::Handle;

const char* to_string(DataType type) {
    switch (type) {
        case DataType::float64: return "float64";
        case DataType::int64: return "int64";
        case DataType::string: return "string";
    }
    return "unknown";
}

namespace {

namespace fs = std::filesystem;

/// Root attribute names the writer manages itself (set_attribute refuses them).
const std::set<std::string>& provenance_names() {
    static const std::set<std::string> names = {
        "file_type", "format_version", "socval_version", "git_revision", "created", "seed", "draws",
        "sampler", "scenario_text", "scenario_hash", "value_library_version"};
    return names;
}

/// Current time as ISO 8601 UTC, e.g. 2025-01-31T12:00:00Z.
std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/// `<final>.tmp-<pid>-<8 random hex digits>`.
std::string temporary_name(const std::string& final_path) {
    std::random_device rd;
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rd()));
    return final_path + ".tmp-" + std::to_string(static_cast<long>(::getpid())) + "-" + suffix;
}

/// Flush a file's (or folder's) data to disk; false if that failed.
bool fsync_path(const std::string& path, bool directory) {
    const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

hid_t file_type_of(DataType type) { return type == DataType::int64 ? H5T_STD_I64LE : H5T_IEEE_F64LE; }
hid_t memory_type_of(DataType type) { return type == DataType::int64 ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE; }

std::size_t product(const std::vector<hsize_t>& shape, std::size_t from = 0) {
    std::size_t n = 1;
    for (std::size_t i = from; i < shape.size(); ++i) n *= static_cast<std::size_t>(shape[i]);
    return n;
}

}  // namespace

/// A named dimension: its size (current size if unlimited) and its dimension-scale dataset.
struct Dimension {
    std::size_t size = 0;
    bool unlimited = false;
    Handle scale;
};

/// A variable created by create_extendible(), kept open for fast appends.
struct Extendible {
    Handle dataset;
    DataType type = DataType::float64;
    std::vector<hsize_t> shape;  // current shape; shape[0] = rows written
    std::string first_dim;       // full path of the unlimited dimension
};

struct ResultsWriter::Impl {
    std::string final_path;
    std::string tmp_path;
    Handle file;
    std::map<std::string, Dimension> dims;          // by full path ("draw", "baseline/option")
    std::map<std::string, Extendible> extendibles;  // by full path
    bool provenance_set = false;
    bool committed = false;

    /// Fail unless the file is still being written.
    void check_open() const {
        if (committed) fail(final_path, "the writer has already committed this file; start a new ResultsWriter", false);
        if (!file) fail(final_path, "the writer was discarded after an error; start a new ResultsWriter", false);
    }

    /// Open `group` (full path, "" = root), creating it and its parents if needed.
    Handle open_group(const std::string& group) {
        if (group.empty()) return detail::group_handle(check(H5Gopen2(file.get(), "/", H5P_DEFAULT), final_path,
                                                             "cannot open the root group"));
        std::size_t start = 0;
        while (true) {
            const auto slash = group.find('/', start);
            const std::string prefix = slash == std::string::npos ? group : group.substr(0, slash);
            const htri_t exists = H5Lexists(file.get(), prefix.c_str(), H5P_DEFAULT);
            check_status(exists, final_path, "cannot look up group '" + prefix + "'");
            if (exists == 0) {
                Handle gcpl = detail::plist_handle(check(H5Pcreate(H5P_GROUP_CREATE), final_path, "cannot create group"));
                H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
                Handle g = detail::group_handle(check(
                    H5Gcreate2(file.get(), prefix.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), final_path,
                    "cannot create group '" + prefix + "'"));
            } else if (H5Oexists_by_name(file.get(), prefix.c_str(), H5P_DEFAULT) > 0) {
                H5O_info_t info{};
                check_status(H5Oget_info_by_name(file.get(), prefix.c_str(), &info, H5P_DEFAULT), final_path,
                             "cannot look up '" + prefix + "'");
                if (info.type != H5O_TYPE_GROUP) {
                    fail(final_path, "'" + prefix + "' is a variable, so it cannot also be a group", false);
                }
            }
            if (slash == std::string::npos) break;
            start = slash + 1;
        }
        return detail::group_handle(
            check(H5Gopen2(file.get(), group.c_str(), H5P_DEFAULT), final_path, "cannot open group '" + group + "'"));
    }

    /// Normalise a new object's name, create its group, and check nothing of that name exists yet.
    std::string new_name(const std::string& name, const std::string& kind) {
        check_open();
        const std::string n = detail::normalise_name(name, final_path, kind);
        open_group(detail::split_path(n).first);
        if (detail::path_exists(file.get(), n)) {
            fail(final_path, kind + " '" + n + "' already exists: each name can be written once", false);
        }
        return n;
    }

    /// Full path of dimension `dim` as seen from `group`: netCDF scoping, own group first, then parents.
    const std::string& resolve_dim(const std::string& group, const std::string& dim, const std::string& variable) {
        std::string g = group;
        while (true) {
            const std::string candidate = g.empty() ? dim : g + "/" + dim;
            auto it = dims.find(candidate);
            if (it != dims.end()) return it->first;
            if (g.empty()) break;
            g = detail::split_path(g).first;
        }
        std::string known;
        for (const auto& [name, d] : dims) known += (known.empty() ? "" : ", ") + name;
        fail(final_path,
             "variable '" + variable + "' uses dimension '" + dim +
                 "', which is not defined in its group or a parent group; add it first with add_dimension, "
                 "add_unlimited_dimension or add_coordinate (defined: " +
                 (known.empty() ? "none" : known) + ")",
             false);
    }

    /// Shape of fixed dimensions `dim_names` for `variable` (fails on an unlimited one).
    std::vector<std::string> resolve_fixed(const std::string& variable, const std::vector<std::string>& dim_names,
                                           std::vector<hsize_t>& shape) {
        const std::string group = detail::split_path(variable).first;
        std::vector<std::string> full;
        for (const auto& d : dim_names) {
            const std::string& path = resolve_dim(group, d, variable);
            const Dimension& dim = dims.at(path);
            if (dim.unlimited) {
                fail(final_path,
                     "variable '" + variable + "' uses the unlimited dimension '" + d +
                         "': create it with create_extendible() and append() to it",
                     false);
            }
            shape.push_back(static_cast<hsize_t>(dim.size));
            full.push_back(path);
        }
        return full;
    }

    /// Create a dataset; `maxshape` empty for a fixed shape.
    Handle create_dataset(const std::string& name, hid_t type, const std::vector<hsize_t>& shape,
                          const std::vector<hsize_t>& maxshape, hid_t dcpl, hid_t dapl) {
        const std::string what = "cannot create variable '" + name + "'";
        Handle space = shape.empty()
                           ? detail::space_handle(check(H5Screate(H5S_SCALAR), final_path, what))
                           : detail::space_handle(check(
                                 H5Screate_simple(static_cast<int>(shape.size()), shape.data(),
                                                  maxshape.empty() ? nullptr : maxshape.data()),
                                 final_path, what));
        return detail::dataset_handle(
            check(H5Dcreate2(file.get(), name.c_str(), type, space.get(), H5P_DEFAULT, dcpl, dapl), final_path,
                  what));
    }

    /// Create a fixed-shape dataset guarded against damage: numeric data with at least one value and rank >= 1 are
    /// chunked with HDF5's Fletcher-32 filter (checked by HDF5 on every read, by any reader); anything else
    /// (strings, scalars) gets the SHA-256 of its data in the checksum attribute, checked by ResultsReader.
    Handle create_guarded(const std::string& name, hid_t type, bool numeric, const std::vector<hsize_t>& shape,
                          const std::string& digest) {
        const std::string what = "cannot create variable '" + name + "'";
        const std::size_t n = product(shape);
        const bool fletcher = numeric && !shape.empty() && n > 0 && product(shape, 1) * 8 < (std::size_t(1) << 30);
        Handle dcpl = detail::plist_handle(check(H5Pcreate(H5P_DATASET_CREATE), final_path, what));
        if (fletcher) {
            std::vector<hsize_t> chunk(shape.begin(), shape.end());
            chunk[0] = std::max<std::size_t>(1, std::min<std::size_t>(shape[0], (std::size_t(1) << 20) /
                                                                                    (product(shape, 1) * 8)));
            check_status(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), final_path, what);
            check_status(H5Pset_fletcher32(dcpl.get()), final_path, what);
        }
        Handle ds = create_dataset(name, type, shape, {}, dcpl.get(), H5P_DEFAULT);
        if (!fletcher && n > 0) detail::write_attribute(ds.get(), detail::checksum_attribute, digest, final_path);
        return ds;
    }

    /// Attach the dimension scales of `dim_paths` to the axes of `dataset` (netCDF named dimensions).
    void attach(hid_t dataset, const std::string& name, const std::vector<std::string>& dim_paths) {
        for (std::size_t i = 0; i < dim_paths.size(); ++i) {
            check_status(H5DSattach_scale(dataset, dims.at(dim_paths[i]).scale.get(), static_cast<unsigned>(i)),
                         final_path, "cannot attach dimension '" + dim_paths[i] + "' to variable '" + name + "'");
        }
    }

    void write_attributes(hid_t obj, const std::string& name, const Attributes& attrs) {
        for (const auto& [key, value] : attrs) {
            if (detail::is_bookkeeping_attribute(key)) {
                fail(final_path, "attribute name '" + key + "' of '" + name +
                                     "' is reserved by HDF5 dimension scales / netCDF-4; choose another name",
                     false);
            }
            detail::write_attribute(obj, key, value, final_path);
        }
    }

    /// A dimension scale dataset without values, named as netCDF-4 names a dimension that is not a variable.
    void add_dimension(const std::string& name, std::size_t size, bool unlimited) {
        const std::string n = new_name(name, "dimension");
        Handle dcpl = detail::plist_handle(check(H5Pcreate(H5P_DATASET_CREATE), final_path, "cannot create dimension"));
        std::vector<hsize_t> maxshape;
        if (unlimited) {
            maxshape = {H5S_UNLIMITED};
            const hsize_t chunk[1] = {1024};
            check_status(H5Pset_chunk(dcpl.get(), 1, chunk), final_path, "cannot create dimension '" + n + "'");
        }
        Handle ds = create_dataset(n, H5T_IEEE_F32BE, {static_cast<hsize_t>(size)}, maxshape, dcpl.get(),
                                   H5P_DEFAULT);
        char label[128];
        std::snprintf(label, sizeof label, "%s%10zu", detail::netcdf_dimension_only, size);
        check_status(H5DSset_scale(ds.get(), label), final_path, "cannot make '" + n + "' a dimension");
        dims[n] = Dimension{size, unlimited, std::move(ds)};
    }

    /// A coordinate: a 1-D dataset of values that is also the dimension scale of its own name.
    void add_coordinate(const std::string& name, hid_t file_type, hid_t mem_type, std::size_t n_values,
                        const void* data, const Attributes& attrs, const std::string& digest) {
        const std::string n = new_name(name, "coordinate");
        Handle ds = create_guarded(n, file_type, digest.empty(), {static_cast<hsize_t>(n_values)}, digest);
        if (n_values > 0) {
            check_status(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), final_path,
                         "cannot write coordinate '" + n + "'");
        }
        check_status(H5DSset_scale(ds.get(), detail::split_path(n).second.c_str()), final_path,
                     "cannot make '" + n + "' a dimension");
        write_attributes(ds.get(), n, attrs);
        dims[n] = Dimension{n_values, false, std::move(ds)};
    }

    /// A variable over fixed dimensions, written in one go.
    void add_variable(const std::string& name, const std::vector<std::string>& dim_names, hid_t file_type,
                      hid_t mem_type, std::size_t size, const void* data, const Attributes& attrs,
                      bool strings = false, const std::string& digest = "") {
        const std::string n = new_name(name, "variable");
        std::vector<hsize_t> shape;
        const auto dim_paths = resolve_fixed(n, dim_names, shape);
        if (product(shape) != size) {
            fail(final_path,
                 "variable '" + n + "' has " + std::to_string(size) + " values but its dimensions hold " +
                     std::to_string(product(shape)),
                 false);
        }
        Handle ds = create_guarded(n, file_type, !strings, shape, strings ? digest : detail::data_digest(data, size));
        if (size > 0) {
            check_status(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), final_path,
                         "cannot write variable '" + n + "'");
        }
        attach(ds.get(), n, dim_paths);
        write_attributes(ds.get(), n, attrs);
    }

    void append(const std::string& name, DataType type, const void* data, std::size_t size) {
        check_open();
        const std::string n = detail::normalise_name(name, final_path, "variable");
        auto it = extendibles.find(n);
        if (it == extendibles.end()) {
            fail(final_path, "cannot append to '" + n + "': it was not created with create_extendible()", false);
        }
        Extendible& e = it->second;
        if (e.type != type) {
            fail(final_path, "cannot append " + std::string(to_string(type)) + " values to '" + n + "', which holds " +
                                 to_string(e.type) + " values",
                 false);
        }
        const std::size_t row = product(e.shape, 1);
        if (row == 0 || size % row != 0) {
            fail(final_path,
                 "cannot append " + std::to_string(size) + " values to '" + n + "': expected a whole number of rows of " +
                     std::to_string(row) + " values",
                 false);
        }
        const hsize_t rows = size / row;
        if (rows == 0) return;
        const std::string what = "cannot append to variable '" + n + "'";
        std::vector<hsize_t> grown = e.shape;
        grown[0] += rows;
        check_status(H5Dset_extent(e.dataset.get(), grown.data()), final_path, what);
        Handle file_space = detail::space_handle(check(H5Dget_space(e.dataset.get()), final_path, what));
        std::vector<hsize_t> start(grown.size(), 0), count = grown;
        start[0] = e.shape[0];
        count[0] = rows;
        check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                     final_path, what);
        Handle mem_space = detail::space_handle(
            check(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), final_path, what));
        check_status(
            H5Dwrite(e.dataset.get(), memory_type_of(type), mem_space.get(), file_space.get(), H5P_DEFAULT, data),
            final_path, what);
        e.shape = grown;
        Dimension& dim = dims.at(e.first_dim);
        if (dim.size < e.shape[0]) {
            const hsize_t extent[1] = {e.shape[0]};
            check_status(H5Dset_extent(dim.scale.get(), extent), final_path,
                         "cannot grow dimension '" + e.first_dim + "'");
            dim.size = e.shape[0];
        }
    }

    /// Close every handle and remove the temporary file (clean-up path: errors ignored).
    void discard() noexcept {
        // Empty the temporary file first: on a full disk this frees its space, so HDF5 can write the little
        // metadata it flushes on closing. A close that fails half-way leaves HDF5's state broken, and the library
        // then crashes in its own clean-up at exit (issue 22: exit 139 after a full disk).
        if (!tmp_path.empty()) static_cast<void>(::truncate(tmp_path.c_str(), 0));
        extendibles.clear();  // closing a dataset writes its cached chunks: room for them was just freed
        dims.clear();
        if (!tmp_path.empty()) static_cast<void>(::truncate(tmp_path.c_str(), 0));
        file.reset();
        if (!tmp_path.empty()) {
            ::unlink(tmp_path.c_str());
            tmp_path.clear();
        }
    }
};

ResultsWriter::ResultsWriter(std::string final_path) : impl_(std::make_unique<Impl>()) {
    detail::QuietErrors quiet;
    Impl& w = *impl_;
    w.final_path = std::move(final_path);
    const std::string& path = w.final_path;
    if (path.empty()) fail(path, "no output path given; pass a file name such as 'results.h5'", false);

    std::error_code ec;
    fs::path folder = fs::path(path).parent_path();
    if (folder.empty()) folder = ".";
    if (!fs::exists(folder, ec)) {
        fail(path, "cannot write it: the folder '" + folder.string() +
                       "' does not exist; create it first or choose another output path",
             false);
    }
    if (!fs::is_directory(folder, ec)) {
        fail(path, "cannot write it: '" + folder.string() + "' is not a folder; choose another output path", false);
    }
    if (fs::is_directory(path, ec)) {
        fail(path, "cannot write it: this is a folder; give a file name such as '" +
                       (fs::path(path) / "results.h5").string() + "'",
             false);
    }

    // Create the temporary file ourselves first: the operating system's reason (permission denied, read-only file
    // system, disk full) is clearer than HDF5's.
    const std::string tmp = temporary_name(path);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        fail(path, "cannot write it: cannot create a file in the folder '" + folder.string() + "' (" +
                       std::strerror(errno) + "); choose a folder you can write to",
             false);
    }
    ::close(fd);
    w.tmp_path = tmp;

    Handle fcpl = detail::plist_handle(H5Pcreate(H5P_FILE_CREATE));
    if (fcpl) H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    // A user block before the HDF5 data: commit() writes the file's checksum there (HDF5 and h5py skip it).
    if (fcpl) H5Pset_userblock(fcpl.get(), detail::user_block_size);
    // Default (weak) close degree, as h5py: commit() closes every object before the file.
    // The HDF5 1.8 object formats: object headers and the superblock carry checksums, which HDF5 checks on reading.
    Handle fapl = detail::plist_handle(H5Pcreate(H5P_FILE_ACCESS));
    if (!fapl || H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18) < 0) {
        w.discard();
        fail(path, "cannot set up the HDF5 file format", true);
    }
    const hid_t file = H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, fcpl ? fcpl.get() : H5P_DEFAULT, fapl.get());
    if (file < 0) {
        const std::string detail = detail::hdf5_error_detail();
        w.discard();
        fail(path, "cannot create the HDF5 file '" + tmp + "'" + (detail.empty() ? "" : " (HDF5: " + detail + ")"),
             false);
    }
    w.file = detail::file_handle(file);
    try {
        Handle root = w.open_group("");
        detail::write_attribute(root.get(), "file_type", std::string(results_file_type), path);
        detail::write_attribute(root.get(), "format_version",
                                std::vector<std::int64_t>{results_format_version.major, results_format_version.minor},
                                path);
    } catch (...) {
        w.discard();
        throw;
    }
}

ResultsWriter::~ResultsWriter() {
    if (impl_ && !impl_->committed) {
        detail::QuietErrors quiet;
        impl_->discard();
    }
}

ResultsWriter::ResultsWriter(ResultsWriter&&) noexcept = default;

ResultsWriter& ResultsWriter::operator=(ResultsWriter&& other) noexcept {
    if (this != &other) {
        if (impl_ && !impl_->committed) {
            detail::QuietErrors quiet;
            impl_->discard();
        }
        impl_ = std::move(other.impl_);
    }
    return *this;
}

void ResultsWriter::set_provenance(const Provenance& p) {
    detail::QuietErrors quiet;
    impl_->check_open();
    const std::string& path = impl_->final_path;
    Handle root = impl_->open_group("");
    const hid_t r = root.get();
    detail::write_attribute(r, "socval_version", p.socval_version.empty() ? std::string(SOCVAL_VERSION) : p.socval_version,
                            path);
    detail::write_attribute(r, "git_revision", p.git_revision, path);
    detail::write_attribute(r, "seed", p.seed, path);
    detail::write_attribute(r, "draws", p.draws, path);
    detail::write_attribute(r, "sampler", p.sampler, path);
    detail::write_attribute(r, "scenario_text", p.scenario_text, path);
    detail::write_attribute(r, "scenario_hash", sha256_hex(p.scenario_text), path);
    detail::write_attribute(r, "value_library_version", p.value_library_version, path);
    impl_->provenance_set = true;
}

void ResultsWriter::set_attribute(const std::string& name, const Attribute& value, const std::string& group) {
    detail::QuietErrors quiet;
    impl_->check_open();
    const std::string& path = impl_->final_path;
    const std::string g = group.empty() || group == "/" ? "" : detail::normalise_name(group, path, "group");
    if (name.empty()) fail(path, "an attribute needs a name", false);
    if (g.empty() && provenance_names().count(name) > 0) {
        fail(path, "root attribute '" + name + "' is set by the writer itself; use set_provenance()", false);
    }
    if (detail::is_bookkeeping_attribute(name)) {
        fail(path, "attribute name '" + name + "' is reserved by HDF5 dimension scales / netCDF-4", false);
    }
    Handle obj = impl_->open_group(g);
    detail::write_attribute(obj.get(), name, value, path);
}

void ResultsWriter::set_variable_attribute(const std::string& variable, const std::string& name,
                                           const Attribute& value) {
    detail::QuietErrors quiet;
    impl_->check_open();
    const std::string& path = impl_->final_path;
    const std::string v = detail::normalise_name(variable, path, "variable");
    if (!detail::path_exists(impl_->file.get(), v)) {
        fail(path, "cannot set attribute '" + name + "' of '" + v + "': no such variable", false);
    }
    if (name.empty()) fail(path, "an attribute needs a name", false);
    Handle ds = detail::dataset_handle(
        check(H5Dopen2(impl_->file.get(), v.c_str(), H5P_DEFAULT), path, "'" + v + "' is not a variable"));
    impl_->write_attributes(ds.get(), v, {{name, value}});
}

void ResultsWriter::create_group(const std::string& group) {
    detail::QuietErrors quiet;
    impl_->check_open();
    impl_->open_group(detail::normalise_name(group, impl_->final_path, "group"));
}

void ResultsWriter::add_dimension(const std::string& name, std::size_t size) {
    detail::QuietErrors quiet;
    impl_->add_dimension(name, size, false);
}

void ResultsWriter::add_unlimited_dimension(const std::string& name) {
    detail::QuietErrors quiet;
    impl_->add_dimension(name, 0, true);
}

void ResultsWriter::add_coordinate(const std::string& name, const std::vector<double>& values,
                                   const Attributes& attrs) {
    detail::QuietErrors quiet;
    impl_->add_coordinate(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.size(), values.data(), attrs, "");
}

void ResultsWriter::add_coordinate(const std::string& name, const std::vector<std::int64_t>& values,
                                   const Attributes& attrs) {
    detail::QuietErrors quiet;
    impl_->add_coordinate(name, H5T_STD_I64LE, H5T_NATIVE_INT64, values.size(), values.data(), attrs, "");
}

void ResultsWriter::add_coordinate(const std::string& name, const std::vector<std::string>& values,
                                   const Attributes& attrs) {
    detail::QuietErrors quiet;
    Handle type = detail::utf8_string_type(impl_->final_path);
    std::vector<const char*> ptrs;
    ptrs.reserve(values.size());
    for (const auto& v : values) {
        if (v.find('\0') != std::string::npos) {
            fail(impl_->final_path, "coordinate '" + name + "': a label contains a NUL character", false);
        }
        ptrs.push_back(v.c_str());
    }
    impl_->add_coordinate(name, type.get(), type.get(), values.size(), ptrs.data(), attrs, detail::data_digest(values));
}

void ResultsWriter::add_variable(const std::string& name, const std::vector<std::string>& dims, const double* data,
                                 std::size_t size, const Attributes& attrs) {
    detail::QuietErrors quiet;
    impl_->add_variable(name, dims, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, size, data, attrs);
}

void ResultsWriter::add_variable(const std::string& name, const std::vector<std::string>& dims,
                                 const std::int64_t* data, std::size_t size, const Attributes& attrs) {
    detail::QuietErrors quiet;
    impl_->add_variable(name, dims, H5T_STD_I64LE, H5T_NATIVE_INT64, size, data, attrs);
}

void ResultsWriter::add_variable(const std::string& name, const std::vector<std::string>& dims,
                                 const std::vector<std::string>& data, const Attributes& attrs) {
    detail::QuietErrors quiet;
    Handle type = detail::utf8_string_type(impl_->final_path);
    std::vector<const char*> ptrs;
    ptrs.reserve(data.size());
    for (const auto& v : data) {
        if (v.find('\0') != std::string::npos) {
            fail(impl_->final_path, "variable '" + name + "': a string contains a NUL character", false);
        }
        ptrs.push_back(v.c_str());
    }
    impl_->add_variable(name, dims, type.get(), type.get(), data.size(), ptrs.data(), attrs, true,
                        detail::data_digest(data));
}

void ResultsWriter::create_extendible(const std::string& name, const std::vector<std::string>& dim_names,
                                      DataType type, const Attributes& attrs, std::size_t chunk_rows, int deflate) {
    detail::QuietErrors quiet;
    Impl& w = *impl_;
    const std::string& path = w.final_path;
    if (type == DataType::string) {
        fail(path, "extendible variable '" + name + "': only float64 and int64 variables can be appended to", false);
    }
    if (deflate < 0 || deflate > 9) {
        fail(path, "extendible variable '" + name + "': deflate level must be 0 (none) to 9, got " +
                       std::to_string(deflate),
             false);
    }
    if (dim_names.empty()) {
        fail(path, "extendible variable '" + name + "' needs at least one dimension, the unlimited one first", false);
    }
    const std::string n = w.new_name(name, "variable");
    const std::string group = detail::split_path(n).first;
    const std::string& first = w.resolve_dim(group, dim_names[0], n);
    if (!w.dims.at(first).unlimited) {
        fail(path, "extendible variable '" + n + "': its first dimension '" + dim_names[0] +
                       "' must be unlimited (add it with add_unlimited_dimension)",
             false);
    }
    std::vector<hsize_t> inner;
    const auto inner_paths = w.resolve_fixed(n, {dim_names.begin() + 1, dim_names.end()}, inner);
    std::vector<std::string> dim_paths = {first};
    dim_paths.insert(dim_paths.end(), inner_paths.begin(), inner_paths.end());

    std::vector<hsize_t> shape = {0}, maxshape = {H5S_UNLIMITED}, chunk;
    shape.insert(shape.end(), inner.begin(), inner.end());
    maxshape.insert(maxshape.end(), inner.begin(), inner.end());
    const std::size_t row_bytes = std::max<std::size_t>(1, product(inner)) * 8;
    if (chunk_rows == 0) chunk_rows = std::max<std::size_t>(1, (std::size_t(1) << 20) / row_bytes);
    chunk = {static_cast<hsize_t>(chunk_rows)};
    for (hsize_t d : inner) chunk.push_back(std::max<hsize_t>(1, d));
    const std::size_t chunk_bytes = product(chunk) * 8;
    if (chunk_bytes >= (std::size_t(1) << 32)) {
        fail(path, "extendible variable '" + n + "': a chunk of " + std::to_string(chunk_rows) +
                       " rows exceeds HDF5's 4 GiB chunk limit; pass a smaller chunk_rows",
             false);
    }

    const std::string what = "cannot create variable '" + n + "'";
    Handle dcpl = detail::plist_handle(check(H5Pcreate(H5P_DATASET_CREATE), path, what));
    check_status(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), path, what);
    if (deflate > 0) {
        if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) {
            fail(path, what + ": this HDF5 library has no deflate (gzip) filter; use deflate=0", false);
        }
        check_status(H5Pset_shuffle(dcpl.get()), path, what);
        check_status(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(deflate)), path, what);
    }
    // Last in the pipeline, so the checksum is of the stored bytes; HDF5 checks it on every chunk it reads.
    check_status(H5Pset_fletcher32(dcpl.get()), path, what);
    // A chunk cache holding a few chunks, so appends that fill a chunk in several blocks never re-read it.
    Handle dapl = detail::plist_handle(check(H5Pcreate(H5P_DATASET_ACCESS), path, what));
    check_status(H5Pset_chunk_cache(dapl.get(), 521, std::max<std::size_t>(4 << 20, 4 * chunk_bytes), 1.0), path,
                 what);
    Handle ds = w.create_dataset(n, file_type_of(type), shape, maxshape, dcpl.get(), dapl.get());
    w.attach(ds.get(), n, dim_paths);
    w.write_attributes(ds.get(), n, attrs);
    w.extendibles[n] = Extendible{std::move(ds), type, shape, first};
}

void ResultsWriter::append(const std::string& name, const double* data, std::size_t size) {
    detail::QuietErrors quiet;
    impl_->append(name, DataType::float64, data, size);
}

void ResultsWriter::append(const std::string& name, const std::int64_t* data, std::size_t size) {
    detail::QuietErrors quiet;
    impl_->append(name, DataType::int64, data, size);
}

std::size_t ResultsWriter::rows(const std::string& name) const {
    const std::string n = detail::normalise_name(name, impl_->final_path, "variable");
    auto it = impl_->extendibles.find(n);
    if (it == impl_->extendibles.end()) {
        fail(impl_->final_path, "'" + n + "' is not an extendible variable of this writer", false);
    }
    return static_cast<std::size_t>(it->second.shape[0]);
}

void ResultsWriter::commit() {
    detail::QuietErrors quiet;
    Impl& w = *impl_;
    w.check_open();
    const std::string& path = w.final_path;
    if (!w.provenance_set) {
        fail(path, "set_provenance() was not called: a results file must record its seed, draws, sampler, scenario "
                   "and versions before it is committed",
             false);
    }
    {
        Handle root = w.open_group("");
        detail::write_attribute(root.get(), "created", utc_now(), path);
    }
    {
        // Last of all: the checksum of everything written above (readers of format 1.1 check it on opening).
        const std::string digest = detail::layout_digest(w.file.get(), path);
        Handle root = w.open_group("");
        detail::write_attribute(root.get(), detail::checksum_attribute, digest, path);
    }
    w.extendibles.clear();
    w.dims.clear();
    check_status(H5Fflush(w.file.get(), H5F_SCOPE_GLOBAL), path, "cannot flush '" + w.tmp_path + "' to disk");
    check_status(H5Fclose(w.file.release()), path, "cannot close '" + w.tmp_path + "'");
    detail::seal_file(w.tmp_path, path);  // checked by readers before HDF5 parses anything
    if (!fsync_path(w.tmp_path, false)) {
        fail(path, "cannot flush '" + w.tmp_path + "' to disk (" + std::strerror(errno) + "); is the disk full?", false);
    }
    if (std::rename(w.tmp_path.c_str(), path.c_str()) != 0) {
        fail(path, "cannot rename the finished temporary file '" + w.tmp_path + "' to it (" + std::strerror(errno) + ")",
             false);
    }
    w.tmp_path.clear();
    w.committed = true;
    fs::path folder = fs::path(path).parent_path();
    fsync_path(folder.empty() ? "." : folder.string(), true);  // make the rename durable; best effort
}

void ResultsWriter::discard() noexcept {
    if (!impl_ || impl_->committed) return;
    detail::QuietErrors quiet;
    impl_->discard();
}

const std::string& ResultsWriter::final_path() const { return impl_->final_path; }
const std::string& ResultsWriter::temporary_path() const { return impl_->tmp_path; }
bool ResultsWriter::committed() const { return impl_->committed; }

}  // namespace socval::io
