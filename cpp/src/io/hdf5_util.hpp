#pragma once
/// Private helpers of the io area around the HDF5 C API: owned identifiers, quiet error handling, the turning of
/// HDF5 failures into ResultsFileError, attributes and strings. Not a public header.
#include <socval/io/results_file.hpp>

#include <hdf5.h>

#include <string>
#include <utility>
#include <vector>

namespace socval::io::detail {

/// Owns one HDF5 identifier and closes it with the matching H5?close function.
class Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Handle() = default;
    Handle(hid_t id, Closer close) : id_(id), close_(close) {}
    ~Handle() { reset(); }
    Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)), close_(other.close_) {}
    Handle& operator=(Handle&& other) noexcept {
        if (this != &other) {
            reset();
            id_ = std::exchange(other.id_, H5I_INVALID_HID);
            close_ = other.close_;
        }
        return *this;
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    /// The identifier (H5I_INVALID_HID if none).
    hid_t get() const { return id_; }
    /// True if an identifier is held.
    explicit operator bool() const { return id_ >= 0; }
    /// Give up ownership and return the identifier (for closing with a checked status).
    hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }
    /// Close now (errors ignored: used on clean-up paths).
    void reset() {
        if (id_ >= 0 && close_ != nullptr) close_(id_);
        id_ = H5I_INVALID_HID;
    }

private:
    hid_t id_ = H5I_INVALID_HID;
    Closer close_ = nullptr;
};

/// Turns off HDF5's printing of its error stack for the lifetime of the object (users see only our message),
/// restoring the previous setting afterwards so other HDF5 users in the process (h5py) are not affected.
class QuietErrors {
public:
    QuietErrors();
    ~QuietErrors();
    QuietErrors(const QuietErrors&) = delete;
    QuietErrors& operator=(const QuietErrors&) = delete;

private:
    H5E_auto2_t func_ = nullptr;
    void* data_ = nullptr;
    bool saved_ = false;
};

/// The most specific description on HDF5's current error stack ("" if the stack is empty).
std::string hdf5_error_detail();

/// Throw ResultsFileError "<path>: <what>", adding the HDF5 detail in parentheses when there is one.
[[noreturn]] void fail(const std::string& path, const std::string& what, bool with_hdf5_detail = true);

/// `id` if valid, else fail(path, what).
hid_t check(hid_t id, const std::string& path, const std::string& what);
/// Nothing if `status` >= 0, else fail(path, what).
void check_status(herr_t status, const std::string& path, const std::string& what);

/// Owning wrappers for the handle kinds used here.
Handle file_handle(hid_t id);
Handle group_handle(hid_t id);
Handle dataset_handle(hid_t id);
Handle space_handle(hid_t id);
Handle type_handle(hid_t id);
Handle plist_handle(hid_t id);
Handle attribute_handle(hid_t id);

/// A new variable-length UTF-8 string type (what h5py and h5netcdf read back as `str`).
Handle utf8_string_type(const std::string& path);

/// Attributes HDF5 dimension scales and netCDF-4 use for their own bookkeeping; hidden from users.
bool is_bookkeeping_attribute(const std::string& name);

/// Write (or replace) attribute `name` on object `obj`.
void write_attribute(hid_t obj, const std::string& name, const Attribute& value, const std::string& path);
/// Read attribute `name` of `obj`; false if its element type is not one socval stores (it is then ignored).
bool read_attribute(hid_t obj, const std::string& name, Attribute& out, const std::string& path);
/// Every non-bookkeeping attribute of `obj` of a supported type.
Attributes read_attributes(hid_t obj, const std::string& path);

/// Read every element of a string dataset (variable-length or fixed-length, UTF-8 or ASCII).
std::vector<std::string> read_string_dataset(hid_t dataset, const std::string& path);

/// "a/b/c" -> {"a/b", "c"}; "c" -> {"", "c"}.
std::pair<std::string, std::string> split_path(const std::string& name);
/// Strip one leading '/' and check `name` is a valid path of non-empty components; fail otherwise.
std::string normalise_name(const std::string& name, const std::string& path, const std::string& what);
/// True if the group or dataset at `name` (relative to the root) exists, checking each component.
bool path_exists(hid_t file, const std::string& name);

/// Attribute holding a SHA-256 (format 1.1): on the root group the digest of the layout (see layout_digest), on a
/// variable the digest of its data when HDF5's Fletcher-32 filter does not guard it (strings, scalars).
inline constexpr const char* checksum_attribute = "_socval_sha256";

/// Deepest group nesting walked (our files nest one or two levels; a damaged file may link a group to itself).
inline constexpr int max_group_depth = 32;

/// Leaf name of the dimension scale attached to axis `axis` of `dataset` ("" if none).
std::string scale_name(hid_t dataset, unsigned axis);

/// True if `dataset` is chunked with the Fletcher-32 filter (HDF5 then checks every chunk it reads).
bool has_fletcher32(hid_t dataset);

/// SHA-256 of the layout of `file`: the attributes of every group, and of every dataset its name, element type,
/// shape, dimension names, Fletcher-32 flag and attributes (the checksum attribute of the root excluded).
std::string layout_digest(hid_t file, const std::string& path);

/// SHA-256 of numeric data (`n` 8-byte values, in memory order) and of strings (each as its length and bytes).
std::string data_digest(const void* data, std::size_t n);
std::string data_digest(const std::vector<std::string>& values);

/// Size of the HDF5 user block at the start of a results file (format 1.1): it holds the file checksum header.
inline constexpr std::size_t user_block_size = 512;

/// Write the file checksum header (CRC-32 of every byte after the user block) into the user block of the closed
/// file `file`; fail(path, ...) on an I/O error.
void seal_file(const std::string& file, const std::string& path);

/// Check the file checksum header of `path` before HDF5 parses anything: false if the file has none (format 1.0,
/// or not ours), true if it matches; fail(path, ...) if it does not.
bool verify_file_seal(const std::string& path);

/// The NAME attribute prefix netCDF-4 gives a dimension that has no coordinate values.
inline constexpr const char* netcdf_dimension_only = "This is a netCDF dimension but not a netCDF variable.";

}  // namespace socval::io::detail
