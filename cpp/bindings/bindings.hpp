#pragma once
/// One function per area; module.cpp only wires them.
#include <pybind11/pybind11.h>

namespace socval::bindings {
void bind_exceptions(pybind11::module_& m);
void bind_appraisal(pybind11::module_& m);
void bind_values(pybind11::module_& m);
void bind_sampling(pybind11::module_& m);
void bind_model(pybind11::module_& m);
void bind_engine(pybind11::module_& m);
void bind_simulation(pybind11::module_& m);
void bind_analysis(pybind11::module_& m);
void bind_option_values(pybind11::module_& m);
void bind_io(pybind11::module_& m);
void bind_decision(pybind11::module_& m);
void bind_sensitivity(pybind11::module_& m);
}  // namespace socval::bindings
