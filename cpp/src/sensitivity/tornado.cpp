/// One-way tornado: design (central case and one input at a time at its low / high value) and swings.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "detail.hpp"
#include "socval/sensitivity.hpp"

namespace socval::sensitivity {

Eigen::MatrixXd tornado_design(const Eigen::Ref<const Eigen::VectorXd>& central,
                               const Eigen::Ref<const Eigen::VectorXd>& low,
                               const Eigen::Ref<const Eigen::VectorXd>& high) {
    const auto k = central.size();
    detail::require(k >= 1, "tornado: at least one input expected in central");
    detail::require(low.size() == k && high.size() == k,
                    "tornado: central, low and high must have the same length: got " + std::to_string(k) + ", " +
                        std::to_string(low.size()) + ", " + std::to_string(high.size()));
    for (Eigen::Index i = 0; i < k; ++i)
        detail::require(std::isfinite(central[i]) && std::isfinite(low[i]) && std::isfinite(high[i]),
                        "tornado: input " + std::to_string(i) + " has a non-finite central, low or high value");
    Eigen::MatrixXd x = central.transpose().replicate(2 * k + 1, 1);
    for (Eigen::Index i = 0; i < k; ++i) {
        x(1 + 2 * i, i) = low[i];
        x(2 + 2 * i, i) = high[i];
    }
    return x;
}

TornadoResult tornado_swings(const Eigen::Ref<const Eigen::VectorXd>& y) {
    detail::require(y.size() >= 3 && y.size() % 2 == 1,
                    "tornado: expected 2k + 1 outputs (central, then low and high of each input), got " +
                        std::to_string(y.size()));
    for (Eigen::Index j = 0; j < y.size(); ++j)
        detail::require(std::isfinite(y[j]), "tornado: output " + std::to_string(j) + " is not finite");
    const auto k = (y.size() - 1) / 2;
    TornadoResult t;
    t.base = y[0];
    t.output_low.resize(k);
    t.output_high.resize(k);
    for (Eigen::Index i = 0; i < k; ++i) {
        t.output_low[i] = y[1 + 2 * i];
        t.output_high[i] = y[2 + 2 * i];
    }
    t.swing = (t.output_high - t.output_low).cwiseAbs();
    t.order.resize(static_cast<std::size_t>(k));
    std::iota(t.order.begin(), t.order.end(), 0);
    std::stable_sort(t.order.begin(), t.order.end(), [&](int a, int b) { return t.swing[a] > t.swing[b]; });
    return t;
}

}  // namespace socval::sensitivity
