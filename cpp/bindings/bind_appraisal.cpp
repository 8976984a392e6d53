/// Python bindings of the appraisal area (socval._core.appraisal).
#include "bindings.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <socval/appraisal.hpp>

namespace py = pybind11;

namespace socval::bindings {

void bind_appraisal(py::module_& m) {
    using namespace socval::appraisal;
    m.doc() = "socval core: Green Book appraisal arithmetic";

    py::class_<DiscountSchedule>(m, "DiscountSchedule")
        .def(py::init([](std::string name, const std::vector<std::tuple<int, int, double>>& bands) {
                 std::vector<DiscountBand> b;
                 for (const auto& [from, to, rate] : bands) b.push_back({from, to, rate});
                 return DiscountSchedule(std::move(name), std::move(b));
             }),
             py::arg("name"), py::arg("bands"))
        .def_static("constant", &DiscountSchedule::constant, py::arg("rate"))
        .def_property_readonly("name", &DiscountSchedule::name)
        .def_property_readonly("bands", [](const DiscountSchedule& s) {
            std::vector<std::tuple<int, int, double>> out;
            for (const auto& b : s.bands()) out.emplace_back(b.first_year, b.last_year, b.rate);
            return out;
        })
        .def("rate", &DiscountSchedule::rate, py::arg("year"))
        .def(
            "factor",
            [](const DiscountSchedule& s, py::array_t<long> years) {
                return py::vectorize([&s](long t) { return s.factor(static_cast<int>(t)); })(years);
            },
            py::arg("year"))
        .def("factors", &DiscountSchedule::factors, py::arg("n_years"))
        .def("__repr__", [](const DiscountSchedule& s) { return "<DiscountSchedule '" + s.name() + "'>"; });

    m.def("present_value", &present_value, py::arg("values"), py::arg("schedule"), py::arg("start_year") = 0);
    py::class_<Appraisal>(m, "Appraisal")
        .def_readonly("pv_costs", &Appraisal::pv_costs)
        .def_readonly("pv_benefits", &Appraisal::pv_benefits)
        .def_readonly("npsv", &Appraisal::npsv)
        .def_readonly("bcr", &Appraisal::bcr);
    m.def("appraise", &appraise, py::arg("costs"), py::arg("benefits"), py::arg("schedule"));
    m.def("bcr", &bcr, py::arg("pv_benefits"), py::arg("pv_costs"));
    m.def(
        "distributional_weights",
        [](double median, const std::vector<double>& incomes, double eta) {
            std::vector<double> out;
            for (double y : incomes) out.push_back(distributional_weight(median, y, eta));
            return out;
        },
        py::arg("median_income"), py::arg("incomes"), py::arg("eta"),
        "Green Book Annex A3 weights (median / income)^eta of each income (docs/model/distribution.md).");
    m.def("sroi_ratio", &sroi_ratio, py::arg("pv_value"), py::arg("pv_investment"));
    m.def("equivalent_annual_value", &equivalent_annual_value, py::arg("present_value"), py::arg("n_years"),
          py::arg("schedule"));
    m.def("optimism_bias_uplift", &optimism_bias_uplift, py::arg("upper_bound"), py::arg("mitigation"));
    m.def("blended_uplift", &blended_uplift, py::arg("share_and_uplift"));
    m.def(
        "additionality_factor",
        [](double dw, double disp, double leak, double sub, double attr) {
            const Additionality a{dw, disp, leak, sub, attr};
            a.validate();
            return a.net_factor();
        },
        py::arg("deadweight"), py::arg("displacement"), py::arg("leakage"), py::arg("substitution"),
        py::arg("attribution"));
    m.def(
        "outcome_profile",
        [](const std::vector<double>& delivered, int lag, int duration, double drop_off, int n_years) {
            return outcome_profile(delivered, Persistence{lag, duration, drop_off}, n_years);
        },
        py::arg("delivered"), py::arg("lag"), py::arg("duration"), py::arg("drop_off"), py::arg("n_years"));
}

}  // namespace socval::bindings
