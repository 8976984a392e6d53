/// Keyed counter-based streams (Philox4x64-10), the uniform mapping, the keyed Feistel permutation for LHS and the
/// block fillers.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>

#include "socval/errors.hpp"
#include "socval/sampling/distribution.hpp"
#include "socval/sampling/streams.hpp"
#include "vector_math.hpp"

namespace socval {

std::uint64_t stable_hash(std::string_view id) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : id) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

namespace {

__extension__ typedef unsigned __int128 uint128;  // GCC / Clang: one 64 x 64 -> 128-bit multiply

inline void mulhilo(std::uint64_t a, std::uint64_t b, std::uint64_t& hi, std::uint64_t& lo) {
    const uint128 p = static_cast<uint128>(a) * b;
    hi = static_cast<std::uint64_t>(p >> 64);
    lo = static_cast<std::uint64_t>(p);
}

/// Philox4x64 constants (Salmon et al. 2011, Random123 philox.h).
constexpr std::uint64_t kM0 = 0xD2E7470EE14C6C93ULL, kM1 = 0xCA5A826395121157ULL;
constexpr std::uint64_t kW0 = 0x9E3779B97F4A7C15ULL, kW1 = 0xBB67AE8584CAA73BULL;

inline void philox_round(std::uint64_t c[4], const std::uint64_t k[2]) {
    std::uint64_t hi0, lo0, hi1, lo1;
    mulhilo(kM0, c[0], hi0, lo0);
    mulhilo(kM1, c[2], hi1, lo1);
    const std::uint64_t c1 = c[1], c3 = c[3];
    c[0] = hi1 ^ c1 ^ k[0];
    c[1] = lo1;
    c[2] = hi0 ^ c3 ^ k[1];
    c[3] = lo0;
}

inline void philox10(std::uint64_t c[4], std::uint64_t k0, std::uint64_t k1) {
    std::uint64_t k[2] = {k0, k1};
    philox_round(c, k);
    for (int r = 1; r < 10; ++r) {
        k[0] += kW0;
        k[1] += kW1;
        philox_round(c, k);
    }
}

/// bits_to_unit without an integer -> double conversion (none vectorises before AVX-512): 1 + m 2^-52 built in
/// the exponent bits, minus 1, plus 2^-53 is exactly (m + 1/2) 2^-52, m = bits / 2^12 (every step is exact).
inline double unit_from_bits(std::uint64_t bits) {
    std::uint64_t b = 0x3FF0000000000000ULL | (bits >> 12);
    double v;
    std::memcpy(&v, &b, sizeof v);
    return (v - 1.0) + 1.1102230246251565404e-16;
}

/// Draws per chunk of the block fillers (stack buffers).
constexpr std::size_t kChunk = 256;

/// Feistel round function for n > 2^32: a 64-bit mixer (splitmix64 finaliser) of the right part and the round key.
inline std::uint64_t feistel_f(std::uint64_t x, std::uint64_t k) {
    std::uint64_t z = (x ^ k) * 0x9E3779B97F4A7C15ULL;
    z ^= z >> 31;
    z *= 0xBF58476D1CE4E5B9ULL;
    z ^= z >> 29;
    return z;
}

/// Feistel round function for n <= 2^32: one multiply-xorshift of the right part and the round key (the top half
/// of the 32-bit product, which depends on every input bit, folded onto the low half). 32-bit multiplies
/// vectorise (8 lanes in AVX2, 16 in AVX-512). Quality of the 8-round network: tests/cpp/sampling/test_streams.cpp.
inline std::uint32_t feistel_f32(std::uint32_t x, std::uint32_t k) {
    std::uint32_t z = (x ^ k) * 0x7FEB352DU;
    z ^= z >> 16;
    return z;
}

/// Rounds of the Feistel network (even: the widths of the two parts come back). Justified by the quality tests.
constexpr int kRounds = 8;

/// The unbalanced Feistel network on `bits` = a + b bits (left part a = bits - b bits, right part b bits): round r
/// maps (L, R) to (R, L XOR (F(R, k_r) masked to L's width)); widths swap each round, so after the kRounds (even)
/// rounds the left part has a bits again. Every round is a bijection, so the network is one on [0, 2^bits).
template <class W, class F>
inline W feistel(W x, unsigned b, W low_mask, W high_mask, const W* keys, F f) {
    W left = x >> b, right = x & low_mask;
    for (int r = 0; r < kRounds; ++r) {
        const W next = left ^ (f(right, keys[r]) & (r % 2 == 0 ? high_mask : low_mask));
        left = right;
        right = next;
    }
    return (left << b) | right;
}

/// Multiversioned block kernels: integer only, so every version gives the same bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && !defined(SOCVAL_NO_CLONES)
#define SOCVAL_PERMUTATION_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SOCVAL_PERMUTATION_CLONES
#endif

/// Counter word 2 tags the use of the stream: 0 = uniforms, 1 = permutation round keys.
constexpr std::uint64_t kDomainPermutation = 1;

/// Counter word 2 of the Philox4x64 block that keys the LHS jitter stream (Philox4x32-10).
constexpr std::uint64_t kDomainJitter = 2;

/// Philox4x32 constants (Salmon et al. 2011, Random123 philox.h).
constexpr std::uint32_t kM32_0 = 0xD2511F53U, kM32_1 = 0xCD9E8D57U;
constexpr std::uint32_t kW32_0 = 0x9E3779B9U, kW32_1 = 0xBB67AE85U;

/// The LHS jitter stream of one parameter for a run of n draws: Philox4x32-10 key (k0, k1) and the fixed counter
/// words 2 and 3 (c2, c3), all from the Philox4x64 block with counter (0, 0, 2, n) under the parameter's key.
struct JitterKey {
    std::uint32_t k0, k1, c2, c3;
};

inline JitterKey jitter_key(const StreamKey& key, std::uint64_t n) {
    std::uint64_t c[4] = {0, 0, kDomainJitter, n};
    philox10(c, key.seed, key.parameter);
    return {static_cast<std::uint32_t>(c[0]), static_cast<std::uint32_t>(c[0] >> 32), static_cast<std::uint32_t>(c[1]),
            static_cast<std::uint32_t>(c[1] >> 32)};
}

/// 32 random bits -> (bits + 1/2) 2^-32 in (0, 1), exact; the conversion through the exponent bits (2^52 + bits,
/// minus 2^52) vectorises without AVX-512's unsigned conversion.
inline double jitter_from_bits(std::uint32_t bits) {
    std::uint64_t b = 0x4330000000000000ULL | bits;
    double v;
    std::memcpy(&v, &b, sizeof v);
    return ((v - 4503599627370496.0) + 0.5) * (1.0 / 4294967296.0);
}

/// Put the jittered LHS value in stratum `stratum` exactly: floor(u * n) == stratum and 0 < u < 1.
inline double lhs_value(std::uint64_t stratum, double jitter, std::uint64_t n) {
    const double nd = static_cast<double>(n), sd = static_cast<double>(stratum);
    double u = (sd + jitter) * (1.0 / nd);  // a multiply (no vector divide); the loops below fix the stratum
    while (u * nd >= sd + 1.0 || u >= 1.0) u = std::nextafter(u, 0.0);
    while (u * nd < sd || u <= 0.0) u = std::nextafter(u, 1.0);
    return u;
}

}  // namespace

std::array<std::uint32_t, 4> philox4x32(std::array<std::uint32_t, 4> c, std::array<std::uint32_t, 2> key) {
    std::uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; ++r) {
        if (r > 0) {
            k0 += kW32_0;
            k1 += kW32_1;
        }
        const std::uint64_t p0 = std::uint64_t{kM32_0} * c[0], p1 = std::uint64_t{kM32_1} * c[2];
        c = {static_cast<std::uint32_t>(p1 >> 32) ^ c[1] ^ k0, static_cast<std::uint32_t>(p1),
             static_cast<std::uint32_t>(p0 >> 32) ^ c[3] ^ k1, static_cast<std::uint32_t>(p0)};
    }
    return c;
}

std::array<std::uint64_t, 4> philox4x64(std::array<std::uint64_t, 4> counter, std::array<std::uint64_t, 2> key) {
    philox10(counter.data(), key[0], key[1]);
    return counter;
}

double stream_uniform(const StreamKey& key, std::uint64_t draw, std::uint32_t sub) {
    std::uint64_t c[4] = {draw >> 2, sub, 0, 0};
    philox10(c, key.seed, key.parameter);
    return bits_to_unit(c[draw & 3]);
}

Sampler parse_sampler(std::string_view name) {
    if (name == "mc" || name == "monte_carlo") return Sampler::monte_carlo;
    if (name == "lhs" || name == "latin_hypercube") return Sampler::latin_hypercube;
    throw SamplingError("sampler: expected \"mc\" (Monte Carlo) or \"lhs\" (Latin hypercube), found \"" +
                        std::string(name) + "\"");
}

const char* sampler_name(Sampler s) { return s == Sampler::monte_carlo ? "mc" : "lhs"; }

KeyedPermutation::KeyedPermutation(const StreamKey& key, std::uint64_t n) : n_(n) {
    if (n == 0) throw SamplingError("Latin hypercube: expected a number of draws >= 1, found 0");
    bits_ = 0;
    while (bits_ < 64 && (std::uint64_t{1} << bits_) < n) ++bits_;
    low_bits_ = bits_ / 2;
    low_mask_ = (std::uint64_t{1} << low_bits_) - 1;  // low_bits_ <= 32
    const unsigned high_bits = bits_ - low_bits_;
    high_mask_ = high_bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << high_bits) - 1;
    // Round keys: Philox blocks (counter (block, 0, 1, n)); the 32-bit network takes the 8 halves of block 0's 4
    // words, the 64-bit one (n > 2^32) the 8 words of blocks 0 and 1.
    for (std::uint64_t block = 0; block < (bits_ > 32 ? 2u : 1u); ++block) {
        std::uint64_t c[4] = {block, 0, kDomainPermutation, n};
        philox10(c, key.seed, key.parameter);
        for (std::size_t j = 0; j < 4; ++j) round_keys_[block * 4 + j] = c[j];
    }
    for (std::size_t j = 0; j < 4; ++j) {
        round_keys32_[2 * j] = static_cast<std::uint32_t>(round_keys_[j]);
        round_keys32_[2 * j + 1] = static_cast<std::uint32_t>(round_keys_[j] >> 32);
    }
}

std::uint64_t KeyedPermutation::encrypt(std::uint64_t x) const {
    if (bits_ <= 32)
        return feistel<std::uint32_t>(static_cast<std::uint32_t>(x), low_bits_, static_cast<std::uint32_t>(low_mask_),
                                      static_cast<std::uint32_t>(high_mask_), round_keys32_.data(), feistel_f32);
    return feistel<std::uint64_t>(x, low_bits_, low_mask_, high_mask_, round_keys_.data(), feistel_f);
}

std::uint64_t KeyedPermutation::operator()(std::uint64_t i) const {
    std::uint64_t x = i;
    do x = encrypt(x);  // cycle walking: re-encrypt until the value falls inside [0, n)
    while (x >= n_);
    return x;
}

void KeyedPermutation::apply_block(std::uint64_t i0, std::size_t count, std::uint64_t* out) const {
    if (bits_ <= 32) return apply_block32(i0, count, out);
    for (std::size_t j = 0; j < count; ++j) out[j] = (*this)(i0 + j);  // n > 2^32: rare, scalar
}

SOCVAL_PERMUTATION_CLONES void KeyedPermutation::apply_block32(std::uint64_t i0, std::size_t count,
                                                                std::uint64_t* out) const {
    const unsigned b = low_bits_;
    const auto lo = static_cast<std::uint32_t>(low_mask_), hi = static_cast<std::uint32_t>(high_mask_);
    const auto last = static_cast<std::uint32_t>(n_ - 1);  // x >= n_ <=> x > last, in 32 bits (n_ <= 2^32)
    std::uint32_t k[8];
    std::copy(round_keys32_.begin(), round_keys32_.end(), k);
    std::uint32_t x[kChunk], val[kChunk];
    unsigned idx[kChunk];
    unsigned char flag[kChunk];
    for (std::size_t c0 = 0; c0 < count; c0 += kChunk) {
        const std::size_t m = std::min(kChunk, count - c0);
        // i0 + c0 + j < n <= 2^32: fits in 32 bits.
        const auto first = static_cast<std::uint32_t>(i0 + c0);
        for (std::size_t j = 0; j < m; ++j)  // independent draws: vectorised
            x[j] = feistel<std::uint32_t>(first + static_cast<std::uint32_t>(j), b, lo, hi, k, feistel_f32);
        // Cycle walking; each value goes through the same sequence of encryptions as in operator(). While many
        // values are outside [0, n), whole vectorised passes that re-encrypt only those (a blend); the last few go
        // through a compacted list.
        std::size_t t = 0;
        for (std::size_t j = 0; j < m; ++j) t += x[j] > last;  // vectorised count
        while (t > m / 16) {
            t = 0;
            for (std::size_t j = 0; j < m; ++j) {  // vectorised
                const std::uint32_t y = feistel<std::uint32_t>(x[j], b, lo, hi, k, feistel_f32);
                x[j] = x[j] > last ? y : x[j];
                t += x[j] > last;
            }
        }
        if (t > 0) {  // the few values left: their indices from a byte mask read 8 at a time
            for (std::size_t j = 0; j < m; ++j) flag[j] = x[j] > last;  // vectorised
            for (std::size_t j = m; j % 8 != 0; ++j) flag[j] = 0;
            t = 0;
            for (std::size_t w = 0; w < m; w += 8) {
                std::uint64_t word;
                std::memcpy(&word, flag + w, sizeof word);
                for (; word != 0; word &= word - 1) {  // one set bit per flagged byte
                    const std::size_t j = w + static_cast<std::size_t>(__builtin_ctzll(word)) / 8;
                    idx[t] = static_cast<unsigned>(j);
                    val[t++] = x[j];
                }
            }
        }
        while (t > 0) {
            for (std::size_t q = 0; q < t; ++q) val[q] = feistel<std::uint32_t>(val[q], b, lo, hi, k, feistel_f32);
            std::size_t kept = 0;
            for (std::size_t q = 0; q < t; ++q) {
                x[idx[q]] = val[q];
                idx[kept] = idx[q];
                val[kept] = val[q];
                kept += val[q] > last;
            }
            t = kept;
        }
        std::uint64_t* o = out + c0;
        for (std::size_t j = 0; j < m; ++j) o[j] = x[j];
    }
}

double lhs_uniform(const StreamKey& key, std::uint64_t draw, std::uint64_t n_total) {
    if (draw >= n_total)
        throw SamplingError("Latin hypercube: expected draw index < number of draws " + std::to_string(n_total) +
                            ", found " + std::to_string(draw));
    const KeyedPermutation pi(key, n_total);
    const JitterKey jk = jitter_key(key, n_total);
    const std::uint64_t block = draw >> 2;
    const auto w = philox4x32({static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), jk.c2, jk.c3},
                              {jk.k0, jk.k1});
    return lhs_value(pi(draw), jitter_from_bits(w[draw & 3]), n_total);
}

SOCVAL_PERMUTATION_CLONES void uniform_block(const StreamKey& key, std::uint64_t d0, std::size_t n, Sampler sampler,
                                             std::uint64_t n_total, double* out) {
    if (n == 0) return;
    const bool lhs = sampler == Sampler::latin_hypercube;
    if (lhs && (n_total == 0 || d0 > n_total || n > n_total - d0))
        throw SamplingError("Latin hypercube: expected draws [" + std::to_string(d0) + ", " +
                            std::to_string(d0 + n) + ") inside [0, " + std::to_string(n_total) +
                            ") (the number of draws of the run)");
    std::uint64_t bits[kChunk + 8], strata[kChunk];
    std::optional<KeyedPermutation> pi;
    JitterKey jk{};
    if (lhs) {
        pi.emplace(key, n_total);
        jk = jitter_key(key, n_total);
    }
    // LHS jitter: Philox4x32-10 blocks in structure-of-arrays form (one lane per block: vectorised).
    constexpr std::size_t kBlocks = kChunk / 4 + 2;
    std::uint32_t ja[kBlocks], jb[kBlocks], jc[kBlocks], je[kBlocks], jbits[4 * kBlocks];
    const double nd = static_cast<double>(n_total), inv_nd = 1.0 / nd;
    // Exact uint64 -> double for values below 2^52 (strata): 2^52 + s built in the bits, minus 2^52.
    const bool small_n = n_total < (std::uint64_t{1} << 52);
    for (std::size_t i = 0; i < n; i += kChunk) {
        const std::size_t m = std::min(kChunk, n - i);
        const std::uint64_t d = d0 + i;
        // Monte Carlo: draw d is lane d % 4 of the Philox block with counter d / 4 (independent blocks: the CPU
        // overlaps their multiply chains; an explicit 4-block lockstep was measured slower, register spills).
        const std::uint64_t c_first = d >> 2, c_count = ((d + m - 1) >> 2) - c_first + 1;
        double* o = out + i;
        if (lhs) {
            // Jitter of draw d: lane d % 4 of the Philox4x32-10 block with counter (d / 4 low and high 32 bits,
            // c2, c3) and key (k0, k1) of the parameter's jitter stream.
            for (std::size_t q = 0; q < c_count; ++q) {
                ja[q] = static_cast<std::uint32_t>(c_first + q);
                jb[q] = static_cast<std::uint32_t>((c_first + q) >> 32);
                jc[q] = jk.c2;
                je[q] = jk.c3;
            }
            std::uint32_t k0 = jk.k0, k1 = jk.k1;
            for (int r = 0; r < 10; ++r) {
                if (r > 0) {
                    k0 += kW32_0;
                    k1 += kW32_1;
                }
                for (std::size_t q = 0; q < c_count; ++q) {  // vectorised
                    const std::uint64_t p0 = std::uint64_t{kM32_0} * ja[q], p1 = std::uint64_t{kM32_1} * jc[q];
                    const std::uint32_t b = jb[q], e = je[q];
                    ja[q] = static_cast<std::uint32_t>(p1 >> 32) ^ b ^ k0;
                    jb[q] = static_cast<std::uint32_t>(p1);
                    jc[q] = static_cast<std::uint32_t>(p0 >> 32) ^ e ^ k1;
                    je[q] = static_cast<std::uint32_t>(p0);
                }
            }
            for (std::size_t q = 0; q < c_count; ++q) {
                jbits[4 * q] = ja[q];
                jbits[4 * q + 1] = jb[q];
                jbits[4 * q + 2] = jc[q];
                jbits[4 * q + 3] = je[q];
            }
            const std::uint32_t* src = jbits + (d & 3);
            for (std::size_t j = 0; j < m; ++j) o[j] = jitter_from_bits(src[j]);  // vectorised
        }
        for (std::uint64_t c = 0; !lhs && c < c_count; ++c) {
            std::uint64_t w[4] = {c_first + c, 0, 0, 0};
            philox10(w, key.seed, key.parameter);
            std::memcpy(bits + 4 * c, w, sizeof w);
        }
        if (!lhs) {
            const std::uint64_t* src = bits + (d & 3);
            for (std::size_t j = 0; j < m; ++j) o[j] = unit_from_bits(src[j]);  // vectorised
            continue;
        }
        // Latin hypercube: u = (pi(d) + jitter) / N, then the exact-stratum check;
        // the (rare) values that need the one-ulp nudge go through lhs_value.
        pi->apply_block(d, m, strata);
        if (!small_n) {
            for (std::size_t j = 0; j < m; ++j) o[j] = lhs_value(strata[j], o[j], n_total);
            continue;
        }
        double ub[kChunk];
        int nudge = 0;
        for (std::size_t j = 0; j < m; ++j) {  // vectorised
            std::uint64_t b = 0x4330000000000000ULL | strata[j];
            double sd;
            std::memcpy(&sd, &b, sizeof sd);
            sd -= 4503599627370496.0;
            const double jitter = o[j];
            const double u = (sd + jitter) * inv_nd;  // as lhs_value
            ub[j] = u;
            nudge |= (u * nd >= sd + 1.0) | (u >= 1.0) | (u * nd < sd) | (u <= 0.0);
        }
        if (!nudge) {
            std::copy(ub, ub + m, o);
        } else {
            for (std::size_t j = 0; j < m; ++j) o[j] = lhs_value(strata[j], o[j], n_total);
        }
    }
}

void sample_block(const Distribution& dist, const StreamKey& key, std::uint64_t d0, std::size_t n, Sampler sampler,
                  std::uint64_t n_total, double* out) {
    if (dist.is_fixed()) {
        const double v = dist.mean();
        for (std::size_t i = 0; i < n; ++i) out[i] = v;
        return;
    }
    uniform_block(key, d0, n, sampler, n_total, out);
    try {
        dist.quantile_block(out, out, n);
    } catch (const QuantileError& e) {
        throw SamplingError("draw " + std::to_string(d0 + e.index) + ": " + e.what() + "; seed " +
                            std::to_string(key.seed) + ", sampler " + sampler_name(sampler) + ", " +
                            std::to_string(n_total) + " draws reproduce it");
    }
}

}  // namespace socval
