/// HDF5 helpers of the io area: handles, quiet errors, attributes and strings (see hdf5_util.hpp).
#include "hdf5_util.hpp"

#include <socval/errors.hpp>
#include <socval/io/sha256.hpp>

#include <hdf5_hl.h>
#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <tuple>
#include <cerrno>
#include <cstdio>

#include <cstring>
#include <type_traits>

namespace socval::io::detail {

QuietErrors::QuietErrors() {
    saved_ = H5Eget_auto2(H5E_DEFAULT, &func_, &data_) >= 0;
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

QuietErrors::~QuietErrors() {
    if (saved_) H5Eset_auto2(H5E_DEFAULT, func_, data_);
}

namespace {

herr_t innermost_error(unsigned /*n*/, const H5E_error2_t* err, void* out) {
    if (err != nullptr && err->desc != nullptr && err->desc[0] != '\0') {
        *static_cast<std::string*>(out) = err->desc;
    }
    return 0;
}

}  // namespace

std::string hdf5_error_detail() {
    std::string detail;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, innermost_error, &detail);
    return detail;
}

void fail(const std::string& path, const std::string& what, bool with_hdf5_detail) {
    std::string message = "results file '" + path + "': " + what;
    if (with_hdf5_detail) {
        const std::string detail = hdf5_error_detail();
        if (!detail.empty()) message += " (HDF5: " + detail + ")";
    }
    throw ResultsFileError(message);
}

hid_t check(hid_t id, const std::string& path, const std::string& what) {
    if (id < 0) fail(path, what);
    return id;
}

void check_status(herr_t status, const std::string& path, const std::string& what) {
    if (status < 0) fail(path, what);
}

Handle file_handle(hid_t id) { return Handle(id, H5Fclose); }
Handle group_handle(hid_t id) { return Handle(id, H5Gclose); }
Handle dataset_handle(hid_t id) { return Handle(id, H5Dclose); }
Handle space_handle(hid_t id) { return Handle(id, H5Sclose); }
Handle type_handle(hid_t id) { return Handle(id, H5Tclose); }
Handle plist_handle(hid_t id) { return Handle(id, H5Pclose); }
Handle attribute_handle(hid_t id) { return Handle(id, H5Aclose); }

Handle utf8_string_type(const std::string& path) {
    Handle type = type_handle(check(H5Tcopy(H5T_C_S1), path, "cannot create a string type"));
    check_status(H5Tset_size(type.get(), H5T_VARIABLE), path, "cannot create a string type");
    check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), path, "cannot create a string type");
    return type;
}

bool is_bookkeeping_attribute(const std::string& name) {
    return name == "REFERENCE_LIST" || name == "DIMENSION_LIST" || name == "CLASS" || name == "NAME" ||
           name == "_Netcdf4Dimid" || name == "_Netcdf4Coordinates" || name == "_nc3_strict" ||
           name == "_NCProperties" || name == checksum_attribute;
}

namespace {

/// Pointers to the characters of each string, refusing embedded NUL bytes (HDF5 strings end at the first NUL).
std::vector<const char*> c_strings(const std::vector<std::string>& values, const std::string& path,
                                   const std::string& what) {
    std::vector<const char*> out;
    out.reserve(values.size());
    for (const auto& v : values) {
        if (v.find('\0') != std::string::npos) {
            fail(path, what + ": a string contains a NUL character, which HDF5 strings cannot hold", false);
        }
        out.push_back(v.c_str());
    }
    return out;
}

/// A dataspace for a scalar (n < 0), an empty array (n == 0, the null dataspace) or a 1-D array of n values.
Handle attribute_space(long long n, const std::string& path) {
    if (n < 0) return space_handle(check(H5Screate(H5S_SCALAR), path, "cannot create a dataspace"));
    if (n == 0) return space_handle(check(H5Screate(H5S_NULL), path, "cannot create a dataspace"));
    const hsize_t dims[1] = {static_cast<hsize_t>(n)};
    return space_handle(check(H5Screate_simple(1, dims, nullptr), path, "cannot create a dataspace"));
}

void write_raw_attribute(hid_t obj, const std::string& name, hid_t file_type, hid_t mem_type, long long n,
                         const void* data, const std::string& path) {
    const std::string what = "cannot write attribute '" + name + "'";
    const htri_t exists = H5Aexists(obj, name.c_str());
    check_status(exists, path, what);
    if (exists > 0) check_status(H5Adelete(obj, name.c_str()), path, what);
    Handle space = attribute_space(n, path);
    Handle attr = attribute_handle(
        check(H5Acreate2(obj, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), path, what));
    if (n != 0) check_status(H5Awrite(attr.get(), mem_type, data), path, what);
}

}  // namespace

void write_attribute(hid_t obj, const std::string& name, const Attribute& value, const std::string& path) {
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::int64_t>) {
                write_raw_attribute(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, -1, &v, path);
            } else if constexpr (std::is_same_v<T, std::uint64_t>) {
                write_raw_attribute(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, -1, &v, path);
            } else if constexpr (std::is_same_v<T, double>) {
                write_raw_attribute(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, -1, &v, path);
            } else if constexpr (std::is_same_v<T, std::string>) {
                Handle type = utf8_string_type(path);
                const std::vector<std::string> one = {v};  // c_strings points into `one`: keep it alive
                const auto ptrs = c_strings(one, path, "attribute '" + name + "'");
                write_raw_attribute(obj, name, type.get(), type.get(), -1, ptrs.data(), path);
            } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
                write_raw_attribute(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, static_cast<long long>(v.size()),
                                    v.data(), path);
            } else if constexpr (std::is_same_v<T, std::vector<double>>) {
                write_raw_attribute(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, static_cast<long long>(v.size()),
                                    v.data(), path);
            } else {
                static_assert(std::is_same_v<T, std::vector<std::string>>);
                Handle type = utf8_string_type(path);
                const auto ptrs = c_strings(v, path, "attribute '" + name + "'");
                write_raw_attribute(obj, name, type.get(), type.get(), static_cast<long long>(v.size()),
                                    ptrs.data(), path);
            }
        },
        value);
}

namespace {

/// Read the strings of an attribute (is_attribute) or a dataset, whichever `obj` is, of string type `file_type`.
std::vector<std::string> read_strings(hid_t obj, bool is_attribute, hid_t file_type, hid_t space,
                                      const std::string& path, const std::string& what) {
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 0) fail(path, what);
    std::vector<std::string> out;
    if (n == 0) return out;
    out.reserve(static_cast<std::size_t>(n));
    const htri_t variable = H5Tis_variable_str(file_type);
    check_status(variable, path, what);
    Handle mem = type_handle(check(H5Tcopy(H5T_C_S1), path, what));
    check_status(H5Tset_cset(mem.get(), H5Tget_cset(file_type)), path, what);
    if (variable > 0) {
        check_status(H5Tset_size(mem.get(), H5T_VARIABLE), path, what);
        std::vector<char*> buf(static_cast<std::size_t>(n), nullptr);
        const herr_t status = is_attribute ? H5Aread(obj, mem.get(), buf.data())
                                           : H5Dread(obj, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
        check_status(status, path, what);
        for (char* s : buf) out.emplace_back(s != nullptr ? s : "");
        H5Dvlen_reclaim(mem.get(), space, H5P_DEFAULT, buf.data());
    } else {
        const std::size_t size = H5Tget_size(file_type);
        if (size == 0) fail(path, what);
        check_status(H5Tset_size(mem.get(), size), path, what);
        check_status(H5Tset_strpad(mem.get(), H5T_STR_NULLPAD), path, what);
        std::vector<char> buf(static_cast<std::size_t>(n) * size, '\0');
        const herr_t status = is_attribute ? H5Aread(obj, mem.get(), buf.data())
                                           : H5Dread(obj, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
        check_status(status, path, what);
        const bool space_padded = H5Tget_strpad(file_type) == H5T_STR_SPACEPAD;
        for (hssize_t i = 0; i < n; ++i) {
            const char* s = buf.data() + static_cast<std::size_t>(i) * size;
            std::size_t len = strnlen(s, size);
            if (space_padded) {
                while (len > 0 && s[len - 1] == ' ') --len;
            }
            out.emplace_back(s, len);
        }
    }
    return out;
}

}  // namespace

bool read_attribute(hid_t obj, const std::string& name, Attribute& out, const std::string& path) {
    const std::string what = "cannot read attribute '" + name + "'";
    Handle attr = attribute_handle(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), path, what));
    Handle type = type_handle(check(H5Aget_type(attr.get()), path, what));
    Handle space = space_handle(check(H5Aget_space(attr.get()), path, what));
    const H5S_class_t space_class = H5Sget_simple_extent_type(space.get());
    const int rank = H5Sget_simple_extent_ndims(space.get());
    const bool scalar = space_class == H5S_SCALAR;
    if (!scalar && rank > 1) return false;  // multi-dimensional attributes are not part of the layout
    const hssize_t npoints = space_class == H5S_NULL ? 0 : H5Sget_simple_extent_npoints(space.get());
    if (npoints < 0) fail(path, what);
    const auto n = static_cast<std::size_t>(npoints);

    switch (H5Tget_class(type.get())) {
        case H5T_INTEGER: {
            if (H5Tget_sign(type.get()) == H5T_SGN_NONE && H5Tget_size(type.get()) == 8) {
                std::vector<std::uint64_t> v(n);
                if (n > 0) check_status(H5Aread(attr.get(), H5T_NATIVE_UINT64, v.data()), path, what);
                if (scalar) {
                    out = v.at(0);
                } else {
                    std::vector<std::int64_t> s(v.begin(), v.end());
                    out = s;
                }
                return true;
            }
            std::vector<std::int64_t> v(n);
            if (n > 0) check_status(H5Aread(attr.get(), H5T_NATIVE_INT64, v.data()), path, what);
            if (scalar) {
                out = v.at(0);
            } else {
                out = v;
            }
            return true;
        }
        case H5T_FLOAT: {
            std::vector<double> v(n);
            if (n > 0) check_status(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, v.data()), path, what);
            if (scalar) {
                out = v.at(0);
            } else {
                out = v;
            }
            return true;
        }
        case H5T_STRING: {
            auto v = read_strings(attr.get(), true, type.get(), space.get(), path, what);
            if (scalar) {
                out = v.empty() ? std::string() : v.at(0);
            } else {
                out = v;
            }
            return true;
        }
        default:
            return false;
    }
}

namespace {

herr_t collect_attribute_name(hid_t /*obj*/, const char* name, const H5A_info_t* /*info*/, void* out) {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
}

}  // namespace

Attributes read_attributes(hid_t obj, const std::string& path) {
    std::vector<std::string> names;
    check_status(H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attribute_name, &names), path,
                 "cannot list attributes");
    Attributes out;
    for (const auto& name : names) {
        if (is_bookkeeping_attribute(name)) continue;
        Attribute value;
        if (read_attribute(obj, name, value, path)) out.emplace(name, std::move(value));
    }
    return out;
}

std::vector<std::string> read_string_dataset(hid_t dataset, const std::string& path) {
    const std::string what = "cannot read strings";
    Handle type = type_handle(check(H5Dget_type(dataset), path, what));
    Handle space = space_handle(check(H5Dget_space(dataset), path, what));
    return read_strings(dataset, false, type.get(), space.get(), path, what);
}

std::pair<std::string, std::string> split_path(const std::string& name) {
    const auto slash = name.rfind('/');
    if (slash == std::string::npos) return {"", name};
    return {name.substr(0, slash), name.substr(slash + 1)};
}

std::string normalise_name(const std::string& name, const std::string& path, const std::string& what) {
    std::string n = (!name.empty() && name[0] == '/') ? name.substr(1) : name;
    bool ok = !n.empty() && n.find('\0') == std::string::npos;
    std::size_t start = 0;
    while (ok) {
        const auto slash = n.find('/', start);
        const std::string part = n.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (part.empty() || part == "." || part == "..") ok = false;
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    if (!ok) {
        fail(path,
             what + " name '" + name +
                 "' is not valid: expected non-empty names separated by '/' (e.g. 'npsv' or 'baseline/npsv')",
             false);
    }
    return n;
}

bool path_exists(hid_t file, const std::string& name) {
    std::size_t start = 0;
    while (true) {
        const auto slash = name.find('/', start);
        const std::string prefix = slash == std::string::npos ? name : name.substr(0, slash);
        if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return H5Oexists_by_name(file, name.c_str(), H5P_DEFAULT) > 0;
}

std::string scale_name(hid_t dataset, unsigned axis) {
    if (H5DSget_num_scales(dataset, axis) <= 0) return "";
    std::string name;
    auto visit = [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
        const ssize_t len = H5Iget_name(scale, nullptr, 0);
        if (len <= 0) return 0;
        std::string full(static_cast<std::size_t>(len) + 1, '\0');
        H5Iget_name(scale, full.data(), full.size());
        full.resize(static_cast<std::size_t>(len));
        *static_cast<std::string*>(out) = split_path(full).second;  // the last scale attached wins
        return 0;
    };
    H5DSiterate_scales(dataset, axis, nullptr, visit, &name);
    return name;
}

bool has_fletcher32(hid_t dataset) {
    Handle dcpl = plist_handle(H5Dget_create_plist(dataset));
    if (!dcpl || H5Pget_layout(dcpl.get()) != H5D_CHUNKED) return false;
    unsigned flags = 0;
    std::size_t n = 0;
    unsigned config = 0;
    return H5Pget_filter_by_id2(dcpl.get(), H5Z_FILTER_FLETCHER32, &flags, &n, nullptr, 0, nullptr, &config) >= 0;
}

namespace {

/// Appends values to a digest unambiguously: every string is preceded by its length.
struct Canonical {
    Sha256 sha;
    void u64(std::uint64_t v) { sha.update(&v, sizeof v); }
    void str(const std::string& s) {
        u64(s.size());
        sha.update(s);
    }
    void attributes(const Attributes& attrs) {
        u64(attrs.size());
        for (const auto& [name, value] : attrs) {
            str(name);
            u64(value.index());
            std::visit(
                [&](const auto& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, std::string>) {
                        str(v);
                    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                        u64(v.size());
                        for (const auto& s : v) str(s);
                    } else if constexpr (std::is_arithmetic_v<T>) {
                        sha.update(&v, sizeof v);
                    } else {
                        u64(v.size());
                        sha.update(v.data(), v.size() * sizeof(v[0]));
                    }
                },
                value);
        }
    }
};

/// Names of the hard links of group `g`, by name.
std::vector<std::string> hard_links(hid_t g, const std::string& path) {
    std::vector<std::string> names;
    auto collect = [](hid_t, const char* name, const H5L_info_t* info, void* out) -> herr_t {
        if (info->type == H5L_TYPE_HARD) static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
    };
    check_status(H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names), path,
                 "cannot list the contents: the file is damaged. Write it again");
    std::sort(names.begin(), names.end());
    return names;
}

void digest_group(Canonical& c, hid_t file, const std::string& group, int depth, const std::string& path) {
    if (depth > max_group_depth) {
        fail(path, "has groups nested deeper than " + std::to_string(max_group_depth) +
                       " levels (a group may contain itself): the file is damaged. Write it again",
             false);
    }
    Handle g = group_handle(check(H5Gopen2(file, group.empty() ? "/" : group.c_str(), H5P_DEFAULT), path,
                                  "cannot open group '" + group + "': the file is damaged. Write it again"));
    c.str("group");
    c.str(group);
    c.attributes(read_attributes(g.get(), path));
    for (const auto& leaf : hard_links(g.get(), path)) {
        const std::string name = group.empty() ? leaf : group + "/" + leaf;
        Handle obj(check(H5Oopen(g.get(), leaf.c_str(), H5P_DEFAULT), path,
                         "cannot open '" + name + "': the file is damaged. Write it again"),
                   H5Oclose);
        const H5I_type_t kind = H5Iget_type(obj.get());
        if (kind == H5I_GROUP) {
            digest_group(c, file, name, depth + 1, path);
        } else if (kind == H5I_DATASET) {
            const std::string what = "cannot read variable '" + name + "': the file is damaged. Write it again";
            Handle type = type_handle(check(H5Dget_type(obj.get()), path, what));
            Handle space = space_handle(check(H5Dget_space(obj.get()), path, what));
            const int rank = H5Sget_simple_extent_ndims(space.get());
            if (rank < 0) fail(path, what);
            std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
            if (rank > 0) H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr);
            c.str("dataset");
            c.str(name);
            c.u64(static_cast<std::uint64_t>(H5Tget_class(type.get())));
            c.u64(H5Tget_size(type.get()));
            c.u64(shape.size());
            for (hsize_t d : shape) c.u64(d);
            for (int axis = 0; axis < rank; ++axis) c.str(scale_name(obj.get(), static_cast<unsigned>(axis)));
            c.u64(has_fletcher32(obj.get()) ? 1 : 0);
            Attributes attrs = read_attributes(obj.get(), path);
            if (H5Aexists(obj.get(), checksum_attribute) > 0) {
                Attribute sum;
                if (read_attribute(obj.get(), checksum_attribute, sum, path)) attrs.emplace(checksum_attribute, sum);
            }
            c.attributes(attrs);
        }
    }
}

}  // namespace

std::string layout_digest(hid_t file, const std::string& path) {
    Canonical c;
    c.str("socval-results layout 1");
    digest_group(c, file, "", 0, path);
    return c.sha.hex();
}

std::string data_digest(const void* data, std::size_t n) {
    static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "digests are of little-endian values");
    Sha256 sha;
    sha.update(data, n * 8);
    return sha.hex();
}

std::string data_digest(const std::vector<std::string>& values) {
    Canonical c;
    for (const auto& v : values) c.str(v);
    return c.sha.hex();
}

namespace {

constexpr const char* seal_magic = "socval-results-checksum 1\n";

/// CRC-32 (zlib's, ISO-HDLC polynomial) of the bytes of open file `fd` from `offset` to its end, as 8 lowercase hex
/// digits; false on a read error. A CRC-32 detects every error within 32 consecutive bits (so every damaged byte)
/// and misses other damage with probability 2^-32; it runs at memory speed, where SHA-256 cost 10x the write time.
bool hash_from(int fd, std::size_t offset, std::string& hex, std::uint64_t& bytes) {
    uLong crc = crc32(0L, Z_NULL, 0);
    std::vector<char> buf(std::size_t(1) << 20);
    bytes = 0;
    while (true) {
        const ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(offset + bytes));
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (n == 0) break;
        crc = crc32(crc, reinterpret_cast<const Bytef*>(buf.data()), static_cast<uInt>(n));
        bytes += static_cast<std::uint64_t>(n);
    }
    char out[9];
    std::snprintf(out, sizeof out, "%08lx", static_cast<unsigned long>(crc & 0xffffffffUL));
    hex = out;
    return true;
}

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

void seal_file(const std::string& file, const std::string& path) {
    Fd f{::open(file.c_str(), O_RDWR | O_CLOEXEC)};
    if (f.fd < 0) fail(path, "cannot reopen '" + file + "' to record its checksum (" + std::strerror(errno) + ")", false);
    std::string hex;
    std::uint64_t bytes = 0;
    if (!hash_from(f.fd, user_block_size, hex, bytes)) {
        fail(path, "cannot read '" + file + "' back to record its checksum (" + std::strerror(errno) + ")", false);
    }
    std::string header = std::string(seal_magic) + "crc32 " + hex + "\nbytes " + std::to_string(bytes) + "\n";
    header.resize(user_block_size, '\0');
    if (::pwrite(f.fd, header.data(), header.size(), 0) != static_cast<ssize_t>(header.size())) {
        fail(path, "cannot record the checksum of '" + file + "' (" + std::strerror(errno) + "); is the disk full?",
             false);
    }
}

bool verify_file_seal(const std::string& path) {
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
    if (f.fd < 0) return false;  // the caller's own checks say why
    // A file verified before in this process and not changed since (same device, inode, size and modification
    // time) is not hashed again: readers are often opened several times on one large file.
    struct stat st{};
    const bool have_stat = ::fstat(f.fd, &st) == 0;
    const auto key = std::make_tuple(std::uint64_t(st.st_dev), std::uint64_t(st.st_ino), std::int64_t(st.st_size),
                                     std::int64_t(st.st_mtim.tv_sec), std::int64_t(st.st_mtim.tv_nsec));
    static std::mutex verified_mutex;
    static std::set<std::decay_t<decltype(key)>> verified;
    if (have_stat) {
        std::lock_guard<std::mutex> lock(verified_mutex);
        if (verified.count(key) > 0) return true;
    }
    char header[user_block_size];
    const ssize_t got = ::pread(f.fd, header, sizeof header, 0);
    const std::size_t magic_len = std::strlen(seal_magic);
    if (got < static_cast<ssize_t>(magic_len) || std::memcmp(header, seal_magic, magic_len) != 0) return false;
    const std::string damaged = "does not match the checksum written with it (a CRC-32 of the whole file): the file "
                                "is damaged or was changed after socval wrote it. Write it again";
    if (got != static_cast<ssize_t>(sizeof header)) fail(path, damaged, false);
    char hex[9] = {0};
    unsigned long long bytes = 0;
    if (std::sscanf(header + magic_len, "crc32 %8[0-9a-f]\nbytes %llu\n", hex, &bytes) != 2 || std::strlen(hex) != 8) {
        fail(path, damaged, false);
    }
    std::string actual;
    std::uint64_t actual_bytes = 0;
    if (!hash_from(f.fd, user_block_size, actual, actual_bytes)) {
        fail(path, std::string("cannot be read (") + std::strerror(errno) + ")", false);
    }
    if (actual_bytes != bytes) {
        fail(path, "has " + std::to_string(actual_bytes + user_block_size) + " bytes but was written with " +
                       std::to_string(bytes + user_block_size) + ": it is truncated or damaged; write it again",
             false);
    }
    if (actual != hex) fail(path, damaged, false);
    if (have_stat) {
        std::lock_guard<std::mutex> lock(verified_mutex);
        verified.insert(key);
    }
    return true;
}

}  // namespace socval::io::detail
