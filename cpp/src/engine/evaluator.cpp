/// Block evaluation (docs/model/engine.md): costs with optimism bias, outputs, propagation along links in lag-0
/// order (lagged links read earlier years), additionality, persistence by an O(1)-per-year recurrence,
/// monetisation and discounting, for n draws at once. Every inner loop runs over the draws of the block.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <socval/appraisal.hpp>
#include <socval/engine/evaluator.hpp>
#include <socval/errors.hpp>

#include "kernels.hpp"

namespace socval::engine {

namespace k = kernels;

namespace {

/// Where a number of the plan comes from in a block: a parameter row or a constant row.
struct Slot {
    int param = -1;  ///< parameter row, or -1
    int row = -1;    ///< constant row index when param < 0
};

struct CostOp {
    int year, capital, revenue;
};

struct OptionOp {
    int mitigation;       ///< slot
    int uplift_row = -1;  ///< constant row of the uplift when the mitigation is fixed
    int group = -1;
    std::vector<CostOp> costs;
};

struct OutputOp {
    int option, amount, group;
    bool per_pound;
    double scale;
};

struct LinkOp {
    bool from_option, saturating;
    int from, lag, coefficient, cap, group;  ///< group: the source option's group (option sources only)
};

struct OutcomeOp {
    int factor_row = -1;  ///< constant row of the additionality factor when all five shares are fixed
    int shares[5] = {};   ///< deadweight, displacement, leakage, substitution, attribution
    int drop_off = -1, per_unit = -1;
    bool needs_qd = false;  ///< the persistence window ends inside the horizon, so q^D is needed
    std::vector<OutputOp> outputs;
    std::vector<LinkOp> links;
    std::vector<double> price_df;  ///< unit price x discount factor, by year
};

}  // namespace

struct Evaluator::Impl {
    const Plan* plan;
    Tracking tracking;
    int max_block;  // largest block accepted
    int B;          // row length: max_block padded to whole chunks of lanes
    int n = 0;      // draws in the last block
    int m = 0;      // n padded to whole chunks of lanes (the lanes every kernel computes)
    int H = 0, O = 0, I = 0, K = 0, G = 0;
    std::vector<int> group_of_option, group_lever;

    std::vector<Slot> slots;
    std::vector<double> constants;   // rows of B
    std::vector<const double*> ptr;  // slot -> row, resolved per block

    std::vector<OptionOp> option_ops;
    std::vector<OutcomeOp> outcome_ops;
    std::vector<k::Term> terms;  // the terms of one outcome-year, rebuilt per step
    std::vector<int> tracked;    // groups propagated; the last non-empty group is derived as total - others
    int derived = -1;            // that group, or -1
    int max_saturating = 0;      // most saturating links into one outcome (temporary rows needed)

    // Work arrays, rows of B doubles.
    std::vector<double> pbuf;  // the parameter block, copied into padded rows
    std::vector<double> spend, uplift, net, level, cost, invest, factor, q, qd, gross, sat, zeros;
    mutable std::vector<double> scratch;  // value() / benefits() on demand
    std::vector<double> gnet, glevel, ggross;
    std::vector<double> head, prio, pillar, benef, opv, ototal;
    std::vector<double> gvalue, gcost, gprio, gopv, lvalue, lcost;

    double* row(std::vector<double>& v, std::size_t i) { return v.data() + i * static_cast<std::size_t>(B); }
    const double* row(const std::vector<double>& v, std::size_t i) const {
        return v.data() + i * static_cast<std::size_t>(B);
    }
    std::size_t oy(int o, int t) const { return static_cast<std::size_t>(o) * H + static_cast<std::size_t>(t); }
    std::size_t goy(int g, int o, int t) const {
        return (static_cast<std::size_t>(g) * O + static_cast<std::size_t>(o)) * H + static_cast<std::size_t>(t);
    }
    std::size_t gk(int g, int k) const { return static_cast<std::size_t>(g) * (K + 1) + static_cast<std::size_t>(k); }
    std::size_t go(int g, int o) const { return static_cast<std::size_t>(g) * O + static_cast<std::size_t>(o); }

    int constant_row(double v) {
        const int r = static_cast<int>(constants.size() / static_cast<std::size_t>(B));
        constants.insert(constants.end(), static_cast<std::size_t>(B), v);
        return r;
    }
    int slot(const Q& x) {
        Slot s;
        if (x.fixed()) s.row = constant_row(x.value);
        else s.param = x.param;
        slots.push_back(s);
        return static_cast<int>(slots.size() - 1);
    }
    const double* at(int s) const { return ptr[static_cast<std::size_t>(s)]; }
    const double* constant(int r) const { return constants.data() + static_cast<std::size_t>(r) * B; }

    Impl(const Plan& p, Tracking tr, int max_block_)
        : plan(&p), tracking(tr), max_block(max_block_), B(k::padded(max_block_)) {
        if (max_block_ < 1)
            throw AppraisalError("engine: expected a block of at least 1 draw, found " + std::to_string(max_block_));
        H = p.horizon;
        O = static_cast<int>(p.outcomes.size());
        I = static_cast<int>(p.options.size());
        K = static_cast<int>(p.priority_ids.size());
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
        build_ops();
        allocate();
    }

    void build_ops() {
        const auto& p = *plan;
        for (std::size_t i = 0; i < p.options.size(); ++i) {
            const auto& opt = p.options[i];
            OptionOp op;
            op.mitigation = slot(opt.mitigation);
            if (opt.mitigation.fixed())
                op.uplift_row = constant_row(appraisal::optimism_bias_uplift(opt.ob_capital_upper, opt.mitigation.value));
            op.group = group_of_option[i];
            for (const auto& c : opt.costs) op.costs.push_back({c.year, slot(c.capital), slot(c.revenue)});
            option_ops.push_back(std::move(op));
        }
        for (const auto& o : p.outcomes) {
            OutcomeOp op;
            const Q* sh[5] = {&o.deadweight, &o.displacement, &o.leakage, &o.substitution, &o.attribution};
            bool all_fixed = true;
            for (int k = 0; k < 5; ++k) {
                op.shares[k] = slot(*sh[k]);
                all_fixed = all_fixed && sh[k]->fixed();
            }
            if (all_fixed) {
                appraisal::Additionality a{o.deadweight.value, o.displacement.value, o.leakage.value,
                                           o.substitution.value, o.attribution.value};
                try {
                    a.validate();
                } catch (const AppraisalError& e) {
                    throw ScenarioError("outcome " + o.id + ": " + e.what());
                }
                op.factor_row = constant_row(a.net_factor());
            }
            op.drop_off = slot(o.drop_off);
            op.per_unit = slot(o.per_unit);
            op.needs_qd = o.lag + o.duration < H;
            for (const auto& out : o.outputs)
                op.outputs.push_back({out.option, slot(out.amount),
                                      group_of_option[static_cast<std::size_t>(out.option)], out.per_pound,
                                      p.options[static_cast<std::size_t>(out.option)].scale});
            max_saturating = std::max(max_saturating, static_cast<int>(std::count_if(
                                                          o.links.begin(), o.links.end(),
                                                          [](const LinkPlan& l) { return l.saturating; })));
            for (const auto& l : o.links)
                op.links.push_back({l.from_option, l.saturating, l.from, l.lag, slot(l.coefficient),
                                    l.saturating ? slot(l.cap) : -1,
                                    l.from_option ? group_of_option[static_cast<std::size_t>(l.from)] : -1});
            const auto& df = p.discount[static_cast<std::size_t>(o.schedule)];
            for (int t = 0; t < H; ++t)
                op.price_df.push_back(o.unit_price[static_cast<std::size_t>(t)] * df[static_cast<std::size_t>(t)]);
            outcome_ops.push_back(std::move(op));
        }
        ptr.resize(slots.size());
    }

    void allocate() {
        auto rows = [&](std::vector<double>& v, std::size_t r) { v.assign(r * static_cast<std::size_t>(B), 0.0); };
        const std::size_t h = static_cast<std::size_t>(H), o = static_cast<std::size_t>(O),
                          i = static_cast<std::size_t>(I), g = static_cast<std::size_t>(G),
                          k = static_cast<std::size_t>(K) + 1;
        rows(spend, i * h);
        rows(uplift, 1);
        rows(pbuf, static_cast<std::size_t>(plan->n_params()));
        rows(net, o * h);
        rows(level, o * h);
        rows(cost, h);
        rows(invest, h);
        rows(scratch, 1);
        rows(factor, o);
        rows(q, o);
        rows(qd, o);
        rows(gross, 1);
        rows(sat, static_cast<std::size_t>(std::max(1, max_saturating)));
        rows(zeros, 1);
        rows(gnet, g * o * h);
        rows(glevel, g * o * h);
        rows(ggross, g);
        rows(head, 6);
        rows(prio, k);
        rows(pillar, 4);
        rows(benef, 3);
        rows(opv, o);
        rows(ototal, o);
        rows(gvalue, g);
        rows(gcost, g);
        rows(gprio, g * k);
        rows(gopv, g * o);
        rows(lvalue, g ? 3 : 0);
        rows(lcost, g ? 3 : 0);
    }

    /// Copies the parameter block into padded rows (spare lanes repeat draw 0, so they stay valid numbers)
    /// and points every slot at its row.
    void resolve(const double* params, std::size_t stride) {
        for (int p = 0; p < plan->n_params(); ++p) {
            const double* src = params + static_cast<std::size_t>(p) * stride;
            double* dst = row(pbuf, static_cast<std::size_t>(p));
            std::copy_n(src, n, dst);
            std::fill(dst + n, dst + m, src[0]);
        }
        for (std::size_t s = 0; s < slots.size(); ++s)
            ptr[s] = slots[s].param >= 0 ? row(pbuf, static_cast<std::size_t>(slots[s].param))
                                         : constant(slots[s].row);
    }

    void run(const double* params, std::size_t stride, int n_draws);
    void costs();
    void outcome_factors();
    void propagate(int t, int o);
    k::Step step_rows(int o, int t, std::vector<double>& nets, std::vector<double>& levels, std::size_t base,
                      double* pv, double* total);
    void finish_monetise();
    void aggregate();
    const double* value_of(int o, int t) const;
    const double* benefits_of(int t) const;
};

void Evaluator::Impl::run(const double* params, std::size_t stride, int n_draws) {
    if (n_draws < 1 || n_draws > max_block)
        throw AppraisalError("engine: expected a block of 1.." + std::to_string(max_block) + " draws, found " +
                             std::to_string(n_draws));
    if (plan->n_params() > 0) {
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
    std::fill(opv.begin(), opv.end(), 0.0);
    std::fill(ototal.begin(), ototal.end(), 0.0);
    std::fill(gopv.begin(), gopv.end(), 0.0);
    for (int t = 0; t < H; ++t)
        for (int o : plan->order) propagate(t, o);
    finish_monetise();
    aggregate();
}

/// Pre-uplift spend by option and year (the level of an option as a link source, and the base of per-pound
/// outputs); costs with the optimism bias uplift on capital; costs by group.
void Evaluator::Impl::costs() {
    std::fill(cost.begin(), cost.end(), 0.0);
    std::fill(invest.begin(), invest.end(), 0.0);
    std::fill(spend.begin(), spend.end(), 0.0);
    std::fill(gcost.begin(), gcost.end(), 0.0);
    const auto& df = plan->discount[static_cast<std::size_t>(plan->cost_schedule)];
    for (int i = 0; i < I; ++i) {
        const auto& opt = plan->options[static_cast<std::size_t>(i)];
        const auto& op = option_ops[static_cast<std::size_t>(i)];
        const double* u;
        if (op.uplift_row >= 0) {
            u = constant(op.uplift_row);
        } else {
            double* w = row(uplift, 0);
            const double* mit = at(op.mitigation);
            try {
                for (int d = 0; d < m; ++d) w[d] = appraisal::optimism_bias_uplift(opt.ob_capital_upper, mit[d]);
            } catch (const AppraisalError& e) {
                throw AppraisalError("option " + opt.id + ": " + e.what());
            }
            u = w;
        }
        double* gc = op.group >= 0 ? row(gcost, static_cast<std::size_t>(op.group)) : nullptr;
        const double s = opt.scale;
        for (const auto& c : op.costs) {
            const std::size_t t = static_cast<std::size_t>(c.year);
            const double* __restrict cap = at(c.capital);
            const double* __restrict rev = at(c.revenue);
            double* __restrict sp = row(spend, static_cast<std::size_t>(i) * H + t);
            double* __restrict iv = row(invest, t);
            double* __restrict co = row(cost, t);
            SOCVAL_LANES(m) {
                const double pre = s * (cap[d] + rev[d]);
                sp[d] += pre;
                iv[d] += pre;
                co[d] += s * (cap[d] * (1.0 + u[d]) + rev[d]);
            }
            if (gc) {
                const double f = df[t];
                for (int d = 0; d < m; ++d) gc[d] += f * s * (cap[d] * (1.0 + u[d]) + rev[d]);
            }
        }
    }
}

/// Per outcome: the additionality net factor, q = 1 - drop-off, and q^duration (by squaring, so no pow per draw).
void Evaluator::Impl::outcome_factors() {
    for (int o = 0; o < O; ++o) {
        const auto& op = outcome_ops[static_cast<std::size_t>(o)];
        const auto& oc = plan->outcomes[static_cast<std::size_t>(o)];
        double* f = row(factor, static_cast<std::size_t>(o));
        if (op.factor_row >= 0) {
            std::copy_n(constant(op.factor_row), m, f);
        } else {
            const double* s[5];
            for (int j = 0; j < 5; ++j) s[j] = at(op.shares[j]);
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
        const double* drop = at(op.drop_off);
        double* qq = row(q, static_cast<std::size_t>(o));
        for (int d = 0; d < m; ++d) {
            if (!(drop[d] >= 0.0 && drop[d] <= 1.0))
                throw AppraisalError("outcome " + oc.id + ": drop-off: expected a share in [0, 1], found " +
                                     std::to_string(drop[d]));
            qq[d] = 1.0 - drop[d];
        }
        if (op.needs_qd) {
            // q^D by binary exponentiation on the block: log2(D) multiplications per draw, no pow().
            double* __restrict p = row(qd, static_cast<std::size_t>(o));
            double* __restrict b = row(sat, 0);
            std::fill_n(p, m, 1.0);
            std::copy_n(qq, m, b);
            for (unsigned e = static_cast<unsigned>(oc.duration); e; e >>= 1) {
                if (e & 1u) SOCVAL_LANES(m) p[d] *= b[d];
                SOCVAL_LANES(m) b[d] *= b[d];
            }
        }
    }
}

/// The rows of the persistence recurrence for outcome o in year t (docs/model/engine.md):
/// level(t) = q level(t-1) + net(t-L) - q^D net(t-L-D), terms with a negative year being 0.
k::Step Evaluator::Impl::step_rows(int o, int t, std::vector<double>& nets, std::vector<double>& levels,
                                   std::size_t base, double* pv, double* total) {
    const auto& oc = plan->outcomes[static_cast<std::size_t>(o)];
    const auto& op = outcome_ops[static_cast<std::size_t>(o)];
    const double* z = row(zeros, 0);
    const int ta = t - oc.lag, ts = t - oc.lag - oc.duration;
    k::Step s;
    s.factor = row(factor, static_cast<std::size_t>(o));
    s.q = row(q, static_cast<std::size_t>(o));
    s.prev = t > 0 ? row(levels, base + static_cast<std::size_t>(t - 1)) : z;
    s.add = oc.lag == 0 ? nullptr : ta >= 0 ? row(nets, base + static_cast<std::size_t>(ta)) : z;
    s.qd = op.needs_qd && ts >= 0 ? row(qd, static_cast<std::size_t>(o)) : nullptr;
    s.sub = s.qd ? row(nets, base + static_cast<std::size_t>(ts)) : nullptr;
    s.net = row(nets, base + static_cast<std::size_t>(t));
    s.level = row(levels, base + static_cast<std::size_t>(t));
    s.pv = pv;
    s.total = total;
    s.price_df = op.price_df[static_cast<std::size_t>(t)];
    return s;
}

/// Outcome o in year t: gross delivery (outputs + links), net of additionality, persisted, valued and discounted,
/// in one fused pass; then the same for each tracked group (linear links pass each group's level through; a
/// saturating link shares its output in proportion to each group's share of its input).
void Evaluator::Impl::propagate(int t, int o) {
    const auto& op = outcome_ops[static_cast<std::size_t>(o)];
    terms.clear();
    int n_sat = 0;
    for (const auto& out : op.outputs) {
        const double* a = at(out.amount);
        if (out.per_pound)
            terms.push_back({k::Term::product, a,
                             row(spend, static_cast<std::size_t>(out.option) * H + static_cast<std::size_t>(t)),
                             nullptr, 0.0});
        else if (plan->options[static_cast<std::size_t>(out.option)].funded_year[static_cast<std::size_t>(t)])
            terms.push_back({k::Term::scaled, a, nullptr, nullptr, out.scale});
    }
    for (const auto& l : op.links) {
        const int ts = t - l.lag;
        if (ts < 0) continue;
        const double* x = l.from_option
                              ? row(spend, static_cast<std::size_t>(l.from) * H + static_cast<std::size_t>(ts))
                              : row(level, oy(l.from, ts));
        if (l.saturating) {
            double* y = row(sat, static_cast<std::size_t>(n_sat++));
            k::saturate(y, at(l.cap), at(l.coefficient), x, m);
            terms.push_back({k::Term::plain, y, nullptr, nullptr, 0.0});
        } else {
            terms.push_back({k::Term::product, at(l.coefficient), x, nullptr, 0.0});
        }
    }
    k::step(terms.data(), static_cast<int>(terms.size()), step_rows(o, t, net, level, oy(o, 0),
            row(opv, static_cast<std::size_t>(o)), row(ototal, static_cast<std::size_t>(o))), m);

    for (int j : tracked) {
        // The group's terms: its own options' outputs and option links, and its share of outcome links.
        terms.clear();
        for (const auto& out : op.outputs) {
            if (out.group != j) continue;
            const double* a = at(out.amount);
            if (out.per_pound)
                terms.push_back({k::Term::product, a,
                                 row(spend, static_cast<std::size_t>(out.option) * H + static_cast<std::size_t>(t)),
                                 nullptr, 0.0});
            else if (plan->options[static_cast<std::size_t>(out.option)].funded_year[static_cast<std::size_t>(t)])
                terms.push_back({k::Term::scaled, a, nullptr, nullptr, out.scale});
        }
        int i_sat = 0;
        for (const auto& l : op.links) {
            const int ts = t - l.lag;
            if (ts < 0) continue;
            const double* y = l.saturating ? row(sat, static_cast<std::size_t>(i_sat++)) : nullptr;
            if (l.from_option) {
                if (l.group != j) continue;
                const double* x = row(spend, static_cast<std::size_t>(l.from) * H + static_cast<std::size_t>(ts));
                if (y) terms.push_back({k::Term::plain, y, nullptr, nullptr, 0.0});
                else terms.push_back({k::Term::product, at(l.coefficient), x, nullptr, 0.0});
            } else {
                const double* xg = row(glevel, goy(j, l.from, ts));
                if (y) terms.push_back({k::Term::share, y, xg, row(level, oy(l.from, ts)), 0.0});
                else terms.push_back({k::Term::product, at(l.coefficient), xg, nullptr, 0.0});
            }
        }
        k::step(terms.data(), static_cast<int>(terms.size()),
                step_rows(o, t, gnet, glevel, goy(j, o, 0), row(gopv, go(j, o)), nullptr), m);
    }
}

/// PV by outcome (and by group) were accumulated per valued unit during propagation: multiply by the valued
/// units per unit of outcome.
void Evaluator::Impl::finish_monetise() {
    for (int o = 0; o < O; ++o) {
        const double* __restrict pu = at(outcome_ops[static_cast<std::size_t>(o)].per_unit);
        double* __restrict pv = row(opv, static_cast<std::size_t>(o));
        SOCVAL_LANES(m) pv[d] *= pu[d];
        for (int j : tracked) {
            double* __restrict gpv = row(gopv, go(j, o));
            SOCVAL_LANES(m) gpv[d] *= pu[d];
        }
        if (derived >= 0) {
            double* __restrict rest = row(gopv, go(derived, o));
            std::copy_n(pv, m, rest);
            for (int j : tracked) {
                const double* __restrict gpv = row(gopv, go(j, o));
                SOCVAL_LANES(m) rest[d] -= gpv[d];
            }
        }
    }
}

/// Headline metrics, value by priority / pillar / beneficiary, and by group and lever.
void Evaluator::Impl::aggregate() {
    const auto& p = *plan;
    const auto& df = p.discount[static_cast<std::size_t>(p.cost_schedule)];
    double* pvc = row(head, 0);
    double* pvi = row(head, 1);
    double* pvb = row(head, 2);
    k::zero(pvc, m);
    k::zero(pvi, m);
    k::zero(pvb, m);
    for (int t = 0; t < H; ++t) {
        const double f = df[static_cast<std::size_t>(t)];
        k::add_scaled(pvc, f, row(cost, static_cast<std::size_t>(t)), m);
        k::add_scaled(pvi, f, row(invest, static_cast<std::size_t>(t)), m);
    }
    std::fill(prio.begin(), prio.end(), 0.0);
    std::fill(gprio.begin(), gprio.end(), 0.0);
    std::fill(pillar.begin(), pillar.end(), 0.0);
    std::fill(benef.begin(), benef.end(), 0.0);
    // Priority shares apply to an outcome's PV; the rest of it is unallocated.
    auto allocate = [&](const OutcomePlan& oc, const double* pv, auto&& to_priority) {
        double* rest = to_priority(K);
        k::add(rest, pv, m);
        for (const auto& [kk, share] : oc.shares) {
            k::add_scaled(to_priority(kk), share, pv, m);
            k::add_scaled(rest, -share, pv, m);
        }
    };
    for (int o = 0; o < O; ++o) {
        const auto& oc = p.outcomes[static_cast<std::size_t>(o)];
        const double* pv = row(opv, static_cast<std::size_t>(o));
        k::add(pvb, pv, m);
        k::add(row(benef, static_cast<std::size_t>(oc.beneficiary)), pv, m);
        allocate(oc, pv, [&](int kk) { return row(prio, static_cast<std::size_t>(kk)); });
        for (int j = 0; j < G; ++j)
            allocate(oc, row(gopv, go(j, o)), [&](int kk) { return row(gprio, gk(j, kk)); });
    }
    for (int kk = 0; kk <= K; ++kk) {
        const int pl = kk < K ? static_cast<int>(p.priority_pillars[static_cast<std::size_t>(kk)]) : 3;
        k::add(row(pillar, static_cast<std::size_t>(pl)), row(prio, static_cast<std::size_t>(kk)), m);
    }
    double* npsv = row(head, 3);
    double* bcr = row(head, 4);
    double* sroi = row(head, 5);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (int d = 0; d < m; ++d) {
        npsv[d] = pvb[d] - pvc[d];
        bcr[d] = pvc[d] != 0.0 ? pvb[d] / pvc[d] : nan;
        sroi[d] = pvi[d] != 0.0 ? pvb[d] / pvi[d] : nan;
    }
    if (!G) return;
    std::fill(lvalue.begin(), lvalue.end(), 0.0);
    std::fill(lcost.begin(), lcost.end(), 0.0);
    for (int j = 0; j < G; ++j) {
        double* gv = row(gvalue, static_cast<std::size_t>(j));
        k::zero(gv, m);
        for (int o = 0; o < O; ++o) k::add(gv, row(gopv, go(j, o)), m);
        const auto lever = static_cast<std::size_t>(group_lever[static_cast<std::size_t>(j)]);
        k::add(row(lvalue, lever), gv, m);
        k::add(row(lcost, lever), row(gcost, static_cast<std::size_t>(j)), m);
    }
}

/// Value of outcome o in year t: level x valued units per unit x unit price.
const double* Evaluator::Impl::value_of(int o, int t) const {
    const double* lev = row(level, oy(o, t));
    const double* pu = at(outcome_ops[static_cast<std::size_t>(o)].per_unit);
    const double price = plan->outcomes[static_cast<std::size_t>(o)].unit_price[static_cast<std::size_t>(t)];
    double* v = scratch.data();
    for (int d = 0; d < m; ++d) v[d] = lev[d] * pu[d] * price;
    return v;
}

/// Benefits in year t: the sum of outcome values.
const double* Evaluator::Impl::benefits_of(int t) const {
    double* v = scratch.data();
    std::fill_n(v, m, 0.0);
    for (int o = 0; o < O; ++o) {
        const double* lev = row(level, oy(o, t));
        const double* pu = at(outcome_ops[static_cast<std::size_t>(o)].per_unit);
        const double price = plan->outcomes[static_cast<std::size_t>(o)].unit_price[static_cast<std::size_t>(t)];
        for (int d = 0; d < m; ++d) v[d] += lev[d] * pu[d] * price;
    }
    return v;
}

// ---- public interface ----

Evaluator::Evaluator(const Plan& plan, Tracking tracking, int max_block)
    : impl_(std::make_unique<Impl>(plan, tracking, max_block)) {}
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

const double* Evaluator::pv_costs() const { return impl_->row(impl_->head, 0); }
const double* Evaluator::pv_investment() const { return impl_->row(impl_->head, 1); }
const double* Evaluator::pv_benefits() const { return impl_->row(impl_->head, 2); }
const double* Evaluator::npsv() const { return impl_->row(impl_->head, 3); }
const double* Evaluator::bcr() const { return impl_->row(impl_->head, 4); }
const double* Evaluator::sroi() const { return impl_->row(impl_->head, 5); }
const double* Evaluator::priority_value(int k) const {
    check(k, impl_->K + 1, "priority");
    return impl_->row(impl_->prio, static_cast<std::size_t>(k));
}
const double* Evaluator::pillar_value(int p) const {
    check(p, 4, "pillar");
    return impl_->row(impl_->pillar, static_cast<std::size_t>(p));
}
const double* Evaluator::beneficiary_value(int b) const {
    check(b, 3, "beneficiary");
    return impl_->row(impl_->benef, static_cast<std::size_t>(b));
}
const double* Evaluator::outcome_pv(int o) const {
    check(o, impl_->O, "outcome");
    return impl_->row(impl_->opv, static_cast<std::size_t>(o));
}
const double* Evaluator::outcome_total(int o) const {
    check(o, impl_->O, "outcome");
    return impl_->row(impl_->ototal, static_cast<std::size_t>(o));
}
const double* Evaluator::level(int o, int t) const {
    check(o, impl_->O, "outcome");
    check(t, impl_->H, "year");
    return impl_->row(impl_->level, impl_->oy(o, t));
}
const double* Evaluator::value(int o, int t) const {
    check(o, impl_->O, "outcome");
    check(t, impl_->H, "year");
    return impl_->value_of(o, t);
}
const double* Evaluator::cost(int t) const {
    check(t, impl_->H, "year");
    return impl_->row(impl_->cost, static_cast<std::size_t>(t));
}
const double* Evaluator::investment(int t) const {
    check(t, impl_->H, "year");
    return impl_->row(impl_->invest, static_cast<std::size_t>(t));
}
const double* Evaluator::benefits(int t) const {
    check(t, impl_->H, "year");
    return impl_->benefits_of(t);
}
int Evaluator::group_of_option(int i) const {
    check(i, impl_->I, "option");
    return impl_->group_of_option[static_cast<std::size_t>(i)];
}
const double* Evaluator::group_value(int g) const {
    check(g, impl_->G, "group");
    return impl_->row(impl_->gvalue, static_cast<std::size_t>(g));
}
const double* Evaluator::group_cost(int g) const {
    check(g, impl_->G, "group");
    return impl_->row(impl_->gcost, static_cast<std::size_t>(g));
}
const double* Evaluator::group_priority_value(int g, int k) const {
    check(g, impl_->G, "group");
    check(k, impl_->K + 1, "priority");
    return impl_->row(impl_->gprio, impl_->gk(g, k));
}
const double* Evaluator::group_outcome_pv(int g, int o) const {
    check(g, impl_->G, "group");
    check(o, impl_->O, "outcome");
    return impl_->row(impl_->gopv, impl_->go(g, o));
}
const double* Evaluator::lever_value(int l) const {
    check(impl_->G ? l : -1, 3, "lever (with tracking)");
    return impl_->row(impl_->lvalue, static_cast<std::size_t>(l));
}
const double* Evaluator::lever_cost(int l) const {
    check(impl_->G ? l : -1, 3, "lever (with tracking)");
    return impl_->row(impl_->lcost, static_cast<std::size_t>(l));
}

}  // namespace socval::engine
