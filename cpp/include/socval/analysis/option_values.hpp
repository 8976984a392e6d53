#pragma once
/// Per-option values on common random numbers, the input of portfolio choice (docs/model/portfolio.md). Every
/// candidate option of a scenario's pool is funded together (a funded option at its scenario scale and start, an
/// unfunded one at scale 1 from appraisal year 0), the draws are sampled on the same keyed streams as
/// engine::simulate() (same seed, sampler and number of draws give the same parameter values, so the option values
/// share common random numbers with every simulation of the scenario), and the Evaluator's option tracking
/// attributes each draw's PV value and PV cost to the funded options.
///
/// Additivity: the value of a portfolio is taken as the sum of its options' attributed values. This is exact when
/// no saturating link couples options (the model is then linear in each option's inputs and the attribution is
/// the option's own contribution). A saturating link shares its output in proportion to each option's share of
/// its input, so the pool's attributed values add up to the pool's total but a subset's sum understates the
/// subset's own value (less competition for the cap): the portfolio value is then approximate.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <socval/engine/plan.hpp>
#include <socval/model.hpp>
#include <socval/sampling.hpp>
#include <socval/values.hpp>

namespace socval::analysis {

/// How option values are simulated. Results depend on draws, seed and sampler, never on threads or block_size.
struct OptionValuesOptions {
    std::uint64_t draws = 2000;                   ///< Monte Carlo draws, >= 1
    std::uint64_t seed = 0;                       ///< master seed of the keyed streams (as simulate())
    Sampler sampler = Sampler::latin_hypercube;   ///< as simulate()
    int threads = 0;                              ///< worker threads; 0 = hardware concurrency
    int block_size = 256;                         ///< draws per block (work unit only)
    std::vector<std::string> candidates;          ///< option ids of the pool; empty = every option
    /// Only draws [first_draw, first_draw + count) of the run of `draws` draws (0 = to the end), e.g. one task of
    /// a run on a cluster: each draw is sampled on its keyed streams and evaluated on its own, so the parts
    /// joined in draw order are the whole run's values, bit for bit.
    std::uint64_t first_draw = 0;
    std::uint64_t count = 0;
    /// Polled by the calling thread every 50 ms while the blocks run; returning true stops the run (Interrupted).
    std::function<bool()> cancelled;
};

/// Per-draw, per-option PV values and costs. Arrays [.. * draws + draw] * n_options + option, i.e. each table is
/// (draws x options) in row-major order, stacked by pillar / lever / priority where it says so.
struct OptionValues {
    std::uint64_t draws = 0;                   ///< draws held (count when a range was asked for)
    std::uint64_t seed = 0;
    Sampler sampler = Sampler::latin_hypercube;
    std::vector<std::string> option_ids;       ///< the candidates, in Scenario::options order
    std::vector<std::string> option_levers;    ///< lever of each candidate
    std::vector<char> funded;                  ///< 1 when the scenario funds the candidate
    std::vector<double> scale;                 ///< scale used (the scenario's, or 1)
    std::vector<int> start;                    ///< start used (the scenario's, or 0)
    std::vector<std::string> priority_ids;     ///< the priorities, then "unallocated"
    std::vector<std::string> priority_pillars; ///< pillar of each, "unallocated" last
    std::vector<double> value;                 ///< PV value [draw * I + i]
    std::vector<double> cost;                  ///< PV cost with optimism bias and costs to others [draw * I + i]
    std::vector<double> others;                ///< PV of its costs to others [draw * I + i] (part of cost)
    std::vector<double> pillar_value;          ///< [(pillar * draws + draw) * I + i]; social, economic, environmental, unallocated
    std::vector<double> lever_value;           ///< [(lever * draws + draw) * I + i]; commissioning, anchor, employer
    std::vector<double> priority_value;        ///< [(k * draws + draw) * I + i]; priorities then unallocated
    /// With people: PV value with Green Book Annex A3 weights [draw * I + i] (each attributed outcome PV times the
    /// outcome's weight, docs/model/distribution.md); empty otherwise.
    std::vector<double> weighted_value;
};

/// The scenario with exactly the candidates funded (funded ones keep scale and start; others scale 1, start 0).
/// Throws ScenarioError for an unknown or repeated candidate id, or a scenario without options.
model::Scenario candidate_pool(const model::Scenario& scenario, const std::vector<std::string>& candidates);

/// Simulates the candidate pool (see candidate_pool) with option tracking. Throws ScenarioError (candidates),
/// SamplingError (draws, threads, block_size, correlations), AppraisalError (an invalid sampled draw), Interrupted
/// when `cancelled` returns true; nothing is returned half-done.
OptionValues option_values(const model::Scenario& scenario, const values::Library& library,
                           const OptionValuesOptions& options);

}  // namespace socval::analysis
