#pragma once
/// Helpers of the io tests: a scratch folder removed at the end, and a small complete results file.
#include <socval/io/results_file.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace socval::io::test {

/// A fresh folder under the system temporary folder, removed with everything in it on destruction.
struct ScratchDir {
    std::filesystem::path path;
    ScratchDir() {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() / ("socval-io-test-" + std::to_string(rd()));
        std::filesystem::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::permissions(path, std::filesystem::perms::owner_all, ec);
        std::filesystem::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
    /// Names of the entries of the folder.
    std::vector<std::string> entries() const {
        std::vector<std::string> out;
        for (const auto& e : std::filesystem::directory_iterator(path)) out.push_back(e.path().filename().string());
        return out;
    }
};

/// Provenance used by the tests.
inline Provenance test_provenance() {
    Provenance p;
    p.git_revision = "0123abcd";
    p.seed = 42;
    p.draws = 6;
    p.sampler = "lhs";
    p.scenario_text = "name: test\noptions: []\n";
    p.value_library_version = "2024.1";
    return p;
}

/// Write a small valid results file at `path` (a float variable over an option coordinate).
inline void write_small_file(const std::string& path) {
    ResultsWriter w(path);
    w.set_provenance(test_provenance());
    w.add_coordinate("option", std::vector<std::string>{"a", "b"});
    const std::vector<double> npsv = {1.5, -2.5};
    w.add_variable("npsv", {"option"}, npsv.data(), npsv.size(), {{"units", std::string("GBP")}});
    w.commit();
}

}  // namespace socval::io::test
