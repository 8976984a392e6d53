#pragma once
/// Private to the sampling area: precomputed tables shared (immutably) between copies of a Distribution.
#include <cstddef>
#include <vector>

namespace socval::detail {

/// Inverse of the regularised incomplete beta I_x(a, b) at u (a, b > 0), accurate in both tails; `guess` in (0, 1)
/// is an optional starting point (else the lower-tail power law).
double beta_quantile(double a, double b, double u, double guess = -1.0);

/// Quantile of a standard beta(alpha, beta) on [0, 1], tabulated as a function of z = Phi^-1(u) on a uniform grid
/// z_i = -z_max + i h, with cubic Hermite interpolation using the exact slopes dx/dz = phi(z) / f(x).
/// Built with Boost.Math ibeta_inv / ibetac_inv; evaluation costs one normal quantile plus a cubic.
struct QuantileTable {
    static constexpr std::size_t intervals = 2048;
    static constexpr double z_max = 8.25;  // Phi^-1(2^-53) = -8.2095: every representable uniform is inside
    double h = 0.0;
    std::vector<double> x;      // x_i at the nodes
    std::vector<double> slope;  // h * dx/dz at the nodes

    /// Tabulate beta(alpha, beta); both >= 1.
    QuantileTable(double alpha, double beta);
    /// Interpolated quantile at standard normal z.
    double at_z(double z) const {
        double t = (z + z_max) / h;
        if (t < 0.0) t = 0.0;
        if (t > static_cast<double>(intervals)) t = static_cast<double>(intervals);
        std::size_t i = static_cast<std::size_t>(t);
        if (i >= intervals) i = intervals - 1;
        const double s = t - static_cast<double>(i);
        const double s2 = s * s, s3 = s2 * s;
        const double h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s, h01 = -2 * s3 + 3 * s2, h11 = s3 - s2;
        double v = h00 * x[i] + h10 * slope[i] + h01 * x[i + 1] + h11 * slope[i + 1];
        return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
    }
};

/// Sorted distinct values of a discrete distribution with their probabilities and cumulative probabilities
/// (the last cumulative is exactly 1).
struct DiscreteTable {
    std::vector<double> values;
    std::vector<double> probabilities;
    std::vector<double> cumulative;
};

}  // namespace socval::detail
