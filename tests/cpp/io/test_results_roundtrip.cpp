/// Results files: everything written comes back identical (types, dimensions, attributes, groups, appends).
#include <catch2/catch.hpp>

#include "io_test_util.hpp"

#include <socval/errors.hpp>
#include <socval/io.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <regex>

using namespace socval::io;
using socval::io::test::ScratchDir;

namespace {

const VariableInfo& find(const std::vector<VariableInfo>& vars, const std::string& name) {
    auto it = std::find_if(vars.begin(), vars.end(), [&](const VariableInfo& v) { return v.name == name; });
    REQUIRE(it != vars.end());
    return *it;
}

/// Write a file exercising every feature; the draws tensor is appended in blocks of 3, 1 and 2 rows.
void write_full_file(const std::string& path) {
    ResultsWriter w(path);
    w.set_provenance(test::test_provenance());
    w.set_attribute("i64", std::int64_t{-7});
    w.set_attribute("u64", std::uint64_t{18446744073709551615ULL});
    w.set_attribute("real", 0.035);
    w.set_attribute("text", std::string("Green Book \xc2\xa3"));
    w.set_attribute("ints", std::vector<std::int64_t>{1, 2, 3});
    w.set_attribute("reals", std::vector<double>{0.035, 0.03, 0.025});
    w.set_attribute("texts", std::vector<std::string>{"social", "economic", "environmental"});
    w.set_attribute("empty", std::vector<double>{});

    w.add_coordinate("option", std::vector<std::string>{"retrofit", "apprenticeships", "solar"},
                     {{"long_name", std::string("investment option")}});
    w.add_coordinate("year", std::vector<std::int64_t>{2025, 2026}, {{"units", std::string("calendar year")}});
    w.add_coordinate("quantile", std::vector<double>{0.05, 0.5, 0.95});
    w.add_dimension("node", 4);
    w.add_unlimited_dimension("draw");

    const std::vector<double> pv = {1.0, 2.0, 3.0, 4.0, 5.0, 6.0};
    w.add_variable("pv_benefits", {"option", "year"}, pv.data(), pv.size(),
                   {{"units", std::string("GBP (2024 prices)")}, {"long_name", std::string("PV of benefits")}});
    const std::vector<std::int64_t> jobs = {10, -20, std::numeric_limits<std::int64_t>::max()};
    w.add_variable("jobs", {"option"}, jobs.data(), jobs.size(), {{"units", std::string("jobs")}});
    w.add_variable("lever", {"option"}, std::vector<std::string>{"employer", "anchor \xc3\xa9", ""});
    const double bcr = 1.75;
    w.add_variable("bcr", {}, &bcr, 1, {{"units", std::string("1")}});
    const std::vector<double> node_mean = {0.1, 0.2, 0.3, 0.4};
    w.add_variable("node_mean", {"node"}, node_mean.data(), node_mean.size());

    w.create_extendible("tensor", {"draw", "year", "node"}, DataType::float64, {{"units", std::string("GBP")}},
                        2);
    w.create_extendible("npsv_draws", {"draw"}, DataType::float64, {{"units", std::string("GBP")}});
    w.create_extendible("rank", {"draw"}, DataType::int64);
    std::vector<double> all(6 * 2 * 4);
    std::iota(all.begin(), all.end(), 0.0);
    std::size_t row = 0;
    for (std::size_t block : {3, 1, 2}) {
        w.append("tensor", all.data() + row * 8, block * 8);
        std::vector<double> npsv(block);
        std::vector<std::int64_t> rank(block);
        for (std::size_t i = 0; i < block; ++i) {
            npsv[i] = 100.0 * double(row + i);
            rank[i] = std::int64_t(row + i) - 2;
        }
        w.append("npsv_draws", npsv.data(), npsv.size());
        w.append("rank", rank.data(), rank.size());
        row += block;
    }
    CHECK(w.rows("tensor") == 6);

    // A group per scenario: its own option coordinate; "draw" and "year" come from the root (netCDF scoping).
    w.add_coordinate("baseline/option", std::vector<std::string>{"retrofit"});
    const std::vector<double> base = {9.0, 8.0};
    w.add_variable("baseline/pv", {"option", "year"}, base.data(), base.size());
    w.set_attribute("scenario_name", std::string("baseline"), "baseline");
    w.create_extendible("baseline/npsv", {"draw"}, DataType::float64);
    const std::vector<double> b_npsv = {1.0, 2.0};
    w.append("baseline/npsv", b_npsv.data(), b_npsv.size());
    w.set_variable_attribute("baseline/npsv", "units", std::string("GBP"));
    w.create_group("empty_group");
    w.commit();
}

}  // namespace

TEST_CASE("a committed file has the provenance and format attributes", "[io][roundtrip]") {
    ScratchDir dir;
    const std::string path = dir.file("run.h5");
    write_full_file(path);
    ResultsReader r(path);
    CHECK(r.path() == path);
    CHECK(r.format_version().major == results_format_version.major);
    CHECK(r.format_version().minor == results_format_version.minor);
    const Provenance p = r.provenance();
    const Provenance expected = test::test_provenance();
    CHECK(p.socval_version == SOCVAL_VERSION);
    CHECK(p.git_revision == expected.git_revision);
    CHECK(p.seed == expected.seed);
    CHECK(p.draws == expected.draws);
    CHECK(p.sampler == expected.sampler);
    CHECK(p.scenario_text == expected.scenario_text);
    CHECK(p.value_library_version == expected.value_library_version);
    const Attributes root = r.attributes();
    CHECK(std::get<std::string>(root.at("file_type")) == "socval-results");
    CHECK(std::get<std::vector<std::int64_t>>(root.at("format_version")) ==
          std::vector<std::int64_t>{results_format_version.major, results_format_version.minor});
    CHECK(std::get<std::string>(root.at("scenario_hash")) == sha256_hex(expected.scenario_text));
    CHECK(std::regex_match(std::get<std::string>(root.at("created")),
                           std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
    CHECK(std::get<std::uint64_t>(root.at("seed")) == 42);
}

TEST_CASE("free attributes of every type come back identical", "[io][roundtrip]") {
    ScratchDir dir;
    const std::string path = dir.file("run.h5");
    write_full_file(path);
    ResultsReader r(path);
    const Attributes a = r.attributes();
    CHECK(std::get<std::int64_t>(a.at("i64")) == -7);
    CHECK(std::get<std::uint64_t>(a.at("u64")) == 18446744073709551615ULL);
    CHECK(std::get<double>(a.at("real")) == 0.035);
    CHECK(std::get<std::string>(a.at("text")) == "Green Book \xc2\xa3");
    CHECK(std::get<std::vector<std::int64_t>>(a.at("ints")) == std::vector<std::int64_t>{1, 2, 3});
    CHECK(std::get<std::vector<double>>(a.at("reals")) == std::vector<double>{0.035, 0.03, 0.025});
    CHECK(std::get<std::vector<std::string>>(a.at("texts")) ==
          std::vector<std::string>{"social", "economic", "environmental"});
    CHECK(std::get<std::vector<double>>(a.at("empty")).empty());
    CHECK(std::get<std::string>(r.attributes("baseline").at("scenario_name")) == "baseline");
}

TEST_CASE("variables come back with their dims, shapes, attributes and values", "[io][roundtrip]") {
    ScratchDir dir;
    const std::string path = dir.file("run.h5");
    write_full_file(path);
    ResultsReader r(path);
    const auto vars = r.variables();

    // Creation order is kept; dimensions without values are not variables.
    std::vector<std::string> names;
    for (const auto& v : vars) names.push_back(v.name);
    CHECK(names == std::vector<std::string>{"option", "year", "quantile", "pv_benefits", "jobs", "lever", "bcr",
                                            "node_mean", "tensor", "npsv_draws", "rank", "baseline/option",
                                            "baseline/pv", "baseline/npsv"});
    CHECK(r.groups() == std::vector<std::string>{"baseline", "empty_group"});

    const auto& option = find(vars, "option");
    CHECK(option.is_coordinate);
    CHECK(option.type == DataType::string);
    CHECK(option.dims == std::vector<std::string>{"option"});
    CHECK(std::get<std::string>(option.attrs.at("long_name")) == "investment option");
    CHECK(r.read_strings("option") == std::vector<std::string>{"retrofit", "apprenticeships", "solar"});
    CHECK(r.read_int64("year") == std::vector<std::int64_t>{2025, 2026});
    CHECK(r.read_float64("quantile") == std::vector<double>{0.05, 0.5, 0.95});

    const auto& pv = find(vars, "pv_benefits");
    CHECK_FALSE(pv.is_coordinate);
    CHECK(pv.type == DataType::float64);
    CHECK(pv.dims == std::vector<std::string>{"option", "year"});
    CHECK(pv.shape == std::vector<std::size_t>{3, 2});
    CHECK(pv.attrs.size() == 2);  // units and long_name only: dimension-scale bookkeeping is hidden
    CHECK(std::get<std::string>(pv.attrs.at("units")) == "GBP (2024 prices)");
    CHECK(r.read_float64("pv_benefits") == std::vector<double>{1, 2, 3, 4, 5, 6});

    CHECK(find(vars, "jobs").type == DataType::int64);
    CHECK(r.read_int64("jobs") == std::vector<std::int64_t>{10, -20, std::numeric_limits<std::int64_t>::max()});
    CHECK(r.read_strings("lever") == std::vector<std::string>{"employer", "anchor \xc3\xa9", ""});
    CHECK(find(vars, "bcr").shape.empty());
    CHECK(find(vars, "bcr").dims.empty());
    CHECK(r.read_float64("bcr") == std::vector<double>{1.75});
    CHECK(find(vars, "node_mean").dims == std::vector<std::string>{"node"});

    const auto& base = find(vars, "baseline/pv");
    CHECK(base.dims == std::vector<std::string>{"option", "year"});
    CHECK(base.shape == std::vector<std::size_t>{1, 2});
    CHECK(r.read_strings("baseline/option") == std::vector<std::string>{"retrofit"});
    CHECK(r.read_float64("/baseline/pv") == std::vector<double>{9, 8});
    CHECK(std::get<std::string>(find(vars, "baseline/npsv").attrs.at("units")) == "GBP");
}

TEST_CASE("appended blocks form one variable along the unlimited dimension", "[io][roundtrip]") {
    ScratchDir dir;
    const std::string path = dir.file("run.h5");
    write_full_file(path);
    ResultsReader r(path);
    const auto tensor = r.variable("tensor");
    CHECK(tensor.dims == std::vector<std::string>{"draw", "year", "node"});
    CHECK(tensor.shape == std::vector<std::size_t>{6, 2, 4});
    std::vector<double> expected(48);
    std::iota(expected.begin(), expected.end(), 0.0);
    CHECK(r.read_float64("tensor") == expected);

    // A slice along the first dimension: rows 2..4.
    std::vector<double> slice(3 * 8);
    r.read_rows("tensor", 2, 3, slice.data());
    CHECK(slice == std::vector<double>(expected.begin() + 16, expected.begin() + 40));
    std::vector<std::int64_t> ranks(2);
    r.read_rows("rank", 4, 2, ranks.data());
    CHECK(ranks == std::vector<std::int64_t>{2, 3});
    CHECK(r.read_float64("npsv_draws") == std::vector<double>{0, 100, 200, 300, 400, 500});
    CHECK(r.read_float64("baseline/npsv") == std::vector<double>{1, 2});
    // Reading an integer variable as float64 converts it.
    CHECK(r.read_float64("rank") == std::vector<double>{-2, -1, 0, 1, 2, 3});
}

TEST_CASE("an extendible variable with nothing appended has zero rows", "[io][roundtrip]") {
    ScratchDir dir;
    const std::string path = dir.file("empty.h5");
    {
        ResultsWriter w(path);
        Provenance p = test::test_provenance();
        p.draws = 0;  // the draws attribute agrees with the data (checked on reading)
        w.set_provenance(p);
        w.add_unlimited_dimension("draw");
        w.add_dimension("year", 3);
        w.create_extendible("tensor", {"draw", "year"}, DataType::float64, {}, 0, 4);
        w.append("tensor", static_cast<const double*>(nullptr), 0);
        w.commit();
    }
    ResultsReader r(path);
    CHECK(r.variable("tensor").shape == std::vector<std::size_t>{0, 3});
    CHECK(r.read_float64("tensor").empty());
}

TEST_CASE("compressed extendible variables round-trip", "[io][roundtrip]") {
    ScratchDir dir;
    const std::string path = dir.file("gz.h5");
    std::vector<double> data(1000 * 5);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = std::sin(double(i));
    {
        ResultsWriter w(path);
        Provenance p = test::test_provenance();
        p.draws = 1000;  // the draws attribute agrees with the data (checked on reading)
        w.set_provenance(p);
        w.add_unlimited_dimension("draw");
        w.add_dimension("metric", 5);
        w.create_extendible("m", {"draw", "metric"}, DataType::float64, {}, 64, 6);
        for (std::size_t row = 0; row < 1000; row += 250) w.append("m", data.data() + row * 5, 250 * 5);
        w.commit();
    }
    CHECK(ResultsReader(path).read_float64("m") == data);
}
