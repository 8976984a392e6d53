/// SMAA-2: Monte Carlo over weights (uniform on the constrained simplex) and criterion draws.
#include "socval/decision/smaa.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>

#include "keyed_random.hpp"
#include "parallel.hpp"
#include "socval/errors.hpp"

namespace socval::decision {

namespace {

constexpr std::int64_t chunk_size = 1024;
constexpr std::int64_t pilot_proposals = 20000;
constexpr std::int64_t max_attempts = 10'000'000;
constexpr std::uint64_t pilot_stream = 0xFFFFFFFFFFFFFFFFULL;

/// Draws uniform weights on the simplex restricted by the constraints (rejection; a complete ranking is sampled
/// exactly by sorting, since the uniform simplex is exchangeable).
class WeightSampler {
public:
    WeightSampler(const WeightConstraints& c, int criteria) : c_(c), m_(criteria), chain_(ranking_chain(c, criteria)) {}

    /// One proposal from the uniform simplex (or the ordered simplex of a complete ranking).
    void propose(detail::KeyedStream& s, Eigen::VectorXd& w) const {
        double total = 0.0;
        for (int j = 0; j < m_; ++j) {
            w[j] = s.exponential();
            total += w[j];
        }
        w /= total;
        if (!chain_.empty()) {
            Eigen::VectorXd sorted = w;
            std::sort(sorted.data(), sorted.data() + m_, std::greater<double>());
            for (int t = 0; t < m_; ++t) w[chain_[t]] = sorted[t];
        }
    }

    bool accept(const Eigen::VectorXd& w) const { return satisfies(c_, w); }

    /// Proposals until one is accepted.
    void draw(detail::KeyedStream& s, Eigen::VectorXd& w) const {
        for (std::int64_t a = 0; a < max_attempts; ++a) {
            propose(s, w);
            if (accept(w)) return;
        }
        throw DecisionError("smaa: no weight vector satisfying weight_constraints found in " +
                            std::to_string(max_attempts) + " uniform proposals; widen the constraints");
    }

private:
    /// The criteria in decreasing weight order when `order` is exactly a complete ranking (a chain over all
    /// criteria), else empty.
    static std::vector<int> ranking_chain(const WeightConstraints& c, int m) {
        if (static_cast<int>(c.order.size()) != m - 1 || m < 2) return {};
        std::vector<int> next(m, -1), indeg(m, 0);
        for (const auto& [i, j] : c.order) {
            if (next[i] != -1) return {};
            next[i] = j;
            ++indeg[j];
        }
        const auto start = std::find(indeg.begin(), indeg.end(), 0);
        if (start == indeg.end() || std::count(indeg.begin(), indeg.end(), 0) != 1) return {};
        std::vector<int> chain{static_cast<int>(start - indeg.begin())};
        while (next[chain.back()] != -1 && static_cast<int>(chain.size()) <= m) chain.push_back(next[chain.back()]);
        if (static_cast<int>(chain.size()) != m) return {};
        return chain;
    }

    const WeightConstraints& c_;
    int m_;
    std::vector<int> chain_;
};

void check_performance(const Performance& p) {
    if (p.data == nullptr || p.draws < 1 || p.alternatives < 1 || p.criteria < 1)
        throw DecisionError("performance: expected an array of shape (draws, alternatives, criteria) with every size "
                            ">= 1, found (" + std::to_string(p.draws) + ", " + std::to_string(p.alternatives) + ", " +
                            std::to_string(p.criteria) + ")");
    const std::int64_t n = static_cast<std::int64_t>(p.draws) * p.alternatives * p.criteria;
    for (std::int64_t i = 0; i < n; ++i)
        if (!std::isfinite(p.data[i]))
            throw DecisionError("performance: expected finite values, found " + std::to_string(p.data[i]) +
                                " at flat index " + std::to_string(i));
}

/// Sorts alternatives by value (descending) and calls f(alternative, first_rank, group_size) per tie group member.
template <class F>
void for_each_rank(const Eigen::VectorXd& value, std::vector<int>& idx, F f) {
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return value[a] > value[b]; });
    const int n = static_cast<int>(idx.size());
    for (int s = 0; s < n;) {
        int e = s + 1;
        while (e < n && value[idx[e]] == value[idx[s]]) ++e;
        for (int t = s; t < e; ++t) f(idx[t], s, e - s);
        s = e;
    }
}

}  // namespace

SmaaResult smaa(const Performance& p, const SmaaOptions& o) {
    check_performance(p);
    if (o.n_weights < 1)
        throw DecisionError("n_weights: expected at least 1, found " + std::to_string(o.n_weights));
    const int na = p.alternatives, m = p.criteria;
    const WeightConstraints c = checked_weight_constraints(o.constraints, m);
    const WeightSampler sampler(c, m);

    SmaaResult r;
    // Pilot run: the acceptance rate of the constraints, to refuse hopeless rejection sampling up front.
    {
        detail::KeyedStream s(o.seed, pilot_stream);
        Eigen::VectorXd w(m);
        std::int64_t accepted = 0;
        for (std::int64_t t = 0; t < pilot_proposals; ++t) {
            sampler.propose(s, w);
            accepted += sampler.accept(w);
        }
        r.acceptance_rate = static_cast<double>(accepted) / pilot_proposals;
        if (r.acceptance_rate < o.min_acceptance) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.3g%%", 100.0 * r.acceptance_rate);
            throw DecisionError(std::string("weight_constraints: only ") + buf +
                                " of uniform weight proposals satisfy the constraints (minimum " +
                                std::to_string(100.0 * o.min_acceptance) +
                                "%); rejection sampling would be too slow or the set is (nearly) empty: "
                                "widen the intervals or state a complete ranking");
        }
    }

    const std::int64_t chunks = (o.n_weights + chunk_size - 1) / chunk_size;
    std::vector<RowMatrix> rank_part(chunks), central_part(chunks);
    detail::for_each_chunk(chunks, o.threads, [&](std::int64_t chunk) {
        RowMatrix rank = RowMatrix::Zero(na, na), central = RowMatrix::Zero(na, m);
        Eigen::VectorXd w(m), value(na);
        std::vector<int> idx(na);
        const std::int64_t end = std::min(o.n_weights, (chunk + 1) * chunk_size);
        for (std::int64_t k = chunk * chunk_size; k < end; ++k) {
            detail::KeyedStream s(o.seed, static_cast<std::uint64_t>(k));
            sampler.draw(s, w);
            const int d = static_cast<int>(k % p.draws);
            for (int a = 0; a < na; ++a) {
                double v = 0.0;
                for (int j = 0; j < m; ++j) v += p(d, a, j) * w[j];
                value[a] = v;
            }
            for_each_rank(value, idx, [&](int a, int first, int size) {
                const double share = 1.0 / size;
                for (int t = first; t < first + size; ++t) rank(a, t) += share;
                if (first == 0) central.row(a) += share * w.transpose();
            });
        }
        rank_part[chunk] = std::move(rank);
        central_part[chunk] = std::move(central);
    });
    RowMatrix rank = RowMatrix::Zero(na, na), central = RowMatrix::Zero(na, m);
    for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
        rank += rank_part[chunk];
        central += central_part[chunk];
    }
    r.rank_acceptability = rank / static_cast<double>(o.n_weights);
    r.central_weights.resize(na, m);
    for (int a = 0; a < na; ++a) {
        if (rank(a, 0) > 0.0) r.central_weights.row(a) = central.row(a) / rank(a, 0);
        else r.central_weights.row(a).setConstant(std::numeric_limits<double>::quiet_NaN());
    }

    // Confidence factor: share of draws in which the alternative ranks first with its central weights.
    r.confidence = Eigen::VectorXd::Constant(na, std::numeric_limits<double>::quiet_NaN());
    Eigen::VectorXd value(na);
    std::vector<int> idx(na);
    for (int a = 0; a < na; ++a) {
        if (!(rank(a, 0) > 0.0)) continue;
        const Eigen::VectorXd wc = r.central_weights.row(a).transpose();
        double hits = 0.0;
        for (int d = 0; d < p.draws; ++d) {
            for (int b = 0; b < na; ++b) {
                double v = 0.0;
                for (int j = 0; j < m; ++j) v += p(d, b, j) * wc[j];
                value[b] = v;
            }
            for_each_rank(value, idx, [&](int b, int first, int size) {
                if (b == a && first == 0) hits += 1.0 / size;
            });
        }
        r.confidence[a] = hits / p.draws;
    }
    return r;
}

}  // namespace socval::decision
