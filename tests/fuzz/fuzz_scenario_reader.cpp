/// libFuzzer harness: any text given to the scenario reader is either read or refused with ScenarioError (or the
/// value library's / sampling's typed error); anything else (a crash, a hang, another exception) is a bug.
#include <socval/errors.hpp>
#include <socval/model.hpp>
#include <socval/values.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const socval::values::Library library = socval::values::Library::load(SOCVAL_SOURCE_DIR "/data");
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        // A base folder with nothing in it: include / extends of other files are refused, not read.
        socval::model::read_scenario_text(text, "fuzz.yaml", "/nonexistent-fuzz-dir", library);
    } catch (const socval::Error&) {
        // a typed refusal: the expected outcome for most inputs
    }
    return 0;
}
