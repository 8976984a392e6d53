#pragma once
/// The scenario model: priorities, outcomes, options, links and the funded options of a scenario, after
/// reading, merging (`include`, `extends`) and validation. Every uncertain number is a parameter with a stable
/// id (its key path in the merged scenario), so its random stream is shared by every scenario that has it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <socval/appraisal.hpp>
#include <socval/errors.hpp>
#include <socval/sampling.hpp>
#include <socval/values.hpp>

namespace socval::model {

enum class Pillar { social, economic, environmental };
enum class Lever { commissioning, anchor, employer };
enum class Beneficiary { fiscal, economic, social };
enum class LinkForm { linear, saturating };

/// An uncertain input: a distribution with a stable id (e.g. "outcomes.jobs.deadweight") and where it was written.
struct Parameter {
    std::string id;
    Distribution distribution;
    Location where;
};

/// A number in the model: fixed, or a reference into the scenario's parameter table.
struct Quantity {
    double value = 0;  ///< the value when fixed; the central value when uncertain
    int param = -1;    ///< index into Scenario::parameters, or -1 when fixed
    bool uncertain() const { return param >= 0; }
};

/// A priority of the framework, tagged to external frameworks (Marmot, PPN 06/20 / PPN 002, National TOMs, ...).
struct Priority {
    std::string id;
    std::string name;
    std::string description;
    Pillar pillar = Pillar::social;
    std::map<std::string, std::vector<std::string>> tags;  ///< framework -> tags
    Location where;
};

/// How one unit of an outcome is valued, in the scenario's price base.
struct Valuation {
    enum class Kind {
        none,        ///< not monetised (a physical outcome only)
        money,       ///< GBP per unit: `per_unit` in `price_base_year` prices
        carbon,      ///< tCO2e: DESNZ value of the calendar year, `per_unit` tCO2e per unit
        wellby,      ///< WELLBYs: `per_unit` WELLBYs per unit, valued at the library's WELLBY
        qaly,        ///< QALYs: `per_unit` QALYs per unit, valued at the library's QALY
        unit_value,  ///< a unit value of the library (`library_id`), times `per_unit`
    };
    Kind kind = Kind::none;
    Quantity per_unit{1.0, -1};
    int price_base_year = 0;          ///< for `money` only
    std::string library_id;           ///< for `unit_value` only
    values::Case library_case = values::Case::central;  ///< which published case of library values
    /// Value uncertainty (metadata.values = sampled): the shared parameter "value:<wellby|qaly|carbon|library id>"
    /// this outcome's library value is drawn from (GBP in the library's price base; for carbon the multiple of the
    /// DESNZ central path), and its central value: the unit price is scaled by library_value / library_central.
    /// Fixed (param -1) when the value is pinned by `case`, has no published range, or values are not sampled.
    Quantity library_value{1.0, -1};
    double library_central = 1.0;
};

/// Share of an outcome's value that serves a priority.
struct PriorityShare {
    int priority = -1;  ///< index into Scenario::priorities
    double share = 1;   ///< in [0, 1]; an outcome's shares sum to at most 1, the rest is "unallocated"
};

/// An outcome: a node of the decision graph with a unit, additionality, persistence and a valuation.
struct Outcome {
    std::string id;
    std::string name;
    std::string description;
    std::string unit;
    Valuation valuation;
    Beneficiary beneficiary = Beneficiary::social;
    // Additionality shares (each a Quantity in [0, 1]).
    Quantity deadweight{0, -1}, displacement{0, -1}, leakage{0, -1}, substitution{0, -1}, attribution{1, -1};
    // Persistence of each year's delivery: starts after `lag` years, lasts `duration` years, falls by `drop_off`.
    int lag = 0;
    int duration = 1;
    Quantity drop_off{0, -1};
    std::vector<PriorityShare> priorities;
    std::optional<std::string> schedule;  ///< discount schedule for this outcome's value (e.g. "health")
    /// Shares of the outcome's value by place (one per Scenario::places, in that order) and by income quintile
    /// (q1 lowest .. q5): fixed or uncertain, normalised to sum 1 in every draw (docs/model/distribution.md). Empty:
    /// by place the scenario's default (populations); by quintile the scenario's `people.default`, else unallocated.
    std::vector<Quantity> place_shares;
    std::vector<Quantity> quintile_shares;
    /// Shares by English IMD decile (`people.imd_decile`, d1 the most deprived tenth of neighbourhoods .. d10),
    /// normalised per draw; empty: unallocated. No distributional weights (those are by income quintile).
    std::vector<Quantity> decile_shares;
    Location where;
};

/// One year of an option's cost profile (year 0 = the year the option starts), in the scenario's price base.
struct CostYear {
    int year = 0;
    Quantity capital;
    Quantity revenue;
};

/// A cost the option puts on others in UK society (Green Book: all costs to UK society, third parties included):
/// suppliers' price premiums under social value clauses, partners' in-kind inputs, participants' time.
struct OtherCost {
    int year = 0;          ///< year of the option's profile (year 0 = the year the option starts)
    Quantity amount;       ///< GBP in the scenario's price base, >= 0
    std::string bearer;    ///< "suppliers" | "partners" | "participants"
    Location where;
};

/// A direct output of an option: units of an outcome per year funded, or per GBP of (pre-optimism-bias) cost.
struct Output {
    int outcome = -1;  ///< index into Scenario::outcomes
    Quantity amount;
    enum class Basis { per_year, per_pound } basis = Basis::per_year;
    Location where;
};

/// An investment option, through one of the body's three levers.
struct Option {
    std::string id;
    std::string name;
    std::string description;
    Lever lever = Lever::commissioning;
    std::vector<CostYear> costs;
    std::string optimism_bias_category;  ///< empty = no uplift; its capital bound uplifts capital costs (and its
                                         ///< operating bound revenue costs, unless a revenue category is given)
    Quantity optimism_bias_mitigation{0, -1};
    std::string optimism_bias_revenue_category;  ///< the category whose operating bound uplifts revenue costs
    Quantity optimism_bias_revenue_mitigation{0, -1};
    bool optimism_bias_works_duration = false;   ///< apply the works-duration uplift as a delay
    Quantity benefits_shortfall{0, -1};          ///< share of the option's outputs not delivered (Green Book)
    std::vector<OtherCost> costs_to_others;      ///< costs to third parties (not uplifted for optimism bias)
    std::vector<Output> outputs;
    /// Shares of the option's spend by place (one per Scenario::places), normalised per draw; empty: the default.
    std::vector<Quantity> place_shares;
    Location where;
};

/// A place of the scenario's region (e.g. a local authority), or "rest_of_uk" for value that leaks out of it.
struct Place {
    std::string id;
    std::string name;
    double population = 0;  ///< residents (>= 0); the default shares of value and spend are proportional to it
    std::string source;     ///< where the population comes from, or an `illustrative:` note
    Location where;
};

/// Income quintiles of the population (q1 the lowest fifth, q5 the highest): the Green Book Annex A3 weights.
constexpr int kQuintiles = 5;
/// Deciles of the English Indices of Deprivation (d1 the most deprived tenth of neighbourhoods, d10 the least).
constexpr int kDeciles = 10;

/// Who benefits (`people:`): the income table the distributional weights use and the elasticity of the marginal
/// utility of income (docs/model/distribution.md).
struct People {
    bool declared = false;
    double median_income = 0;                ///< equivalised household income of the whole population (GBP a year)
    std::vector<double> quintile_incomes;    ///< median equivalised income of each quintile, q1..q5 (GBP a year)
    std::string income_source;               ///< where the incomes come from (library table, or the scenario)
    Quantity eta{1.3, -1};                   ///< elasticity of the marginal utility of income (Green Book: 1.3)
    std::vector<Quantity> default_shares;    ///< quintile shares of outcomes that give none (empty: unallocated)
    Location where;
};

/// A graph edge into an outcome: target gross delivery in year t += f(source level in year t - lag).
/// linear: f(x) = coefficient * x; saturating: f(x) = cap * (1 - exp(-coefficient * x / cap)).
/// The source is an option (its level = its pre-optimism-bias spend in GBP that year) or an outcome (its net level).
struct Link {
    std::string id;  ///< as written, or "<from>-><to>" when not given
    enum class From { option, outcome } from_kind = From::outcome;
    int from = -1;  ///< index into options or outcomes
    int to = -1;    ///< index into outcomes
    Quantity coefficient;
    int lag = 0;
    LinkForm form = LinkForm::linear;
    Quantity cap;  ///< for saturating links
    Location where;
};

/// A funded option in the scenario: its scale (multiplies costs and outputs) and its start year offset.
struct Funding {
    int option = -1;   ///< index into Scenario::options
    double scale = 1;  ///< > 0
    int start = 0;     ///< years after the first appraisal year
    Location where;
};

/// Declared rank (Spearman) correlations between uncertain parameters, applied with a Gaussian copula.
struct Correlation {
    std::vector<int> params;     ///< indices into Scenario::parameters
    std::vector<double> matrix;  ///< row-major params.size() x params.size() target rank correlation matrix
    Location where;
};

/// Scenario metadata.
struct Metadata {
    std::string name;
    std::string description;
    int price_base_year = 0;
    int first_year = 0;  ///< calendar year of appraisal year 0
    int horizon = 0;     ///< number of appraisal years evaluated
    std::string schedule = "standard";
    values::Case carbon_case = values::Case::central;
    bool carbon_case_given = false;  ///< carbon_case written in the file (pins carbon to that case)
    /// Library values (WELLBY, QALY, carbon, unit values): "sampled" (default; shared parameters "value:<id>"),
    /// or "low" / "central" / "high" (every value not pinned by its own `case` fixed at that case).
    std::string values = "sampled";
};

/// A validated scenario: the merged result of a file, what it includes and what it extends.
struct Scenario {
    Metadata meta;
    std::vector<Priority> priorities;
    std::vector<Outcome> outcomes;
    std::vector<Option> options;  ///< the candidate pool (funded or not)
    std::vector<Link> links;
    std::vector<Funding> funded;
    std::vector<Parameter> parameters;  ///< every uncertain number, referenced by Quantity::param
    std::vector<Correlation> correlations;
    std::vector<Place> places;          ///< `places:` (empty: no breakdown by place)
    People people;                      ///< `people:` (declared false: no breakdown by quintile, no weights)
    std::string source_file;            ///< the file it was read from, if any
    std::string source_text;            ///< the merged document as YAML, for provenance
    std::vector<std::string> warnings;  ///< e.g. an option that reaches no priority
};

/// The words of the scenario file for each enum: "social", "commissioning", "fiscal", "linear", "carbon", ...
/// The words of the pillar, lever and beneficiary enums, in enum order: the one definition that the reader
/// parses, the engine's result tables name and the bindings expose (socval._core.model.PILLARS, ...).
const std::vector<std::string>& pillar_words();       ///< social, economic, environmental
const std::vector<std::string>& lever_words();        ///< commissioning, anchor, employer
const std::vector<std::string>& beneficiary_words();  ///< fiscal, economic, social
/// Income quintiles as written in scenario files and result tables: q1 (lowest) .. q5.
const std::vector<std::string>& quintile_words();
/// Deprivation deciles as written in scenario files and result tables: d1 (most deprived) .. d10.
const std::vector<std::string>& decile_words();
/// The engine's order of value by pillar: the three pillars, then "unallocated" (value no priority claims).
const std::vector<std::string>& result_pillars();

const char* to_string(Pillar p);
const char* to_string(Lever l);
const char* to_string(Beneficiary b);
const char* to_string(LinkForm f);
const char* to_string(Valuation::Kind k);
/// "per_year" | "per_pound".
const char* to_string(Output::Basis b);
/// "option" | "outcome".
const char* to_string(Link::From f);

/// Options of the scenario reader.
struct ReadOptions {
    /// Let `include` / `extends` paths leave the top scenario's folder tree (same effect as `allow_outside: true`
    /// in the top file).
    bool allow_outside = false;
    /// Refuse every file outside the top scenario's folder tree, whatever the files say: a file's
    /// `allow_outside: true` is an error and `allow_outside` above is ignored (for services reading uploaded files).
    bool confined = false;
};

/// Read, merge (`include`, `extends`) and validate a scenario file (format: docs/formats/scenario.md). Throws
/// ScenarioError with file:line:column, key path, what was expected and what was found. Library ids, optimism bias
/// categories, discount schedules and price base years are checked against `library`. Fills source_file,
/// source_text (the merged document) and warnings; the decision graph is checked (socval/graph.hpp).
Scenario read_scenario(const std::string& path, const values::Library& library, const ReadOptions& options = {});

/// Same as read_scenario for YAML text (e.g. built by the Python layer): `name_for_messages` stands for the file
/// name in messages, `base_dir` is where relative `include` / `extends` paths resolve and the folder tree they may
/// not leave.
Scenario read_scenario_text(const std::string& yaml, const std::string& name_for_messages, const std::string& base_dir,
                            const values::Library& library, const ReadOptions& options = {});

}  // namespace socval::model
