#pragma once
/// Private to the sampling area: precomputed tables shared (immutably) between copies of a Distribution.
#include <cstddef>
#include <memory>
#include <vector>

namespace socval::detail {

/// Inverse of the regularised incomplete beta I_x(a, b) at u (a, b > 0), accurate in both tails; `guess` in (0, 1)
/// is an optional starting point (else the lower-tail power law).
double beta_quantile(double a, double b, double u, double guess = -1.0);

/// Quantile of a standard beta(alpha, beta) on [0, 1] (alpha, beta >= 1), tabulated as a function of
/// z = Phi^-1(u) on a uniform grid z_i = -z_max + i h, with quintic Hermite interpolation using the exact slopes
/// dx/dz = phi(z) / f(x) and second derivatives d2x/dz2 = x' (-z - x' f'(x) / f(x)). Stored per interval as the
/// six coefficients of the polynomial in s = (z - z_i) / h. Evaluation: one normal quantile plus a Horner step.
struct QuantileTable {
    static constexpr std::size_t intervals = 256;
    static constexpr double z_max = 8.25;  // Phi^-1(2^-53) = -8.2095: every representable uniform is inside
    static constexpr double h = 2.0 * z_max / static_cast<double>(intervals);
    static constexpr double inv_h = static_cast<double>(intervals) / (2.0 * z_max);
    double alpha = 0.0, beta = 0.0;
    std::vector<double> coef;  // 6 per interval: c0 + c1 s + ... + c5 s^5

    /// Tabulate beta(alpha, beta); both >= 1. Prefer quantile_table(), which shares tables between shapes.
    QuantileTable(double alpha, double beta);

    /// Interpolated quantile at standard normal z, clamped to [0, 1].
    double at_z(double z) const {
        double t = (z + z_max) * inv_h;
        t = t < 0.0 ? 0.0 : t;
        t = t > static_cast<double>(intervals) ? static_cast<double>(intervals) : t;
        std::size_t i = static_cast<std::size_t>(t);
        i = i >= intervals ? intervals - 1 : i;
        const double s = t - static_cast<double>(i);
        const double* c = coef.data() + 6 * i;
        const double v = c[0] + s * (c[1] + s * (c[2] + s * (c[3] + s * (c[4] + s * c[5]))));
        return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
    }
    /// x[i] = lo + width * at_z(z[i]) for i < n (x may alias z).
    void at_z_block(const double* z, double* x, std::size_t n, double lo, double width) const;
};

/// The table of beta(alpha, beta) (alpha, beta >= 1) from a process-wide cache keyed by the exact shape, built on
/// first use. Thread-safe (a mutex around the map; tables are built outside the lock); bounded to
/// kQuantileTableCacheSize shapes (entries no distribution holds any more are dropped first). PERT's shape depends
/// only on (mode - min) / (max - min) and lambda, so PERTs of the same shape on different ranges share one table.
std::shared_ptr<const QuantileTable> quantile_table(double alpha, double beta);
constexpr std::size_t kQuantileTableCacheSize = 256;
/// Number of shapes currently cached (for tests).
std::size_t quantile_table_cache_size();

/// Sorted distinct values of a discrete distribution with their probabilities and cumulative probabilities
/// (the last cumulative is exactly 1).
struct DiscreteTable {
    std::vector<double> values;
    std::vector<double> probabilities;
    std::vector<double> cumulative;
};

}  // namespace socval::detail
