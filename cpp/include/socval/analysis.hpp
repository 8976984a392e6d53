#pragma once
/// Scenario-level analyses driven by the engine (socval._core.analysis): sensitivity designs evaluated natively,
/// the parameters a simulation samples, and per-option values for portfolio choice.
#include <socval/analysis/design_eval.hpp>
#include <socval/analysis/option_values.hpp>
#include <socval/analysis/sampled_parameters.hpp>
