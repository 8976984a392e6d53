/// The parameters a simulation samples, as one matrix (see sampled_parameters.hpp).
#include <socval/analysis/sampled_parameters.hpp>
#include <socval/engine/simulation.hpp>
#include <socval/errors.hpp>

namespace socval::analysis {

using engine::ParameterSampler;

std::vector<double> sampled_parameters(const model::Scenario& scenario, std::uint64_t seed, Sampler sampler,
                                       std::uint64_t draws) {
    if (draws < 1) throw SensitivityError("sampled_parameters: draws: expected >= 1, found 0");
    const ParameterSampler ps(scenario, seed, sampler, draws);
    const std::size_t P = static_cast<std::size_t>(ps.n_params());
    std::vector<double> out(P * draws);
    if (P > 0) ps.sample(0, static_cast<std::size_t>(draws), out.data(), static_cast<std::size_t>(draws));
    return out;
}

}  // namespace socval::analysis
