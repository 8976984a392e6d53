/// Sampled parameter blocks for the simulation: keyed uniforms (Monte Carlo or Latin hypercube), the Gaussian
/// copula of each declared correlation, then each parameter's quantile function (docs/model/simulation.md).
#include <string>
#include <vector>

#include <Eigen/Dense>

#include <socval/engine/simulation.hpp>
#include <socval/errors.hpp>

namespace socval::engine {

ParameterSampler::ParameterSampler(const model::Scenario& scenario, std::uint64_t seed, Sampler sampler,
                                   std::uint64_t n_total)
    : seed_(seed), sampler_(sampler), n_total_(n_total) {
    if (n_total == 0) throw SamplingError("simulation: draws: expected a whole number >= 1, found 0");
    const auto P = scenario.parameters.size();
    for (const auto& p : scenario.parameters) {
        distributions_.push_back(p.distribution);
        keys_.push_back(StreamKey::of(seed, p.id));
        ids_.push_back(p.id);
        where_.push_back(p.where);
    }
    std::vector<int> owner(P, -1);
    for (std::size_t c = 0; c < scenario.correlations.size(); ++c) {
        const auto& corr = scenario.correlations[c];
        const std::size_t k = corr.params.size();
        if (corr.matrix.size() != k * k)
            throw SamplingError(corr.where, "correlation: expected a " + std::to_string(k) + " x " +
                                                std::to_string(k) + " matrix for " + std::to_string(k) +
                                                " parameters, found " + std::to_string(corr.matrix.size()) +
                                                " entries");
        std::vector<std::string> names;
        for (int idx : corr.params) {
            if (idx < 0 || static_cast<std::size_t>(idx) >= P)
                throw SamplingError(corr.where, "correlation: expected parameter indices below " +
                                                    std::to_string(P) + ", found " + std::to_string(idx));
            const auto& id = scenario.parameters[static_cast<std::size_t>(idx)].id;
            if (owner[static_cast<std::size_t>(idx)] >= 0 && owner[static_cast<std::size_t>(idx)] != static_cast<int>(c))
                throw SamplingError(corr.where, "correlation: expected each parameter in at most one correlation "
                                                "matrix, found " + id + " in correlations " +
                                                    std::to_string(owner[static_cast<std::size_t>(idx)]) + " and " +
                                                    std::to_string(c) + " (merge them into one matrix)");
            owner[static_cast<std::size_t>(idx)] = static_cast<int>(c);
            names.push_back(id);
        }
        Eigen::MatrixXd m(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
        for (std::size_t i = 0; i < k; ++i)
            for (std::size_t j = 0; j < k; ++j)
                m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = corr.matrix[i * k + j];
        try {
            copulas_.emplace_back(names, m);
        } catch (const SamplingError& e) {
            throw SamplingError(corr.where, e.what());
        }
        copula_params_.push_back(corr.params);
    }
    correlated_.assign(P, 0);
    for (std::size_t p = 0; p < P; ++p) correlated_[p] = owner[p] >= 0;
}

void ParameterSampler::sample(std::uint64_t d0, std::size_t n, double* params, std::size_t stride) const {
    const std::size_t P = keys_.size();
    // 1. Independent keyed uniforms (every parameter of a copula needs one, fixed or not).
    for (std::size_t p = 0; p < P; ++p) {
        double* row = params + p * stride;
        if (distributions_[p].is_fixed() && !correlated_[p]) continue;
        uniform_block(keys_[p], d0, n, sampler_, n_total_, row);
    }
    // 2. Rank correlation through each Gaussian copula, on the uniforms.
    std::vector<double*> columns;
    for (std::size_t c = 0; c < copulas_.size(); ++c) {
        columns.clear();
        for (int p : copula_params_[c]) columns.push_back(params + static_cast<std::size_t>(p) * stride);
        copulas_[c].correlate_block(columns.data(), n);
    }
    // 3. Marginals.
    for (std::size_t p = 0; p < P; ++p) {
        double* row = params + p * stride;
        const auto& dist = distributions_[p];
        if (dist.is_fixed()) {
            const double v = dist.mean();
            for (std::size_t i = 0; i < n; ++i) row[i] = v;
        } else {
            try {
                dist.quantile_block(row, row, n);
            } catch (const QuantileError& e) {
                throw SamplingError(where_[p], "parameter '" + ids_[p] + "', draw " + std::to_string(d0 + e.index) +
                                                   ": " + e.what() + "; seed " + std::to_string(seed_) + ", sampler " +
                                                   sampler_name(sampler_) + ", " + std::to_string(n_total_) +
                                                   " draws reproduce it");
            }
        }
    }
}

}  // namespace socval::engine
