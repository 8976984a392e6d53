/// The engine's compiled program, built once per plan and shared (docs/model/engine.md, "One program per plan"):
/// what one design-evaluation call of the West of England baseline costs when the program is rebuilt for every
/// Evaluator (as before: per thread, per call) and when it is shared. Prints a Markdown table.
/// Build: flock build/.lock cmake --build build/cmake --target program_bench; run build/cmake/cpp/src/engine/program_bench.
/// Results recorded in benchmarks/RESULTS.md.
#include <chrono>
#include <cstdio>
#include <vector>

#include <socval/engine.hpp>
#include <socval/model.hpp>
#include <socval/values.hpp>

using namespace socval;

namespace {

template <class F>
double us_per(int reps, F&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) f();
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / reps;
}

}  // namespace

int main() {
    const auto lib = values::Library::load(SOCVAL_SOURCE_DIR "/data");
    const auto scenario = model::read_scenario(SOCVAL_SOURCE_DIR "/scenarios/west-of-england/baseline.yaml", lib);
    const auto plan = std::make_shared<const engine::Plan>(engine::compile(scenario, lib));
    const int P = plan->n_params();
    std::vector<double> params(static_cast<std::size_t>(P) * 64);
    for (int p = 0; p < P; ++p)
        for (int d = 0; d < 64; ++d) params[static_cast<std::size_t>(p) * 64 + static_cast<std::size_t>(d)] = plan->central[static_cast<std::size_t>(p)];
    volatile double sink = 0;
    std::printf("West of England baseline: %zu outcomes, %zu funded options, %d years, %d parameters\n\n",
                plan->outcomes.size(), plan->options.size(), plan->horizon, P);
    std::printf("| step | us |\n|---|---|\n");
    const double compile_us = us_per(50, [&] { sink = engine::compile(scenario, lib).horizon; });
    std::printf("| compile the plan (engine::compile) | %.1f |\n", compile_us);
    double build_none = 0, evaluator_none = 0, run1_none = 0;
    for (auto [tr, name] : {std::pair{engine::Tracking::none, "none"}, std::pair{engine::Tracking::option, "option"},
                            std::pair{engine::Tracking::lever, "lever"}}) {
        const double build = us_per(50, [&] { sink = static_cast<double>(engine::make_program(plan, tr)->plan().horizon); });
        std::printf("| build the program, tracking %s (once per plan now; was once per Evaluator) | %.1f |\n", name, build);
        const auto program = engine::make_program(plan, tr);
        const double evaluator = us_per(50, [&] { engine::Evaluator ev(program, 64); sink = ev.max_block(); });
        std::printf("| an Evaluator of blocks of 64 on the shared program, tracking %s (rows and links only) | %.1f |\n",
                    name, evaluator);
        engine::Evaluator ev(program, 64);
        std::printf("| run a block of 64 draws, tracking %s | %.1f |\n", name,
                    us_per(200, [&] { ev.run(params.data(), 64, 64); sink = ev.npsv()[0]; }));
        const double run1 = us_per(2000, [&] { ev.run(params.data(), 64, 1); sink = ev.npsv()[0]; });
        std::printf("| run a block of 1 draw, tracking %s | %.1f |\n", name, run1);
        if (tr == engine::Tracking::none) build_none = build, evaluator_none = evaluator, run1_none = run1;
    }
    // One step of a central switching value: a design of one row (one block, so one worker thread). Before: the
    // call compiled the plan, built the worker's program and allocated its Evaluator; now the DesignModel is
    // compiled once per search and the worker reuses an idle Evaluator of its pool on the shared program.
    std::printf("\nOne design row per call (a central switching-value step): before %.1f us (compile + program + "
                "Evaluator + run), now %.1f us (run)\n",
                compile_us + build_none + evaluator_none + run1_none, run1_none);
    return 0;
}
