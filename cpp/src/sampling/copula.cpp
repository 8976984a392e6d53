/// Gaussian copula: validation of the target rank-correlation matrix, conversion to the normal-copula Pearson
/// matrix, factorisation, and correlation of keyed uniforms.
#include <cmath>
#include <cstdio>
#include <set>
#include <vector>

#include <Eigen/Eigenvalues>

#include "socval/errors.hpp"
#include "socval/sampling/copula.hpp"
#include "socval/sampling/distribution.hpp"

namespace socval {

namespace {

std::string num(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

constexpr double kSymmetryTol = 1e-12;
constexpr double kPsdTol = 1e-10;  // eigenvalues above -1e-10 count as >= 0 (rounding in user input)
constexpr double kUMin = 1.0 / 9007199254740992.0;  // 2^-53: the smallest uniform of the stream grid

}  // namespace

GaussianCopula::GaussianCopula(std::vector<std::string> parameters, const Eigen::MatrixXd& spearman)
    : parameters_(std::move(parameters)), spearman_(spearman) {
    const auto k = static_cast<Eigen::Index>(parameters_.size());
    const std::string what = "correlation matrix";
    if (spearman.rows() != spearman.cols())
        throw SamplingError(what + ": expected a square matrix, found " + std::to_string(spearman.rows()) + " x " +
                            std::to_string(spearman.cols()));
    if (spearman.rows() != k)
        throw SamplingError(what + ": expected one row and column per parameter (" + std::to_string(k) +
                            "), found " + std::to_string(spearman.rows()) + " x " + std::to_string(spearman.cols()));
    std::set<std::string> seen;
    for (const auto& id : parameters_) {
        if (id.empty()) throw SamplingError(what + ": expected non-empty parameter ids, found an empty id");
        if (!seen.insert(id).second) throw SamplingError(what + ": expected distinct parameters, found '" + id + "' twice");
    }
    auto at = [&](Eigen::Index i, Eigen::Index j) {
        return "[" + parameters_[static_cast<std::size_t>(i)] + ", " + parameters_[static_cast<std::size_t>(j)] + "]";
    };
    for (Eigen::Index i = 0; i < k; ++i)
        for (Eigen::Index j = 0; j < k; ++j)
            if (!std::isfinite(spearman(i, j)))
                throw SamplingError(what + ": expected finite entries, found " + num(spearman(i, j)) + " at " + at(i, j));
    for (Eigen::Index i = 0; i < k; ++i)
        for (Eigen::Index j = i + 1; j < k; ++j)
            if (std::fabs(spearman(i, j) - spearman(j, i)) > kSymmetryTol)
                throw SamplingError(what + ": not symmetric: expected entry " + at(i, j) + " = entry " + at(j, i) +
                                    ", found " + num(spearman(i, j)) + " and " + num(spearman(j, i)));
    for (Eigen::Index i = 0; i < k; ++i)
        if (std::fabs(spearman(i, i) - 1.0) > kSymmetryTol)
            throw SamplingError(what + ": diagonal not 1: expected 1 at " + at(i, i) + ", found " + num(spearman(i, i)));
    for (Eigen::Index i = 0; i < k; ++i)
        for (Eigen::Index j = 0; j < k; ++j)
            if (spearman(i, j) < -1.0 || spearman(i, j) > 1.0)
                throw SamplingError(what + ": entry out of range: expected a rank correlation in [-1, 1] at " +
                                    at(i, j) + ", found " + num(spearman(i, j)));
    spearman_ = 0.5 * (spearman + spearman.transpose());
    auto smallest_eigenvalue = [](const Eigen::MatrixXd& m) {
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(m, Eigen::EigenvaluesOnly);
        return es.eigenvalues().minCoeff();
    };
    const double lam_s = smallest_eigenvalue(spearman_);
    if (lam_s < -kPsdTol)
        throw SamplingError(what + ": not positive semidefinite: expected all eigenvalues >= 0, found smallest "
                            "eigenvalue " + num(lam_s) + " (the rank correlations are mutually inconsistent)");
    // Normal-copula Pearson correlation giving Spearman rho_s: r = 2 sin(pi rho_s / 6) (Kruskal 1958).
    pearson_ = spearman_.unaryExpr([](double r) { return 2.0 * std::sin(M_PI * r / 6.0); });
    pearson_.diagonal().setOnes();
    Eigen::LLT<Eigen::MatrixXd> llt(pearson_);
    if (llt.info() == Eigen::Success) {
        factor_ = llt.matrixL();
        return;
    }
    // Positive semidefinite but singular (or made slightly indefinite by the conversion): eigenvalue clipping.
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(pearson_);
    const double lam_p = es.eigenvalues().minCoeff();
    if (lam_p < -kPsdTol)
        throw SamplingError(what + ": not positive semidefinite after conversion to the normal copula "
                            "(r = 2 sin(pi rho / 6)): expected all eigenvalues >= 0, found smallest eigenvalue " +
                            num(lam_p));
    factor_ = es.eigenvectors() * es.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
    for (Eigen::Index i = 0; i < k; ++i) factor_.row(i) /= factor_.row(i).norm();  // unit variance: N(0, 1) marginals
}

int GaussianCopula::index_of(const std::string& id) const {
    for (std::size_t i = 0; i < parameters_.size(); ++i)
        if (parameters_[i] == id) return static_cast<int>(i);
    return -1;
}

namespace {

/// u <- Phi(A Phi^-1(u)) for one draw, with caller-provided scratch z (no allocation).
void correlate_one(const Eigen::MatrixXd& a, double* u, double* z) {
    const Eigen::Index k = a.rows();
    for (Eigen::Index j = 0; j < k; ++j) z[j] = normal_quantile(u[j]);
    for (Eigen::Index i = 0; i < k; ++i) {
        double y = 0.0;
        for (Eigen::Index j = 0; j < k; ++j) y += a(i, j) * z[j];
        // Phi(y) from the nearer tail, kept on the open interval of the stream grid [2^-53, 1 - 2^-53].
        double v = y <= 0.0 ? normal_cdf(y) : 1.0 - normal_cdf(-y);
        if (v < kUMin) v = kUMin;
        if (v > 1.0 - kUMin) v = 1.0 - kUMin;
        u[i] = v;
    }
}

}  // namespace

void GaussianCopula::correlate(double* u) const {
    std::vector<double> z(parameters_.size());
    correlate_one(factor_, u, z.data());
}

void GaussianCopula::correlate_block(double* const* columns, std::size_t n) const {
    const std::size_t k = parameters_.size();
    std::vector<double> row(k), z(k);
    for (std::size_t d = 0; d < n; ++d) {
        for (std::size_t i = 0; i < k; ++i) row[i] = columns[i][d];
        correlate_one(factor_, row.data(), z.data());
        for (std::size_t i = 0; i < k; ++i) columns[i][d] = row[i];
    }
}

}  // namespace socval
