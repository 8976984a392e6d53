#pragma once
/// socval::Distribution: the probability distribution of one uncertain parameter, as a small value type.
#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "socval/errors.hpp"

namespace socval {

/// The families a scenario parameter may follow (issue 3's list).
enum class DistributionKind {
    fixed,             ///< a known number
    uniform,           ///< uniform(min, max)
    triangular,        ///< triangular(min, mode, max)
    pert,              ///< PERT(min, mode, max, lambda = 4): a scaled beta
    normal,            ///< normal(mean, sd)
    truncated_normal,  ///< normal(mean, sd) truncated to [min, max]
    lognormal,         ///< lognormal by (median, high percentile) or by (mean, sd) of the variable itself
    beta,              ///< beta(alpha, beta) scaled to [min, max] (default [0, 1])
    discrete,          ///< values with probabilities
};

/// "fixed", "uniform", "triangular", "pert", "normal", "truncated_normal", "lognormal", "beta", "discrete".
const char* kind_name(DistributionKind kind);

/// One named user-facing parameter of a distribution, e.g. {"mode", 2.0}.
struct DistributionParam {
    std::string name;
    double value;
};

namespace detail {
struct QuantileTable;  // tabulated quantile of a beta (PERT fast path), shared between copies
struct DiscreteTable;  // sorted values and cumulative probabilities, shared between copies
}  // namespace detail

/// A validated probability distribution. Cheap to copy (a few doubles plus, for PERT / beta / discrete, a shared
/// pointer to immutable precomputed tables). Every factory validates its arguments and throws SamplingError
/// naming the parameter, what was expected and what was found.
///
/// central() is the value used by deterministic evaluation: the MEAN of the distribution for every family
/// (fixed -> its value; discrete -> the probability-weighted mean). Rationale: Green Book appraisal works with
/// expected values, and for a model linear in a parameter the deterministic result then equals the Monte Carlo
/// mean. Note that for a lognormal given by its median the central value is the mean, not the median.
/// A quantile Boost.Math could not compute (a beta or PERT shape so extreme that its density overflows): the
/// SamplingError of Distribution::quantile_block, with the position in the block and the uniform, so that the
/// caller can name the parameter, the draw and the seed.
class QuantileError : public SamplingError {
public:
    QuantileError(const std::string& what, std::size_t index_, double u_) : SamplingError(what), index(index_), u(u_) {}
    std::size_t index;  ///< position in the block
    double u;           ///< the uniform whose quantile failed
};

class Distribution {
public:
    /// A fixed value (no uncertainty). Any finite value.
    static Distribution fixed(double value);
    /// Uniform on [min, max]; requires min < max.
    static Distribution uniform(double min, double max);
    /// Triangular; requires min <= mode <= max and min < max.
    static Distribution triangular(double min, double mode, double max);
    /// PERT (beta-PERT, Vose 2008): alpha = 1 + lambda (mode - min) / (max - min), beta = 1 + lambda (max - mode) /
    /// (max - min), scaled to [min, max]; mean (min + lambda mode + max) / (lambda + 2). Requires min <= mode <= max,
    /// min < max, lambda > 0.
    static Distribution pert(double min, double mode, double max, double lambda = 4.0);
    /// Normal; requires sd > 0.
    static Distribution normal(double mean, double sd);
    /// Normal(mean, sd) truncated to [min, max]; requires sd > 0, min < max, and P(min < X < max) > 1e-300.
    static Distribution truncated_normal(double mean, double sd, double min, double max);
    /// Lognormal with the given median and the value `high` at probability `high_probability` (e.g. p95):
    /// mu = ln(median), sigma = ln(high / median) / z(high_probability). Requires median > 0, high > median,
    /// 0.5 < high_probability < 1.
    static Distribution lognormal_median(double median, double high, double high_probability = 0.95);
    /// Lognormal with the given mean and sd of the variable itself: sigma^2 = ln(1 + sd^2 / mean^2),
    /// mu = ln(mean) - sigma^2 / 2. Requires mean > 0, sd > 0.
    static Distribution lognormal_mean_sd(double mean, double sd);
    /// Beta(alpha, beta) scaled to [min, max]; requires alpha > 0, beta > 0, min < max.
    static Distribution beta(double alpha, double beta, double min = 0.0, double max = 1.0);
    /// Discrete: values[i] with probability probabilities[i]. Requires equal non-zero lengths, finite values,
    /// probabilities >= 0 summing to 1 within 1e-9 (then renormalised). Values need not be sorted or distinct.
    static Distribution discrete(std::vector<double> values, std::vector<double> probabilities);

    /// Build from a family name and named numbers, as written in a scenario file. Accepted keys:
    /// fixed{value}, uniform{min,max}, triangular{min,mode,max}, pert{min,mode,max[,lambda]},
    /// normal{mean,sd}, truncated_normal{mean,sd,min,max}, lognormal{median, pNN} (NN in 51..99, e.g. p95) or
    /// lognormal{median, high, high_probability} or lognormal{mean,sd}, beta{alpha,beta[,min,max]};
    /// discrete takes `values` and `probabilities` instead of numbers. Unknown or missing keys throw
    /// SamplingError naming them.
    static Distribution from_parameters(const std::string& kind, const std::map<std::string, double>& numbers,
                                        const std::vector<double>& values = {},
                                        const std::vector<double>& probabilities = {});

    /// A fixed 0 (so that containers of distributions can be default-constructed).
    Distribution();

    /// The family.
    DistributionKind kind() const { return kind_; }
    /// The user-facing parameters in the order of the factory (for discrete: none, see discrete_values()).
    std::vector<DistributionParam> params() const;
    /// Sorted distinct support of a discrete distribution (empty for other families).
    std::vector<double> discrete_values() const;
    /// Probabilities matching discrete_values() (empty for other families).
    std::vector<double> discrete_probabilities() const;
    /// E.g. "triangular(min=1, mode=2, max=4)"; numbers printed with up to 10 significant digits.
    std::string describe() const;
    /// True for `fixed` (the engine draws no uniforms for it).
    bool is_fixed() const { return kind_ == DistributionKind::fixed; }

    /// Inverse CDF at u in (0, 1): the sampling path. Discrete: the smallest value whose CDF >= u.
    double quantile(double u) const;
    /// quantile() on a block: x[i] = quantile(u[i]) for i < n; x may alias u. Throws QuantileError (never a
    /// Boost.Math exception) where a quantile cannot be computed.
    void quantile_block(const double* u, double* x, std::size_t n) const;
    /// P(X <= x).
    double cdf(double x) const;
    /// Expected value.
    double mean() const;
    /// Standard deviation.
    double sd() const;
    /// The value used by deterministic evaluation: mean() (see the class note).
    double central() const { return mean(); }
    /// Smallest and largest possible values (may be -inf / +inf).
    double support_min() const;
    double support_max() const;

private:
    DistributionKind kind_ = DistributionKind::fixed;
    /// User parameters, by family: fixed{v}, uniform{a,b}, triangular{a,m,b}, pert{a,m,b,lambda},
    /// normal{mu,sd}, truncated_normal{mu,sd,a,b}, lognormal{input1,input2,input3,mode_flag},
    /// beta{alpha,beta,a,b}.
    std::array<double, 4> p_{};
    /// Derived constants for the fast quantile (e.g. lognormal mu, sigma; truncated normal Phi(a), Phi(b)).
    std::array<double, 4> c_{};
    std::shared_ptr<const detail::QuantileTable> table_;
    std::shared_ptr<const detail::DiscreteTable> discrete_;
};

/// Fast inverse of the standard normal CDF: Wichura (1988) algorithm AS241 (PPND16), relative error ~1e-16.
double normal_quantile(double p);
/// Standard normal CDF, 0.5 erfc(-x / sqrt 2).
double normal_cdf(double x);

}  // namespace socval
