#pragma once
/// The evaluation engine: compile a scenario into a flat plan (engine/plan.hpp), evaluate blocks of draws with
/// one code path for deterministic and Monte Carlo evaluation (engine/evaluator.hpp), and the deterministic
/// appraisal with attribution along the graph (engine/result.hpp). Formulas: docs/model/engine.md.
#include <socval/engine/evaluator.hpp>
#include <socval/engine/plan.hpp>
#include <socval/engine/result.hpp>
