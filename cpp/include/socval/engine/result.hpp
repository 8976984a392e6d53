#pragma once
/// The deterministic appraisal of a scenario: headline figures, value by priority / pillar / lever /
/// beneficiary, physical totals, per-year flows and the option -> priority attribution table.
#include <array>
#include <string>
#include <vector>

#include <socval/engine/plan.hpp>

namespace socval::engine {

/// One row of the attribution table (a Sankey link): PV value of `priority` that comes from `option`.
struct AttributionRow {
    std::string option;
    std::string lever;
    std::string priority;  ///< a priority id, or "unallocated"
    std::string pillar;    ///< the priority's pillar, or "unallocated"
    double value = 0;
};

/// Everything a deterministic evaluation reports. Money in GBP, scenario price base; PV with the schedules.
struct AppraisalResult {
    std::string scenario;
    int price_base_year = 0;
    int first_year = 0;
    int horizon = 0;
    std::string schedule;

    double pv_costs = 0;       ///< with optimism bias
    double pv_investment = 0;  ///< before optimism bias
    double pv_others = 0;      ///< costs to others (suppliers, partners, participants), part of pv_costs
    double pv_benefits = 0;
    double npsv = 0;
    double bcr = 0;   ///< (pv_benefits - pv_others) / (pv_costs - pv_others): public sector cost; NaN when that is 0
    double sroi = 0;  ///< NaN when pv_investment == 0

    std::vector<std::string> priority_ids;      ///< the priorities, then "unallocated"
    std::vector<std::string> priority_pillars;  ///< pillar of each (and "unallocated")
    std::vector<double> priority_value;
    std::array<double, 4> pillar_value{};       ///< social, economic, environmental, unallocated
    std::array<double, 3> lever_value{};        ///< commissioning, anchor, employer
    std::array<double, 3> lever_cost{};         ///< PV costs with optimism bias by lever
    std::array<double, 3> beneficiary_value{};  ///< fiscal, economic, social

    std::vector<std::string> option_ids;        ///< funded options
    std::vector<std::string> option_levers;
    std::vector<double> option_value;           ///< PV value attributed to each funded option
    std::vector<double> option_cost;            ///< PV costs with optimism bias of each funded option
    std::vector<double> option_ob_capital;      ///< capital uplift applied (upper x (1 - mitigation))
    std::vector<double> option_ob_duration;     ///< duration uplift (upper x (1 - mitigation))
    std::vector<double> option_ob_revenue;      ///< revenue (operating cost) uplift applied
    std::vector<int> option_delay;              ///< works-duration delay applied, whole years

    std::vector<std::string> outcome_ids;
    std::vector<std::string> outcome_units;
    std::vector<std::string> outcome_beneficiaries;
    std::vector<double> outcome_total;  ///< undiscounted sum of levels over the horizon
    std::vector<double> outcome_pv;     ///< PV value

    std::vector<int> years;                  ///< calendar years of the horizon
    std::vector<double> cost;                ///< by year, with optimism bias
    std::vector<double> investment;          ///< by year, before optimism bias
    std::vector<double> benefits;            ///< by year
    std::vector<double> discount_factor;     ///< scenario schedule, by year
    std::vector<double> pv_cost;             ///< discounted cost by year
    std::vector<double> pv_benefit;          ///< discounted benefits by year (each outcome's schedule)
    std::vector<std::vector<double>> level;  ///< [outcome][year]
    std::vector<std::vector<double>> value;  ///< [outcome][year], undiscounted

    std::vector<AttributionRow> attribution;  ///< option x priority (incl. unallocated), non-zero rows
    std::vector<std::string> warnings;
};

/// Deterministic appraisal: one draw with every parameter at its central value, through Evaluator (the same
/// code path as Monte Carlo), tracking options for the attribution table.
AppraisalResult evaluate(const Plan& plan);
/// compile() then evaluate(); scenario warnings are carried into the result.
AppraisalResult evaluate(const model::Scenario& scenario, const values::Library& library);

}  // namespace socval::engine
