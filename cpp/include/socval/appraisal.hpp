#pragma once
/// Green Book appraisal arithmetic: discounting, NPSV / BCR / SROI, equivalent annual value, optimism bias,
/// additionality and outcome profiles. Pure functions of their arguments; figures come from the value library.
#include <string>
#include <utility>
#include <vector>

namespace socval::appraisal {

/// One band of a discount schedule: `rate` applies to years first_year..last_year (year k >= 1 discounts k-1 -> k).
struct DiscountBand {
    int first_year;
    int last_year;
    double rate;
};

/// A social time preference schedule: contiguous bands starting at year 1; the last band runs for ever.
class DiscountSchedule {
public:
    DiscountSchedule() = default;
    /// Validates: bands contiguous from year 1, rates in [0, 1); throws AppraisalError naming the band.
    DiscountSchedule(std::string name, std::vector<DiscountBand> bands);
    /// A constant rate for every year (e.g. a sensitivity test at 0%).
    static DiscountSchedule constant(double rate);

    const std::string& name() const { return name_; }
    const std::vector<DiscountBand>& bands() const { return bands_; }
    /// r_k, the rate that discounts year k-1 to year k (k >= 1).
    double rate(int year) const;
    /// 1 / prod_{k=1..t} (1 + r_k); 1 at t = 0. Throws AppraisalError for t < 0.
    double factor(int year) const;
    /// factor(0..n_years-1).
    std::vector<double> factors(int n_years) const;

private:
    std::string name_;
    std::vector<DiscountBand> bands_;
};

/// Present value of `values[i]` occurring in year start_year + i.
double present_value(const std::vector<double>& values, const DiscountSchedule& schedule, int start_year = 0);

/// Headline figures of an appraisal from undiscounted cost and benefit streams (year 0 = first appraisal year).
struct Appraisal {
    double pv_costs = 0;
    double pv_benefits = 0;
    double npsv = 0;  ///< PV benefits - PV costs
    double bcr = 0;   ///< PV benefits / PV costs (NaN when PV costs is 0)
};
Appraisal appraise(const std::vector<double>& costs, const std::vector<double>& benefits,
                   const DiscountSchedule& schedule);

/// Benefit-cost ratio; throws AppraisalError when pv_costs <= 0.
double bcr(double pv_benefits, double pv_costs);
/// SROI ratio = PV of value / PV of investment; throws AppraisalError when pv_investment <= 0.
double sroi_ratio(double pv_value, double pv_investment);
/// Equivalent annual value (Green Book annuity): the constant amount paid in years 1..n_years with the same PV.
double equivalent_annual_value(double present_value, int n_years, const DiscountSchedule& schedule);

/// Upper-bound optimism bias of one project category (HM Treasury supplementary guidance). The table gives each
/// category bounds on capital expenditure and works duration, except outsourcing, whose bound is on operating
/// expenditure and which has no works-duration bound: a bound the table does not give is absent (has_* false).
struct OptimismBiasCategory {
    std::string id;
    std::string description;
    double capital_upper = 0;    ///< uplift on capital cost, as a share (0.24 = 24%); 0 when absent
    double duration_upper = 0;   ///< uplift on works duration, as a share; 0 when absent
    double operating_upper = 0;  ///< uplift on operating (revenue) cost, as a share; 0 when absent
    bool has_capital = true, has_duration = true, has_operating = false;
};
/// Uplift after mitigation: upper * (1 - mitigation), mitigation in [0, 1].
double optimism_bias_uplift(double upper_bound, double mitigation);
/// Blended uplift of a project made of several categories: sum_i share_i * uplift_i; shares in [0, 1] sum to 1.
double blended_uplift(const std::vector<std::pair<double, double>>& share_and_uplift);

/// The additionality adjustments of one outcome (HCA Additionality Guide; SROI guide). All shares in [0, 1].
struct Additionality {
    double deadweight = 0;
    double displacement = 0;
    double leakage = 0;
    double substitution = 0;
    double attribution = 1;  ///< share of the outcome attributable to the intervention
    /// Throws AppraisalError naming the first share outside [0, 1].
    void validate() const;
    /// (1 - deadweight)(1 - displacement)(1 - leakage)(1 - substitution) * attribution.
    double net_factor() const;
};
/// Net outcome from gross.
double net_outcome(double gross, const Additionality& a);

/// How an outcome delivered in one year persists: starts after `lag` years, lasts `duration` years,
/// and declines by `drop_off` a year after its first year.
struct Persistence {
    int lag = 0;
    int duration = 1;
    double drop_off = 0;
    void validate() const;
    /// Share of the first-year outcome present `years_since_delivery` years after delivery:
    /// (1 - drop_off)^(t - lag) for lag <= t < lag + duration, else 0.
    double weight(int years_since_delivery) const;
};
/// Outcome by year over `n_years` from an outcome delivered per year (`delivered[i]` in year i), each year's
/// delivery following `p` (a discrete convolution).
std::vector<double> outcome_profile(const std::vector<double>& delivered, const Persistence& p, int n_years);

/// Green Book (2022) Annex A3 distributional weight of a group: (median income / group income)^eta, computed as
/// exp(eta ln(median / income)) as the engine does (docs/model/distribution.md). Throws AppraisalError for an
/// income <= 0 or not finite, or eta < 0 or not finite.
double distributional_weight(double median_income, double group_income, double eta);

}  // namespace socval::appraisal
