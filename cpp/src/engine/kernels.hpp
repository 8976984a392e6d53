#pragma once
/// Element-wise kernels over the draws of a block. Rows are padded to a multiple of kLanes so that every loop
/// has whole chunks of kLanes independent lanes (no remainder, no aliasing): the compiler vectorises them.
#include <cmath>

namespace socval::engine::kernels {

constexpr int kLanes = 8;

/// Rounds a block size up to whole chunks of lanes.
inline int padded(int n) { return (n + kLanes - 1) / kLanes * kLanes; }

#define SOCVAL_LANES(m) \
    for (int c_ = 0; c_ < (m); c_ += ::socval::engine::kernels::kLanes) \
        for (int d = c_; d < c_ + ::socval::engine::kernels::kLanes; ++d)

/// y = 0
inline void zero(double* __restrict y, int m) { SOCVAL_LANES(m) y[d] = 0.0; }
/// y += a x
inline void add_product(double* __restrict y, const double* __restrict a, const double* __restrict x, int m) {
    SOCVAL_LANES(m) y[d] += a[d] * x[d];
}
/// y += s a
inline void add_scaled(double* __restrict y, double s, const double* __restrict a, int m) {
    SOCVAL_LANES(m) y[d] += s * a[d];
}
/// y += x
inline void add(double* __restrict y, const double* __restrict x, int m) { SOCVAL_LANES(m) y[d] += x[d]; }
/// y = a x
inline void product(double* __restrict y, const double* __restrict a, const double* __restrict x, int m) {
    SOCVAL_LANES(m) y[d] = a[d] * x[d];
}
/// y += x_g / x * s, 0 where x == 0 (a saturating link's output shared in proportion to a group's input)
inline void add_share(double* __restrict y, const double* __restrict s, const double* __restrict xg,
                      const double* __restrict x, int m) {
    SOCVAL_LANES(m) y[d] += x[d] != 0.0 ? s[d] * (xg[d] / x[d]) : 0.0;
}
/// Saturating link: y = cap (1 - exp(-coefficient x / cap)), computed with expm1 for small arguments.
inline void saturate(double* __restrict y, const double* __restrict cap, const double* __restrict coefficient,
                     const double* __restrict x, int m) {
    for (int d = 0; d < m; ++d) y[d] = cap[d] * -std::expm1(-coefficient[d] * x[d] / cap[d]);
}
/// One term of an outcome's gross delivery in one year.
struct Term {
    enum Kind { product, scaled, plain, share } kind;
    const double* a;  ///< product: a x; scaled: s a; plain: a; share: a x2 / x3 (0 where x3 == 0)
    const double* x2;
    const double* x3;
    double s;
};

/// Where one outcome's year goes: the rows a fused step reads and writes.
struct Step {
    const double* factor;  ///< additionality net factor
    const double* q;       ///< 1 - drop-off
    const double* prev;    ///< level in the previous year
    const double* add;     ///< net delivery of year t - lag; nullptr when lag == 0 (this year's net)
    const double* qd;      ///< q^duration; nullptr when no delivery leaves the window this year
    const double* sub;     ///< net delivery of year t - lag - duration
    double* net;           ///< out: net delivery this year
    double* level;         ///< out: level this year
    double* pv;            ///< in/out: PV per valued unit
    double* total;         ///< in/out: physical total; may be nullptr
    double price_df;       ///< unit price x discount factor this year
};

/// Fused year of one outcome for whole chunks of lanes: gross = sum of terms (kept in registers), net = gross x
/// factor, level = q prev + net(t - lag) - q^D net(t - lag - D), pv += level x price_df, total += level.
inline void step(const Term* terms, int n_terms, const Step& s, int m) {
    for (int c = 0; c < m; c += kLanes) {
        double acc[kLanes] = {};
        for (int i = 0; i < n_terms; ++i) {
            const Term& t = terms[i];
            const double* __restrict a = t.a + c;
            switch (t.kind) {
                case Term::product: {
                    const double* __restrict x = t.x2 + c;
                    for (int j = 0; j < kLanes; ++j) acc[j] += a[j] * x[j];
                    break;
                }
                case Term::scaled:
                    for (int j = 0; j < kLanes; ++j) acc[j] += t.s * a[j];
                    break;
                case Term::plain:
                    for (int j = 0; j < kLanes; ++j) acc[j] += a[j];
                    break;
                case Term::share: {
                    const double* __restrict xg = t.x2 + c;
                    const double* __restrict x = t.x3 + c;
                    for (int j = 0; j < kLanes; ++j) acc[j] += x[j] != 0.0 ? a[j] * (xg[j] / x[j]) : 0.0;
                    break;
                }
            }
        }
        double net[kLanes], level[kLanes];
        for (int j = 0; j < kLanes; ++j) net[j] = acc[j] * s.factor[c + j];
        for (int j = 0; j < kLanes; ++j) level[j] = s.q[c + j] * s.prev[c + j] + (s.add ? s.add[c + j] : net[j]);
        if (s.qd)
            for (int j = 0; j < kLanes; ++j) level[j] -= s.qd[c + j] * s.sub[c + j];
        for (int j = 0; j < kLanes; ++j) {
            s.net[c + j] = net[j];
            s.level[c + j] = level[j];
            s.pv[c + j] += level[j] * s.price_df;
        }
        if (s.total)
            for (int j = 0; j < kLanes; ++j) s.total[c + j] += level[j];
    }
}

}  // namespace socval::engine::kernels
