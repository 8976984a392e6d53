/// Number-or-distribution nodes: the family's keys are checked (unknown, missing), the common mistakes are
/// reported at the offending key, and the sampling factory validates the rest.
#include "distribution_node.hpp"

#include <cmath>
#include <map>
#include <sstream>

#include "fields.hpp"

namespace socval::model::detail {

namespace {

const std::vector<std::string> kFamilies = {"fixed",  "uniform",    "triangular",       "pert", "normal",
                                            "truncnormal", "truncated_normal", "lognormal", "beta", "discrete"};

std::string fmt(double x) {
    std::ostringstream s;
    s.precision(10);
    s << x;
    return s.str();
}

/// The numbers of a distribution map, by key (every key but `dist`, `values`, `probs`).
std::map<std::string, double> numbers_of(const Node& n, const std::string& path) {
    std::map<std::string, double> out;
    for (const Member& m : n.members)
        if (m.key != "dist" && m.key != "values" && m.key != "probs") out[m.key] = as_number(m.value, child(path, m.key));
    return out;
}

void need(const Node& n, const std::string& path, const std::string& family, const std::vector<std::string>& keys,
          const std::string& form) {
    for (const auto& k : keys)
        if (!n.find(k))
            fail(n, child(path, k), "missing '" + k + "' for a " + family + " distribution (expected " + form +
                                        "), found " + describe(n));
}

/// lognormal `pNN` key -> NN / 100, or 0 when the key is not of that form.
double percentile_key(const std::string& key) {
    if (key.size() != 3 || key[0] != 'p' || !std::isdigit(static_cast<unsigned char>(key[1])) ||
        !std::isdigit(static_cast<unsigned char>(key[2])))
        return 0;
    const int nn = std::stoi(key.substr(1));
    return nn >= 51 && nn <= 99 ? nn / 100.0 : 0;
}

void check_order(const Node& n, const std::string& path, const std::map<std::string, double>& x, bool has_mode) {
    if (x.at("min") >= x.at("max"))
        fail(*n.find("max"), child(path, "max"),
             "expected max > min (" + fmt(x.at("min")) + "), found max = " + fmt(x.at("max")));
    if (has_mode && (x.at("mode") < x.at("min") || x.at("mode") > x.at("max")))
        fail(*n.find("mode"), child(path, "mode"),
             "expected min <= mode <= max (" + fmt(x.at("min")) + " to " + fmt(x.at("max")) + "), found mode = " +
                 fmt(x.at("mode")));
}

void check_sd(const Node& n, const std::string& path, const std::map<std::string, double>& x) {
    if (!(x.at("sd") > 0)) fail(*n.find("sd"), child(path, "sd"), "expected sd > 0, found " + fmt(x.at("sd")));
}

Distribution build(const Node& n, const std::string& path, const std::string& family) {
    const std::string what = "a " + family + " distribution";
    auto keys = [&](std::vector<std::string> k) {
        k.insert(k.begin(), "dist");
        check_keys(n, path, k, what);
    };
    if (family == "fixed") {
        keys({"value"});
        need(n, path, family, {"value"}, "{dist: fixed, value}");
        return Distribution::fixed(numbers_of(n, path).at("value"));
    }
    if (family == "uniform") {
        keys({"min", "max"});
        need(n, path, family, {"min", "max"}, "{dist: uniform, min, max}");
        const auto x = numbers_of(n, path);
        check_order(n, path, x, false);
        return Distribution::uniform(x.at("min"), x.at("max"));
    }
    if (family == "triangular" || family == "pert") {
        const bool pert = family == "pert";
        keys(pert ? std::vector<std::string>{"min", "mode", "max", "lambda"}
                  : std::vector<std::string>{"min", "mode", "max"});
        need(n, path, family, {"min", "mode", "max"}, "{dist: " + family + ", min, mode, max}");
        const auto x = numbers_of(n, path);
        check_order(n, path, x, true);
        if (!pert) return Distribution::triangular(x.at("min"), x.at("mode"), x.at("max"));
        const double lambda = x.count("lambda") ? x.at("lambda") : 4.0;
        return Distribution::pert(x.at("min"), x.at("mode"), x.at("max"), lambda);
    }
    if (family == "normal") {
        keys({"mean", "sd"});
        need(n, path, family, {"mean", "sd"}, "{dist: normal, mean, sd}");
        const auto x = numbers_of(n, path);
        check_sd(n, path, x);
        return Distribution::normal(x.at("mean"), x.at("sd"));
    }
    if (family == "truncnormal" || family == "truncated_normal") {
        keys({"mean", "sd", "min", "max"});
        need(n, path, family, {"mean", "sd", "min", "max"}, "{dist: truncnormal, mean, sd, min, max}");
        const auto x = numbers_of(n, path);
        check_sd(n, path, x);
        check_order(n, path, x, false);
        return Distribution::truncated_normal(x.at("mean"), x.at("sd"), x.at("min"), x.at("max"));
    }
    if (family == "lognormal") {
        const std::string forms = "{dist: lognormal, median, p95} (any pNN, NN in 51..99), "
                                  "{dist: lognormal, median, high, high_prob} or {dist: lognormal, mean, sd}";
        std::vector<std::string> allowed = {"median", "high", "high_prob", "mean", "sd"};
        for (const Member& m : n.members)
            if (percentile_key(m.key) > 0) allowed.push_back(m.key);
        keys(allowed);
        const auto x = numbers_of(n, path);
        if (x.count("median")) {
            std::vector<std::pair<std::string, double>> pct;
            for (const auto& [k, v] : x)
                if (percentile_key(k) > 0) pct.emplace_back(k, v);
            if (x.count("mean") || x.count("sd"))
                fail(n, path, "expected one lognormal form: " + forms + "; found both median and mean / sd in " +
                                  describe(n));
            if (pct.size() == 1 && !x.count("high") && !x.count("high_prob"))
                return Distribution::lognormal_median(x.at("median"), pct[0].second, percentile_key(pct[0].first));
            if (pct.empty() && x.count("high") && x.count("high_prob"))
                return Distribution::lognormal_median(x.at("median"), x.at("high"), x.at("high_prob"));
            fail(n, path, "expected one lognormal form: " + forms + "; found " + describe(n));
        }
        if (x.count("mean") && x.count("sd") && x.size() == 2) {
            check_sd(n, path, x);
            return Distribution::lognormal_mean_sd(x.at("mean"), x.at("sd"));
        }
        fail(n, path, "expected one lognormal form: " + forms + "; found " + describe(n));
    }
    if (family == "beta") {
        keys({"alpha", "beta", "min", "max"});
        need(n, path, family, {"alpha", "beta"}, "{dist: beta, alpha, beta} with optional min, max (default 0, 1)");
        auto x = numbers_of(n, path);
        if (x.count("min") != x.count("max"))
            fail(n, path, "expected both min and max (or neither, for [0, 1]), found " + describe(n));
        if (!x.count("min")) {
            x["min"] = 0;
            x["max"] = 1;
        } else {
            check_order(n, path, x, false);
        }
        return Distribution::beta(x.at("alpha"), x.at("beta"), x.at("min"), x.at("max"));
    }
    // discrete
    keys({"values", "probs"});
    need(n, path, family, {"values", "probs"}, "{dist: discrete, values: [...], probs: [...]}");
    const auto values = as_number_list(*n.find("values"), child(path, "values"));
    const auto probs = as_number_list(*n.find("probs"), child(path, "probs"));
    if (values.empty()) fail(*n.find("values"), child(path, "values"), "expected at least one value, found none");
    if (values.size() != probs.size())
        fail(*n.find("probs"), child(path, "probs"),
             "expected as many probabilities as values (" + std::to_string(values.size()) + "), found " +
                 std::to_string(probs.size()));
    return Distribution::discrete(values, probs);
}

}  // namespace

Distribution read_distribution(const Node& n, const std::string& path) {
    const Node& fam = required(n, path, "dist", "a distribution family");
    const std::string family = kFamilies[as_choice(fam, child(path, "dist"), kFamilies, "a distribution family")];
    try {
        return build(n, path, family);
    } catch (const ScenarioError&) {
        throw;
    } catch (const SamplingError& e) {
        fail(n, path, std::string("invalid ") + family + " distribution: " + e.what());
    } catch (const std::exception& e) {  // Boost.Math on extreme parameters (overflow, domain errors)
        fail(n, path, std::string("invalid ") + family + " distribution: its parameters are outside what can be "
                                                         "computed (" + cut(e.what(), 120) + ")");
    }
}

void check_bounds(const Node& n, const std::string& path, const Distribution& d, const Bounds& b) {
    const double lo = d.support_min(), hi = d.support_max();
    const bool low_ok = d.is_fixed() && b.strict_low ? lo > b.low : lo >= b.low;
    if (low_ok && hi <= b.high) return;
    if (d.is_fixed()) fail(n, path, std::string("expected ") + b.what + ", found " + fmt(lo));
    const bool unbounded = std::isinf(lo) || std::isinf(hi);
    fail(n, path, std::string("expected ") + b.what + ": a distribution whose every value is in range, found " +
                      d.describe() + " ranging over [" + fmt(lo) + ", " + fmt(hi) + "]" +
                      (unbounded ? "; use a bounded family (triangular, pert, beta, uniform, truncnormal)" : ""));
}

}  // namespace socval::model::detail
