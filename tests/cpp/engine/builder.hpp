#pragma once
// Builds model::Scenario objects in code for the engine tests (no YAML involved).
#include <string>

#include <socval/model.hpp>
#include <socval/values.hpp>

namespace enginetest {

using namespace socval;

/// The project's value library (data/), loaded once.
inline const values::Library& library() {
    static const values::Library lib = values::Library::load(SOCVAL_SOURCE_DIR "/data");
    return lib;
}

inline model::Quantity fixed(double v) { return model::Quantity{v, -1}; }

/// A small scenario under construction.
struct Builder {
    model::Scenario s;

    explicit Builder(int horizon, int first_year = 2025, int price_base = 2024, const std::string& schedule = "standard") {
        s.meta.name = "test";
        s.meta.horizon = horizon;
        s.meta.first_year = first_year;
        s.meta.price_base_year = price_base;
        s.meta.schedule = schedule;
    }

    /// An uncertain number with the given distribution.
    model::Quantity param(const std::string& id, const Distribution& d) {
        s.parameters.push_back({id, d, {}});
        return model::Quantity{d.central(), static_cast<int>(s.parameters.size() - 1)};
    }

    int priority(const std::string& id, model::Pillar pillar = model::Pillar::social) {
        model::Priority p;
        p.id = id;
        p.name = id;
        p.pillar = pillar;
        s.priorities.push_back(p);
        return static_cast<int>(s.priorities.size() - 1);
    }

    /// An outcome valued at `gbp_per_unit` in the scenario's price base (0 = not monetised).
    model::Outcome& outcome(const std::string& id, double gbp_per_unit = 0) {
        model::Outcome o;
        o.id = id;
        o.name = id;
        o.unit = "units";
        if (gbp_per_unit != 0) {
            o.valuation.kind = model::Valuation::Kind::money;
            o.valuation.per_unit = fixed(gbp_per_unit);
            o.valuation.price_base_year = s.meta.price_base_year;
        }
        s.outcomes.push_back(o);
        return s.outcomes.back();
    }
    int outcome_index(const std::string& id) const {
        for (std::size_t i = 0; i < s.outcomes.size(); ++i)
            if (s.outcomes[i].id == id) return static_cast<int>(i);
        return -1;
    }
    int option_index(const std::string& id) const {
        for (std::size_t i = 0; i < s.options.size(); ++i)
            if (s.options[i].id == id) return static_cast<int>(i);
        return -1;
    }

    model::Option& option(const std::string& id, model::Lever lever = model::Lever::commissioning) {
        model::Option o;
        o.id = id;
        o.name = id;
        o.lever = lever;
        s.options.push_back(o);
        return s.options.back();
    }
    static void cost(model::Option& o, int year, double capital, double revenue) {
        o.costs.push_back({year, fixed(capital), fixed(revenue)});
    }
    void output(const std::string& option, const std::string& outcome, model::Quantity amount,
                model::Output::Basis basis = model::Output::Basis::per_year) {
        model::Output out;
        out.outcome = outcome_index(outcome);
        out.amount = amount;
        out.basis = basis;
        s.options[static_cast<std::size_t>(option_index(option))].outputs.push_back(out);
    }
    void fund(const std::string& option, double scale = 1, int start = 0) {
        s.funded.push_back({option_index(option), scale, start, {}});
    }
    model::Link& link(const std::string& from, const std::string& to, model::Quantity coefficient, int lag = 0) {
        model::Link l;
        const int oi = option_index(from);
        if (oi >= 0) {
            l.from_kind = model::Link::From::option;
            l.from = oi;
        } else {
            l.from_kind = model::Link::From::outcome;
            l.from = outcome_index(from);
        }
        l.to = outcome_index(to);
        l.coefficient = coefficient;
        l.lag = lag;
        s.links.push_back(l);
        return s.links.back();
    }
    model::Link& saturating(const std::string& from, const std::string& to, model::Quantity coefficient,
                            model::Quantity cap, int lag = 0) {
        model::Link& l = link(from, to, coefficient, lag);
        l.form = model::LinkForm::saturating;
        l.cap = cap;
        return l;
    }
    void serve(const std::string& outcome, int priority, double share) {
        s.outcomes[static_cast<std::size_t>(outcome_index(outcome))].priorities.push_back({priority, share});
    }
};

}  // namespace enginetest
