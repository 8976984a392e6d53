/// The hot kernels of the block evaluator, compiled for AVX2 and for baseline x86-64 (GCC function
/// multi-versioning picks one when the library loads). FMA is not enabled in either, so the two versions compute
/// bit-identical results: evaluation does not depend on the machine's vector width.
#include "kernels.hpp"

#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SOCVAL_KERNEL __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SOCVAL_KERNEL
#endif

namespace socval::engine::kernels {

/// y = -cap expm1(-coefficient x / cap), kLanes at a time.
SOCVAL_KERNEL void saturate(double* y, const double* cap, const double* coefficient, const double* x, int m) {
    Lanes cp, c, xx, z;
    for (int i = 0; i < m; i += kLanes) {
        SOCVAL_LOAD(cp, cap + i);
        SOCVAL_LOAD(c, coefficient + i);
        SOCVAL_LOAD(xx, x + i);
        z = -(c * xx) / cp;
        expm1_lanes(z);
        z = -cp * z;
        SOCVAL_STORE(y + i, z);
    }
}

namespace {

/// The fused step with its shape fixed at compile time: NT terms (NT < 0: st.n_terms), a lagged net delivery
/// (ADD), a delivery leaving the window (QD), a physical total (TOTAL). Inlined into each clone below.
template <int NT, bool ADD, bool QD, bool TOTAL>
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
    double* __restrict pvrow = st.pv;
    double* __restrict totalrow = st.total;
    const double price_df = st.price_df;
    Lanes a, x, f, q, prev, add, acc, net, level, pv;
    for (int c = 0; c < m; c += kLanes) {
        acc = Lanes{};
        if constexpr (NT < 0) {
            for (int i = 0; i < nt; ++i) {
                SOCVAL_LOAD(a, ta[i] + c);
                SOCVAL_LOAD(x, tx[i] + c);
                acc += a * x;
            }
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
        SOCVAL_LOAD(pv, pvrow + c);
        pv += level * price_df;
        SOCVAL_STORE(pvrow + c, pv);
        if constexpr (TOTAL) {
            SOCVAL_LOAD(x, totalrow + c);
            x += level;
            SOCVAL_STORE(totalrow + c, x);
        }
    }
}

template <bool ADD, bool QD, bool TOTAL>
__attribute__((always_inline)) inline void step_terms(const Step& st, int m) {
    switch (st.n_terms) {
        case 0: step_shape<0, ADD, QD, TOTAL>(st, m); break;
        case 1: step_shape<1, ADD, QD, TOTAL>(st, m); break;
        case 2: step_shape<2, ADD, QD, TOTAL>(st, m); break;
        case 3: step_shape<3, ADD, QD, TOTAL>(st, m); break;
        default: step_shape<-1, ADD, QD, TOTAL>(st, m); break;
    }
}

}  // namespace

SOCVAL_KERNEL void step(const Step& st, int m) {
    switch ((st.add ? 4 : 0) | (st.qd ? 2 : 0) | (st.total ? 1 : 0)) {
        case 0: step_terms<false, false, false>(st, m); break;
        case 1: step_terms<false, false, true>(st, m); break;
        case 2: step_terms<false, true, false>(st, m); break;
        case 3: step_terms<false, true, true>(st, m); break;
        case 4: step_terms<true, false, false>(st, m); break;
        case 5: step_terms<true, false, true>(st, m); break;
        case 6: step_terms<true, true, false>(st, m); break;
        default: step_terms<true, true, true>(st, m); break;
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
