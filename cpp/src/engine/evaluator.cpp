/// Block evaluation (docs/model/engine.md): costs with optimism bias, outputs, propagation along links in lag-0
/// order (lagged links read earlier years), additionality, persistence by an O(1)-per-year recurrence,
/// monetisation and discounting, for n draws at once. Every inner loop runs over the draws of the block.
///
/// The propagation is compiled once per plan and tracking (Program, shared read-only by every Evaluator) into a flat program of fused steps (one per outcome-year and
/// tracked group) whose rows are fixed: the run of a block only follows it. Outcome-years that are zero by the
/// structure of the scenario (before any funded option can reach them) are left out, a group is propagated only
/// through the outcomes it reaches and that another group also reaches, and the rows that are only read a few
/// years later (net delivery, a group's level) live in short rings: the working set of a block stays in cache.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <socval/appraisal.hpp>
#include <socval/engine/evaluator.hpp>
#include <socval/errors.hpp>

#include "kernels.hpp"
#include "memory.hpp"

namespace socval::engine {

namespace k = kernels;

namespace {

constexpr int kNever = std::numeric_limits<int>::max();  ///< first year of an outcome that is never reached

struct CostOp {
    int year, capital, revenue, spend;  ///< capital, revenue, spend: row ids
};

struct OptionOp {
    int mitigation = -1;  ///< row id
    int uplift = -1;      ///< constant row id of the uplift when the mitigation is fixed
    int rev_mitigation = -1, rev_uplift = -1;  ///< the same for the revenue (operating cost) uplift
    int shortfall = -1;   ///< row id of the benefits shortfall
    int keep = -1;        ///< row id of 1 - shortfall: a constant row when fixed, else a work row
    int group = -1;
    std::vector<CostOp> costs;
    std::vector<std::pair<int, int>> others;  ///< costs to others: (year, amount row)
};

/// A per-year-funded output: row = scale x amount (x keep, 1 - an uncertain benefits shortfall), once per block.
struct ScaledOp {
    int amount, row;
    double scale;
    int keep = -1;
};

/// y = cap (1 - exp(-coefficient x / cap)), before a step.
struct SatOp {
    int y, cap, coefficient, x;
    int ceff = -1;  ///< lever tracking, outcome sources: row of y / x (the link's effective coefficient)
};

/// y = x_g / x s (0 where x == 0), before a group's step.
struct ShareOp {
    int y, s, xg, x;
};

/// One fused outcome-year (of the total or of a group); every field is a row id, -1 when absent.
struct StepOp {
    int term0 = 0, n_terms = 0, sat0 = 0, n_sat = 0, share0 = 0, n_share = 0, post0 = 0, n_post = 0;
    int factor = -1, q = -1, prev = -1, add = -1, qd = -1, sub = -1, net = -1, level = -1;
};

/// One outcome-year of the adjoint pass (lever tracking): the outcome's links out, read in reverse.
struct AdjointOp {
    int o, t, term0, n_terms;  ///< terms: (effective coefficient, sensitivity of the target's gross delivery)
    int prev = -1, add = -1, qd = -1, sub = -1, mu = -1, nu = -1, lambda = -1;
};

/// A direct input (output or option link) of outcome o in year t from an option of `group`: its contribution
/// to the group's value is lambda(o, t) x (a x).
struct DotOp {
    int group, o, t, a, x, lambda = -1;
};

/// PV (and physical total) of an outcome from its level history, once its years are done.
struct PostOp {
    int level;  ///< row id of the first year's level; the next years follow
    int years, pv, total;  ///< total: -1 for a group
    const double* price_df;  ///< from the first year
};

struct OutcomeOp {
    int factor_const = -1;  ///< constant row of the additionality factor when all five shares are fixed
    int shares[5] = {};     ///< deadweight, displacement, leakage, substitution, attribution (row ids)
    std::vector<int> check;  ///< share rows to check per draw (parameters, and fixed values outside [0, 1])
    /// Factors of the net factor (1 - d)(1 - s)(1 - l)(1 - s)a in their order, without fixed factors of exactly 1
    /// (x 1 is exact): (share index, row id).
    std::vector<std::pair<int, int>> factors;
    int drop_off = -1, per_unit = -1;
    int value = -1, per_unit_in = -1;  ///< a sampled library value: per_unit (a work row) = per_unit_in x value / central
    bool needs_qd = false;  ///< the persistence window ends inside the horizon, so q^D is needed
    int q_const = -1, qd_const = -1;  ///< constant rows of q and q^D when the drop-off is fixed (and valid)
    int factor = -1, q = -1, qd = -1;  ///< row ids (factor: the constant row or a work row)
    std::vector<double> price_df;      ///< unit price x discount factor, by year
};

}  // namespace

/// The compiled program of a plan for one tracking mode: row layout, constant values and every op list. Built
/// once (Program's constructor), then only read: every Evaluator of every thread and call shares it.
struct Program::Data {
    const Plan* plan;
    Tracking tracking;
    int H = 0, O = 0, I = 0, K = 0, G = 0, P = 0;
    std::vector<int> group_of_option, group_lever;
    std::vector<int> option_first_cost, option_first_funded;  // by option: first cost year, first funded year
    std::vector<int> tracked;  // groups propagated; the last non-empty group is derived as total - others
    int derived = -1;          // that group, or -1

    // Rows. A row id indexes an Evaluator's rows: [0, P) the parameters (re-pointed every block), then constant
    // rows, then work rows.
    std::vector<double> const_values;
    std::map<std::uint64_t, int> const_ids;  // by bit pattern
    int n_work = 0;
    bool frozen = false;  // work rows handed out: no more constants

    std::vector<OptionOp> option_ops;
    std::vector<OutcomeOp> outcome_ops;
    std::vector<ScaledOp> scaled_ops;
    std::vector<SatOp> sat_ops;
    std::vector<ShareOp> share_ops;
    std::vector<PostOp> post_ops;
    bool adjoint = false;  // lever tracking: value by lever from one adjoint pass (no group propagation)
    std::vector<AdjointOp> adjoint_ops;  // in evaluation order (reverse of the forward program)
    std::vector<std::pair<int, int>> adjoint_terms;
    std::vector<DotOp> dot_ops;
    std::vector<std::pair<int, int>> terms;  // (a, x) row ids
    std::vector<StepOp> program;

    int zeros = -1, ones = -1, uplift_row = -1, rev_uplift_row = -1, sat_scratch = -1;
    std::vector<int> spend_row;  // [option * H + year]: row id, or -1 when the option spends nothing that year
    int cost_row = -1, invest_row = -1;  // first of H rows each
    int level_row = -1;                  // first of O x H rows: level (o, t) = level_row + o H + t
    int opv_row = -1, ototal_row = -1, gopv_row = -1;
    std::vector<int> alias;        // per outcome: the only group reaching it (its rows are the total's), or -1
    std::vector<char> gpropagated;  // [g * O + o]: group g has its own steps at outcome o
    int head_row = -1, prio_row = -1, pillar_row = -1, benef_row = -1;
    int gvalue_row = -1, gcost_row = -1, gprio_row = -1, lvalue_row = -1, lcost_row = -1;
    int scratch_row = -1;
    // Breakdown by place and by income quintile (docs/model/distribution.md): share rows (parameter or constant).
    int NP = 0;                    // places
    std::vector<int> place_slot;   // [o * NP + p]: outcome o's share of value in place p
    std::vector<int> spend_slot;   // [i * NP + p]: option i's share of spend in place p
    std::vector<int> quint_slot;   // [o * 5 + q]: outcome o's share of value in quintile q; empty rows -1
    int eta_slot = -1;
    std::vector<int> dec_slot;     // [o * 10 + d]: outcome o's share of value in IMD decile d; empty rows -1
    int dec_row = -1;              // d1..d10, then unallocated
    int place_row = -1, spend_place_row = -1, quint_row = -1, weighted_row = -1, weight_row = -1, share_sum_row = -1;

    /// `count` consecutive work rows; their ids follow the constant rows, so every constant exists first.
    int work(int count) {
        frozen = true;
        const int id = P + static_cast<int>(const_values.size()) + n_work;
        n_work += count;
        return id;
    }
    int constant(double v) {
        std::uint64_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        auto it = const_ids.find(bits);
        if (it != const_ids.end()) return it->second;
        if (frozen) throw std::logic_error("engine: a constant row after the work rows");
        const int id = P + static_cast<int>(const_values.size());
        const_values.push_back(v);
        const_ids.emplace(bits, id);
        return id;
    }
    int slot(const Q& x) { return x.fixed() ? constant(x.value) : x.param; }
    int oy(int o, int t) const { return level_row + o * H + t; }

    Data(const Plan& p, Tracking tr) : plan(&p), tracking(tr) {
        H = p.horizon;
        O = static_cast<int>(p.outcomes.size());
        I = static_cast<int>(p.options.size());
        K = static_cast<int>(p.priority_ids.size());
        P = p.n_params();
        G = tr == Tracking::none ? 0 : tr == Tracking::lever ? 3 : I;
        for (int i = 0; i < I; ++i) {
            const auto& opt = p.options[static_cast<std::size_t>(i)];
            group_of_option.push_back(tr == Tracking::none ? -1 : tr == Tracking::lever ? static_cast<int>(opt.lever) : i);
            if (tr == Tracking::option) group_lever.push_back(static_cast<int>(opt.lever));
        }
        if (tr == Tracking::lever) group_lever = {0, 1, 2};
        // Groups with options are propagated, except the last one: its value is the total minus the others
        // (the model is linear in the groups' inputs for linear links, and shares saturating links exactly).
        std::vector<char> used(static_cast<std::size_t>(G), 0);
        for (int g : group_of_option)
            if (g >= 0) used[static_cast<std::size_t>(g)] = 1;
        for (int g = 0; g < G; ++g)
            if (used[static_cast<std::size_t>(g)]) tracked.push_back(g);
        if (!tracked.empty()) {
            derived = tracked.back();
            tracked.pop_back();
        }
        if (tr == Tracking::lever) {  // levers by the adjoint pass: no group is propagated
            adjoint = true;
            tracked.clear();
            derived = -1;
        }
        build_ops();
        build_program();
    }

    void build_ops();
    std::vector<int> first_net(int group) const;
    std::vector<std::vector<int>> components() const;
    void build_program();
    void check_tracking_memory(const std::vector<std::vector<int>>& fg) const;
    void build_adjoint(const std::vector<std::vector<int>>& order, const std::vector<int>& f,
                       const std::map<std::tuple<int, int, int>, int>& ceff_row);
};

Program::Program(std::shared_ptr<const Plan> plan, Tracking tracking) : plan_(std::move(plan)) {
    if (!plan_) throw AppraisalError("engine: expected a compiled plan, found none");
    data_ = std::make_unique<const Data>(*plan_, tracking);
}
Program::~Program() = default;
const Plan& Program::plan() const { return *plan_; }
Tracking Program::tracking() const { return data_->tracking; }

std::shared_ptr<const Program> make_program(std::shared_ptr<const Plan> plan, Tracking tracking) {
    return std::make_shared<const Program>(std::move(plan), tracking);
}

std::shared_ptr<const Plan> borrow(const Plan& plan) { return std::shared_ptr<const Plan>(std::shared_ptr<const Plan>(), &plan); }

/// One thread's evaluation of a shared program: the rows (constants filled, work rows), the program linked to
/// their addresses, and the last block's size. The program's fields are read through const references of the
/// same names.
struct Evaluator::Impl {
    std::shared_ptr<const Program> owner;
    const Program::Data& d;
    const Plan* plan;
    Tracking tracking;
    int max_block;  // largest block accepted
    int B;          // row length: max_block padded to whole chunks of lanes
    int n = 0;      // draws in the last block
    int m = 0;      // n padded to whole chunks of lanes (the lanes every kernel computes)
    const int H, O, I, K, G, P;
    const std::vector<int>& group_of_option;
    const std::vector<int>& group_lever;
    const std::vector<int>& tracked;
    const int derived;
    const std::vector<double>& const_values;
    const int n_work;
    const std::vector<OptionOp>& option_ops;
    const std::vector<OutcomeOp>& outcome_ops;
    const std::vector<ScaledOp>& scaled_ops;
    const std::vector<SatOp>& sat_ops;
    const std::vector<ShareOp>& share_ops;
    const std::vector<PostOp>& post_ops;
    const bool adjoint;
    const std::vector<AdjointOp>& adjoint_ops;
    const std::vector<std::pair<int, int>>& adjoint_terms;
    const std::vector<DotOp>& dot_ops;
    const std::vector<std::pair<int, int>>& terms;
    const std::vector<StepOp>& program;
    const int zeros, ones, uplift_row, rev_uplift_row, sat_scratch;
    const std::vector<int>& spend_row;
    const int cost_row, invest_row, level_row, opv_row, ototal_row, gopv_row;
    const std::vector<int>& alias;
    const std::vector<char>& gpropagated;
    const int head_row, prio_row, pillar_row, benef_row;
    const int gvalue_row, gcost_row, gprio_row, lvalue_row, lcost_row;
    const int scratch_row;

    // Rows: [0, P) point into the caller's parameter block (or pbuf), then constant rows and work rows in
    // `store`, allocated once.
    std::vector<double*> rows;
    std::vector<double> store;  // constant and work rows (aligned to 64 bytes inside)
    std::vector<double> pbuf;   // the parameter block copied into padded rows, when it cannot be used in place

    // The program linked to addresses: what propagate() follows. Pointers to parameter rows are re-patched when
    // the parameter block moves (`patches`).
    struct LinkedSat {
        double* y;
        const double *cap, *coefficient, *x;
        double* ceff;  // y / x for the adjoint pass, or nullptr
    };
    struct LinkedDot {
        double* v;
        const double *lambda, *a, *x;
    };
    std::vector<k::Adjoint> linked_adjoint;
    std::vector<const double*> linked_adjoint_a, linked_adjoint_x;
    std::vector<LinkedDot> linked_dot;
    struct LinkedShare {
        double* y;
        const double *s, *xg, *x;
    };
    struct Linked {
        k::Step step;
        int sat0, n_sat, share0, n_share, post0, n_post;
    };
    std::vector<Linked> linked;
    std::vector<const double*> linked_a, linked_x;  // term rows of every step
    std::vector<LinkedSat> linked_sat;
    std::vector<LinkedShare> linked_share;
    std::vector<std::pair<const double**, int>> patches;  // (pointer in the linked program, parameter row)
    std::vector<const double*> patched;                   // parameter row addresses the program points to

    double* R(int id) const { return rows[static_cast<std::size_t>(id)]; }
    int oy(int o, int t) const { return level_row + o * H + t; }

    Impl(std::shared_ptr<const Program> prog, int max_block_)
        : owner(std::move(prog)), d(owner->data()), plan(d.plan), tracking(d.tracking), max_block(max_block_),
          B(k::padded(std::max(1, max_block_))), H(d.H), O(d.O), I(d.I), K(d.K), G(d.G), P(d.P),
          group_of_option(d.group_of_option), group_lever(d.group_lever), tracked(d.tracked), derived(d.derived),
          const_values(d.const_values), n_work(d.n_work), option_ops(d.option_ops), outcome_ops(d.outcome_ops),
          scaled_ops(d.scaled_ops), sat_ops(d.sat_ops), share_ops(d.share_ops), post_ops(d.post_ops),
          adjoint(d.adjoint), adjoint_ops(d.adjoint_ops), adjoint_terms(d.adjoint_terms), dot_ops(d.dot_ops),
          terms(d.terms), program(d.program), zeros(d.zeros), ones(d.ones), uplift_row(d.uplift_row), rev_uplift_row(d.rev_uplift_row),
          sat_scratch(d.sat_scratch), spend_row(d.spend_row), cost_row(d.cost_row), invest_row(d.invest_row),
          level_row(d.level_row), opv_row(d.opv_row), ototal_row(d.ototal_row), gopv_row(d.gopv_row),
          alias(d.alias), gpropagated(d.gpropagated), head_row(d.head_row), prio_row(d.prio_row),
          pillar_row(d.pillar_row), benef_row(d.benef_row), gvalue_row(d.gvalue_row), gcost_row(d.gcost_row),
          gprio_row(d.gprio_row), lvalue_row(d.lvalue_row), lcost_row(d.lcost_row), scratch_row(d.scratch_row) {
        if (max_block_ < 1)
            throw AppraisalError("engine: expected a block of at least 1 draw, found " + std::to_string(max_block_));
        allocate();
        link();
    }

    void allocate();
    void link();
    void resolve(const double* params, std::size_t stride);

    void run(const double* params, std::size_t stride, int n_draws);
    SOCVAL_CLONES void costs();
    SOCVAL_CLONES void outcome_factors();
    void propagate();
    SOCVAL_CLONES void finish_monetise();
    SOCVAL_CLONES void aggregate();
    SOCVAL_CLONES void split(const int* slots, int n, const double* whole, int first);
    SOCVAL_CLONES void places_and_people();
    void year_shares(int o, double* out) const;
    SOCVAL_CLONES void group_priorities();
    bool gprio_ready = false;  // group_priorities() done for the last run
    SOCVAL_CLONES const double* value_of(int o, int t) const;
    SOCVAL_CLONES const double* benefits_of(int t) const;
    SOCVAL_CLONES void benefits_by_year(double* out, std::size_t stride) const;
};

/// Row ids of every number of the plan; the fixed ones become constant rows (one per distinct value).
void Program::Data::build_ops() {
    const auto& p = *plan;
    zeros = constant(0.0);
    ones = constant(1.0);
    NP = static_cast<int>(p.place_ids.size());
    for (const auto& oc : p.outcomes)
        for (const Q& x : oc.place_shares) place_slot.push_back(slot(x));
    for (const auto& op : p.options)
        for (const Q& x : op.place_shares) spend_slot.push_back(slot(x));
    if (p.people) {
        for (const auto& oc : p.outcomes)
            for (int q = 0; q < model::kQuintiles; ++q)
                quint_slot.push_back(oc.quintile_shares.empty() ? -1 : slot(oc.quintile_shares[static_cast<std::size_t>(q)]));
        eta_slot = slot(p.eta);
    }
    if (p.deciles)
        for (const auto& oc : p.outcomes)
            for (int j = 0; j < model::kDeciles; ++j)
                dec_slot.push_back(oc.decile_shares.empty() ? -1 : slot(oc.decile_shares[static_cast<std::size_t>(j)]));
    for (std::size_t i = 0; i < p.options.size(); ++i) {
        const auto& opt = p.options[i];
        OptionOp op;
        op.mitigation = slot(opt.mitigation);
        if (opt.mitigation.fixed())
            op.uplift = constant(appraisal::optimism_bias_uplift(opt.ob_capital_upper, opt.mitigation.value));
        op.rev_mitigation = slot(opt.revenue_mitigation);
        if (opt.revenue_mitigation.fixed())
            op.rev_uplift = constant(appraisal::optimism_bias_uplift(opt.ob_revenue_upper, opt.revenue_mitigation.value));
        op.shortfall = slot(opt.benefits_shortfall);
        if (opt.benefits_shortfall.fixed()) op.keep = constant(1.0 - opt.benefits_shortfall.value);
        op.group = group_of_option[i];
        for (const auto& c : opt.costs) op.costs.push_back({c.year, slot(c.capital), slot(c.revenue), -1});
        for (const auto& [t, amount] : opt.others) op.others.emplace_back(t, slot(amount));
        option_ops.push_back(std::move(op));
    }
    for (const auto& o : p.outcomes) {
        OutcomeOp op;
        const Q* sh[5] = {&o.deadweight, &o.displacement, &o.leakage, &o.substitution, &o.attribution};
        bool all_fixed = true;
        for (int j = 0; j < 5; ++j) {
            op.shares[j] = slot(*sh[j]);
            all_fixed = all_fixed && sh[j]->fixed();
        }
        if (all_fixed) {
            appraisal::Additionality a{o.deadweight.value, o.displacement.value, o.leakage.value,
                                       o.substitution.value, o.attribution.value};
            try {
                a.validate();
            } catch (const AppraisalError& e) {
                throw ScenarioError("outcome " + o.id + ": " + e.what());
            }
            op.factor_const = constant(a.net_factor());
        } else {
            for (int j = 0; j < 5; ++j) {
                const double v = sh[j]->value;
                const bool valid = v >= 0.0 && v <= 1.0;
                if (!sh[j]->fixed() || !valid) op.check.push_back(op.shares[j]);
                const bool one = sh[j]->fixed() && valid && (j < 4 ? 1.0 - v == 1.0 : v == 1.0);
                if (!one) op.factors.emplace_back(j, op.shares[j]);
            }
        }
        op.drop_off = slot(o.drop_off);
        if (o.drop_off.fixed() && o.drop_off.value >= 0.0 && o.drop_off.value <= 1.0) {
            const double q = 1.0 - o.drop_off.value;
            op.q_const = constant(q);
            double pw = 1.0, base = q;  // q^D as outcome_factors() computes it
            for (unsigned e = static_cast<unsigned>(o.duration); e; e >>= 1) {
                if (e & 1u) pw *= base;
                base *= base;
            }
            op.qd_const = constant(pw);
        }
        op.per_unit = slot(o.per_unit);
        if (!o.value.fixed()) {  // the work row of the effective per_unit is numbered in build_program()
            op.value = slot(o.value);
            op.per_unit_in = op.per_unit;
        }
        op.needs_qd = o.lag + o.duration < H;
        const auto& df = p.discount[static_cast<std::size_t>(o.schedule)];
        for (int t = 0; t < H; ++t)
            op.price_df.push_back(o.unit_price[static_cast<std::size_t>(t)] * df[static_cast<std::size_t>(t)]);
        outcome_ops.push_back(std::move(op));
    }
    // Slots of outputs and links (constants must all exist before work rows are numbered).
    for (const auto& o : p.outcomes) {
        for (const auto& out : o.outputs) slot(out.amount);
        for (const auto& l : o.links) {
            slot(l.coefficient);
            if (l.saturating) slot(l.cap);
        }
    }
}

/// First appraisal year in which the net delivery of each outcome can be non-zero, counting only the options of
/// `group` (-1: every option); kNever when never inside the horizon. Iterated to a fixed point, so that lagged
/// cycles are followed through time.
std::vector<int> Program::Data::first_net(int group) const {
    const auto& p = *plan;
    auto uses = [&](int i) { return group < 0 || group_of_option[static_cast<std::size_t>(i)] == group; };
    const std::vector<int>& first_cost = option_first_cost;
    const std::vector<int>& first_funded = option_first_funded;
    auto plus = [&](int a, int b) { return a == kNever || a + b >= H ? kNever : a + b; };
    std::vector<int> f(static_cast<std::size_t>(O), kNever);
    for (bool changed = true; changed;) {
        changed = false;
        for (int o : p.order) {
            const auto& oc = p.outcomes[static_cast<std::size_t>(o)];
            int best = kNever;
            for (const auto& out : oc.outputs)
                if (uses(out.option))
                    best = std::min(best, out.per_pound ? first_cost[static_cast<std::size_t>(out.option)]
                                                        : first_funded[static_cast<std::size_t>(out.option)]);
            for (const auto& l : oc.links) {
                if (l.from_option) {
                    if (uses(l.from)) best = std::min(best, plus(first_cost[static_cast<std::size_t>(l.from)], l.lag));
                } else {
                    const int src = f[static_cast<std::size_t>(l.from)];
                    best = std::min(best, plus(plus(src, p.outcomes[static_cast<std::size_t>(l.from)].lag), l.lag));
                }
            }
            if (best < f[static_cast<std::size_t>(o)]) {
                f[static_cast<std::size_t>(o)] = best;
                changed = true;
            }
        }
    }
    return f;
}

/// The strongly connected components of the outcome graph (every link, whatever its lag), sources first; the
/// members of each in lag-0 order. Tarjan (1972), iterative.
std::vector<std::vector<int>> Program::Data::components() const {
    const auto& p = *plan;
    std::vector<std::vector<int>> next(static_cast<std::size_t>(O));  // src -> outcomes it feeds
    for (int o = 0; o < O; ++o)
        for (const auto& l : p.outcomes[static_cast<std::size_t>(o)].links)
            if (!l.from_option) next[static_cast<std::size_t>(l.from)].push_back(o);
    std::vector<int> index(static_cast<std::size_t>(O), -1), low(static_cast<std::size_t>(O), 0), comp(static_cast<std::size_t>(O), -1);
    std::vector<int> stack, path;
    std::vector<std::size_t> edge(static_cast<std::size_t>(O), 0);
    std::vector<char> on(static_cast<std::size_t>(O), 0);
    int counter = 0, n_comp = 0;
    for (int root = 0; root < O; ++root) {
        if (index[static_cast<std::size_t>(root)] >= 0) continue;
        path.push_back(root);
        while (!path.empty()) {
            const int v = path.back();
            const auto vs = static_cast<std::size_t>(v);
            if (index[vs] < 0) {
                index[vs] = low[vs] = counter++;
                stack.push_back(v);
                on[vs] = 1;
            }
            if (edge[vs] < next[vs].size()) {
                const int w = next[vs][edge[vs]++];
                const auto ws = static_cast<std::size_t>(w);
                if (index[ws] < 0) path.push_back(w);
                else if (on[ws]) low[vs] = std::min(low[vs], index[ws]);
                continue;
            }
            if (low[vs] == index[vs]) {
                for (;;) {
                    const int w = stack.back();
                    stack.pop_back();
                    on[static_cast<std::size_t>(w)] = 0;
                    comp[static_cast<std::size_t>(w)] = n_comp;
                    if (w == v) break;
                }
                ++n_comp;
            }
            path.pop_back();
            if (!path.empty()) {
                const auto us = static_cast<std::size_t>(path.back());
                low[us] = std::min(low[us], low[vs]);
            }
        }
    }
    // Tarjan numbers components sinks first: reverse for sources first; members in lag-0 order.
    std::vector<std::vector<int>> out(static_cast<std::size_t>(n_comp));
    for (int o : p.order) out[static_cast<std::size_t>(n_comp - 1 - comp[static_cast<std::size_t>(o)])].push_back(o);
    return out;
}

/// Option tracking grows with groups x outcomes x years (each propagated group has its own step, terms and rows
/// at every outcome-year it reaches): its memory is estimated from the structure and refused up front when it
/// would not fit (docs/guide/limits.md). The estimate counts the program (steps and terms, built here, and their
/// linked copy in each Evaluator) and one Evaluator's rows for a block of one draw; Evaluator::allocate checks
/// the rows again for the real block size.
void Program::Data::check_tracking_memory(const std::vector<std::vector<int>>& fg) const {
    if (tracked.empty()) return;
    const auto& p = *plan;
    double steps = 0, terms = 0, rows = 0;
    for (int g : tracked)
        for (int o = 0; o < O; ++o) {
            if (!gpropagated[static_cast<std::size_t>(g) * O + static_cast<std::size_t>(o)]) continue;
            const int first = fg[static_cast<std::size_t>(g)][static_cast<std::size_t>(o)];
            const double years = first == kNever ? 0.0 : static_cast<double>(H - first);
            const auto& oc = p.outcomes[static_cast<std::size_t>(o)];
            steps += years;
            terms += years * static_cast<double>(oc.links.size() + 1);
            rows += H + std::min(oc.lag + oc.duration + 1, H);  // level history and net-delivery ring
        }
    rows += static_cast<double>(G) * (O + K + 1 + 2);  // PV by outcome and by priority, value and cost, per group
    const double row_bytes = k::padded(1) * sizeof(double) + sizeof(double*);
    const double bytes = steps * static_cast<double>(sizeof(StepOp) + sizeof(k::Step) + 6 * sizeof(int)) +
                         terms * static_cast<double>(sizeof(std::pair<int, int>) + 2 * sizeof(double*)) +
                         rows * row_bytes;
    // Measured: within 2% of the peak resident memory of evaluate() (benchmarks/make_scenario.py, 250-1,000
    // options x 60-240 outcomes x 30 years), the op lists' growth by doubling included.
    check_memory(bytes,
                 "attributing value to each of the " + std::to_string(tracked.size() + 1) + " funded options (" +
                     std::to_string(tracked.size()) + " propagated through " + std::to_string(O) + " outcomes over " +
                     std::to_string(H) + " years)",
                 "fund fewer options, or merge options that are appraised together into one");
}

/// The program: for each year, for each outcome in lag-0 order, the total's step then each propagated group's.
void Program::Data::build_program() {
    const auto& p = *plan;
    // First cost year and first funded year of each option (first_net() reads them once per group).
    option_first_cost.assign(static_cast<std::size_t>(I), kNever);
    option_first_funded.assign(static_cast<std::size_t>(I), kNever);
    for (int i = 0; i < I; ++i) {
        const auto& opt = p.options[static_cast<std::size_t>(i)];
        for (const auto& c : opt.costs)
            option_first_cost[static_cast<std::size_t>(i)] = std::min(option_first_cost[static_cast<std::size_t>(i)], c.year);
        for (int t = 0; t < H; ++t)
            if (opt.funded_year[static_cast<std::size_t>(t)]) {
                option_first_funded[static_cast<std::size_t>(i)] = t;
                break;
            }
    }
    // Per-block rows: spend by option and cost year, costs and investment by year, outcome factors.
    spend_row.assign(static_cast<std::size_t>(I) * H, -1);
    for (int i = 0; i < I; ++i)
        for (auto& c : option_ops[static_cast<std::size_t>(i)].costs) {
            int& r = spend_row[static_cast<std::size_t>(i) * H + static_cast<std::size_t>(c.year)];
            if (r == -1) r = work(1);
            c.spend = r;
        }
    uplift_row = work(1);
    rev_uplift_row = work(1);
    for (auto& op : option_ops)
        if (op.keep < 0) op.keep = work(1);
    for (auto& op : outcome_ops)
        if (op.value >= 0) op.per_unit = work(1);
    cost_row = work(H);
    invest_row = work(H);
    for (auto& op : outcome_ops) {
        op.factor = op.factor_const >= 0 ? op.factor_const : work(1);
        op.q = op.q_const >= 0 ? op.q_const : work(1);
        op.qd = !op.needs_qd ? -1 : op.qd_const >= 0 ? op.qd_const : work(1);
    }
    level_row = work(O * H);
    opv_row = work(O);
    ototal_row = work(O);
    gopv_row = work(G * O);
    head_row = work(7);
    prio_row = work(K + 1);
    pillar_row = work(4);
    benef_row = work(3);
    gvalue_row = work(G);
    gcost_row = work(G);
    gprio_row = work(G * (K + 1));
    lvalue_row = work(G ? 3 : 0);
    lcost_row = work(G ? 3 : 0);
    scratch_row = work(1);
    place_row = work(NP);
    spend_place_row = work(NP);
    quint_row = work(p.people ? model::kQuintiles + 1 : 0);  // q1..q5, then unallocated
    weighted_row = work(p.people ? 3 : 0);                    // weighted PV benefits, NPSV, BCR
    weight_row = work(p.people ? model::kQuintiles : 0);
    share_sum_row = work(1);
    dec_row = work(p.deciles ? model::kDeciles + 1 : 0);
    int max_sat = 0;
    for (const auto& o : p.outcomes)
        max_sat = std::max(max_sat, static_cast<int>(std::count_if(o.links.begin(), o.links.end(),
                                                                   [](const LinkPlan& l) { return l.saturating; })));
    sat_scratch = work(2 * std::max(1, max_sat));  // saturating outputs, then group shares

    // Which outcome-years can be non-zero, for the total and for each group.
    const std::vector<int> f = first_net(-1);
    std::vector<std::vector<int>> fg(static_cast<std::size_t>(G));
    for (int g = 0; g < G; ++g) fg[static_cast<std::size_t>(g)] = first_net(g);
    auto at = [](const std::vector<int>& v, int o) { return v[static_cast<std::size_t>(o)]; };
    auto L = [&](int o) { return p.outcomes[static_cast<std::size_t>(o)].lag; };
    auto D = [&](int o) { return p.outcomes[static_cast<std::size_t>(o)].duration; };
    auto first_level = [&](int first, int o) { return first == kNever ? kNever : first + L(o); };
    alias.assign(static_cast<std::size_t>(O), -1);
    gpropagated.assign(static_cast<std::size_t>(G) * O, 0);
    for (int o = 0; o < O; ++o) {
        int reached = 0, only = -1;
        for (int g = 0; g < G; ++g)
            if (at(fg[static_cast<std::size_t>(g)], o) != kNever) {
                ++reached;
                only = g;
            }
        if (reached == 1) alias[static_cast<std::size_t>(o)] = only;
        for (int g : tracked)
            gpropagated[static_cast<std::size_t>(g) * O + static_cast<std::size_t>(o)] =
                reached > 1 && at(fg[static_cast<std::size_t>(g)], o) != kNever;
    }
    check_tracking_memory(fg);
    // Net delivery is only read by its own outcome, L and L + D years after it is made: a ring of L + D + 1 rows.
    // Levels are read by later outcomes (in any year): full histories, for the total and each propagated group.
    struct Ring {
        int first = -1, size = 0;
        int row(int t) const { return first + t % size; }
    };
    auto ring = [&](int size) {
        Ring r;
        r.size = std::min(size, H);
        r.first = work(r.size);
        return r;
    };
    std::vector<Ring> net_ring(static_cast<std::size_t>(O));
    std::vector<Ring> gnet_ring(static_cast<std::size_t>(G) * O);
    std::vector<int> glevel_row(static_cast<std::size_t>(G) * O, -1);  // first of H rows
    for (int o = 0; o < O; ++o) {
        if (at(f, o) != kNever) net_ring[static_cast<std::size_t>(o)] = ring(L(o) + D(o) + 1);
        for (int g : tracked)
            if (gpropagated[static_cast<std::size_t>(g) * O + static_cast<std::size_t>(o)]) {
                gnet_ring[static_cast<std::size_t>(g) * O + static_cast<std::size_t>(o)] = ring(L(o) + D(o) + 1);
                glevel_row[static_cast<std::size_t>(g) * O + static_cast<std::size_t>(o)] = work(H);
            }
    }
    // Scaled outputs: one row per per-year-funded output.
    std::vector<std::vector<int>> scaled(static_cast<std::size_t>(O));
    for (int o = 0; o < O; ++o)
        for (const auto& out : p.outcomes[static_cast<std::size_t>(o)].outputs) {
            int r = -1;
            if (!out.per_pound) {
                r = work(1);
                const auto& opt = p.options[static_cast<std::size_t>(out.option)];
                const auto& oo = option_ops[static_cast<std::size_t>(out.option)];
                if (opt.benefits_shortfall.fixed())  // scale x (1 - shortfall); exactly scale without a shortfall
                    scaled_ops.push_back({slot(out.amount), r, opt.scale * (1.0 - opt.benefits_shortfall.value)});
                else
                    scaled_ops.push_back({slot(out.amount), r, opt.scale, oo.keep});
            }
            scaled[static_cast<std::size_t>(o)].push_back(r);
        }

    // The level of outcome `src` in year ts for group g (-1: the total), or -1 when it is zero by structure.
    auto level_of = [&](int g, int src, int ts) {
        if (ts < first_level(at(f, src), src)) return -1;
        if (g < 0 || alias[static_cast<std::size_t>(src)] == g) return oy(src, ts);
        if (!gpropagated[static_cast<std::size_t>(g) * O + static_cast<std::size_t>(src)]) return -1;
        if (ts < first_level(at(fg[static_cast<std::size_t>(g)], src), src)) return -1;
        return glevel_row[static_cast<std::size_t>(g) * O + static_cast<std::size_t>(src)] + ts;
    };
    std::map<std::tuple<int, int, int>, int> ceff_row;  // (outcome, link, year) -> y / x row (lever tracking)
    const std::vector<std::vector<int>> order = components();
    // Outcome by outcome, each over the whole horizon (its rows stay in cache), in an order where every source
    // comes first; the members of a cycle (closed by a lagged link) year by year together.
    for (const auto& members : order) {
      const std::size_t steps_before = program.size();
      for (int t = 0; t < H; ++t) {
        for (int o : members) {
            const auto& oc = p.outcomes[static_cast<std::size_t>(o)];
            const auto& op = outcome_ops[static_cast<std::size_t>(o)];
            const int fo = at(f, o);
            if (t < fo) continue;
            // The total's step. Terms in the order of the model: outputs, then links.
            StepOp s;
            s.term0 = static_cast<int>(terms.size());
            s.sat0 = static_cast<int>(sat_ops.size());
            for (std::size_t u = 0; u < oc.outputs.size(); ++u) {
                const auto& out = oc.outputs[u];
                const std::size_t before = terms.size();
                if (out.per_pound) {
                    const int sp = spend_row[static_cast<std::size_t>(out.option) * H + static_cast<std::size_t>(t)];
                    if (sp != -1) terms.emplace_back(slot(out.amount), sp);
                } else if (p.options[static_cast<std::size_t>(out.option)].funded_year[static_cast<std::size_t>(t)]) {
                    terms.emplace_back(scaled[static_cast<std::size_t>(o)][u], ones);
                }
                if (adjoint && terms.size() > before)
                    dot_ops.push_back({group_of_option[static_cast<std::size_t>(out.option)], o, t, terms.back().first,
                                       terms.back().second});
            }
            std::vector<int> sat_of(oc.links.size(), -1);  // the row of each saturating link's output this year
            for (std::size_t li = 0; li < oc.links.size(); ++li) {
                const auto& l = oc.links[li];
                const int ts = t - l.lag;
                if (ts < 0) continue;
                const int x = l.from_option ? spend_row[static_cast<std::size_t>(l.from) * H + static_cast<std::size_t>(ts)]
                                            : level_of(-1, l.from, ts);
                if (x == -1) continue;  // a source that is zero by structure adds nothing
                if (l.saturating) {
                    // Lever tracking keeps every saturating output (a direct input, or the link's effective
                    // coefficient y / x for the adjoint pass); otherwise a scratch row per step suffices.
                    const int y = adjoint ? work(1) : sat_scratch + static_cast<int>(sat_ops.size()) - s.sat0;
                    SatOp so{y, slot(l.cap), slot(l.coefficient), x};
                    if (adjoint && !l.from_option) {
                        so.ceff = work(1);
                        ceff_row[{o, static_cast<int>(li), t}] = so.ceff;
                    }
                    sat_ops.push_back(so);
                    sat_of[li] = y;
                    terms.emplace_back(y, ones);
                    if (adjoint && l.from_option)
                        dot_ops.push_back({group_of_option[static_cast<std::size_t>(l.from)], o, t, y, ones});
                } else {
                    terms.emplace_back(slot(l.coefficient), x);
                    if (adjoint && l.from_option)
                        dot_ops.push_back({group_of_option[static_cast<std::size_t>(l.from)], o, t, slot(l.coefficient), x});
                }
            }
            s.n_terms = static_cast<int>(terms.size()) - s.term0;
            s.n_sat = static_cast<int>(sat_ops.size()) - s.sat0;
            const Ring& nr = net_ring[static_cast<std::size_t>(o)];
            s.factor = op.factor;
            s.q = op.q;
            s.prev = t - 1 >= first_level(fo, o) ? oy(o, t - 1) : zeros;
            if (oc.lag > 0) s.add = t - oc.lag >= fo ? nr.row(t - oc.lag) : zeros;
            const int tsub = t - oc.lag - oc.duration;
            if (op.needs_qd && tsub >= fo) {
                s.qd = op.qd;
                s.sub = nr.row(tsub);
            }
            s.net = nr.row(t);
            s.level = oy(o, t);
            program.push_back(s);

            // Each propagated group's step: its own options' outputs and option links, its share of outcome links.
            for (int g : tracked) {
                const std::size_t go = static_cast<std::size_t>(g) * O + static_cast<std::size_t>(o);
                if (!gpropagated[go]) continue;
                const int fgo = at(fg[static_cast<std::size_t>(g)], o);
                if (t < fgo) continue;
                StepOp gs;
                gs.term0 = static_cast<int>(terms.size());
                gs.share0 = static_cast<int>(share_ops.size());
                for (std::size_t u = 0; u < oc.outputs.size(); ++u) {
                    const auto& out = oc.outputs[u];
                    if (group_of_option[static_cast<std::size_t>(out.option)] != g) continue;
                    if (out.per_pound) {
                        const int sp = spend_row[static_cast<std::size_t>(out.option) * H + static_cast<std::size_t>(t)];
                        if (sp != -1) terms.emplace_back(slot(out.amount), sp);
                    } else if (p.options[static_cast<std::size_t>(out.option)].funded_year[static_cast<std::size_t>(t)]) {
                        terms.emplace_back(scaled[static_cast<std::size_t>(o)][u], ones);
                    }
                }
                for (std::size_t li = 0; li < oc.links.size(); ++li) {
                    const auto& l = oc.links[li];
                    const int ts = t - l.lag;
                    if (ts < 0) continue;
                    if (l.from_option) {
                        if (group_of_option[static_cast<std::size_t>(l.from)] != g) continue;
                        const int x = spend_row[static_cast<std::size_t>(l.from) * H + static_cast<std::size_t>(ts)];
                        if (x == -1) continue;
                        if (l.saturating) terms.emplace_back(sat_of[li], ones);
                        else terms.emplace_back(slot(l.coefficient), x);
                    } else {
                        const int xg = level_of(g, l.from, ts);
                        if (xg == -1) continue;
                        if (l.saturating) {
                            const int y = sat_scratch + std::max(1, max_sat) + static_cast<int>(share_ops.size()) - gs.share0;
                            share_ops.push_back({y, sat_of[li], xg, level_of(-1, l.from, ts)});
                            terms.emplace_back(y, ones);
                        } else {
                            terms.emplace_back(slot(l.coefficient), xg);
                        }
                    }
                }
                gs.n_terms = static_cast<int>(terms.size()) - gs.term0;
                gs.n_share = static_cast<int>(share_ops.size()) - gs.share0;
                const Ring& gn = gnet_ring[go];
                const int gl = glevel_row[go];
                gs.factor = op.factor;
                gs.q = op.q;
                gs.prev = t - 1 >= first_level(fgo, o) ? gl + t - 1 : zeros;
                if (oc.lag > 0) gs.add = t - oc.lag >= fgo ? gn.row(t - oc.lag) : zeros;
                if (op.needs_qd && tsub >= fgo) {
                    gs.qd = op.qd;
                    gs.sub = gn.row(tsub);
                }
                gs.net = gn.row(t);
                gs.level = gl + t;
                program.push_back(gs);
            }
        }
      }
      // PV and physical totals of the component's outcomes, from their levels.
      if (program.size() > steps_before) {  // (a component nothing reaches has no steps and no PV to add)
          StepOp& last = program.back();
          last.post0 = static_cast<int>(post_ops.size());
          for (int o : members) {
              const int fo = at(f, o);
              if (fo == kNever) continue;
              const auto& pdf = outcome_ops[static_cast<std::size_t>(o)].price_df;
              post_ops.push_back({oy(o, fo), H - fo, opv_row + o, ototal_row + o, pdf.data() + fo});
              for (int g : tracked) {
                  const std::size_t go = static_cast<std::size_t>(g) * O + static_cast<std::size_t>(o);
                  if (!gpropagated[go]) continue;
                  const int fgo = at(fg[static_cast<std::size_t>(g)], o);
                  post_ops.push_back({glevel_row[go] + fgo, H - fgo, gopv_row + static_cast<int>(go), -1, pdf.data() + fgo});
              }
          }
          last.n_post = static_cast<int>(post_ops.size()) - last.post0;
      }
    }
    if (adjoint) build_adjoint(order, f, ceff_row);
}

/// The adjoint pass of lever tracking (docs/model/engine.md, section 9): the forward program read backwards.
/// lambda(o, t) = d PV benefits / d gross delivery of o in year t, through the links as the forward pass
/// linearised them (a saturating link by its y / x); each lever's value is then the sum of lambda x its direct
/// inputs. Only the outcome-years the forward pass computes are needed (a direct input at (o, t) has
/// t >= first(o), and they only read later years of outcomes downstream).
void Program::Data::build_adjoint(const std::vector<std::vector<int>>& order, const std::vector<int>& f,
                                    const std::map<std::tuple<int, int, int>, int>& ceff_row) {
    const auto& p = *plan;
    auto L = [&](int o) { return p.outcomes[static_cast<std::size_t>(o)].lag; };
    auto D = [&](int o) { return p.outcomes[static_cast<std::size_t>(o)].duration; };
    std::vector<int> lambda_row(static_cast<std::size_t>(O), -1), nu_row(static_cast<std::size_t>(O), -1),
        mu_first(static_cast<std::size_t>(O), -1), mu_size(static_cast<std::size_t>(O), 0);
    for (int o = 0; o < O; ++o) {
        if (f[static_cast<std::size_t>(o)] == kNever) continue;
        lambda_row[static_cast<std::size_t>(o)] = work(H);
        nu_row[static_cast<std::size_t>(o)] = work(2);  // alternate years
        mu_size[static_cast<std::size_t>(o)] = std::min(L(o) + D(o) + 1, H);
        mu_first[static_cast<std::size_t>(o)] = work(mu_size[static_cast<std::size_t>(o)]);
    }
    auto mu = [&](int o, int t) { return mu_first[static_cast<std::size_t>(o)] + t % mu_size[static_cast<std::size_t>(o)]; };
    // The links out of each outcome: (target, link index in the target's list).
    std::vector<std::vector<std::pair<int, int>>> out(static_cast<std::size_t>(O));
    for (int o = 0; o < O; ++o) {
        const auto& links = p.outcomes[static_cast<std::size_t>(o)].links;
        for (std::size_t li = 0; li < links.size(); ++li)
            if (!links[li].from_option) out[static_cast<std::size_t>(links[li].from)].emplace_back(o, static_cast<int>(li));
    }
    for (auto c = order.rbegin(); c != order.rend(); ++c)
        for (int t = H - 1; t >= 0; --t)
            for (auto it = c->rbegin(); it != c->rend(); ++it) {
                const int o = *it;
                const int fo = f[static_cast<std::size_t>(o)];
                if (fo == kNever || t < fo) continue;
                AdjointOp a;
                a.o = o;
                a.t = t;
                a.term0 = static_cast<int>(adjoint_terms.size());
                for (const auto& [dst, li] : out[static_cast<std::size_t>(o)]) {
                    const auto& l = p.outcomes[static_cast<std::size_t>(dst)].links[static_cast<std::size_t>(li)];
                    const int td = t + l.lag;
                    const int fd = f[static_cast<std::size_t>(dst)];
                    if (td >= H || fd == kNever || td < fd) continue;  // beyond the horizon, or never read
                    const int lam = lambda_row[static_cast<std::size_t>(dst)] + td;
                    if (l.saturating) {
                        const auto found = ceff_row.find({dst, li, td});
                        if (found == ceff_row.end()) continue;  // no input that year: no output either
                        adjoint_terms.emplace_back(found->second, lam);
                    } else {
                        adjoint_terms.emplace_back(slot(l.coefficient), lam);
                    }
                }
                a.n_terms = static_cast<int>(adjoint_terms.size()) - a.term0;
                a.prev = t + 1 < H ? nu_row[static_cast<std::size_t>(o)] + (t + 1) % 2 : zeros;
                if (L(o) > 0) a.add = t + L(o) < H ? mu(o, t + L(o)) : zeros;
                if (outcome_ops[static_cast<std::size_t>(o)].needs_qd && t + L(o) + D(o) < H) {
                    a.qd = outcome_ops[static_cast<std::size_t>(o)].qd;
                    a.sub = mu(o, t + L(o) + D(o));
                }
                a.mu = mu(o, t);
                a.nu = nu_row[static_cast<std::size_t>(o)] + t % 2;
                a.lambda = lambda_row[static_cast<std::size_t>(o)] + t;
                adjoint_ops.push_back(a);
            }
    for (auto& d : dot_ops) d.lambda = lambda_row[static_cast<std::size_t>(d.o)] + d.t;
}

void Evaluator::Impl::allocate() {
    const std::size_t C = const_values.size(), W = static_cast<std::size_t>(n_work), b = static_cast<std::size_t>(B);
    if (G > 3)  // option tracking: rows grow with the groups (docs/guide/limits.md)
        check_memory(static_cast<double>(((C + W) * b + static_cast<std::size_t>(P) * b) * sizeof(double) +
                                         (static_cast<std::size_t>(P) + C + W) * sizeof(double*)),
                     "an evaluator of " + std::to_string(G) + " tracked options for blocks of " +
                         std::to_string(max_block) + " draws",
                     "fund fewer options, or use smaller blocks");
    store.assign((C + W) * b + 8, 0.0);
    double* base = store.data();
    while (reinterpret_cast<std::uintptr_t>(base) % 64 != 0) ++base;
    rows.assign(static_cast<std::size_t>(P) + C + W, nullptr);
    for (std::size_t c = 0; c < C; ++c) {
        double* r = base + c * b;
        std::fill_n(r, b, const_values[c]);
        rows[static_cast<std::size_t>(P) + c] = r;
    }
    for (std::size_t w = 0; w < W; ++w) rows[static_cast<std::size_t>(P) + C + w] = base + (C + w) * b;
    pbuf.assign(static_cast<std::size_t>(P) * b, 0.0);
}

/// Links the program to row addresses. Parameter rows move with the caller's block: their uses are recorded in
/// `patches` and re-pointed by resolve() when the block moves.
void Evaluator::Impl::link() {
    linked_a.reserve(terms.size());
    linked_x.reserve(terms.size());
    for (const auto& [a, x] : terms) {
        linked_a.push_back(R(a));
        linked_x.push_back(R(x));
    }
    for (const auto& so : sat_ops)
        linked_sat.push_back({R(so.y), R(so.cap), R(so.coefficient), R(so.x), so.ceff >= 0 ? R(so.ceff) : nullptr});
    for (const auto& so : share_ops) linked_share.push_back({R(so.y), R(so.s), R(so.xg), R(so.x)});
    auto opt = [&](int id) { return id >= 0 ? R(id) : nullptr; };
    for (const auto& s : program) {
        Linked l;
        l.step.a = linked_a.data() + s.term0;
        l.step.x = linked_x.data() + s.term0;
        l.step.n_terms = s.n_terms;
        l.step.factor = R(s.factor);
        l.step.q = R(s.q);
        l.step.prev = R(s.prev);
        l.step.add = opt(s.add);
        l.step.qd = opt(s.qd);
        l.step.sub = opt(s.sub);
        l.step.net = R(s.net);
        l.step.level = R(s.level);

        l.sat0 = s.sat0;
        l.n_sat = s.n_sat;
        l.share0 = s.share0;
        l.n_share = s.n_share;
        l.post0 = s.post0;
        l.n_post = s.n_post;
        linked.push_back(l);
    }
    // Only terms and saturating links read parameter rows (factors, q and q^D are work rows).
    for (std::size_t i = 0; i < terms.size(); ++i) {
        if (terms[i].first < P) patches.emplace_back(&linked_a[i], terms[i].first);
        if (terms[i].second < P) patches.emplace_back(&linked_x[i], terms[i].second);
    }
    for (std::size_t i = 0; i < sat_ops.size(); ++i) {
        if (sat_ops[i].cap < P) patches.emplace_back(&linked_sat[i].cap, sat_ops[i].cap);
        if (sat_ops[i].coefficient < P) patches.emplace_back(&linked_sat[i].coefficient, sat_ops[i].coefficient);
    }
    // The adjoint pass and the levers' direct inputs.
    linked_adjoint_a.reserve(adjoint_terms.size());
    linked_adjoint_x.reserve(adjoint_terms.size());
    for (std::size_t i = 0; i < adjoint_terms.size(); ++i) {
        linked_adjoint_a.push_back(R(adjoint_terms[i].first));
        linked_adjoint_x.push_back(R(adjoint_terms[i].second));
        if (adjoint_terms[i].first < P) patches.emplace_back(&linked_adjoint_a[i], adjoint_terms[i].first);
    }
    linked_adjoint.reserve(adjoint_ops.size());
    for (const auto& a : adjoint_ops) {
        const auto& op = outcome_ops[static_cast<std::size_t>(a.o)];
        k::Adjoint l;
        l.pu = R(op.per_unit);
        l.price_df = op.price_df[static_cast<std::size_t>(a.t)];
        l.a = linked_adjoint_a.data() + a.term0;
        l.x = linked_adjoint_x.data() + a.term0;
        l.n_terms = a.n_terms;
        l.factor = R(op.factor);
        l.q = R(op.q);
        l.prev = R(a.prev);
        l.add = opt(a.add);
        l.qd = opt(a.qd);
        l.sub = opt(a.sub);
        l.mu = R(a.mu);
        l.nu = R(a.nu);
        l.lambda = R(a.lambda);
        linked_adjoint.push_back(l);
    }
    for (std::size_t i = 0; i < adjoint_ops.size(); ++i) {
        const int pu = outcome_ops[static_cast<std::size_t>(adjoint_ops[i].o)].per_unit;
        if (pu < P) patches.emplace_back(&linked_adjoint[i].pu, pu);
    }
    linked_dot.reserve(dot_ops.size());
    for (const auto& d : dot_ops) linked_dot.push_back({R(gvalue_row + d.group), R(d.lambda), R(d.a), R(d.x)});
    for (std::size_t i = 0; i < dot_ops.size(); ++i) {
        if (dot_ops[i].a < P) patches.emplace_back(&linked_dot[i].a, dot_ops[i].a);
        if (dot_ops[i].x < P) patches.emplace_back(&linked_dot[i].x, dot_ops[i].x);
    }
    patched.assign(static_cast<std::size_t>(P), nullptr);
}

/// Points every parameter row at the block: in place when the block fills whole chunks of lanes, else copied
/// into padded rows whose spare lanes repeat draw 0 (so that they stay valid numbers).
void Evaluator::Impl::resolve(const double* params, std::size_t stride) {
    for (int p = 0; p < P; ++p) {
        const double* src = params + static_cast<std::size_t>(p) * stride;
        if (n == m) {
            rows[static_cast<std::size_t>(p)] = const_cast<double*>(src);  // read only: kernels write work rows
        } else {
            double* dst = pbuf.data() + static_cast<std::size_t>(p) * static_cast<std::size_t>(B);
            std::copy_n(src, n, dst);
            std::fill(dst + n, dst + m, src[0]);
            rows[static_cast<std::size_t>(p)] = dst;
        }
    }
    bool moved = false;
    for (int p = 0; p < P && !moved; ++p) moved = patched[static_cast<std::size_t>(p)] != rows[static_cast<std::size_t>(p)];
    if (moved) {
        for (const auto& [where, p] : patches) *where = rows[static_cast<std::size_t>(p)];
        for (int p = 0; p < P; ++p) patched[static_cast<std::size_t>(p)] = rows[static_cast<std::size_t>(p)];
    }
}

void Evaluator::Impl::run(const double* params, std::size_t stride, int n_draws) {
    if (n_draws < 1 || n_draws > max_block)
        throw AppraisalError("engine: expected a block of 1.." + std::to_string(max_block) + " draws, found " +
                             std::to_string(n_draws));
    if (P > 0) {
        if (params == nullptr) throw AppraisalError("engine: expected a parameter block, found none");
        if (stride < static_cast<std::size_t>(n_draws))
            throw AppraisalError("engine: expected a parameter stride >= the block size " + std::to_string(n_draws) +
                                 ", found " + std::to_string(stride));
    }
    n = n_draws;
    m = k::padded(n);
    resolve(params, stride);
    costs();
    outcome_factors();
    propagate();
    finish_monetise();
    aggregate();
}

/// Pre-uplift spend by option and year (the level of an option as a link source, and the base of per-pound
/// outputs); costs with the optimism bias uplift on capital; costs by group.
void Evaluator::Impl::costs() {
    for (int t = 0; t < H; ++t) {
        k::zero(R(cost_row + t), m);
        k::zero(R(invest_row + t), m);
    }
    for (int r : spend_row)
        if (r >= 0) k::zero(R(r), m);
    for (int g = 0; g < G; ++g) k::zero(R(gcost_row + g), m);
    const auto& df = plan->discount[static_cast<std::size_t>(plan->cost_schedule)];
    double* pvo = R(head_row + 6);  // PV of costs to others
    k::zero(pvo, m);
    // The uplift row of one bound: a constant row when the mitigation is fixed, else `work` filled per draw.
    auto uplift_of = [&](const OptionPlan& opt, double upper, int const_row, int mitigation, int work_row) {
        if (const_row >= 0) return static_cast<const double*>(R(const_row));
        double* w = R(work_row);
        const double* mit = R(mitigation);
        bool ok = true;
        for (int d = 0; d < m; ++d) ok &= mit[d] >= 0.0 && mit[d] <= 1.0;
        if (ok && upper >= 0.0 && std::isfinite(upper)) {
            k::one_minus(w, mit, m);  // appraisal::optimism_bias_uplift, upper (1 - mitigation), checked above
            for (int c = 0; c < m; c += k::kLanes) {
                k::Lanes a;
                SOCVAL_LOAD(a, w + c);
                a = upper * a;
                SOCVAL_STORE(w + c, a);
            }
        } else {
            try {
                for (int d = 0; d < m; ++d) w[d] = appraisal::optimism_bias_uplift(upper, mit[d]);
            } catch (const AppraisalError& e) {
                throw AppraisalError("option " + opt.id + ": " + e.what());
            }
        }
        return static_cast<const double*>(w);
    };
    for (int i = 0; i < I; ++i) {
        const auto& opt = plan->options[static_cast<std::size_t>(i)];
        const auto& op = option_ops[static_cast<std::size_t>(i)];
        const double* u = uplift_of(opt, opt.ob_capital_upper, op.uplift, op.mitigation, uplift_row);
        const double* ur = uplift_of(opt, opt.ob_revenue_upper, op.rev_uplift, op.rev_mitigation, rev_uplift_row);
        if (!opt.benefits_shortfall.fixed()) {  // keep = 1 - shortfall, the share of outputs delivered
            const double* sf = R(op.shortfall);
            if (!k::shares(sf, m))
                throw AppraisalError("option " + opt.id + ": benefits shortfall: expected a share in [0, 1]");
            k::one_minus(R(op.keep), sf, m);
        }
        const double* __restrict keep = R(op.keep);
        double* gc = op.group >= 0 ? R(gcost_row + op.group) : nullptr;
        const double s = opt.scale;
        for (const auto& c : op.costs) {
            const std::size_t t = static_cast<std::size_t>(c.year);
            const double* __restrict cap = R(c.capital);
            const double* __restrict rev = R(c.revenue);
            double* __restrict sp = R(c.spend);
            double* __restrict iv = R(invest_row + c.year);
            double* __restrict co = R(cost_row + c.year);
            // Written with vector types so that every clone vectorises it. The group's PV: f s (capital (1 + u) +
            // revenue (1 + u_r)), left to right; costs: s (capital (1 + u) + revenue (1 + u_r)); the option's
            // level (spend) is its pre-uplift spend x (1 - benefits shortfall).
            const double fs = gc ? df[t] * s : 0.0;
            for (int cc = 0; cc < m; cc += k::kLanes) {
                k::Lanes vc, vr, vu, vur, vk, vsp, viv, vco;
                SOCVAL_LOAD(vc, cap + cc);
                SOCVAL_LOAD(vr, rev + cc);
                SOCVAL_LOAD(vu, u + cc);
                SOCVAL_LOAD(vur, ur + cc);
                SOCVAL_LOAD(vk, keep + cc);
                SOCVAL_LOAD(vsp, sp + cc);
                SOCVAL_LOAD(viv, iv + cc);
                SOCVAL_LOAD(vco, co + cc);
                const k::Lanes pre = s * (vc + vr);
                vsp += pre * vk;
                viv += pre;
                const k::Lanes x = vc * (1.0 + vu) + vr * (1.0 + vur);
                vco += s * x;
                SOCVAL_STORE(sp + cc, vsp);
                SOCVAL_STORE(iv + cc, viv);
                SOCVAL_STORE(co + cc, vco);
                if (gc) {
                    k::Lanes vg;
                    SOCVAL_LOAD(vg, gc + cc);
                    vg += fs * x;
                    SOCVAL_STORE(gc + cc, vg);
                }
            }
        }
        for (const auto& [t, row] : op.others) {  // costs to others: all costs to UK society, not uplifted
            const double* __restrict a = R(row);
            const double f = df[static_cast<std::size_t>(t)];
            k::add_scaled(R(cost_row + t), s, a, m);
            k::add_scaled(pvo, f * s, a, m);
            if (gc) k::add_scaled(gc, f * s, a, m);
        }
    }
}

/// Per outcome: the additionality net factor, q = 1 - drop-off, and q^duration (by squaring, so no pow per draw).
/// Shares are checked for the whole block at once; a block with a bad share is re-checked draw by draw for the
/// message.
void Evaluator::Impl::outcome_factors() {
    for (int o = 0; o < O; ++o) {
        const auto& op = outcome_ops[static_cast<std::size_t>(o)];
        const auto& oc = plan->outcomes[static_cast<std::size_t>(o)];
        if (op.value >= 0) {  // valued units x sampled library value / its central value (exactly 1 at the central)
            double* __restrict pu = R(op.per_unit);
            const double* __restrict a = R(op.per_unit_in);
            const double* __restrict v = R(op.value);
            const double c = oc.value_central;
            for (int d = 0; d < m; ++d) pu[d] = a[d] * (v[d] / c);
        }
        if (op.factor_const < 0) {
            double* __restrict f = R(op.factor);
            const double* s[5];
            for (int j = 0; j < 5; ++j) s[j] = R(op.shares[j]);
            bool ok = true;
            for (int r : op.check) ok = ok && k::shares(R(r), m);
            if (ok) {
                // appraisal::Additionality::net_factor(), (1 - d)(1 - s)(1 - l)(1 - s) a from the left, without
                // the factors that are exactly 1.
                bool first = true;
                for (const auto& [j, r] : op.factors) {
                    const double* x = R(r);
                    if (first && j < 4) k::one_minus(f, x, m);
                    else if (first) k::copy(f, x, m);
                    else if (j < 4) k::mul_one_minus(f, x, m);
                    else k::mul(f, x, m);
                    first = false;
                }
                if (first) k::fill(f, 1.0, m);
            } else {
                try {
                    for (int d = 0; d < m; ++d) {
                        appraisal::Additionality a{s[0][d], s[1][d], s[2][d], s[3][d], s[4][d]};
                        a.validate();
                        f[d] = a.net_factor();
                    }
                } catch (const AppraisalError& e) {
                    throw AppraisalError("outcome " + oc.id + ": " + e.what());
                }
            }
        }
        if (op.q_const >= 0) continue;  // fixed drop-off: q and q^D are constant rows
        const double* drop = R(op.drop_off);
        double* qq = R(op.q);
        if (!k::shares(drop, m))
            for (int d = 0; d < m; ++d)
                if (!(drop[d] >= 0.0 && drop[d] <= 1.0))
                    throw AppraisalError("outcome " + oc.id + ": drop-off: expected a share in [0, 1], found " +
                                         std::to_string(drop[d]));
        k::one_minus(qq, drop, m);
        if (op.needs_qd) {
            // q^D by binary exponentiation on the block: log2(D) multiplications per draw, no pow().
            double* __restrict pw = R(op.qd);
            double* __restrict b = R(scratch_row);
            k::fill(pw, 1.0, m);
            k::copy(b, qq, m);
            for (unsigned e = static_cast<unsigned>(oc.duration); e; e >>= 1) {
                if (e & 1u) k::mul(pw, b, m);
                k::mul(b, b, m);
            }
        }
    }
}

/// Follows the program: per-year-funded outputs scaled once, then every step (its saturating links and group
/// shares first).
void Evaluator::Impl::propagate() {
    for (const auto& s : scaled_ops) {
        const double* __restrict a = R(s.amount);
        double* __restrict y = R(s.row);
        const double sc = s.scale;
        for (int c = 0; c < m; c += k::kLanes) {
            k::Lanes v;
            SOCVAL_LOAD(v, a + c);
            v = sc * v;
            SOCVAL_STORE(y + c, v);
        }
        if (s.keep >= 0) k::mul(y, R(s.keep), m);  // an uncertain benefits shortfall
    }
    for (int o = 0; o < O; ++o) {
        k::zero(R(opv_row + o), m);
        k::zero(R(ototal_row + o), m);
        for (int g : tracked)
            if (gpropagated[static_cast<std::size_t>(g) * O + static_cast<std::size_t>(o)])
                k::zero(R(gopv_row + g * O + o), m);
    }
    for (const Linked& l : linked) {
        for (int i = 0; i < l.n_sat; ++i) {
            const LinkedSat& so = linked_sat[static_cast<std::size_t>(l.sat0 + i)];
            k::saturate(so.y, so.cap, so.coefficient, so.x, m);
            if (so.ceff) k::ratio(so.ceff, so.y, so.x, m);
        }
        for (int i = 0; i < l.n_share; ++i) {
            const LinkedShare& so = linked_share[static_cast<std::size_t>(l.share0 + i)];
            k::share(so.y, so.s, so.xg, so.x, m);
        }
        k::step(l.step, m);
        for (int i = 0; i < l.n_post; ++i) {
            const PostOp& po = post_ops[static_cast<std::size_t>(l.post0 + i)];
            k::accumulate(R(po.pv), po.total >= 0 ? R(po.total) : nullptr, R(po.level), B, po.price_df, po.years, m);
        }
    }
    if (!adjoint) return;
    for (int g = 0; g < G; ++g) k::zero(R(gvalue_row + g), m);
    for (const auto& a : linked_adjoint) k::adjoint(a, m);
    for (const auto& d : linked_dot) k::dot(d.v, d.lambda, d.a, d.x, m);
}

/// PV by outcome (and by group) were accumulated per valued unit during propagation: multiply by the valued
/// units per unit of outcome. A group that alone reaches an outcome has the total's PV there; a group that
/// does not reach it has none; the derived group has the rest.
void Evaluator::Impl::finish_monetise() {
    for (int o = 0; o < O; ++o) {
        const double* __restrict pu = R(outcome_ops[static_cast<std::size_t>(o)].per_unit);
        double* __restrict pv = R(opv_row + o);
        k::mul(pv, pu, m);
        for (int j : tracked) {
            double* __restrict gpv = R(gopv_row + j * O + o);
            if (gpropagated[static_cast<std::size_t>(j) * O + static_cast<std::size_t>(o)]) {
                k::mul(gpv, pu, m);
            } else if (alias[static_cast<std::size_t>(o)] == j) {
                std::copy_n(pv, m, gpv);
            } else {
                k::zero(gpv, m);
            }
        }
        if (derived >= 0) {
            double* __restrict rest = R(gopv_row + derived * O + o);
            std::copy_n(pv, m, rest);
            for (int j : tracked) {
                const double* __restrict gpv = R(gopv_row + j * O + o);
                k::sub(rest, gpv, m);
            }
        }
    }
    // Groups that are neither propagated nor derived (no option): zero. (Lever tracking has no group PVs.)
    for (int g = 0; g < G && !adjoint; ++g) {
        if (g == derived || std::find(tracked.begin(), tracked.end(), g) != tracked.end()) continue;
        for (int o = 0; o < O; ++o) k::zero(R(gopv_row + g * O + o), m);
    }
}

/// Headline metrics, value by priority / pillar / beneficiary, and by group and lever.
void Evaluator::Impl::aggregate() {
    const auto& p = *plan;
    const auto& df = p.discount[static_cast<std::size_t>(p.cost_schedule)];
    double* pvc = R(head_row + 0);
    double* pvi = R(head_row + 1);
    double* pvb = R(head_row + 2);
    k::zero(pvc, m);
    k::zero(pvi, m);
    k::zero(pvb, m);
    for (int t = 0; t < H; ++t) {
        const double f = df[static_cast<std::size_t>(t)];
        k::add_scaled(pvc, f, R(cost_row + t), m);
        k::add_scaled(pvi, f, R(invest_row + t), m);
    }
    for (int kk = 0; kk <= K; ++kk) k::zero(R(prio_row + kk), m);
    for (int i = 0; i < 4; ++i) k::zero(R(pillar_row + i), m);
    for (int i = 0; i < 3; ++i) k::zero(R(benef_row + i), m);
    // Priority shares apply to an outcome's PV; the rest of it is unallocated.
    auto allocate_pv = [&](const OutcomePlan& oc, const double* pv, int first) {
        for (const auto& [kk, share] : oc.shares) k::add_scaled(R(first + kk), share, pv, m);
        if (oc.unallocated_share != 0.0) k::add_scaled(R(first + K), oc.unallocated_share, pv, m);
    };
    for (int o = 0; o < O; ++o) {
        const auto& oc = p.outcomes[static_cast<std::size_t>(o)];
        const double* pv = R(opv_row + o);
        k::add(pvb, pv, m);
        k::add(R(benef_row + static_cast<int>(oc.beneficiary)), pv, m);
        allocate_pv(oc, pv, prio_row);
    }
    gprio_ready = false;
    for (int kk = 0; kk <= K; ++kk) {
        const int pl = kk < K ? static_cast<int>(p.priority_pillars[static_cast<std::size_t>(kk)]) : 3;
        k::add(R(pillar_row + pl), R(prio_row + kk), m);
    }
    double* npsv = R(head_row + 3);
    double* bcr = R(head_row + 4);
    double* sroi = R(head_row + 5);
    const double* pvo = R(head_row + 6);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (int d = 0; d < m; ++d) {
        npsv[d] = pvb[d] - pvc[d];
        // BCR on public sector cost (the body's costs with optimism bias); costs to others are negative benefits
        // (the Green Book 2026's return on public sector cost, Table 10), so NPSV = numerator - denominator holds.
        const double public_cost = pvc[d] - pvo[d];
        bcr[d] = public_cost != 0.0 ? (pvb[d] - pvo[d]) / public_cost : nan;
        const double inputs = pvi[d] + pvo[d];  // SROI: value over every input, the body's and others'
        sroi[d] = inputs != 0.0 ? pvb[d] / inputs : nan;
    }
    if (this->d.NP || plan->people || plan->deciles) places_and_people();
    if (!G) return;
    for (int l = 0; l < 3; ++l) {
        k::zero(R(lvalue_row + l), m);
        k::zero(R(lcost_row + l), m);
    }
    for (int j = 0; j < G; ++j) {
        double* gv = R(gvalue_row + j);
        if (!adjoint) {  // (lever tracking: the adjoint pass computed the value)
            k::zero(gv, m);
            for (int o = 0; o < O; ++o) k::add(gv, R(gopv_row + j * O + o), m);
        }
        const int lever = group_lever[static_cast<std::size_t>(j)];
        k::add(R(lvalue_row + lever), gv, m);
        k::add(R(lcost_row + lever), R(gcost_row + j), m);
    }
}

/// Adds `whole` x each share / the sum of the shares (this draw's) to rows first .. first + n - 1, so the parts add
/// up to the whole in every draw; a draw whose shares are all zero splits equally.
void Evaluator::Impl::split(const int* slots, int n, const double* whole, int first) {
    double* sum = R(d.share_sum_row);
    k::zero(sum, m);
    for (int j = 0; j < n; ++j) k::add(sum, R(slots[j]), m);
    const double equal = 1.0 / n;
    for (int j = 0; j < n; ++j) {
        const double* s = R(slots[j]);
        double* y = R(first + j);
        for (int x = 0; x < m; ++x) y[x] += whole[x] * (sum[x] > 0.0 ? s[x] / sum[x] : equal);
    }
}

/// Value and spend by place, value by income quintile and the distributionally weighted PV benefits, NPSV and BCR
/// (docs/model/distribution.md): each outcome's PV split by its shares; weighted PV benefits = PV benefits +
/// sum_q (w_q - 1) x value of quintile q, w_q = (median income / income_q)^eta (Green Book Annex A3), so weights of
/// 1 give the unweighted value exactly; value no quintile claims is weighted 1; costs (taxpayers) are weighted 1.
void Evaluator::Impl::places_and_people() {
    const auto& p = *plan;
    const int NP = d.NP;
    if (NP) {
        for (int j = 0; j < NP; ++j) {
            k::zero(R(d.place_row + j), m);
            k::zero(R(d.spend_place_row + j), m);
        }
        for (int o = 0; o < O; ++o) split(&d.place_slot[static_cast<std::size_t>(o * NP)], NP, R(opv_row + o), d.place_row);
        const auto& df = p.discount[static_cast<std::size_t>(p.cost_schedule)];
        double* pv = R(scratch_row);
        for (int i = 0; i < I; ++i) {  // PV of the option's spend before optimism bias, by place
            k::zero(pv, m);
            for (int t = 0; t < H; ++t)
                if (const int r = spend_row[static_cast<std::size_t>(i) * H + static_cast<std::size_t>(t)]; r >= 0)
                    k::add_scaled(pv, df[static_cast<std::size_t>(t)], R(r), m);
            split(&d.spend_slot[static_cast<std::size_t>(i * NP)], NP, pv, d.spend_place_row);
        }
    }
    if (p.deciles) {  // by IMD decile: as by quintile, no weights (docs/model/distribution.md)
        constexpr int ND = model::kDeciles;
        for (int j = 0; j <= ND; ++j) k::zero(R(d.dec_row + j), m);
        for (int o = 0; o < O; ++o) {
            const int* slots = &d.dec_slot[static_cast<std::size_t>(o * ND)];
            if (slots[0] < 0) k::add(R(d.dec_row + ND), R(opv_row + o), m);
            else split(slots, ND, R(opv_row + o), d.dec_row);
        }
    }
    if (!p.people) return;
    constexpr int NQ = model::kQuintiles;
    for (int q = 0; q <= NQ; ++q) k::zero(R(d.quint_row + q), m);
    for (int o = 0; o < O; ++o) {
        const int* slots = &d.quint_slot[static_cast<std::size_t>(o * NQ)];
        if (slots[0] < 0)
            k::add(R(d.quint_row + NQ), R(opv_row + o), m);
        else
            split(slots, NQ, R(opv_row + o), d.quint_row);
    }
    const double* eta = R(d.eta_slot);
    double* wpvb = R(d.weighted_row);
    double* wnpsv = R(d.weighted_row + 1);
    double* wbcr = R(d.weighted_row + 2);
    const double* pvb = R(head_row + 2);
    const double* pvc = R(head_row + 0);
    const double* pvo = R(head_row + 6);
    k::copy(wpvb, pvb, m);
    for (int q = 0; q < NQ; ++q) {
        const double lr = p.log_income_ratio[static_cast<std::size_t>(q)];
        double* w = R(d.weight_row + q);
        const double* v = R(d.quint_row + q);
        for (int x = 0; x < m; ++x) {
            w[x] = std::exp(eta[x] * lr);  // (median / income_q)^eta
            wpvb[x] += (w[x] - 1.0) * v[x];
        }
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (int x = 0; x < m; ++x) {
        wnpsv[x] = wpvb[x] - pvc[x];
        const double public_cost = pvc[x] - pvo[x];  // as the headline BCR: on public sector cost
        wbcr[x] = public_cost != 0.0 ? (wpvb[x] - pvo[x]) / public_cost : nan;
    }
}

/// Outcome o's shares by place (rows 0..NP-1), with people by quintile (the next 6, unallocated last) and with deciles
/// by IMD decile (the next 11, unallocated last) in this draw, normalised as split() does (a draw whose shares are all
/// zero splits equally), into rows n long.
void Evaluator::Impl::year_shares(int o, double* out) const {
    const int NP = d.NP, NQ = model::kQuintiles;
    auto normalise = [&](const int* slots, int count, double* rows) {
        for (int x = 0; x < n; ++x) {
            double sum = 0.0;
            for (int j = 0; j < count; ++j) sum += R(slots[j])[x];
            for (int j = 0; j < count; ++j)
                rows[static_cast<std::size_t>(j * n + x)] = sum > 0.0 ? R(slots[j])[x] / sum : 1.0 / count;
        }
    };
    // count shares then the unallocated row (1 when the outcome gives no shares of this kind), from `rows`
    auto group = [&](const int* slots, int count, double* rows) {
        const bool none = slots[0] < 0;
        if (!none) normalise(slots, count, rows);
        else std::fill_n(rows, static_cast<std::size_t>(count * n), 0.0);
        std::fill_n(rows + static_cast<std::size_t>(count * n), static_cast<std::size_t>(n), none ? 1.0 : 0.0);
    };
    if (NP) normalise(&d.place_slot[static_cast<std::size_t>(o * NP)], NP, out);
    double* next = out + static_cast<std::size_t>(NP * n);
    if (plan->people) {
        group(&d.quint_slot[static_cast<std::size_t>(o * NQ)], NQ, next);
        next += static_cast<std::size_t>((NQ + 1) * n);
    }
    if (plan->deciles) group(&d.dec_slot[static_cast<std::size_t>(o * model::kDeciles)], model::kDeciles, next);
}

/// Value by group and priority, on the first request after a run (Monte Carlo runs do not ask for it): each
/// group's outcome PVs allocated with the outcomes' priority shares, the rest unallocated, as for the total.
void Evaluator::Impl::group_priorities() {
    if (gprio_ready) return;
    for (int i = 0; i < G * (K + 1); ++i) k::zero(R(gprio_row + i), m);
    for (int j = 0; j < G; ++j) {
        const int first = gprio_row + j * (K + 1);
        for (int o = 0; o < O; ++o) {
            const auto& oc = plan->outcomes[static_cast<std::size_t>(o)];
            const double* pv = R(gopv_row + j * O + o);
            for (const auto& [kk, share] : oc.shares) k::add_scaled(R(first + kk), share, pv, m);
            if (oc.unallocated_share != 0.0) k::add_scaled(R(first + K), oc.unallocated_share, pv, m);
        }
    }
    gprio_ready = true;
}

/// Value of outcome o in year t: level x valued units per unit x unit price.
const double* Evaluator::Impl::value_of(int o, int t) const {
    const double* lev = R(oy(o, t));
    const double* pu = R(outcome_ops[static_cast<std::size_t>(o)].per_unit);
    const double price = plan->outcomes[static_cast<std::size_t>(o)].unit_price[static_cast<std::size_t>(t)];
    double* v = R(scratch_row);
    k::value(v, lev, pu, price, m);
    return v;
}

/// Benefits in year t: the sum of outcome values.
const double* Evaluator::Impl::benefits_of(int t) const {
    double* v = R(scratch_row);
    k::zero(v, m);
    for (int o = 0; o < O; ++o) {
        const double price = plan->outcomes[static_cast<std::size_t>(o)].unit_price[static_cast<std::size_t>(t)];
        k::add_value(v, R(oy(o, t)), R(outcome_ops[static_cast<std::size_t>(o)].per_unit), price, m);
    }
    return v;
}

/// Benefits of every year: each year's row adds the outcomes' values in outcome order, as benefits_of().
void Evaluator::Impl::benefits_by_year(double* out, std::size_t stride) const {
    for (int t = 0; t < H; ++t) k::zero(out + static_cast<std::size_t>(t) * stride, m);
    for (int o = 0; o < O; ++o) {
        const auto& prices = plan->outcomes[static_cast<std::size_t>(o)].unit_price;
        const double* pu = R(outcome_ops[static_cast<std::size_t>(o)].per_unit);
        for (int t = 0; t < H; ++t)
            k::add_value(out + static_cast<std::size_t>(t) * stride, R(oy(o, t)), pu, prices[static_cast<std::size_t>(t)], m);
    }
}

// ---- public interface ----

Evaluator::Evaluator(std::shared_ptr<const Program> program, int max_block) {
    if (!program) throw AppraisalError("engine: expected a compiled program, found none");
    impl_ = std::make_unique<Impl>(std::move(program), max_block);
}
Evaluator::Evaluator(const Plan& plan, Tracking tracking, int max_block)
    : Evaluator(make_program(borrow(plan), tracking), max_block) {}
Evaluator::~Evaluator() = default;
Evaluator::Evaluator(Evaluator&&) noexcept = default;
Evaluator& Evaluator::operator=(Evaluator&&) noexcept = default;

void Evaluator::run(const double* params, std::size_t stride, int n) { impl_->run(params, stride, n); }

const Plan& Evaluator::plan() const { return *impl_->plan; }
Tracking Evaluator::tracking() const { return impl_->tracking; }
int Evaluator::block_size() const { return impl_->n; }
int Evaluator::max_block() const { return impl_->max_block; }
int Evaluator::n_groups() const { return impl_->G; }

namespace {
void check(int i, int n, const char* what) {
    if (i < 0 || i >= n)
        throw AppraisalError(std::string("engine: ") + what + ": expected an index in [0, " + std::to_string(n) +
                             "), found " + std::to_string(i));
}
}  // namespace

const double* Evaluator::pv_costs() const { return impl_->R(impl_->head_row + 0); }
const double* Evaluator::pv_investment() const { return impl_->R(impl_->head_row + 1); }
const double* Evaluator::pv_benefits() const { return impl_->R(impl_->head_row + 2); }
const double* Evaluator::npsv() const { return impl_->R(impl_->head_row + 3); }
const double* Evaluator::bcr() const { return impl_->R(impl_->head_row + 4); }
const double* Evaluator::sroi() const { return impl_->R(impl_->head_row + 5); }
const double* Evaluator::pv_others() const { return impl_->R(impl_->head_row + 6); }
const double* Evaluator::priority_value(int k) const {
    check(k, impl_->K + 1, "priority");
    return impl_->R(impl_->prio_row + k);
}
const double* Evaluator::pillar_value(int p) const {
    check(p, 4, "pillar");
    return impl_->R(impl_->pillar_row + p);
}
const double* Evaluator::beneficiary_value(int b) const {
    check(b, 3, "beneficiary");
    return impl_->R(impl_->benef_row + b);
}
const double* Evaluator::outcome_pv(int o) const {
    check(o, impl_->O, "outcome");
    return impl_->R(impl_->opv_row + o);
}
const double* Evaluator::outcome_total(int o) const {
    check(o, impl_->O, "outcome");
    return impl_->R(impl_->ototal_row + o);
}
const double* Evaluator::level(int o, int t) const {
    check(o, impl_->O, "outcome");
    check(t, impl_->H, "year");
    return impl_->R(impl_->oy(o, t));
}
const double* Evaluator::value(int o, int t) const {
    check(o, impl_->O, "outcome");
    check(t, impl_->H, "year");
    return impl_->value_of(o, t);
}
const double* Evaluator::cost(int t) const {
    check(t, impl_->H, "year");
    return impl_->R(impl_->cost_row + t);
}
const double* Evaluator::investment(int t) const {
    check(t, impl_->H, "year");
    return impl_->R(impl_->invest_row + t);
}
const double* Evaluator::benefits(int t) const {
    check(t, impl_->H, "year");
    return impl_->benefits_of(t);
}
void Evaluator::benefits_by_year(double* out, std::size_t stride) const {
    if (stride < static_cast<std::size_t>(impl_->m))
        throw AppraisalError("engine: benefits_by_year: expected a row stride >= " + std::to_string(impl_->m) +
                             ", found " + std::to_string(stride));
    impl_->benefits_by_year(out, stride);
}
int Evaluator::group_of_option(int i) const {
    check(i, impl_->I, "option");
    return impl_->group_of_option[static_cast<std::size_t>(i)];
}
const double* Evaluator::group_value(int g) const {
    check(g, impl_->G, "group");
    return impl_->R(impl_->gvalue_row + g);
}
const double* Evaluator::group_cost(int g) const {
    check(g, impl_->G, "group");
    return impl_->R(impl_->gcost_row + g);
}
const double* Evaluator::group_priority_value(int g, int k) const {
    if (impl_->adjoint)
        throw AppraisalError("engine: value by group and priority needs Tracking::option (lever tracking gives value "
                             "and cost by lever only)");
    check(g, impl_->G, "group");
    check(k, impl_->K + 1, "priority");
    impl_->group_priorities();
    return impl_->R(impl_->gprio_row + g * (impl_->K + 1) + k);
}
const double* Evaluator::group_outcome_pv(int g, int o) const {
    if (impl_->adjoint)
        throw AppraisalError("engine: value by group and outcome needs Tracking::option (lever tracking gives value "
                             "and cost by lever only)");
    check(g, impl_->G, "group");
    check(o, impl_->O, "outcome");
    return impl_->R(impl_->gopv_row + g * impl_->O + o);
}
int Evaluator::n_places() const { return impl_->d.NP; }
bool Evaluator::has_people() const { return impl_->plan->people; }
const double* Evaluator::place_value(int p) const {
    check(p, impl_->d.NP, "place");
    return impl_->R(impl_->d.place_row + p);
}
const double* Evaluator::place_spend(int p) const {
    check(p, impl_->d.NP, "place");
    return impl_->R(impl_->d.spend_place_row + p);
}
const double* Evaluator::quintile_value(int q) const {
    check(impl_->plan->people ? q : -1, model::kQuintiles + 1, "income quintile (with people)");
    return impl_->R(impl_->d.quint_row + q);
}
void Evaluator::outcome_weight(int o, double* out) const {
    const Impl& im = *impl_;
    check(im.plan->people ? o : -1, im.O, "outcome (with people)");
    constexpr int NQ = model::kQuintiles;
    const int* slots = &im.d.quint_slot[static_cast<std::size_t>(o * NQ)];
    for (int x = 0; x < im.n; ++x) {
        if (slots[0] < 0) {
            out[x] = 1.0;
            continue;
        }
        double sum = 0.0, weighted = 0.0;
        for (int q = 0; q < NQ; ++q) {
            sum += im.R(slots[q])[x];
            weighted += im.R(im.d.weight_row + q)[x] * im.R(slots[q])[x];
        }
        double equal = 0.0;  // a draw whose shares are all zero splits equally (as split())
        for (int q = 0; q < NQ; ++q) equal += im.R(im.d.weight_row + q)[x] / NQ;
        out[x] = sum > 0.0 ? weighted / sum : equal;
    }
}

bool Evaluator::has_deciles() const { return impl_->plan->deciles; }
const double* Evaluator::decile_value(int j) const {
    check(impl_->plan->deciles ? j : -1, model::kDeciles + 1, "IMD decile (with people.imd_decile)");
    return impl_->R(impl_->d.dec_row + j);
}
const double* Evaluator::quintile_weight(int q) const {
    check(impl_->plan->people ? q : -1, model::kQuintiles, "income quintile (with people)");
    return impl_->R(impl_->d.weight_row + q);
}
const double* Evaluator::eta() const {
    check(impl_->plan->people ? 0 : -1, 1, "eta (with people)");
    return impl_->R(impl_->d.eta_slot);
}
const double* Evaluator::weighted(int k) const {
    check(impl_->plan->people ? k : -1, 3, "weighted metric (with people)");
    return impl_->R(impl_->d.weighted_row + k);
}
void Evaluator::year_breakdown(double* out, std::size_t stride) const {
    const Impl& im = *impl_;
    const int rows =
        im.d.NP + (im.plan->people ? model::kQuintiles + 1 : 0) + (im.plan->deciles ? model::kDeciles + 1 : 0);
    const std::size_t n = static_cast<std::size_t>(im.n);
    for (int r = 0; r < im.H * rows; ++r) std::fill_n(out + static_cast<std::size_t>(r) * stride, n, 0.0);
    std::vector<double> share(static_cast<std::size_t>(rows) * n);
    for (int o = 0; o < im.O; ++o) {
        im.year_shares(o, share.data());  // once per outcome: the shares do not depend on the year
        for (int t = 0; t < im.H; ++t) {
            const double* v = im.value_of(o, t);  // scratch row, read before the next year's value
            for (int j = 0; j < rows; ++j) {
                double* y = out + static_cast<std::size_t>(t * rows + j) * stride;
                const double* s = share.data() + static_cast<std::size_t>(j) * n;
                for (std::size_t x = 0; x < n; ++x) y[x] += v[x] * s[x];
            }
        }
    }
}

const double* Evaluator::lever_value(int l) const {
    check(impl_->G ? l : -1, 3, "lever (with tracking)");
    return impl_->R(impl_->lvalue_row + l);
}
const double* Evaluator::lever_cost(int l) const {
    check(impl_->G ? l : -1, 3, "lever (with tracking)");
    return impl_->R(impl_->lcost_row + l);
}

}  // namespace socval::engine
