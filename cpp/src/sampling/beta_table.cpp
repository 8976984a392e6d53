/// The inverse of the regularised incomplete beta function (a safeguarded Newton solver on Boost.Math's ibeta)
/// and the tabulated beta quantile behind the fast PERT / beta path, with its process-wide cache by shape.
#include <cmath>
#include <math.h>  // lgamma_r (glibc)
#include <iterator>
#include <map>
#include <mutex>
#include <utility>

#include <boost/math/special_functions/beta.hpp>

#include "socval/sampling/distribution.hpp"
#include "tables.hpp"
#include "vector_math.hpp"

namespace socval::detail {

namespace {

/// ln|Gamma(x)| without touching the global `signgam` that std::lgamma writes (a data race when worker threads
/// build beta tables at once): glibc's reentrant lgamma_r, same value.
double log_gamma(double x) {
    int sign = 0;
    return ::lgamma_r(x, &sign);
}

/// Boost.Math in double precision (the default promotes to long double, several times slower).
using FastPolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

/// Lower half (u <= 0.5): Newton on ln I_x(a, b) = ln u in t = ln x, which is exact for the power-law tail
/// I_x ~ x^a / (a B(a, b)), safeguarded by a bracket [lo, hi] with bisection.
double beta_quantile_lower(double a, double b, double u, double guess) {
    double x = guess;
    if (!(x > 0.0 && x < 1.0)) {
        const double log_b = log_gamma(a) + log_gamma(b) - log_gamma(a + b);
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

namespace {

constexpr double kInvSqrt2Pi = 0.39894228040143267794;

/// Gauss-Legendre 10-point rule on [-1, 1] (Abramowitz & Stegun 1964, table 25.4): nodes +-t_k, weights w_k.
constexpr double kGaussT[5] = {0.14887433898163122, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845,
                               0.9739065285171717};
constexpr double kGaussW[5] = {0.295524224714753, 0.2692667193099965, 0.219086362515982, 0.14945134915058036,
                               0.06667134430868807};

/// The standard beta(a, b) density f(x) = x^(a-1) (1-x)^(b-1) / B(a, b) for x in (0, 1), its logarithmic
/// derivative f'/f, and its integral over a short interval.
struct BetaDensity {
    double a, b, log_norm;
    BetaDensity(double a_, double b_)
        : a(a_), b(b_), log_norm(log_gamma(a_) + log_gamma(b_) - log_gamma(a_ + b_)) {}
    double operator()(double x) const {
        double e = -log_norm;
        if (a != 1.0) e += (a - 1.0) * std::log(x);
        if (b != 1.0) e += (b - 1.0) * std::log1p(-x);
        return std::exp(e);
    }
    double log_slope(double x) const { return (a - 1.0) / x - (b - 1.0) / (1.0 - x); }
    /// Integral of f over [x0, x1] by 10-point Gauss-Legendre (the interval never reaches 0 or 1, where f may
    /// be singular in a derivative, so the rule converges geometrically).
    double integral(double x0, double x1) const {
        const double mid = 0.5 * (x0 + x1), half = 0.5 * (x1 - x0);
        double s = 0.0;
        for (int k = 0; k < 5; ++k) s += kGaussW[k] * ((*this)(mid - half * kGaussT[k]) + (*this)(mid + half * kGaussT[k]));
        return s * half;
    }
};

/// Quantile x, and its first and second derivatives in z scaled by h and h^2, at one node.
struct Node {
    double x, d1, d2;
};

/// Derivatives at a node from the ODE dx/dz = phi(z) / f(x): d1 = h x', d2 = h^2 x'' = d1 (-z h - (f'/f) d1).
Node node_at(const BetaDensity& f, double z, double x) {
    const double h = QuantileTable::h;
    const double dens = x > 0.0 && x < 1.0 ? f(x) : 0.0;
    Node n{x, NAN, NAN};
    if (dens > 0.0 && std::isfinite(dens)) {
        n.d1 = h * kInvSqrt2Pi * std::exp(-0.5 * z * z) / dens;
        n.d2 = n.d1 * (-z * h - f.log_slope(x) * n.d1);
    }
    return n;
}

/// The nodes z_i = -z_max + i h, i = 0..last (last <= intervals / 2, so z_i <= 0) of the beta(a, b) quantile,
/// marching inwards from the lower tail. Node 0 comes from the exact solver; node i from node i-1 by Halley's
/// method on G(x) = integral of f over [x_{i-1}, x] - (Phi(z_i) - Phi(z_{i-1})), started from the Taylor
/// prediction x_{i-1} + d1 + d2 / 2. Marching from the tail keeps the error in u relative to u (Phi is taken
/// from its lower tail, where erfc is accurate), so the tail nodes keep full relative accuracy. A node whose
/// iteration leaves its bracket (x_{i-1}, 1) or fails to settle falls back to the exact solver.
void march_nodes(double a, double b, std::size_t last, std::vector<Node>& out) {
    const BetaDensity f(a, b);
    const double h = QuantileTable::h;
    out.resize(last + 1);
    double z = -QuantileTable::z_max, u = normal_cdf(z);
    out[0] = node_at(f, z, beta_quantile(a, b, u));
    for (std::size_t i = 1; i <= last; ++i) {
        const Node& prev = out[i - 1];
        const double z_i = -QuantileTable::z_max + h * static_cast<double>(i), u_i = normal_cdf(z_i);
        const double du = u_i - u;
        double x = prev.x + prev.d1 + 0.5 * prev.d2;
        if (!(x > prev.x && x < 1.0)) x = prev.x + prev.d1;
        bool ok = x > prev.x && x < 1.0;
        for (int it = 0; ok && it < 8; ++it) {
            const double dens = f(x);
            if (!(dens > 0.0 && std::isfinite(dens))) {
                ok = false;
                break;
            }
            const double r = (f.integral(prev.x, x) - du) / dens;  // Newton step G / G'
            const double step = r / (1.0 - 0.5 * r * f.log_slope(x));  // Halley: G'' / G' = f'/f
            const double next = x - step;
            if (!(next > prev.x && next < 1.0)) {
                ok = false;
                break;
            }
            x = next;
            // Halley converges cubically: after a relative step of 1e-6 the error is ~1e-18 relative.
            if (std::fabs(step) <= 1e-6 * x) break;
            if (it == 7) ok = false;
        }
        if (!ok) x = beta_quantile(a, b, u_i, prev.x);
        out[i] = node_at(f, z_i, x);
        z = z_i;
        u = u_i;
    }
}

}  // namespace

QuantileTable::QuantileTable(double alpha_, double beta_) : alpha(alpha_), beta(beta_), coef(6 * intervals) {
    // Lower half from the lower tail of beta(alpha, beta); upper half from the lower tail of beta(beta, alpha)
    // through X ~ beta(a, b) <=> 1 - X ~ beta(b, a): x(z) = 1 - y(-z), x' = y'(-z), x'' = -y''(-z).
    const std::size_t half = intervals / 2;
    std::vector<Node> lower, upper, nodes(intervals + 1);
    march_nodes(alpha, beta, half, lower);
    march_nodes(beta, alpha, half, upper);
    for (std::size_t i = 0; i <= intervals; ++i) {
        if (i <= half) {
            nodes[i] = lower[i];
        } else {
            const Node& y = upper[intervals - i];
            nodes[i] = {1.0 - y.x, y.d1, -y.d2};
        }
    }
    for (std::size_t i = 0; i <= intervals; ++i) {  // zero density at a node (x on the boundary): secant slope
        Node& n = nodes[i];
        if (!std::isfinite(n.d1)) {
            n.d1 = i == 0 ? nodes[1].x - nodes[0].x
                          : (i == intervals ? n.x - nodes[i - 1].x : 0.5 * (nodes[i + 1].x - nodes[i - 1].x));
            n.d2 = 0.0;
        }
        if (!std::isfinite(n.d2)) n.d2 = 0.0;
    }
    // Quintic Hermite on [0, 1] in s with values p0, p1, slopes d0, d1, second derivatives e0, e1 (all scaled):
    // c3 = 10 dp - 6 d0 - 4 d1 - 1.5 e0 + 0.5 e1, c4 = -15 dp + 8 d0 + 7 d1 + 1.5 e0 - e1,
    // c5 = 6 dp - 3 d0 - 3 d1 - 0.5 e0 + 0.5 e1, dp = p1 - p0.
    for (std::size_t i = 0; i < intervals; ++i) {
        const Node &l = nodes[i], &r = nodes[i + 1];
        const double dp = r.x - l.x;
        double* c = coef.data() + 6 * i;
        c[0] = l.x;
        c[1] = l.d1;
        c[2] = 0.5 * l.d2;
        c[3] = 10.0 * dp - 6.0 * l.d1 - 4.0 * r.d1 - 1.5 * l.d2 + 0.5 * r.d2;
        c[4] = -15.0 * dp + 8.0 * l.d1 + 7.0 * r.d1 + 1.5 * l.d2 - r.d2;
        c[5] = 6.0 * dp - 3.0 * l.d1 - 3.0 * r.d1 - 0.5 * l.d2 + 0.5 * r.d2;
    }
}

SOCVAL_VECTOR_CLONES void QuantileTable::at_z_block(const double* z, double* x, std::size_t n, double lo,
                                                   double width) const {
    // Same arithmetic as at_z(), as passes the compiler can vectorise: position in the grid (32-bit interval
    // index, which converts in vector registers), then the gathered Horner step.
    constexpr std::size_t kChunk = 256;
    double sb[kChunk];
    int ib[kChunk];
    for (std::size_t c0 = 0; c0 < n; c0 += kChunk) {
        const std::size_t m = n - c0 < kChunk ? n - c0 : kChunk;
        for (std::size_t j = 0; j < m; ++j) {
            double t = (z[c0 + j] + z_max) * inv_h;
            t = t < 0.0 ? 0.0 : t;
            t = t > static_cast<double>(intervals) ? static_cast<double>(intervals) : t;
            int i = static_cast<int>(t);
            i = i >= static_cast<int>(intervals) ? static_cast<int>(intervals) - 1 : i;
            ib[j] = i;
            sb[j] = t - static_cast<double>(i);
        }
        for (std::size_t j = 0; j < m; ++j) {
            const double s = sb[j];
            const double* c = coef.data() + 6 * ib[j];
            double v = c[0] + s * (c[1] + s * (c[2] + s * (c[3] + s * (c[4] + s * c[5]))));
            v = v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
            x[c0 + j] = lo + width * v;
        }
    }
}

namespace {

std::mutex cache_mutex;
std::map<std::pair<double, double>, std::shared_ptr<const QuantileTable>>& cache() {
    static std::map<std::pair<double, double>, std::shared_ptr<const QuantileTable>> tables;
    return tables;
}

}  // namespace

std::shared_ptr<const QuantileTable> quantile_table(double alpha, double beta) {
    const std::pair<double, double> shape{alpha, beta};
    {
        std::lock_guard<std::mutex> lock(cache_mutex);
        auto it = cache().find(shape);
        if (it != cache().end()) return it->second;
    }
    auto table = std::make_shared<const QuantileTable>(alpha, beta);  // built outside the lock
    std::lock_guard<std::mutex> lock(cache_mutex);
    auto& tables = cache();
    auto it = tables.find(shape);
    if (it != tables.end()) return it->second;  // another thread built the same shape first
    if (tables.size() >= kQuantileTableCacheSize) {
        for (auto e = tables.begin(); e != tables.end();)  // drop tables that no distribution holds
            e = e->second.use_count() == 1 ? tables.erase(e) : std::next(e);
        while (tables.size() >= kQuantileTableCacheSize) tables.erase(tables.begin());
    }
    tables.emplace(shape, table);
    return table;
}

std::size_t quantile_table_cache_size() {
    std::lock_guard<std::mutex> lock(cache_mutex);
    return cache().size();
}

}  // namespace socval::detail
