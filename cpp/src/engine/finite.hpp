#pragma once
/// Finite or refused: every number the engine produces is finite, or the run stops with a ScenarioError naming the
/// outcome (and the links into it), option costs or parameter where the first draw became non-finite, with the
/// draw and how to reproduce it (docs/model/engine.md, "Finite or refused").
#include <cstdint>
#include <string>

#include <socval/engine/evaluator.hpp>
#include <socval/engine/plan.hpp>

namespace socval::engine {

/// The first lane in [0, n) where an evaluated headline (PV costs, PV benefits, an outcome's total or PV) is not
/// finite, or -1 when all are finite. Branch-free over the lanes (x * 0 is NaN exactly when x is not finite).
int first_non_finite(const Plan& plan, const Evaluator& ev, int n);

/// Throw the ScenarioError for lane `lane` of `ev` (draw `draw` of the run, `params` its parameter block with
/// `stride`); `reproduce` says how to rerun it (e.g. "seed 7, sampler lhs").
[[noreturn]] void refuse_non_finite(const Plan& plan, const Evaluator& ev, const double* params, std::size_t stride,
                                    int lane, const std::string& draw, const std::string& reproduce);

}  // namespace socval::engine
