/// The evaluation order of outcomes: a topological order of the lag-0 outcome -> outcome links (Kahn's
/// algorithm). Links with a lag of one year or more read earlier years and impose no order within a year, so a
/// cycle that carries a lag is evaluated through time.
#include <algorithm>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include <socval/engine/plan.hpp>
#include <socval/errors.hpp>

namespace socval::engine {

namespace {

/// A cycle among `remaining` outcomes (each has a lag-0 predecessor among them): walk predecessors until one
/// repeats, then return the loop in link direction.
std::vector<int> find_cycle(const std::vector<std::vector<int>>& preds, const std::vector<char>& remaining) {
    int start = -1;
    for (std::size_t i = 0; i < remaining.size(); ++i)
        if (remaining[i]) { start = static_cast<int>(i); break; }
    std::vector<int> seen_at(remaining.size(), -1), path;
    int v = start;
    while (seen_at[static_cast<std::size_t>(v)] < 0) {
        seen_at[static_cast<std::size_t>(v)] = static_cast<int>(path.size());
        path.push_back(v);
        int next = -1;
        for (int p : preds[static_cast<std::size_t>(v)])
            if (remaining[static_cast<std::size_t>(p)]) { next = p; break; }
        v = next;
    }
    std::vector<int> cycle(path.begin() + seen_at[static_cast<std::size_t>(v)], path.end());
    std::reverse(cycle.begin(), cycle.end());  // predecessors walked backwards: restore link direction
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());  // stable message
    return cycle;
}

}  // namespace

std::vector<int> lag0_order(const model::Scenario& s) {
    const std::size_t n = s.outcomes.size();
    std::vector<std::vector<int>> succ(n), preds(n);
    std::vector<int> indegree(n, 0);
    for (const auto& link : s.links) {
        if (link.from_kind != model::Link::From::outcome || link.lag != 0) continue;
        if (link.from < 0 || static_cast<std::size_t>(link.from) >= n || link.to < 0 ||
            static_cast<std::size_t>(link.to) >= n)
            throw ScenarioError(link.where, "link: expected outcome indices in [0, " + std::to_string(n) +
                                                "), found " + std::to_string(link.from) + " -> " +
                                                std::to_string(link.to));
        succ[static_cast<std::size_t>(link.from)].push_back(link.to);
        preds[static_cast<std::size_t>(link.to)].push_back(link.from);
        ++indegree[static_cast<std::size_t>(link.to)];
    }
    std::priority_queue<int, std::vector<int>, std::greater<int>> ready;  // ties broken by outcome index
    for (std::size_t i = 0; i < n; ++i)
        if (indegree[i] == 0) ready.push(static_cast<int>(i));
    std::vector<int> order;
    order.reserve(n);
    while (!ready.empty()) {
        int v = ready.top();
        ready.pop();
        order.push_back(v);
        for (int w : succ[static_cast<std::size_t>(v)])
            if (--indegree[static_cast<std::size_t>(w)] == 0) ready.push(w);
    }
    if (order.size() < n) {
        std::vector<char> remaining(n, 1);
        for (int v : order) remaining[static_cast<std::size_t>(v)] = 0;
        auto cycle = find_cycle(preds, remaining);
        std::string names;
        for (int v : cycle) names += s.outcomes[static_cast<std::size_t>(v)].id + " -> ";
        names += s.outcomes[static_cast<std::size_t>(cycle.front())].id;
        throw ScenarioError(s.outcomes[static_cast<std::size_t>(cycle.front())].where,
                            "links: expected every cycle of outcomes to carry a lag of at least one year, found a "
                            "cycle with lag 0: " + names);
    }
    return order;
}

}  // namespace socval::engine
