#pragma once
/// Native evaluation of sensitivity designs over a scenario's uncertain parameters: each design row sets some
/// parameters (by id) either from uniforms in (0, 1), mapped through the parameter's quantile function, or from
/// values; the others stay at their central values. Rows are evaluated by the Evaluator in blocks on worker
/// threads; every row's result depends only on that row, never on the thread count. Method: docs/model/scenario_sensitivity.md.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <socval/engine/evaluator.hpp>
#include <socval/engine/plan.hpp>
#include <socval/model.hpp>
#include <socval/values.hpp>

namespace socval::analysis {

using engine::Plan;

/// The per-row output a design evaluation keeps.
struct DesignOutput {
    enum class Kind { npsv, bcr, pv_benefits, pv_costs, priority, pillar, weighted_npsv, weighted_bcr };
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

/// A scenario compiled once for design evaluation: its plan and the engine's program, immutable and shared by
/// every thread and every call (a switching value evaluates the same scenario at many points).
struct DesignModel {
    /// Compiles the scenario against the library. Throws what engine::compile throws.
    DesignModel(const model::Scenario& scenario, const values::Library& library);
    DesignModel(const DesignModel&) = delete;
    DesignModel& operator=(const DesignModel&) = delete;
    const model::Scenario scenario;
    const std::shared_ptr<const Plan> plan;
    const std::shared_ptr<const engine::Program> program;

    /// An Evaluator (blocks of `block`) on the shared program for one worker thread: taken from the model's pool of
    /// idle ones, or made; it goes back to the pool when the last copy of the pointer is dropped. Allocating an
    /// Evaluator's rows costs more than evaluating a few rows, so calls with small designs (a switching-value
    /// step) reuse them. Thread-safe. Results do not depend on which Evaluator a block gets (run() recomputes
    /// every row it reads).
    std::shared_ptr<engine::Evaluator> evaluator(int block) const;

private:
    mutable std::mutex pool_mutex_;
    mutable std::vector<std::unique_ptr<engine::Evaluator>> pool_;  ///< idle Evaluators
};

/// Evaluates a design: `design` is row-major n x columns.size(); column j sets the parameter whose id is
/// columns[j]. Parameters of the plan not among the columns stay at their central values; column ids the plan
/// does not have are ignored (so two scenarios can share one design). Returns the output of each row, in row
/// order. threads <= 0: hardware concurrency. Throws SensitivityError (duplicate column ids, a uniform outside
/// (0, 1), a non-finite value, unknown output) or the Evaluator's AppraisalError for an invalid row (the lowest
/// such row's block, whatever the thread count).
std::vector<double> evaluate_design(const DesignModel& model, const std::vector<std::string>& columns,
                                    const double* design, std::size_t n, DesignInput input, const std::string& output,
                                    int threads = 0);

/// output(A) - output(B) of each row, both scenarios evaluated on the same design with parameters matched by id
/// (a column in only one scenario moves that scenario only). Throws SensitivityError also when a column id is in
/// neither scenario.
std::vector<double> evaluate_design_difference(const DesignModel& a, const DesignModel& b,
                                               const std::vector<std::string>& columns, const double* design,
                                               std::size_t n, DesignInput input, const std::string& output,
                                               int threads = 0);

/// Evaluates a Saltelli (pick-freeze) design without forming it (it has n (G + 2) rows, or n (2G + 2) with
/// second order, of k columns: far larger than its two base matrices). `a` and `b` are row-major n x k uniforms in
/// (0, 1) (the two halves of the scrambled Sobol points, as sensitivity::saltelli_design); group_of[j] is the factor
/// of column j (0 .. G-1). Row r of block-major layout (A, B, AB_0 .. AB_{G-1}, then BA_0 .. BA_{G-1}) gets the
/// values sensitivity::saltelli_design would give it, so the outputs equal evaluate_design's on the formed design.
/// Each base point goes through its parameter's quantile function once, not once per block. With `other`, the
/// result is output(model) - output(other), as evaluate_design_difference. Throws as evaluate_design, and
/// SensitivityError when the shapes or groups disagree.
std::vector<double> evaluate_saltelli(const DesignModel& model, const DesignModel* other,
                                      const std::vector<std::string>& columns, const double* a, const double* b,
                                      std::size_t n, const std::vector<int>& group_of, bool second_order,
                                      const std::string& output, int threads = 0);

}  // namespace socval::analysis
