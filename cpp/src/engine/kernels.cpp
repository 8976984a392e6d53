/// The hot kernels of the block evaluator, compiled for AVX2 and for baseline x86-64 (GCC function
/// multi-versioning picks one when the library loads). FMA is not enabled in either, so the two versions compute
/// bit-identical results: evaluation does not depend on the machine's vector width.
#include "kernels.hpp"

#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SOCVAL_KERNEL __attribute__((target_clones("avx2", "default")))
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

SOCVAL_KERNEL void step(const Term* terms, int n_terms, const Step& st, int m) {
    Lanes a, x, f, q, prev, add, acc, net, level, pv;
    for (int c = 0; c < m; c += kLanes) {
        acc = Lanes{};
        for (int i = 0; i < n_terms; ++i) {
            const Term& t = terms[i];
            SOCVAL_LOAD(a, t.a + c);
            switch (t.kind) {
                case Term::product:
                    SOCVAL_LOAD(x, t.x2 + c);
                    acc += a * x;
                    break;
                case Term::scaled: acc += t.s * a; break;
                case Term::plain: acc += a; break;
                case Term::share: {
                    double sh[kLanes];
                    for (int j = 0; j < kLanes; ++j) {
                        const double xj = t.x3[c + j];
                        sh[j] = xj != 0.0 ? t.a[c + j] * (t.x2[c + j] / xj) : 0.0;
                    }
                    SOCVAL_LOAD(x, sh);
                    acc += x;
                    break;
                }
            }
        }
        SOCVAL_LOAD(f, st.factor + c);
        net = acc * f;
        SOCVAL_LOAD(q, st.q + c);
        SOCVAL_LOAD(prev, st.prev + c);
        if (st.add) SOCVAL_LOAD(add, st.add + c);
        else add = net;
        level = q * prev + add;
        if (st.qd) {
            SOCVAL_LOAD(a, st.qd + c);
            SOCVAL_LOAD(x, st.sub + c);
            level -= a * x;
        }
        SOCVAL_STORE(st.net + c, net);
        SOCVAL_STORE(st.level + c, level);
        SOCVAL_LOAD(pv, st.pv + c);
        pv += level * st.price_df;
        SOCVAL_STORE(st.pv + c, pv);
        if (st.total) {
            SOCVAL_LOAD(x, st.total + c);
            x += level;
            SOCVAL_STORE(st.total + c, x);
        }
    }
}

}  // namespace socval::engine::kernels
