#pragma once
/// The Monte Carlo engine: sample the scenario's uncertain parameters on keyed random streams (with the Gaussian
/// copula for declared correlations), evaluate blocks of draws with the same Evaluator as the deterministic
/// appraisal, keep the headline metrics of every draw and streaming per-year summaries. Method, block-order merge
/// and the thread-invariance argument: docs/model/simulation.md.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <socval/engine/plan.hpp>
#include <socval/model.hpp>
#include <socval/sampling.hpp>

namespace socval::engine {

/// How a simulation runs. Results depend on draws, seed, sampler, block_size, quantiles and histogram_bins,
/// never on threads.
struct SimulationOptions {
    std::uint64_t draws = 10000;                        ///< number of Monte Carlo draws, >= 1
    std::uint64_t seed = 0;                             ///< master seed of the keyed streams
    Sampler sampler = Sampler::latin_hypercube;         ///< plain Monte Carlo or Latin hypercube
    int threads = 0;                                    ///< worker threads; 0 = hardware concurrency
    int block_size = 256;                               ///< draws per block; part of the result's definition
    bool keep_outcomes = true;   ///< keep per-draw physical totals and PV of every outcome
    bool keep_full = false;      ///< keep the draws x years x outcomes tensors of levels and values
    bool keep_inputs = false;    ///< keep the sampled parameter values (parameters x draws)
    bool track_levers = true;    ///< per-draw value and cost by lever (one adjoint pass)
    /// Keep value by beneficiary and cost by lever draw by draw; otherwise (to save 6 x 8 bytes per draw) they
    /// have streaming summaries only. Unset: kept while draws <= kBreakdownDraws.
    std::optional<bool> keep_breakdowns;
    bool year_values = false;    ///< per-year summaries of each outcome's value too (levels always)
    /// Per-year summaries of value by place and by income quintile when the scenario declares places / people
    /// (streaming: memory does not grow with draws).
    bool year_breakdowns = true;
    /// Keep per draw the metrics that are exact functions of others: NPSV = PV benefits - PV costs, BCR, SROI and
    /// value by pillar (the sum of its priorities' values, in priority order). Off, they are left empty and the
    /// caller recomputes them with the same floating-point operations (socval.Results does), saving 7 arrays.
    bool keep_derived = true;
    /// Keep the per-draw arrays. Off (streaming mode), nothing grows with the number of draws: the headline PVs
    /// and NPSV get streaming summaries (headline_summary) instead; keep_outcomes, keep_full, keep_inputs and
    /// keep_breakdowns must then be off.
    bool keep_draws = true;
    std::vector<double> quantiles = {0.05, 0.25, 0.5, 0.75, 0.95};  ///< per-year quantile levels, in [0, 1]
    int histogram_bins = 512;    ///< bins of each per-year quantile histogram (>= 16)
    /// Streaming quantiles use the first this many draws (0 = all draws); moments always use every draw.
    std::uint64_t quantile_draws = 100000;
    /// Called from the calling thread about every `report_interval` seconds with (draws done, draws total),
    /// and once at the end. May throw: the run stops and the exception propagates.
    std::function<void(std::uint64_t, std::uint64_t)> progress;
    /// Polled from the calling thread about every 50 ms; returning true stops the run (throws Interrupted).
    std::function<bool()> cancelled;
    double report_interval = 0.1;  ///< seconds between progress calls
    /// Given values (docs/model/simulation.md, "Given values"): the parameters named here take, in every draw, the
    /// value given for that draw instead of their sampled one; the others are sampled as usual from their keyed
    /// streams. given_values[k * draws + draw] is the value of given_ids[k]. Each value must be finite and inside
    /// its parameter's support (SamplingError naming the parameter and the draw otherwise).
    std::vector<std::string> given_ids;
    std::vector<double> given_values;
};

/// Series of SimulationResult::headline_summary without keep_draws.
inline const std::vector<std::string> kHeadlineStreamed = {"pv_costs", "pv_investment", "pv_benefits", "pv_others",
                                                           "npsv"};

/// Draws up to which value by beneficiary and cost by lever are kept draw by draw unless said otherwise.
constexpr std::uint64_t kBreakdownDraws = 250000;

/// Streaming per-year summaries of a set of series (e.g. one per outcome): arrays indexed [series][year] and,
/// for quantiles, [series][year][level]. Moments are over every draw; quantiles from fixed-bin histograms.
struct YearSummary {
    int series = 0;
    int years = 0;
    std::vector<double> mean, sd, min, max;  ///< [series * years + year]; sd with divisor n - 1
    std::vector<double> quantiles;           ///< [(series * years + year) * n_levels + level]
};

/// Streaming summary of per-draw values not kept draw by draw (outcome totals and PV without keep_outcomes).
struct DrawSummary {
    std::vector<double> mean, sd, min, max, p_positive;  ///< [series]
    std::vector<double> quantiles;                       ///< [series * n_levels + level]
};

/// What a simulation returns. Per-draw arrays have `draws` values, in draw order.
struct SimulationResult {
    std::uint64_t draws = 0;
    std::uint64_t seed = 0;
    Sampler sampler = Sampler::latin_hypercube;
    int block_size = 0;
    int threads = 0;  ///< worker threads used (information only)

    std::vector<std::string> parameter_ids;
    std::vector<std::string> priority_ids;      ///< the priorities, then "unallocated"
    std::vector<std::string> priority_pillars;  ///< pillar of each, "unallocated" last
    std::vector<std::string> outcome_ids;
    std::vector<std::string> outcome_units;
    std::vector<int> years;                     ///< calendar years of the horizon
    std::vector<double> quantile_levels;        ///< levels of every `quantiles` array
    std::uint64_t quantile_draws = 0;           ///< draws the streaming quantiles were estimated from

    // Per draw (npsv, bcr, sroi and pillar_value empty without keep_derived).
    std::vector<double> pv_costs, pv_investment, pv_benefits, npsv, bcr, sroi;
    std::vector<double> pv_others;  ///< PV of costs to others (part of pv_costs), per draw
    std::vector<std::vector<double>> priority_value;     ///< [priority (+ unallocated)][draw]
    std::vector<std::vector<double>> pillar_value;  ///< [social, economic, environmental, unallocated][draw]
    std::vector<std::vector<double>> beneficiary_value;  ///< [fiscal, economic, social][draw]; empty if not kept
    std::vector<std::vector<double>> lever_value;  ///< [commissioning, anchor, employer][draw]; empty untracked
    std::vector<std::vector<double>> lever_cost;   ///< PV costs with optimism bias [lever][draw]; empty untracked or not kept
    std::vector<std::vector<double>> outcome_total;      ///< [outcome][draw]; empty without keep_outcomes
    std::vector<std::vector<double>> outcome_pv;         ///< [outcome][draw]; empty without keep_outcomes
    // Place and people (docs/model/distribution.md); empty when the scenario declares no places / no people.
    std::vector<std::string> place_ids;
    std::vector<std::vector<double>> place_value;     ///< PV value by place [place][draw]; adds up to pv_benefits
    std::vector<std::vector<double>> place_spend;     ///< PV spend before optimism bias by place [place][draw]
    std::vector<std::vector<double>> quintile_value;  ///< [q1..q5, unallocated][draw]; adds up to pv_benefits
    std::vector<double> weighted_pv_benefits, weighted_npsv, weighted_bcr;  ///< Annex A3 weights, per draw
    std::vector<std::vector<double>> decile_value;  ///< [d1..d10, unallocated][draw]; with people.imd_decile
    std::vector<double> eta;               ///< elasticity of the marginal utility of income, per draw
    std::vector<double> log_income_ratio;  ///< ln(median / income_q), q1..q5

    // Streaming.
    DrawSummary outcome_total_summary;  ///< always filled (exact moments, histogram quantiles)
    DrawSummary outcome_pv_summary;
    /// When value by beneficiary and cost by lever are not kept draw by draw: their streaming summaries (series:
    /// fiscal, economic, social; commissioning, anchor, employer). Empty otherwise.
    DrawSummary beneficiary_summary;
    DrawSummary lever_cost_summary;
    /// Without keep_draws: streaming summaries of pv_costs, pv_investment, pv_benefits, pv_others and npsv
    /// (kHeadlineStreamed), in that order. Empty otherwise.
    DrawSummary headline_summary;
    YearSummary level;     ///< outcome level by year (physical units), series = outcomes
    YearSummary value;     ///< outcome value by year (GBP, undiscounted), series = outcomes; year_values only
    YearSummary cost;      ///< costs with optimism bias by year, one series
    YearSummary benefits;  ///< benefits by year, one series
    YearSummary net;       ///< benefits - costs by year, one series
    YearSummary place_year;     ///< value by place and year (undiscounted), series = places; year_breakdowns
    YearSummary quintile_year;  ///< value by quintile and year, series = q1..q5, unallocated; year_breakdowns
    YearSummary decile_year;    ///< value by IMD decile and year, series = d1..d10, unallocated; year_breakdowns

    // On request.
    std::vector<double> inputs;      ///< keep_inputs: [parameter * draws + draw]
    std::vector<double> full_level;  ///< keep_full: [(draw * years + year) * outcomes + outcome]
    std::vector<double> full_value;  ///< keep_full: same layout

    std::vector<std::string> warnings;

    /// Where the time went: CPU time of the threads, summed (seconds; for benchmarks, not part of the results).
    struct Timings {
        double sample = 0;     ///< keyed uniforms, copula and quantile functions
        double evaluate = 0;   ///< Evaluator::run
        double store = 0;      ///< copying per-draw metrics (and kept tensors) to the result
        double summarise = 0;  ///< streaming moments, extremes, histograms
        double wall = 0;       ///< the whole simulate() call, wall-clock
    } timings;
};

/// Runs the Monte Carlo simulation of `plan`, compiled from `scenario` (which gives the parameters' ids,
/// distributions and correlations). Throws ScenarioError if the plan's parameters are not the scenario's,
/// SamplingError for bad options or correlations, AppraisalError if a sampled draw is invalid (e.g. a
/// deadweight outside [0, 1]), Interrupted when `cancelled` returns true; nothing is returned half-done.
SimulationResult simulate(const Plan& plan, const model::Scenario& scenario, const SimulationOptions& options);

/// Bytes of the arrays simulate() allocates for the result of `plan` under `options`: the per-draw arrays, by place
/// and by quintile included, and the per-year tables by place and by quintile (streaming: their size does not grow
/// with draws). What the result holds, exactly (tests/python/test_place_year.py); defined in engine/memory.cpp.
std::uint64_t simulation_bytes(const Plan& plan, const SimulationOptions& options);

/// Blocks [first_block, first_block + blocks) of the run `options` defines, computed on their own (in another
/// process or on another machine): the per-draw arrays of their draws and their streaming summaries before the
/// merge. Merged in block order by SimulationMerge, parts give a result bit-identical to simulate() whatever
/// process computed which part (docs/model/engine.md, "Blocks and parts").
struct SimulationPart {
    std::uint64_t first_block = 0, blocks = 0;
    std::uint64_t first_draw = 0;  ///< first_block * block size
    /// The part's draws only: per-draw arrays of values.draws draws (inputs [parameter * values.draws + draw],
    /// full tensors [(draw * years + year) * outcomes + outcome]); names, years and summaries empty.
    SimulationResult values;
    /// The part's streaming summaries: histogram edges (from block 0), each block's moments, order-free counts.
    std::vector<std::uint8_t> summaries;
};

/// Simulates blocks [first_block, first_block + blocks) of the run `options` defines (options.draws is the whole
/// run's). A part that does not start at block 0 evaluates block 0 once more for the histogram edges. Throws
/// SamplingError for a range outside the run; otherwise as simulate().
SimulationPart simulate_part(const Plan& plan, const model::Scenario& scenario, const SimulationOptions& options,
                             std::uint64_t first_block, std::uint64_t blocks);

/// A part as bytes (to send to another process or store) and back; decode_part throws SamplingError on bytes that
/// are not a whole part of this format version.
std::vector<std::uint8_t> encode_part(const SimulationPart& part);
SimulationPart decode_part(const std::uint8_t* data, std::size_t size);

/// Merges parts of one run in block order into its SimulationResult: per-draw arrays copied at their draws,
/// moments merged block by block (the order simulate() uses), counts added. add() refuses (SamplingError) a part
/// of another run or out of order. state()/restore() save and reload the merged summaries and the next block
/// (a checkpoint: the per-draw arrays of the blocks before it are the caller's to keep).
class SimulationMerge {
public:
    SimulationMerge(const Plan& plan, const model::Scenario& scenario, const SimulationOptions& options);
    ~SimulationMerge();
    SimulationMerge(const SimulationMerge&) = delete;
    SimulationMerge& operator=(const SimulationMerge&) = delete;
    void add(const SimulationPart& part);
    std::uint64_t next_block() const;
    std::uint64_t blocks() const;  ///< blocks of the whole run
    int block_size() const;
    std::vector<std::uint8_t> state() const;
    void restore(const std::uint8_t* data, std::size_t size);
    /// The merged result (every block added); per-draw arrays of blocks restored from a state are zero.
    SimulationResult finish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Fills params[p * stride + i], i < n, with draws [d0, d0 + n) of every parameter: keyed uniforms (Monte Carlo
/// or Latin hypercube over `n_total` draws), correlated by `copulas` (one per declared correlation), then
/// each parameter's quantile function. Shared by simulate() and by tests of the sampled inputs.
class ParameterSampler {
public:
    /// Validates the correlations (SamplingError: a parameter in two correlations, bad matrix, bad index).
    ParameterSampler(const model::Scenario& scenario, std::uint64_t seed, Sampler sampler, std::uint64_t n_total);
    /// Draws [d0, d0 + n) into params (n_params rows of `stride`). A quantile that cannot be computed is a
    /// SamplingError naming the parameter, the draw and the seed (never a Boost.Math exception).
    void sample(std::uint64_t d0, std::size_t n, double* params, std::size_t stride) const;
    int n_params() const { return static_cast<int>(keys_.size()); }

private:
    std::vector<Distribution> distributions_;
    std::vector<StreamKey> keys_;
    std::vector<std::string> ids_;      ///< parameter ids, for messages
    std::vector<Location> where_;       ///< where each parameter is written
    std::uint64_t seed_;
    std::vector<GaussianCopula> copulas_;
    std::vector<std::vector<int>> copula_params_;  ///< parameter rows of each copula, in matrix order
    std::vector<char> correlated_;                 ///< per parameter: 1 if a copula uses it
    Sampler sampler_;
    std::uint64_t n_total_;
};

}  // namespace socval::engine
