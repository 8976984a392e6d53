/// Weight constraints: validation and exact extreme-point enumeration of the weight polytope.
#include "socval/decision/weights.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "socval/errors.hpp"

namespace socval::decision {

namespace {

std::string num(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", x);
    return buf;
}

}  // namespace

WeightConstraints checked_weight_constraints(const WeightConstraints& c, int criteria) {
    WeightConstraints out = c;
    const std::string where = "weight_constraints: ";
    if (criteria < 1) throw DecisionError(where + "expected at least 1 criterion, found " + std::to_string(criteria));
    if (out.lower.size() == 0) out.lower = Eigen::VectorXd::Zero(criteria);
    if (out.upper.size() == 0) out.upper = Eigen::VectorXd::Ones(criteria);
    if (out.lower.size() != criteria)
        throw DecisionError(where + "'lower' must have one bound per criterion (" + std::to_string(criteria) +
                            "), found " + std::to_string(out.lower.size()));
    if (out.upper.size() != criteria)
        throw DecisionError(where + "'upper' must have one bound per criterion (" + std::to_string(criteria) +
                            "), found " + std::to_string(out.upper.size()));
    for (int j = 0; j < criteria; ++j) {
        const double lo = out.lower[j], hi = out.upper[j];
        if (!std::isfinite(lo) || !std::isfinite(hi) || lo < 0.0 || hi > 1.0 || lo > hi)
            throw DecisionError(where + "criterion " + std::to_string(j) + ": expected 0 <= lower <= upper <= 1, found lower " +
                                num(lo) + ", upper " + num(hi));
    }
    if (out.lower.sum() > 1.0 + 1e-12)
        throw DecisionError(where + "the lower bounds sum to " + num(out.lower.sum()) +
                            " > 1: no weights summing to 1 satisfy them");
    if (out.upper.sum() < 1.0 - 1e-12)
        throw DecisionError(where + "the upper bounds sum to " + num(out.upper.sum()) +
                            " < 1: no weights summing to 1 satisfy them");
    for (const auto& [i, j] : out.order) {
        if (i < 0 || i >= criteria || j < 0 || j >= criteria || i == j)
            throw DecisionError(where + "order pair (" + std::to_string(i) + ", " + std::to_string(j) +
                                "): expected two different criterion indices in [0, " + std::to_string(criteria) + ")");
    }
    return out;
}

bool satisfies(const WeightConstraints& c, const Eigen::VectorXd& w, double tol) {
    for (Eigen::Index j = 0; j < w.size(); ++j) {
        if (c.lower.size() && w[j] < c.lower[j] - tol) return false;
        if (c.upper.size() && w[j] > c.upper[j] + tol) return false;
    }
    for (const auto& [i, j] : c.order)
        if (w[i] < w[j] - tol) return false;
    return true;
}

RowMatrix weight_extreme_points(const WeightConstraints& given, int criteria, std::int64_t max_systems) {
    const WeightConstraints c = checked_weight_constraints(given, criteria);
    const int m = criteria;
    // Inequalities G w >= h: w_j >= lower_j, -w_j >= -upper_j (when upper_j < 1), w_i - w_j >= 0.
    std::vector<Eigen::VectorXd> g;
    std::vector<double> h;
    for (int j = 0; j < m; ++j) {
        Eigen::VectorXd row = Eigen::VectorXd::Zero(m);
        row[j] = 1.0;
        g.push_back(row);
        h.push_back(c.lower[j]);
        if (c.upper[j] < 1.0) {
            g.push_back(-row);
            h.push_back(-c.upper[j]);
        }
    }
    for (const auto& [i, j] : c.order) {
        Eigen::VectorXd row = Eigen::VectorXd::Zero(m);
        row[i] = 1.0;
        row[j] = -1.0;
        g.push_back(row);
        h.push_back(0.0);
    }
    const int q = static_cast<int>(g.size());
    const int k = m - 1;  // active inequalities per vertex
    // Number of systems C(q, k), checked before enumerating.
    double systems = 1.0;
    for (int t = 0; t < k; ++t) systems = systems * (q - t) / (t + 1);
    if (systems > static_cast<double>(max_systems))
        throw DecisionError("weight_constraints: exact vertex enumeration would solve " + num(systems) +
                            " linear systems (limit " + std::to_string(max_systems) +
                            "); use fewer criteria or fewer constraints");
    std::vector<Eigen::VectorXd> vertices;
    std::vector<int> pick(k);
    for (int t = 0; t < k; ++t) pick[t] = t;
    const auto add_if_vertex = [&]() {
        Eigen::MatrixXd a(m, m);
        Eigen::VectorXd b(m);
        for (int t = 0; t < k; ++t) {
            a.row(t) = g[pick[t]].transpose();
            b[t] = h[pick[t]];
        }
        a.row(m - 1).setOnes();
        b[m - 1] = 1.0;
        Eigen::FullPivLU<Eigen::MatrixXd> lu(a);
        if (lu.rank() < m) return;
        const Eigen::VectorXd w = lu.solve(b);
        for (int r = 0; r < q; ++r)
            if (g[r].dot(w) < h[r] - 1e-10) return;
        for (const auto& v : vertices)
            if ((v - w).cwiseAbs().maxCoeff() < 1e-9) return;
        vertices.push_back(w);
    };
    if (k == 0) {
        add_if_vertex();
    } else if (q >= k) {
        while (true) {
            add_if_vertex();
            int t = k - 1;
            while (t >= 0 && pick[t] == q - k + t) --t;
            if (t < 0) break;
            ++pick[t];
            for (int u = t + 1; u < k; ++u) pick[u] = pick[u - 1] + 1;
        }
    }
    if (vertices.empty())
        throw DecisionError("weight_constraints: no weights satisfy the constraints together "
                            "(check the order pairs against the lower and upper bounds)");
    RowMatrix out(vertices.size(), m);
    for (std::size_t r = 0; r < vertices.size(); ++r) {
        for (int j = 0; j < m; ++j) out(r, j) = std::abs(vertices[r][j]) < 1e-14 ? 0.0 : vertices[r][j];
    }
    return out;
}

}  // namespace socval::decision
