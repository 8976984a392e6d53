/// The decision graph: construction, lag-0 cycle check with the cycle's members, topological order of outcomes,
/// reachability warnings and the edge table.
#include <socval/graph.hpp>

#include <algorithm>
#include <functional>
#include <queue>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/depth_first_search.hpp>

namespace socval::model {

const char* to_string(NodeKind k) {
    switch (k) {
        case NodeKind::option: return "option";
        case NodeKind::outcome: return "outcome";
        case NodeKind::priority: return "priority";
    }
    return "?";
}

const char* to_string(EdgeKind k) {
    switch (k) {
        case EdgeKind::output: return "output";
        case EdgeKind::link: return "link";
        case EdgeKind::share: return "share";
    }
    return "?";
}

namespace {

/// Outcomes as vertices, lag-0 outcome -> outcome links as edges (edge property: the link index).
using WithinYear = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, int>;
using WithinEdge = boost::graph_traits<WithinYear>::edge_descriptor;
using WithinVertex = boost::graph_traits<WithinYear>::vertex_descriptor;

/// Records DFS tree predecessors and the first back edge (which closes a cycle).
struct CycleFinder : boost::default_dfs_visitor {
    std::vector<WithinVertex>* pred;
    std::vector<WithinEdge>* back;
    void tree_edge(WithinEdge e, const WithinYear& g) const { (*pred)[boost::target(e, g)] = boost::source(e, g); }
    void back_edge(WithinEdge e, const WithinYear&) const {
        if (back->empty()) back->push_back(e);
    }
};

[[noreturn]] void throw_cycle(const Scenario& sc, const WithinYear& g, const std::vector<WithinVertex>& pred,
                              WithinEdge closing) {
    const WithinVertex u = boost::source(closing, g), v = boost::target(closing, g);
    std::vector<WithinVertex> path{u};
    while (path.back() != v) path.push_back(pred[path.back()]);
    std::reverse(path.begin(), path.end());  // v ... u
    std::string names;
    for (WithinVertex x : path) names += sc.outcomes[x].id + " -> ";
    names += sc.outcomes[v].id;
    const Link& link = sc.links[static_cast<std::size_t>(g[closing])];
    Location where = link.where;
    where.key = "links." + link.id;
    throw ScenarioError(where, "cycle without lag: " + names +
                                   "; give one link a lag of at least 1 year (a cycle is evaluated through time only "
                                   "when it carries a lag)");
}

std::vector<int> order_outcomes(const Scenario& sc) {
    WithinYear g(sc.outcomes.size());
    for (std::size_t i = 0; i < sc.links.size(); ++i) {
        const Link& l = sc.links[i];
        if (l.from_kind == Link::From::outcome && l.lag == 0)
            boost::add_edge(static_cast<WithinVertex>(l.from), static_cast<WithinVertex>(l.to), static_cast<int>(i), g);
    }
    std::vector<WithinVertex> pred(sc.outcomes.size());
    for (std::size_t i = 0; i < pred.size(); ++i) pred[i] = i;
    std::vector<WithinEdge> back;
    std::vector<boost::default_color_type> colors(sc.outcomes.size());
    CycleFinder finder;
    finder.pred = &pred;
    finder.back = &back;
    boost::depth_first_search(
        g, boost::visitor(finder).color_map(boost::make_iterator_property_map(colors.begin(),
                                                                               boost::get(boost::vertex_index, g))));
    if (!back.empty()) throw_cycle(sc, g, pred, back.front());
    // Kahn's algorithm, taking the lowest outcome index among those ready: the order follows the file where the
    // links allow it (the engine's order is the same).
    std::vector<int> indegree(sc.outcomes.size(), 0);
    for (auto [e, end] = boost::edges(g); e != end; ++e) ++indegree[boost::target(*e, g)];
    std::priority_queue<WithinVertex, std::vector<WithinVertex>, std::greater<WithinVertex>> ready;
    for (WithinVertex v = 0; v < sc.outcomes.size(); ++v)
        if (indegree[v] == 0) ready.push(v);
    std::vector<int> order;
    while (!ready.empty()) {
        const WithinVertex v = ready.top();
        ready.pop();
        order.push_back(static_cast<int>(v));
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e)
            if (--indegree[boost::target(*e, g)] == 0) ready.push(boost::target(*e, g));
    }
    return order;
}

}  // namespace

Graph build_graph(const Scenario& sc) {
    Graph out;
    out.n_options = static_cast<int>(sc.options.size());
    out.n_outcomes = static_cast<int>(sc.outcomes.size());
    out.n_priorities = static_cast<int>(sc.priorities.size());
    DecisionGraph& g = out.graph;
    for (int i = 0; i < out.n_options; ++i) boost::add_vertex(GraphVertex{NodeKind::option, i}, g);
    for (int i = 0; i < out.n_outcomes; ++i) boost::add_vertex(GraphVertex{NodeKind::outcome, i}, g);
    for (int i = 0; i < out.n_priorities; ++i) boost::add_vertex(GraphVertex{NodeKind::priority, i}, g);
    for (int o = 0; o < out.n_options; ++o) {
        const auto& outputs = sc.options[static_cast<std::size_t>(o)].outputs;
        for (std::size_t k = 0; k < outputs.size(); ++k)
            boost::add_edge(out.option_vertex(o), out.outcome_vertex(outputs[k].outcome),
                            GraphEdge{EdgeKind::output, static_cast<int>(k), 0}, g);
    }
    for (std::size_t i = 0; i < sc.links.size(); ++i) {
        const Link& l = sc.links[i];
        const std::size_t from = l.from_kind == Link::From::option ? out.option_vertex(l.from) : out.outcome_vertex(l.from);
        boost::add_edge(from, out.outcome_vertex(l.to), GraphEdge{EdgeKind::link, static_cast<int>(i), l.lag}, g);
    }
    for (int u = 0; u < out.n_outcomes; ++u) {
        const auto& shares = sc.outcomes[static_cast<std::size_t>(u)].priorities;
        for (std::size_t k = 0; k < shares.size(); ++k)
            boost::add_edge(out.outcome_vertex(u), out.priority_vertex(shares[k].priority),
                            GraphEdge{EdgeKind::share, static_cast<int>(k), 0}, g);
    }
    out.outcome_order = order_outcomes(sc);
    return out;
}

std::vector<std::string> graph_warnings(const Scenario& sc, const Graph& graph) {
    const DecisionGraph& g = graph.graph;
    std::vector<bool> reached_priority(sc.priorities.size(), false);
    std::vector<std::string> warnings;
    for (const Funding& f : sc.funded) {
        std::vector<boost::default_color_type> colors(boost::num_vertices(g), boost::white_color);
        auto color = boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, g));
        boost::breadth_first_visit(g, graph.option_vertex(f.option), boost::color_map(color));
        bool any = false;
        for (int p = 0; p < graph.n_priorities; ++p)
            if (colors[graph.priority_vertex(p)] != boost::white_color) {
                any = true;
                reached_priority[static_cast<std::size_t>(p)] = true;
            }
        if (!any)
            warnings.push_back("funded option '" + sc.options[static_cast<std::size_t>(f.option)].id +
                               "' reaches no priority: no outcome it feeds (directly or through links) has a "
                               "priority share");
    }
    for (std::size_t p = 0; p < sc.priorities.size(); ++p)
        if (!reached_priority[p])
            warnings.push_back("priority '" + sc.priorities[p].id + "' is reached by no funded option");
    return warnings;
}

std::vector<EdgeRow> edge_table(const Scenario& sc) {
    std::vector<EdgeRow> rows;
    for (const Option& o : sc.options)
        for (const Output& out : o.outputs)
            rows.push_back({o.id, sc.outcomes[static_cast<std::size_t>(out.outcome)].id, "output", out.amount.value, 0,
                            to_string(out.basis)});
    for (const Link& l : sc.links) {
        const std::string& from = l.from_kind == Link::From::option ? sc.options[static_cast<std::size_t>(l.from)].id
                                                                    : sc.outcomes[static_cast<std::size_t>(l.from)].id;
        rows.push_back({from, sc.outcomes[static_cast<std::size_t>(l.to)].id, "link", l.coefficient.value, l.lag,
                        to_string(l.form)});
    }
    for (const Outcome& u : sc.outcomes)
        for (const PriorityShare& s : u.priorities)
            rows.push_back({u.id, sc.priorities[static_cast<std::size_t>(s.priority)].id, "share", s.share, 0, "share"});
    return rows;
}

}  // namespace socval::model
