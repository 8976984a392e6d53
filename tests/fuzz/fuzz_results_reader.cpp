/// libFuzzer harness: bytes given to the results-file reader are either read back whole or refused with
/// ResultsFileError. The bytes go to a file in a private folder (HDF5 reads files), then every variable is read.
#include <socval/errors.hpp>
#include <socval/io/results_file.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

std::string scratch_file() {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr ? dir : "/tmp") + "/socval-fuzz-results-" + std::to_string(::getpid()) + ".h5";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = scratch_file();
    if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    } else {
        std::abort();
    }
    try {
        socval::io::ResultsReader reader(path);
        reader.provenance();
        reader.groups();
        for (const auto& v : reader.variables()) {
            if (v.type == socval::io::DataType::string) {
                reader.read_strings(v.name);
            } else {
                reader.read_float64(v.name);
            }
        }
    } catch (const socval::ResultsFileError&) {
    }
    return 0;
}
