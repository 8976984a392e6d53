#pragma once
/// Sensitivity analysis: Sobol indices (Saltelli design), Morris elementary effects, one-way tornado.
///
/// Every method is split into a *design* (the points where the model is evaluated, in the unit hypercube) and an
/// *estimator* (from the model outputs at those points to indices). A caller (Python, or later the Monte Carlo engine
/// natively) maps the unit points to its inputs, evaluates the model, and passes the outputs back. Formulas and
/// sources: docs/model/sensitivity.md.
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

namespace socval::sensitivity {

// ---------------------------------------------------------------------------------------------------------------
// Scrambled Sobol sequence
// ---------------------------------------------------------------------------------------------------------------

/// Largest number of dimensions of the Sobol sequence (Joe & Kuo 2008 direction numbers shipped by Boost).
int sobol_max_dimensions();

/// Points `first .. first + n - 1` of the `dimensions`-dimensional Sobol sequence (Joe-Kuo direction numbers,
/// natural order), as an n x dimensions matrix in (0, 1). With `scramble`, each coordinate gets a hash-based nested
/// uniform (Owen-type) scramble keyed by (seed, dimension) (Burley 2020), so point i is computable on its own: the
/// same seed gives the same points in any order, chunking or thread count. Values are (integer + 1/2) / 2^32.
Eigen::MatrixXd sobol_points(std::int64_t n, int dimensions, std::uint64_t seed, bool scramble = true,
                             std::int64_t first = 0);

// ---------------------------------------------------------------------------------------------------------------
// Sobol indices (Saltelli sampling)
// ---------------------------------------------------------------------------------------------------------------

/// Shape of a Saltelli design: n base rows, k inputs partitioned into factors (groups), optional second order.
/// Rows are block-major: block b holds rows [b n, (b + 1) n); blocks are A, B, AB_0 .. AB_{G-1} and, with second
/// order, BA_0 .. BA_{G-1}. Row i of every block uses Sobol point i, so the first m rows of each block are exactly
/// the design of size m (used for convergence).
struct SaltelliLayout {
    std::int64_t n = 0;            ///< base sample size (power of 2)
    int inputs = 0;                ///< k, columns of the design
    std::vector<int> group_of;     ///< factor (group) index of each input, 0 .. factors - 1
    int factors = 0;               ///< G, number of factors (groups); G == k when there are no groups
    bool second_order = false;

    /// Number of blocks: 2 + G, or 2 + 2G with second order.
    int blocks() const { return 2 + factors * (second_order ? 2 : 1); }
    /// Number of model evaluations: n * blocks().
    std::int64_t rows() const { return n * blocks(); }
    /// First row of block A, B, AB_g, BA_g.
    std::int64_t row_a() const { return 0; }
    std::int64_t row_b() const { return n; }
    std::int64_t row_ab(int g) const { return (2 + static_cast<std::int64_t>(g)) * n; }
    std::int64_t row_ba(int g) const { return (2 + static_cast<std::int64_t>(factors) + g) * n; }
};

/// Validate and build a layout. `group_of` empty means one factor per input; otherwise it has k entries, every value
/// in 0 .. G-1 used at least once. n must be a power of 2 (>= 2), k >= 1, 2k <= sobol_max_dimensions().
SaltelliLayout saltelli_layout(std::int64_t n, int inputs, const std::vector<int>& group_of = {},
                               bool second_order = false);

/// The design in the unit hypercube (layout.rows() x k): A and B are the two halves of a 2k-dimensional scrambled
/// Sobol sequence; AB_g is A with the columns of factor g taken from B (BA_g: B with them from A).
Eigen::MatrixXd saltelli_design(const SaltelliLayout& layout, std::uint64_t seed);

/// Options of the Sobol estimators.
struct SobolOptions {
    int n_bootstrap = 1000;        ///< bootstrap replicates for the intervals (0: no intervals)
    double conf_level = 0.95;      ///< two-sided level of the intervals
    std::uint64_t seed = 0;        ///< seed of the bootstrap resampling
    int threads = 0;               ///< worker threads for the bootstrap (0: hardware); never changes the result
};

/// Sobol indices of each factor. *_conf are half-widths of the bootstrap interval: z_{(1+level)/2} x bootstrap sd.
struct SobolIndices {
    std::int64_t n = 0;            ///< base sample size used
    double variance = 0.0;         ///< output variance estimate (pooled over A and B)
    Eigen::VectorXd S1, ST, S1_conf, ST_conf;
    Eigen::MatrixXd S2, S2_conf;   ///< G x G, upper triangle filled (NaN elsewhere); empty without second order
};

/// Indices from the outputs at the design (layout.rows() values, block-major), using the first `n_used` rows of each
/// block (0: all). First order: Saltelli et al. 2010 (Table 2 b); total: Jansen 1999 (Table 2 f); second order:
/// Saltelli 2002 (eq. 12). Throws SensitivityError on a wrong length, non-finite outputs or a constant output.
SobolIndices sobol_indices(const Eigen::Ref<const Eigen::VectorXd>& outputs, const SaltelliLayout& layout,
                           const SobolOptions& options = {}, std::int64_t n_used = 0);

/// Indices against sample size: n/8, n/4, n/2, n (sizes below 4 are skipped), each from the same design prefix.
std::vector<SobolIndices> sobol_convergence(const Eigen::Ref<const Eigen::VectorXd>& outputs,
                                            const SaltelliLayout& layout, const SobolOptions& options = {});

// ---------------------------------------------------------------------------------------------------------------
// Morris elementary effects
// ---------------------------------------------------------------------------------------------------------------

/// Morris (1991) trajectories on a p-level grid of the unit hypercube, Delta = p / (2 (p - 1)): `trajectories` blocks
/// of k + 1 rows; consecutive rows of a block differ in exactly one input by +-Delta. p must be even and >= 2.
Eigen::MatrixXd morris_design(int inputs, int trajectories, int levels, std::uint64_t seed);

/// Elementary effects and their summaries per input.
struct MorrisResult {
    Eigen::MatrixXd effects;       ///< trajectories x k, EE in output units per unit of the scaled input
    Eigen::VectorXd mu, mu_star, sigma;  ///< mean, mean of |EE| (Campolongo et al. 2007), sd (n - 1 divisor)
};

/// Elementary effects from any one-at-a-time design (blocks of k + 1 rows, one input changing per step) and its
/// outputs. Throws SensitivityError if the shapes disagree, a step changes not exactly one input, or an output is NaN.
MorrisResult morris_effects(const Eigen::Ref<const Eigen::MatrixXd>& design,
                            const Eigen::Ref<const Eigen::VectorXd>& outputs, int trajectories);

// ---------------------------------------------------------------------------------------------------------------
// One-way tornado
// ---------------------------------------------------------------------------------------------------------------

/// Rows: central case, then for each input i the central case with input i at low[i] (row 1 + 2i) and at high[i]
/// (row 2 + 2i). Throws SensitivityError if the vectors differ in length or are empty.
Eigen::MatrixXd tornado_design(const Eigen::Ref<const Eigen::VectorXd>& central,
                               const Eigen::Ref<const Eigen::VectorXd>& low,
                               const Eigen::Ref<const Eigen::VectorXd>& high);

/// Output at the low and high value of each input and the swing |high - low|, inputs ordered by decreasing swing.
struct TornadoResult {
    double base = 0.0;
    Eigen::VectorXd output_low, output_high, swing;  ///< per input, in input order
    std::vector<int> order;                          ///< input indices by decreasing swing (stable on ties)
};

/// Swings from the outputs at tornado_design (2k + 1 values).
TornadoResult tornado_swings(const Eigen::Ref<const Eigen::VectorXd>& outputs);

}  // namespace socval::sensitivity
