/// Python bindings of the engine area (socval._core.engine).
#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

void bind_engine(py::module_& m) {
    m.doc() = "socval core: engine";
}

}  // namespace socval::bindings
