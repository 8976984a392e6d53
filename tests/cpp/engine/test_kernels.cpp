// The vectorised expm1 of the saturating link against the C library's std::expm1 (correctly rounded to within
// 1 ulp by glibc's documentation), over the range the engine uses.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "../../../cpp/src/engine/kernels.hpp"

using namespace socval::engine::kernels;

TEST_CASE("expm1 on lanes matches std::expm1 to a few ulp", "[engine][kernels]") {
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> wide(-80, 50), narrow(-1e-6, 1e-6);
    double worst = 0;
    const double special[] = {0.0, -0.0, 1e-300, -745, 0.34657359, -0.34657359, 709, -1e-17};
    for (int i = 0; i < 20000; ++i) {
        double z[kLanes];
        for (int j = 0; j < kLanes; ++j) z[j] = (i % 2 ? wide(rng) : narrow(rng));
        if (i < 8) z[0] = special[i];
        Lanes v;
        std::memcpy(&v, z, sizeof v);
        expm1_lanes(v);
        double out[kLanes];
        std::memcpy(out, &v, sizeof v);
        for (int j = 0; j < kLanes; ++j) {
            const double ref = std::expm1(std::min(std::max(z[j], -60.0), 700.0));  // the kernel clamps
            const double err = ref == 0 ? std::abs(out[j]) : std::abs(out[j] - ref) / std::abs(ref);
            worst = std::max(worst, err);
        }
    }
    CHECK(worst < 4e-16);
}

TEST_CASE("saturate: cap (1 - exp(-c x / cap)) by lanes, odd for c x < 0", "[engine][kernels]") {
    // f(x) = cap (1 - exp(-c x / cap)) for c x >= 0 and -f(-x) below (docs/model/engine.md, section 3).
    double cap[kLanes], c[kLanes], x[kLanes], y[kLanes];
    for (int j = 0; j < kLanes; ++j) {
        cap[j] = 1.0 + j;
        c[j] = 0.5 * j;
        x[j] = 3.0 * j - 4.0;  // negative inputs in lanes 0 and 1
    }
    saturate(y, cap, c, x, kLanes);
    for (int j = 0; j < kLanes; ++j) {
        const double z = c[j] * x[j];
        const double expected = std::copysign(cap[j] * (1 - std::exp(-std::fabs(z) / cap[j])), z);
        CHECK_THAT(y[j], Catch::Matchers::WithinRel(expected, 1e-14) || Catch::Matchers::WithinAbs(0.0, 1e-300));
    }
    // A very negative input stays within the cap (the one-sided formula gives -cap (exp(700) - 1) = -inf).
    for (int j = 0; j < kLanes; ++j) {
        cap[j] = 10.0;
        c[j] = 1.0;
        x[j] = -1e6 * (j + 1);
    }
    saturate(y, cap, c, x, kLanes);
    for (int j = 0; j < kLanes; ++j) CHECK(y[j] == -10.0);
}
