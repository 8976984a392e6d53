/// Python bindings of the value library (socval._core.values).
#include "bindings.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <socval/values.hpp>

namespace py = pybind11;

namespace socval::bindings {

void bind_values(py::module_& m) {
    using namespace socval::values;
    m.doc() = "socval core: the value library";

    py::class_<Provenance>(m, "Provenance")
        .def_readonly("source", &Provenance::source)
        .def_readonly("licence", &Provenance::licence)
        .def_readonly("vintage", &Provenance::vintage)
        .def_readonly("url", &Provenance::url)
        .def_readonly("notes", &Provenance::notes)
        .def_readonly("price_base_year", &Provenance::price_base_year);

    py::class_<UnitValue>(m, "UnitValue")
        .def_readonly("id", &UnitValue::id)
        .def_readonly("description", &UnitValue::description)
        .def_readonly("unit", &UnitValue::unit)
        .def_property_readonly("low", [](const UnitValue& u) { return u.value.low; })
        .def_property_readonly("central", [](const UnitValue& u) { return u.value.central; })
        .def_property_readonly("high", [](const UnitValue& u) { return u.value.high; })
        .def_readonly("illustrative", &UnitValue::illustrative)
        .def_readonly("provenance", &UnitValue::provenance);

    const auto case_of = [](const std::string& s) { return parse_case(s); };
    py::class_<IncomeTable>(m, "IncomeTable")
        .def_readonly("median", &IncomeTable::median)
        .def_readonly("quintiles", &IncomeTable::quintiles)
        .def_readonly("illustrative", &IncomeTable::illustrative)
        .def("__repr__", [](const IncomeTable& t) {
            return "<IncomeTable median " + std::to_string(t.median) + (t.illustrative ? " (illustrative)>" : ">");
        });
    py::class_<Library>(m, "Library")
        .def_static("load", &Library::load, py::arg("directory"))
        .def_property_readonly("version", &Library::version)
        .def_property_readonly("directory", &Library::directory)
        .def("schedule", &Library::schedule, py::arg("name"), py::return_value_policy::reference_internal)
        .def("schedule_names", &Library::schedule_names)
        .def(
            "deflator",
            [](const Library& l, py::array_t<int> years) {
                return py::vectorize([&l](int y) { return l.deflator(y); })(years);
            },
            py::arg("year"))
        .def(
            "rebase",
            [](const Library& l, py::array_t<double> amount, py::array_t<int> from, py::array_t<int> to) {
                return py::vectorize([&l](double a, int f, int t) { return l.rebase(a, f, t); })(amount, from, to);
            },
            py::arg("amount"), py::arg("from_year"), py::arg("to_year"))
        .def(
            "carbon_value",
            [case_of](const Library& l, py::array_t<int> years, const std::string& c, int price_base, bool hold) {
                const Case k = case_of(c);
                const auto beyond = hold ? Extrapolation::hold : Extrapolation::error;
                return py::vectorize([&](int y) { return l.carbon_value(y, k, price_base, beyond); })(years);
            },
            py::arg("year"), py::arg("case"), py::arg("price_base"), py::arg("hold") = false)
        .def("wellby_value", [case_of](const Library& l, const std::string& c, int pb) { return l.wellby_value(case_of(c), pb); },
             py::arg("case"), py::arg("price_base"))
        .def("qaly_value", [case_of](const Library& l, const std::string& c, int pb) { return l.qaly_value(case_of(c), pb); },
             py::arg("case"), py::arg("price_base"))
        .def(
            "optimism_bias",
            [](const Library& l, const std::string& cat) {
                const auto& c = l.optimism_bias(cat);
                auto bound = [](bool has, double x) { return has ? py::object(py::float_(x)) : py::object(py::none()); };
                return py::dict(py::arg("category") = c.id, py::arg("description") = c.description,
                                py::arg("capital") = bound(c.has_capital, c.capital_upper),
                                py::arg("operating") = bound(c.has_operating, c.operating_upper),
                                py::arg("duration") = bound(c.has_duration, c.duration_upper));
            },
            py::arg("category"))
        .def("optimism_bias_categories", &Library::optimism_bias_categories)
        .def("unit_value",
             [case_of](const Library& l, const std::string& id, const std::string& c, int pb) {
                 return l.unit_value(id, case_of(c), pb);
             },
             py::arg("id"), py::arg("case"), py::arg("price_base"))
        .def("unit_value_entry", &Library::unit_value_entry, py::arg("id"), py::return_value_policy::reference_internal)
        .def("unit_value_ids", &Library::unit_value_ids)
        .def("incomes", &Library::incomes, py::return_value_policy::reference_internal,
             "Median and quintile equivalised incomes (the `incomes` table) for distributional weights.")
        .def("provenance", &Library::provenance, py::arg("table"), py::return_value_policy::reference_internal)
        .def("tables", &Library::tables);
}

}  // namespace socval::bindings
