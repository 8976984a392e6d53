/// Distribution factories: validation (SamplingError naming the parameter), parameters, description, and the
/// construction from named numbers used by the scenario reader.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include "socval/sampling/distribution.hpp"
#include "tables.hpp"

namespace socval {

namespace {

std::string num(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

[[noreturn]] void fail(const std::string& signature, const std::string& expected, const std::string& found) {
    throw SamplingError(signature + ": expected " + expected + ", found " + found);
}

void require_finite(const std::string& signature, const char* name, double v) {
    if (!std::isfinite(v)) fail(signature, std::string(name) + " to be a finite number", std::string(name) + "=" + num(v));
}

void require_positive(const std::string& signature, const char* name, double v) {
    require_finite(signature, name, v);
    if (!(v > 0)) fail(signature, std::string(name) + " > 0", std::string(name) + "=" + num(v));
}

/// min < max, and if mode given: min <= mode <= max.
void require_ordered(const std::string& sig, double a, double b) {
    require_finite(sig, "min", a);
    require_finite(sig, "max", b);
    if (!(a < b)) fail(sig, "min < max", "min=" + num(a) + ", max=" + num(b));
}

void require_mode(const std::string& sig, double a, double m, double b) {
    require_finite(sig, "min", a);
    require_finite(sig, "mode", m);
    require_finite(sig, "max", b);
    if (!(a <= m && m <= b)) fail(sig, "min <= mode <= max", "min=" + num(a) + ", mode=" + num(m) + ", max=" + num(b));
    if (!(a < b)) fail(sig, "min < max (use fixed for a known value)", "min=" + num(a) + ", max=" + num(b));
}

/// The tabulated quantile of beta(alpha, beta); a shape whose quantiles Boost.Math cannot compute in double
/// precision (e.g. alpha = 1, beta = 1e300) is refused with a SamplingError naming it.
std::shared_ptr<const detail::QuantileTable> table_of(const std::string& sig, double alpha, double beta) {
    try {
        return detail::quantile_table(alpha, beta);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        fail(sig, "a shape whose quantiles can be computed in double precision",
             "alpha=" + num(alpha) + ", beta=" + num(beta) + " (" + e.what() + ")");
    }
}

}  // namespace

const char* kind_name(DistributionKind kind) {
    switch (kind) {
        case DistributionKind::fixed: return "fixed";
        case DistributionKind::uniform: return "uniform";
        case DistributionKind::triangular: return "triangular";
        case DistributionKind::pert: return "pert";
        case DistributionKind::normal: return "normal";
        case DistributionKind::truncated_normal: return "truncated_normal";
        case DistributionKind::lognormal: return "lognormal";
        case DistributionKind::beta: return "beta";
        case DistributionKind::discrete: return "discrete";
    }
    return "?";
}

Distribution::Distribution() = default;

Distribution Distribution::fixed(double value) {
    require_finite("fixed(value)", "value", value);
    Distribution d;
    d.kind_ = DistributionKind::fixed;
    d.p_ = {value, 0, 0, 0};
    return d;
}

Distribution Distribution::uniform(double min, double max) {
    require_ordered("uniform(min, max)", min, max);
    Distribution d;
    d.kind_ = DistributionKind::uniform;
    d.p_ = {min, max, 0, 0};
    return d;
}

Distribution Distribution::triangular(double min, double mode, double max) {
    require_mode("triangular(min, mode, max)", min, mode, max);
    Distribution d;
    d.kind_ = DistributionKind::triangular;
    d.p_ = {min, mode, max, 0};
    d.c_ = {(mode - min) / (max - min), (max - min) * (mode - min), (max - min) * (max - mode), 0};
    return d;
}

Distribution Distribution::pert(double min, double mode, double max, double lambda) {
    const std::string sig = "pert(min, mode, max, lambda)";
    require_mode(sig, min, mode, max);
    require_positive(sig, "lambda", lambda);
    Distribution d;
    d.kind_ = DistributionKind::pert;
    d.p_ = {min, mode, max, lambda};
    const double alpha = 1.0 + lambda * (mode - min) / (max - min);
    const double beta = 1.0 + lambda * (max - mode) / (max - min);
    d.c_ = {alpha, beta, min, max};
    d.table_ = table_of(sig, alpha, beta);
    return d;
}

Distribution Distribution::normal(double mean, double sd) {
    const std::string sig = "normal(mean, sd)";
    require_finite(sig, "mean", mean);
    require_positive(sig, "sd", sd);
    Distribution d;
    d.kind_ = DistributionKind::normal;
    d.p_ = {mean, sd, 0, 0};
    return d;
}

Distribution Distribution::truncated_normal(double mean, double sd, double min, double max) {
    const std::string sig = "truncated_normal(mean, sd, min, max)";
    require_finite(sig, "mean", mean);
    require_positive(sig, "sd", sd);
    if (std::isnan(min) || std::isnan(max)) fail(sig, "min and max to be numbers (or -inf / +inf)", "NaN");
    if (!(min < max)) fail(sig, "min < max", "min=" + num(min) + ", max=" + num(max));
    const double alpha = (min - mean) / sd, beta = (max - mean) / sd;
    // Work in the lower tail, where Phi is accurate: if the interval lies above the mean, flip it.
    const bool flip = alpha > 0.0;
    const double lo = flip ? -beta : alpha, hi = flip ? -alpha : beta;
    const double phi_lo = normal_cdf(lo), mass = normal_cdf(hi) - phi_lo;
    if (!(mass > 1e-300))
        fail(sig, "an interval [min, max] with non-negligible probability under normal(mean, sd)",
             "P(min < X < max) = " + num(mass) + " for mean=" + num(mean) + ", sd=" + num(sd) + ", min=" +
                 num(min) + ", max=" + num(max));
    Distribution d;
    d.kind_ = DistributionKind::truncated_normal;
    d.p_ = {mean, sd, min, max};
    d.c_ = {phi_lo, mass, flip ? -1.0 : 1.0, 0};
    return d;
}

Distribution Distribution::lognormal_median(double median, double high, double high_probability) {
    const std::string sig = "lognormal(median, high, high_probability)";
    require_positive(sig, "median", median);
    require_finite(sig, "high", high);
    require_finite(sig, "high_probability", high_probability);
    if (!(high_probability > 0.5 && high_probability < 1.0))
        fail(sig, "0.5 < high_probability < 1 (e.g. 0.95 for a p95)", "high_probability=" + num(high_probability));
    if (!(high > median))
        fail(sig, "high > median (the high percentile lies above the median)",
             "median=" + num(median) + ", high=" + num(high));
    Distribution d;
    d.kind_ = DistributionKind::lognormal;
    d.p_ = {median, high, high_probability, 0.0};
    d.c_ = {std::log(median), std::log(high / median) / normal_quantile(high_probability), 0, 0};
    return d;
}

Distribution Distribution::lognormal_mean_sd(double mean, double sd) {
    const std::string sig = "lognormal(mean, sd)";
    require_positive(sig, "mean", mean);
    require_positive(sig, "sd", sd);
    Distribution d;
    d.kind_ = DistributionKind::lognormal;
    d.p_ = {mean, sd, 0.0, 1.0};
    const double s2 = std::log1p((sd / mean) * (sd / mean));
    d.c_ = {std::log(mean) - 0.5 * s2, std::sqrt(s2), 0, 0};
    return d;
}

Distribution Distribution::beta(double alpha, double beta, double min, double max) {
    const std::string sig = "beta(alpha, beta, min, max)";
    require_positive(sig, "alpha", alpha);
    require_positive(sig, "beta", beta);
    require_ordered(sig, min, max);
    Distribution d;
    d.kind_ = DistributionKind::beta;
    d.p_ = {alpha, beta, min, max};
    d.c_ = {alpha, beta, min, max};
    if (alpha >= 1.0 && beta >= 1.0) d.table_ = table_of(sig, alpha, beta);
    return d;
}

Distribution Distribution::discrete(std::vector<double> values, std::vector<double> probabilities) {
    const std::string sig = "discrete(values, probabilities)";
    if (values.empty()) fail(sig, "at least one value", "an empty list of values");
    if (values.size() != probabilities.size())
        fail(sig, "as many probabilities as values",
             std::to_string(values.size()) + " values and " + std::to_string(probabilities.size()) + " probabilities");
    double total = 0.0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) fail(sig, "finite values", "values[" + std::to_string(i) + "]=" + num(values[i]));
        if (!(probabilities[i] >= 0.0) || !std::isfinite(probabilities[i]))
            fail(sig, "probabilities >= 0", "probabilities[" + std::to_string(i) + "]=" + num(probabilities[i]));
        total += probabilities[i];
    }
    if (std::fabs(total - 1.0) > 1e-9)
        fail(sig, "probabilities summing to 1 (within 1e-9)", "a sum of " + num(total));
    std::vector<std::size_t> order(values.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    auto table = std::make_shared<detail::DiscreteTable>();
    for (std::size_t i : order) {
        if (!table->values.empty() && table->values.back() == values[i])
            table->probabilities.back() += probabilities[i] / total;
        else {
            table->values.push_back(values[i]);
            table->probabilities.push_back(probabilities[i] / total);
        }
    }
    double cum = 0.0;
    for (double p : table->probabilities) table->cumulative.push_back(cum += p);
    table->cumulative.back() = 1.0;
    Distribution d;
    d.kind_ = DistributionKind::discrete;
    d.discrete_ = std::move(table);
    return d;
}

std::vector<DistributionParam> Distribution::params() const {
    switch (kind_) {
        case DistributionKind::fixed: return {{"value", p_[0]}};
        case DistributionKind::uniform: return {{"min", p_[0]}, {"max", p_[1]}};
        case DistributionKind::triangular: return {{"min", p_[0]}, {"mode", p_[1]}, {"max", p_[2]}};
        case DistributionKind::pert: return {{"min", p_[0]}, {"mode", p_[1]}, {"max", p_[2]}, {"lambda", p_[3]}};
        case DistributionKind::normal: return {{"mean", p_[0]}, {"sd", p_[1]}};
        case DistributionKind::truncated_normal:
            return {{"mean", p_[0]}, {"sd", p_[1]}, {"min", p_[2]}, {"max", p_[3]}};
        case DistributionKind::lognormal:
            if (p_[3] == 1.0) return {{"mean", p_[0]}, {"sd", p_[1]}};
            return {{"median", p_[0]}, {"high", p_[1]}, {"high_probability", p_[2]}};
        case DistributionKind::beta: return {{"alpha", p_[0]}, {"beta", p_[1]}, {"min", p_[2]}, {"max", p_[3]}};
        case DistributionKind::discrete: return {};
    }
    return {};
}

std::vector<double> Distribution::discrete_values() const { return discrete_ ? discrete_->values : std::vector<double>{}; }

std::vector<double> Distribution::discrete_probabilities() const {
    return discrete_ ? discrete_->probabilities : std::vector<double>{};
}

std::string Distribution::describe() const {
    std::string s = kind_name(kind_);
    s += "(";
    if (kind_ == DistributionKind::discrete) {
        std::string v, p;
        for (std::size_t i = 0; i < discrete_->values.size(); ++i) {
            v += (i ? ", " : "") + num(discrete_->values[i]);
            p += (i ? ", " : "") + num(discrete_->probabilities[i]);
        }
        return s + "values=[" + v + "], probabilities=[" + p + "])";
    }
    const auto ps = params();
    const double percent = 100.0 * p_[2];
    const bool pnn = kind_ == DistributionKind::lognormal && p_[3] == 0.0 && std::fabs(percent - std::round(percent)) < 1e-9;
    for (std::size_t i = 0; i < ps.size(); ++i) {
        if (pnn && i == 1) {
            s += ", p" + num(std::round(percent)) + "=" + num(p_[1]);
            break;
        }
        s += (i ? ", " : "") + ps[i].name + "=" + num(ps[i].value);
    }
    return s + ")";
}

Distribution Distribution::from_parameters(const std::string& kind, const std::map<std::string, double>& numbers,
                                           const std::vector<double>& values,
                                           const std::vector<double>& probabilities) {
    std::set<std::string> used;
    auto has = [&](const std::string& k) { return numbers.count(k) > 0; };
    auto get = [&](const std::string& k) -> double {
        auto it = numbers.find(k);
        if (it == numbers.end()) throw SamplingError(kind + ": missing parameter '" + k + "'");
        used.insert(k);
        return it->second;
    };
    auto opt = [&](const std::string& k, double fallback) { return has(k) ? get(k) : fallback; };
    Distribution d;
    if (kind == "fixed") d = fixed(get("value"));
    else if (kind == "uniform") d = uniform(get("min"), get("max"));
    else if (kind == "triangular") d = triangular(get("min"), get("mode"), get("max"));
    else if (kind == "pert") d = pert(get("min"), get("mode"), get("max"), opt("lambda", 4.0));
    else if (kind == "normal") d = normal(get("mean"), get("sd"));
    else if (kind == "truncated_normal") d = truncated_normal(get("mean"), get("sd"), get("min"), get("max"));
    else if (kind == "beta") d = beta(get("alpha"), get("beta"), opt("min", 0.0), opt("max", 1.0));
    else if (kind == "lognormal") {
        if (has("mean") || has("sd")) d = lognormal_mean_sd(get("mean"), get("sd"));
        else if (has("high")) d = lognormal_median(get("median"), get("high"), opt("high_probability", 0.95));
        else {
            std::string pkey;
            for (const auto& kv : numbers) {
                const std::string& k = kv.first;
                if (k.size() == 3 && k[0] == 'p' && std::isdigit(static_cast<unsigned char>(k[1])) &&
                    std::isdigit(static_cast<unsigned char>(k[2])) && k >= "p51") {
                    if (!pkey.empty())
                        throw SamplingError("lognormal: expected one high percentile (e.g. p95), found '" + pkey +
                                            "' and '" + k + "'");
                    pkey = k;
                }
            }
            if (pkey.empty())
                throw SamplingError("lognormal: expected {median, p95} (any pNN with NN in 51..99), "
                                    "{median, high, high_probability} or {mean, sd}; found none of these");
            d = lognormal_median(get("median"), get(pkey), std::stoi(pkey.substr(1)) / 100.0);
        }
    } else if (kind == "discrete") {
        if (!numbers.empty())
            throw SamplingError("discrete: expected only 'values' and 'probabilities', found parameter '" +
                                numbers.begin()->first + "'");
        return discrete(values, probabilities);
    } else {
        throw SamplingError("distribution: expected one of fixed, uniform, triangular, pert, normal, "
                            "truncated_normal, lognormal, beta, discrete; found '" + kind + "'");
    }
    for (const auto& kv : numbers)
        if (!used.count(kv.first)) {
            std::string allowed;
            for (const auto& p : d.params()) allowed += (allowed.empty() ? "" : ", ") + p.name;
            throw SamplingError(kind + ": unknown parameter '" + kv.first + "' (expected: " + allowed + ")");
        }
    if (!values.empty() || !probabilities.empty())
        throw SamplingError(kind + ": 'values' and 'probabilities' belong to discrete distributions only");
    return d;
}

}  // namespace socval
