/// Python bindings of the model area (socval._core.model).
#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

void bind_model(py::module_& m) {
    m.doc() = "socval core: model";
}

}  // namespace socval::bindings
