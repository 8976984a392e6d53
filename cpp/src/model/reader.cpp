/// From the merged scenario document to a validated model::Scenario: every section, reference and parameter is
/// checked, uncertain numbers become parameters with stable ids, and the decision graph is checked.
#include <algorithm>
#include <cmath>
#include <map>
#include <new>
#include <iomanip>
#include <set>
#include <sstream>

#include <socval/graph.hpp>
#include <socval/model.hpp>

#include "distribution_node.hpp"
#include "fields.hpp"
#include "loader.hpp"
#include "node.hpp"

namespace socval::model {

namespace {

using namespace detail;

const std::vector<std::string> kCases = {"low", "central", "high"};
const std::vector<std::string> kForms = {"linear", "saturating"};
const std::vector<std::string> kBases = {"year", "pound"};
const std::vector<std::string> kValueKinds = {"none", "money", "carbon", "wellby", "qaly", "unit_value"};

/// Tag vocabularies of the external frameworks a priority may be tagged with ("other" is free text).
const std::map<std::string, std::vector<std::string>>& tag_vocabularies() {
    static const std::map<std::string, std::vector<std::string>> v = {
        {"marmot",
         {"best_start", "capabilities_control", "fair_employment", "healthy_standard_of_living",
          "healthy_sustainable_places", "ill_health_prevention", "tackle_discrimination",
          "environmental_sustainability"}},
        {"ppn002", {"economic_inequality", "climate", "equal_opportunity", "wellbeing", "covid_recovery"}},
        {"toms", {"jobs", "growth", "social", "environment", "innovation"}},
        {"other", {}},
    };
    return v;
}

std::vector<std::string> keys_of(const std::map<std::string, int>& m) {
    std::vector<std::string> k;
    for (const auto& kv : m) k.push_back(kv.first);
    return k;
}

values::Case to_case(std::size_t i) {
    return i == 0 ? values::Case::low : i == 2 ? values::Case::high : values::Case::central;
}

/// Builds a Scenario from the merged document, section by section, in dependency order.
class Builder {
public:
    Builder(const values::Library& lib, Scenario& sc) : lib_(lib), sc_(sc) {}

    void build(const Node& doc) {
        if (!doc.is_map()) expected(doc, "", "a scenario document (a map of sections)");
        metadata(required(doc, "", "metadata", "a map with name, price_base_year, horizon, ..."));
        places(section(doc, "places"));
        people(doc.find("people"));
        priorities(section(doc, "priorities"));
        outcomes(section(doc, "outcomes"));
        options(section(doc, "options"));
        links(section(doc, "links"));
        scenario(doc.find("scenario"));
        correlations(section(doc, "correlations"));
        indicators(doc.find("indicators"));
    }

private:
    const values::Library& lib_;
    Scenario& sc_;
    std::map<std::string, int> priority_, outcome_, option_, param_;
    std::map<std::string, Location> vertex_where_;  ///< ids of priorities, outcomes and options (one namespace)
    std::set<std::string> fixed_slots_;             ///< parameter ids that were written as plain numbers

    /// A list section (absent or empty = no items).
    const Node* section(const Node& doc, const std::string& key) {
        const Node* s = doc.find(key);
        if (!s || s->is_null()) return nullptr;
        if (!s->is_sequence()) expected(*s, key, "a list of items (each starting with '- ')");
        return s;
    }

    /// A number or a distribution; uncertain ones become parameters with the stable id `param_id`.
    Quantity quantity(const Node& n, const std::string& path, const std::string& param_id, const Bounds& b) {
        if (is_number(n)) {
            const Distribution d = Distribution::fixed(as_number(n, path));
            check_bounds(n, path, d, b);
            fixed_slots_.insert(param_id);
            return Quantity{d.central(), -1};
        }
        if (!n.is_map() || !n.find("dist"))
            not_a_number(n, path, std::string(b.what) + " or a distribution {dist: ..., ...}");
        const Distribution d = read_distribution(n, path);
        check_bounds(n, path, d, b);
        if (d.is_fixed()) {
            fixed_slots_.insert(param_id);
            return Quantity{d.central(), -1};
        }
        const int index = static_cast<int>(sc_.parameters.size());
        sc_.parameters.push_back(Parameter{param_id, d, at(n, path)});
        param_[param_id] = index;
        return Quantity{d.central(), index};
    }

    /// `indicators`: which outcome is each headline indicator (docs/formats/scenario.md); checked here, read by
    /// the Python indicators from the merged document. Null = the scenario has no such outcome.
    void indicators(const Node* n) {
        if (!n || n->is_null()) return;
        static const std::vector<std::string> kIndicators = {"round1", "round2", "round3", "local_jobs",
                                                             "apprenticeships"};
        require_map(*n, "indicators", "a map of headline indicators to outcome ids, e.g. {round1: spend_round1}");
        check_keys(*n, "indicators", kIndicators, "a headline indicator");
        for (const Member& m : n->members) {
            if (m.value.is_null()) continue;
            const std::string path = child("indicators", m.key);
            const std::string id = as_id(m.value, path);
            if (!outcome_.count(id))
                fail(m.value, path, "expected the id of an outcome of the scenario, found '" + id + "'" +
                                        did_you_mean(id, keys_of(outcome_)));
        }
    }

    /// `places:` the places of the region (docs/formats/scenario.md, "Places and people"): unique ids, a name, a
    /// population >= 0 (the default shares) and its source; the populations must not all be zero.
    void places(const Node* list) {
        if (!list) return;
        double total = 0;
        std::map<std::string, Location> seen;
        for (std::size_t i = 0; i < list->items.size(); ++i) {
            const Node& item = list->items[i];
            std::string path = indexed("places", i);
            require_map(item, path, "a place {id, name, population, source}");
            Place pl;
            const Node& idn = required(item, path, "id", "an id, e.g. bristol");
            pl.id = as_id(idn, child(path, "id"));
            if (auto [it, fresh] = seen.emplace(pl.id, idn.where); !fresh) {
                Location first = it->second;
                first.key.clear();
                fail(idn, child(path, "id"), "duplicate place id '" + pl.id + "': already defined at " + first.str());
            }
            path = "places." + pl.id;
            check_keys(item, path, {"id", "name", "population", "source"}, "a place");
            pl.where = item.where;
            pl.name = pl.id;
            if (const Node* n = item.find("name")) pl.name = as_string(*n, child(path, "name"));
            if (const Node* s = item.find("source")) pl.source = as_string(*s, child(path, "source"));
            if (const Node* n = item.find("population")) {
                pl.population = as_number(*n, child(path, "population"));
                if (!(pl.population >= 0))
                    fail(*n, child(path, "population"), "expected a number of residents >= 0, found " + n->text);
            }
            total += pl.population;
            sc_.places.push_back(pl);
        }
        if (sc_.places.empty()) return;
        if (!(total > 0))
            fail(*list, "places", "expected at least one place with a population > 0 (the default shares of value and "
                                  "spend by place are proportional to the populations), found none");
    }

    /// `people:` who benefits: the income table of the distributional weights (the library's `incomes` unless given),
    /// eta (uncertain by default when values are sampled) and the default quintile shares of outcomes.
    void people(const Node* n) {
        if (!n || n->is_null()) return;
        const std::string path = "people";
        require_map(*n, path, "who benefits {eta, incomes, default}");
        check_keys(*n, path, {"eta", "incomes", "default"}, "people");
        People& pe = sc_.people;
        pe.declared = true;
        pe.where = n->where;
        if (const Node* in = n->find("incomes"); in && !in->is_null()) {
            const std::string ip = child(path, "incomes");
            require_map(*in, ip, "an income table {median, quintiles: {q1, ..., q5}, source}");
            check_keys(*in, ip, {"median", "quintiles", "source"}, "an income table");
            const Node& med = required(*in, ip, "median", "the median equivalised household income, GBP a year");
            pe.median_income = as_number(med, child(ip, "median"));
            if (!(pe.median_income > 0)) fail(med, child(ip, "median"), "expected an income > 0, found " + med.text);
            const Node& qs = required(*in, ip, "quintiles", "the median income of each quintile {q1: ..., q5: ...}");
            const std::string qp = child(ip, "quintiles");
            require_map(qs, qp, "the median income of each quintile {q1: ..., q5: ...}");
            check_keys(qs, qp, quintile_words(), "an income quintile");
            for (const auto& q : quintile_words()) {
                const Node& v = required(qs, qp, q, "the median equivalised income of quintile " + q);
                const double x = as_number(v, child(qp, q));
                if (!(x > 0)) fail(v, child(qp, q), "expected an income > 0, found " + v.text);
                if (!pe.quintile_incomes.empty() && !(x > pe.quintile_incomes.back()))
                    fail(v, child(qp, q), "expected quintile incomes increasing from q1 to q5, found " + v.text +
                                              " after " + std::to_string(pe.quintile_incomes.back()));
                pe.quintile_incomes.push_back(x);
            }
            pe.income_source = "scenario";
            if (const Node* s = in->find("source")) pe.income_source = as_string(*s, child(ip, "source"));
        } else {
            if (!lib_.has_incomes())
                fail(*n, path, "expected people.incomes {median, quintiles}: the value library has no 'incomes' table");
            const auto& t = lib_.incomes();
            pe.median_income = t.median;
            pe.quintile_incomes = t.quintiles;
            pe.income_source = "value library: incomes";
        }
        static const Bounds kEta{0.0, 10.0, false, "an elasticity of the marginal utility of income in [0, 10]"};
        if (const Node* e = n->find("eta")) {
            pe.eta = quantity(*e, child(path, "eta"), child(path, "eta"), kEta);
        } else if (sc_.meta.values == "sampled") {  // uncertain by default, as library values are (documented)
            const Distribution d = Distribution::triangular(1.0, 1.3, 1.6);
            const int index = static_cast<int>(sc_.parameters.size());
            sc_.parameters.push_back(Parameter{"people.eta", d, at(*n, path)});
            param_["people.eta"] = index;
            pe.eta = Quantity{d.central(), index};
        }
        if (const Node* d = n->find("default"); d && !d->is_null())
            pe.default_shares = quintile_shares(*d, child(path, "default"));
    }

    /// Shares by place or by quintile: a map {label: share} over `labels` (a label left out has share 0), each share
    /// fixed or uncertain in [0, 1] (uncertain ones are parameters "<path>.<label>"), central values summing to 1.
    std::vector<Quantity> share_map(const Node& n, const std::string& path, const std::vector<std::string>& labels,
                                    const std::string& what, const std::string& hint) {
        require_map(n, path, "shares by " + what + " {" + labels.front() + ": share, ...} summing to 1");
        no_empty_values(n, path, "a share in [0, 1]");
        std::vector<Quantity> out(labels.size(), Quantity{0, -1});
        double total = 0;
        for (const Member& m : n.members) {
            const std::string sp = child(path, m.key);
            const auto it = std::find(labels.begin(), labels.end(), m.key);
            if (it == labels.end()) {
                Location l = m.key_where;
                l.key = sp;
                throw ScenarioError(l, std::string("expected ") + (what[0] == 'i' || what[0] == 'I' ? "an " : "a ") + what + " (one of: " + join(labels) + "), found '" + m.key +
                                           "'" + did_you_mean(m.key, labels));
            }
            const Quantity q = quantity(m.value, sp, sp, kShare);
            out[static_cast<std::size_t>(it - labels.begin())] = q;
            total += q.value;
        }
        if (std::fabs(total - 1.0) > 1e-6) {
            std::ostringstream sum;
            sum << std::setprecision(10) << total;
            fail(n, path, "expected shares by " + what + " summing to 1 (within 1e-6; uncertain shares by their "
                          "central values), found a sum of " + sum.str() + (total < 1 ? hint : std::string()));
        }
        return out;
    }

    std::vector<Quantity> place_shares(const Node& n, const std::string& path) {
        if (sc_.places.empty())
            fail(n, path, "expected no shares by place: the scenario declares no places (add a `places:` section)");
        std::vector<std::string> ids;
        for (const auto& p : sc_.places) ids.push_back(p.id);
        return share_map(n, path, ids, "place",
                         ": give the rest to a place (e.g. rest_of_uk for value leaving the region)");
    }

    std::vector<Quantity> quintile_shares(const Node& n, const std::string& path) {
        return share_map(n, path, quintile_words(), "income quintile",
                         ": give the rest to a quintile, or leave out `people:` for an outcome no quintile claims");
    }

    /// An outcome's `people:`: shares by income quintile {q1: ..} and, under `imd_decile`, by deprivation decile
    /// {d1: .., d10: ..}; each set sums to 1 on its own (docs/formats/scenario.md, "Places and people").
    void outcome_people(const Node& n, const std::string& path, Outcome& oc) {
        const Node* d = n.is_map() ? n.find("imd_decile") : nullptr;
        if (!d) {
            oc.quintile_shares = quintile_shares(n, path);
            return;
        }
        if (!d->is_null())
            oc.decile_shares = share_map(*d, child(path, "imd_decile"), decile_words(), "IMD decile",
                                         ": give the rest to a decile, or leave out `imd_decile` for an outcome no "
                                         "decile claims");
        Node quintiles = n;  // the quintile shares: every other key
        quintiles.members.erase(std::remove_if(quintiles.members.begin(), quintiles.members.end(),
                                               [](const Member& m) { return m.key == "imd_decile"; }),
                                quintiles.members.end());
        if (!quintiles.members.empty()) oc.quintile_shares = quintile_shares(quintiles, path);
    }

    /// An id unique across priorities, outcomes and options (the vertices of the decision graph).
    std::string vertex_id(const Node& item, const std::string& path, const std::string& what) {
        const Node& idn = required(item, path, "id", "an id");
        const std::string id = as_id(idn, child(path, "id"));
        auto [it, fresh] = vertex_where_.emplace(id, idn.where);
        if (!fresh) {
            Location first = it->second;
            first.key.clear();
            fail(idn, child(path, "id"), "duplicate id '" + id + "' for " + what + ": already defined at " +
                                             first.str() + "; ids of priorities, outcomes and options are unique");
        }
        return id;
    }

    /// A year counted from a start (appraisal year 0, or the option's start), a whole number in [0, hi]; a calendar
    /// year written where an offset is expected is named as such.
    /// A year counted from a start (appraisal year 0, or the option's start), a whole number in [0, 1000]; a calendar
    /// year written where an offset is expected is named as such.
    int offset_year(const Node& n, const std::string& path, const std::string& expect,
                    const std::string& counted_from) {
        double x = 0;
        if (is_number(n) && (x = as_number(n, path)) >= 1000 && x <= 3000 && x == std::floor(x))
            fail(n, path,
                 "expected " + expect + ", found " + n.text + ", which looks like a calendar year: years here are "
                 "offsets from " + counted_from + " (0 = the first year), not calendar years; this scenario's first "
                 "appraisal year (year 0) is " + std::to_string(sc_.meta.first_year) +
                 (x >= sc_.meta.first_year ? ", so " + n.text + " is year " +
                                                 std::to_string(static_cast<int>(x) - sc_.meta.first_year)
                                           : std::string()));
        return as_int(n, path, 0, 1000, expect);
    }

    int library_year(const Node& n, const std::string& path) {
        const int year = as_int(n, path, 1000, 3000, "a calendar year");
        try {
            lib_.deflator(year);
        } catch (const Error& e) {
            fail(n, path, "expected a price base year covered by the value library's GDP deflator table, found " +
                              std::to_string(year) + " (" + e.what() + ")");
        }
        return year;
    }

    std::string schedule(const Node& n, const std::string& path) {
        const auto names = lib_.schedule_names();
        return names[as_choice(n, path, names, "a discount schedule of the value library")];
    }

    void metadata(const Node& m) {
        const std::string p = "metadata";
        require_map(m, p, "the metadata");
        check_keys(m, p,
                   {"name", "description", "price_base_year", "first_year", "horizon", "schedule", "carbon_case",
                    "values"},
                   "metadata");
        Metadata& md = sc_.meta;
        md.name = as_string(required(m, p, "name", "the scenario's name"), "metadata.name");
        if (const Node* d = m.find("description")) md.description = as_string(*d, "metadata.description");
        md.price_base_year = library_year(required(m, p, "price_base_year", "the price base year, e.g. 2024"),
                                          "metadata.price_base_year");
        md.first_year = md.price_base_year;
        if (const Node* f = m.find("first_year"))
            md.first_year = as_int(*f, "metadata.first_year", 1000, 3000, "a calendar year");
        md.horizon = as_int(required(m, p, "horizon", "the number of appraisal years, e.g. 30"), "metadata.horizon", 1,
                            1000, "a whole number of years from 1 to 1000");
        if (const Node* s = m.find("schedule")) md.schedule = schedule(*s, "metadata.schedule");
        if (const Node* v = m.find("values")) {  // value uncertainty: sampled, or every value fixed at one case
            static const std::vector<std::string> modes = {"sampled", "low", "central", "high"};
            md.values = modes[as_choice(*v, "metadata.values", modes, "a values mode")];
            if (md.values != "sampled") md.carbon_case = values::parse_case(md.values);
        }
        if (const Node* c = m.find("carbon_case")) {
            md.carbon_case = to_case(as_choice(*c, "metadata.carbon_case", kCases, "a carbon value case"));
            md.carbon_case_given = true;
        }
    }

    /// The shared parameter of a library value (docs/model/appraisal.md, value uncertainty): "value:wellby",
    /// "value:qaly", "value:carbon" or "value:<unit value id>", created at its first use and shared by every outcome
    /// that uses the value. Triangular(low, central, high) in the library's price base (carbon: the multiple of the
    /// DESNZ central path, triangular(0.5, 1, 1.5), DESNZ's low and high paths being 50% and 150% of central).
    /// A value without a published range stays fixed.
    void value_parameter(const Node& v, const std::string& path, Valuation& val) {
        std::string id;
        values::Range r;
        switch (val.kind) {
            case Valuation::Kind::wellby: {
                id = "wellby";
                const int pb = lib_.provenance("wellby").price_base_year;
                r = {lib_.wellby_value(values::Case::low, pb), lib_.wellby_value(values::Case::central, pb),
                     lib_.wellby_value(values::Case::high, pb)};
                break;
            }
            case Valuation::Kind::qaly: {
                id = "qaly";
                const int pb = lib_.provenance("qaly").price_base_year;
                r = {lib_.qaly_value(values::Case::low, pb), lib_.qaly_value(values::Case::central, pb),
                     lib_.qaly_value(values::Case::high, pb)};
                break;
            }
            case Valuation::Kind::unit_value:
                id = val.library_id;
                r = lib_.unit_value_entry(val.library_id).value;
                break;
            case Valuation::Kind::carbon:
                id = "carbon";
                r = {0.5, 1.0, 1.5};
                break;
            default: return;
        }
        if (!(r.low < r.high) || r.central == 0.0) return;  // no range (or no scale): the value stays fixed
        const std::string pid = "value:" + id;
        val.library_central = r.central;
        auto it = param_.find(pid);
        if (it == param_.end()) {
            const Distribution d = Distribution::triangular(r.low, r.central, r.high);
            it = param_.emplace(pid, static_cast<int>(sc_.parameters.size())).first;
            sc_.parameters.push_back(Parameter{pid, d, at(v, path)});
        }
        val.library_value = Quantity{sc_.parameters[static_cast<std::size_t>(it->second)].distribution.central(), it->second};
    }

    /// An outcome's place-perspective overrides (docs/model/appraisal.md, perspectives): checked here, where
    /// messages can name the file, line and column, then left out of this (UK) scenario; the place variant
    /// (socval.perspectives) puts them in the outcome's place.
    void place(const Node& pl, const std::string& path) {
        static const std::vector<std::string> shares = {"deadweight", "displacement", "leakage", "substitution",
                                                        "attribution"};
        std::vector<std::string> keys = shares;
        keys.push_back("value");
        require_map(pl, path, "place-perspective overrides {deadweight, displacement, leakage, substitution, "
                              "attribution, value}");
        check_keys(pl, path, keys, "place-perspective overrides");
        const std::size_t n = sc_.parameters.size();
        for (const auto& k : shares)
            if (const Node* s = pl.find(k)) quantity(*s, child(path, k), child(path, k), kShare);
        if (const Node* v = pl.find("value")) valuation(*v, child(path, "value"));
        while (sc_.parameters.size() > n) {  // validation only: not parameters of the UK scenario
            param_.erase(sc_.parameters.back().id);
            sc_.parameters.pop_back();
        }
    }

    void priorities(const Node* list) {
        if (!list) return;
        for (std::size_t i = 0; i < list->items.size(); ++i) {
            const Node& item = list->items[i];
            std::string path = indexed("priorities", i);
            require_map(item, path, "a priority");
            Priority pr;
            pr.id = vertex_id(item, path, "a priority");
            path = "priorities." + pr.id;
            check_keys(item, path, {"id", "name", "description", "pillar", "tags"}, "a priority");
            pr.where = item.where;
            pr.name = pr.id;
            if (const Node* n = item.find("name")) pr.name = as_string(*n, child(path, "name"));
            if (const Node* d = item.find("description")) pr.description = as_string(*d, child(path, "description"));
            pr.pillar = static_cast<Pillar>(
                as_choice(required(item, path, "pillar", "social, economic or environmental"), child(path, "pillar"),
                          pillar_words(), "a pillar"));
            if (const Node* t = item.find("tags"); t && !t->is_null()) pr.tags = tags(*t, child(path, "tags"));
            priority_[pr.id] = static_cast<int>(sc_.priorities.size());
            sc_.priorities.push_back(pr);
        }
    }

    std::map<std::string, std::vector<std::string>> tags(const Node& t, const std::string& path) {
        const auto& vocab = tag_vocabularies();
        std::vector<std::string> frameworks;
        for (const auto& kv : vocab) frameworks.push_back(kv.first);
        require_map(t, path, "tags by framework (marmot, ppn002, toms, other)");
        check_keys(t, path, frameworks, "the tags of a priority");
        std::map<std::string, std::vector<std::string>> out;
        for (const Member& m : t.members) {
            const std::string fp = child(path, m.key);
            const auto& allowed = vocab.at(m.key);
            const auto list = as_string_list(m.value, fp);
            for (std::size_t k = 0; k < list.size(); ++k)
                if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), list[k]) == allowed.end()) {
                    const Node& at_node = m.value.is_sequence() ? m.value.items[k] : m.value;
                    fail(at_node, m.value.is_sequence() ? indexed(fp, k) : fp,
                         "expected a " + m.key + " tag (one of: " + join(allowed) + "), found '" + list[k] + "'" +
                             did_you_mean(list[k], allowed));
                }
            out[m.key] = list;
        }
        return out;
    }

    void outcomes(const Node* list) {
        if (!list) return;
        for (std::size_t i = 0; i < list->items.size(); ++i) {
            const Node& item = list->items[i];
            std::string path = indexed("outcomes", i);
            require_map(item, path, "an outcome");
            Outcome oc;
            oc.id = vertex_id(item, path, "an outcome");
            path = "outcomes." + oc.id;
            check_keys(item, path,
                       {"id", "name", "description", "unit", "value", "beneficiary", "deadweight", "displacement",
                        "leakage", "substitution", "attribution", "lag", "duration", "drop_off", "priorities",
                        "schedule", "place", "places", "people"},
                       "an outcome");
            oc.where = item.where;
            oc.name = oc.id;
            if (const Node* n = item.find("name")) oc.name = as_string(*n, child(path, "name"));
            if (const Node* d = item.find("description")) oc.description = as_string(*d, child(path, "description"));
            oc.unit = as_string(required(item, path, "unit", "the unit of one outcome, e.g. 'FTE job-year'"),
                                child(path, "unit"));
            if (const Node* v = item.find("value")) oc.valuation = valuation(*v, child(path, "value"));
            if (const Node* b = item.find("beneficiary"))
                oc.beneficiary = static_cast<Beneficiary>(
                    as_choice(*b, child(path, "beneficiary"), beneficiary_words(), "a beneficiary"));
            auto share = [&](const char* key, Quantity& q) {
                if (const Node* s = item.find(key)) q = quantity(*s, child(path, key), child(path, key), kShare);
            };
            share("deadweight", oc.deadweight);
            share("displacement", oc.displacement);
            share("leakage", oc.leakage);
            share("substitution", oc.substitution);
            share("attribution", oc.attribution);
            share("drop_off", oc.drop_off);
            if (const Node* l = item.find("lag"))
                oc.lag = as_int(*l, child(path, "lag"), 0, 1000, "a lag in whole years >= 0");
            if (const Node* d = item.find("duration"))
                oc.duration = as_int(*d, child(path, "duration"), 1, 1000, "a duration in whole years >= 1");
            if (const Node* p = item.find("priorities"); p && !p->is_null())
                oc.priorities = shares(*p, child(path, "priorities"));
            if (const Node* s = item.find("schedule")) oc.schedule = schedule(*s, child(path, "schedule"));
            if (const Node* pl = item.find("place"); pl && !pl->is_null()) place(*pl, child(path, "place"));
            if (const Node* pl = item.find("places"); pl && !pl->is_null())
                oc.place_shares = place_shares(*pl, child(path, "places"));
            if (const Node* pe = item.find("people"); pe && !pe->is_null()) outcome_people(*pe, child(path, "people"), oc);
            outcome_[oc.id] = static_cast<int>(sc_.outcomes.size());
            sc_.outcomes.push_back(oc);
        }
    }

    std::vector<PriorityShare> shares(const Node& p, const std::string& path) {
        require_map(p, path, "priority shares {priority_id: share, ...}");
        no_empty_values(p, path, "a share in [0, 1]");
        std::vector<PriorityShare> out;
        double total = 0;
        for (const Member& m : p.members) {
            const std::string sp = child(path, m.key);
            auto it = priority_.find(m.key);
            if (it == priority_.end()) {
                Location l = m.key_where;
                l.key = sp;
                throw ScenarioError(l, "expected the id of a priority, found '" + m.key + "'" +
                                           did_you_mean(m.key, keys_of(priority_)) +
                                           "; priorities defined: " + join(keys_of(priority_)));
            }
            const double s = as_number(m.value, sp);
            if (s < 0 || s > 1) fail(m.value, sp, "expected a share in [0, 1], found " + m.value.text);
            total += s;
            out.push_back(PriorityShare{it->second, s});
        }
        if (total > 1 + 1e-9)
            fail(p, path, "expected priority shares summing to at most 1 (the rest is unallocated), found a sum of " +
                              std::to_string(total));
        return out;
    }

    Valuation valuation(const Node& v, const std::string& path) {
        Valuation val;
        const std::string pu = child(path, "per_unit");
        if (is_number(v) || (v.is_map() && v.find("dist"))) {  // shorthand: GBP per unit in the price base
            val.kind = Valuation::Kind::money;
            val.per_unit = quantity(v, path, pu, kAnyNumber);
            val.price_base_year = sc_.meta.price_base_year;
            return val;
        }
        if (v.is_scalar() && v.text == "none") return val;
        if (!v.is_map() || !v.find("kind"))
            expected(v, path, "a value per unit: a number (GBP), a distribution, 'none', or {kind: ...}");
        const std::size_t k = as_choice(*v.find("kind"), child(path, "kind"), kValueKinds, "a kind of value");
        val.kind = static_cast<Valuation::Kind>(k);
        switch (val.kind) {
            case Valuation::Kind::none:
                check_keys(v, path, {"kind"}, "a value of kind none");
                return val;
            case Valuation::Kind::money:
                check_keys(v, path, {"kind", "per_unit", "price_base_year"}, "a money value");
                val.per_unit = quantity(required(v, path, "per_unit", "GBP per unit"), pu, pu, kAnyNumber);
                val.price_base_year = sc_.meta.price_base_year;
                if (const Node* y = v.find("price_base_year"))
                    val.price_base_year = library_year(*y, child(path, "price_base_year"));
                return val;
            case Valuation::Kind::unit_value: {
                check_keys(v, path, {"kind", "library_id", "per_unit", "case"}, "a unit value of the library");
                const auto ids = lib_.unit_value_ids();
                val.library_id = ids[as_choice(required(v, path, "library_id", "a unit value id of the library"),
                                               child(path, "library_id"), ids, "a unit value id of the library")];
                break;
            }
            default:
                check_keys(v, path, {"kind", "per_unit", "case"}, "a " + kValueKinds[k] + " value");
        }
        const bool carbon = val.kind == Valuation::Kind::carbon;
        const bool sampled = sc_.meta.values == "sampled";
        val.library_case = carbon ? sc_.meta.carbon_case
                                  : sampled ? values::Case::central : values::parse_case(sc_.meta.values);
        bool pinned = carbon && sc_.meta.carbon_case_given;  // an explicit case fixes the value
        if (const Node* c = v.find("case")) {
            val.library_case = to_case(as_choice(*c, child(path, "case"), kCases, "a case"));
            pinned = true;
        }
        if (sampled && !pinned) value_parameter(v, path, val);
        if (const Node* q = v.find("per_unit")) val.per_unit = quantity(*q, pu, pu, kAnyNumber);
        return val;
    }

    int outcome_ref(const Node& n, const std::string& path, const std::string& id) {
        auto it = outcome_.find(id);
        if (it != outcome_.end()) return it->second;
        std::string hint = did_you_mean(id, keys_of(outcome_));
        if (option_.count(id)) hint = "; '" + id + "' is an option";
        if (priority_.count(id)) hint = "; '" + id + "' is a priority (outcomes serve priorities through their shares)";
        fail(n, path, "expected the id of an outcome, found '" + id + "'" + hint);
    }

    void options(const Node* list) {
        if (!list) return;
        for (std::size_t i = 0; i < list->items.size(); ++i) {
            const Node& item = list->items[i];
            std::string path = indexed("options", i);
            require_map(item, path, "an option");
            Option op;
            op.id = vertex_id(item, path, "an option");
            path = "options." + op.id;
            check_keys(item, path,
                       {"id", "name", "description", "lever", "costs", "optimism_bias", "benefits_shortfall",
                        "costs_to_others", "outputs", "places"},
                       "an option");
            op.where = item.where;
            op.name = op.id;
            if (const Node* n = item.find("name")) op.name = as_string(*n, child(path, "name"));
            if (const Node* d = item.find("description")) op.description = as_string(*d, child(path, "description"));
            op.lever = static_cast<Lever>(as_choice(required(item, path, "lever", "commissioning, anchor or employer"),
                                                    child(path, "lever"), lever_words(), "a lever"));
            if (const Node* c = item.find("costs"); c && !c->is_null()) op.costs = costs(*c, child(path, "costs"));
            if (const Node* ob = item.find("optimism_bias"); ob && !ob->is_null())
                optimism_bias(*ob, child(path, "optimism_bias"), op);
            if (const Node* c = item.find("costs_to_others"); c && !c->is_null())
                op.costs_to_others = costs_to_others(*c, child(path, "costs_to_others"));
            if (const Node* b = item.find("benefits_shortfall"))  // Green Book benefits shortfall, a share
                op.benefits_shortfall = quantity(*b, child(path, "benefits_shortfall"), child(path, "benefits_shortfall"), kShare);
            if (const Node* o = item.find("outputs"); o && !o->is_null()) op.outputs = outputs(*o, child(path, "outputs"));
            if (const Node* pl = item.find("places"); pl && !pl->is_null())
                op.place_shares = place_shares(*pl, child(path, "places"));
            option_[op.id] = static_cast<int>(sc_.options.size());
            sc_.options.push_back(op);
        }
    }

    std::vector<CostYear> costs(const Node& c, const std::string& path) {
        if (!c.is_sequence()) expected(c, path, "a list of cost years {year, capital, revenue}");
        std::vector<CostYear> out;
        std::map<int, std::size_t> years;
        for (std::size_t i = 0; i < c.items.size(); ++i) {
            const Node& e = c.items[i];
            const std::string ep = indexed(path, i);
            require_map(e, ep, "a cost year {year, capital, revenue}");
            check_keys(e, ep, {"year", "capital", "revenue"}, "a cost year");
            CostYear cy;
            const Node& y = required(e, ep, "year", "the year after the option's start, >= 0");
            const int h = sc_.meta.horizon;
            cy.year = offset_year(y, child(ep, "year"), "a year after the option's start, a whole number >= 0",
                                  "the option's start");
            if (cy.year >= h)
                fail(y, child(ep, "year"), "cost year " + std::to_string(cy.year) + " is outside the appraisal "
                                           "horizon of " + std::to_string(h) + " years (cost years run from 0, the "
                                           "option's start, to " + std::to_string(h - 1) + "); metadata.horizon sets "
                                           "the horizon");
            if (auto [it, fresh] = years.emplace(cy.year, i); !fresh)
                fail(y, child(ep, "year"), "year " + std::to_string(cy.year) + " is given twice (first in " +
                                               indexed(path, it->second) + "); give each cost year once");
            cy.capital = Quantity{0, -1};
            cy.revenue = Quantity{0, -1};
            if (const Node* k = e.find("capital")) cy.capital = quantity(*k, child(ep, "capital"), child(ep, "capital"), kNonNegative);
            if (const Node* r = e.find("revenue")) cy.revenue = quantity(*r, child(ep, "revenue"), child(ep, "revenue"), kNonNegative);
            out.push_back(cy);
        }
        return out;
    }

    /// costs_to_others: [{year, amount, bearer}], bearer suppliers | partners | participants.
    std::vector<OtherCost> costs_to_others(const Node& c, const std::string& path) {
        static const std::vector<std::string> bearers = {"suppliers", "partners", "participants"};
        if (!c.is_sequence()) expected(c, path, "a list of costs to others {year, amount, bearer}");
        std::vector<OtherCost> out;
        for (std::size_t i = 0; i < c.items.size(); ++i) {
            const Node& e = c.items[i];
            const std::string ep = indexed(path, i);
            require_map(e, ep, "a cost to others {year, amount, bearer}");
            check_keys(e, ep, {"year", "amount", "bearer"}, "a cost to others");
            OtherCost oc;
            oc.where = e.where;
            oc.year = as_int(required(e, ep, "year", "a whole number of years >= 0"), child(ep, "year"), 0, 1000,
                             "a whole number of years >= 0");
            oc.amount = quantity(required(e, ep, "amount", "GBP >= 0"), child(ep, "amount"), child(ep, "amount"),
                                 kNonNegative);
            oc.bearer = bearers[as_choice(required(e, ep, "bearer", "suppliers, partners or participants"),
                                          child(ep, "bearer"), bearers, "who bears the cost")];
            out.push_back(oc);
        }
        return out;
    }

    void optimism_bias(const Node& ob, const std::string& path, Option& op) {
        const auto categories = lib_.optimism_bias_categories();
        const std::string what = "an optimism bias category of the value library";
        if (ob.is_scalar()) {
            op.optimism_bias_category = categories[as_choice(ob, path, categories, what)];
            return;
        }
        require_map(ob, path, "optimism bias {category, mitigation, revenue, works_duration}");
        check_keys(ob, path, {"category", "mitigation", "revenue", "works_duration"}, "optimism bias");
        op.optimism_bias_category =
            categories[as_choice(required(ob, path, "category", what), child(path, "category"), categories, what)];
        if (const Node* m = ob.find("mitigation"))
            op.optimism_bias_mitigation = quantity(*m, child(path, "mitigation"), child(path, "mitigation"), kShare);
        if (const Node* w = ob.find("works_duration"))
            op.optimism_bias_works_duration = as_bool(*w, child(path, "works_duration"));
        if (const Node* r = ob.find("revenue"); r && !r->is_null()) {  // revenue costs' own (operating) category
            const std::string rp = child(path, "revenue");
            require_map(*r, rp, "optimism bias of revenue costs {category, mitigation}");
            check_keys(*r, rp, {"category", "mitigation"}, "optimism bias of revenue costs");
            op.optimism_bias_revenue_category =
                categories[as_choice(required(*r, rp, "category", what), child(rp, "category"), categories, what)];
            if (const Node* m = r->find("mitigation"))
                op.optimism_bias_revenue_mitigation = quantity(*m, child(rp, "mitigation"), child(rp, "mitigation"), kShare);
        }
    }

    std::vector<Output> outputs(const Node& o, const std::string& path) {
        require_map(o, path, "outputs {outcome_id: amount per year, ...}");
        no_empty_values(o, path, "an amount (units of the outcome per year or per GBP)");
        std::vector<Output> out;
        for (const Member& m : o.members) {
            const std::string op = child(path, m.key);
            Output x;
            Node key_node;
            key_node.where = m.key_where;
            x.outcome = outcome_ref(key_node, op, m.key);
            x.where = m.key_where;
            const std::string pid = child(op, "amount");
            if (m.value.is_map() && !m.value.find("dist")) {
                check_keys(m.value, op, {"amount", "per"}, "an output");
                x.amount = quantity(required(m.value, op, "amount", "units of the outcome per year or per GBP"), pid,
                                    pid, kAnyNumber);
                if (const Node* b = m.value.find("per"))
                    x.basis = static_cast<Output::Basis>(as_choice(*b, child(op, "per"), kBases, "a basis"));
            } else {
                x.amount = quantity(m.value, op, pid, kAnyNumber);
            }
            out.push_back(x);
        }
        return out;
    }

    void links(const Node* list) {
        if (!list) return;
        std::map<std::string, Location> seen;
        for (std::size_t i = 0; i < list->items.size(); ++i) {
            const Node& item = list->items[i];
            std::string path = indexed("links", i);
            require_map(item, path, "a link");
            Link ln;
            const Node& from = required(item, path, "from", "the id of an option or outcome");
            const Node& to = required(item, path, "to", "the id of an outcome");
            const std::string from_id = as_string(from, child(path, "from"));
            const std::string to_id = as_string(to, child(path, "to"));
            ln.id = from_id + "->" + to_id;
            if (const Node* id = item.find("id")) ln.id = as_id(*id, child(path, "id"));
            path = "links." + ln.id;
            check_keys(item, path, {"id", "from", "to", "coefficient", "lag", "form", "cap"}, "a link");
            if (auto [it, fresh] = seen.emplace(ln.id, item.where); !fresh) {
                Location first = it->second;
                first.key.clear();
                fail(item, path, "duplicate link '" + ln.id + "': already defined at " + first.str() +
                                     "; give parallel links distinct ids");
            }
            ln.where = item.where;
            if (auto it = option_.find(from_id); it != option_.end()) {
                ln.from_kind = Link::From::option;
                ln.from = it->second;
            } else if (auto jt = outcome_.find(from_id); jt != outcome_.end()) {
                ln.from_kind = Link::From::outcome;
                ln.from = jt->second;
            } else {
                std::vector<std::string> sources = keys_of(option_);
                for (const auto& k : keys_of(outcome_)) sources.push_back(k);
                fail(from, child(path, "from"),
                     "expected the id of an option or outcome, found '" + from_id + "'" +
                         (priority_.count(from_id) ? "; a priority cannot be the source of a link"
                                                   : did_you_mean(from_id, sources)));
            }
            ln.to = outcome_ref(to, child(path, "to"), to_id);
            ln.coefficient = quantity(required(item, path, "coefficient", "a number or a distribution"),
                                      child(path, "coefficient"), child(path, "coefficient"), kAnyNumber);
            if (const Node* l = item.find("lag")) ln.lag = as_int(*l, child(path, "lag"), 0, 1000, "a lag in whole years >= 0");
            if (const Node* f = item.find("form"))
                ln.form = static_cast<LinkForm>(as_choice(*f, child(path, "form"), kForms, "a link form"));
            const Node* cap = item.find("cap");
            if (ln.form == LinkForm::saturating) {
                if (!cap) fail(item, child(path, "cap"), "missing 'cap' (expected a number > 0) for a saturating link");
                ln.cap = quantity(*cap, child(path, "cap"), child(path, "cap"), kPositive);
            } else if (cap) {
                fail(*cap, child(path, "cap"), "a cap applies only to a link with form: saturating; this link is linear");
            }
            sc_.links.push_back(ln);
        }
    }

    void scenario(const Node* s) {
        if (!s || s->is_null()) return;
        require_map(*s, "scenario", "the scenario {funded: [...]}");
        check_keys(*s, "scenario", {"funded"}, "the scenario section");
        const Node* f = s->find("funded");
        if (!f || f->is_null()) return;
        const std::string path = "scenario.funded";
        if (!f->is_sequence()) expected(*f, path, "a list of option ids or {option, scale, start}");
        std::map<int, Location> seen;
        for (std::size_t i = 0; i < f->items.size(); ++i) {
            const Node& e = f->items[i];
            std::string ep = indexed(path, i);
            Funding fu;
            const Node* opt = &e;
            if (e.is_map()) {
                check_keys(e, ep, {"option", "scale", "start"}, "a funded option");
                opt = &required(e, ep, "option", "the id of an option");
            } else if (!e.is_scalar()) {
                expected(e, ep, "an option id or {option, scale, start}");
            }
            const std::string id = as_string(*opt, e.is_map() ? child(ep, "option") : ep);
            auto it = option_.find(id);
            if (it == option_.end())
                fail(*opt, ep, "expected the id of an option defined in `options`, found '" + id + "'" +
                                   did_you_mean(id, keys_of(option_)));
            fu.option = it->second;
            fu.where = e.where;
            ep = path + "." + id;
            if (auto [jt, fresh] = seen.emplace(fu.option, e.where); !fresh) {
                Location first = jt->second;
                first.key.clear();
                fail(e, ep, "option '" + id + "' is funded twice (first at " + first.str() + "); fund it once with a scale");
            }
            if (e.is_map()) {
                if (const Node* sc = e.find("scale")) {
                    fu.scale = as_number(*sc, child(ep, "scale"));
                    if (!(fu.scale > 0)) fail(*sc, child(ep, "scale"), "expected a scale > 0, found " + sc->text);
                }
                if (const Node* st = e.find("start"))
                    fu.start = offset_year(*st, child(ep, "start"), "a start year offset, a whole number >= 0",
                                           "appraisal year 0");
            }
            const Option& op = sc_.options[static_cast<std::size_t>(fu.option)];
            for (std::size_t k = 0; k < op.costs.size() && fu.start < sc_.meta.horizon; ++k)
                if (fu.start + op.costs[k].year >= sc_.meta.horizon)
                    fail(e, ep, "option '" + id + "' starts in appraisal year " + std::to_string(fu.start) +
                                    ", so its cost year " + std::to_string(op.costs[k].year) + " (" +
                                    indexed("options." + id + ".costs", k) + ") falls in appraisal year " +
                                    std::to_string(fu.start + op.costs[k].year) + ", outside the horizon of " +
                                    std::to_string(sc_.meta.horizon) + " years (0 to " +
                                    std::to_string(sc_.meta.horizon - 1) +
                                    "); start it earlier, shorten its costs or lengthen metadata.horizon");
            if (fu.start >= sc_.meta.horizon)
                sc_.warnings.push_back("funded option '" + id + "' starts in appraisal year " + std::to_string(fu.start) +
                                       ", after the horizon of " + std::to_string(sc_.meta.horizon) + " years");
            sc_.funded.push_back(fu);
        }
    }

    void correlations(const Node* list) {
        if (!list) return;
        std::map<std::string, std::string> used;  // parameter id -> block path
        for (std::size_t i = 0; i < list->items.size(); ++i) {
            const Node& b = list->items[i];
            const std::string path = indexed("correlations", i);
            require_map(b, path, "a correlation block {params, matrix}");
            check_keys(b, path, {"params", "matrix"}, "a correlation block");
            const Node& pn = required(b, path, "params", "a list of parameter ids");
            const std::string pp = child(path, "params");
            if (!pn.is_sequence() || pn.items.size() < 2) expected(pn, pp, "a list of at least two parameter ids");
            Correlation c;
            c.where = b.where;
            std::vector<std::string> ids;
            for (std::size_t k = 0; k < pn.items.size(); ++k) {
                const std::string id = as_string(pn.items[k], indexed(pp, k));
                auto it = param_.find(id);
                if (it == param_.end()) {
                    if (fixed_slots_.count(id))
                        fail(pn.items[k], indexed(pp, k), "'" + id + "' is a fixed number; only parameters given as a "
                                                                     "distribution can be correlated");
                    fail(pn.items[k], indexed(pp, k), "expected the id of an uncertain parameter, found '" + id + "'" +
                                                          did_you_mean(id, keys_of(param_)));
                }
                if (auto [jt, fresh] = used.emplace(id, path); !fresh)
                    fail(pn.items[k], indexed(pp, k), "parameter '" + id + "' is already correlated in " + jt->second +
                                                          "; put all its correlations in one block");
                c.params.push_back(it->second);
                ids.push_back(id);
            }
            const Node& mn = required(b, path, "matrix", "a square matrix of rank correlations");
            const std::string mp = child(path, "matrix");
            const std::size_t n = ids.size();
            if (!mn.is_sequence() || mn.items.size() != n)
                expected(mn, mp, "a " + std::to_string(n) + " x " + std::to_string(n) + " matrix (a list of " +
                                     std::to_string(n) + " rows)");
            Eigen::MatrixXd m(n, n);
            for (std::size_t r = 0; r < n; ++r) {
                const auto row = as_number_list(mn.items[r], indexed(mp, r));
                if (row.size() != n)
                    expected(mn.items[r], indexed(mp, r), "a row of " + std::to_string(n) + " numbers");
                for (std::size_t k = 0; k < n; ++k) {
                    m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k)) = row[k];
                    c.matrix.push_back(row[k]);
                }
            }
            try {
                GaussianCopula check(ids, m);
            } catch (const SamplingError& e) {
                fail(mn, mp, std::string("invalid rank correlation matrix: ") + e.what());
            }
            sc_.correlations.push_back(c);
        }
    }
};

Scenario finish(const Node& doc, const values::Library& lib, const std::string& file) {
    Scenario sc;
    Builder(lib, sc).build(doc);
    sc.source_file = file;
    sc.source_text = emit_yaml(doc);
    const Graph g = build_graph(sc);
    for (auto& w : graph_warnings(sc, g)) sc.warnings.push_back(std::move(w));
    if (sc.funded.empty()) sc.warnings.push_back("the scenario funds no option (scenario.funded is empty)");
    return sc;
}

}  // namespace

/// Every exception from a library inside the model area (yaml-cpp, Boost.Math through the sampling factory, the
/// file system, memory) leaves it as a ScenarioError naming the input.
template <typename F>
Scenario guarded(const std::string& name, F read) {
    auto refuse = [&](const std::string& what) {
        Location l;
        l.file = cut(name, 200);
        return ScenarioError(l, what);
    };
    try {
        return read();
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw refuse("not enough memory to read this scenario");
    } catch (const std::exception& e) {
        throw refuse(std::string("cannot read this scenario: ") + cut(e.what(), 200));
    }
}

Scenario read_scenario(const std::string& path, const values::Library& library, const ReadOptions& options) {
    return guarded(path, [&] { return finish(load_document_file(path, options), library, path); });
}

Scenario read_scenario_text(const std::string& yaml, const std::string& name_for_messages, const std::string& base_dir,
                            const values::Library& library, const ReadOptions& options) {
    return guarded(name_for_messages,
                   [&] { return finish(load_document_text(yaml, name_for_messages, base_dir, options), library, ""); });
}

}  // namespace socval::model
