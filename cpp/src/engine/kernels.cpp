/// The hot kernels of the block evaluator, compiled for AVX2 and for baseline x86-64 (GCC function
/// multi-versioning picks one when the library loads). FMA is not enabled in either, so the two versions compute
/// bit-identical results: evaluation does not depend on the machine's vector width.
#include "kernels.hpp"

#include <cstring>

#define SOCVAL_KERNEL SOCVAL_CLONES

namespace socval::engine::kernels {

/// y = -cap expm1(-coefficient x / cap) for coefficient x >= 0, and its mirror image -f(-x) below 0 (a negative
/// input reduces the outcome by at most the cap, as a positive one raises it by at most the cap), kLanes at a time.
SOCVAL_KERNEL void saturate(double* y, const double* cap, const double* coefficient, const double* x, int m) {
    Lanes cp, c, xx, z;
    for (int i = 0; i < m; i += kLanes) {
        SOCVAL_LOAD(cp, cap + i);
        SOCVAL_LOAD(c, coefficient + i);
        SOCVAL_LOAD(xx, x + i);
        z = -(c * xx) / cp;
        const LanesI negative = z > 0.0;  // coefficient x < 0
        z = negative ? -z : z;
        expm1_lanes(z);
        z = -cp * z;
        z = negative ? -z : z;
        SOCVAL_STORE(y + i, z);
    }
}

namespace {

/// The fused step with its shape fixed at compile time: NT terms (NT < 0: st.n_terms), a lagged net delivery
/// (ADD), a delivery leaving the window (QD). Inlined into each clone below.
template <int NT, bool ADD, bool QD>
__attribute__((always_inline)) inline void step_shape(const Step& st, int m) {
    const int nt = NT < 0 ? st.n_terms : NT;
    // Local copies: stores through memcpy may alias anything, so fields of `st` would be reloaded per chunk.
    const double* const* __restrict ta = st.a;
    const double* const* __restrict tx = st.x;
    const double* a0 = nt > 0 ? ta[0] : nullptr;
    const double* x0 = nt > 0 ? tx[0] : nullptr;
    const double* a1 = nt > 1 ? ta[1] : nullptr;
    const double* x1 = nt > 1 ? tx[1] : nullptr;
    const double* a2 = nt > 2 ? ta[2] : nullptr;
    const double* x2 = nt > 2 ? tx[2] : nullptr;
    const double* __restrict factor = st.factor;
    const double* __restrict qrow = st.q;
    const double* __restrict prevrow = st.prev;
    const double* __restrict addrow = st.add;
    const double* __restrict qdrow = st.qd;
    const double* __restrict subrow = st.sub;
    double* __restrict netrow = st.net;
    double* __restrict levelrow = st.level;
    Lanes a, x, f, q, prev, add, acc, net, level;
    if constexpr (NT < 0) {
        // Many terms: gross delivery summed term by term in the net row (each term one pass over the lanes, the
        // same additions in the same order per lane), then the step reads it back.
        for (int c = 0; c < m; c += kLanes) {
            acc = Lanes{};
            SOCVAL_STORE(netrow + c, acc);
        }
        for (int i = 0; i < nt; ++i) {
            const double* __restrict ai = ta[i];
            const double* __restrict xi = tx[i];
            for (int c = 0; c < m; c += kLanes) {
                SOCVAL_LOAD(acc, netrow + c);
                SOCVAL_LOAD(a, ai + c);
                SOCVAL_LOAD(x, xi + c);
                acc += a * x;
                SOCVAL_STORE(netrow + c, acc);
            }
        }
    }
    for (int c = 0; c < m; c += kLanes) {
        acc = Lanes{};
        if constexpr (NT < 0) {
            SOCVAL_LOAD(acc, netrow + c);
        } else {
            if constexpr (NT > 0) {
                SOCVAL_LOAD(a, a0 + c);
                SOCVAL_LOAD(x, x0 + c);
                acc += a * x;
            }
            if constexpr (NT > 1) {
                SOCVAL_LOAD(a, a1 + c);
                SOCVAL_LOAD(x, x1 + c);
                acc += a * x;
            }
            if constexpr (NT > 2) {
                SOCVAL_LOAD(a, a2 + c);
                SOCVAL_LOAD(x, x2 + c);
                acc += a * x;
            }
        }
        SOCVAL_LOAD(f, factor + c);
        net = acc * f;
        SOCVAL_LOAD(q, qrow + c);
        SOCVAL_LOAD(prev, prevrow + c);
        if constexpr (ADD) SOCVAL_LOAD(add, addrow + c);
        else add = net;
        level = q * prev + add;
        if constexpr (QD) {
            SOCVAL_LOAD(a, qdrow + c);
            SOCVAL_LOAD(x, subrow + c);
            level -= a * x;
        }
        SOCVAL_STORE(netrow + c, net);
        SOCVAL_STORE(levelrow + c, level);
    }
}

/// The step for a whole part of kPartLanes draws, the terms outer and the lanes inner: the part's gross
/// delivery stays in registers (8 vectors of 8 lanes with AVX-512) whatever the number of terms. Each lane adds
/// the same products in the same order as step_shape.
constexpr int kPartLanes = 64;
constexpr int kChunks = kPartLanes / kLanes;

static_assert(kChunks == 8, "step_part and adjoint_part name their 8 accumulators");

/// The 8 accumulators of a part as named variables: an array of them was kept on the stack and zeroed there with
/// `rep stos` (about 8% of the step's time), named ones live in registers.
#define SOCVAL_EACH_CHUNK(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

/// acc_k += a x over the terms of a step, chunk by chunk (each lane adds the terms in order).
#define SOCVAL_ADD_TERMS(st)                                        \
    for (int i = 0; i < (st).n_terms; ++i) {                        \
        const double* __restrict ai = (st).a[i];                    \
        const double* __restrict xi = (st).x[i];                    \
        SOCVAL_EACH_CHUNK(SOCVAL_ADD_TERM)                          \
    }
#define SOCVAL_ADD_TERM(k)              \
    SOCVAL_LOAD(a, ai + (k) * kLanes);  \
    SOCVAL_LOAD(x, xi + (k) * kLanes);  \
    acc##k += a * x;

template <bool ADD, bool QD>
__attribute__((always_inline)) inline void step_part(const Step& st) {
    Lanes a, x, f, q, prev, add, net, level;
    Lanes acc0 = Lanes{}, acc1 = Lanes{}, acc2 = Lanes{}, acc3 = Lanes{}, acc4 = Lanes{}, acc5 = Lanes{},
          acc6 = Lanes{}, acc7 = Lanes{};
    SOCVAL_ADD_TERMS(st)
    const Lanes acc[kChunks] = {acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7};
    const double* __restrict factor = st.factor;
    const double* __restrict qrow = st.q;
    const double* __restrict prevrow = st.prev;
    const double* __restrict addrow = st.add;
    const double* __restrict qdrow = st.qd;
    const double* __restrict subrow = st.sub;
    double* __restrict netrow = st.net;
    double* __restrict levelrow = st.level;
    for (int k = 0; k < kChunks; ++k) {
        const int c = k * kLanes;
        SOCVAL_LOAD(f, factor + c);
        net = acc[k] * f;
        SOCVAL_LOAD(q, qrow + c);
        SOCVAL_LOAD(prev, prevrow + c);
        if constexpr (ADD) SOCVAL_LOAD(add, addrow + c);
        else add = net;
        level = q * prev + add;
        if constexpr (QD) {
            SOCVAL_LOAD(a, qdrow + c);
            SOCVAL_LOAD(x, subrow + c);
            level -= a * x;
        }
        SOCVAL_STORE(netrow + c, net);
        SOCVAL_STORE(levelrow + c, level);
    }
}

template <bool ADD, bool QD>
__attribute__((always_inline)) inline void step_terms(const Step& st, int m) {
    if (m == kPartLanes) {
        step_part<ADD, QD>(st);
        return;
    }
    switch (st.n_terms) {
        case 0: step_shape<0, ADD, QD>(st, m); break;
        case 1: step_shape<1, ADD, QD>(st, m); break;
        case 2: step_shape<2, ADD, QD>(st, m); break;
        case 3: step_shape<3, ADD, QD>(st, m); break;
        default: step_shape<-1, ADD, QD>(st, m); break;
    }
}

}  // namespace

SOCVAL_KERNEL void step(const Step& st, int m) {
    switch ((st.add ? 2 : 0) | (st.qd ? 1 : 0)) {
        case 0: step_terms<false, false>(st, m); break;
        case 1: step_terms<false, true>(st, m); break;
        case 2: step_terms<true, false>(st, m); break;
        default: step_terms<true, true>(st, m); break;
    }
}

namespace {

template <int NT, bool ADD, bool QD>
__attribute__((always_inline)) inline void adjoint_shape(const Adjoint& st, int m) {
    const int nt = NT < 0 ? st.n_terms : NT;
    const double* const* __restrict ta = st.a;
    const double* const* __restrict tx = st.x;
    const double* a0 = nt > 0 ? ta[0] : nullptr;
    const double* x0 = nt > 0 ? tx[0] : nullptr;
    const double* a1 = nt > 1 ? ta[1] : nullptr;
    const double* x1 = nt > 1 ? tx[1] : nullptr;
    const double* a2 = nt > 2 ? ta[2] : nullptr;
    const double* x2 = nt > 2 ? tx[2] : nullptr;
    const double* __restrict pu = st.pu;
    const double* __restrict factor = st.factor;
    const double* __restrict qrow = st.q;
    const double* __restrict prevrow = st.prev;
    const double* __restrict addrow = st.add;
    const double* __restrict qdrow = st.qd;
    const double* __restrict subrow = st.sub;
    double* __restrict murow = st.mu;
    double* __restrict nurow = st.nu;
    double* __restrict lambdarow = st.lambda;
    const double pdf = st.price_df;
    Lanes a, x, f, q, prev, add, acc, nu;
    if constexpr (NT < 0) {
        // Many terms (an outcome read by many links): mu summed term by term in its row, then read back.
        for (int c = 0; c < m; c += kLanes) {
            SOCVAL_LOAD(a, pu + c);
            acc = a * pdf;
            SOCVAL_STORE(murow + c, acc);
        }
        for (int i = 0; i < nt; ++i) {
            const double* __restrict ai = ta[i];
            const double* __restrict xi = tx[i];
            for (int c = 0; c < m; c += kLanes) {
                SOCVAL_LOAD(acc, murow + c);
                SOCVAL_LOAD(a, ai + c);
                SOCVAL_LOAD(x, xi + c);
                acc += a * x;
                SOCVAL_STORE(murow + c, acc);
            }
        }
    }
    for (int c = 0; c < m; c += kLanes) {
        if constexpr (NT < 0) {
            SOCVAL_LOAD(acc, murow + c);
        } else {
            SOCVAL_LOAD(a, pu + c);
            acc = a * pdf;
            if constexpr (NT > 0) {
                SOCVAL_LOAD(a, a0 + c);
                SOCVAL_LOAD(x, x0 + c);
                acc += a * x;
            }
            if constexpr (NT > 1) {
                SOCVAL_LOAD(a, a1 + c);
                SOCVAL_LOAD(x, x1 + c);
                acc += a * x;
            }
            if constexpr (NT > 2) {
                SOCVAL_LOAD(a, a2 + c);
                SOCVAL_LOAD(x, x2 + c);
                acc += a * x;
            }
        }
        SOCVAL_STORE(murow + c, acc);
        SOCVAL_LOAD(q, qrow + c);
        SOCVAL_LOAD(prev, prevrow + c);
        if constexpr (ADD) SOCVAL_LOAD(add, addrow + c);
        else add = acc;
        nu = q * prev + add;
        if constexpr (QD) {
            SOCVAL_LOAD(a, qdrow + c);
            SOCVAL_LOAD(x, subrow + c);
            nu -= a * x;
        }
        SOCVAL_STORE(nurow + c, nu);
        SOCVAL_LOAD(f, factor + c);
        nu = nu * f;
        SOCVAL_STORE(lambdarow + c, nu);
    }
}

/// The adjoint step for a whole part of kPartLanes draws, terms outer and lanes inner (as step_part).
template <bool ADD, bool QD>
__attribute__((always_inline)) inline void adjoint_part(const Adjoint& st) {
    Lanes a, x, f, q, prev, add, nu;
    const double pdf = st.price_df;
#define SOCVAL_PRICE(k) Lanes acc##k; SOCVAL_LOAD(a, st.pu + (k) * kLanes); acc##k = a * pdf;
    SOCVAL_EACH_CHUNK(SOCVAL_PRICE)
#undef SOCVAL_PRICE
    SOCVAL_ADD_TERMS(st)
    const Lanes acc[kChunks] = {acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7};
    const double* __restrict factor = st.factor;
    const double* __restrict qrow = st.q;
    const double* __restrict prevrow = st.prev;
    const double* __restrict addrow = st.add;
    const double* __restrict qdrow = st.qd;
    const double* __restrict subrow = st.sub;
    double* __restrict murow = st.mu;
    double* __restrict nurow = st.nu;
    double* __restrict lambdarow = st.lambda;
    for (int k = 0; k < kChunks; ++k) {
        const int c = k * kLanes;
        SOCVAL_STORE(murow + c, acc[k]);
        SOCVAL_LOAD(q, qrow + c);
        SOCVAL_LOAD(prev, prevrow + c);
        if constexpr (ADD) SOCVAL_LOAD(add, addrow + c);
        else add = acc[k];
        nu = q * prev + add;
        if constexpr (QD) {
            SOCVAL_LOAD(a, qdrow + c);
            SOCVAL_LOAD(x, subrow + c);
            nu -= a * x;
        }
        SOCVAL_STORE(nurow + c, nu);
        SOCVAL_LOAD(f, factor + c);
        nu = nu * f;
        SOCVAL_STORE(lambdarow + c, nu);
    }
}

template <bool ADD, bool QD>
__attribute__((always_inline)) inline void adjoint_terms(const Adjoint& st, int m) {
    if (m == kPartLanes) {
        adjoint_part<ADD, QD>(st);
        return;
    }
    switch (st.n_terms) {
        case 0: adjoint_shape<0, ADD, QD>(st, m); break;
        case 1: adjoint_shape<1, ADD, QD>(st, m); break;
        case 2: adjoint_shape<2, ADD, QD>(st, m); break;
        case 3: adjoint_shape<3, ADD, QD>(st, m); break;
        default: adjoint_shape<-1, ADD, QD>(st, m); break;
    }
}

}  // namespace

SOCVAL_KERNEL void adjoint(const Adjoint& st, int m) {
    switch ((st.add ? 2 : 0) | (st.qd ? 1 : 0)) {
        case 0: adjoint_terms<false, false>(st, m); break;
        case 1: adjoint_terms<false, true>(st, m); break;
        case 2: adjoint_terms<true, false>(st, m); break;
        default: adjoint_terms<true, true>(st, m); break;
    }
}

SOCVAL_KERNEL void dot(double* __restrict v, const double* __restrict lambda, const double* __restrict a,
                       const double* __restrict x, int m) {
    for (int i = 0; i < m; ++i) v[i] += lambda[i] * (a[i] * x[i]);
}

SOCVAL_KERNEL void ratio(double* c, const double* y, const double* x, int m) {
    for (int i = 0; i < m; ++i) {
        const double d = x[i] != 0.0 ? x[i] : 1.0;  // a safe divisor, so that the loop needs no branch
        const double r = y[i] / d;
        c[i] = x[i] != 0.0 ? r : 0.0;
    }
}

SOCVAL_KERNEL void accumulate(double* pv, double* total, const double* level, std::ptrdiff_t stride,
                              const double* price_df, int years, int m) {
    // Two chunks at a time: two independent chains of additions per year.
    int c = 0;
    for (; c + 2 * kLanes <= m; c += 2 * kLanes) {
        Lanes p0, p1, t0, t1, l0, l1;
        SOCVAL_LOAD(p0, pv + c);
        SOCVAL_LOAD(p1, pv + c + kLanes);
        t0 = t1 = Lanes{};
        if (total) {
            SOCVAL_LOAD(t0, total + c);
            SOCVAL_LOAD(t1, total + c + kLanes);
        }
        const double* lv = level + c;
        for (int y = 0; y < years; ++y, lv += stride) {
            SOCVAL_LOAD(l0, lv);
            SOCVAL_LOAD(l1, lv + kLanes);
            p0 += l0 * price_df[y];
            p1 += l1 * price_df[y];
            t0 += l0;
            t1 += l1;
        }
        SOCVAL_STORE(pv + c, p0);
        SOCVAL_STORE(pv + c + kLanes, p1);
        if (total) {
            SOCVAL_STORE(total + c, t0);
            SOCVAL_STORE(total + c + kLanes, t1);
        }
    }
    for (; c < m; c += kLanes) {
        Lanes p0, t0 = Lanes{}, l0;
        SOCVAL_LOAD(p0, pv + c);
        if (total) SOCVAL_LOAD(t0, total + c);
        const double* lv = level + c;
        for (int y = 0; y < years; ++y, lv += stride) {
            SOCVAL_LOAD(l0, lv);
            p0 += l0 * price_df[y];
            t0 += l0;
        }
        SOCVAL_STORE(pv + c, p0);
        if (total) SOCVAL_STORE(total + c, t0);
    }
}

SOCVAL_KERNEL void share(double* y, const double* s, const double* xg, const double* x, int m) {
    for (int i = 0; i < m; ++i) {
        const double d = x[i] != 0.0 ? x[i] : 1.0;  // a safe divisor, so that the loop needs no branch
        const double v = s[i] * (xg[i] / d);
        y[i] = x[i] != 0.0 ? v : 0.0;
    }
}

}  // namespace socval::engine::kernels
