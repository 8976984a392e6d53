#pragma once
/// Element-wise kernels over the draws of a block. Rows are padded to a multiple of kLanes so that every loop
/// has whole chunks of kLanes independent lanes (no remainder, no aliasing): the compiler vectorises them.
#include <cmath>
#include <cstddef>
#include <cstring>

namespace socval::engine::kernels {

constexpr int kLanes = 8;

/// Compile a function for AVX-512, AVX2 and baseline x86-64; GCC's function multi-versioning picks one when the
/// library loads. The engine is built with -ffp-contract=off (no fused multiply-add in any version), so every
/// version computes the same IEEE operations in the same order: the same bits on every machine.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(SOCVAL_NO_CLONES)
#define SOCVAL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SOCVAL_CLONES
#endif

/// Rounds a block size up to whole chunks of lanes.
inline int padded(int n) { return (n + kLanes - 1) / kLanes * kLanes; }

#define SOCVAL_LANES(m) \
    for (int c_ = 0; c_ < (m); c_ += ::socval::engine::kernels::kLanes) \
        for (int d = c_; d < c_ + ::socval::engine::kernels::kLanes; ++d)

/// kLanes doubles as one value (GCC vector extension: split into the machine's vector registers).
typedef double Lanes __attribute__((vector_size(kLanes * sizeof(double))));
/// Lanes of 64-bit integers (comparison results; 2^k in expm1).
typedef long long LanesI __attribute__((vector_size(kLanes * sizeof(long long))));

/// Unaligned load / store of kLanes doubles (by reference: vectors passed by value would change the ABI).
#define SOCVAL_LOAD(v, p) std::memcpy(&(v), (p), sizeof(v))
#define SOCVAL_STORE(p, v) std::memcpy((p), &(v), sizeof(v))

/// Row operations on whole chunks of lanes, written with vector types so that every clone vectorises them (the
/// compiler does not always vectorise the equivalent scalar loops). Inline: compiled for the caller's target.
#define SOCVAL_ROW(body)                                   \
    for (int c = 0; c < m; c += kLanes) {                  \
        body                                               \
    }
/// y = 0
inline void zero(double* y, int m) { std::memset(y, 0, sizeof(double) * static_cast<std::size_t>(m)); }
/// y = v
inline void fill(double* y, double v, int m) { SOCVAL_ROW(const Lanes a = Lanes{} + v; SOCVAL_STORE(y + c, a);) }
/// y = x
inline void copy(double* y, const double* x, int m) { std::memcpy(y, x, sizeof(double) * static_cast<std::size_t>(m)); }
/// y += x
inline void add(double* y, const double* x, int m) {
    SOCVAL_ROW(Lanes a; Lanes b; SOCVAL_LOAD(a, y + c); SOCVAL_LOAD(b, x + c); a += b; SOCVAL_STORE(y + c, a);)
}
/// y -= x
inline void sub(double* y, const double* x, int m) {
    SOCVAL_ROW(Lanes a; Lanes b; SOCVAL_LOAD(a, y + c); SOCVAL_LOAD(b, x + c); a -= b; SOCVAL_STORE(y + c, a);)
}
/// y *= x
inline void mul(double* y, const double* x, int m) {
    SOCVAL_ROW(Lanes a; Lanes b; SOCVAL_LOAD(a, y + c); SOCVAL_LOAD(b, x + c); a *= b; SOCVAL_STORE(y + c, a);)
}
/// y = 1 - x
inline void one_minus(double* y, const double* x, int m) {
    SOCVAL_ROW(Lanes b; SOCVAL_LOAD(b, x + c); const Lanes a = 1.0 - b; SOCVAL_STORE(y + c, a);)
}
/// y *= 1 - x
inline void mul_one_minus(double* y, const double* x, int m) {
    SOCVAL_ROW(Lanes a; Lanes b; SOCVAL_LOAD(a, y + c); SOCVAL_LOAD(b, x + c); a *= 1.0 - b; SOCVAL_STORE(y + c, a);)
}
/// y += s a
inline void add_scaled(double* y, double s, const double* x, int m) {
    SOCVAL_ROW(Lanes a; Lanes b; SOCVAL_LOAD(a, y + c); SOCVAL_LOAD(b, x + c); a += s * b; SOCVAL_STORE(y + c, a);)
}
/// v += level x per_unit x price (an outcome's value in one year, added to a year's benefits)
inline void add_value(double* v, const double* level, const double* pu, double price, int m) {
    SOCVAL_ROW(Lanes a; Lanes l; Lanes p; SOCVAL_LOAD(a, v + c); SOCVAL_LOAD(l, level + c); SOCVAL_LOAD(p, pu + c);
               a += l * p * price; SOCVAL_STORE(v + c, a);)
}
/// v = level x per_unit x price
inline void value(double* v, const double* level, const double* pu, double price, int m) {
    SOCVAL_ROW(Lanes l; Lanes p; SOCVAL_LOAD(l, level + c); SOCVAL_LOAD(p, pu + c); const Lanes a = l * p * price;
               SOCVAL_STORE(v + c, a);)
}
/// Whether every lane of x is a share, in [0, 1] (NaN is not). Counts the lanes outside in a double vector: a
/// comparison selecting a double needs no conversion of the comparison mask.
inline bool shares(const double* x, int m) {
    const Lanes zero = Lanes{}, one = zero + 1.0;
    Lanes bad = zero;
    SOCVAL_ROW(Lanes a; SOCVAL_LOAD(a, x + c); bad += (a >= 0.0) ? zero : one; bad += (a <= 1.0) ? zero : one;)
    double total = 0;
    for (int i = 0; i < kLanes; ++i) total += bad[i];
    return total == 0;
}

/// Where one outcome's year goes: the terms of its gross delivery and the rows a fused step reads and writes.
/// Every term is a product a x (a plain term is a row times the row of ones: a x 1 = a exactly), so the kernel
/// has no branch per term.
struct Step {
    const double* const* a;  ///< n_terms rows: gross = sum of a_i x_i, added in this order
    const double* const* x;
    int n_terms;
    const double* factor;  ///< additionality net factor
    const double* q;       ///< 1 - drop-off
    const double* prev;    ///< level in the previous year
    const double* add;     ///< net delivery of year t - lag; nullptr when lag == 0 (this year's net)
    const double* qd;      ///< q^duration; nullptr when no delivery leaves the window this year
    const double* sub;     ///< net delivery of year t - lag - duration
    double* net;           ///< out: net delivery this year
    double* level;         ///< out: level this year
};


/// expm1 on kLanes doubles, branch-free so that it vectorises (libm's expm1 is a scalar call per draw):
/// z = k ln2 + r with |r| <= ln2 / 2 (Cody-Waite, k rounded to nearest by the 1.5 x 2^52 trick, read back from the bits: no int conversion),
/// expm1(r) by its Taylor series to r^13 / 13! (truncation < 4e-18 relative), then
/// expm1(z) = 2^k expm1(r) + (2^k - 1). Arguments are clamped to [-60, 700] (expm1(-60) = -1 to 1e-26).
/// Accuracy: a few ulp, checked against std::expm1 in tests/cpp/engine/test_kernels.cpp.
inline void expm1_lanes(Lanes& z) {
    const Lanes lo = Lanes{} - 60.0, hi = Lanes{} + 700.0;
    z = z < lo ? lo : z;
    z = z > hi ? hi : z;
    const double magic = 6755399441055744.0;  // 1.5 x 2^52: adding it rounds to an integer in the low bits
    const Lanes t = z * 1.4426950408889634 + magic;
    const Lanes kd = t - magic;
    Lanes r = z - kd * 6.93147180369123816490e-01 - kd * 1.90821492927058770002e-10;
    Lanes p = r * (1.0 / 6227020800.0) + (1.0 / 479001600.0);
    p = p * r + (1.0 / 39916800.0);
    p = p * r + (1.0 / 3628800.0);
    p = p * r + (1.0 / 362880.0);
    p = p * r + (1.0 / 40320.0);
    p = p * r + (1.0 / 5040.0);
    p = p * r + (1.0 / 720.0);
    p = p * r + (1.0 / 120.0);
    p = p * r + (1.0 / 24.0);
    p = p * r + (1.0 / 6.0);
    p = p * r + 0.5;
    const Lanes em1r = r + r * r * p;
    // k = bits(t) - bits(magic) exactly (t lies within 2^51 of magic, where one ulp is 1); 2^k = (k + 1023) << 52.
    LanesI tb, mb;
    const Lanes m = Lanes{} + magic;
    std::memcpy(&tb, &t, sizeof tb);
    std::memcpy(&mb, &m, sizeof mb);
    const LanesI bits = (tb - mb + 1023) << 52;
    Lanes two_k;
    std::memcpy(&two_k, &bits, sizeof two_k);
    z = two_k * em1r + (two_k - 1.0);
}

/// Saturating link: y = cap (1 - exp(-coefficient x / cap)) = -cap expm1(-coefficient x / cap).
/// Compiled twice (AVX2 and baseline x86-64, chosen at load time); no FMA, so both give identical results.
void saturate(double* y, const double* cap, const double* coefficient, const double* x, int m);

/// Fused year of one outcome for whole chunks of lanes: gross = sum of terms, net = gross x factor,
/// level = q prev + net(t - lag) - q^D net(t - lag - D).
void step(const Step& st, int m);

/// One outcome-year of the adjoint pass (docs/model/engine.md, section 9): the sensitivity of PV benefits to the
/// outcome's level, mu = price_df pu + sum of a_i x_i (downstream links' effective coefficients times the
/// sensitivities of their targets), then nu = q nu(t + 1) + mu(t + lag) - q^D mu(t + lag + D) and the
/// sensitivity to gross delivery lambda = factor nu.
struct Adjoint {
    const double* pu;  ///< valued units per unit of outcome
    double price_df;   ///< unit price x discount factor this year
    const double* const* a;
    const double* const* x;
    int n_terms;
    const double* factor;
    const double* q;
    const double* prev;  ///< nu in the next year
    const double* add;   ///< mu of year t + lag; nullptr when lag == 0 (this year's)
    const double* qd;    ///< q^duration; nullptr when year t + lag + D is beyond the horizon
    const double* sub;   ///< mu of year t + lag + D
    double* mu;          ///< out
    double* nu;          ///< out
    double* lambda;      ///< out
};

/// The adjoint step for whole chunks of lanes.
void adjoint(const Adjoint& st, int m);

/// v += lambda (a x): a direct input's contribution to its group's value.
void dot(double* v, const double* lambda, const double* a, const double* x, int m);

/// c = y / x where x != 0, else 0: a saturating link's effective coefficient (output per unit of input).
void ratio(double* c, const double* y, const double* x, int m);

/// An outcome's PV per valued unit and physical total from its levels over `years` consecutive years (rows
/// `stride` apart): pv += level(t) x price_df(t), total += level(t) (total may be nullptr), in year order.
void accumulate(double* pv, double* total, const double* level, std::ptrdiff_t stride, const double* price_df,
                int years, int m);

/// A saturating link's output shared with one group: y = x_g / x s where x != 0, else 0 (Aumann-Shapley share).
void share(double* y, const double* s, const double* xg, const double* x, int m);

}  // namespace socval::engine::kernels
