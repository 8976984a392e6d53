// Known-answer and property tests of the Green Book discounting, price rebasing, carbon, WELLBY and QALY values
// and optimism bias, using the shipped value library (data/). Expected values are computed independently with
// Python's decimal module (30 digits) from the published rates quoted in each test.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <socval/errors.hpp>
#include <socval/values.hpp>

using namespace socval;
using Catch::Matchers::Contains;

namespace {
const values::Library& lib() {
    static const values::Library l = values::Library::load(SOCVAL_SOURCE_DIR "/data");
    return l;
}
}  // namespace

// Green Book 2022 Annex A6: standard STPR 3.5% (years 1-30), 3.0% (31-75), 2.5% (76-125), 2.0% (126-200);
// DF(t) = 1 / prod_{k=1..t}(1 + r_k). E.g. DF(30) = 1.035^-30; DF(31) = 1.035^-30 / 1.03.
TEST_CASE("standard schedule discount factors at the band edges") {
    const auto& s = lib().schedule("standard");
    CHECK(s.factor(0) == 1.0);
    CHECK(s.factor(1) == Approx(0.966183574879227).epsilon(1e-13));
    CHECK(s.factor(30) == Approx(0.356278410602302).epsilon(1e-13));
    CHECK(s.factor(31) == Approx(0.345901369516798).epsilon(1e-13));
    CHECK(s.factor(75) == Approx(0.094213772576691).epsilon(1e-13));
    CHECK(s.factor(76) == Approx(0.091915875684577).epsilon(1e-13));
    CHECK(s.factor(125) == Approx(0.027410763016195).epsilon(1e-13));
    CHECK(s.factor(126) == Approx(0.026873297074701).epsilon(1e-13));
}

// Health schedule (Green Book supplementary guidance): 1.5%, 1.29%, 1.07%, 0.86% over the same bands.
TEST_CASE("health schedule discount factors at the band edges") {
    const auto& s = lib().schedule("health");
    CHECK(s.factor(1) == Approx(0.985221674876847).epsilon(1e-13));
    CHECK(s.factor(30) == Approx(0.639762429906489).epsilon(1e-13));
    CHECK(s.factor(31) == Approx(0.631614601546538).epsilon(1e-13));
    CHECK(s.factor(75) == Approx(0.359354453551873).epsilon(1e-13));
    CHECK(s.factor(76) == Approx(0.355550067826133).epsilon(1e-13));
    CHECK(s.factor(125) == Approx(0.211061852909157).epsilon(1e-13));
    CHECK(s.factor(126) == Approx(0.209262198006303).epsilon(1e-13));
}

// Reduced schedule (excludes catastrophic risk): 3.0%, 2.57%, 2.14%, 1.71%.
TEST_CASE("reduced schedule discount factors at the band edges") {
    const auto& s = lib().schedule("reduced");
    CHECK(s.factor(1) == Approx(0.970873786407767).epsilon(1e-13));
    CHECK(s.factor(30) == Approx(0.411986759515907).epsilon(1e-13));
    CHECK(s.factor(31) == Approx(0.401663994848305).epsilon(1e-13));
    CHECK(s.factor(75) == Approx(0.131512568741092).epsilon(1e-13));
    CHECK(s.factor(76) == Approx(0.128757165401500).epsilon(1e-13));
    CHECK(s.factor(125) == Approx(0.045622027781255).epsilon(1e-13));
    CHECK(s.factor(126) == Approx(0.044855007158838).epsilon(1e-13));
}

// Within one band the factors form a geometric series: sum_{t=1..n} DF(t) = (1 - (1 + r)^-n) / r.
TEST_CASE("within-band annuity identity") {
    for (const char* name : {"standard", "health", "reduced"}) {
        const auto& s = lib().schedule(name);
        const double r = s.rate(1);
        for (int n : {1, 5, 17, 30}) {
            double sum = 0;
            for (int t = 1; t <= n; ++t) sum += s.factor(t);
            CHECK(sum == Approx((1 - std::pow(1 + r, -n)) / r).epsilon(1e-12));
        }
    }
    // Standard, n = 30: 18.3920454113628 (decimal computation).
    double sum = 0;
    for (int t = 1; t <= 30; ++t) sum += lib().schedule("standard").factor(t);
    CHECK(sum == Approx(18.3920454113628).epsilon(1e-12));
}

TEST_CASE("discount factors decrease strictly and factors() agrees with factor()") {
    for (const char* name : {"standard", "health", "reduced"}) {
        const auto& s = lib().schedule(name);
        const auto f = s.factors(400);
        for (int t = 1; t < 400; ++t) {
            CHECK(f[t] < f[t - 1]);
            CHECK(f[t] == Approx(s.factor(t)).epsilon(1e-12));
        }
    }
}

TEST_CASE("present value of a stream that starts later equals the discounted stream from year 0") {
    const auto& s = lib().schedule("standard");
    const std::vector<double> v{100, 200, 300};
    CHECK(appraisal::present_value(v, s, 3) ==
          Approx(appraisal::present_value({0, 0, 0, 100, 200, 300}, s, 0)).epsilon(1e-14));
    CHECK(appraisal::present_value(v, s, 40) ==
          Approx(100 * s.factor(40) + 200 * s.factor(41) + 300 * s.factor(42)).epsilon(1e-14));
}

// GDP deflator (HM Treasury, December 2025, 2024 = 100): 2019 = 81.1085, 2022 = 90.5005.
TEST_CASE("rebase with the GDP deflator, and its round trip") {
    CHECK(lib().rebase(100, 2024, 2024) == 100);
    CHECK(lib().rebase(81.1085, 2019, 2024) == Approx(100).epsilon(1e-14));
    for (int a = 1990; a <= 2024; a += 3)
        for (int b = 1990; b <= 2024; b += 5) CHECK(lib().rebase(lib().rebase(1234.5, a, b), b, a) == Approx(1234.5).epsilon(1e-14));
    CHECK_THROWS_AS(lib().rebase(1, 2019, 2031), ValueLibraryError);
    CHECK_THROWS_WITH(lib().rebase(1, 1989, 2024), Contains("expected a year in 1990-2024, found 1989"));
}

// WELLBY: GBP 13,000 in 2019 prices (HMT Wellbeing Guidance 2021) -> 2024 prices: 13000 * 100 / 81.1085.
TEST_CASE("WELLBY value in a chosen price base") {
    CHECK(lib().wellby_value(values::Case::central, 2019) == 13000);
    CHECK(lib().wellby_value(values::Case::low, 2019) == 10000);
    CHECK(lib().wellby_value(values::Case::high, 2019) == 16000);
    CHECK(lib().wellby_value(values::Case::central, 2024) == Approx(16027.9132273436).epsilon(1e-13));
    // Example: a programme raising life satisfaction by 0.1 points for 500 people for one year = 50 WELLBYs.
    CHECK(50 * lib().wellby_value(values::Case::central, 2024) == Approx(801395.661367181).epsilon(1e-13));
}

// QALY: GBP 70,000 in 2019 prices, the WELLBY's base (HMT Wellbeing Guidance 2021, Annex 2: GBP 60,000 in 2014
// prices uprated to 2019, about 70,000). 2024 prices: 70000 x 100 / 81.1085 = 86,304.148; one QALY is
// 70,000 / 13,000 = 5.3846 WELLBYs in every price base.
TEST_CASE("QALY value on the WELLBY's price base") {
    CHECK(lib().qaly_value(values::Case::central, 2019) == 70000);
    CHECK(lib().qaly_value(values::Case::central, 2024) == Approx(86304.1481472349).epsilon(1e-13));
    CHECK(lib().provenance("qaly").price_base_year == lib().provenance("wellby").price_base_year);
    for (int pb : {1995, 2019, 2022, 2024})
        CHECK(lib().qaly_value(values::Case::central, pb) / lib().wellby_value(values::Case::central, pb) ==
              Approx(70000.0 / 13000.0).epsilon(1e-13));
}

// Carbon NPV by hand: 1 tCO2e avoided each year 2025-2029, central DESNZ values (2022 prices) 273.06, 277.22,
// 281.44, 285.73, 290.08; rebased to 2024 prices by 100 / 90.5005; discounted at 3.5% from 2025 = year 0.
// Sum = 301.722090 + 306.318750/1.035 + 310.981707/1.035^2 + 315.722013/1.035^3 + 320.528616/1.035^4 = 1452.0723232.
TEST_CASE("carbon NPV example") {
    std::vector<double> v;
    for (int y = 2025; y <= 2029; ++y) v.push_back(lib().carbon_value(y, values::Case::central, 2024));
    CHECK(v[0] == Approx(301.722090).epsilon(1e-9));
    CHECK(appraisal::present_value(v, lib().schedule("standard")) == Approx(1452.07232318105).epsilon(1e-12));
    CHECK(lib().carbon_value(2030, values::Case::low, 2022) == 147.25);
    CHECK(lib().carbon_value(2030, values::Case::high, 2022) == 441.75);
}

TEST_CASE("carbon value outside the DESNZ table is an error unless asked to hold") {
    CHECK_THROWS_WITH(lib().carbon_value(2051, values::Case::central, 2024),
                      Contains("covers 2020-2050, found year 2051"));
    CHECK_THROWS_AS(lib().carbon_value(2019, values::Case::central, 2024), ValueLibraryError);
    CHECK(lib().carbon_value(2060, values::Case::central, 2022, values::Extrapolation::hold) ==
          lib().carbon_value(2050, values::Case::central, 2022));
}

// Optimism bias upper bounds (HMT supplementary guidance): standard buildings 24%, non-standard 51% capital.
// Blend of 30% non-standard and 70% standard buildings: 0.3 * 0.51 + 0.7 * 0.24 = 0.321.
TEST_CASE("optimism bias: categories, mitigation and the blended uplift") {
    const auto& std_b = lib().optimism_bias("standard_buildings");
    const auto& non_std = lib().optimism_bias("non_standard_buildings");
    CHECK(std_b.capital_upper == 0.24);
    CHECK(non_std.capital_upper == 0.51);
    CHECK(appraisal::blended_uplift({{0.3, non_std.capital_upper}, {0.7, std_b.capital_upper}}) ==
          Approx(0.321).epsilon(1e-14));
    CHECK(appraisal::optimism_bias_uplift(0.24, 0.5) == Approx(0.12));
    CHECK_THROWS_WITH(lib().optimism_bias("bridges"), Contains("found 'bridges'"));
    // The table's footnote: outsourcing's 41% is measured on operating expenditure; it has no duration bound.
    const auto& out = lib().optimism_bias("outsourcing");
    CHECK(out.has_operating);
    CHECK(out.operating_upper == 0.41);
    CHECK_FALSE(out.has_capital);
    CHECK_FALSE(out.has_duration);
    CHECK(std_b.has_capital);
    CHECK(std_b.has_duration);
    CHECK_FALSE(std_b.has_operating);
    CHECK(non_std.duration_upper == 0.39);
}

TEST_CASE("unknown schedule, case and unit value are typed errors naming what was found") {
    CHECK_THROWS_AS(lib().schedule("green"), ValueLibraryError);
    CHECK_THROWS_WITH(lib().schedule("green"), Contains("expected one of 'health', 'reduced', 'standard', found 'green'"));
    CHECK_THROWS_WITH(values::parse_case("median"), Contains("found 'median'"));
    CHECK_THROWS_WITH(lib().unit_value("no_such_value", values::Case::central, 2024), Contains("found 'no_such_value'"));
}

TEST_CASE("every table carries source, licence and vintage") {
    for (const auto& t : lib().tables()) {
        const auto& p = lib().provenance(t);
        CHECK_FALSE(p.source.empty());
        CHECK_FALSE(p.licence.empty());
        CHECK_FALSE(p.vintage.empty());
    }
    CHECK(lib().provenance("carbon").price_base_year == 2022);
    CHECK(lib().provenance("wellby").price_base_year == 2019);
    CHECK_FALSE(lib().version().empty());
}

TEST_CASE("a malformed library file is reported with file, line and column") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "socval-bad-library";
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto& e : fs::directory_iterator(SOCVAL_SOURCE_DIR "/data")) fs::copy(e.path(), dir / e.path().filename());
    {
        std::ofstream f(dir / "wellby.yaml");
        f << "provenance: {source: s, licence: l, vintage: v, price_base_year: 2019}\n"
             "value: {low: 10000, central: lots, high: 16000}\n";
    }
    CHECK_THROWS_AS(values::Library::load(dir.string()), ValueLibraryError);
    CHECK_THROWS_WITH(values::Library::load(dir.string()),
                      Contains("wellby.yaml:2:") && Contains("value.central") && Contains("expected a number, found 'lots'"));
    fs::remove(dir / "qaly.yaml");
    CHECK_THROWS_WITH(values::Library::load(dir.string()), Contains("wellby.yaml"));
    fs::remove_all(dir);
    CHECK_THROWS_WITH(values::Library::load("/nonexistent/socval"), Contains("file not found"));
}

// DESNZ (November 2023, table 3): the low and high carbon paths are 50% and 150% of the central path in every
// year, to the table's rounding (0.01 GBP on values >= 126): the basis of value:carbon, a multiple of the central
// path (docs/model/appraisal.md, value uncertainty).
TEST_CASE("carbon: low and high paths are 50% and 150% of central") {
    for (int year = 2020; year <= 2050; ++year) {
        const double c = lib().carbon_value(year, values::Case::central, 2022);
        CHECK(lib().carbon_value(year, values::Case::low, 2022) / c == Approx(0.5).margin(1e-4));
        CHECK(lib().carbon_value(year, values::Case::high, 2022) / c == Approx(1.5).margin(1e-4));
    }
}
