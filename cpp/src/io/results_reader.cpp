/// ResultsReader: opens a results file, checks it is ours and of a version we understand, and reads it.
#include "hdf5_util.hpp"

#include <socval/errors.hpp>
#include <socval/io/results_file.hpp>
#include <socval/io/sha256.hpp>

#include <hdf5_hl.h>

#include <filesystem>
#include <functional>

#ifndef SOCVAL_VERSION
#define SOCVAL_VERSION "unknown"
#endif

namespace socval::io {

using detail::check;
using detail::check_status;
using detail::fail;
using detail::Handle;

namespace {

namespace fs = std::filesystem;

const char* kind_of(const Attribute& a) {
    switch (a.index()) {
        case 0: case 1: return "an integer";
        case 2: return "a real number";
        case 3: return "a string";
        default: return "an array";
    }
}

/// Names of the links of group `g`, in creation order when the file tracks it (ours does), else by name.
std::vector<std::string> link_names(hid_t g, const std::string& path) {
    H5_index_t index = H5_INDEX_NAME;
    Handle gcpl = detail::plist_handle(H5Gget_create_plist(g));
    unsigned flags = 0;
    if (gcpl && H5Pget_link_creation_order(gcpl.get(), &flags) >= 0 && (flags & H5P_CRT_ORDER_TRACKED) != 0) {
        index = H5_INDEX_CRT_ORDER;
    }
    std::vector<std::string> names;
    auto collect = [](hid_t, const char* name, const H5L_info_t* info, void* out) -> herr_t {
        if (info->type == H5L_TYPE_HARD) static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
    };
    check_status(H5Literate(g, index, H5_ITER_INC, nullptr, collect, &names), path, "cannot list the contents");
    return names;
}

/// True if `dataset` is a netCDF-4 dimension without coordinate values (a scale whose NAME says so).
bool is_dimension_only(hid_t dataset, const std::string& path) {
    if (H5Aexists(dataset, "NAME") <= 0) return false;
    Attribute name;
    if (!detail::read_attribute(dataset, "NAME", name, path)) return false;
    const auto* s = std::get_if<std::string>(&name);
    return s != nullptr && s->rfind(detail::netcdf_dimension_only, 0) == 0;
}

}  // namespace

struct ResultsReader::Impl {
    std::string path;
    Handle file;
    FormatVersion version;
    Attributes root;
    bool checked = false;
    bool sealed = false;

    [[noreturn]] void fail_damaged(const std::string& what) const {
        fail(path, what + ": the file is damaged or was changed after socval wrote it. Write it again", false);
    }

    /// The attributes against the data: the layout checksum (format 1.1 on), the scenario hash against the
    /// scenario text, the seed and draw count against their kinds and the lengths of the draw dimensions.
    void cross_check() {
        if (version.minor >= 1) {
            if (!sealed) {
                fail_damaged("it has no file checksum, which results format " + std::to_string(version.major) + "." +
                             std::to_string(version.minor) + " files carry in their first 512 bytes");
            }
            Handle g = detail::group_handle(check(H5Gopen2(file.get(), "/", H5P_DEFAULT), path, "cannot be read"));
            Attribute stored;
            const bool has = H5Aexists(g.get(), detail::checksum_attribute) > 0 &&
                             detail::read_attribute(g.get(), detail::checksum_attribute, stored, path);
            const auto* sum = has ? std::get_if<std::string>(&stored) : nullptr;
            if (sum == nullptr || sum->size() != 64) {
                fail_damaged("its root attribute '" + std::string(detail::checksum_attribute) +
                             "' (the checksum of results format " + std::to_string(version.major) + "." +
                             std::to_string(version.minor) + ") is missing or not a SHA-256");
            }
            if (detail::layout_digest(file.get(), path) != *sum) {
                fail_damaged("its attributes, variables or dimensions do not match the checksum written with them");
            }
            checked = true;
        }
        const std::string& text = string_attr("scenario_text");
        if (sha256_hex(text) != string_attr("scenario_hash")) {
            fail_damaged("its root attribute 'scenario_hash' is not the SHA-256 of its 'scenario_text'");
        }
        const Attribute& seed = root.at("seed");
        if (seed.index() == 0 && std::get<std::int64_t>(seed) < 0) {
            fail_damaged("its root attribute 'seed' is negative (" + std::to_string(std::get<std::int64_t>(seed)) +
                         "); a seed is an unsigned 64-bit integer");
        }
        const Attribute& draws_attr = root.at("draws");
        const long double draws = draws_attr.index() == 0 ? static_cast<long double>(std::get<std::int64_t>(draws_attr))
                                                          : static_cast<long double>(std::get<std::uint64_t>(draws_attr));
        if (draws < 0) fail_damaged("its root attribute 'draws' is negative");
        // Along `draw` no variable is longer than `draws`, and the longest is exactly `draws` (variables along an
        // unlimited dimension may be shorter, as in netCDF).
        std::string longest;
        std::size_t most = 0;
        walk("", [&](const VariableInfo& v) {
            for (std::size_t axis = 0; axis < v.dims.size(); ++axis) {
                if (v.dims[axis] != "draw") continue;
                if (static_cast<long double>(v.shape[axis]) > draws) {
                    fail_damaged("variable '" + v.name + "' has " + std::to_string(v.shape[axis]) +
                                 " draws but the root attribute 'draws' says " +
                                 std::to_string(static_cast<long long>(draws)));
                }
                if (longest.empty() || v.shape[axis] > most) {
                    longest = v.name;
                    most = v.shape[axis];
                }
            }
        }, [](const std::string&) {});
        if (!longest.empty() && static_cast<long double>(most) != draws) {
            fail_damaged("the root attribute 'draws' says " + std::to_string(static_cast<long long>(draws)) +
                         " but the longest variable along 'draw' ('" + longest + "') has " + std::to_string(most));
        }
    }

    /// Describe dataset `name` (open as `ds`); false if it is not a variable this build can read.
    bool describe(hid_t ds, const std::string& name, VariableInfo& info) const {
        Handle type = detail::type_handle(check(H5Dget_type(ds), path, "cannot read variable '" + name + "'"));
        switch (H5Tget_class(type.get())) {
            case H5T_FLOAT: info.type = DataType::float64; break;
            case H5T_INTEGER: info.type = DataType::int64; break;
            case H5T_STRING: info.type = DataType::string; break;
            default: return false;  // element types added by a newer minor version are ignored
        }
        const htri_t scale = H5DSis_scale(ds);
        if (scale > 0 && is_dimension_only(ds, path)) return false;
        Handle space = detail::space_handle(check(H5Dget_space(ds), path, "cannot read variable '" + name + "'"));
        const int rank = H5Sget_simple_extent_ndims(space.get());
        if (rank < 0) fail(path, "cannot read the shape of variable '" + name + "'");
        std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
        if (rank > 0) H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr);
        info.name = name;
        info.shape.assign(shape.begin(), shape.end());
        info.dims.clear();
        info.is_coordinate = scale > 0 && rank == 1;
        for (int axis = 0; axis < rank; ++axis) {
            std::string dim = info.is_coordinate ? detail::split_path(name).second
                                                 : detail::scale_name(ds, static_cast<unsigned>(axis));
            if (dim.empty()) dim = "phony_dim_" + std::to_string(axis);
            info.dims.push_back(dim);
        }
        info.attrs = detail::read_attributes(ds, path);
        return true;
    }

    /// Visit every readable variable below group `group` (full path, "" = root), parents before children.
    void walk(const std::string& group, const std::function<void(const VariableInfo&)>& on_variable,
              const std::function<void(const std::string&)>& on_group, int depth = 0) const {
        if (depth > detail::max_group_depth) {
            fail(path, "has groups nested deeper than " + std::to_string(detail::max_group_depth) +
                           " levels (a group may contain itself): the file is damaged. Write it again",
                 false);
        }
        Handle g = detail::group_handle(check(H5Gopen2(file.get(), group.empty() ? "/" : group.c_str(), H5P_DEFAULT),
                                              path, "cannot open group '" + group + "'"));
        std::vector<std::string> subgroups;
        for (const auto& leaf : link_names(g.get(), path)) {
            const std::string name = group.empty() ? leaf : group + "/" + leaf;
            Handle obj(check(H5Oopen(g.get(), leaf.c_str(), H5P_DEFAULT), path, "cannot open '" + name + "'"),
                       H5Oclose);
            const H5I_type_t kind = H5Iget_type(obj.get());
            if (kind == H5I_GROUP) {
                subgroups.push_back(name);
            } else if (kind == H5I_DATASET) {
                VariableInfo info;
                if (describe(obj.get(), name, info)) on_variable(info);
            }
        }
        for (const auto& sub : subgroups) {
            on_group(sub);
            walk(sub, on_variable, on_group, depth + 1);
        }
    }

    /// Open variable `n` (a normalised name) if it exists and is readable; an empty handle otherwise.
    Handle find_variable(const std::string& n, VariableInfo& info) const {
        if (detail::path_exists(file.get(), n)) {
            Handle obj(check(H5Oopen(file.get(), n.c_str(), H5P_DEFAULT), path, "cannot open '" + n + "'"), H5Oclose);
            if (H5Iget_type(obj.get()) == H5I_DATASET) {
                Handle ds = detail::dataset_handle(
                    check(H5Dopen2(file.get(), n.c_str(), H5P_DEFAULT), path, "cannot open variable '" + n + "'"));
                if (describe(ds.get(), n, info)) return ds;
            }
        }
        return Handle();
    }

    /// Open variable `name`, failing with the list of variables present if it is missing.
    Handle open_variable(const std::string& name, VariableInfo& info) const {
        const std::string n = detail::normalise_name(name, path, "variable");
        Handle ds = find_variable(n, info);
        if (ds) return ds;
        std::string present;
        int count = 0;
        walk("", [&](const VariableInfo& v) {
            if (count++ < 30) present += (present.empty() ? "" : ", ") + v.name;
        }, [](const std::string&) {});
        if (count > 30) present += ", ...";
        fail(path, "has no variable '" + n + "'; it holds: " + (present.empty() ? "nothing" : present) +
                       ". Check the name, or whether the file was written with the option that stores it",
             false);
    }

    /// The checksum attribute of `ds` if it has one ("" otherwise).
    std::string stored_digest(hid_t ds) const {
        if (H5Aexists(ds, detail::checksum_attribute) <= 0) return "";
        Attribute sum;
        if (!detail::read_attribute(ds, detail::checksum_attribute, sum, path)) return "?";
        const auto* s = std::get_if<std::string>(&sum);
        return s == nullptr ? "?" : *s;
    }

    [[noreturn]] void fail_digest(const std::string& name) const {
        fail(path, "variable '" + name + "' does not match the checksum written with it: the file is damaged. "
                   "Write it again",
             false);
    }

    /// Check the data of a numeric variable guarded by a SHA-256 (scalars; others have Fletcher-32, which HDF5
    /// checks on every read) against it.
    void verify_numeric(hid_t ds, const VariableInfo& info) const {
        const std::string expected = stored_digest(ds);
        if (expected.empty()) return;
        std::size_t n = 1;
        for (std::size_t d : info.shape) n *= d;
        std::vector<std::int64_t> buf(n);  // 8 bytes a value for either element type
        const hid_t mem = info.type == DataType::int64 ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
        if (n > 0) {
            check_status(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), path,
                         "cannot read variable '" + info.name + "': the file is damaged. Write it again");
        }
        if (detail::data_digest(buf.data(), n) != expected) fail_digest(info.name);
    }

    /// Read every string of `ds`, checked against its SHA-256 when it has one.
    std::vector<std::string> read_checked_strings(hid_t ds, const std::string& name) const {
        auto values = detail::read_string_dataset(ds, path);
        const std::string expected = stored_digest(ds);
        if (!expected.empty() && detail::data_digest(values) != expected) fail_digest(name);
        return values;
    }

    /// Read rows [begin, begin + count) of numeric variable `name` as `mem_type` into `out`.
    void read_rows(const std::string& name, std::size_t begin, std::size_t count, hid_t mem_type, bool integer,
                   void* out) const {
        VariableInfo info;
        Handle ds = open_variable(name, info);
        if (info.type == DataType::string) {
            fail(path, "variable '" + info.name + "' holds strings, not numbers; read it with read_strings()", false);
        }
        if (integer && info.type != DataType::int64) {
            fail(path, "variable '" + info.name + "' holds float64 values; read it with read_float64()", false);
        }
        const std::string what = "cannot read variable '" + info.name + "'";
        verify_numeric(ds.get(), info);
        if (info.shape.empty()) {
            if (begin != 0 || count != 1) {
                fail(path, "variable '" + info.name + "' is a scalar: read row 0 only", false);
            }
            check_status(H5Dread(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out), path, what);
            return;
        }
        if (begin > info.shape[0] || count > info.shape[0] - begin) {
            fail(path, "cannot read rows " + std::to_string(begin) + " to " + std::to_string(begin + count) +
                           " of variable '" + info.name + "', which has " + std::to_string(info.shape[0]) + " rows",
                 false);
        }
        if (count == 0) return;
        for (std::size_t d : info.shape) {
            if (d == 0) return;
        }
        std::vector<hsize_t> start(info.shape.size(), 0), size(info.shape.begin(), info.shape.end());
        start[0] = begin;
        size[0] = count;
        Handle file_space = detail::space_handle(check(H5Dget_space(ds.get()), path, what));
        check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, size.data(), nullptr),
                     path, what);
        Handle mem_space = detail::space_handle(
            check(H5Screate_simple(static_cast<int>(size.size()), size.data(), nullptr), path, what));
        check_status(H5Dread(ds.get(), mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, out), path,
                     what + ": the file may be truncated or damaged; write it again");
    }

    /// Check that root attribute `name` exists and is of the expected kind (string or integer).
    void require(const std::string& name, bool integer) const {
        auto it = root.find(name);
        if (it == root.end()) {
            fail(path, "is missing the required root attribute '" + name + "' of results format " +
                           std::to_string(version.major) + "." + std::to_string(version.minor) +
                           "; the file is damaged or was not written by socval. Write it again with socval",
                 false);
        }
        const bool ok = integer ? (it->second.index() == 0 || it->second.index() == 1)
                                : std::holds_alternative<std::string>(it->second);
        if (!ok) {
            fail(path, "root attribute '" + name + "' should be " + (integer ? "an integer" : "a string") +
                           " but is " + kind_of(it->second) + "; the file is damaged. Write it again with socval",
                 false);
        }
    }

    std::string string_attr(const std::string& name) const { return std::get<std::string>(root.at(name)); }
};

ResultsReader::ResultsReader(std::string path_in) : impl_(std::make_unique<Impl>()) {
    detail::QuietErrors quiet;
    Impl& r = *impl_;
    r.path = std::move(path_in);
    const std::string& path = r.path;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        fail(path, "does not exist; check the path (a results file is written by Results.save() or "
                   "`socval run ... --out FILE`)",
             false);
    }
    if (fs::is_directory(path, ec)) fail(path, "is a folder, not a results file", false);
    // A FIFO, device or socket would block or misbehave in open(): refuse it before anything opens it.
    if (!fs::is_regular_file(path, ec)) {
        fail(path, "is not a regular file (it is a FIFO, device or socket), so it is not a results file", false);
    }
    // The file checksum first: a damaged file is refused before HDF5 parses any of it (HDF5 1.10 can crash on
    // some damaged files, e.g. a corrupt global heap).
    r.sealed = detail::verify_file_seal(path);
    const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
    if (is_hdf5 == 0) {
        fail(path, "is not an HDF5 file, so it is not a socval results file (those are written by Results.save() "
                   "or `socval run ... --out FILE`); check the path",
             false);
    }
    if (is_hdf5 < 0) fail(path, "cannot be read; check that it exists and that you may read it");

    // The default file-close degree, as h5py uses: HDF5 refuses to open a file twice in one process with
    // different degrees, and users may hold the same file open with h5py or xarray.
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        fail(path, "cannot be opened: it is truncated or damaged (for example a copy that did not finish), or "
                   "another program is writing it. Copy or write it again");
    }
    r.file = detail::file_handle(file);

    Handle root = detail::group_handle(check(H5Gopen2(file, "/", H5P_DEFAULT), path,
                                             "cannot be read: it is damaged. Write it again"));
    r.root = detail::read_attributes(root.get(), path);

    // A checkpoint of a run still going or interrupted (docs/formats/results.md, "Checkpoints"): never read as done.
    if (auto inc = r.root.find("incomplete"); inc != r.root.end()) {
        fail(path, "is an incomplete run: a checkpoint of a run that was interrupted or is still going. Finish it with `socval run "
                       "SCENARIO --resume --out FINAL.h5` or socval.simulate(..., checkpoint='FINAL.h5', "
                       "resume=True) with the same scenario and options; FINAL.h5 is this name without '.partial'",
             false);
    }
    auto type = r.root.find("file_type");
    if (type == r.root.end()) {
        fail(path, "is an HDF5 file but not a socval results file (it has no root attribute 'file_type'); "
                   "socval reads only files written by Results.save() or `socval run ... --out FILE`",
             false);
    }
    const auto* type_value = std::get_if<std::string>(&type->second);
    if (type_value == nullptr || *type_value != results_file_type) {
        fail(path, std::string("is an HDF5 file but not a socval results file: its root attribute 'file_type' is ") +
                       (type_value ? "'" + *type_value + "'" : std::string(kind_of(type->second))) + ", expected '" +
                       results_file_type + "'",
             false);
    }

    auto ver = r.root.find("format_version");
    const auto* v = ver == r.root.end() ? nullptr : std::get_if<std::vector<std::int64_t>>(&ver->second);
    if (v == nullptr || v->size() != 2 || (*v)[0] < 0 || (*v)[1] < 0) {
        fail(path, "has no valid root attribute 'format_version' (expected two integers, major and minor); the "
                   "file is damaged. Write it again with socval",
             false);
    }
    r.version = FormatVersion{static_cast<int>((*v)[0]), static_cast<int>((*v)[1])};
    const std::string file_version = std::to_string(r.version.major) + "." + std::to_string(r.version.minor);
    const std::string ours = std::to_string(results_format_version.major) + ".x";
    if (r.version.major > results_format_version.major) {
        auto sv = r.root.find("socval_version");
        const auto* writer = sv == r.root.end() ? nullptr : std::get_if<std::string>(&sv->second);
        fail(path, "was written by a newer socval (version " + (writer ? *writer : std::string("unknown")) +
                       ", results format " + file_version + "); this socval (version " + SOCVAL_VERSION +
                       ") reads results format " + ours + ". Upgrade socval to read it",
             false);
    }
    if (r.version.major < results_format_version.major) {
        fail(path, "uses results format " + file_version + ", older than this socval (version " + SOCVAL_VERSION +
                       ") reads (" + ours + "); open it with the socval version that wrote it, or re-run the scenario",
             false);
    }
    for (const char* name : {"socval_version", "git_revision", "created", "sampler", "scenario_text",
                             "scenario_hash", "value_library_version"}) {
        r.require(name, false);
    }
    r.require("seed", true);
    r.require("draws", true);
    r.cross_check();
}

ResultsReader::~ResultsReader() {
    if (impl_) {
        detail::QuietErrors quiet;
        impl_->file.reset();
    }
}

ResultsReader::ResultsReader(ResultsReader&&) noexcept = default;
ResultsReader& ResultsReader::operator=(ResultsReader&&) noexcept = default;

const std::string& ResultsReader::path() const { return impl_->path; }
FormatVersion ResultsReader::format_version() const { return impl_->version; }
bool ResultsReader::checked() const { return impl_->checked; }

Provenance ResultsReader::provenance() const {
    const Impl& r = *impl_;
    Provenance p;
    p.socval_version = r.string_attr("socval_version");
    p.git_revision = r.string_attr("git_revision");
    const Attribute& seed = r.root.at("seed");
    p.seed = seed.index() == 1 ? std::get<std::uint64_t>(seed) : static_cast<std::uint64_t>(std::get<std::int64_t>(seed));
    const Attribute& draws = r.root.at("draws");
    p.draws = draws.index() == 0 ? std::get<std::int64_t>(draws) : static_cast<std::int64_t>(std::get<std::uint64_t>(draws));
    p.sampler = r.string_attr("sampler");
    p.scenario_text = r.string_attr("scenario_text");
    p.value_library_version = r.string_attr("value_library_version");
    return p;
}

Attributes ResultsReader::attributes(const std::string& group) const {
    detail::QuietErrors quiet;
    if (group.empty() || group == "/") return impl_->root;
    const std::string g = detail::normalise_name(group, impl_->path, "group");
    if (!detail::path_exists(impl_->file.get(), g)) fail(impl_->path, "has no group '" + g + "'", false);
    Handle h = detail::group_handle(
        check(H5Gopen2(impl_->file.get(), g.c_str(), H5P_DEFAULT), impl_->path, "'" + g + "' is not a group"));
    return detail::read_attributes(h.get(), impl_->path);
}

std::vector<std::string> ResultsReader::groups() const {
    detail::QuietErrors quiet;
    std::vector<std::string> out;
    impl_->walk("", [](const VariableInfo&) {}, [&](const std::string& g) { out.push_back(g); });
    return out;
}

std::vector<VariableInfo> ResultsReader::variables() const {
    detail::QuietErrors quiet;
    std::vector<VariableInfo> out;
    impl_->walk("", [&](const VariableInfo& v) { out.push_back(v); }, [](const std::string&) {});
    return out;
}

bool ResultsReader::has_variable(const std::string& name) const {
    detail::QuietErrors quiet;
    const std::string n = detail::normalise_name(name, impl_->path, "variable");
    VariableInfo info;
    return static_cast<bool>(impl_->find_variable(n, info));
}

VariableInfo ResultsReader::variable(const std::string& name) const {
    detail::QuietErrors quiet;
    VariableInfo info;
    impl_->open_variable(name, info);
    return info;
}

std::vector<double> ResultsReader::read_float64(const std::string& name) const {
    detail::QuietErrors quiet;
    const VariableInfo info = variable(name);
    std::size_t n = 1;
    for (std::size_t d : info.shape) n *= d;
    std::vector<double> out(n);
    impl_->read_rows(name, 0, info.shape.empty() ? 1 : info.shape[0], H5T_NATIVE_DOUBLE, false, out.data());
    return out;
}

std::vector<std::int64_t> ResultsReader::read_int64(const std::string& name) const {
    detail::QuietErrors quiet;
    const VariableInfo info = variable(name);
    std::size_t n = 1;
    for (std::size_t d : info.shape) n *= d;
    std::vector<std::int64_t> out(n);
    impl_->read_rows(name, 0, info.shape.empty() ? 1 : info.shape[0], H5T_NATIVE_INT64, true, out.data());
    return out;
}

std::vector<std::string> ResultsReader::read_strings(const std::string& name) const {
    detail::QuietErrors quiet;
    VariableInfo info;
    Handle ds = impl_->open_variable(name, info);
    if (info.type != DataType::string) {
        fail(impl_->path, "variable '" + info.name + "' holds " + to_string(info.type) +
                              " values, not strings; read it with read_float64() or read_int64()",
             false);
    }
    return impl_->read_checked_strings(ds.get(), info.name);
}

void ResultsReader::read_rows(const std::string& name, std::size_t row_begin, std::size_t row_count,
                              double* out) const {
    detail::QuietErrors quiet;
    impl_->read_rows(name, row_begin, row_count, H5T_NATIVE_DOUBLE, false, out);
}

void ResultsReader::read_rows(const std::string& name, std::size_t row_begin, std::size_t row_count,
                              std::int64_t* out) const {
    detail::QuietErrors quiet;
    impl_->read_rows(name, row_begin, row_count, H5T_NATIVE_INT64, true, out);
}

std::string results_layout_digest(const std::string& path) {
    detail::QuietErrors quiet;
    Handle file = detail::file_handle(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), path,
                                            "cannot be opened as an HDF5 file"));
    return detail::layout_digest(file.get(), path);
}

void reseal_results_file(const std::string& path) {
    detail::QuietErrors quiet;
    const std::string digest = results_layout_digest(path);
    {
        Handle file = detail::file_handle(check(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), path,
                                                "cannot be opened for writing as an HDF5 file"));
        Handle root = detail::group_handle(check(H5Gopen2(file.get(), "/", H5P_DEFAULT), path, "cannot be read"));
        detail::write_attribute(root.get(), detail::checksum_attribute, digest, path);
        Handle fcpl = detail::plist_handle(H5Fget_create_plist(file.get()));
        hsize_t block = 0;
        if (!fcpl || H5Pget_userblock(fcpl.get(), &block) < 0 || block != detail::user_block_size) {
            fail(path, "has no 512-byte user block for its checksum (it is not a results file of format 1.1 on)",
                 false);
        }
        root.reset();
        check_status(H5Fclose(file.release()), path, "cannot be closed");
    }
    detail::seal_file(path, path);
}

}  // namespace socval::io
