#pragma once
/// The decision graph of a scenario (Boost.Graph): options, outcomes and priorities are vertices; outputs
/// (option -> outcome), links (option or outcome -> outcome) and priority shares (outcome -> priority) are edges.
/// Within one year only lag-0 links between outcomes order the evaluation: they must form no cycle. A cycle that
/// carries a lag of at least one year is legal (the engine evaluates it through time).
///
/// The graph is not stored in the Scenario: build_graph() is cheap (linear in vertices + edges), the reader calls
/// it once to validate, and the engine calls it again for the evaluation order. So a Scenario changed in code is
/// never paired with a stale graph.
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include <socval/model.hpp>

namespace socval::model {

enum class NodeKind { option, outcome, priority };
enum class EdgeKind { output, link, share };

/// "option" | "outcome" | "priority".
const char* to_string(NodeKind k);
/// "output" | "link" | "share".
const char* to_string(EdgeKind k);

/// A vertex: which option, outcome or priority it is.
struct GraphVertex {
    NodeKind kind = NodeKind::outcome;
    int index = -1;  ///< into Scenario::options, outcomes or priorities
};

/// An edge: an option's output, a link, or an outcome's share of a priority.
struct GraphEdge {
    EdgeKind kind = EdgeKind::link;
    int index = -1;  ///< output: into the option's outputs; link: into Scenario::links; share: into the outcome's priorities
    int lag = 0;     ///< links only
};

using DecisionGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, GraphVertex, GraphEdge>;

/// The decision graph of one scenario and the within-year evaluation order of its outcomes.
struct Graph {
    /// Vertices: options first (vertex i = option i), then outcomes, then priorities.
    DecisionGraph graph;
    /// Outcome indices in an order where every lag-0 link from an outcome comes before its target (Kahn's
    /// algorithm, lowest index first among the ready ones: file order where the links allow it).
    std::vector<int> outcome_order;
    int n_options = 0, n_outcomes = 0, n_priorities = 0;

    std::size_t option_vertex(int i) const { return static_cast<std::size_t>(i); }
    std::size_t outcome_vertex(int i) const { return static_cast<std::size_t>(n_options + i); }
    std::size_t priority_vertex(int i) const { return static_cast<std::size_t>(n_options + n_outcomes + i); }
};

/// Build the graph and the topological order of outcomes over lag-0 links. A lag-0 cycle is a ScenarioError at the
/// closing link naming the members in order: "cycle without lag: a -> b -> c -> a; give one link a lag of at least
/// 1 year". Indices in the scenario must be valid (the reader guarantees it).
Graph build_graph(const Scenario& scenario);

/// Warnings: a funded option from which no priority can be reached, and a priority no funded option reaches
/// (through edges of any lag).
std::vector<std::string> graph_warnings(const Scenario& scenario, const Graph& graph);

/// One edge of the graph, for tables (Python, Sankey charts).
struct EdgeRow {
    std::string from;       ///< id of the option or outcome
    std::string to;         ///< id of the outcome or priority
    std::string kind;       ///< "output" | "link" | "share"
    double coefficient = 0; ///< output amount, link coefficient, or share (central values)
    int lag = 0;            ///< links only; 0 otherwise
    std::string form;       ///< output: "per_year" | "per_pound"; link: "linear" | "saturating"; share: "share"
};

/// Every edge: outputs (in option order), then links (in file order), then shares (in outcome order).
std::vector<EdgeRow> edge_table(const Scenario& scenario);

}  // namespace socval::model
