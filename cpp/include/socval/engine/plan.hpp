#pragma once
/// The evaluation plan: a model::Scenario compiled against the value library into flat arrays (indices, per-year
/// unit values already rebased to the scenario's price base, discount factors per year and per schedule), so that
/// evaluating a block of draws touches no map, string or library lookup. Built once, shared read-only by threads.
#include <string>
#include <vector>

#include <socval/model.hpp>
#include <socval/values.hpp>

namespace socval::engine {

/// A number of the plan: fixed, or row `param` of the parameter block.
struct Q {
    int param = -1;    ///< index into the parameter block, or -1 when fixed
    double value = 0;  ///< the fixed value (or the central value when uncertain, for information)
    bool fixed() const { return param < 0; }
};

/// One year of a funded option's cost profile, placed on the appraisal timeline.
struct CostEntry {
    int year = 0;  ///< appraisal year (funding start + profile year), inside [0, horizon)
    Q capital;     ///< GBP in the scenario's price base, before scale and optimism bias
    Q revenue;
};

/// A funded option: scale, start, its cost entries, and its optimism bias.
struct OptionPlan {
    int option = -1;  ///< index into model::Scenario::options
    std::string id;
    model::Lever lever = model::Lever::commissioning;
    double scale = 1;
    int start = 0;
    std::vector<CostEntry> costs;    ///< sorted by year, only years inside the horizon
    std::vector<char> funded_year;   ///< per appraisal year: 1 when the cost profile lists that year
    double ob_capital_upper = 0;     ///< library upper bound of the capital uplift (0 without a category)
    double ob_duration_upper = 0;    ///< library upper bound of the works-duration uplift
    Q mitigation;                    ///< share of the upper bound mitigated, in [0, 1]
    double ob_revenue_upper = 0;     ///< operating-cost upper bound applied to revenue costs (0: none)
    Q revenue_mitigation;            ///< share of the revenue bound mitigated, in [0, 1]
    int delay = 0;                   ///< works-duration uplift applied as a delay of costs and outputs, whole years
    Q benefits_shortfall;            ///< share of the option's outputs not delivered, in [0, 1]
    std::vector<std::pair<int, Q>> others;  ///< costs to others: (appraisal year, GBP before scale), in the horizon
    std::vector<Q> place_shares;     ///< shares of its spend by place (Plan::place_ids); normalised per draw
};

/// A direct output of a funded option into an outcome.
struct OutputPlan {
    int option = -1;         ///< index into Plan::options
    Q amount;                ///< units per year funded, or per GBP of pre-uplift spend
    bool per_pound = false;
};

/// A link into an outcome: gross(t) += f(source level(t - lag)).
struct LinkPlan {
    bool from_option = false;  ///< source is Plan::options[from] (its pre-uplift spend), else Plan::outcomes[from]
    int from = -1;
    int lag = 0;
    Q coefficient;
    bool saturating = false;
    Q cap;  ///< saturating only: f(x) = cap (1 - exp(-coefficient x / cap))
};

/// An outcome with everything the evaluation needs, per year where it depends on the year.
struct OutcomePlan {
    std::string id;
    std::string unit;
    model::Beneficiary beneficiary = model::Beneficiary::social;
    Q deadweight, displacement, leakage, substitution, attribution;
    int lag = 0;
    int duration = 1;
    Q drop_off;
    Q per_unit;                       ///< valued units per unit of outcome (Valuation::per_unit)
    Q value;                          ///< a sampled library value ("value:<id>"); unit price x value / value_central
    double value_central = 1.0;
    std::vector<double> unit_price;   ///< GBP (price base) per valued unit, by appraisal year; zeros if not monetised
    bool monetised = false;
    int schedule = 0;                 ///< index into Plan::discount
    std::vector<std::pair<int, double>> shares;  ///< (priority index, share)
    double unallocated_share = 1.0;   ///< 1 - sum of shares, exactly 0 when that is round-off (< 1e-12)
    std::vector<OutputPlan> outputs;
    std::vector<LinkPlan> links;
    std::vector<Q> place_shares;     ///< shares of its value by place (Plan::place_ids); normalised per draw
    std::vector<Q> quintile_shares;  ///< by income quintile q1..q5, normalised per draw; empty: unallocated
    std::vector<Q> decile_shares;    ///< by IMD decile d1..d10, normalised per draw; empty: unallocated
};

/// The compiled scenario.
struct Plan {
    std::string name;
    int horizon = 0;
    int first_year = 0;
    int price_base_year = 0;
    std::vector<std::string> parameter_ids;  ///< one per row of the parameter block (= Scenario::parameters)
    std::vector<double> central;             ///< each parameter's central value (Distribution::central())
    std::vector<OptionPlan> options;         ///< funded options only, in Scenario::funded order
    std::vector<OutcomePlan> outcomes;       ///< every outcome, in Scenario::outcomes order
    std::vector<int> order;                  ///< evaluation order of outcomes: lag-0 links respected
    std::vector<std::string> schedule_names;
    std::vector<std::vector<double>> discount;  ///< discount factor by schedule, by appraisal year
    int cost_schedule = 0;                   ///< the scenario's schedule (costs are discounted with it)
    std::vector<std::string> priority_ids;
    std::vector<model::Pillar> priority_pillars;
    std::vector<std::string> warnings;       ///< e.g. carbon values held beyond the published table
    std::vector<std::string> place_ids;      ///< places of the breakdown by place (empty: none)
    bool people = false;                     ///< breakdown by income quintile and distributional weights
    std::vector<double> log_income_ratio;    ///< ln(median income / income of quintile q), q1..q5
    Q eta;                                   ///< elasticity of the marginal utility of income
    bool deciles = false;                    ///< breakdown by IMD decile (some outcome gives people.imd_decile)

    int n_params() const { return static_cast<int>(parameter_ids.size()); }
};

/// Compiles a validated scenario against the value library: resolves optimism bias categories, library values
/// (rebased to the scenario's price base; carbon by calendar year in the scenario's carbon case), discount
/// schedules, and the lag-0 evaluation order (model::build_graph). Throws ScenarioError (dangling index, cycle without lag, bad
/// horizon) or ValueLibraryError (unknown schedule, category or unit value).
Plan compile(const model::Scenario& scenario, const values::Library& library);

/// Names used in result tables.
const char* lever_name(model::Lever lever);
const char* pillar_name(model::Pillar pillar);
const char* beneficiary_name(model::Beneficiary beneficiary);

}  // namespace socval::engine
