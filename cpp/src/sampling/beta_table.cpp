/// The inverse of the regularised incomplete beta function (a safeguarded Newton solver on Boost.Math's ibeta)
/// and the tabulated beta quantile behind the fast PERT / beta path.
#include <cmath>

#include <boost/math/special_functions/beta.hpp>

#include "socval/sampling/distribution.hpp"
#include "tables.hpp"

namespace socval::detail {

namespace {

/// Boost.Math in double precision (the default promotes to long double, several times slower).
using FastPolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

/// Lower half (u <= 0.5): Newton on ln I_x(a, b) = ln u in t = ln x, which is exact for the power-law tail
/// I_x ~ x^a / (a B(a, b)), safeguarded by a bracket [lo, hi] with bisection.
double beta_quantile_lower(double a, double b, double u, double guess) {
    double x = guess;
    if (!(x > 0.0 && x < 1.0)) {
        const double log_b = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
        x = std::exp((std::log(u) + std::log(a) + log_b) / a);  // leading term of the lower-tail series
    }
    if (!(x > 0.0) || x >= 1.0) x = a / (a + b);
    double lo = 0.0, hi = 1.0;
    for (int it = 0; it < 100; ++it) {
        const double cdf = boost::math::ibeta(a, b, x, FastPolicy());
        if (cdf == u) return x;
        if (cdf < u) lo = x; else hi = x;
        const double dens = boost::math::ibeta_derivative(a, b, x, FastPolicy());
        double next;
        if (cdf > 0.0 && dens > 0.0) {
            const double step = (std::log(cdf) - std::log(u)) * cdf / (x * dens);  // Newton step in ln x
            next = x * std::exp(-step);
        } else {
            next = 0.5 * (lo + hi);
        }
        if (!(next > lo && next < hi)) next = lo > 0.0 ? std::sqrt(lo * hi) : 0.5 * hi;  // bisect (geometric near 0)
        if (std::fabs(next - x) <= 1e-14 * x) return next;  // ibeta itself is accurate to ~1e-15 relative
        x = next;
    }
    return x;
}

}  // namespace

double beta_quantile(double a, double b, double u, double guess) {
    if (!(u > 0.0)) return 0.0;
    if (!(u < 1.0)) return 1.0;
    // Upper half by symmetry: X ~ beta(a, b) <=> 1 - X ~ beta(b, a); 1 - u is exact for u >= 0.5.
    return u <= 0.5 ? beta_quantile_lower(a, b, u, guess) : 1.0 - beta_quantile_lower(b, a, 1.0 - u, 1.0 - guess);
}

QuantileTable::QuantileTable(double alpha, double beta)
    : h(2.0 * z_max / intervals), x(intervals + 1), slope(intervals + 1) {
    constexpr double inv_sqrt_2pi = 0.39894228040143267794;
    // Each half from its own tail probability (no cancellation near u = 1); each node's Newton solve starts from
    // the Taylor prediction x_{i-1} + h dx/dz of the previous node, so it converges in a couple of iterations.
    double guess = -1.0;
    for (std::size_t i = 0; i <= intervals; ++i) {
        const double z = -z_max + h * static_cast<double>(i);
        const double xi = z <= 0.0 ? beta_quantile(alpha, beta, normal_cdf(z), guess)
                                   : 1.0 - beta_quantile(beta, alpha, normal_cdf(-z), 1.0 - guess);
        const double density = boost::math::ibeta_derivative(alpha, beta, xi, FastPolicy());
        x[i] = xi;
        slope[i] = density > 0.0 ? h * inv_sqrt_2pi * std::exp(-0.5 * z * z) / density : NAN;  // h dx/dz
        guess = std::isfinite(slope[i]) ? xi + slope[i] : xi;
    }
    for (std::size_t i = 0; i <= intervals; ++i)  // zero density at a node (x on the boundary): secant slope
        if (!std::isfinite(slope[i]))
            slope[i] = i == 0 ? x[1] - x[0] : (i == intervals ? x[i] - x[i - 1] : 0.5 * (x[i + 1] - x[i - 1]));
}

}  // namespace socval::detail
