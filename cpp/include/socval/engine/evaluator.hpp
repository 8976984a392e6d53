#pragma once
/// Block evaluation of a plan: the one code path for deterministic and Monte Carlo evaluation. A block holds n
/// draws; parameter p of draw d is params[p * stride + d] (structure of arrays), so every inner loop runs over
/// draws and vectorises. Deterministic evaluation is a block of one draw with every parameter at its central
/// value. The compiled Program (row layout and op lists of a plan for one tracking mode) is built once and shared
/// read-only by every thread and call; one Evaluator per thread owns its work arrays and the program linked to them.
#include <cstddef>
#include <memory>

#include <socval/engine/plan.hpp>

namespace socval::engine {

/// Which contributions to value are tracked through the graph (attribution). Each tracked group costs about one
/// more pass of the propagation, so Monte Carlo tracks levers (3 groups) and deterministic evaluation options.
enum class Tracking {
    none,    ///< totals only
    lever,   ///< one group per lever (commissioning, anchor, employer)
    option,  ///< one group per funded option (Plan::options order)
};

/// A plan compiled for one tracking mode: the flat program of fused steps the Evaluator follows (which
/// outcome-years are computed, the row of every number, constants). Immutable once built: build it once per
/// plan and share it (std::shared_ptr<const Program>) between threads and calls. Keeps the plan alive.
class Program {
public:
    Program(std::shared_ptr<const Plan> plan, Tracking tracking);
    ~Program();
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;
    const Plan& plan() const;
    Tracking tracking() const;
    struct Data;  ///< the compiled program (evaluator.cpp)
    const Data& data() const { return *data_; }

private:
    std::shared_ptr<const Plan> plan_;
    std::unique_ptr<const Data> data_;
};

/// Builds the program of a plan for one tracking mode (shared ownership of the plan).
std::shared_ptr<const Program> make_program(std::shared_ptr<const Plan> plan, Tracking tracking = Tracking::none);

/// A non-owning handle on a plan the caller keeps alive (for a program used within the caller's scope).
std::shared_ptr<const Plan> borrow(const Plan& plan);

/// Evaluates blocks of draws of one program. Not thread-safe; cheap to create one per thread (the program is
/// shared, only the work arrays are allocated).
class Evaluator {
public:
    /// Work arrays sized for blocks of up to `max_block` draws. Throws AppraisalError if max_block < 1 or the
    /// program is null.
    explicit Evaluator(std::shared_ptr<const Program> program, int max_block = 64);
    /// One-off use: builds a program of its own (the plan must outlive the Evaluator).
    Evaluator(const Plan& plan, Tracking tracking = Tracking::none, int max_block = 64);
    ~Evaluator();
    Evaluator(Evaluator&&) noexcept;
    Evaluator& operator=(Evaluator&&) noexcept;

    /// Evaluates draws 0..n-1 of a block: parameter p of draw d is params[p * stride + d]; 1 <= n <= max_block,
    /// stride >= n. Results stay readable through the accessors until the next run().
    void run(const double* params, std::size_t stride, int n);

    const Plan& plan() const;
    Tracking tracking() const;
    int block_size() const;  ///< n of the last run
    int max_block() const;
    int n_groups() const;    ///< 0, 3 (levers) or the number of funded options

    // Per-draw headline metrics of the last block (arrays of n).
    const double* pv_costs() const;       ///< PV of costs with optimism bias (scenario schedule)
    const double* pv_investment() const;  ///< PV of costs before optimism bias
    const double* pv_benefits() const;    ///< PV of monetised outcomes (each outcome's schedule)
    const double* npsv() const;           ///< pv_benefits - pv_costs
    const double* bcr() const;            ///< (pv_benefits - pv_others) / (pv_costs - pv_others); NaN when 0
    const double* sroi() const;           ///< pv_benefits / (pv_investment + pv_others); NaN when that is 0
    const double* pv_others() const;      ///< PV of costs to others (suppliers, partners, participants)
    /// PV value serving priority k (k < number of priorities), or unallocated (k == number of priorities).
    const double* priority_value(int k) const;
    /// PV value by pillar: 0 social, 1 economic, 2 environmental, 3 unallocated.
    const double* pillar_value(int pillar) const;
    /// PV value by beneficiary: 0 fiscal, 1 economic, 2 social.
    const double* beneficiary_value(int beneficiary) const;
    /// PV value of outcome o.
    const double* outcome_pv(int o) const;
    /// Physical total of outcome o: undiscounted sum of its level over the horizon.
    const double* outcome_total(int o) const;

    // Per-year flows of the last block, undiscounted, in the scenario's price base (arrays of n). Every row
    // accessor returns the same address for the Evaluator's lifetime (its rows are allocated once); run()
    // overwrites the contents.
    const double* level(int o, int year) const;   ///< outcome level (net of additionality, with persistence)
    /// GBP value of outcome o in that year, computed on request into a scratch row that the next value() or
    /// benefits() call overwrites (the PV is accumulated during propagation, so Monte Carlo runs need not pay
    /// for per-year values they do not keep).
    const double* value(int o, int year) const;
    const double* cost(int year) const;        ///< costs with optimism bias
    const double* investment(int year) const;  ///< costs before optimism bias
    /// Sum of outcome values in that year; same scratch row as value().
    const double* benefits(int year) const;
    /// benefits(t) of every year t into out + t x stride (rows of at least block_size() padded to 8 lanes), the
    /// same bits: one pass over the level rows outcome by outcome (in memory order) instead of one per year.
    void benefits_by_year(double* out, std::size_t stride) const;

    // Attribution (tracking != none).
    /// The group of funded option i (its lever, or i itself).
    int group_of_option(int i) const;
    /// PV value attributed to group g, and its PV costs with optimism bias.
    const double* group_value(int g) const;
    const double* group_cost(int g) const;
    /// PV value of priority k (k == number of priorities: unallocated) attributed to group g.
    const double* group_priority_value(int g, int k) const;
    /// PV value of outcome o attributed to group g.
    const double* group_outcome_pv(int g, int o) const;
    /// PV value and PV cost by lever (0 commissioning, 1 anchor, 2 employer); tracking != none.
    const double* lever_value(int lever) const;
    const double* lever_cost(int lever) const;

    // Place and people (docs/model/distribution.md): every outcome's PV split by its shares, per draw.
    int n_places() const;    ///< places of the plan (0: no breakdown by place)
    bool has_people() const; ///< the plan declares `people:` (breakdown by quintile and weights)
    /// PV value landing in place p (Plan::place_ids); the places add up to PV benefits.
    const double* place_value(int p) const;
    /// PV of the funded options' spend before optimism bias in place p (discounted with the scenario's schedule).
    const double* place_spend(int p) const;
    /// PV value reaching income quintile q (0 = q1, lowest .. 4 = q5; 5 = unallocated); adds up to PV benefits.
    const double* quintile_value(int q) const;
    /// Some outcome gives shares by IMD decile (people.imd_decile).
    bool has_deciles() const;
    /// PV value reaching IMD decile j (0 = d1, most deprived .. 9 = d10; 10 = unallocated); adds up to PV benefits.
    const double* decile_value(int j) const;
    /// Distributional weight of quintile q this draw: (median income / income_q)^eta.
    const double* quintile_weight(int q) const;
    /// This draw's elasticity of the marginal utility of income (people.eta).
    const double* eta() const;
    /// Weighted PV benefits (k = 0), weighted NPSV (1), weighted BCR (2).
    const double* weighted(int k) const;
    /// Outcome o's distributional weight this draw, into out[0 .. block_size()): sum_q w_q s_q / sum_q s_q over its
    /// quintile shares, 1 when it has none (so sum_o PV_o x weight_o = weighted PV benefits; with people).
    void outcome_weight(int o, double* out) const;
    /// Value in every year (undiscounted, as benefits(t)) by place, by income quintile and by IMD decile, split by
    /// the same shares as place_value / quintile_value / decile_value: row t * R + j, R = n_places() (+ kQuintiles + 1
    /// with people, + kDeciles + 1 with deciles), is place j (then q1..q5, unallocated, then d1..d10, unallocated)
    /// in year t, rows `stride` apart and block_size() long. Each group adds up to benefits(t) in every year.
    void year_breakdown(double* out, std::size_t stride) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace socval::engine
