/// The one place where C++ exceptions become Python exceptions.
#include "bindings.hpp"

#include <socval/errors.hpp>

namespace py = pybind11;

namespace socval::bindings {

void bind_exceptions(py::module_& m) {
    static py::exception<Error> base(m, "SocvalError", PyExc_ValueError);
    static py::exception<AppraisalError> appraisal(m, "AppraisalError", base.ptr());
    static py::exception<ValueLibraryError> values(m, "ValueLibraryError", base.ptr());
    static py::exception<ScenarioError> scenario(m, "ScenarioError", base.ptr());
    static py::exception<SamplingError> sampling(m, "SamplingError", base.ptr());
    static py::exception<ResultsFileError> results(m, "ResultsFileError", base.ptr());
    static py::exception<DecisionError> decision(m, "DecisionError", base.ptr());
    static py::exception<SensitivityError> sensitivity(m, "SensitivityError", base.ptr());
    for (py::object e : {py::object(base), py::object(appraisal), py::object(values), py::object(scenario),
                         py::object(sampling), py::object(results), py::object(decision), py::object(sensitivity)})
        e.attr("__module__") = "socval";  // users see socval.ScenarioError, not socval._core.ScenarioError
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const Interrupted& e) {
            PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
        } catch (const AppraisalError& e) {
            appraisal(e.what());
        } catch (const ValueLibraryError& e) {
            values(e.what());
        } catch (const ScenarioError& e) {
            scenario(e.what());
        } catch (const SamplingError& e) {
            sampling(e.what());
        } catch (const ResultsFileError& e) {
            results(e.what());
        } catch (const DecisionError& e) {
            decision(e.what());
        } catch (const SensitivityError& e) {
            sensitivity(e.what());
        } catch (const Error& e) {
            base(e.what());
        }
    });
}

}  // namespace socval::bindings
