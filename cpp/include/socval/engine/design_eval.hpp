#pragma once
/// Native evaluation of sensitivity designs over a scenario's uncertain parameters: each design row sets some
/// parameters (by id) either from uniforms in (0, 1), mapped through the parameter's quantile function, or from
/// values; the others stay at their central values. Rows are evaluated by the Evaluator in blocks on worker
/// threads; every row's result depends only on that row, never on the thread count. Also the sampled parameter
/// matrix of a Monte Carlo run, for value-of-information regressions. Method: docs/model/scenario_sensitivity.md.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <socval/engine/plan.hpp>
#include <socval/model.hpp>
#include <socval/sampling.hpp>

namespace socval::engine {

/// The per-row output a design evaluation keeps.
struct DesignOutput {
    enum class Kind { npsv, bcr, pv_benefits, pv_costs, priority, pillar };
    Kind kind = Kind::npsv;
    int index = 0;  ///< priority index (number of priorities = unallocated) or pillar index (3 = unallocated)
};

/// Parses "npsv", "bcr", "pv_benefits", "pv_costs", "priority:<id>" (or "priority:unallocated") and
/// "pillar:<social|economic|environmental|unallocated>" against the plan. Throws SensitivityError naming the
/// accepted outputs otherwise.
DesignOutput parse_design_output(const Plan& plan, const std::string& output);

/// What the design's columns hold.
enum class DesignInput {
    uniforms,  ///< probabilities in (0, 1), mapped through Distribution::quantile
    values,    ///< the parameter values themselves (e.g. a tornado's p10 / p90)
};

/// Evaluates a design: `design` is row-major n x columns.size(); column j sets the parameter whose id is
/// columns[j]. Parameters of the plan not among the columns stay at their central values; column ids the plan
/// does not have are ignored (so two scenarios can share one design). Returns the output of each row, in row
/// order. threads <= 0: hardware concurrency. Throws SensitivityError (plan not compiled from this scenario,
/// duplicate column ids, a uniform outside (0, 1), a non-finite value, unknown output) or the Evaluator's
/// AppraisalError for an invalid row.
std::vector<double> evaluate_design(const Plan& plan, const model::Scenario& scenario,
                                    const std::vector<std::string>& columns, const double* design, std::size_t n,
                                    DesignInput input, const std::string& output, int threads = 0);

/// output(A) - output(B) of each row, both scenarios evaluated on the same design with parameters matched by id
/// (a column in only one scenario moves that scenario only). Throws SensitivityError also when a column id is in
/// neither scenario.
std::vector<double> evaluate_design_difference(const Plan& plan_a, const model::Scenario& scenario_a,
                                               const Plan& plan_b, const model::Scenario& scenario_b,
                                               const std::vector<std::string>& columns, const double* design,
                                               std::size_t n, DesignInput input, const std::string& output,
                                               int threads = 0);

/// The parameter values that simulate() samples for draws 0..draws-1 with this seed and sampler (the same
/// ParameterSampler: keyed streams, Latin hypercube over `draws`, Gaussian copula): [param * draws + draw], in
/// Scenario::parameters order. Throws SamplingError for bad correlations, SensitivityError if draws < 1.
std::vector<double> sampled_parameters(const model::Scenario& scenario, std::uint64_t seed, Sampler sampler,
                                       std::uint64_t draws);

}  // namespace socval::engine
