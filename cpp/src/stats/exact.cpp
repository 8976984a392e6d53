/// Exact summaries of a full vector of per-draw values.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "socval/stats.hpp"

namespace socval {

namespace {
/// Type 7 quantile of sorted data.
double type7(const std::vector<double>& s, double q) {
    if (s.empty() || !(q >= 0.0 && q <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
    const double h = static_cast<double>(s.size() - 1) * q;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    if (lo + 1 >= s.size()) return s.back();
    return s[lo] + (h - static_cast<double>(lo)) * (s[lo + 1] - s[lo]);
}
}  // namespace

std::vector<double> exact_quantiles(const double* x, std::size_t n, const std::vector<double>& qs) {
    std::vector<double> s(x, x + n);
    std::sort(s.begin(), s.end());
    std::vector<double> out;
    out.reserve(qs.size());
    for (double q : qs) out.push_back(type7(s, q));
    return out;
}

double exact_quantile(const double* x, std::size_t n, double q) { return exact_quantiles(x, n, {q})[0]; }

ExactSummary summarise(const double* x, std::size_t n) {
    ExactSummary r;
    r.n = n;
    if (n == 0) {
        r.mean = r.sd = r.p5 = r.p50 = r.p95 = r.p_positive = std::numeric_limits<double>::quiet_NaN();
        return r;
    }
    RunningMoments m;
    m.add_block(x, n);
    r.mean = m.mean();
    r.sd = m.sd();
    const auto q = exact_quantiles(x, n, {0.05, 0.5, 0.95});
    r.p5 = q[0];
    r.p50 = q[1];
    r.p95 = q[2];
    std::size_t pos = 0;
    for (std::size_t i = 0; i < n; ++i) pos += x[i] > 0.0;
    r.p_positive = static_cast<double>(pos) / static_cast<double>(n);
    return r;
}

}  // namespace socval
