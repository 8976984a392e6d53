/// Per-option values on common random numbers (docs/model/portfolio.md): the candidate pool funded together,
/// sampled with ParameterSampler (the streams of simulate()), evaluated with Tracking::option. Blocks run on the
/// core's block runner and are written at their draw offsets, so the result does not depend on the thread count.
#include <socval/analysis/option_values.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>

#include <socval/common/blocks.hpp>

#include <socval/engine/evaluator.hpp>
#include <socval/engine/simulation.hpp>
#include <socval/errors.hpp>

namespace socval::analysis {

using namespace engine;

model::Scenario candidate_pool(const model::Scenario& scenario, const std::vector<std::string>& candidates) {
    const int n = static_cast<int>(scenario.options.size());
    if (n == 0) throw ScenarioError("option values: the scenario '" + scenario.meta.name + "' has no options");
    std::vector<char> chosen(static_cast<std::size_t>(n), candidates.empty() ? 1 : 0);
    for (const auto& id : candidates) {
        auto it = std::find_if(scenario.options.begin(), scenario.options.end(),
                               [&](const model::Option& o) { return o.id == id; });
        if (it == scenario.options.end())
            throw ScenarioError("option values: candidates: expected option ids of the scenario, found unknown id '" +
                                id + "'");
        auto& c = chosen[static_cast<std::size_t>(it - scenario.options.begin())];
        if (c) throw ScenarioError("option values: candidates: option '" + id + "' is listed twice");
        c = 1;
    }
    model::Scenario pool = scenario;
    pool.funded.clear();
    for (int i = 0; i < n; ++i) {
        if (!chosen[static_cast<std::size_t>(i)]) continue;
        model::Funding f;
        f.option = i;
        for (const auto& g : scenario.funded)
            if (g.option == i) f = g;
        pool.funded.push_back(f);
    }
    return pool;
}

namespace {

/// Adds share x pv (one block of draws of option i) to priority k and its pillar.
void add_to(OptionValues& r, const double* pv, double share, std::size_t k, const Plan& plan, std::uint64_t d0, int n,
            std::uint64_t N, std::size_t i) {
    const std::size_t I = plan.options.size(), K = plan.priority_ids.size();
    const std::size_t pillar = k < K ? static_cast<std::size_t>(plan.priority_pillars[k]) : 3;
    for (int d = 0; d < n; ++d) {
        const std::size_t at = (d0 + static_cast<std::uint64_t>(d)) * I + i;
        r.priority_value[k * N * I + at] += share * pv[d];
        r.pillar_value[pillar * N * I + at] += share * pv[d];
    }
}

/// Weighted value of every option in block [d0, d0 + n): its attributed outcome PVs times the outcomes' weights.
void weighted(const Evaluator& ev, const Plan& plan, std::uint64_t d0, int n, OptionValues& r) {
    const std::size_t I = plan.options.size();
    std::vector<double> w(static_cast<std::size_t>(n));
    for (std::size_t o = 0; o < plan.outcomes.size(); ++o) {
        ev.outcome_weight(static_cast<int>(o), w.data());
        for (std::size_t i = 0; i < I; ++i) {
            const double* pv = ev.group_outcome_pv(ev.group_of_option(static_cast<int>(i)), static_cast<int>(o));
            for (int d = 0; d < n; ++d) r.weighted_value[(d0 + static_cast<std::uint64_t>(d)) * I + i] += w[d] * pv[d];
        }
    }
}

/// PV of each option's costs to others in block [d0, d0 + n): sum_t DF(t) x scale x amount(t), the terms the
/// Evaluator adds to the option's cost and to PV costs to others (docs/model/appraisal.md), from the sampled
/// parameters (rows `stride` apart), so cost - others is the option's public sector cost.
void others(const Plan& plan, const double* params, std::uint64_t stride, std::uint64_t d0, int n, OptionValues& r) {
    const std::size_t I = plan.options.size();
    const auto& df = plan.discount[static_cast<std::size_t>(plan.cost_schedule)];
    for (std::size_t i = 0; i < I; ++i) {
        const auto& opt = plan.options[i];
        for (const auto& [t, q] : opt.others) {
            const double f = df[static_cast<std::size_t>(t)] * opt.scale;
            const double* a = q.fixed() ? nullptr : params + static_cast<std::uint64_t>(q.param) * stride;
            for (int d = 0; d < n; ++d)
                r.others[(d0 + static_cast<std::uint64_t>(d)) * I + i] += f * (a ? a[d] : q.value);
        }
    }
}

/// Copies block [d0, d0 + n) of the evaluator's option attribution into the result tables.
void store(const Evaluator& ev, const Plan& plan, std::uint64_t d0, int n, std::uint64_t N, OptionValues& r) {
    const std::size_t I = plan.options.size();
    const auto K = plan.priority_ids.size();
    for (std::size_t i = 0; i < I; ++i) {
        const int g = ev.group_of_option(static_cast<int>(i));
        const double* v = ev.group_value(g);
        const double* c = ev.group_cost(g);
        const auto lever = static_cast<std::size_t>(plan.options[i].lever);
        for (int d = 0; d < n; ++d) {
            const std::size_t at = (d0 + static_cast<std::uint64_t>(d)) * I + i;
            r.value[at] = v[d];
            r.cost[at] = c[d];
            r.lever_value[lever * N * I + at] = v[d];
        }
        // By priority from each outcome's attributed PV and its priority shares (the rest unallocated), the rule
        // of the Evaluator's own allocation; computed here because Evaluator::group_priority_value accumulates
        // across run() calls (reported to the lead).
        for (std::size_t o = 0; o < plan.outcomes.size(); ++o) {
            const double* pv = ev.group_outcome_pv(g, static_cast<int>(o));
            for (const auto& [k, share] : plan.outcomes[o].shares)
                add_to(r, pv, share, static_cast<std::size_t>(k), plan, d0, n, N, i);
            add_to(r, pv, plan.outcomes[o].unallocated_share, static_cast<std::size_t>(K), plan, d0, n, N, i);
        }
    }
    if (plan.people) weighted(ev, plan, d0, n, r);
}

}  // namespace

OptionValues option_values(const model::Scenario& scenario, const values::Library& library,
                           const OptionValuesOptions& o) {
    if (o.draws < 1) throw SamplingError("option values: draws: expected a number >= 1, found 0");
    if (o.threads < 0)
        throw SamplingError("option values: threads: expected a number >= 0 (0 = one per core), found " +
                            std::to_string(o.threads));
    if (o.block_size < 1)
        throw SamplingError("option values: block_size: expected a number >= 1, found " +
                            std::to_string(o.block_size));
    if (o.first_draw >= o.draws || o.count > o.draws - o.first_draw)
        throw SamplingError("option values: draws " + std::to_string(o.first_draw) + ".." +
                            std::to_string(o.first_draw + o.count) + ": expected a range inside the run's " +
                            std::to_string(o.draws) + " draws");
    const std::uint64_t first = o.first_draw, count = o.count ? o.count : o.draws - o.first_draw;
    const model::Scenario pool = candidate_pool(scenario, o.candidates);
    const Plan plan = compile(pool, library);
    const ParameterSampler sampler(pool, o.seed, o.sampler, o.draws);

    OptionValues r;
    r.draws = count;
    r.seed = o.seed;
    r.sampler = o.sampler;
    for (const auto& f : pool.funded) {
        const auto& opt = pool.options[static_cast<std::size_t>(f.option)];
        r.option_ids.push_back(opt.id);
        r.option_levers.push_back(lever_name(opt.lever));
        r.funded.push_back(std::any_of(scenario.funded.begin(), scenario.funded.end(),
                                       [&](const model::Funding& g) { return g.option == f.option; }));
        r.scale.push_back(f.scale);
        r.start.push_back(f.start);
    }
    r.priority_ids = plan.priority_ids;
    for (auto p : plan.priority_pillars) r.priority_pillars.push_back(pillar_name(p));
    r.priority_ids.push_back("unallocated");
    r.priority_pillars.push_back("unallocated");
    const std::size_t I = plan.options.size(), N = count, K1 = r.priority_ids.size();
    r.value.assign(N * I, 0.0);
    r.cost.assign(N * I, 0.0);
    r.others.assign(N * I, 0.0);
    r.pillar_value.assign(4 * N * I, 0.0);
    r.lever_value.assign(3 * N * I, 0.0);
    r.priority_value.assign(K1 * N * I, 0.0);
    if (plan.people) r.weighted_value.assign(N * I, 0.0);

    const std::uint64_t B = static_cast<std::uint64_t>(o.block_size);
    const std::uint64_t blocks = (count + B - 1) / B;
    const auto program = make_program(borrow(plan), Tracking::option);  // once, shared by every thread
    std::atomic<std::uint64_t> done{0};
    std::function<void()> poll;
    if (o.cancelled)
        poll = [&] {
            if (o.cancelled())
                throw Interrupted("option values: interrupted after " + std::to_string(done.load()) + " of " +
                                  std::to_string(count) + " draws; nothing is returned");
        };
    run_blocks(blocks, o.threads, [&] {
        auto ev = std::make_shared<Evaluator>(program, o.block_size);
        auto params = std::make_shared<std::vector<double>>(static_cast<std::size_t>(std::max(1, plan.n_params())) * B);
        return [&, ev, params](std::uint64_t b) {
            const std::uint64_t d0 = b * B;  // within the range; draw first + d0 of the run
            const int n = static_cast<int>(std::min(B, count - d0));
            sampler.sample(first + d0, static_cast<std::size_t>(n), params->data(), B);
            ev->run(params->data(), B, n);
            store(*ev, plan, d0, n, N, r);
            others(plan, params->data(), B, d0, n, r);
            done += static_cast<std::uint64_t>(n);
        };
    }, poll);
    return r;
}

}  // namespace socval::analysis
