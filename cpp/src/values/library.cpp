/// Loading and validating the value library from data/*.yaml, and the look-ups that return figures in a price base.
#include <cmath>
#include <filesystem>
#include <set>

#include <yaml-cpp/yaml.h>

#include <socval/errors.hpp>
#include <socval/values.hpp>

namespace socval::values {

namespace {

/// A YAML node with the file it came from and its key path, so every error can say where it is.
struct Node {
    YAML::Node node;
    std::string file;
    std::string key;

    Location where() const {
        const auto m = node.Mark();
        return {file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, key};
    }
    [[noreturn]] void fail(const std::string& what) const { throw ValueLibraryError(where(), what); }

    Node child(const std::string& name) const {
        if (!node.IsMap()) fail("expected a mapping");
        const YAML::Node c = node[name];
        if (!c) fail("expected a key '" + name + "', found none");
        return {c, file, key.empty() ? name : key + "." + name};
    }
    bool has(const std::string& name) const { return node.IsMap() && node[name]; }

    double number() const {
        if (!node.IsScalar()) fail("expected a number, found a " + std::string(node.IsMap() ? "mapping" : "list"));
        try {
            const double x = node.as<double>();
            if (!std::isfinite(x)) fail("expected a finite number, found '" + node.Scalar() + "'");
            return x;
        } catch (const YAML::BadConversion&) {
            fail("expected a number, found '" + node.Scalar() + "'");
        }
    }
    int integer() const {
        const double x = number();
        if (x != std::floor(x)) fail("expected a whole number, found " + show(x));
        return static_cast<int>(x);
    }
    std::string text() const {
        if (!node.IsScalar()) fail("expected text");
        return node.Scalar();
    }
    int map_key_year(const YAML::Node& k) const {
        try {
            return k.as<int>();
        } catch (const YAML::BadConversion&) {
            Node{k, file, key}.fail("expected a calendar year as key, found '" + k.Scalar() + "'");
        }
    }
};

Node load_file(const std::filesystem::path& path, const std::string& table) {
    if (!std::filesystem::exists(path))
        throw ValueLibraryError("value library: table '" + table + "' expected in " + path.string() + ", file not found");
    try {
        return {YAML::LoadFile(path.string()), path.string(), ""};
    } catch (const YAML::Exception& e) {
        throw ValueLibraryError(Location{path.string(), e.mark.line + 1, e.mark.column + 1, ""},
                                "not valid YAML: " + e.msg);
    }
}

Provenance read_provenance(const Node& root) {
    const Node p = root.child("provenance");
    Provenance out;
    out.source = p.child("source").text();
    out.licence = p.child("licence").text();
    out.vintage = p.child("vintage").text();
    if (p.has("url")) out.url = p.child("url").text();
    if (p.has("notes")) out.notes = p.child("notes").text();
    if (p.has("price_base_year")) out.price_base_year = p.child("price_base_year").integer();
    return out;
}

Range read_range(const Node& n) {
    Range r{n.child("low").number(), n.child("central").number(), n.child("high").number()};
    if (!(r.low <= r.central && r.central <= r.high))
        n.fail("expected low <= central <= high, found " + show(r.low) + ", " + show(r.central) + ", " + show(r.high));
    return r;
}

}  // namespace

Case parse_case(const std::string& name) {
    if (name == "low") return Case::low;
    if (name == "central") return Case::central;
    if (name == "high") return Case::high;
    throw ValueLibraryError("value case: expected 'low', 'central' or 'high', found '" + name + "'");
}

const char* to_string(Case c) { return c == Case::low ? "low" : c == Case::high ? "high" : "central"; }

Library Library::load(const std::string& dir) {
    namespace fs = std::filesystem;
    Library lib;
    lib.dir_ = dir;
    const Node index = load_file(fs::path(dir) / "library.yaml", "library");
    lib.version_ = index.child("version").text();
    const Node tables = index.child("tables");
    auto table = [&](const std::string& name) {
        const Node root = load_file(fs::path(dir) / tables.child(name).text(), name);
        lib.provenance_[name] = read_provenance(root);
        return root;
    };

    {  // Discount schedules.
        const Node root = table("stpr");
        const Node schedules = root.child("schedules");
        for (const auto& kv : schedules.node) {
            const std::string name = kv.first.Scalar();
            const Node s{kv.second, schedules.file, schedules.key + "." + name};
            if (!s.node.IsSequence()) s.fail("expected a list of bands");
            std::vector<appraisal::DiscountBand> bands;
            for (std::size_t i = 0; i < s.node.size(); ++i) {
                const Node b{s.node[i], s.file, s.key + "[" + std::to_string(i) + "]"};
                bands.push_back({b.child("from").integer(), b.child("to").integer(), b.child("rate").number()});
            }
            try {
                lib.schedules_.emplace(name, appraisal::DiscountSchedule(name, bands));
            } catch (const AppraisalError& e) {
                s.fail(e.what());
            }
        }
    }
    {  // GDP deflator.
        const Node idx = table("gdp_deflator").child("index");
        for (const auto& kv : idx.node) {
            const int year = idx.map_key_year(kv.first);
            const double v = Node{kv.second, idx.file, idx.key + "." + std::to_string(year)}.number();
            if (!(v > 0)) Node{kv.second, idx.file, idx.key}.fail("expected a positive index, found " + show(v));
            lib.deflator_[year] = v;
        }
    }
    {  // Carbon values by year.
        const Node vals = table("carbon").child("values");
        for (const auto& kv : vals.node) {
            const int year = vals.map_key_year(kv.first);
            const Node row{kv.second, vals.file, vals.key + "." + std::to_string(year)};
            if (!row.node.IsSequence() || row.node.size() != 3) row.fail("expected [low, central, high]");
            Range r{Node{row.node[0], row.file, row.key}.number(), Node{row.node[1], row.file, row.key}.number(),
                    Node{row.node[2], row.file, row.key}.number()};
            if (!(r.low <= r.central && r.central <= r.high)) row.fail("expected low <= central <= high");
            lib.carbon_[year] = r;
        }
    }
    lib.wellby_ = read_range(table("wellby").child("value"));
    lib.qaly_ = read_range(table("qaly").child("value"));
    {  // Optimism bias categories.
        const Node cats = table("optimism_bias").child("categories");
        for (const auto& kv : cats.node) {
            const std::string id = kv.first.Scalar();
            const Node c{kv.second, cats.file, cats.key + "." + id};
            // Each bound is optional: the table gives capital and duration bounds, or (outsourcing) an operating one.
            appraisal::OptimismBiasCategory cat;
            cat.id = id;
            cat.description = c.child("description").text();
            cat.has_capital = c.has("capital");
            cat.has_duration = c.has("duration");
            cat.has_operating = c.has("operating");
            if (cat.has_capital) cat.capital_upper = c.child("capital").number();
            if (cat.has_duration) cat.duration_upper = c.child("duration").number();
            if (cat.has_operating) cat.operating_upper = c.child("operating").number();
            if (!cat.has_capital && !cat.has_operating) c.fail("expected a 'capital' or an 'operating' upper bound, found neither");
            if (cat.capital_upper < 0 || cat.duration_upper < 0 || cat.operating_upper < 0) c.fail("expected uplifts >= 0");
            lib.optimism_bias_[id] = cat;
        }
    }
    if (tables.has("unit_values")) {  // Unit values for outcomes (each entry carries its own provenance).
        const Node vals = table("unit_values").child("values");
        for (const auto& kv : vals.node) {
            const std::string id = kv.first.Scalar();
            const Node e{kv.second, vals.file, vals.key + "." + id};
            UnitValue u;
            u.id = id;
            u.description = e.child("description").text();
            u.unit = e.child("unit").text();
            u.value = read_range(e.child("value"));
            u.illustrative = e.has("illustrative") && e.child("illustrative").node.as<bool>();
            u.provenance.source = e.child("source").text();
            u.provenance.licence = e.child("licence").text();
            u.provenance.price_base_year = e.child("price_base_year").integer();
            if (e.has("url")) u.provenance.url = e.child("url").text();
            if (e.has("notes")) u.provenance.notes = e.child("notes").text();
            if (e.has("vintage")) u.provenance.vintage = e.child("vintage").text();
            lib.unit_values_[id] = u;
        }
    }
    if (tables.has("incomes")) {  // Incomes for distributional weights: median and five quintile medians.
        const Node root = table("incomes");
        const Node med = root.child("median");
        lib.incomes_.median = med.number();
        if (!(lib.incomes_.median > 0)) med.fail("expected a median income > 0, found " + show(lib.incomes_.median));
        const Node q = root.child("quintiles");
        static const char* names[] = {"q1", "q2", "q3", "q4", "q5"};
        for (const char* name : names) {
            const Node v = q.child(name);
            const double x = v.number();
            if (!(x > 0)) v.fail("expected an income > 0, found " + show(x));
            if (!lib.incomes_.quintiles.empty() && !(x > lib.incomes_.quintiles.back()))
                v.fail("expected quintile incomes increasing from q1 to q5, found " + show(x) + " after " +
                       show(lib.incomes_.quintiles.back()));
            lib.incomes_.quintiles.push_back(x);
        }
        lib.incomes_.illustrative = root.has("illustrative") && root.child("illustrative").node.as<bool>();
        lib.has_incomes_ = true;
    }
    // Every table's price base must be a year the deflator knows, or no figure could be rebased.
    for (const auto& [name, p] : lib.provenance_)
        if (p.price_base_year && !lib.deflator_.count(p.price_base_year))
            throw ValueLibraryError("value library table '" + name + "': price base year " +
                                    std::to_string(p.price_base_year) + " is not in the GDP deflator table");
    return lib;
}

const appraisal::DiscountSchedule& Library::schedule(const std::string& name) const {
    const auto it = schedules_.find(name);
    if (it == schedules_.end()) {
        std::string known;
        for (const auto& kv : schedules_) known += (known.empty() ? "'" : ", '") + kv.first + "'";
        throw ValueLibraryError("discount schedule: expected one of " + known + ", found '" + name + "'");
    }
    return it->second;
}

std::vector<std::string> Library::schedule_names() const {
    std::vector<std::string> out;
    for (const auto& kv : schedules_) out.push_back(kv.first);
    return out;
}

double Library::deflator(int year) const {
    const auto it = deflator_.find(year);
    if (it == deflator_.end())
        throw ValueLibraryError("GDP deflator: expected a year in " + std::to_string(deflator_.begin()->first) + "-" +
                                std::to_string(deflator_.rbegin()->first) + ", found " + std::to_string(year));
    return it->second;
}

double Library::rebase(double amount, int from_year, int to_year) const {
    const double to = deflator(to_year), from = deflator(from_year);
    return from_year == to_year ? amount : amount * to / from;
}

double Library::carbon_value(int year, Case c, int price_base, Extrapolation beyond) const {
    const int first = carbon_.begin()->first, last = carbon_.rbegin()->first;
    int y = year;
    if (year < first || year > last) {
        if (beyond == Extrapolation::error)
            throw ValueLibraryError("carbon value: the DESNZ table covers " + std::to_string(first) + "-" +
                                    std::to_string(last) + ", found year " + std::to_string(year) +
                                    "; shorten the horizon or ask to hold the nearest year's real value");
        y = year < first ? first : last;
    }
    return rebase(carbon_.at(y).get(c), provenance_.at("carbon").price_base_year, price_base);
}

double Library::wellby_value(Case c, int price_base) const {
    return rebase(wellby_.get(c), provenance_.at("wellby").price_base_year, price_base);
}

double Library::qaly_value(Case c, int price_base) const {
    return rebase(qaly_.get(c), provenance_.at("qaly").price_base_year, price_base);
}

const appraisal::OptimismBiasCategory& Library::optimism_bias(const std::string& category) const {
    const auto it = optimism_bias_.find(category);
    if (it == optimism_bias_.end()) {
        std::string known;
        for (const auto& kv : optimism_bias_) known += (known.empty() ? "" : ", ") + kv.first;
        throw ValueLibraryError("optimism bias: expected a category among " + known + "; found '" + category + "'");
    }
    return it->second;
}

std::vector<std::string> Library::optimism_bias_categories() const {
    std::vector<std::string> out;
    for (const auto& kv : optimism_bias_) out.push_back(kv.first);
    return out;
}

const UnitValue& Library::unit_value_entry(const std::string& id) const {
    const auto it = unit_values_.find(id);
    if (it == unit_values_.end())
        throw ValueLibraryError("unit value: expected an id of the value library (see `socval values`), found '" + id + "'");
    return it->second;
}

double Library::unit_value(const std::string& id, Case c, int price_base) const {
    const UnitValue& u = unit_value_entry(id);
    return rebase(u.value.get(c), u.provenance.price_base_year, price_base);
}

std::vector<std::string> Library::unit_value_ids() const {
    std::vector<std::string> out;
    for (const auto& kv : unit_values_) out.push_back(kv.first);
    return out;
}

const Provenance& Library::provenance(const std::string& table) const {
    const auto it = provenance_.find(table);
    if (it == provenance_.end()) throw ValueLibraryError("value library: no table '" + table + "'");
    return it->second;
}

const IncomeTable& Library::incomes() const {
    if (!has_incomes_)
        throw ValueLibraryError("value library: expected an 'incomes' table (median and quintile equivalised incomes) "
                                "listed in library.yaml, found none");
    return incomes_;
}

std::vector<std::string> Library::tables() const {
    std::vector<std::string> out;
    for (const auto& kv : provenance_) out.push_back(kv.first);
    return out;
}

}  // namespace socval::values
