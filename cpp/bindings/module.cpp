/// socval._core: wiring only; each area binds itself into its own submodule.
#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
    namespace b = socval::bindings;
    m.doc() = "socval core (C++); use the socval package, not this module directly";
    m.attr("__version__") = SOCVAL_VERSION;
    b::bind_exceptions(m);
    auto sub = [&m](const char* name, void (*bind)(pybind11::module_&)) {
        auto s = m.def_submodule(name);
        bind(s);
    };
    sub("appraisal", b::bind_appraisal);
    sub("values", b::bind_values);
    sub("sampling", b::bind_sampling);
    sub("model", b::bind_model);
    sub("engine", b::bind_engine);
    sub("simulation", b::bind_simulation);
    auto analysis = m.def_submodule("analysis");
    b::bind_analysis(analysis);
    b::bind_option_values(analysis);
    sub("io", b::bind_io);
    sub("decision", b::bind_decision);
    sub("sensitivity", b::bind_sensitivity);
}
