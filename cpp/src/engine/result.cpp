/// The deterministic appraisal: one draw at the central values through the block evaluator (the Monte Carlo
/// code path), tracking each funded option so that value can be attributed from options to priorities.
#include <vector>

#include <socval/engine/evaluator.hpp>
#include <socval/engine/result.hpp>

#include "finite.hpp"

namespace socval::engine {

AppraisalResult evaluate(const Plan& plan) {
    Evaluator ev(plan, Tracking::option, 1);
    ev.run(plan.central.data(), 1, 1);
    if (first_non_finite(plan, ev, 1) == 0)
        refuse_non_finite(plan, ev, plan.central.data(), 1, 0, "the central values", "the deterministic appraisal");
    // Value and cost by lever as the Monte Carlo engine computes them (the adjoint pass of lever tracking), so
    // that a simulation whose parameters are all at their central values reproduces them bit for bit.
    Evaluator levers(plan, Tracking::lever, 1);
    levers.run(plan.central.data(), 1, 1);
    const int H = plan.horizon, O = static_cast<int>(plan.outcomes.size()),
              I = static_cast<int>(plan.options.size()), K = static_cast<int>(plan.priority_ids.size());

    AppraisalResult r;
    r.scenario = plan.name;
    r.price_base_year = plan.price_base_year;
    r.first_year = plan.first_year;
    r.horizon = H;
    r.schedule = plan.schedule_names[static_cast<std::size_t>(plan.cost_schedule)];
    r.pv_costs = ev.pv_costs()[0];
    r.pv_investment = ev.pv_investment()[0];
    r.pv_others = ev.pv_others()[0];
    r.pv_benefits = ev.pv_benefits()[0];
    r.npsv = ev.npsv()[0];
    r.bcr = ev.bcr()[0];
    r.sroi = ev.sroi()[0];

    for (int k = 0; k <= K; ++k) {
        const bool unallocated = k == K;
        r.priority_ids.push_back(unallocated ? "unallocated" : plan.priority_ids[static_cast<std::size_t>(k)]);
        r.priority_pillars.push_back(unallocated ? "unallocated"
                                                 : pillar_name(plan.priority_pillars[static_cast<std::size_t>(k)]));
        r.priority_value.push_back(ev.priority_value(k)[0]);
    }
    for (int p = 0; p < 4; ++p) r.pillar_value[static_cast<std::size_t>(p)] = ev.pillar_value(p)[0];
    for (int b = 0; b < 3; ++b) r.beneficiary_value[static_cast<std::size_t>(b)] = ev.beneficiary_value(b)[0];
    for (int l = 0; l < 3; ++l) {
        r.lever_value[static_cast<std::size_t>(l)] = I ? levers.lever_value(l)[0] : 0.0;
        r.lever_cost[static_cast<std::size_t>(l)] = I ? levers.lever_cost(l)[0] : 0.0;
    }

    for (int i = 0; i < I; ++i) {
        const auto& opt = plan.options[static_cast<std::size_t>(i)];
        r.option_ids.push_back(opt.id);
        r.option_levers.push_back(lever_name(opt.lever));
        r.option_value.push_back(ev.group_value(i)[0]);
        r.option_cost.push_back(ev.group_cost(i)[0]);
        r.option_ob_capital.push_back(opt.ob_capital_upper * (1.0 - opt.mitigation.value));
        r.option_ob_duration.push_back(opt.ob_duration_upper * (1.0 - opt.mitigation.value));
        r.option_ob_revenue.push_back(opt.ob_revenue_upper * (1.0 - opt.revenue_mitigation.value));
        r.option_delay.push_back(opt.delay);
        for (int k = 0; k <= K; ++k) {
            const double v = ev.group_priority_value(i, k)[0];
            if (v == 0.0) continue;
            r.attribution.push_back({opt.id, lever_name(opt.lever), r.priority_ids[static_cast<std::size_t>(k)],
                                     r.priority_pillars[static_cast<std::size_t>(k)], v});
        }
    }

    r.level.assign(static_cast<std::size_t>(O), std::vector<double>(static_cast<std::size_t>(H)));
    r.value.assign(static_cast<std::size_t>(O), std::vector<double>(static_cast<std::size_t>(H)));
    r.pv_benefit.assign(static_cast<std::size_t>(H), 0.0);
    for (int o = 0; o < O; ++o) {
        const auto& oc = plan.outcomes[static_cast<std::size_t>(o)];
        r.outcome_ids.push_back(oc.id);
        r.outcome_units.push_back(oc.unit);
        r.outcome_beneficiaries.push_back(beneficiary_name(oc.beneficiary));
        r.outcome_total.push_back(ev.outcome_total(o)[0]);
        r.outcome_pv.push_back(ev.outcome_pv(o)[0]);
        const auto& df = plan.discount[static_cast<std::size_t>(oc.schedule)];
        for (int t = 0; t < H; ++t) {
            const auto ts = static_cast<std::size_t>(t);
            r.level[static_cast<std::size_t>(o)][ts] = ev.level(o, t)[0];
            r.value[static_cast<std::size_t>(o)][ts] = ev.value(o, t)[0];
            r.pv_benefit[ts] += ev.value(o, t)[0] * df[ts];
        }
    }
    const auto& df = plan.discount[static_cast<std::size_t>(plan.cost_schedule)];
    for (int t = 0; t < H; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        r.years.push_back(plan.first_year + t);
        r.cost.push_back(ev.cost(t)[0]);
        r.investment.push_back(ev.investment(t)[0]);
        r.benefits.push_back(ev.benefits(t)[0]);
        r.discount_factor.push_back(df[ts]);
        r.pv_cost.push_back(ev.cost(t)[0] * df[ts]);
    }
    r.warnings = plan.warnings;
    return r;
}

AppraisalResult evaluate(const model::Scenario& scenario, const values::Library& library) {
    Plan plan = compile(scenario, library);
    AppraisalResult r = evaluate(plan);
    std::vector<std::string> warnings = scenario.warnings;
    warnings.insert(warnings.end(), r.warnings.begin(), r.warnings.end());
    r.warnings = std::move(warnings);
    return r;
}

}  // namespace socval::engine
