#pragma once
/// What every binding file shares: one bind function per area (module.cpp only wires them), numpy arrays that own
/// a result's memory, and the signal check that lets Ctrl-C cancel a computation running without the GIL.
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
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

/// A numpy array that owns `v` (moved, not copied), of shape `shape` (row-major).
inline pybind11::array_t<double> owned(std::vector<double>&& v, std::vector<pybind11::ssize_t> shape) {
    auto* heap = new std::vector<double>(std::move(v));
    pybind11::capsule free(heap, [](void* p) { delete static_cast<std::vector<double>*>(p); });
    std::vector<pybind11::ssize_t> strides(shape.size());
    auto step = static_cast<pybind11::ssize_t>(sizeof(double));
    for (std::size_t i = shape.size(); i-- > 0;) {
        strides[i] = step;
        step *= shape[i];
    }
    return pybind11::array_t<double>(shape, strides, heap->data(), free);
}

/// A one-dimensional numpy array that owns `v`.
inline pybind11::array_t<double> owned(std::vector<double>&& v) {
    const auto n = static_cast<pybind11::ssize_t>(v.size());
    return owned(std::move(v), {n});
}

/// Ctrl-C while the GIL is released: Python's handler only sets a flag; PyErr_CheckSignals runs it. Returns true
/// on KeyboardInterrupt (the caller cancels: the core throws Interrupted, mapped to KeyboardInterrupt); any other
/// error of a handler propagates. Called from the thread that released the GIL.
inline bool check_signals() {
    pybind11::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() == 0) return false;
    if (PyErr_ExceptionMatches(PyExc_KeyboardInterrupt)) {
        PyErr_Clear();
        return true;
    }
    throw pybind11::error_already_set();
}
}  // namespace socval::bindings
