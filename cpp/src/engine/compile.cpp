/// compile(): a validated scenario + the value library -> a flat evaluation plan. All library look-ups, price
/// rebasing and discount factors happen here, once, so that block evaluation is arithmetic on arrays only.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <socval/appraisal.hpp>
#include <socval/engine/plan.hpp>
#include <socval/errors.hpp>
#include <socval/graph.hpp>

namespace socval::engine {

const char* lever_name(model::Lever lever) { return model::to_string(lever); }
const char* pillar_name(model::Pillar pillar) { return model::to_string(pillar); }
const char* beneficiary_name(model::Beneficiary beneficiary) { return model::to_string(beneficiary); }

namespace {

/// Builds a plan from one scenario; each step is one member function.
class Compiler {
public:
    Compiler(const model::Scenario& s, const values::Library& lib) : s_(s), lib_(lib) {}

    Plan run() {
        meta();
        parameters();
        priorities();
        options();
        outcomes();
        outputs_and_links();
        places_and_people();
        plan_.order = model::build_graph(s_).outcome_order;  // lag-0 topological order; lag-0 cycles throw
        return std::move(plan_);
    }

private:
    const model::Scenario& s_;
    const values::Library& lib_;
    Plan plan_;
    std::vector<int> plan_option_;  // scenario option index -> plan option index, -1 when not funded

    int H() const { return plan_.horizon; }

    void meta() {
        const auto& m = s_.meta;
        if (m.horizon < 1)
            throw ScenarioError("scenario.horizon: expected a whole number of years >= 1, found " +
                                std::to_string(m.horizon));
        if (m.price_base_year == 0)
            throw ScenarioError("scenario.price_base_year: expected a calendar year, found none");
        plan_.name = m.name;
        plan_.horizon = m.horizon;
        plan_.first_year = m.first_year;
        plan_.price_base_year = m.price_base_year;
        plan_.cost_schedule = schedule_index(m.schedule);
    }

    /// Index of a named discount schedule in the plan, adding its factors on first use.
    int schedule_index(const std::string& name) {
        for (std::size_t i = 0; i < plan_.schedule_names.size(); ++i)
            if (plan_.schedule_names[i] == name) return static_cast<int>(i);
        plan_.discount.push_back(lib_.schedule(name).factors(H()));
        plan_.schedule_names.push_back(name);
        return static_cast<int>(plan_.schedule_names.size() - 1);
    }

    Q q(const model::Quantity& x, const Location& where, const std::string& what) const {
        if (x.param >= static_cast<int>(s_.parameters.size()))
            throw ScenarioError(where, what + ": expected a parameter index below " +
                                           std::to_string(s_.parameters.size()) + ", found " +
                                           std::to_string(x.param));
        Q r;
        r.param = x.param;
        r.value = x.uncertain() ? plan_.central[static_cast<std::size_t>(x.param)] : x.value;
        return r;
    }

    void parameters() {
        for (const auto& p : s_.parameters) {
            plan_.parameter_ids.push_back(p.id);
            plan_.central.push_back(p.distribution.central());
        }
    }

    void priorities() {
        for (const auto& p : s_.priorities) {
            plan_.priority_ids.push_back(p.id);
            plan_.priority_pillars.push_back(p.pillar);
        }
    }

    void options() {
        plan_option_.assign(s_.options.size(), -1);
        for (const auto& f : s_.funded) {
            if (f.option < 0 || static_cast<std::size_t>(f.option) >= s_.options.size())
                throw ScenarioError("scenario.funded: expected an option index below " +
                                    std::to_string(s_.options.size()) + ", found " + std::to_string(f.option));
            const auto& o = s_.options[static_cast<std::size_t>(f.option)];
            if (plan_option_[static_cast<std::size_t>(f.option)] >= 0)
                throw ScenarioError(o.where, "scenario.funded: expected each option funded once, found " + o.id +
                                                 " twice");
            if (!(f.scale > 0))
                throw ScenarioError(o.where, "scenario.funded." + o.id + ".scale: expected a number > 0, found " +
                                                 std::to_string(f.scale));
            plan_option_[static_cast<std::size_t>(f.option)] = static_cast<int>(plan_.options.size());
            OptionPlan op;
            op.option = f.option;
            op.id = o.id;
            op.lever = o.lever;
            op.scale = f.scale;
            op.start = f.start;
            op.funded_year.assign(static_cast<std::size_t>(H()), 0);
            optimism_bias(o, op);
            int beyond = 0;
            for (const auto& c : o.costs) {
                int t = f.start + op.delay + c.year;
                if (t < 0 || t >= H()) { ++beyond; continue; }
                op.costs.push_back({t, q(c.capital, o.where, o.id + ".costs.capital"),
                                    q(c.revenue, o.where, o.id + ".costs.revenue")});
                op.funded_year[static_cast<std::size_t>(t)] = 1;
            }
            for (const auto& c : o.costs_to_others) {
                const int t = f.start + op.delay + c.year;
                if (t < 0 || t >= H()) { ++beyond; continue; }
                op.others.emplace_back(t, q(c.amount, c.where, o.id + ".costs_to_others.amount"));
            }
            std::stable_sort(op.costs.begin(), op.costs.end(),
                             [](const CostEntry& a, const CostEntry& b) { return a.year < b.year; });
            if (beyond > 0)
                plan_.warnings.push_back("option " + o.id + ": " + std::to_string(beyond) +
                                         " year(s) of its cost profile fall outside the appraisal horizon and "
                                         "are not appraised");
            plan_.options.push_back(std::move(op));
        }
    }

    /// Optimism bias of a funded option (docs/model/appraisal.md): capital costs by the capital bound of their
    /// category, revenue costs by an operating bound (the revenue category's, else the category's own), each
    /// reduced by its mitigation; the works-duration uplift as a delay of round(u_d x works years) whole years;
    /// the benefits shortfall.
    void optimism_bias(const model::Option& o, OptionPlan& op) {
        op.mitigation = q(o.optimism_bias_mitigation, o.where, o.id + ".optimism_bias.mitigation");
        op.revenue_mitigation = op.mitigation;
        op.benefits_shortfall = q(o.benefits_shortfall, o.where, o.id + ".benefits_shortfall");
        if (o.optimism_bias_category.empty()) return;
        const std::string where = "options." + o.id + ".optimism_bias";
        const auto& cat = lib_.optimism_bias(o.optimism_bias_category);
        bool has_capital = false;  // any capital cost that is not a fixed zero
        int first = -1, last = -1;
        for (const auto& c : o.costs)
            if (c.capital.uncertain() || c.capital.value != 0) {
                has_capital = true;
                if (first < 0 || c.year < first) first = c.year;
                last = std::max(last, c.year);
            }
        if (cat.has_capital) op.ob_capital_upper = cat.capital_upper;
        else if (has_capital)
            throw ScenarioError(o.where, where + ".category: expected a category with a capital-cost bound for an "
                                         "option with capital costs, found '" + cat.id +
                                         "' (its bound is on operating costs)");
        op.ob_duration_upper = cat.duration_upper;
        appraisal::optimism_bias_uplift(op.ob_capital_upper, op.mitigation.value);  // validates
        if (!o.optimism_bias_revenue_category.empty()) {
            const auto& rc = lib_.optimism_bias(o.optimism_bias_revenue_category);
            if (!rc.has_operating)
                throw ScenarioError(o.where, where + ".revenue.category: expected a category with an operating-cost "
                                             "bound (outsourcing), found '" + rc.id + "'");
            op.ob_revenue_upper = rc.operating_upper;
            op.revenue_mitigation =
                q(o.optimism_bias_revenue_mitigation, o.where, o.id + ".optimism_bias.revenue.mitigation");
        } else if (cat.has_operating) {
            op.ob_revenue_upper = cat.operating_upper;
        }
        appraisal::optimism_bias_uplift(op.ob_revenue_upper, op.revenue_mitigation.value);  // validates
        if (o.optimism_bias_works_duration) {
            if (!cat.has_duration)
                throw ScenarioError(o.where, where + ".works_duration: expected a category with a works-duration "
                                             "bound, found '" + cat.id + "'");
            if (!has_capital)
                throw ScenarioError(o.where, where + ".works_duration: expected capital works to delay, found no "
                                             "capital cost");
            const double u = appraisal::optimism_bias_uplift(cat.duration_upper, op.mitigation.value);
            op.delay = static_cast<int>(std::lround(u * (last - first + 1)));
        }
    }

    /// GBP per valued unit by appraisal year, in the scenario's price base.
    std::vector<double> unit_price(const model::Outcome& o, bool& monetised) {
        const auto& v = o.valuation;
        const int pb = plan_.price_base_year;
        std::vector<double> price(static_cast<std::size_t>(H()), 0.0);
        monetised = v.kind != model::Valuation::Kind::none;
        double constant = 0;
        switch (v.kind) {
            case model::Valuation::Kind::none: return price;
            case model::Valuation::Kind::money:
                constant = (v.price_base_year == 0 || v.price_base_year == pb) ? 1.0
                                                                                : lib_.rebase(1.0, v.price_base_year, pb);
                break;
            case model::Valuation::Kind::wellby: constant = lib_.wellby_value(v.library_case, pb); break;
            case model::Valuation::Kind::qaly: constant = lib_.qaly_value(v.library_case, pb); break;
            case model::Valuation::Kind::unit_value: constant = lib_.unit_value(v.library_id, v.library_case, pb); break;
            case model::Valuation::Kind::carbon: {
                std::vector<int> held;
                for (int t = 0; t < H(); ++t) {
                    const int year = plan_.first_year + t;
                    try {
                        price[static_cast<std::size_t>(t)] = lib_.carbon_value(year, s_.meta.carbon_case, pb);
                    } catch (const ValueLibraryError&) {
                        price[static_cast<std::size_t>(t)] =
                            lib_.carbon_value(year, s_.meta.carbon_case, pb, values::Extrapolation::hold);
                        held.push_back(year);
                    }
                }
                if (!held.empty())
                    plan_.warnings.push_back("outcome " + o.id + ": no published carbon value for " +
                                             std::to_string(held.front()) + "-" + std::to_string(held.back()) +
                                             "; the nearest published year's value is held");
                return price;
            }
        }
        std::fill(price.begin(), price.end(), constant);
        return price;
    }

    void outcomes() {
        const auto n_priorities = s_.priorities.size();
        for (const auto& o : s_.outcomes) {
            OutcomePlan op;
            op.id = o.id;
            op.unit = o.unit;
            op.beneficiary = o.beneficiary;
            op.deadweight = q(o.deadweight, o.where, o.id + ".deadweight");
            op.displacement = q(o.displacement, o.where, o.id + ".displacement");
            op.leakage = q(o.leakage, o.where, o.id + ".leakage");
            op.substitution = q(o.substitution, o.where, o.id + ".substitution");
            op.attribution = q(o.attribution, o.where, o.id + ".attribution");
            op.drop_off = q(o.drop_off, o.where, o.id + ".drop_off");
            if (o.lag < 0)
                throw ScenarioError(o.where, o.id + ".lag: expected a whole number of years >= 0, found " +
                                                 std::to_string(o.lag));
            if (o.duration < 1)
                throw ScenarioError(o.where, o.id + ".duration: expected a whole number of years >= 1, found " +
                                                 std::to_string(o.duration));
            op.lag = o.lag;
            op.duration = o.duration;
            try {  // the central values (fixed numbers included) must be valid shares
                appraisal::Additionality{op.deadweight.value, op.displacement.value, op.leakage.value,
                                         op.substitution.value, op.attribution.value}
                    .validate();
                appraisal::Persistence{o.lag, o.duration, op.drop_off.value}.validate();
            } catch (const AppraisalError& e) {
                throw ScenarioError(o.where, "outcome " + o.id + ": " + e.what());
            }
            op.per_unit = q(o.valuation.per_unit, o.where, o.id + ".valuation.per_unit");
            op.value = q(o.valuation.library_value, o.where, o.id + ".valuation.library_value");
            op.value_central = o.valuation.library_central;
            op.unit_price = unit_price(o, op.monetised);
            op.schedule = o.schedule ? schedule_index(*o.schedule) : plan_.cost_schedule;
            double total_share = 0;
            for (const auto& ps : o.priorities) {
                if (ps.priority < 0 || static_cast<std::size_t>(ps.priority) >= n_priorities)
                    throw ScenarioError(o.where, o.id + ".priorities: expected a priority index below " +
                                                     std::to_string(n_priorities) + ", found " +
                                                     std::to_string(ps.priority));
                if (!(ps.share >= 0 && ps.share <= 1))
                    throw ScenarioError(o.where, o.id + ".priorities: expected a share in [0, 1], found " +
                                                     std::to_string(ps.share));
                total_share += ps.share;
                op.shares.emplace_back(ps.priority, ps.share);
            }
            if (total_share > 1 + 1e-9)
                throw ScenarioError(o.where, o.id + ".priorities: expected shares summing to at most 1, found " +
                                                 std::to_string(total_share));
            // Shares written to sum to 1 leave nothing unallocated, not +-1e-16 of the PV.
            op.unallocated_share = std::abs(1.0 - total_share) < 1e-12 ? 0.0 : 1.0 - total_share;
            plan_.outcomes.push_back(std::move(op));
        }
    }

    /// Shares by place and by income quintile (docs/model/distribution.md): an outcome's or option's own shares,
    /// else by place the populations' shares and by quintile the scenario's default (else none: unallocated);
    /// the log income ratios ln(median / income_q) of the distributional weights and eta.
    void places_and_people() {
        const std::size_t n_places = s_.places.size();
        double population = 0;
        for (const auto& p : s_.places) {
            plan_.place_ids.push_back(p.id);
            population += p.population;
        }
        std::vector<Q> by_population;
        for (const auto& p : s_.places) by_population.push_back(Q{-1, p.population / population});
        auto shares = [&](const std::vector<model::Quantity>& own, std::size_t n, const Location& where,
                          const std::string& what, const std::vector<Q>& fallback) {
            if (own.empty()) return fallback;
            if (own.size() != n)
                throw ScenarioError(where, what + ": expected " + std::to_string(n) + " shares, found " +
                                               std::to_string(own.size()));
            std::vector<Q> out;
            for (const auto& x : own) out.push_back(q(x, where, what));
            return out;
        };
        for (std::size_t o = 0; o < plan_.outcomes.size(); ++o) {
            const auto& oc = s_.outcomes[o];
            if (n_places)
                plan_.outcomes[o].place_shares = shares(oc.place_shares, n_places, oc.where, oc.id + ".places",
                                                        by_population);
            else if (!oc.place_shares.empty())
                throw ScenarioError(oc.where, oc.id + ".places: expected no shares by place (no places declared)");
        }
        for (auto& op : plan_.options) {
            const auto& o = s_.options[static_cast<std::size_t>(op.option)];
            if (n_places) op.place_shares = shares(o.place_shares, n_places, o.where, o.id + ".places", by_population);
        }
        deciles();
        const auto& pe = s_.people;
        if (!pe.declared) return;
        if (pe.quintile_incomes.size() != static_cast<std::size_t>(model::kQuintiles) || !(pe.median_income > 0))
            throw ScenarioError(pe.where, "people.incomes: expected a median and 5 quintile incomes > 0");
        plan_.people = true;
        for (double y : pe.quintile_incomes) {
            if (!(y > 0)) throw ScenarioError(pe.where, "people.incomes: expected incomes > 0");
            plan_.log_income_ratio.push_back(std::log(pe.median_income / y));
        }
        plan_.eta = q(pe.eta, pe.where, "people.eta");
        std::vector<Q> fallback;
        if (!pe.default_shares.empty())
            fallback = shares(pe.default_shares, model::kQuintiles, pe.where, "people.default", {});
        for (std::size_t o = 0; o < plan_.outcomes.size(); ++o) {
            const auto& oc = s_.outcomes[o];
            plan_.outcomes[o].quintile_shares =
                shares(oc.quintile_shares, model::kQuintiles, oc.where, oc.id + ".people", fallback);
        }
    }

    /// Shares by IMD decile: the breakdown exists when some outcome gives them; others' value is unallocated.
    void deciles() {
        for (std::size_t o = 0; o < plan_.outcomes.size(); ++o) {
            const auto& oc = s_.outcomes[o];
            if (oc.decile_shares.empty()) continue;
            if (oc.decile_shares.size() != static_cast<std::size_t>(model::kDeciles))
                throw ScenarioError(oc.where, oc.id + ".people.imd_decile: expected 10 shares, found " +
                                                  std::to_string(oc.decile_shares.size()));
            plan_.deciles = true;
            for (const auto& x : oc.decile_shares)
                plan_.outcomes[o].decile_shares.push_back(q(x, oc.where, oc.id + ".people.imd_decile"));
        }
    }

    void outputs_and_links() {
        const int n_outcomes = static_cast<int>(s_.outcomes.size());
        auto check_outcome = [&](int idx, const Location& where, const std::string& what) {
            if (idx < 0 || idx >= n_outcomes)
                throw ScenarioError(where, what + ": expected an outcome index below " + std::to_string(n_outcomes) +
                                               ", found " + std::to_string(idx));
        };
        for (std::size_t i = 0; i < plan_.options.size(); ++i) {
            const auto& o = s_.options[static_cast<std::size_t>(plan_.options[i].option)];
            for (const auto& out : o.outputs) {
                check_outcome(out.outcome, out.where, o.id + ".outputs");
                OutputPlan p;
                p.option = static_cast<int>(i);
                p.amount = q(out.amount, out.where, o.id + ".outputs.amount");
                p.per_pound = out.basis == model::Output::Basis::per_pound;
                plan_.outcomes[static_cast<std::size_t>(out.outcome)].outputs.push_back(p);
            }
        }
        for (const auto& l : s_.links) {
            check_outcome(l.to, l.where, "link.to");
            if (l.lag < 0)
                throw ScenarioError(l.where, "link.lag: expected a whole number of years >= 0, found " +
                                                 std::to_string(l.lag));
            LinkPlan p;
            p.lag = l.lag;
            p.from_option = l.from_kind == model::Link::From::option;
            if (p.from_option) {
                if (l.from < 0 || static_cast<std::size_t>(l.from) >= s_.options.size())
                    throw ScenarioError(l.where, "link.from: expected an option index below " +
                                                     std::to_string(s_.options.size()) + ", found " +
                                                     std::to_string(l.from));
                p.from = plan_option_[static_cast<std::size_t>(l.from)];
                if (p.from < 0) continue;  // an unfunded option spends nothing
            } else {
                check_outcome(l.from, l.where, "link.from");
                p.from = l.from;
            }
            p.coefficient = q(l.coefficient, l.where, "link.coefficient");
            p.saturating = l.form == model::LinkForm::saturating;
            if (p.saturating) {
                p.cap = q(l.cap, l.where, "link.cap");
                if (!(p.cap.value > 0))
                    throw ScenarioError(l.where, "link.cap: expected a number > 0 for a saturating link, found " +
                                                     std::to_string(p.cap.value));
            }
            plan_.outcomes[static_cast<std::size_t>(l.to)].links.push_back(p);
        }
    }
};

}  // namespace

Plan compile(const model::Scenario& scenario, const values::Library& library) {
    return Compiler(scenario, library).run();
}

}  // namespace socval::engine
