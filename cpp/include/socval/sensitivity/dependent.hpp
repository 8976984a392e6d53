#pragma once
/// Sensitivity with dependent inputs whose dependence is a Gaussian copula: Shapley effects (Owen 2014; estimator of
/// Song, Nelson & Staum 2016) and full / independent Sobol indices (Mara & Tarantola 2012; Mara, Tarantola & Annoni
/// 2015; Kucherenko, Tarantola & Annoni 2012). Designs are in the unit hypercube: point u has u_i = Phi(z_i) with
/// z ~ N(0, R), R the normal-copula (Pearson) correlation; a caller maps u_i through input i's quantile function.
/// Formulas and sources: docs/model/sensitivity_dependent.md.
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "socval/sensitivity.hpp"

namespace socval::sensitivity {

// ---------------------------------------------------------------------------------------------------------------
// Shapley effects
// ---------------------------------------------------------------------------------------------------------------

/// Shape of a Shapley design. Rows: first `n_variance` rows are independent draws of the joint (for Var Y); then one
/// block per cost c(J) = E[Var(Y | X_{-J})] needed, each `outer` x `inner` rows (outer draw o of X_{-J}, then
/// `inner` draws of X_J given it, rows o * inner .. o * inner + inner - 1).
struct ShapleyLayout {
    int inputs = 0;                          ///< k, columns of the design
    std::vector<int> group_of;               ///< factor of each input (0 .. factors - 1)
    int factors = 0;                         ///< d, the players of the Shapley value
    Eigen::MatrixXd correlation;             ///< k x k normal-copula correlation R
    std::int64_t n_variance = 0;             ///< rows for the output variance
    int outer = 0, inner = 0;                ///< No and Ni of Song et al. (2016)
    bool exact = true;                       ///< every subset (all d! orders); else random permutations
    std::vector<std::vector<int>> permutations;  ///< random mode: the sampled orders of the factors
    std::vector<std::vector<char>> subsets;  ///< per block: 1 if the factor is in J
    std::int64_t block_rows() const { return static_cast<std::int64_t>(outer) * inner; }
    std::int64_t rows() const { return n_variance + static_cast<std::int64_t>(subsets.size()) * block_rows(); }
};

/// Validate and build a layout. `permutations` = 0 means exact (every subset of the d factors, d <= 12); otherwise
/// that many random orders of the factors (keyed by seed). `correlation` must be a k x k correlation matrix
/// (symmetric, unit diagonal, positive semidefinite). Throws SensitivityError naming the check that fails.
ShapleyLayout shapley_layout(const Eigen::Ref<const Eigen::MatrixXd>& correlation, const std::vector<int>& group_of,
                             std::int64_t n_variance, int outer, int inner, int permutations, std::uint64_t seed);

/// The design (layout.rows() x k uniforms), by conditional sampling from the Gaussian copula; keyed by
/// (seed, block, row): identical for any thread count.
Eigen::MatrixXd shapley_design(const ShapleyLayout& layout, std::uint64_t seed, int threads = 0);

/// Shapley effects of each factor, normalised by Var Y (they sum to 1), with bootstrap half-widths.
struct ShapleyEffects {
    double variance = 0.0;          ///< Var Y from the variance rows
    Eigen::VectorXd shapley, conf;  ///< per factor
};

/// Effects from the outputs at the design. Bootstrap: the variance rows and the outer draws (exact) or permutations
/// (random) are resampled with keyed hashes. Throws SensitivityError on a wrong length, non-finite or constant output.
ShapleyEffects shapley_effects(const Eigen::Ref<const Eigen::VectorXd>& outputs, const ShapleyLayout& layout,
                               const SobolOptions& options = {});

// ---------------------------------------------------------------------------------------------------------------
// Full and independent Sobol indices
// ---------------------------------------------------------------------------------------------------------------

/// Shape of a design for full / independent indices: n base rows; blocks A, B, then for each factor g the block
/// "g first" (A with g's value from B, the others moved by their conditional law given it: full indices) and
/// the block "g last" (A's other inputs, g's part independent of them from B: independent indices).
struct DependentLayout {
    std::int64_t n = 0;
    int inputs = 0;
    std::vector<int> group_of;
    int factors = 0;
    Eigen::MatrixXd correlation;
    int blocks() const { return 2 + 2 * factors; }
    std::int64_t rows() const { return n * blocks(); }
    std::int64_t row_full(int g) const { return (2 + static_cast<std::int64_t>(g)) * n; }
    std::int64_t row_ind(int g) const { return (2 + static_cast<std::int64_t>(factors) + g) * n; }
};

/// Validate and build a layout (n a power of 2, as for saltelli_layout; the correlation as for shapley_layout).
DependentLayout dependent_layout(std::int64_t n, const Eigen::Ref<const Eigen::MatrixXd>& correlation,
                                 const std::vector<int>& group_of);

/// The design (layout.rows() x k uniforms): A and B from the scrambled Sobol sequence (2k dimensions), correlated by
/// the copula; the per-factor blocks by the Gaussian conditional laws.
Eigen::MatrixXd dependent_design(const DependentLayout& layout, std::uint64_t seed);

/// Full and independent first-order and total indices per factor, with bootstrap half-widths.
struct DependentIndices {
    std::int64_t n = 0;
    double variance = 0.0;
    Eigen::VectorXd S_full, ST_full, S_ind, ST_ind;
    Eigen::VectorXd S_full_conf, ST_full_conf, S_ind_conf, ST_ind_conf;
};

/// Estimators of Saltelli et al. (2010, first order) and Jansen (1999, total) on the "g first" and "g last" blocks.
DependentIndices dependent_indices(const Eigen::Ref<const Eigen::VectorXd>& outputs, const DependentLayout& layout,
                                   const SobolOptions& options = {});

}  // namespace socval::sensitivity
