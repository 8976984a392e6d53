/// The vectorised kernels behind quantile_block: fdlibm exp / log against the C library (within 1 ulp), and the
/// block forms equal to the scalar functions bit for bit (so results never depend on block size or position).
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <limits>
#include <vector>

#include <boost/math/special_functions/erf.hpp>

#include "socval/sampling.hpp"
#include "../../../cpp/src/sampling/vector_math.hpp"  // white-box: private kernels

using namespace socval;

namespace {

/// Distance in units in the last place between two finite doubles of the same sign.
double ulps(double a, double b) {
    if (a == b) return 0;
    return std::fabs(a - b) / (std::nextafter(std::fabs(b), INFINITY) - std::fabs(b));
}

/// Uniform grid values plus the extremes and invalid values the block code must route to the scalar path.
std::vector<double> awkward_uniforms() {
    std::vector<double> u(5000);
    uniform_block(StreamKey::of(17, "vm"), 0, u.size(), Sampler::monte_carlo, 0, u.data());
    const double lo = std::ldexp(1.0, -53);
    for (double v : {lo, 1 - lo, 0.5, 0.075, 0.925, 0.07499999999999999, 0.9250000000000002, 1e-11, 1.4e-11, 1e-12,
                     1 - 1e-11, 1e-300, 1e-310, 4.9e-324, DBL_MIN, 0.0, 1.0, -0.5, 1.5,
                     std::numeric_limits<double>::quiet_NaN()})
        u.insert(u.begin() + static_cast<long>(u.size() / 2), v);  // in the middle of a chunk
    return u;
}

}  // namespace

TEST_CASE("fdlibm log_core and exp_core within 1 ulp of the C library", "[sampling][vector]") {
    // glibc's exp and log are correctly rounded in almost all cases (< 0.502 ulp); fdlibm's are < 1 ulp.
    double worst_log = 0, worst_exp = 0;
    for (double x = DBL_MIN; x < 1e300; x *= 1.0137) worst_log = std::max(worst_log, ulps(detail::log_core(x), std::log(x)));
    for (double x = 0.5; x < 2.0; x += 1.0 / 4096 + 1e-9) worst_log = std::max(worst_log, ulps(detail::log_core(x), std::log(x)));
    for (double x = -708; x <= 708; x += 0.0137) worst_exp = std::max(worst_exp, ulps(detail::exp_core(x), std::exp(x)));
    for (double x = -1e-3; x <= 1e-3; x += 1.37e-7) worst_exp = std::max(worst_exp, ulps(detail::exp_core(x), std::exp(x)));
    INFO("worst log " << worst_log << " ulp, worst exp " << worst_exp << " ulp");
    CHECK(worst_log <= 1.0);
    CHECK(worst_exp <= 1.0);
    CHECK(detail::log_core(1.0) == 0.0);
    CHECK(detail::exp_core(0.0) == 1.0);
}

TEST_CASE("block kernels equal the scalar functions bit for bit", "[sampling][vector]") {
    const auto u = awkward_uniforms();
    std::vector<double> z(u.size());
    detail::normal_quantile_block(u.data(), z.data(), u.size());
    for (std::size_t i = 0; i < u.size(); ++i) {
        INFO("u = " << u[i]);
        const double ref = normal_quantile(u[i]);
        CHECK(((z[i] == ref) || (std::isnan(z[i]) && std::isnan(ref))));
    }
    // In place, and in odd-sized pieces: the same values.
    std::vector<double> w = u;
    for (std::size_t i = 0; i < w.size(); i += 77) detail::normal_quantile_block(w.data() + i, w.data() + i, std::min<std::size_t>(77, w.size() - i));
    for (std::size_t i = 0; i < u.size(); ++i) CHECK(((w[i] == z[i]) || (std::isnan(w[i]) && std::isnan(z[i]))));
    // exp: inside and outside |x| <= 708 (overflow to inf, subnormal results, NaN).
    std::vector<double> a;
    for (double x = -760; x < 720; x += 0.731) a.push_back(x);
    for (double x : {-745.2, -708.0, 708.0, 709.7, 710.0, -1e-320, 0.0, std::numeric_limits<double>::quiet_NaN(),
                     std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()})
        a.push_back(x);
    std::vector<double> e = a;
    detail::exp_block(e.data(), e.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        INFO("x = " << a[i]);
        const double ref = detail::exp_value(a[i]);
        CHECK(((e[i] == ref) || (std::isnan(e[i]) && std::isnan(ref))));
        if (std::isfinite(a[i])) CHECK(ulps(e[i], std::exp(a[i])) <= 1.0);
    }
}

TEST_CASE("normal quantile: block path near the region boundaries and in the far tail (against Boost)", "[sampling][vector]") {
    // The relative accuracy of AS241 with the fdlibm log stays ~1e-16 where each region hands over.
    for (double p : {0.075, 0.0749999, 0.0750001, 1.4e-11, 1.3e-11, 1e-100, 1e-300}) {
        const double ref = -std::sqrt(2.0) * boost::math::erfc_inv(2 * p);
        CHECK(std::fabs(normal_quantile(p) - ref) <= 1e-14 * std::fabs(ref));
    }
}
