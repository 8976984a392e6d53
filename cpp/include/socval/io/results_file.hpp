#pragma once
/// Self-describing HDF5 results files (layout: docs/formats/results.md).
///
/// A results file is a netCDF-4 compatible HDF5 file: named dimensions are HDF5 dimension scales, so
/// `xarray.open_dataset(path, engine="h5netcdf")` sees them. It carries provenance as root attributes, and is
/// written to a temporary file that is renamed to its final name only by ResultsWriter::commit().
/// Every failure is reported as socval::ResultsFileError naming the file and what to do.
/// Neither class is thread-safe: call one writer or reader from one thread at a time.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace socval::io {

/// Version of the results layout: a reader refuses a newer major, reads a newer minor ignoring what it does not know.
struct FormatVersion {
    int major = 0;
    int minor = 0;
};

/// The layout version this build writes (bump rules in docs/formats/results.md, "Versioning").
inline constexpr FormatVersion results_format_version{1, 3};
/// Value of the root attribute `file_type` that marks a socval results file.
inline constexpr const char* results_file_type = "socval-results";

/// An attribute value: a scalar or a 1-D array of integers, reals or UTF-8 strings.
using Attribute = std::variant<std::int64_t, std::uint64_t, double, std::string, std::vector<std::int64_t>,
                               std::vector<double>, std::vector<std::string>>;
/// Attributes by name (ordered by name).
using Attributes = std::map<std::string, Attribute>;

/// Element type of a stored variable.
enum class DataType { float64, int64, string };

/// "float64", "int64" or "string".
const char* to_string(DataType type);

/// Provenance every results file must carry (required root attributes, docs/formats/results.md).
/// `created`, `scenario_hash`, `file_type` and `format_version` are added by the writer itself.
struct Provenance {
    std::string socval_version;           ///< empty: the version of this build (SOCVAL_VERSION)
    std::string git_revision = "unknown";  ///< commit of the socval source that produced the results
    std::uint64_t seed = 0;                ///< master seed of the random streams
    std::int64_t draws = 0;                ///< Monte Carlo draws (0 for a deterministic evaluation)
    std::string sampler;                   ///< "mc", "lhs", ... ("none" for a deterministic evaluation)
    std::string scenario_text;             ///< the scenario file(s) exactly as read
    std::string value_library_version;     ///< version of the value library used to monetise outcomes
};

/// One stored array, as listed by ResultsReader::variables().
struct VariableInfo {
    std::string name;                ///< path from the root: "npsv", or "baseline/npsv" inside group "baseline"
    DataType type = DataType::float64;
    std::vector<std::string> dims;   ///< dimension names, outermost first (empty for a scalar)
    std::vector<std::size_t> shape;  ///< extent along each dimension
    Attributes attrs;                ///< user attributes (units, long_name, ...), HDF5/netCDF bookkeeping removed
    bool is_coordinate = false;      ///< true for a dimension coordinate (a 1-D variable named like its dimension)
};

/// Writes one results file: everything goes to `<final>.tmp-<pid>-<random>` beside the final path, and
/// commit() renames it into place atomically. Destroyed (or discard()ed) without commit, the temporary file is
/// removed and the final path is left exactly as it was.
///
/// Names may contain '/' to place a dimension or variable in a group ("baseline/npsv"); groups are created on
/// demand. A variable's dimension names are looked up netCDF-style: in its own group, then in each parent group.
/// Data are row-major (C order), first dimension outermost.
class ResultsWriter {
public:
    /// Check the folder of `final_path` is writable and create the temporary file.
    explicit ResultsWriter(std::string final_path);
    /// Removes the temporary file unless commit() succeeded. Never throws.
    ~ResultsWriter();
    ResultsWriter(ResultsWriter&&) noexcept;
    ResultsWriter& operator=(ResultsWriter&&) noexcept;
    ResultsWriter(const ResultsWriter&) = delete;
    ResultsWriter& operator=(const ResultsWriter&) = delete;

    /// Set the required root attributes (must be called before commit()).
    void set_provenance(const Provenance& provenance);
    /// Set a free attribute on the root (group "") or on a group; reserved provenance names are refused.
    void set_attribute(const std::string& name, const Attribute& value, const std::string& group = "");
    /// Set an attribute on an existing variable or coordinate.
    void set_variable_attribute(const std::string& variable, const std::string& name, const Attribute& value);
    /// Create a group (and its parents) explicitly, e.g. to hold only attributes.
    void create_group(const std::string& group);

    /// A named dimension of fixed size without coordinate values.
    void add_dimension(const std::string& name, std::size_t size);
    /// A named dimension that grows as extendible variables are appended (e.g. "draw").
    void add_unlimited_dimension(const std::string& name);
    /// A dimension with coordinate values (a 1-D variable of the same name): reals, integers or labels.
    void add_coordinate(const std::string& name, const std::vector<double>& values, const Attributes& attrs = {});
    void add_coordinate(const std::string& name, const std::vector<std::int64_t>& values,
                        const Attributes& attrs = {});
    void add_coordinate(const std::string& name, const std::vector<std::string>& values,
                        const Attributes& attrs = {});

    /// A variable over existing fixed dimensions; `size` must equal the product of their sizes (1 for no dims).
    void add_variable(const std::string& name, const std::vector<std::string>& dims, const double* data,
                      std::size_t size, const Attributes& attrs = {});
    void add_variable(const std::string& name, const std::vector<std::string>& dims, const std::int64_t* data,
                      std::size_t size, const Attributes& attrs = {});
    void add_variable(const std::string& name, const std::vector<std::string>& dims,
                      const std::vector<std::string>& data, const Attributes& attrs = {});

    /// A chunked variable whose first dimension is unlimited, filled block by block with append(), so that a
    /// draws x years x nodes tensor streams to disk. `chunk_rows` 0 chooses about 1 MiB chunks; `deflate` 0-9
    /// is the gzip level (0: none, fastest).
    void create_extendible(const std::string& name, const std::vector<std::string>& dims, DataType type,
                           const Attributes& attrs = {}, std::size_t chunk_rows = 0, int deflate = 0);
    /// Append whole rows to an extendible variable; `size` must be a multiple of the row size.
    void append(const std::string& name, const double* data, std::size_t size);
    void append(const std::string& name, const std::int64_t* data, std::size_t size);
    /// Rows written so far to an extendible variable.
    std::size_t rows(const std::string& name) const;

    /// Flush, close, fsync and atomically rename the temporary file to the final path.
    void commit();
    /// Abandon the file now: close and remove the temporary file (the destructor does the same). Idempotent.
    void discard() noexcept;

    /// The path the file will have after commit().
    const std::string& final_path() const;
    /// The temporary file being written (empty once committed or discarded).
    const std::string& temporary_path() const;
    /// True once commit() has succeeded.
    bool committed() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Reads a results file: the constructor checks it is an HDF5 file, a socval results file, of a major format
/// version this build understands, with every required root attribute. Newer minor versions are read, and
/// anything this build does not know (attributes, variables, element types) is ignored.
class ResultsReader {
public:
    /// Open and check `path`; throws ResultsFileError saying what is wrong and what to do.
    explicit ResultsReader(std::string path);
    ~ResultsReader();
    ResultsReader(ResultsReader&&) noexcept;
    ResultsReader& operator=(ResultsReader&&) noexcept;
    ResultsReader(const ResultsReader&) = delete;
    ResultsReader& operator=(const ResultsReader&) = delete;

    /// The file's path.
    const std::string& path() const;
    /// The layout version the file was written with.
    FormatVersion format_version() const;
    /// True if the file carries checksums (format 1.1 on) and its layout and attributes matched them on opening;
    /// false for a format 1.0 file, read unchecked. Data are checked as they are read.
    bool checked() const;
    /// The required root attributes.
    Provenance provenance() const;
    /// Attributes of the root (group "") or of a group, bookkeeping attributes removed.
    Attributes attributes(const std::string& group = "") const;
    /// Every group path below the root, parents before children.
    std::vector<std::string> groups() const;
    /// Every variable and coordinate of a readable type, in creation order, groups after their parent.
    std::vector<VariableInfo> variables() const;
    /// True if `name` is a readable variable or coordinate.
    bool has_variable(const std::string& name) const;
    /// Description of one variable; throws ResultsFileError listing the variables present if it is missing.
    VariableInfo variable(const std::string& name) const;

    /// A whole float64 (or integer, converted) variable, row-major.
    std::vector<double> read_float64(const std::string& name) const;
    /// A whole int64 variable, row-major.
    std::vector<std::int64_t> read_int64(const std::string& name) const;
    /// A whole string variable, row-major.
    std::vector<std::string> read_strings(const std::string& name) const;
    /// Rows [row_begin, row_begin + row_count) along the first dimension into `out` (row_count x row size values).
    void read_rows(const std::string& name, std::size_t row_begin, std::size_t row_count, double* out) const;
    void read_rows(const std::string& name, std::size_t row_begin, std::size_t row_count, std::int64_t* out) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The layout checksum of the HDF5 file at `path` as a writer of format 1.1 computes it (the root attribute
/// `_socval_sha256` must equal it).
std::string results_layout_digest(const std::string& path);

/// Record the layout checksum and the file checksum of the results file at `path` again, after a deliberate
/// edit (tests, tools that change a file on purpose). The file must have a user block (format 1.1 on).
void reseal_results_file(const std::string& path);

}  // namespace socval::io
