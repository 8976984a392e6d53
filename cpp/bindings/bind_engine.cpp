/// Python bindings of the engine area (socval._core.engine): the deterministic appraisal of a scenario.
#include <pybind11/stl.h>

#include <socval/engine.hpp>

#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

void bind_engine(py::module_& m) {
    m.doc() = "socval core: engine (deterministic evaluation; the Monte Carlo engine is socval._core.simulation)";
    using engine::AppraisalResult;
    using engine::AttributionRow;

    py::class_<AttributionRow>(m, "AttributionRow", "PV value of a priority that comes from a funded option.")
        .def_readonly("option", &AttributionRow::option)
        .def_readonly("lever", &AttributionRow::lever)
        .def_readonly("priority", &AttributionRow::priority)
        .def_readonly("pillar", &AttributionRow::pillar)
        .def_readonly("value", &AttributionRow::value);

    py::class_<AppraisalResult> r(m, "AppraisalResult", "A deterministic appraisal (see socval.Appraisal).");
#define SOCVAL_FIELD(name) r.def_readonly(#name, &AppraisalResult::name)
    SOCVAL_FIELD(scenario);
    SOCVAL_FIELD(price_base_year);
    SOCVAL_FIELD(first_year);
    SOCVAL_FIELD(horizon);
    SOCVAL_FIELD(schedule);
    SOCVAL_FIELD(pv_costs);
    SOCVAL_FIELD(pv_investment);
    SOCVAL_FIELD(pv_others);
    SOCVAL_FIELD(pv_benefits);
    SOCVAL_FIELD(npsv);
    SOCVAL_FIELD(bcr);
    SOCVAL_FIELD(sroi);
    SOCVAL_FIELD(priority_ids);
    SOCVAL_FIELD(priority_pillars);
    SOCVAL_FIELD(priority_value);
    SOCVAL_FIELD(pillar_value);
    SOCVAL_FIELD(lever_value);
    SOCVAL_FIELD(lever_cost);
    SOCVAL_FIELD(beneficiary_value);
    SOCVAL_FIELD(option_ids);
    SOCVAL_FIELD(option_levers);
    SOCVAL_FIELD(option_value);
    SOCVAL_FIELD(option_cost);
    SOCVAL_FIELD(option_ob_capital);
    SOCVAL_FIELD(option_ob_duration);
    SOCVAL_FIELD(option_ob_revenue);
    SOCVAL_FIELD(option_delay);
    SOCVAL_FIELD(outcome_ids);
    SOCVAL_FIELD(outcome_units);
    SOCVAL_FIELD(outcome_beneficiaries);
    SOCVAL_FIELD(outcome_total);
    SOCVAL_FIELD(outcome_pv);
    SOCVAL_FIELD(years);
    SOCVAL_FIELD(cost);
    SOCVAL_FIELD(investment);
    SOCVAL_FIELD(benefits);
    SOCVAL_FIELD(discount_factor);
    SOCVAL_FIELD(pv_cost);
    SOCVAL_FIELD(pv_benefit);
    SOCVAL_FIELD(level);
    SOCVAL_FIELD(value);
    SOCVAL_FIELD(attribution);
    SOCVAL_FIELD(warnings);
#undef SOCVAL_FIELD

    m.def(
        "evaluate",
        [](const model::Scenario& scenario, const values::Library& library) {
            py::gil_scoped_release release;
            return engine::evaluate(scenario, library);
        },
        py::arg("scenario"), py::arg("library"),
        "Deterministic appraisal of a validated scenario (socval._core.model.Scenario) with every parameter at its "
        "central value, against a value library (socval.values.default_library() for the default). Raises "
        "socval.ScenarioError / ValueLibraryError.");
}

}  // namespace socval::bindings
