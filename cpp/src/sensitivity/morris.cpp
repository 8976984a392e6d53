/// Morris elementary effects: trajectory design on a p-level grid and the mu, mu*, sigma summaries.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "detail.hpp"
#include "socval/sensitivity.hpp"

namespace socval::sensitivity {

Eigen::MatrixXd morris_design(int k, int r, int p, std::uint64_t seed) {
    detail::require(k >= 1, "morris: at least one input expected, got " + std::to_string(k));
    detail::require(r >= 2, "morris: trajectories must be >= 2 (sigma needs two effects), got " + std::to_string(r));
    detail::require(p >= 2 && p % 2 == 0, "morris: levels must be even and >= 2 (so that Delta = p / (2 (p - 1)) "
                                          "keeps the grid symmetric), got " + std::to_string(p));
    const double step = 1.0 / (p - 1);
    const double delta = p / (2.0 * (p - 1));
    const int base_levels = p / 2;  // x* in {0, 1/(p-1), ..., 1 - Delta}
    Eigen::MatrixXd x(static_cast<Eigen::Index>(r) * (k + 1), k);
    std::vector<int> order(static_cast<std::size_t>(k));
    for (int t = 0; t < r; ++t) {
        // Keyed streams per trajectory: 0 base levels, 1 directions, 2 permutation.
        const std::uint64_t key = detail::key_hash(seed, 0x3044u, static_cast<std::uint64_t>(t));
        Eigen::RowVectorXd point(k);
        Eigen::RowVectorXd dir(k);
        for (int i = 0; i < k; ++i) {
            const double base = step * static_cast<double>(detail::to_index(detail::key_hash(key, 0, i), base_levels));
            dir[i] = (detail::key_hash(key, 1, i) >> 63) ? -1.0 : 1.0;
            point[i] = dir[i] > 0 ? base : base + delta;   // a downward step starts at the top of the pair
        }
        std::iota(order.begin(), order.end(), 0);
        for (int i = k - 1; i > 0; --i)  // Fisher-Yates with keyed draws
            std::swap(order[static_cast<std::size_t>(i)],
                      order[static_cast<std::size_t>(detail::to_index(detail::key_hash(key, 2, i), i + 1))]);
        const Eigen::Index row0 = static_cast<Eigen::Index>(t) * (k + 1);
        x.row(row0) = point;
        for (int s = 0; s < k; ++s) {
            const int i = order[static_cast<std::size_t>(s)];
            point[i] += dir[i] * delta;
            x.row(row0 + s + 1) = point;
        }
    }
    return x;
}

MorrisResult morris_effects(const Eigen::Ref<const Eigen::MatrixXd>& design,
                            const Eigen::Ref<const Eigen::VectorXd>& outputs, int r) {
    const auto k = static_cast<int>(design.cols());
    detail::require(k >= 1, "morris: the design has no input columns");
    detail::require(r >= 2, "morris: trajectories must be >= 2, got " + std::to_string(r));
    detail::require(design.rows() == static_cast<Eigen::Index>(r) * (k + 1),
                    "morris: expected " + std::to_string(r) + " trajectories x " + std::to_string(k + 1) +
                        " rows = " + std::to_string(r * (k + 1)) + " design rows, got " +
                        std::to_string(design.rows()));
    detail::require(outputs.size() == design.rows(), "morris: expected " + std::to_string(design.rows()) +
                                                         " outputs (one per design row), got " +
                                                         std::to_string(outputs.size()));
    for (Eigen::Index j = 0; j < outputs.size(); ++j)
        if (!std::isfinite(outputs[j]))
            throw SensitivityError("morris: output " + std::to_string(j) + " is not finite: " +
                                   std::to_string(outputs[j]));
    // One pass over the steps, trajectories in parallel (each writes its own row of effects): the input a step
    // moves is found by scanning the two rows in place, with no temporary row.
    MorrisResult res;
    res.effects = Eigen::MatrixXd::Constant(r, k, std::numeric_limits<double>::quiet_NaN());
    detail::parallel_for(r, 0, [&](std::int64_t begin, std::int64_t end) {
        for (auto t = static_cast<int>(begin); t < end; ++t) {
            const Eigen::Index row0 = static_cast<Eigen::Index>(t) * (k + 1);
            for (int s = 0; s < k; ++s) {
                int changed = -1, count = 0;
                for (int i = 0; i < k; ++i)
                    if (design(row0 + s + 1, i) != design(row0 + s, i)) {
                        changed = i;
                        ++count;
                    }
                if (count != 1)
                    throw SensitivityError("morris: trajectory " + std::to_string(t) + " step " + std::to_string(s) +
                                           " changes " + std::to_string(count) + " inputs; exactly 1 expected");
                if (!std::isnan(res.effects(t, changed)))
                    throw SensitivityError("morris: trajectory " + std::to_string(t) + " moves input " +
                                           std::to_string(changed) + " twice; each input must move exactly once");
                res.effects(t, changed) = (outputs[row0 + s + 1] - outputs[row0 + s]) /
                                          (design(row0 + s + 1, changed) - design(row0 + s, changed));
            }
        }
    });
    res.mu = res.effects.colwise().mean().transpose();
    res.mu_star = res.effects.cwiseAbs().colwise().mean().transpose();
    res.sigma = ((res.effects.rowwise() - res.mu.transpose()).array().square().colwise().sum() / (r - 1))
                    .sqrt()
                    .transpose();
    return res;
}

}  // namespace socval::sensitivity
