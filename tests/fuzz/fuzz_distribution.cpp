/// libFuzzer harness: the number-or-distribution parser (`{dist: pert, min: 1, mode: 2, max: 3}`, `1500`, ...)
/// either gives a validated Distribution or throws a typed socval error.
#include <socval/errors.hpp>

#include "distribution_node.hpp"
#include "node.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto node = socval::model::detail::parse_yaml(text, "fuzz.yaml");
        const auto d = socval::model::detail::read_distribution(node, "parameters.p.value");
        socval::model::detail::check_bounds(node, "parameters.p.value", d, socval::model::detail::kShare);
    } catch (const socval::Error&) {
    }
    return 0;
}
