/// Python bindings of the decision area (socval._core.decision).
#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

void bind_decision(py::module_& m) {
    m.doc() = "socval core: decision";
}

}  // namespace socval::bindings
