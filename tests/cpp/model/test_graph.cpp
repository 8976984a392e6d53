/// The decision graph: vertices and edges, topological order over lag-0 links, lag-0 cycles (error naming the
/// members in order), lagged cycles (accepted), reachability warnings, and the edge table.
#include <algorithm>

#include "helpers.hpp"

using namespace socval;
using namespace socval::model;
using Catch::Contains;
using socval::model::test::error_of;
using socval::model::test::read_text;

namespace {
/// Three outcomes a, b, c (in that file order), priority p1 served by c, option o1 feeding a; links appended.
std::string chain(const std::string& links) {
    return "metadata: {name: g, price_base_year: 2023, horizon: 5}\n"
           "priorities:\n  - {id: p1, pillar: social}\n  - {id: p2, pillar: economic}\n"
           "outcomes:\n  - {id: a, unit: u}\n  - {id: b, unit: u}\n  - {id: c, unit: u, priorities: {p1: 1}}\n"
           "options:\n  - {id: o1, lever: anchor, outputs: {a: 1}}\n  - {id: o2, lever: employer}\n"
           "scenario: {funded: [o1]}\n"
           "links:\n" + links;  // links start on line 14
}
std::vector<std::string> order_ids(const Scenario& sc) {
    std::vector<std::string> ids;
    for (int i : build_graph(sc).outcome_order) ids.push_back(sc.outcomes[static_cast<std::size_t>(i)].id);
    return ids;
}
}  // namespace

TEST_CASE("graph: vertices for options, outcomes, priorities; edges for outputs, links, shares") {
    const Scenario sc = read_text(chain("  - {from: a, to: b, coefficient: 2}\n  - {from: b, to: c, coefficient: 3}\n"));
    const Graph g = build_graph(sc);
    CHECK(boost::num_vertices(g.graph) == 2 + 3 + 2);
    CHECK(boost::num_edges(g.graph) == 1 + 2 + 1);
    CHECK(g.graph[g.option_vertex(1)].kind == NodeKind::option);
    CHECK(g.graph[g.outcome_vertex(2)].kind == NodeKind::outcome);
    CHECK(g.graph[g.outcome_vertex(2)].index == 2);
    CHECK(g.graph[g.priority_vertex(0)].kind == NodeKind::priority);
    CHECK(boost::out_degree(g.option_vertex(0), g.graph) == 1);
    CHECK(boost::in_degree(g.priority_vertex(0), g.graph) == 1);
}

TEST_CASE("graph: topological order follows lag-0 links, file order otherwise") {
    CHECK(order_ids(read_text(chain("  []\n"))) == std::vector<std::string>{"a", "b", "c"});
    // c -> b -> a within the year: c first
    CHECK(order_ids(read_text(chain("  - {from: c, to: b, coefficient: 1}\n  - {from: b, to: a, coefficient: 1}\n"))) ==
          std::vector<std::string>{"c", "b", "a"});
    // a lagged link imposes no order: b -> a with lag 1 leaves file order
    CHECK(order_ids(read_text(chain("  - {from: b, to: a, coefficient: 1, lag: 1}\n"))) ==
          std::vector<std::string>{"a", "b", "c"});
    // links from options impose no order between outcomes
    CHECK(order_ids(read_text(chain("  - {from: o1, to: c, coefficient: 1}\n  - {from: c, to: a, coefficient: 1}\n"))) ==
          std::vector<std::string>{"b", "c", "a"});
}

TEST_CASE("graph: a cycle without lag is an error naming its members in order") {
    const std::string e = error_of(chain("  - {from: a, to: b, coefficient: 1}\n"
                                         "  - {from: b, to: c, coefficient: 1}\n"
                                         "  - {from: c, to: a, coefficient: 0.5}\n"));
    CHECK_THAT(e, Contains("t.yaml:16:5: links.c->a: cycle without lag: a -> b -> c -> a; give one link a lag of at "
                           "least 1 year"));
    // a self-loop
    CHECK_THAT(error_of(chain("  - {id: self, from: b, to: b, coefficient: 0.1}\n")),
               Contains("t.yaml:14:5: links.self: cycle without lag: b -> b;"));
    // a cycle reached from later outcomes only (b <-> c), with a lagged link elsewhere
    CHECK_THAT(error_of(chain("  - {from: a, to: b, coefficient: 1, lag: 2}\n"
                              "  - {from: c, to: b, coefficient: 1}\n"
                              "  - {from: b, to: c, coefficient: 1}\n")),
               Contains("cycle without lag: b -> c -> b;"));
}

TEST_CASE("graph: a cycle that carries a lag is accepted") {
    const Scenario sc = read_text(chain("  - {from: a, to: b, coefficient: 1}\n"
                                        "  - {from: b, to: c, coefficient: 1}\n"
                                        "  - {from: c, to: a, coefficient: 0.5, lag: 1}\n"));
    CHECK(order_ids(sc) == std::vector<std::string>{"a", "b", "c"});
    const Scenario self = read_text(chain("  - {from: c, to: c, coefficient: 0.9, lag: 1}\n"));
    CHECK(self.links.size() == 1);
}

TEST_CASE("graph: warnings for options that reach no priority and priorities no funded option reaches") {
    // o1 feeds a, which reaches no priority without links; p1 and p2 are unreached
    Scenario sc = read_text(chain("  []\n"));
    REQUIRE(sc.warnings.size() == 3);
    CHECK(sc.warnings[0] == "funded option 'o1' reaches no priority: no outcome it feeds (directly or through links) "
                            "has a priority share");
    CHECK(sc.warnings[1] == "priority 'p1' is reached by no funded option");
    CHECK(sc.warnings[2] == "priority 'p2' is reached by no funded option");
    // through a lagged chain a -> b -> c, o1 reaches p1; an unfunded option (o2) does not count
    sc = read_text(chain("  - {from: a, to: b, coefficient: 1, lag: 3}\n  - {from: b, to: c, coefficient: 1}\n"));
    REQUIRE(sc.warnings.size() == 1);
    CHECK(sc.warnings[0] == "priority 'p2' is reached by no funded option");
    // graph_warnings on its own
    CHECK(graph_warnings(sc, build_graph(sc)) == sc.warnings);
}

TEST_CASE("graph: an option funded after the horizon is a warning") {
    const std::string doc = chain("  []\n");
    const Scenario sc = read_text(doc.substr(0, doc.find("scenario")) +
                                  "scenario: {funded: [{option: o1, start: 5}]}\nlinks: []\n");
    CHECK(std::find(sc.warnings.begin(), sc.warnings.end(),
                    "funded option 'o1' starts in appraisal year 5, after the horizon of 5 years") != sc.warnings.end());
}

TEST_CASE("graph: edge table lists outputs, links and shares with central coefficients") {
    const Scenario sc = read_text(chain("  - {from: a, to: b, coefficient: {dist: uniform, min: 1, max: 3}, lag: 2}\n"
                                        "  - {id: sat, from: o1, to: c, coefficient: 0.5, form: saturating, cap: 9}\n"));
    const auto rows = edge_table(sc);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].from == "o1");
    CHECK(rows[0].to == "a");
    CHECK(rows[0].kind == "output");
    CHECK(rows[0].coefficient == 1);
    CHECK(rows[0].form == "per_year");
    CHECK(rows[1].kind == "link");
    CHECK(rows[1].coefficient == Approx(2));  // uniform(1, 3) mean
    CHECK(rows[1].lag == 2);
    CHECK(rows[1].form == "linear");
    CHECK(rows[2].from == "o1");
    CHECK(rows[2].form == "saturating");
    CHECK(rows[3].from == "c");
    CHECK(rows[3].to == "p1");
    CHECK(rows[3].kind == "share");
    CHECK(rows[3].coefficient == 1);
    CHECK(std::string(to_string(EdgeKind::share)) == "share");
    CHECK(std::string(to_string(NodeKind::priority)) == "priority");
}
