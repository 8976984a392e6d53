#pragma once
/// SMAA-2 (Lahdelma & Salminen 2001): rank acceptability, central weights and confidence factors of alternatives
/// whose criterion measurements are uncertain and whose weights are unknown or partly known.
#include <cstdint>

#include "socval/decision/weights.hpp"

namespace socval::decision {

/// Criterion measurements: draws x alternatives x criteria, C order (index (d * alternatives + a) * criteria + j).
struct Performance {
    const double* data = nullptr;
    int draws = 0;
    int alternatives = 0;
    int criteria = 0;

    double operator()(int d, int a, int j) const {
        return data[(static_cast<std::int64_t>(d) * alternatives + a) * criteria + j];
    }
};

/// Settings of one SMAA-2 run.
struct SmaaOptions {
    std::int64_t n_weights = 10000;   ///< Monte Carlo iterations; iteration k uses weight sample k and draw k % draws
    std::uint64_t seed = 0;
    int threads = 0;                  ///< 0: all hardware threads; results do not depend on it
    WeightConstraints constraints;
    double min_acceptance = 1e-3;     ///< smallest acceptance rate of rejection sampling before we refuse
};

/// What SMAA-2 returns. Central weights and confidence are NaN for an alternative that never ranks first.
struct SmaaResult {
    RowMatrix rank_acceptability;     ///< alternatives x ranks: b_i^r, rows and columns sum to 1
    RowMatrix central_weights;        ///< alternatives x criteria: w_i^c
    Eigen::VectorXd confidence;       ///< alternatives: p_i^c
    double acceptance_rate = 1.0;     ///< share of uniform weight proposals accepted by the constraints
};

/// Runs SMAA-2 with weights uniform on the (constrained) simplex; reproducible from the seed, whatever `threads`.
SmaaResult smaa(const Performance& performance, const SmaaOptions& options);

}  // namespace socval::decision
