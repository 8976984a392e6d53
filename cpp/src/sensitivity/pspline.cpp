/// Penalised cubic B-spline regression on ranks, with GCV, for the EVPPI regressions.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "detail.hpp"
#include "socval/sensitivity/pspline.hpp"

namespace socval::sensitivity {
namespace {

/// Normalised ranks (rank - 1/2) / n in (0, 1), ties given their average rank.
std::vector<double> normalised_ranks(const Eigen::Ref<const Eigen::VectorXd>& x) {
    const auto n = static_cast<std::size_t>(x.size());
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return x[static_cast<Eigen::Index>(a)] < x[static_cast<Eigen::Index>(b)];
    });
    std::vector<double> r(n);
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j + 1 < n && x[static_cast<Eigen::Index>(order[j + 1])] == x[static_cast<Eigen::Index>(order[i])]) ++j;
        const double avg = 0.5 * static_cast<double>(i + j);  // 0-based average rank of the tie run
        for (std::size_t t = i; t <= j; ++t) r[order[t]] = (avg + 0.5) / static_cast<double>(n);
        i = j + 1;
    }
    return r;
}

/// The 4 non-zero uniform cubic B-splines at u in [0, 1] with `seg` segments: first column index and values.
int cubic_bspline(double u, int seg, double* b) {
    const double pos = u * seg;
    const int s = std::min(seg - 1, std::max(0, static_cast<int>(std::floor(pos))));
    const double t = pos - s, t2 = t * t, t3 = t2 * t;
    b[0] = (1.0 - t) * (1.0 - t) * (1.0 - t) / 6.0;
    b[1] = (3.0 * t3 - 6.0 * t2 + 4.0) / 6.0;
    b[2] = (-3.0 * t3 + 3.0 * t2 + 3.0 * t + 1.0) / 6.0;
    b[3] = t3 / 6.0;
    return s;
}

/// D'D for second-order differences of q coefficients.
Eigen::MatrixXd difference_penalty(int q) {
    Eigen::MatrixXd d = Eigen::MatrixXd::Zero(q - 2, q);
    for (int i = 0; i < q - 2; ++i) {
        d(i, i) = 1.0;
        d(i, i + 1) = -2.0;
        d(i, i + 2) = 1.0;
    }
    return d.transpose() * d;
}

}  // namespace

SplineBasis spline_basis(const Eigen::Ref<const Eigen::MatrixXd>& inputs, int segments, SplineKind kind) {
    const auto n = inputs.rows();
    const auto p = static_cast<int>(inputs.cols());
    detail::require(p >= 1 && n >= 1, "spline basis: inputs must be a non-empty draws x parameters matrix");
    detail::require(segments >= 1, "spline basis: segments must be >= 1, got " + std::to_string(segments));
    const int qm = segments + 3;  // basis functions per margin
    SplineBasis basis;
    basis.rows = n;
    const Eigen::MatrixXd dtd = difference_penalty(qm);
    std::vector<std::vector<double>> ranks;
    for (int d = 0; d < p; ++d) ranks.push_back(normalised_ranks(inputs.col(d)));
    std::vector<double> vals(static_cast<std::size_t>(4 * p));
    std::vector<int> first(static_cast<std::size_t>(p));
    if (kind == SplineKind::additive || p == 1) {
        basis.columns = qm * p;
        basis.per_row = 4 * p;
        basis.index.resize(static_cast<std::size_t>(n * basis.per_row));
        basis.value.resize(basis.index.size());
        for (Eigen::Index i = 0; i < n; ++i) {
            for (int d = 0; d < p; ++d) {
                const int s = cubic_bspline(ranks[static_cast<std::size_t>(d)][static_cast<std::size_t>(i)], segments,
                                            &vals[static_cast<std::size_t>(4 * d)]);
                for (int c = 0; c < 4; ++c) {
                    const auto slot = static_cast<std::size_t>(i * basis.per_row + 4 * d + c);
                    basis.index[slot] = d * qm + s + c;
                    basis.value[slot] = vals[static_cast<std::size_t>(4 * d + c)];
                }
            }
        }
        basis.penalty = Eigen::MatrixXd::Zero(basis.columns, basis.columns);
        for (int d = 0; d < p; ++d) basis.penalty.block(d * qm, d * qm, qm, qm) = dtd;
        return basis;
    }
    // Tensor product: column index sum_d c_d qm^d; row non-zeros are the 4^p products of the margins' values.
    int q = 1, per_row = 1;
    for (int d = 0; d < p; ++d) { q *= qm; per_row *= 4; }
    basis.columns = q;
    basis.per_row = per_row;
    basis.index.resize(static_cast<std::size_t>(n * per_row));
    basis.value.resize(basis.index.size());
    for (Eigen::Index i = 0; i < n; ++i) {
        for (int d = 0; d < p; ++d)
            first[static_cast<std::size_t>(d)] = cubic_bspline(
                ranks[static_cast<std::size_t>(d)][static_cast<std::size_t>(i)], segments, &vals[static_cast<std::size_t>(4 * d)]);
        for (int c = 0; c < per_row; ++c) {
            int rest = c, col = 0, stride = 1;
            double v = 1.0;
            for (int d = 0; d < p; ++d) {
                const int local = rest % 4;
                rest /= 4;
                col += (first[static_cast<std::size_t>(d)] + local) * stride;
                v *= vals[static_cast<std::size_t>(4 * d + local)];
                stride *= qm;
            }
            const auto slot = static_cast<std::size_t>(i * per_row + c);
            basis.index[slot] = col;
            basis.value[slot] = v;
        }
    }
    // Penalty sum_d I x .. x D'D (margin d) x .. x I: entries where all other margins' indices agree.
    basis.penalty = Eigen::MatrixXd::Zero(q, q);
    for (int a = 0; a < q; ++a) {
        for (int d = 0, stride = 1; d < p; ++d, stride *= qm) {
            const int ad = (a / stride) % qm;
            for (int bd = 0; bd < qm; ++bd) {
                const double w = dtd(ad, bd);
                if (w != 0.0) basis.penalty(a, a + (bd - ad) * stride) += w;
            }
        }
    }
    return basis;
}

PenalisedSmoother::PenalisedSmoother(SplineBasis basis) : basis_(std::move(basis)) {
    const int q = basis_.columns, w = basis_.per_row;
    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(q, q);
    for (std::int64_t i = 0; i < basis_.rows; ++i) {
        const int* ix = &basis_.index[static_cast<std::size_t>(i * w)];
        const double* v = &basis_.value[static_cast<std::size_t>(i * w)];
        for (int a = 0; a < w; ++a)
            for (int b = 0; b < w; ++b) g(ix[a], ix[b]) += v[a] * v[b];
    }
    // A tiny ridge keeps G positive definite when the basis is rank-deficient (additive margins all contain the
    // constant); it only touches directions the data do not determine.
    g.diagonal().array() += 1e-9 * g.trace() / q;
    Eigen::LLT<Eigen::MatrixXd> llt(g);
    detail::require(llt.info() == Eigen::Success, "EVPPI regression: the spline basis matrix is not positive definite");
    l_ = llt.matrixL();
    const Eigen::MatrixXd linv_p = l_.triangularView<Eigen::Lower>().solve(basis_.penalty);
    const Eigen::MatrixXd m = l_.triangularView<Eigen::Lower>().solve(linv_p.transpose());  // L^-1 P L^-T
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(0.5 * (m + m.transpose()));
    s_ = eig.eigenvalues().cwiseMax(0.0);
    u_ = eig.eigenvectors();
    chol_inv_t_u_ = l_.transpose().triangularView<Eigen::Upper>().solve(u_);
}

PenalisedSmoother::Fit PenalisedSmoother::fit(const Eigen::Ref<const Eigen::VectorXd>& y) const {
    detail::require(y.size() == basis_.rows, "EVPPI regression: outcome length " + std::to_string(y.size()) +
                                                 " differs from the number of draws " + std::to_string(basis_.rows));
    const int q = basis_.columns, w = basis_.per_row;
    const auto n = static_cast<double>(basis_.rows);
    const double ybar = y.mean();
    Eigen::VectorXd xty = Eigen::VectorXd::Zero(q);
    double yy = 0.0;
    for (std::int64_t i = 0; i < basis_.rows; ++i) {
        const double yi = y[i] - ybar;
        yy += yi * yi;
        for (int a = 0; a < w; ++a)
            xty[basis_.index[static_cast<std::size_t>(i * w + a)]] += basis_.value[static_cast<std::size_t>(i * w + a)] * yi;
    }
    const Eigen::VectorXd z = chol_inv_t_u_.transpose() * xty;
    const double smax = std::max(s_.maxCoeff(), 1e-300);
    double smin = smax;
    for (int i = 0; i < q; ++i)
        if (s_[i] > 1e-12 * smax) smin = std::min(smin, s_[i]);
    // Log grid of lambda wide enough to go from interpolation (lambda s << 1) to the penalty's null space.
    const double lo = std::log(1e-6 / smax), hi = std::log(1e6 / smin);
    const int points = 241;
    Fit best;
    best.gcv = std::numeric_limits<double>::infinity();
    for (int k = 0; k < points; ++k) {
        const double lambda = std::exp(lo + (hi - lo) * k / (points - 1));
        double rss = yy, edf = 0.0;
        for (int i = 0; i < q; ++i) {
            const double f = 1.0 / (1.0 + lambda * s_[i]);
            rss += z[i] * z[i] * (f * f - 2.0 * f);
            edf += f;
        }
        rss = std::max(rss, 0.0);
        if (edf >= n) continue;
        const double gcv = n * rss / ((n - edf) * (n - edf));
        if (gcv < best.gcv) {
            best.gcv = gcv;
            best.lambda = lambda;
            best.edf = edf;
        }
    }
    detail::require(std::isfinite(best.gcv), "EVPPI regression: too few draws for the spline basis");
    Eigen::VectorXd wvec(q);
    for (int i = 0; i < q; ++i) wvec[i] = z[i] / (1.0 + best.lambda * s_[i]);
    best.coef = chol_inv_t_u_ * wvec;
    best.fitted = predict(best.coef).col(0);
    const double rss = (y.array() - ybar - best.fitted.array()).square().sum();
    best.fitted.array() += ybar;
    best.offset = ybar;
    best.sigma2 = rss / std::max(1.0, n - best.edf);
    return best;
}

Eigen::MatrixXd PenalisedSmoother::predict(const Eigen::Ref<const Eigen::MatrixXd>& coef) const {
    const int w = basis_.per_row;
    Eigen::MatrixXd out = Eigen::MatrixXd::Zero(basis_.rows, coef.cols());
    for (std::int64_t i = 0; i < basis_.rows; ++i)
        for (int a = 0; a < w; ++a)
            out.row(i) += basis_.value[static_cast<std::size_t>(i * w + a)] *
                          coef.row(basis_.index[static_cast<std::size_t>(i * w + a)]);
    return out;
}

Eigen::MatrixXd PenalisedSmoother::posterior_draws(const Fit& fit, const Eigen::Ref<const Eigen::MatrixXd>& z) const {
    Eigen::VectorXd scale(s_.size());
    for (Eigen::Index i = 0; i < s_.size(); ++i) scale[i] = std::sqrt(fit.sigma2 / (1.0 + fit.lambda * s_[i]));
    Eigen::MatrixXd draws = chol_inv_t_u_ * (scale.asDiagonal() * z);
    draws.colwise() += fit.coef;
    return draws;
}

}  // namespace socval::sensitivity
