/// Damage detection in results files (format 1.1): Fletcher-32 on numeric data, SHA-256 of strings and scalars,
/// a checksum of the layout and attributes, cross-checks of the provenance against the data.
#include "io_test_util.hpp"

#include <socval/errors.hpp>
#include <socval/io/results_file.hpp>
#include <socval/io/sha256.hpp>

#include <catch2/catch.hpp>

#include <hdf5.h>

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace socval::io;
using socval::ResultsFileError;
using socval::io::test::ScratchDir;
using Catch::Matchers::Contains;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

/// A file with a string variable, a float64 matrix, an int64 scalar and an extendible draws variable.
void write_file(const std::string& path) {
    ResultsWriter w(path);
    Provenance p = test::test_provenance();
    w.set_provenance(p);
    w.add_coordinate("option", std::vector<std::string>{"retrofit-option-label", "apprenticeships-label"});
    w.add_unlimited_dimension("draw");
    const std::vector<double> pv = {1.25, -2.5, 3.75, 4.5};
    w.add_dimension("year", 2);
    w.add_variable("pv", {"option", "year"}, pv.data(), pv.size(), {});
    const std::int64_t n = 1234567;
    w.add_variable("count", {}, &n, 1, {});
    w.add_variable("label", {"option"}, std::vector<std::string>{"employer-lever-label", "anchor-lever-label"}, {});
    w.create_extendible("npsv", {"draw"}, DataType::float64, {}, 4, 0);
    const std::vector<double> draws = {0.5, 1.5, 2.5, 3.5, 4.5, 5.5};
    w.append("npsv", draws.data(), draws.size());
    w.commit();
}

/// Every value the reader gives, or the error.
std::string read_all(const std::string& path) {
    try {
        ResultsReader r(path);
        std::string out;
        for (const auto& v : r.variables()) {
            out += v.name + ":";
            if (v.type == DataType::string) {
                for (const auto& s : r.read_strings(v.name)) out += s + ",";
            } else {
                for (double x : r.read_float64(v.name)) out += std::to_string(x) + ",";
            }
        }
        return out;
    } catch (const ResultsFileError& e) {
        return std::string("error: ") + e.what();
    }
}

}  // namespace

TEST_CASE("sha256 streamed in pieces equals sha256 in one go", "[io][sha256]") {
    const std::string text(1000, 'x');
    for (std::size_t piece : {1, 7, 63, 64, 65, 500}) {
        Sha256 s;
        for (std::size_t i = 0; i < text.size(); i += piece) s.update(text.substr(i, piece));
        CHECK(s.hex() == sha256_hex(text));
    }
}

TEST_CASE("a file of format 1.1 or later (this build writes 1.3) is checked on opening", "[io][integrity]") {
    ScratchDir dir;
    const std::string path = dir.file("run.h5");
    write_file(path);
    ResultsReader r(path);
    CHECK(r.format_version().minor == 3);  // 1.3: value by place and quintile by year, decile_value (issue 16)
    CHECK(r.checked());
    CHECK(r.attributes().count("_socval_sha256") == 0);  // hidden bookkeeping
    CHECK(results_layout_digest(path).size() == 64);
}

TEST_CASE("a changed string or number is refused, never read back changed", "[io][integrity]") {
    ScratchDir dir;
    const std::string path = dir.file("run.h5");
    write_file(path);
    const std::string good = slurp(path);
    const std::string expected = read_all(path);
    REQUIRE(expected.rfind("error", 0) != 0);
    // Change one byte inside each stored value we can find: labels (global heap) and the float64 data.
    std::vector<std::string> needles = {"employer-lever-label", "apprenticeships-label"};
    double value = 3.75;
    needles.emplace_back(reinterpret_cast<const char*>(&value), sizeof value);
    std::int64_t n = 1234567;
    needles.emplace_back(reinterpret_cast<const char*>(&n), sizeof n);
    for (const auto& needle : needles) {
        const auto at = good.find(needle);
        REQUIRE(at != std::string::npos);
        std::string bad = good;
        bad[at + 2] = static_cast<char>(bad[at + 2] ^ 0x01);
        spit(path, bad);
        const std::string got = read_all(path);
        CHECK(got.rfind("error: ", 0) == 0);
        CHECK_THAT(got, Contains("damaged"));
    }
}

TEST_CASE("the scenario hash must match the scenario text", "[io][integrity]") {
    ScratchDir dir;
    const std::string path = dir.file("run.h5");
    write_file(path);
    {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        REQUIRE(f >= 0);
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        const hid_t space = H5Screate(H5S_SCALAR);
        const char* text = "name: another scenario\n";
        H5Adelete(f, "scenario_text");
        const hid_t a = H5Acreate2(f, "scenario_text", type, space, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, type, &text);
        H5Aclose(a);
        H5Sclose(space);
        H5Tclose(type);
        H5Fclose(f);
    }
    // Caught by the file checksum first; once the checksums are recorded again, by the cross-check itself.
    CHECK_THROWS_WITH(ResultsReader(path), Contains("damaged"));
    reseal_results_file(path);
    CHECK_THROWS_WITH(ResultsReader(path), Contains("'scenario_hash' is not the SHA-256 of its 'scenario_text'"));
}

TEST_CASE("a FIFO is refused before it is opened", "[io][errors]") {
    ScratchDir dir;
    const std::string path = dir.file("fifo.h5");
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    CHECK_THROWS_WITH(ResultsReader(path), Contains("is not a regular file"));
}
