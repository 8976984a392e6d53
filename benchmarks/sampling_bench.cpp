/// Sampling and streaming-statistics benchmark: ns per variate for every distribution (Monte Carlo and LHS,
/// block fill of 4,096 draws), the generator alone, the copula, table construction.
/// Build: flock build/.lock cmake --build build/cmake --target sampling_bench; run build/cmake/cpp/src/sampling/sampling_bench.
/// Results recorded in benchmarks/sampling.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "socval/sampling.hpp"

using namespace socval;

namespace {

/// Best of `reps` repetitions of f (which processes `count` items), in ns per item: on a shared machine the best
/// of many short repetitions (~0.1-1 ms each) is the one least disturbed by other processes.
double time_ns(std::size_t count, const std::function<void()>& f, int reps = 41) {
    double best = 1e300;
    for (int rep = 0; rep < reps; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
        best = std::min(best, ns / static_cast<double>(count));
    }
    return best;
}

volatile double sink = 0;

}  // namespace

int main() {
    const std::size_t n = 65'536, block = 4096;  // per repetition; LHS runs have n draws in total
    std::vector<double> buf(block);
    const auto key = StreamKey::of(42, "option.retrofit.jobs");

    std::printf("| what | ns per variate |\n|---|---|\n");
    auto row = [](const std::string& what, double ns) { std::printf("| %s | %.2f |\n", what.c_str(), ns); };

    row("Philox4x64-10 uniforms, uniform_block (MC)", time_ns(n, [&] {
            for (std::size_t d = 0; d < n; d += block) uniform_block(key, d, std::min(block, n - d), Sampler::monte_carlo, n, buf.data());
            sink = buf[0];
        }));
    row("stream_uniform, one call per draw", time_ns(n, [&] {
            double s = 0;
            for (std::size_t d = 0; d < n; ++d) s += stream_uniform(key, d);
            sink = s;
        }));
    row("LHS uniforms, uniform_block (permutation + jitter)", time_ns(n, [&] {
            for (std::size_t d = 0; d < n; d += block)
                uniform_block(key, d, std::min(block, n - d), Sampler::latin_hypercube, n, buf.data());
            sink = buf[0];
        }));
    row("normal_quantile (AS241) alone", time_ns(n, [&] {
            double s = 0;
            for (std::size_t i = 0; i < n; ++i) s += normal_quantile((static_cast<double>(i) + 0.5) / n);
            sink = s;
        }));

    const std::vector<std::pair<std::string, Distribution>> dists = {
        {"fixed", Distribution::fixed(3)},
        {"uniform", Distribution::uniform(1, 4)},
        {"triangular", Distribution::triangular(1, 2, 4)},
        {"pert (table)", Distribution::pert(1, 2, 4)},
        {"normal", Distribution::normal(10, 2)},
        {"truncated_normal", Distribution::truncated_normal(1, 2, 0, 5)},
        {"lognormal (median, p95)", Distribution::lognormal_median(10, 25)},
        {"beta(2, 5) (table)", Distribution::beta(2, 5)},
        {"beta(0.5, 0.5) (Newton on Boost ibeta)", Distribution::beta(0.5, 0.5)},
        {"discrete (5 values)", Distribution::discrete({1, 2, 3, 4, 5}, {0.1, 0.2, 0.4, 0.2, 0.1})},
    };
    std::printf("\n| distribution | sample_block MC | sample_block LHS | quantile_block alone |\n|---|---|---|---|\n");
    std::vector<double> ublock(block);
    uniform_block(key, 0, block, Sampler::monte_carlo, 0, ublock.data());
    for (const auto& [name, d] : dists) {
        const std::size_t m = name.find("Newton") != std::string::npos ? n / 64 : n;
        auto run = [&](Sampler smp) {
            return time_ns(m, [&] {
                for (std::size_t k = 0; k < m; k += block)
                    sample_block(d, key, k, std::min(block, m - k), smp, m, buf.data());
                sink = buf[0];
            });
        };
        const double mc = run(Sampler::monte_carlo), lhs = run(Sampler::latin_hypercube);
        const double q = time_ns(m, [&] {
            for (std::size_t k = 0; k < m; k += block) d.quantile_block(ublock.data(), buf.data(), std::min(block, m - k));
            sink = buf[0];
        });
        std::printf("| %s | %.2f | %.2f | %.2f |\n", name.c_str(), mc, lhs, q);
    }

    std::printf("\n| what | ns per variate |\n|---|---|\n");
    // Copula: 3 correlated parameters, per draw (includes 3 normal quantiles and 3 normal CDFs).
    Eigen::MatrixXd r(3, 3);
    r << 1, 0.7, -0.3, 0.7, 1, 0.1, -0.3, 0.1, 1;
    const GaussianCopula cop({"a", "b", "c"}, r);
    std::vector<double> c0(block, 0.3), c1(block, 0.6), c2(block, 0.9);
    double* cols[3] = {c0.data(), c1.data(), c2.data()};
    row("copula correlate_block, 3 parameters, per draw", time_ns(n / 4, [&] {
            for (std::size_t k = 0; k < n / 4; k += block) cop.correlate_block(cols, block);
            sink = c0[0];
        }));

    std::printf("\n| construction | microseconds |\n|---|---|\n");
    int shape = 0;  // a new PERT shape for every construction: each one builds its table
    std::printf("| pert, new shape each time (builds the beta quantile table) | %.1f |\n", time_ns(20, [&] {
                    for (int i = 0; i < 20; ++i, ++shape) sink = Distribution::pert(1, 1.5 + shape * 1e-4, 4).mean();
                }) / 1000);
    std::printf("| pert, shape already cached | %.3f |\n",
                time_ns(1000, [&] { for (int i = 0; i < 1000; ++i) sink = Distribution::pert(1, 2, 4).mean(); }) / 1000);
    std::printf("| beta(2, 5), new range, shape cached | %.3f |\n",
                time_ns(1000, [&] { for (int i = 0; i < 1000; ++i) sink = Distribution::beta(2, 5, i, i + 1).mean(); }) / 1000);
    std::printf("| triangular(1, 2, 4) | %.3f |\n",
                time_ns(100000, [&] { for (int i = 0; i < 100000; ++i) sink = Distribution::triangular(1, 2, 4).mean(); }) / 1000);

    return 0;
}
