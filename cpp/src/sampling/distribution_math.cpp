/// Distribution maths: quantile (the sampling path), CDF, mean, sd, support. Formulas and sources in
/// docs/model/sampling.md.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <boost/math/special_functions/beta.hpp>

#include "socval/sampling/distribution.hpp"
#include "tables.hpp"
#include "vector_math.hpp"

namespace socval {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

inline double phi(double z) { return std::isfinite(z) ? kInvSqrt2Pi * std::exp(-0.5 * z * z) : 0.0; }
inline double z_phi(double z) { return std::isfinite(z) ? z * phi(z) : 0.0; }
inline double clamp(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

/// The uniform and triangular quantiles of a block, compiled for AVX-512 and AVX2 as well as baseline x86-64 (8 or
/// 4 doubles per vector instead of 2: most benchmark and scenario parameters are one of these two). Multiply, add,
/// subtract and sqrt are correctly rounded and the area is built with -ffp-contract=off: the same bits in each.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && !defined(SOCVAL_NO_CLONES)
#define SOCVAL_QUANTILE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SOCVAL_QUANTILE_CLONES
#endif

/// Eight doubles (GCC vector extension: one AVX-512 register, two AVX2, four SSE2). Written with vectors because
/// the sampler calls these in place (x == u), where the compiler's runtime overlap check falls back to scalar code.
typedef double Lanes8 __attribute__((vector_size(64)));

SOCVAL_QUANTILE_CLONES void uniform_quantiles(const double* u, double* x, std::size_t n, double a, double b) {
    const double w = b - a;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        Lanes8 v;
        std::memcpy(&v, u + i, sizeof v);
        v = a + v * w;
        std::memcpy(x + i, &v, sizeof v);
    }
    for (; i < n; ++i) x[i] = a + u[i] * w;
}

SOCVAL_QUANTILE_CLONES void triangular_quantiles(const double* u, double* x, std::size_t n, double lo, double hi,
                                                 double fc, double k1, double k2) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {  // both branches computed, then selected
        Lanes8 v, left, right;
        std::memcpy(&v, u + i, sizeof v);
        const Lanes8 l2 = v * k1, r2 = (1.0 - v) * k2;
        for (int j = 0; j < 8; ++j) {  // element-wise sqrt: vectorised (no errno: -fno-math-errno)
            left[j] = std::sqrt(l2[j]);
            right[j] = std::sqrt(r2[j]);
        }
        left = lo + left;
        right = hi - right;
        v = v < fc ? left : right;
        std::memcpy(x + i, &v, sizeof v);
    }
    for (; i < n; ++i) {
        const double v = u[i];
        const double left = lo + std::sqrt(v * k1), right = hi - std::sqrt((1.0 - v) * k2);
        x[i] = v < fc ? left : right;
    }
}

}  // namespace

double Distribution::quantile(double u) const {
    double x = u;
    quantile_block(&u, &x, 1);
    return x;
}

void Distribution::quantile_block(const double* u, double* x, std::size_t n) const {
    // One tight loop (or a few passes) per family, with the family's switch outside the loops; the normal
    // quantile and exp run as branch-free vectorised passes with the rare cases fixed afterwards (normal.cpp).
    const double a = p_[0], b = p_[1];
    switch (kind_) {
        case DistributionKind::fixed:
            for (std::size_t i = 0; i < n; ++i) x[i] = a;
            return;
        case DistributionKind::uniform:
            uniform_quantiles(u, x, n, a, b);
            return;
        case DistributionKind::triangular:
            triangular_quantiles(u, x, n, p_[0], p_[2], c_[0], c_[1], c_[2]);
            return;
        case DistributionKind::normal:
            detail::normal_quantile_block(u, x, n);
            for (std::size_t i = 0; i < n; ++i) x[i] = a + b * x[i];
            return;
        case DistributionKind::lognormal: {
            const double mu = c_[0], sigma = c_[1];
            detail::normal_quantile_block(u, x, n);
            for (std::size_t i = 0; i < n; ++i) x[i] = mu + sigma * x[i];
            detail::exp_block(x, n);
            return;
        }
        case DistributionKind::truncated_normal: {
            const double lo = p_[2], hi = p_[3], base = c_[0], mass = c_[1];
            if (c_[2] > 0.0) {
                for (std::size_t i = 0; i < n; ++i) x[i] = base + u[i] * mass;
                detail::normal_quantile_block(x, x, n);
                for (std::size_t i = 0; i < n; ++i) x[i] = clamp(a + b * x[i], lo, hi);
            } else {
                for (std::size_t i = 0; i < n; ++i) x[i] = base + (1.0 - u[i]) * mass;
                detail::normal_quantile_block(x, x, n);
                for (std::size_t i = 0; i < n; ++i) x[i] = clamp(a - b * x[i], lo, hi);
            }
            return;
        }
        case DistributionKind::pert:
        case DistributionKind::beta: {
            const double lo = c_[2], width = c_[3] - c_[2];
            if (table_) {
                detail::normal_quantile_block(u, x, n);
                table_->at_z_block(x, x, n, lo, width);
            } else {
                for (std::size_t i = 0; i < n; ++i) {
                    const double ui = u[i];  // read before x[i] is written: x may alias u
                    try {
                        x[i] = lo + width * detail::beta_quantile(c_[0], c_[1], ui);
                    } catch (const std::exception& e) {  // Boost.Math overflow / domain error on an extreme shape
                        throw QuantileError(describe() + ": the quantile at u = " + show(ui) +
                                                " cannot be computed in double precision (" + e.what() + ")",
                                            i, ui);
                    }
                }
            }
            return;
        }
        case DistributionKind::discrete: {
            // Branch-free lower bound (the same index as std::lower_bound): the smallest k with cum[k] >= u.
            const double* cum = discrete_->cumulative.data();
            const double* vals = discrete_->values.data();
            const std::size_t size = discrete_->cumulative.size();
            for (std::size_t i = 0; i < n; ++i) {
                const double v = u[i];
                const double* base = cum;
                for (std::size_t len = size; len > 1;) {
                    const std::size_t half = len / 2;
                    base = base[half - 1] < v ? base + half : base;
                    len -= half;
                }
                std::size_t k = static_cast<std::size_t>(base - cum) + (*base < v ? 1 : 0);
                x[i] = vals[k < size ? k : size - 1];
            }
            return;
        }
    }
}

double Distribution::cdf(double x) const {
    if (std::isnan(x)) return x;
    switch (kind_) {
        case DistributionKind::fixed: return x >= p_[0] ? 1.0 : 0.0;
        case DistributionKind::uniform: return clamp((x - p_[0]) / (p_[1] - p_[0]), 0.0, 1.0);
        case DistributionKind::triangular: {
            const double a = p_[0], m = p_[1], b = p_[2];
            if (x <= a) return 0.0;
            if (x >= b) return 1.0;
            if (x <= m) return (x - a) * (x - a) / c_[1];
            return 1.0 - (b - x) * (b - x) / c_[2];
        }
        case DistributionKind::normal: return normal_cdf((x - p_[0]) / p_[1]);
        case DistributionKind::truncated_normal: {
            if (x <= p_[2]) return 0.0;
            if (x >= p_[3]) return 1.0;
            const double z = (x - p_[0]) / p_[1];
            const double c = c_[2] > 0.0 ? (normal_cdf(z) - c_[0]) / c_[1] : (c_[0] + c_[1] - normal_cdf(-z)) / c_[1];
            return clamp(c, 0.0, 1.0);
        }
        case DistributionKind::lognormal:
            return x <= 0.0 ? 0.0 : normal_cdf((std::log(x) - c_[0]) / c_[1]);
        case DistributionKind::pert:
        case DistributionKind::beta: {
            const double t = (x - c_[2]) / (c_[3] - c_[2]);
            if (t <= 0.0) return 0.0;
            if (t >= 1.0) return 1.0;
            try {
                return boost::math::ibeta(c_[0], c_[1], t);
            } catch (const std::exception& e) {  // Boost.Math overflow / domain error on an extreme shape
                throw SamplingError(describe() + ": the CDF at x = " + show(x) +
                                    " cannot be computed in double precision (" + e.what() + ")");
            }
        }
        case DistributionKind::discrete: {
            const auto& vals = discrete_->values;
            const auto k = static_cast<std::size_t>(std::upper_bound(vals.begin(), vals.end(), x) - vals.begin());
            return k == 0 ? 0.0 : discrete_->cumulative[k - 1];
        }
    }
    return std::numeric_limits<double>::quiet_NaN();
}

double Distribution::mean() const {
    switch (kind_) {
        case DistributionKind::fixed: return p_[0];
        case DistributionKind::uniform: return 0.5 * (p_[0] + p_[1]);
        case DistributionKind::triangular: return (p_[0] + p_[1] + p_[2]) / 3.0;
        case DistributionKind::normal: return p_[0];
        case DistributionKind::truncated_normal: {
            const double al = (p_[2] - p_[0]) / p_[1], be = (p_[3] - p_[0]) / p_[1];
            return p_[0] + p_[1] * (phi(al) - phi(be)) / c_[1];
        }
        case DistributionKind::lognormal: return std::exp(c_[0] + 0.5 * c_[1] * c_[1]);
        case DistributionKind::pert:
        case DistributionKind::beta: return c_[2] + (c_[3] - c_[2]) * c_[0] / (c_[0] + c_[1]);
        case DistributionKind::discrete: {
            double m = 0.0;
            for (std::size_t i = 0; i < discrete_->values.size(); ++i) m += discrete_->values[i] * discrete_->probabilities[i];
            return m;
        }
    }
    return std::numeric_limits<double>::quiet_NaN();
}

double Distribution::sd() const {
    switch (kind_) {
        case DistributionKind::fixed: return 0.0;
        case DistributionKind::uniform: return (p_[1] - p_[0]) / std::sqrt(12.0);
        case DistributionKind::triangular: {
            const double a = p_[0], m = p_[1], b = p_[2];
            return std::sqrt((a * a + m * m + b * b - a * m - a * b - m * b) / 18.0);
        }
        case DistributionKind::normal: return p_[1];
        case DistributionKind::truncated_normal: {
            const double al = (p_[2] - p_[0]) / p_[1], be = (p_[3] - p_[0]) / p_[1], z = c_[1];
            const double d = (phi(al) - phi(be)) / z;
            const double var = 1.0 + (z_phi(al) - z_phi(be)) / z - d * d;
            return p_[1] * std::sqrt(std::max(var, 0.0));
        }
        case DistributionKind::lognormal: {
            const double s2 = c_[1] * c_[1];
            return std::exp(c_[0] + 0.5 * s2) * std::sqrt(std::expm1(s2));
        }
        case DistributionKind::pert:
        case DistributionKind::beta: {
            const double al = c_[0], be = c_[1], s = al + be, w = c_[3] - c_[2];
            return w * std::sqrt(al * be / (s * s * (s + 1.0)));
        }
        case DistributionKind::discrete: {
            const double m = mean();
            double v = 0.0;
            for (std::size_t i = 0; i < discrete_->values.size(); ++i) {
                const double dv = discrete_->values[i] - m;
                v += dv * dv * discrete_->probabilities[i];
            }
            return std::sqrt(v);
        }
    }
    return std::numeric_limits<double>::quiet_NaN();
}

double Distribution::support_min() const {
    switch (kind_) {
        case DistributionKind::normal: return -kInf;
        case DistributionKind::lognormal: return 0.0;
        case DistributionKind::truncated_normal: return p_[2];
        case DistributionKind::pert:
        case DistributionKind::beta: return c_[2];
        case DistributionKind::discrete: return discrete_->values.front();
        default: return p_[0];
    }
}

double Distribution::support_max() const {
    switch (kind_) {
        case DistributionKind::fixed: return p_[0];
        case DistributionKind::uniform: return p_[1];
        case DistributionKind::triangular: return p_[2];
        case DistributionKind::normal:
        case DistributionKind::lognormal: return kInf;
        case DistributionKind::truncated_normal: return p_[3];
        case DistributionKind::pert:
        case DistributionKind::beta: return c_[3];
        case DistributionKind::discrete: return discrete_->values.back();
    }
    return kInf;
}

}  // namespace socval
