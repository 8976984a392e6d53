/// Python bindings of scenario-level analyses (socval._core.analysis): sensitivity designs and option values
/// evaluated natively by the engine.
#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

void bind_analysis(py::module_& m) {
    m.doc() = "socval core: scenario-level analyses evaluated by the engine";
}

}  // namespace socval::bindings
