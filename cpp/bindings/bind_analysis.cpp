/// Python bindings of scenario-level analyses (socval._core.analysis): sensitivity designs evaluated natively by
/// the engine, the parameters a simulation samples, and (bind_option_values.cpp) option values. Thin: argument
/// conversion only; the GIL is released around computations.
#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include <memory>

#include "bindings.hpp"
#include "socval/analysis/design_eval.hpp"
#include "socval/analysis/sampled_parameters.hpp"
#include "socval/errors.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace socval::bindings {

namespace {

using analysis::DesignModel;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RefDesign = Eigen::Ref<const RowMatrix>;

analysis::DesignInput parse_input(const std::string& input) {
    if (input == "uniforms") return analysis::DesignInput::uniforms;
    if (input == "values") return analysis::DesignInput::values;
    throw SensitivityError("input: expected 'uniforms' or 'values', found '" + input + "'");
}

void check_columns(const RefDesign& design, const std::vector<std::string>& columns) {
    if (static_cast<std::size_t>(design.cols()) != columns.size())
        throw SensitivityError("design: expected one column per parameter id (" + std::to_string(columns.size()) +
                               "), found " + std::to_string(design.cols()) + " columns");
}

}  // namespace

void bind_analysis(py::module_& m) {
    m.doc() = "socval core: scenario-level analyses evaluated by the engine";

    py::class_<DesignModel, std::shared_ptr<DesignModel>>(
        m, "DesignModel",
        "A scenario compiled once (plan and engine program) for repeated design evaluations: build it once and "
        "pass it to evaluate_design / evaluate_design_difference instead of (scenario, library), so that calls "
        "such as the steps of a switching-value search share one compiled program. Immutable.")
        .def(py::init<const model::Scenario&, const values::Library&>(), "scenario"_a, "library"_a,
             py::call_guard<py::gil_scoped_release>(),
             "Compile a validated scenario against a value library. Raises socval.ScenarioError / "
             "ValueLibraryError.")
        .def_property_readonly("parameter_ids", [](const DesignModel& d) { return d.plan->parameter_ids; },
                               "The scenario's uncertain parameter ids, in order.");

    m.def(
        "evaluate_design",
        [](const DesignModel& model, const std::vector<std::string>& columns, const RefDesign& design,
           const std::string& input, const std::string& output, int threads) {
            check_columns(design, columns);
            const auto in = parse_input(input);
            std::vector<double> y;
            {
                py::gil_scoped_release release;
                y = analysis::evaluate_design(model, columns, design.data(), static_cast<std::size_t>(design.rows()),
                                              in, output, threads);
            }
            return owned(std::move(y));
        },
        "model"_a, "columns"_a, "design"_a, "input"_a = "uniforms", "output"_a = "npsv", "threads"_a = 0,
        "Evaluate each row of a design (n x k, column j sets parameter columns[j]; 'uniforms' are mapped through "
        "the parameter's quantile function, 'values' are used as they are; other parameters at central values) on "
        "a DesignModel. Returns the output per row: npsv, bcr, pv_benefits, pv_costs, priority:<id>, "
        "pillar:<name>. Results do not depend on threads. Raises socval.SensitivityError, AppraisalError.");
    m.def(
        "evaluate_design",
        [](const model::Scenario& scenario, const values::Library& library, const std::vector<std::string>& columns,
           const RefDesign& design, const std::string& input, const std::string& output, int threads) {
            check_columns(design, columns);
            const auto in = parse_input(input);
            std::vector<double> y;
            {
                py::gil_scoped_release release;
                const DesignModel model(scenario, library);
                y = analysis::evaluate_design(model, columns, design.data(), static_cast<std::size_t>(design.rows()),
                                              in, output, threads);
            }
            return owned(std::move(y));
        },
        "scenario"_a, "library"_a, "columns"_a, "design"_a, "input"_a = "uniforms", "output"_a = "npsv",
        "threads"_a = 0,
        "As above, compiling the scenario for this call only.");

    m.def(
        "evaluate_saltelli",
        [](const DesignModel& model, const DesignModel* other, const std::vector<std::string>& columns,
           const RefDesign& a, const RefDesign& b, const std::vector<int>& group_of, bool second_order,
           const std::string& output, int threads) {
            check_columns(a, columns);
            check_columns(b, columns);
            if (a.rows() != b.rows())
                throw SensitivityError("evaluate_saltelli: a and b: expected the same number of rows, found " +
                                       std::to_string(a.rows()) + " and " + std::to_string(b.rows()));
            std::vector<double> y;
            {
                py::gil_scoped_release release;
                y = analysis::evaluate_saltelli(model, other, columns, a.data(), b.data(),
                                                static_cast<std::size_t>(a.rows()), group_of, second_order, output,
                                                threads);
            }
            return owned(std::move(y));
        },
        "model"_a, "other"_a, "columns"_a, "a"_a, "b"_a, "group_of"_a, "second_order"_a = false,
        "output"_a = "npsv", "threads"_a = 0,
        "Outputs of the Saltelli design with base matrices a and b (n x k uniforms: the two halves of the scrambled "
        "Sobol points) and factor group_of[j] per column, block-major (A, B, AB_g..., BA_g...), without forming "
        "the design; equal to evaluate_design on sensitivity.saltelli_design. other: None, or a second "
        "DesignModel whose output is subtracted. Raises socval.SensitivityError, AppraisalError.");
    m.def(
        "evaluate_design_difference",
        [](const DesignModel& a, const DesignModel& b, const std::vector<std::string>& columns,
           const RefDesign& design, const std::string& input, const std::string& output, int threads) {
            check_columns(design, columns);
            const auto in = parse_input(input);
            std::vector<double> y;
            {
                py::gil_scoped_release release;
                y = analysis::evaluate_design_difference(a, b, columns, design.data(),
                                                         static_cast<std::size_t>(design.rows()), in, output, threads);
            }
            return owned(std::move(y));
        },
        "model_a"_a, "model_b"_a, "columns"_a, "design"_a, "input"_a = "uniforms", "output"_a = "npsv",
        "threads"_a = 0,
        "output(A) - output(B) per design row, parameters matched by id (a column in one scenario only moves that "
        "one). Raises socval.SensitivityError, AppraisalError.");
    m.def(
        "evaluate_design_difference",
        [](const model::Scenario& scenario_a, const values::Library& library_a, const model::Scenario& scenario_b,
           const values::Library& library_b, const std::vector<std::string>& columns, const RefDesign& design,
           const std::string& input, const std::string& output, int threads) {
            check_columns(design, columns);
            const auto in = parse_input(input);
            std::vector<double> y;
            {
                py::gil_scoped_release release;
                const DesignModel a(scenario_a, library_a), b(scenario_b, library_b);
                y = analysis::evaluate_design_difference(a, b, columns, design.data(),
                                                         static_cast<std::size_t>(design.rows()), in, output, threads);
            }
            return owned(std::move(y));
        },
        "scenario_a"_a, "library_a"_a, "scenario_b"_a, "library_b"_a, "columns"_a, "design"_a,
        "input"_a = "uniforms", "output"_a = "npsv", "threads"_a = 0,
        "As above, compiling both scenarios for this call only.");

    m.def(
        "sampled_parameters",
        [](const model::Scenario& scenario, std::uint64_t seed, std::uint64_t draws, const std::string& sampler) {
            const auto P = static_cast<py::ssize_t>(scenario.parameters.size());
            const Sampler s = parse_sampler(sampler);
            std::vector<double> x;
            {
                py::gil_scoped_release release;
                x = analysis::sampled_parameters(scenario, seed, s, draws);
            }
            return owned(std::move(x), {P, static_cast<py::ssize_t>(draws)});
        },
        "scenario"_a, "seed"_a, "draws"_a, "sampler"_a = "lhs",
        "The parameter values simulate() samples for draws 0..draws-1 (same keyed streams, Latin hypercube and "
        "copula): array (parameters x draws) in scenario.parameters order. Raises socval.SamplingError.");
}

}  // namespace socval::bindings
