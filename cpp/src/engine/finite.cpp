/// Finite or refused: the check after each evaluated part, and the message that names where it first failed.
#include "finite.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <socval/errors.hpp>

namespace socval::engine {

namespace {

/// Sum of x * 0 over n values: 0 when every value is finite, NaN otherwise (vectorises, no branch per draw).
double poison(const double* x, int n) {
    double s = 0;
    for (int d = 0; d < n; ++d) s += x[d] * 0.0;
    return s;
}

std::string value_text(double x) {
    return std::isnan(x) ? "NaN (not a number)" : x > 0 ? "+infinity" : "-infinity";
}

}  // namespace

int first_non_finite(const Plan& plan, const Evaluator& ev, int n) {
    double s = poison(ev.pv_costs(), n) + poison(ev.pv_benefits(), n);
    for (int o = 0; o < static_cast<int>(plan.outcomes.size()); ++o)
        s += poison(ev.outcome_total(o), n) + poison(ev.outcome_pv(o), n);
    if (s == 0.0) return -1;
    for (int d = 0; d < n; ++d) {
        bool bad = !std::isfinite(ev.pv_costs()[d]) || !std::isfinite(ev.pv_benefits()[d]);
        for (int o = 0; !bad && o < static_cast<int>(plan.outcomes.size()); ++o)
            bad = !std::isfinite(ev.outcome_total(o)[d]) || !std::isfinite(ev.outcome_pv(o)[d]);
        if (bad) return d;
    }
    return -1;
}

void refuse_non_finite(const Plan& plan, const Evaluator& ev, const double* params, std::size_t stride, int lane,
                       const std::string& draw, const std::string& reproduce) {
    const std::size_t d = static_cast<std::size_t>(lane);
    auto param = [&](int p) { return params[static_cast<std::size_t>(p) * stride + d]; };
    std::string where;
    for (int p = 0; p < plan.n_params() && where.empty(); ++p)
        if (!std::isfinite(param(p)))
            where = "parameter '" + plan.parameter_ids[static_cast<std::size_t>(p)] + "' drew " +
                    value_text(param(p));
    // Outcomes in evaluation order: the first one that is not finite is where it started.
    for (int o : plan.order) {
        if (!where.empty()) break;
        const double total = ev.outcome_total(o)[d], pv = ev.outcome_pv(o)[d];
        if (std::isfinite(total) && std::isfinite(pv)) continue;
        const OutcomePlan& oc = plan.outcomes[static_cast<std::size_t>(o)];
        where = "outcome '" + oc.id + "' reaches " + value_text(std::isfinite(total) ? pv : total) +
                (std::isfinite(total) ? " in present value" : "");
        std::string into;
        for (const LinkPlan& l : oc.links)
            into += std::string(into.empty() ? "" : ", ") +
                    (l.from_option ? plan.options[static_cast<std::size_t>(l.from)].id
                                   : plan.outcomes[static_cast<std::size_t>(l.from)].id) +
                    " -> " + oc.id + (l.saturating ? " (saturating)" : "");
        std::string outs;
        for (const OutputPlan& x : oc.outputs)
            outs += std::string(outs.empty() ? "" : ", ") + plan.options[static_cast<std::size_t>(x.option)].id;
        if (!into.empty()) where += "; links into it: " + into;
        if (!outs.empty()) where += "; options with outputs into it: " + outs;
    }
    if (where.empty()) {
        const double c = ev.pv_costs()[d];
        std::string ids;
        for (const OptionPlan& op : plan.options) ids += std::string(ids.empty() ? "" : ", ") + op.id;
        where = std::isfinite(c) ? "the PV of benefits is " + value_text(ev.pv_benefits()[d])
                                 : "the PV of costs of the funded options (" + ids + ") is " + value_text(c);
    }
    // The parameters of that draw with the largest magnitude: the likely cause when all are finite.
    std::vector<int> idx;
    for (int p = 0; p < plan.n_params(); ++p) idx.push_back(p);
    std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return std::fabs(param(a)) > std::fabs(param(b)); });
    std::string big;
    for (std::size_t k = 0; k < idx.size() && k < 3; ++k)
        big += std::string(k ? ", " : "") + plan.parameter_ids[static_cast<std::size_t>(idx[k])] + " = " +
               show(param(idx[k]));
    throw ScenarioError("the appraisal of '" + plan.name + "' is not finite at " + draw + " (" + reproduce +
                        "): " + where + (big.empty() ? "" : "; largest parameters in that draw: " + big) +
                        ". Narrow the distributions or bound the links (e.g. a saturating link's cap) so that the "
                        "values stay finite");
}

}  // namespace socval::engine
