#pragma once
/// Gaussian copula for rank correlation between named parameters, applied to their keyed uniforms.
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace socval {

/// Target Spearman rank correlations over named parameters, turned into a normal-copula Pearson matrix
/// r = 2 sin(pi rho_s / 6) (Kruskal 1958) and factorised (Eigen LLT; eigenvalue-clipped factor when the
/// matrix is positive semidefinite but singular). Marginals are unchanged: each correlated normal is N(0, 1).
class GaussianCopula {
public:
    /// Validate and factorise. Throws SamplingError saying which check fails: size mismatch, duplicate or empty
    /// names, non-finite entries, not symmetric (|r_ij - r_ji| > 1e-12), diagonal not 1, an entry outside
    /// [-1, 1], or not positive semidefinite (quoting the smallest eigenvalue).
    GaussianCopula(std::vector<std::string> parameters, const Eigen::MatrixXd& spearman);

    /// The parameters, in matrix order.
    const std::vector<std::string>& parameters() const { return parameters_; }
    /// Index of a parameter in matrix order, or -1.
    int index_of(const std::string& id) const;
    std::size_t size() const { return parameters_.size(); }
    /// The target Spearman matrix as given.
    const Eigen::MatrixXd& spearman() const { return spearman_; }
    /// The normal-copula Pearson matrix 2 sin(pi rho_s / 6).
    const Eigen::MatrixXd& pearson() const { return pearson_; }
    /// The factor A with A A^T = pearson() (lower triangular unless the matrix is singular).
    const Eigen::MatrixXd& factor() const { return factor_; }

    /// Correlate the uniforms of one draw in place: u[i] is parameter i's independent uniform (MC or LHS);
    /// on return u[i] = Phi((A z)_i) with z_j = Phi^-1(u_j).
    void correlate(double* u) const;
    /// Correlate a block in place: columns[i] points to n uniforms of parameter i.
    void correlate_block(double* const* columns, std::size_t n) const;

private:
    std::vector<std::string> parameters_;
    Eigen::MatrixXd spearman_;
    Eigen::MatrixXd pearson_;
    Eigen::MatrixXd factor_;
};

}  // namespace socval
