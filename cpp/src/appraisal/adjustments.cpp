/// Optimism bias and additionality: the adjustments the Green Book and the HCA Additionality Guide ask for.
#include <cmath>
#include <string>

#include <socval/appraisal.hpp>
#include <socval/errors.hpp>

namespace socval::appraisal {

namespace {
void require_share(double x, const char* what) {
    if (!(x >= 0.0 && x <= 1.0))
        throw AppraisalError(std::string(what) + ": expected a share in [0, 1], found " + show(x));
}
}  // namespace

double optimism_bias_uplift(double upper_bound, double mitigation) {
    if (!(upper_bound >= 0.0) || !std::isfinite(upper_bound))
        throw AppraisalError("optimism bias: expected an upper bound >= 0, found " + show(upper_bound));
    require_share(mitigation, "optimism bias mitigation");
    return upper_bound * (1.0 - mitigation);
}

double blended_uplift(const std::vector<std::pair<double, double>>& share_and_uplift) {
    if (share_and_uplift.empty()) throw AppraisalError("blended optimism bias: expected at least one category, found none");
    double total_share = 0.0, uplift = 0.0;
    for (const auto& [share, u] : share_and_uplift) {
        require_share(share, "blended optimism bias share");
        if (!(u >= 0.0)) throw AppraisalError("blended optimism bias: expected uplifts >= 0, found " + show(u));
        total_share += share;
        uplift += share * u;
    }
    if (std::abs(total_share - 1.0) > 1e-9)
        throw AppraisalError("blended optimism bias: expected shares summing to 1, found " + show(total_share));
    return uplift;
}

void Additionality::validate() const {
    require_share(deadweight, "deadweight");
    require_share(displacement, "displacement");
    require_share(leakage, "leakage");
    require_share(substitution, "substitution");
    require_share(attribution, "attribution");
}

double Additionality::net_factor() const {
    return (1.0 - deadweight) * (1.0 - displacement) * (1.0 - leakage) * (1.0 - substitution) * attribution;
}

double net_outcome(double gross, const Additionality& a) {
    a.validate();
    return gross * a.net_factor();
}

void Persistence::validate() const {
    if (lag < 0) throw AppraisalError("lag: expected a whole number of years >= 0, found " + std::to_string(lag));
    if (duration < 1) throw AppraisalError("duration: expected a whole number of years >= 1, found " + std::to_string(duration));
    require_share(drop_off, "drop-off");
}

double Persistence::weight(int t) const {
    if (t < lag || t >= lag + duration) return 0.0;
    return std::pow(1.0 - drop_off, t - lag);
}

std::vector<double> outcome_profile(const std::vector<double>& delivered, const Persistence& p, int n_years) {
    p.validate();
    if (n_years < 0) throw AppraisalError("outcome profile: expected n_years >= 0, found " + std::to_string(n_years));
    std::vector<double> level(static_cast<std::size_t>(n_years), 0.0);
    for (std::size_t s = 0; s < delivered.size(); ++s)
        for (int t = static_cast<int>(s); t < n_years; ++t)
            level[static_cast<std::size_t>(t)] += delivered[s] * p.weight(t - static_cast<int>(s));
    return level;
}

double distributional_weight(double median_income, double group_income, double eta) {
    if (!(median_income > 0) || !std::isfinite(median_income))
        throw AppraisalError("distributional weight: expected a median income > 0, found " + std::to_string(median_income));
    if (!(group_income > 0) || !std::isfinite(group_income))
        throw AppraisalError("distributional weight: expected a group income > 0, found " + std::to_string(group_income));
    if (!(eta >= 0) || !std::isfinite(eta))
        throw AppraisalError("distributional weight: expected an elasticity eta >= 0, found " + std::to_string(eta));
    return std::exp(eta * std::log(median_income / group_income));
}

}  // namespace socval::appraisal
