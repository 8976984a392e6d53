/// Speed of the block evaluator on issue 4's target size (30 options, 60 outcomes, 30 years), 20% saturating links
/// (SV_LINEAR=1: none). It measures the evaluation only (parameters pre-filled), not sampling, in CPU seconds.
/// Build: cmake --build build/cmake --target engine_speed; run build/cmake/benchmarks/engine_speed (not a ctest test:
/// it prints timings and checks nothing). See benchmarks/simulation.md and docs/model/engine.md.
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <socval/engine.hpp>

#include "builder.hpp"

using namespace socval;
using enginetest::Builder;
using enginetest::fixed;
using enginetest::library;

namespace {

Builder target_size_scenario() {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0, 1);
    Builder b(30);
    for (int k = 0; k < 12; ++k) b.priority("p" + std::to_string(k), static_cast<model::Pillar>(k % 3));
    for (int o = 0; o < 60; ++o) {
        const std::string id = "o" + std::to_string(o);
        auto dw = b.param(id + ".deadweight", Distribution::uniform(0.1, 0.4));
        auto drop = b.param(id + ".drop_off", Distribution::uniform(0.0, 0.3));
        auto& oc = b.outcome(id, 100 + o);
        oc.deadweight = dw;
        oc.drop_off = drop;
        oc.duration = 1 + o % 7;
        oc.lag = o % 3;
        b.serve(id, o % 12, 0.6);
        b.serve(id, (o + 5) % 12, 0.3);
    }
    for (int i = 0; i < 30; ++i) {
        const std::string id = "a" + std::to_string(i);
        auto cap = b.param(id + ".capital", Distribution::triangular(50, 100, 200));
        auto mit = b.param(id + ".mitigation", Distribution::uniform(0, 1));
        auto& a = b.option(id, static_cast<model::Lever>(i % 3));
        a.optimism_bias_category = "standard_buildings";
        a.optimism_bias_mitigation = mit;
        for (int y = 0; y < 5; ++y) a.costs.push_back({y, cap, fixed(10)});
        for (int k = 0; k < 2; ++k) {
            auto amt = b.param(id + ".out" + std::to_string(k), Distribution::uniform(1, 3));
            b.output(id, "o" + std::to_string((i * 2 + k) % 60), amt);
        }
        b.fund(id);
    }
    for (int o = 1; o < 60; ++o)
        for (int k = 0; k < 2; ++k) {
            const int from = static_cast<int>(u(rng) * o);
            auto c = b.param("l" + std::to_string(o) + "." + std::to_string(k), Distribution::uniform(0.1, 0.5));
            if (u(rng) < (std::getenv("SV_LINEAR") ? 0.0 : 0.2))
                b.saturating("o" + std::to_string(from), "o" + std::to_string(o), c, fixed(50), k);
            else
                b.link("o" + std::to_string(from), "o" + std::to_string(o), c, k);
        }
    return b;
}

}  // namespace

int main() {
    const auto b = target_size_scenario();
    const auto plan = engine::compile(b.s, library());
    const int P = plan.n_params();
    std::size_t link_years = 0, saturating_years = 0;
    for (const auto& o : plan.outcomes)
        for (const auto& l : o.links) {
            link_years += static_cast<std::size_t>(plan.horizon - l.lag);
            if (l.saturating) saturating_years += static_cast<std::size_t>(plan.horizon - l.lag);
        }
    std::printf("%d parameters, %zu outcome-years, %zu link-years (%zu saturating)\n", P,
                plan.outcomes.size() * static_cast<std::size_t>(plan.horizon), link_years, saturating_years);
    for (int block : {16, 32, 64, 128}) {
        for (auto tracking : {engine::Tracking::none, engine::Tracking::lever}) {
            std::vector<double> params(static_cast<std::size_t>(P * block));
            for (int p = 0; p < P; ++p)
                for (int d = 0; d < block; ++d)
                    params[static_cast<std::size_t>(p * block + d)] =
                        b.s.parameters[static_cast<std::size_t>(p)].distribution.quantile((d + 0.5) / block);
            engine::Evaluator ev(plan, tracking, block);
            const int draws = 100000;
            const auto t0 = std::clock();
            double sink = 0;
            for (int done = 0; done < draws; done += block) {
                ev.run(params.data(), static_cast<std::size_t>(block), block);
                sink += ev.npsv()[0];
            }
            const double s = static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC;  // CPU time: the machine is shared
            std::printf("block %3d tracking %-5s: %.3f s per 1e5 draws (%.2f s per 1e6 on one thread) [%g]\n", block,
                        tracking == engine::Tracking::none ? "none" : "lever", s, s * 10, sink);
        }
    }
    return 0;
}
