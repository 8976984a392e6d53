#pragma once
/// Internal: Gaussian conditional laws of the normal scores of a Gaussian copula, for the dependent-input
/// designs (shapley.cpp, dependent.cpp). Not a public header.
#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>

#include "detail.hpp"
#include "socval/sampling/distribution.hpp"

namespace socval::sensitivity::detail {

/// Check R is a k x k correlation matrix (finite, symmetric, unit diagonal, positive semidefinite).
inline void check_correlation(const Eigen::MatrixXd& r, int k) {
    require(r.rows() == k && r.cols() == k, "correlation: expected a " + std::to_string(k) + " x " +
                                                std::to_string(k) + " matrix (one row and column per input), got " +
                                                std::to_string(r.rows()) + " x " + std::to_string(r.cols()));
    for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) {
            const std::string at = "[" + std::to_string(i) + ", " + std::to_string(j) + "]";
            require(std::isfinite(r(i, j)), "correlation: entry " + at + " is not finite");
            require(std::fabs(r(i, j) - r(j, i)) <= 1e-12, "correlation: not symmetric at " + at);
            require(r(i, j) >= -1.0 && r(i, j) <= 1.0, "correlation: entry " + at + " outside [-1, 1]: " +
                                                           std::to_string(r(i, j)));
        }
    for (int i = 0; i < k; ++i)
        require(std::fabs(r(i, i) - 1.0) <= 1e-12, "correlation: diagonal entry " + std::to_string(i) + " is " +
                                                       std::to_string(r(i, i)) + ", expected 1");
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(r, Eigen::EigenvaluesOnly);
    require(es.eigenvalues().minCoeff() >= -1e-10,
            "correlation: not positive semidefinite (smallest eigenvalue " +
                std::to_string(es.eigenvalues().minCoeff()) + ")");
}

/// A square root F of a covariance S (F F^T = S): Cholesky, or eigenvalue-clipped when S is singular.
inline Eigen::MatrixXd sqrt_factor(const Eigen::MatrixXd& s) {
    if (s.rows() == 0) return s;
    Eigen::LLT<Eigen::MatrixXd> llt(s);
    if (llt.info() == Eigen::Success) return llt.matrixL();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(s);
    return es.eigenvectors() * es.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
}

/// Inputs correlated with at least one other (the others are independent standard normals: no linear algebra).
inline std::vector<char> dependent_inputs(const Eigen::MatrixXd& r) {
    std::vector<char> dep(static_cast<std::size_t>(r.rows()), 0);
    for (Eigen::Index i = 0; i < r.rows(); ++i)
        for (Eigen::Index j = 0; j < r.cols(); ++j)
            if (i != j && r(i, j) != 0.0) dep[static_cast<std::size_t>(i)] = 1;
    return dep;
}

/// z ~ N(0, R) from independent standard normals eps: z = eps on independent inputs, F eps on the others.
struct Joint {
    std::vector<int> dep;      ///< correlated inputs
    Eigen::MatrixXd factor;    ///< square root of R restricted to them
    explicit Joint(const Eigen::MatrixXd& r) {
        const auto d = dependent_inputs(r);
        for (int i = 0; i < static_cast<int>(d.size()); ++i)
            if (d[static_cast<std::size_t>(i)]) dep.push_back(i);
        const auto m = static_cast<Eigen::Index>(dep.size());
        Eigen::MatrixXd sub(m, m);
        for (Eigen::Index i = 0; i < m; ++i)
            for (Eigen::Index j = 0; j < m; ++j) sub(i, j) = r(dep[static_cast<std::size_t>(i)], dep[static_cast<std::size_t>(j)]);
        factor = sqrt_factor(sub);
    }
    /// z <- the correlated draw from eps (in place).
    void apply(Eigen::VectorXd& z) const {
        const auto m = static_cast<Eigen::Index>(dep.size());
        if (m == 0) return;
        Eigen::VectorXd e(m);
        for (Eigen::Index i = 0; i < m; ++i) e[i] = z[dep[static_cast<std::size_t>(i)]];
        const Eigen::VectorXd c = factor * e;
        for (Eigen::Index i = 0; i < m; ++i) z[dep[static_cast<std::size_t>(i)]] = c[i];
    }
};

/// The law of z_in given z_out for z ~ N(0, R): mean = coef z_out, covariance = factor factor^T, computed on the
/// correlated inputs only (an independent input of `in` has mean 0 and variance 1 whatever z_out).
struct Conditional {
    std::vector<int> in, out;  ///< input indices of the conditioned part and of the rest
    std::vector<int> din, dout;  ///< positions in `in` / `out` of correlated inputs
    Eigen::MatrixXd coef;      ///< |din| x |dout|: R_in,out R_out,out^+ (pseudo-inverse if singular)
    Eigen::MatrixXd factor;    ///< |din| x |din| square root of R_in,in - coef R_out,in

    /// The conditional mean (|in| values) given z_out (|out| values).
    Eigen::VectorXd mean(const Eigen::VectorXd& z_out) const {
        Eigen::VectorXd m = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.size()));
        if (din.empty() || dout.empty()) return m;
        Eigen::VectorXd zo(static_cast<Eigen::Index>(dout.size()));
        for (std::size_t j = 0; j < dout.size(); ++j) zo[static_cast<Eigen::Index>(j)] = z_out[dout[j]];
        const Eigen::VectorXd v = coef * zo;
        for (std::size_t j = 0; j < din.size(); ++j) m[din[j]] = v[static_cast<Eigen::Index>(j)];
        return m;
    }
    /// The conditional noise (|in| values) from independent standard normals eta (|in| values).
    Eigen::VectorXd noise(const Eigen::VectorXd& eta) const {
        Eigen::VectorXd n = eta;
        if (din.empty()) return n;
        Eigen::VectorXd e(static_cast<Eigen::Index>(din.size()));
        for (std::size_t j = 0; j < din.size(); ++j) e[static_cast<Eigen::Index>(j)] = eta[din[j]];
        const Eigen::VectorXd v = factor * e;
        for (std::size_t j = 0; j < din.size(); ++j) n[din[j]] = v[static_cast<Eigen::Index>(j)];
        return n;
    }
};

inline Conditional conditional(const Eigen::MatrixXd& r, const std::vector<char>& in_mask) {
    Conditional c;
    const auto dep = dependent_inputs(r);
    for (int i = 0; i < static_cast<int>(in_mask.size()); ++i) {
        auto& side = in_mask[static_cast<std::size_t>(i)] ? c.in : c.out;
        auto& dside = in_mask[static_cast<std::size_t>(i)] ? c.din : c.dout;
        if (dep[static_cast<std::size_t>(i)]) dside.push_back(static_cast<int>(side.size()));
        side.push_back(i);
    }
    const auto a = static_cast<Eigen::Index>(c.din.size()), b = static_cast<Eigen::Index>(c.dout.size());
    auto at_in = [&](Eigen::Index i) { return c.in[static_cast<std::size_t>(c.din[static_cast<std::size_t>(i)])]; };
    auto at_out = [&](Eigen::Index i) { return c.out[static_cast<std::size_t>(c.dout[static_cast<std::size_t>(i)])]; };
    Eigen::MatrixXd r_ii(a, a), r_io(a, b), r_oo(b, b);
    for (Eigen::Index i = 0; i < a; ++i) {
        for (Eigen::Index j = 0; j < a; ++j) r_ii(i, j) = r(at_in(i), at_in(j));
        for (Eigen::Index j = 0; j < b; ++j) r_io(i, j) = r(at_in(i), at_out(j));
    }
    for (Eigen::Index i = 0; i < b; ++i)
        for (Eigen::Index j = 0; j < b; ++j) r_oo(i, j) = r(at_out(i), at_out(j));
    if (b == 0 || a == 0) {
        c.coef = Eigen::MatrixXd::Zero(a, b);
        c.factor = sqrt_factor(r_ii);
        return c;
    }
    // coef = r_io r_oo^+ : solve r_oo coef^T = r_io^T (complete orthogonal decomposition: least-norm if singular).
    c.coef = r_oo.completeOrthogonalDecomposition().solve(r_io.transpose()).transpose();
    Eigen::MatrixXd s = r_ii - c.coef * r_io.transpose();
    s = 0.5 * (s + s.transpose());
    c.factor = sqrt_factor(s);
    return c;
}

/// Phi(z) kept inside the open interval of the stream grid [2^-53, 1 - 2^-53].
inline double to_uniform(double z) {
    constexpr double lo = 1.0 / 9007199254740992.0;
    const double v = z <= 0.0 ? socval::normal_cdf(z) : 1.0 - socval::normal_cdf(-z);
    return std::min(1.0 - lo, std::max(lo, v));
}

/// Validate group_of (k entries, factors numbered 0..G-1, all used; empty = one factor per input); returns G.
inline int check_groups(std::vector<int>& group_of, int k, const std::string& what) {
    if (group_of.empty()) {
        for (int i = 0; i < k; ++i) group_of.push_back(i);
        return k;
    }
    require(static_cast<int>(group_of.size()) == k, what + ": groups must give one group per input: expected " +
                                                        std::to_string(k) + " entries, got " +
                                                        std::to_string(group_of.size()));
    int g_max = -1;
    for (int g : group_of) {
        require(g >= 0, what + ": group indices must be >= 0, got " + std::to_string(g));
        g_max = std::max(g_max, g);
    }
    std::vector<char> used(static_cast<std::size_t>(g_max + 1), 0);
    for (int g : group_of) used[static_cast<std::size_t>(g)] = 1;
    for (int g = 0; g <= g_max; ++g)
        require(used[static_cast<std::size_t>(g)], what + ": group " + std::to_string(g) +
                                                       " has no input (groups must be numbered 0..G-1)");
    return g_max + 1;
}

/// Sample standard deviation (divisor n - 1) of the bootstrap replicates in v.
inline double sd(const Eigen::VectorXd& v) {
    const double mu = v.mean();
    return std::sqrt((v.array() - mu).square().sum() / static_cast<double>(v.size() - 1));
}

}  // namespace socval::sensitivity::detail
