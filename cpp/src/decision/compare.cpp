/// Distribution comparison of paired draws: P(best), P(A > B), FSD/SSD, expected regret, CVaR.
#include "socval/decision/compare.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "socval/errors.hpp"

namespace socval::decision {

double lower_cvar_sorted(const std::vector<double>& sorted, double alpha) {
    const double n = static_cast<double>(sorted.size());
    const double mass = alpha * n;  // number of draws in the tail, possibly fractional
    const auto whole = static_cast<std::size_t>(std::floor(mass));
    double sum = 0.0;
    for (std::size_t k = 0; k < whole && k < sorted.size(); ++k) sum += sorted[k];
    const double frac = mass - static_cast<double>(whole);
    if (frac > 0.0 && whole < sorted.size()) sum += frac * sorted[whole];
    return sum / mass;
}

DrawComparison compare_draws(const MatrixRef& x, const std::vector<double>& levels, double rtol) {
    const Eigen::Index s = x.rows(), na = x.cols();
    if (s < 1 || na < 1)
        throw DecisionError("draws: expected an array of shape (draws, alternatives) with both sizes >= 1, found (" +
                            std::to_string(s) + ", " + std::to_string(na) + ")");
    if (!x.allFinite()) throw DecisionError("draws: expected finite values, found NaN or infinity");
    for (double a : levels)
        if (!(a > 0.0 && a < 1.0))
            throw DecisionError("cvar_levels: expected levels in (0, 1), found " + std::to_string(a));
    if (!(rtol >= 0.0)) throw DecisionError("rtol: expected >= 0, found " + std::to_string(rtol));

    DrawComparison r;
    r.mean = x.colwise().mean().transpose();
    r.p_best = Eigen::VectorXd::Zero(na);
    r.p_greater = RowMatrix::Zero(na, na);
    r.expected_regret = Eigen::VectorXd::Zero(na);
    for (Eigen::Index d = 0; d < s; ++d) {
        const double best = x.row(d).maxCoeff();
        const double ties = static_cast<double>((x.row(d).array() == best).count());
        for (Eigen::Index a = 0; a < na; ++a) {
            if (x(d, a) == best) r.p_best[a] += 1.0 / ties;
            r.expected_regret[a] += best - x(d, a);
            for (Eigen::Index b = 0; b < na; ++b)
                if (x(d, a) > x(d, b)) r.p_greater(a, b) += 1.0;
        }
    }
    r.p_best /= static_cast<double>(s);
    r.p_greater /= static_cast<double>(s);
    r.expected_regret /= static_cast<double>(s);

    // Sorted draws (the empirical quantile functions) and their partial sums (generalised Lorenz curves).
    std::vector<std::vector<double>> sorted(na), partial(na);
    for (Eigen::Index a = 0; a < na; ++a) {
        sorted[a].resize(s);
        for (Eigen::Index d = 0; d < s; ++d) sorted[a][d] = x(d, a);
        std::sort(sorted[a].begin(), sorted[a].end());
        partial[a].resize(s);
        double acc = 0.0;
        for (Eigen::Index d = 0; d < s; ++d) partial[a][d] = (acc += sorted[a][d]);
    }
    const double tol = rtol * (x.maxCoeff() - x.minCoeff());
    r.fsd = Eigen::MatrixXi::Zero(na, na);
    r.ssd = Eigen::MatrixXi::Zero(na, na);
    for (Eigen::Index a = 0; a < na; ++a) {
        for (Eigen::Index b = 0; b < na; ++b) {
            if (a == b) continue;
            bool fsd = true, fsd_strict = false, ssd = true, ssd_strict = false;
            for (Eigen::Index k = 0; k < s; ++k) {
                const double dq = sorted[a][k] - sorted[b][k];
                if (dq < -tol) fsd = false;
                if (dq > tol) fsd_strict = true;
                const double dl = partial[a][k] - partial[b][k];
                const double tl = tol * static_cast<double>(k + 1);
                if (dl < -tl) ssd = false;
                if (dl > tl) ssd_strict = true;
            }
            r.fsd(a, b) = fsd && fsd_strict;
            r.ssd(a, b) = ssd && ssd_strict;
        }
    }
    r.cvar.resize(na, static_cast<Eigen::Index>(levels.size()));
    for (Eigen::Index a = 0; a < na; ++a)
        for (std::size_t l = 0; l < levels.size(); ++l) r.cvar(a, static_cast<Eigen::Index>(l)) = lower_cvar_sorted(sorted[a], levels[l]);
    return r;
}

}  // namespace socval::decision
