/// Python bindings of the sensitivity area (socval._core.sensitivity).
#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

void bind_sensitivity(py::module_& m) {
    m.doc() = "socval core: sensitivity";
}

}  // namespace socval::bindings
