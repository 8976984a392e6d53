/// Standard normal quantile (Wichura 1988, AS241 PPND16) one value at a time and over blocks, the exp block,
/// and the normal CDF.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "socval/sampling/distribution.hpp"
#include "vector_math.hpp"

namespace socval {

/// AS241 PPND16: Wichura, M. J. (1988) Applied Statistics 37(3), 477-484; rational approximations with
/// relative accuracy about 1e-16. Coefficients as published (also used by R's qnorm). The logarithm of the tail
/// is detail::log_core (fdlibm), so that the block form below gives the same bits.
double normal_quantile(double p) {
    if (!(p > 0.0 && p < 1.0)) {
        if (p == 0.0) return -std::numeric_limits<double>::infinity();
        if (p == 1.0) return std::numeric_limits<double>::infinity();
        return std::numeric_limits<double>::quiet_NaN();
    }
    const double q = p - 0.5;
    if (std::fabs(q) <= 0.425) return detail::as241_central(q);
    const double r = q < 0.0 ? p : 1.0 - p;  // exact: 1 - p for p > 0.925
    // log of a subnormal r (p < 2^-1022): scale into the normal range first.
    const double log_r = r >= DBL_MIN ? detail::log_core(r) : detail::log_core(r * 18014398509481984.0) -
                                                                  54.0 * 0.693147180559945309417232;
    const double s = std::sqrt(-log_r);
    const double v = s <= 5.0 ? detail::as241_near(s) : detail::as241_far(s);
    return q < 0.0 ? -v : v;
}

/// Phi(x) = erfc(-x / sqrt 2) / 2: accurate relative to Phi in the lower tail.
double normal_cdf(double x) { return 0.5 * std::erfc(-x * 0.70710678118654752440); }

namespace detail {

namespace {
constexpr std::size_t kChunk = 256;  // stack buffers per chunk: 4 x 2 KB
}  // namespace

SOCVAL_VECTOR_CLONES void normal_quantile_block(const double* u, double* z, std::size_t n) {
    double ub[kChunk], rb[kChunk], sb[kChunk];
    unsigned idx[kChunk];
    for (std::size_t c0 = 0; c0 < n; c0 += kChunk) {
        const std::size_t m = std::min(kChunk, n - c0);
        double* zc = z + c0;
        std::copy(u + c0, u + c0 + m, ub);  // z may alias u
        // 1. The central rational function for every value (branch-free, vectorised; ~85% of uniforms need it).
        for (std::size_t i = 0; i < m; ++i) zc[i] = as241_central(ub[i] - 0.5);
        // 2. Indices of the values outside the central region (and of NaN), compacted without branches.
        std::size_t t = 0;
        for (std::size_t i = 0; i < m; ++i) {
            idx[t] = static_cast<unsigned>(i);
            t += !(std::fabs(ub[i] - 0.5) <= 0.425);
        }
        // 3. Tails, gathered: r = min(p, 1 - p), s = sqrt(-ln r), the near-tail rational (vectorised).
        for (std::size_t j = 0; j < t; ++j) {
            const double p = ub[idx[j]];
            const double r = p < 0.5 ? p : 1.0 - p;
            rb[j] = r >= DBL_MIN ? r : 1.0;  // out-of-domain values are redone by the scalar function in step 4
        }
        for (std::size_t j = 0; j < t; ++j) {
            const double s = std::sqrt(-log_core(rb[j]));
            sb[j] = s;
            rb[j] = as241_near(s);
        }
        // 4. Scatter with the sign; the far tail (s > 5, p < 1.4e-11), subnormal p and invalid p by the scalar path.
        for (std::size_t j = 0; j < t; ++j) {
            const std::size_t i = idx[j];
            const double p = ub[i];
            if (sb[j] <= 5.0 && p >= DBL_MIN && p < 1.0)
                zc[i] = p < 0.5 ? -rb[j] : rb[j];
            else
                zc[i] = normal_quantile(p);
        }
    }
}

double exp_value(double x) { return std::fabs(x) <= 708.0 ? exp_core(x) : std::exp(x); }

SOCVAL_VECTOR_CLONES void exp_block(double* x, std::size_t n) {
    double ab[kChunk];
    for (std::size_t c0 = 0; c0 < n; c0 += kChunk) {
        const std::size_t m = std::min(kChunk, n - c0);
        double* xc = x + c0;
        std::copy(xc, xc + m, ab);
        // Two vectorised passes (a select fused with exp_core defeats g++'s if-conversion); out-of-range values
        // are redone below.
        for (std::size_t i = 0; i < m; ++i) xc[i] = std::fabs(ab[i]) <= 708.0 ? ab[i] : 0.0;
        for (std::size_t i = 0; i < m; ++i) xc[i] = exp_core(xc[i]);
        for (std::size_t i = 0; i < m; ++i)
            if (!(std::fabs(ab[i]) <= 708.0)) xc[i] = std::exp(ab[i]);  // overflow, underflow, NaN: rare
    }
}

}  // namespace detail

}  // namespace socval
