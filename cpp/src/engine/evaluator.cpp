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

namespace socval::engine {

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
    int B;      // max block
    int n = 0;  // draws in the last block
    int H = 0, O = 0, I = 0, K = 0, G = 0;
    std::vector<int> group_of_option, group_lever;

    std::vector<Slot> slots;
    std::vector<double> constants;   // rows of B
    std::vector<const double*> ptr;  // slot -> row, resolved per block

    std::vector<OptionOp> option_ops;
    std::vector<OutcomeOp> outcome_ops;

    // Work arrays, rows of B doubles.
    std::vector<double> spend, uplift, net, level, value, cost, invest, benefit, factor, q, qd, gross, sat, zeros;
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

    Impl(const Plan& p, Tracking tr, int max_block) : plan(&p), tracking(tr), B(max_block) {
        if (max_block < 1)
            throw AppraisalError("engine: expected a block of at least 1 draw, found " + std::to_string(max_block));
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
        rows(net, o * h);
        rows(level, o * h);
        rows(value, o * h);
        rows(cost, h);
        rows(invest, h);
        rows(benefit, h);
        rows(factor, o);
        rows(q, o);
        rows(qd, o);
        rows(gross, 1);
        rows(sat, 1);
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

    void resolve(const double* params, std::size_t stride) {
        for (std::size_t s = 0; s < slots.size(); ++s)
            ptr[s] = slots[s].param >= 0 ? params + static_cast<std::size_t>(slots[s].param) * stride
                                         : constant(slots[s].row);
    }

    void run(const double* params, std::size_t stride, int n_draws);
    void costs();
    void outcome_factors();
    void propagate(int t, int o);
    void persist(const OutcomeOp& op, int o, int t, const std::vector<double>& nets, std::vector<double>& levels,
                 std::size_t base);
    void monetise();
    void aggregate();
};

void Evaluator::Impl::run(const double* params, std::size_t stride, int n_draws) {
    if (n_draws < 1 || n_draws > B)
        throw AppraisalError("engine: expected a block of 1.." + std::to_string(B) + " draws, found " +
                             std::to_string(n_draws));
    if (plan->n_params() > 0) {
        if (params == nullptr) throw AppraisalError("engine: expected a parameter block, found none");
        if (stride < static_cast<std::size_t>(n_draws))
            throw AppraisalError("engine: expected a parameter stride >= the block size " + std::to_string(n_draws) +
                                 ", found " + std::to_string(stride));
    }
    n = n_draws;
    resolve(params, stride);
    costs();
    outcome_factors();
    for (int t = 0; t < H; ++t)
        for (int o : plan->order) propagate(t, o);
    monetise();
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
            const double* m = at(op.mitigation);
            try {
                for (int d = 0; d < n; ++d) w[d] = appraisal::optimism_bias_uplift(opt.ob_capital_upper, m[d]);
            } catch (const AppraisalError& e) {
                throw AppraisalError("option " + opt.id + ": " + e.what());
            }
            u = w;
        }
        double* gc = op.group >= 0 ? row(gcost, static_cast<std::size_t>(op.group)) : nullptr;
        const double s = opt.scale;
        for (const auto& c : op.costs) {
            const std::size_t t = static_cast<std::size_t>(c.year);
            const double* k = at(c.capital);
            const double* r = at(c.revenue);
            double* sp = row(spend, static_cast<std::size_t>(i) * H + t);
            double* iv = row(invest, t);
            double* co = row(cost, t);
            for (int d = 0; d < n; ++d) {
                const double pre = s * (k[d] + r[d]);
                const double uplifted = s * (k[d] * (1.0 + u[d]) + r[d]);
                sp[d] += pre;
                iv[d] += pre;
                co[d] += uplifted;
            }
            if (gc) {
                const double f = df[t];
                for (int d = 0; d < n; ++d) gc[d] += f * s * (k[d] * (1.0 + u[d]) + r[d]);
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
            std::copy_n(constant(op.factor_row), n, f);
        } else {
            const double* s[5];
            for (int k = 0; k < 5; ++k) s[k] = at(op.shares[k]);
            try {
                for (int d = 0; d < n; ++d) {
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
        for (int d = 0; d < n; ++d) {
            if (!(drop[d] >= 0.0 && drop[d] <= 1.0))
                throw AppraisalError("outcome " + oc.id + ": drop-off: expected a share in [0, 1], found " +
                                     std::to_string(drop[d]));
            qq[d] = 1.0 - drop[d];
        }
        if (op.needs_qd) {
            double* p = row(qd, static_cast<std::size_t>(o));
            for (int d = 0; d < n; ++d) p[d] = 1.0;
            // q^D by binary exponentiation on the block: log2(D) multiplications per draw, no pow().
            double* b = row(sat, 0);
            std::copy_n(qq, n, b);
            for (unsigned e = static_cast<unsigned>(oc.duration); e; e >>= 1) {
                if (e & 1u)
                    for (int d = 0; d < n; ++d) p[d] *= b[d];
                for (int d = 0; d < n; ++d) b[d] *= b[d];
            }
        }
    }
}

/// Persistence of net delivery as an O(1)-per-year recurrence (docs/model/engine.md):
/// level(t) = q level(t-1) + net(t-L) - q^D net(t-L-D), terms with a negative year being 0.
void Evaluator::Impl::persist(const OutcomeOp& op, int o, int t, const std::vector<double>& nets,
                              std::vector<double>& levels, std::size_t base) {
    const auto& oc = plan->outcomes[static_cast<std::size_t>(o)];
    const double* z = row(zeros, 0);
    const double* prev = t > 0 ? row(levels, base + static_cast<std::size_t>(t - 1)) : z;
    const int ta = t - oc.lag, ts = t - oc.lag - oc.duration;
    const double* add = ta >= 0 ? row(nets, base + static_cast<std::size_t>(ta)) : z;
    const double* qq = row(q, static_cast<std::size_t>(o));
    double* lev = row(levels, base + static_cast<std::size_t>(t));
    if (op.needs_qd && ts >= 0) {
        const double* sub = row(nets, base + static_cast<std::size_t>(ts));
        const double* p = row(qd, static_cast<std::size_t>(o));
        for (int d = 0; d < n; ++d) lev[d] = qq[d] * prev[d] + add[d] - p[d] * sub[d];
    } else {
        for (int d = 0; d < n; ++d) lev[d] = qq[d] * prev[d] + add[d];
    }
}

/// Gross delivery of outcome o in year t (outputs + links), net of additionality, then persisted; and the
/// same for each tracked group (linear links pass each group's level through; a saturating link shares its
/// output in proportion to each group's share of its input).
void Evaluator::Impl::propagate(int t, int o) {
    const auto& op = outcome_ops[static_cast<std::size_t>(o)];
    double* g = row(gross, 0);
    std::fill_n(g, n, 0.0);
    if (G) std::fill(ggross.begin(), ggross.end(), 0.0);
    for (const auto& out : op.outputs) {
        const double* a = at(out.amount);
        double* gg = G ? row(ggross, static_cast<std::size_t>(out.group)) : nullptr;
        if (out.per_pound) {
            const double* sp = row(spend, static_cast<std::size_t>(out.option) * H + static_cast<std::size_t>(t));
            for (int d = 0; d < n; ++d) g[d] += a[d] * sp[d];
            if (gg)
                for (int d = 0; d < n; ++d) gg[d] += a[d] * sp[d];
        } else if (plan->options[static_cast<std::size_t>(out.option)].funded_year[static_cast<std::size_t>(t)]) {
            const double s = out.scale;
            for (int d = 0; d < n; ++d) g[d] += a[d] * s;
            if (gg)
                for (int d = 0; d < n; ++d) gg[d] += a[d] * s;
        }
    }
    for (const auto& l : op.links) {
        const int ts = t - l.lag;
        if (ts < 0) continue;
        const double* x = l.from_option
                              ? row(spend, static_cast<std::size_t>(l.from) * H + static_cast<std::size_t>(ts))
                              : row(level, oy(l.from, ts));
        const double* c = at(l.coefficient);
        if (!l.saturating) {
            for (int d = 0; d < n; ++d) g[d] += c[d] * x[d];
            if (G) {
                if (l.from_option) {
                    double* gg = row(ggross, static_cast<std::size_t>(l.group));
                    for (int d = 0; d < n; ++d) gg[d] += c[d] * x[d];
                } else {
                    for (int k = 0; k < G; ++k) {
                        double* gg = row(ggross, static_cast<std::size_t>(k));
                        const double* xg = row(glevel, goy(k, l.from, ts));
                        for (int d = 0; d < n; ++d) gg[d] += c[d] * xg[d];
                    }
                }
            }
        } else {
            const double* cap = at(l.cap);
            double* y = row(sat, 0);
            for (int d = 0; d < n; ++d) y[d] = cap[d] * -std::expm1(-c[d] * x[d] / cap[d]);
            for (int d = 0; d < n; ++d) g[d] += y[d];
            if (G) {
                if (l.from_option) {
                    double* gg = row(ggross, static_cast<std::size_t>(l.group));
                    for (int d = 0; d < n; ++d) gg[d] += y[d];
                } else {
                    for (int k = 0; k < G; ++k) {
                        double* gg = row(ggross, static_cast<std::size_t>(k));
                        const double* xg = row(glevel, goy(k, l.from, ts));
                        for (int d = 0; d < n; ++d) gg[d] += x[d] != 0.0 ? y[d] * (xg[d] / x[d]) : 0.0;
                    }
                }
            }
        }
    }
    const double* f = row(factor, static_cast<std::size_t>(o));
    double* nt = row(net, oy(o, t));
    for (int d = 0; d < n; ++d) nt[d] = g[d] * f[d];
    persist(op, o, t, net, level, oy(o, 0));
    for (int k = 0; k < G; ++k) {
        const double* gg = row(ggross, static_cast<std::size_t>(k));
        double* gn = row(gnet, goy(k, o, t));
        for (int d = 0; d < n; ++d) gn[d] = gg[d] * f[d];
        persist(op, o, t, gnet, glevel, goy(k, o, 0));
    }
}

/// Value by outcome and year (level x valued units per unit x unit price), benefits by year, PV by outcome
/// (each outcome's schedule), physical totals; the same PV for each tracked group.
void Evaluator::Impl::monetise() {
    std::fill(benefit.begin(), benefit.end(), 0.0);
    for (int o = 0; o < O; ++o) {
        const auto& op = outcome_ops[static_cast<std::size_t>(o)];
        const auto& oc = plan->outcomes[static_cast<std::size_t>(o)];
        const double* pu = at(op.per_unit);
        double* pv = row(opv, static_cast<std::size_t>(o));
        double* tot = row(ototal, static_cast<std::size_t>(o));
        std::fill_n(pv, n, 0.0);
        std::fill_n(tot, n, 0.0);
        for (int t = 0; t < H; ++t) {
            const double* lev = row(level, oy(o, t));
            double* v = row(value, oy(o, t));
            double* b = row(benefit, static_cast<std::size_t>(t));
            const double price = oc.unit_price[static_cast<std::size_t>(t)];
            const double pdf = op.price_df[static_cast<std::size_t>(t)];
            for (int d = 0; d < n; ++d) {
                v[d] = lev[d] * pu[d] * price;
                b[d] += v[d];
                pv[d] += lev[d] * pu[d] * pdf;
                tot[d] += lev[d];
            }
        }
        for (int k = 0; k < G; ++k) {
            double* gpv = row(gopv, go(k, o));
            std::fill_n(gpv, n, 0.0);
            for (int t = 0; t < H; ++t) {
                const double* lev = row(glevel, goy(k, o, t));
                const double pdf = op.price_df[static_cast<std::size_t>(t)];
                for (int d = 0; d < n; ++d) gpv[d] += lev[d] * pdf;
            }
            for (int d = 0; d < n; ++d) gpv[d] *= pu[d];
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
    std::fill_n(pvc, n, 0.0);
    std::fill_n(pvi, n, 0.0);
    std::fill_n(pvb, n, 0.0);
    for (int t = 0; t < H; ++t) {
        const double f = df[static_cast<std::size_t>(t)];
        const double* c = row(cost, static_cast<std::size_t>(t));
        const double* iv = row(invest, static_cast<std::size_t>(t));
        for (int d = 0; d < n; ++d) {
            pvc[d] += f * c[d];
            pvi[d] += f * iv[d];
        }
    }
    std::fill(prio.begin(), prio.end(), 0.0);
    std::fill(pillar.begin(), pillar.end(), 0.0);
    std::fill(benef.begin(), benef.end(), 0.0);
    // Priority shares apply to an outcome's PV; the rest of it is unallocated.
    auto allocate = [&](const OutcomePlan& oc, const double* pv, auto&& to_priority) {
        double* rest = to_priority(K);
        for (int d = 0; d < n; ++d) rest[d] += pv[d];
        for (const auto& [k, share] : oc.shares) {
            double* pk = to_priority(k);
            for (int d = 0; d < n; ++d) {
                pk[d] += share * pv[d];
                rest[d] -= share * pv[d];
            }
        }
    };
    for (int o = 0; o < O; ++o) {
        const auto& oc = p.outcomes[static_cast<std::size_t>(o)];
        const double* pv = row(opv, static_cast<std::size_t>(o));
        for (int d = 0; d < n; ++d) pvb[d] += pv[d];
        double* bf = row(benef, static_cast<std::size_t>(oc.beneficiary));
        for (int d = 0; d < n; ++d) bf[d] += pv[d];
        allocate(oc, pv, [&](int k) { return row(prio, static_cast<std::size_t>(k)); });
        for (int k = 0; k < G; ++k)
            allocate(oc, row(gopv, go(k, o)), [&](int kk) { return row(gprio, gk(k, kk)); });
    }
    for (int k = 0; k <= K; ++k) {
        const int pl = k < K ? static_cast<int>(p.priority_pillars[static_cast<std::size_t>(k)]) : 3;
        double* dst = row(pillar, static_cast<std::size_t>(pl));
        const double* src = row(prio, static_cast<std::size_t>(k));
        for (int d = 0; d < n; ++d) dst[d] += src[d];
    }
    double* npsv = row(head, 3);
    double* bcr = row(head, 4);
    double* sroi = row(head, 5);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (int d = 0; d < n; ++d) {
        npsv[d] = pvb[d] - pvc[d];
        bcr[d] = pvc[d] != 0.0 ? pvb[d] / pvc[d] : nan;
        sroi[d] = pvi[d] != 0.0 ? pvb[d] / pvi[d] : nan;
    }
    if (!G) return;
    std::fill(lvalue.begin(), lvalue.end(), 0.0);
    std::fill(lcost.begin(), lcost.end(), 0.0);
    for (int k = 0; k < G; ++k) {
        double* gv = row(gvalue, static_cast<std::size_t>(k));
        std::fill_n(gv, n, 0.0);
        for (int o = 0; o < O; ++o) {
            const double* gpv = row(gopv, go(k, o));
            for (int d = 0; d < n; ++d) gv[d] += gpv[d];
        }
        double* lv = row(lvalue, static_cast<std::size_t>(group_lever[static_cast<std::size_t>(k)]));
        double* lc = row(lcost, static_cast<std::size_t>(group_lever[static_cast<std::size_t>(k)]));
        const double* gc = row(gcost, static_cast<std::size_t>(k));
        for (int d = 0; d < n; ++d) {
            lv[d] += gv[d];
            lc[d] += gc[d];
        }
    }
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
int Evaluator::max_block() const { return impl_->B; }
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
    return impl_->row(impl_->value, impl_->oy(o, t));
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
    return impl_->row(impl_->benefit, static_cast<std::size_t>(t));
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
