/// Python bindings of scenario-level analyses (socval._core.analysis): sensitivity designs and option values
/// evaluated natively by the engine. Thin: argument conversion only; the GIL is released around computations.
#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "socval/engine/design_eval.hpp"
#include "socval/engine/plan.hpp"
#include "socval/errors.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace socval::bindings {

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RefDesign = Eigen::Ref<const RowMatrix>;

engine::DesignInput parse_input(const std::string& input) {
    if (input == "uniforms") return engine::DesignInput::uniforms;
    if (input == "values") return engine::DesignInput::values;
    throw SensitivityError("input: expected 'uniforms' or 'values', found '" + input + "'");
}

void check_columns(const RefDesign& design, const std::vector<std::string>& columns) {
    if (static_cast<std::size_t>(design.cols()) != columns.size())
        throw SensitivityError("design: expected one column per parameter id (" + std::to_string(columns.size()) +
                               "), found " + std::to_string(design.cols()) + " columns");
}

Eigen::VectorXd to_vector(const std::vector<double>& v) {
    return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

}  // namespace

void bind_analysis(py::module_& m) {
    m.doc() = "socval core: scenario-level analyses evaluated by the engine";
    using Release = py::call_guard<py::gil_scoped_release>;

    m.def(
        "evaluate_design",
        [](const model::Scenario& scenario, const values::Library& library, const std::vector<std::string>& columns,
           const RefDesign& design, const std::string& input, const std::string& output, int threads) {
            check_columns(design, columns);
            const engine::Plan plan = engine::compile(scenario, library);
            return to_vector(engine::evaluate_design(plan, scenario, columns, design.data(),
                                                     static_cast<std::size_t>(design.rows()), parse_input(input),
                                                     output, threads));
        },
        "scenario"_a, "library"_a, "columns"_a, "design"_a, "input"_a = "uniforms", "output"_a = "npsv",
        "threads"_a = 0, Release(),
        "Evaluate each row of a design (n x k, column j sets parameter columns[j]; 'uniforms' are mapped through "
        "the parameter's quantile function, 'values' are used as they are; other parameters at central values). "
        "Returns the output per row: npsv, bcr, pv_benefits, pv_costs, priority:<id>, pillar:<name>. "
        "Results do not depend on threads. Raises socval.SensitivityError, AppraisalError.");

    m.def(
        "evaluate_design_difference",
        [](const model::Scenario& scenario_a, const values::Library& library_a, const model::Scenario& scenario_b,
           const values::Library& library_b, const std::vector<std::string>& columns, const RefDesign& design,
           const std::string& input, const std::string& output, int threads) {
            check_columns(design, columns);
            const engine::Plan plan_a = engine::compile(scenario_a, library_a);
            const engine::Plan plan_b = engine::compile(scenario_b, library_b);
            return to_vector(engine::evaluate_design_difference(plan_a, scenario_a, plan_b, scenario_b, columns,
                                                                design.data(), static_cast<std::size_t>(design.rows()),
                                                                parse_input(input), output, threads));
        },
        "scenario_a"_a, "library_a"_a, "scenario_b"_a, "library_b"_a, "columns"_a, "design"_a,
        "input"_a = "uniforms", "output"_a = "npsv", "threads"_a = 0, Release(),
        "output(A) - output(B) per design row, parameters matched by id (a column in one scenario only moves that "
        "one). Raises socval.SensitivityError, AppraisalError.");

    m.def(
        "sampled_parameters",
        [](const model::Scenario& scenario, std::uint64_t seed, std::uint64_t draws, const std::string& sampler) {
            const std::vector<double> v = engine::sampled_parameters(scenario, seed, parse_sampler(sampler), draws);
            RowMatrix out(static_cast<Eigen::Index>(scenario.parameters.size()), static_cast<Eigen::Index>(draws));
            std::copy(v.begin(), v.end(), out.data());
            return out;
        },
        "scenario"_a, "seed"_a, "draws"_a, "sampler"_a = "lhs", Release(),
        "The parameter values simulate() samples for draws 0..draws-1 (same keyed streams, Latin hypercube and "
        "copula): array (parameters x draws) in scenario.parameters order. Raises socval.SamplingError.");
}

}  // namespace socval::bindings
