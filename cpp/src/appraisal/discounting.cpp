/// Green Book discounting: schedules by band, discount factors, present values, ratios, equivalent annual value.
#include <cmath>
#include <limits>
#include <string>

#include <socval/appraisal.hpp>
#include <socval/errors.hpp>

namespace socval::appraisal {

DiscountSchedule::DiscountSchedule(std::string name, std::vector<DiscountBand> bands)
    : name_(std::move(name)), bands_(std::move(bands)) {
    if (bands_.empty()) throw AppraisalError("discount schedule '" + name_ + "': expected at least one band, found none");
    int expected_first = 1;
    for (std::size_t i = 0; i < bands_.size(); ++i) {
        const auto& b = bands_[i];
        const std::string where = "discount schedule '" + name_ + "', band " + std::to_string(i + 1);
        if (b.first_year != expected_first)
            throw AppraisalError(where + ": expected it to start at year " + std::to_string(expected_first) +
                                 " (bands are contiguous from year 1), found " + std::to_string(b.first_year));
        if (b.last_year < b.first_year)
            throw AppraisalError(where + ": expected last year >= first year, found " + std::to_string(b.first_year) +
                                 ".." + std::to_string(b.last_year));
        if (!(b.rate >= 0.0 && b.rate < 1.0))
            throw AppraisalError(where + ": expected a rate in [0, 1), found " + show(b.rate));
        expected_first = b.last_year + 1;
    }
}

DiscountSchedule DiscountSchedule::constant(double rate) {
    return DiscountSchedule("constant " + show(rate), {{1, std::numeric_limits<int>::max() - 1, rate}});
}

double DiscountSchedule::rate(int year) const {
    if (year < 1) throw AppraisalError("discount rate: expected a year >= 1, found " + std::to_string(year));
    for (const auto& b : bands_)
        if (year <= b.last_year) return b.rate;
    return bands_.back().rate;  // the last band runs for ever
}

double DiscountSchedule::factor(int year) const {
    if (year < 0) throw AppraisalError("discount factor: expected a year >= 0, found " + std::to_string(year));
    // Product over whole bands, then the part of the band that holds `year`.
    double log_df = 0.0;
    int done = 0;
    for (std::size_t i = 0; i < bands_.size() && done < year; ++i) {
        const bool last = i + 1 == bands_.size();
        const int upto = last ? year : std::min(year, bands_[i].last_year);
        log_df -= (upto - done) * std::log1p(bands_[i].rate);
        done = upto;
    }
    return std::exp(log_df);
}

std::vector<double> DiscountSchedule::factors(int n_years) const {
    if (n_years < 0) throw AppraisalError("discount factors: expected a number of years >= 0, found " + std::to_string(n_years));
    std::vector<double> out(static_cast<std::size_t>(n_years));
    double df = 1.0;
    for (int t = 0; t < n_years; ++t) {
        if (t > 0) df /= 1.0 + rate(t);
        out[static_cast<std::size_t>(t)] = df;
    }
    return out;
}

double present_value(const std::vector<double>& values, const DiscountSchedule& schedule, int start_year) {
    if (start_year < 0) throw AppraisalError("present value: expected start_year >= 0, found " + std::to_string(start_year));
    double df = schedule.factor(start_year);
    double pv = 0.0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) df /= 1.0 + schedule.rate(start_year + static_cast<int>(i));
        if (!std::isfinite(values[i]))
            throw AppraisalError("present value: expected finite values, found " + show(values[i]) + " at index " +
                                 std::to_string(i));
        pv += values[i] * df;
    }
    return pv;
}

double bcr(double pv_benefits, double pv_costs) {
    if (!(pv_costs > 0)) throw AppraisalError("BCR: expected PV costs > 0, found " + show(pv_costs));
    return pv_benefits / pv_costs;
}

double sroi_ratio(double pv_value, double pv_investment) {
    if (!(pv_investment > 0)) throw AppraisalError("SROI ratio: expected PV of investment > 0, found " + show(pv_investment));
    return pv_value / pv_investment;
}

Appraisal appraise(const std::vector<double>& costs, const std::vector<double>& benefits,
                   const DiscountSchedule& schedule) {
    Appraisal a;
    a.pv_costs = present_value(costs, schedule);
    a.pv_benefits = present_value(benefits, schedule);
    a.npsv = a.pv_benefits - a.pv_costs;
    a.bcr = a.pv_costs > 0 ? a.pv_benefits / a.pv_costs : std::numeric_limits<double>::quiet_NaN();
    return a;
}

double equivalent_annual_value(double pv, int n_years, const DiscountSchedule& schedule) {
    if (n_years < 1) throw AppraisalError("equivalent annual value: expected n_years >= 1, found " + std::to_string(n_years));
    // Green Book annuity convention: equal payments at the end of years 1..n (Annex A6; the `greenbook` R package).
    double annuity = 0.0;
    for (double df : schedule.factors(n_years + 1)) annuity += df;
    annuity -= 1.0;  // drop year 0
    return pv / annuity;
}

}  // namespace socval::appraisal
