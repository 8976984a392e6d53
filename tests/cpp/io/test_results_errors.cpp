/// Results files: every bad file or bad use is a ResultsFileError that names the file and says what to do, and
/// an unfinished write never leaves anything under the final name.
#include <catch2/catch.hpp>

#include "io_test_util.hpp"

#include <socval/errors.hpp>
#include <socval/io.hpp>

#include <hdf5.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

using namespace socval::io;
using socval::ResultsFileError;
using socval::io::test::ScratchDir;
using Catch::Matchers::Contains;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Patch a root attribute of an existing file with the HDF5 C API (as a foreign tool or a newer socval would).
void patch_root(const std::string& path, const std::string& name, const std::vector<std::int64_t>* ints,
                const std::string* text) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(f >= 0);
    if (H5Aexists(f, name.c_str()) > 0) REQUIRE(H5Adelete(f, name.c_str()) >= 0);
    if (ints != nullptr) {
        const hsize_t n[1] = {ints->size()};
        const hid_t space = H5Screate_simple(1, n, nullptr);
        const hid_t a = H5Acreate2(f, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
        REQUIRE(H5Awrite(a, H5T_NATIVE_INT64, ints->data()) >= 0);
        H5Aclose(a);
        H5Sclose(space);
    } else if (text != nullptr) {
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        const hid_t space = H5Screate(H5S_SCALAR);
        const hid_t a = H5Acreate2(f, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
        const char* s = text->c_str();
        REQUIRE(H5Awrite(a, type, &s) >= 0);
        H5Aclose(a);
        H5Sclose(space);
        H5Tclose(type);
    }
    REQUIRE(H5Fclose(f) >= 0);
    // Record the checksums again, as a writer would have, so the reader's later checks are the ones tested
    // (a file that is not ours has no user block to hold them: left as it is).
    try {
        reseal_results_file(path);
    } catch (const socval::ResultsFileError&) {
    }
}

void set_version(const std::string& path, std::int64_t major, std::int64_t minor, const std::string& socval) {
    const std::vector<std::int64_t> v = {major, minor};
    patch_root(path, "format_version", &v, nullptr);
    patch_root(path, "socval_version", nullptr, &socval);
}

}  // namespace

TEST_CASE("a missing file is reported with the path", "[io][errors]") {
    ScratchDir dir;
    const std::string path = dir.file("nothing.h5");
    CHECK_THROWS_WITH(ResultsReader(path), Contains(path) && Contains("does not exist"));
}

TEST_CASE("a text file is not an HDF5 file", "[io][errors]") {
    ScratchDir dir;
    const std::string path = dir.file("notes.h5");
    std::ofstream(path) << "npsv,bcr\n1,2\n";
    CHECK_THROWS_AS(ResultsReader(path), ResultsFileError);
    CHECK_THROWS_WITH(ResultsReader(path), Contains(path) && Contains("is not an HDF5 file"));
}

TEST_CASE("a truncated file says it is truncated or damaged", "[io][errors]") {
    ScratchDir dir;
    const std::string path = dir.file("cut.h5");
    test::write_small_file(path);
    const std::string whole = slurp(path);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << whole.substr(0, whole.size() / 2);
    CHECK_THROWS_AS(ResultsReader(path), ResultsFileError);
    CHECK_THROWS_WITH(ResultsReader(path), Contains(path) && Contains("truncated or damaged") &&
                                               Contains("write it again"));
}

TEST_CASE("an HDF5 file that is not ours is refused", "[io][errors]") {
    ScratchDir dir;
    const std::string path = dir.file("foreign.h5");
    {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        REQUIRE(f >= 0);
        H5Fclose(f);
    }
    CHECK_THROWS_WITH(ResultsReader(path), Contains("not a socval results file") && Contains("file_type"));
    const std::string other = "openmc-statepoint";
    patch_root(path, "file_type", nullptr, &other);
    CHECK_THROWS_WITH(ResultsReader(path), Contains("'openmc-statepoint'") && Contains("expected 'socval-results'"));
}

TEST_CASE("a newer major format version asks to upgrade socval", "[io][errors][version]") {
    ScratchDir dir;
    const std::string path = dir.file("future.h5");
    test::write_small_file(path);
    set_version(path, results_format_version.major + 1, 0, "9.1.0");
    CHECK_THROWS_AS(ResultsReader(path), ResultsFileError);
    CHECK_THROWS_WITH(ResultsReader(path), Contains("written by a newer socval (version 9.1.0") &&
                                               Contains("Upgrade socval") && Contains(path));
}

TEST_CASE("a newer minor format version is read, unknown parts ignored", "[io][version]") {
    ScratchDir dir;
    const std::string path = dir.file("minor.h5");
    test::write_small_file(path);
    set_version(path, results_format_version.major, results_format_version.minor + 3, "1.9.0");
    {
        // What a newer minor version might add: an attribute and a variable of types this build does not know.
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        REQUIRE(f >= 0);
        const hid_t compound = H5Tcreate(H5T_COMPOUND, 16);
        H5Tinsert(compound, "low", 0, H5T_NATIVE_DOUBLE);
        H5Tinsert(compound, "high", 8, H5T_NATIVE_DOUBLE);
        const hid_t scalar = H5Screate(H5S_SCALAR);
        const double pair[2] = {1.0, 2.0};
        const hid_t a = H5Acreate2(f, "interval", compound, scalar, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, compound, pair);
        H5Aclose(a);
        const hid_t d = H5Dcreate2(f, "intervals", compound, scalar, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, compound, H5S_ALL, H5S_ALL, H5P_DEFAULT, pair);
        H5Dclose(d);
        H5Sclose(scalar);
        H5Tclose(compound);
        H5Fclose(f);
    }
    reseal_results_file(path);  // the edits above changed the file: record its checksums as a newer writer would
    ResultsReader r(path);
    CHECK(r.checked());
    CHECK(r.format_version().minor == results_format_version.minor + 3);
    CHECK(r.attributes().count("interval") == 0);
    CHECK(r.variables().size() == 2);  // option and npsv; the compound variable is ignored
    CHECK(r.read_float64("npsv") == std::vector<double>{1.5, -2.5});
}

TEST_CASE("a missing or malformed required attribute is reported by name", "[io][errors]") {
    ScratchDir dir;
    const std::string path = dir.file("noseed.h5");
    test::write_small_file(path);
    patch_root(path, "seed", nullptr, nullptr);
    CHECK_THROWS_WITH(ResultsReader(path), Contains("missing the required root attribute 'seed'"));
    const std::string text = "forty-two";
    patch_root(path, "seed", nullptr, &text);
    CHECK_THROWS_WITH(ResultsReader(path), Contains("'seed' should be an integer but is a string"));
    const std::vector<std::int64_t> bad = {1};
    patch_root(path, "format_version", &bad, nullptr);
    CHECK_THROWS_WITH(ResultsReader(path), Contains("no valid root attribute 'format_version'"));
}

TEST_CASE("a missing variable lists the variables present", "[io][errors]") {
    ScratchDir dir;
    const std::string path = dir.file("run.h5");
    test::write_small_file(path);
    ResultsReader r(path);
    CHECK_FALSE(r.has_variable("bcr"));
    CHECK(r.has_variable("npsv"));
    CHECK_THROWS_AS(r.read_float64("bcr"), ResultsFileError);
    CHECK_THROWS_WITH(r.read_float64("bcr"), Contains("has no variable 'bcr'") && Contains("option, npsv"));
    CHECK_THROWS_WITH(r.read_strings("npsv"), Contains("not strings"));
    CHECK_THROWS_WITH(r.read_float64("option"), Contains("holds strings"));
    CHECK_THROWS_WITH(r.read_int64("npsv"), Contains("read it with read_float64()"));
    std::vector<double> out(4);
    CHECK_THROWS_WITH(r.read_rows("npsv", 1, 2, out.data()), Contains("which has 2 rows"));
    CHECK_THROWS_WITH(r.attributes("nowhere"), Contains("has no group 'nowhere'"));
}

TEST_CASE("a writer destroyed without commit leaves no file at all", "[io][atomic]") {
    ScratchDir dir;
    const std::string path = dir.file("run.h5");
    std::string tmp;
    {
        ResultsWriter w(path);
        tmp = w.temporary_path();
        CHECK(tmp.rfind(path + ".tmp-" + std::to_string(::getpid()) + "-", 0) == 0);
        w.set_provenance(test::test_provenance());
        w.add_unlimited_dimension("draw");
        w.create_extendible("npsv", {"draw"}, DataType::float64);
        const std::vector<double> v(1000, 1.0);
        w.append("npsv", v.data(), v.size());
        CHECK(std::filesystem::exists(tmp));
        CHECK_FALSE(std::filesystem::exists(path));
    }
    CHECK(dir.entries().empty());
}

TEST_CASE("an exception during a write leaves an existing file untouched", "[io][atomic]") {
    ScratchDir dir;
    const std::string path = dir.file("run.h5");
    test::write_small_file(path);
    const std::string before = slurp(path);
    try {
        ResultsWriter w(path);
        w.set_provenance(test::test_provenance());
        w.add_dimension("option", 3);
        const std::vector<double> wrong(2, 0.0);
        w.add_variable("npsv", {"option"}, wrong.data(), wrong.size());  // throws: 2 values for 3 options
        FAIL("expected a ResultsFileError");
    } catch (const ResultsFileError& e) {
        CHECK_THAT(e.what(), Contains("has 2 values but its dimensions hold 3"));
    }
    CHECK(slurp(path) == before);
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
    CHECK(ResultsReader(path).read_float64("npsv") == std::vector<double>{1.5, -2.5});
}

TEST_CASE("discard removes the temporary file and commit replaces an existing file", "[io][atomic]") {
    ScratchDir dir;
    const std::string path = dir.file("run.h5");
    test::write_small_file(path);
    ResultsWriter w(path);
    w.discard();
    w.discard();  // idempotent
    CHECK(w.temporary_path().empty());
    CHECK_THROWS_WITH(w.set_provenance(test::test_provenance()), Contains("discarded"));
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});

    ResultsWriter w2(path);
    w2.set_provenance(test::test_provenance());
    w2.add_dimension("year", 2);
    const std::vector<double> v = {7, 8};
    w2.add_variable("value", {"year"}, v.data(), v.size());
    w2.commit();
    CHECK(w2.committed());
    CHECK_THROWS_WITH(w2.commit(), Contains("already committed"));
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
    CHECK(ResultsReader(path).read_float64("value") == v);
    CHECK_FALSE(ResultsReader(path).has_variable("npsv"));
}

TEST_CASE("writing into a missing, read-only or non-folder location is a clear error", "[io][errors]") {
    ScratchDir dir;
    CHECK_THROWS_WITH(ResultsWriter(dir.file("missing/run.h5")),
                      Contains("the folder '" + dir.file("missing") + "' does not exist"));
    CHECK_THROWS_WITH(ResultsWriter(dir.path.string()), Contains("this is a folder"));
    std::ofstream(dir.file("plain")) << "x";
    CHECK_THROWS_WITH(ResultsWriter(dir.file("plain/run.h5")), Contains("is not a folder"));
    CHECK_THROWS_WITH(ResultsWriter(""), Contains("no output path"));
    // /proc refuses new files even to root.
    CHECK_THROWS_WITH(ResultsWriter("/proc/run.h5"), Contains("cannot create a file in the folder '/proc'"));
    if (::geteuid() != 0) {  // root ignores permission bits
        std::filesystem::create_directory(dir.path / "ro");
        std::filesystem::permissions(dir.path / "ro", std::filesystem::perms::owner_read |
                                                          std::filesystem::perms::owner_exec);
        CHECK_THROWS_WITH(ResultsWriter(dir.file("ro/run.h5")), Contains("Permission denied"));
    }
}

TEST_CASE("misuse of the writer is reported with the variable and dimension names", "[io][errors]") {
    ScratchDir dir;
    const std::string path = dir.file("run.h5");
    ResultsWriter w(path);
    w.add_dimension("year", 2);
    w.add_unlimited_dimension("draw");
    const std::vector<double> v = {1, 2};
    CHECK_THROWS_WITH(w.add_variable("x", {"option"}, v.data(), v.size()),
                      Contains("uses dimension 'option', which is not defined") && Contains("draw, year"));
    CHECK_THROWS_WITH(w.add_variable("x", {"draw"}, v.data(), v.size()),
                      Contains("unlimited dimension 'draw'") && Contains("create_extendible"));
    CHECK_THROWS_WITH(w.add_dimension("year", 3), Contains("dimension 'year' already exists"));
    CHECK_THROWS_WITH(w.add_variable("a//b", {}, v.data(), 1), Contains("name 'a//b' is not valid"));
    CHECK_THROWS_WITH(w.create_extendible("t", {"year"}, DataType::float64),
                      Contains("first dimension 'year' must be unlimited"));
    CHECK_THROWS_WITH(w.create_extendible("t", {"draw"}, DataType::string), Contains("only float64 and int64"));
    CHECK_THROWS_WITH(w.create_extendible("t", {"draw"}, DataType::float64, {}, 0, 12),
                      Contains("deflate level must be 0 (none) to 9"));
    w.create_extendible("t", {"draw", "year"}, DataType::float64);
    const std::vector<double> three = {1, 2, 3};
    CHECK_THROWS_WITH(w.append("t", three.data(), three.size()), Contains("whole number of rows of 2 values"));
    const std::vector<std::int64_t> ints = {1, 2};
    CHECK_THROWS_WITH(w.append("t", ints.data(), ints.size()), Contains("cannot append int64 values"));
    CHECK_THROWS_WITH(w.append("year", v.data(), v.size()), Contains("not created with create_extendible()"));
    CHECK_THROWS_WITH(w.set_attribute("seed", std::int64_t{1}), Contains("use set_provenance()"));
    CHECK_THROWS_WITH(w.set_attribute("CLASS", std::int64_t{1}), Contains("reserved"));
    CHECK_THROWS_WITH(w.add_variable("s", {"year"}, std::vector<std::string>{"a", std::string("b\0c", 3)}),
                      Contains("NUL"));
    CHECK_THROWS_WITH(w.commit(), Contains("set_provenance() was not called"));
    CHECK_THROWS_AS(w.add_variable("t/inner", {}, v.data(), 1), ResultsFileError);  // 't' is a variable
    w.discard();
    CHECK(dir.entries().empty());
}
