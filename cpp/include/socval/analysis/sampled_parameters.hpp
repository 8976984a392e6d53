#pragma once
/// The sampled parameter matrix of a Monte Carlo run, for value-of-information regressions and switching values
/// on common random numbers: the engine's ParameterSampler (engine/simulation.hpp) run over every draw at once.
#include <cstdint>
#include <vector>

#include <socval/model.hpp>
#include <socval/sampling.hpp>

namespace socval::analysis {

/// The parameter values that simulate() samples for draws 0..draws-1 with this seed and sampler (the same
/// ParameterSampler: keyed streams, Latin hypercube over `draws`, Gaussian copula): [param * draws + draw], in
/// Scenario::parameters order. Throws SamplingError for bad correlations, SensitivityError if draws < 1.
std::vector<double> sampled_parameters(const model::Scenario& scenario, std::uint64_t seed, Sampler sampler,
                                       std::uint64_t draws);

}  // namespace socval::analysis
