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

/// Feistel round function: a 64-bit mixer (splitmix64 finaliser) of the half-block and the round key.
inline std::uint64_t feistel_f(std::uint64_t x, std::uint64_t k) {
    std::uint64_t z = (x ^ k) * 0x9E3779B97F4A7C15ULL;
    z ^= z >> 31;
    z *= 0xBF58476D1CE4E5B9ULL;
    z ^= z >> 29;
    return z;
}

/// Counter word 2 tags the use of the stream: 0 = uniforms, 1 = permutation round keys.
constexpr std::uint64_t kDomainPermutation = 1;

/// Put the jittered LHS value in stratum `stratum` exactly: floor(u * n) == stratum and 0 < u < 1.
inline double lhs_value(std::uint64_t stratum, double jitter, std::uint64_t n) {
    const double nd = static_cast<double>(n), sd = static_cast<double>(stratum);
    double u = (sd + jitter) / nd;
    while (u * nd >= sd + 1.0 || u >= 1.0) u = std::nextafter(u, 0.0);
    while (u * nd < sd || u <= 0.0) u = std::nextafter(u, 1.0);
    return u;
}

}  // namespace

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
    unsigned bits = 0;
    while (bits < 64 && (std::uint64_t{1} << bits) < n) ++bits;
    if (bits % 2) ++bits;
    half_bits_ = bits / 2;
    half_mask_ = half_bits_ >= 32 ? 0xFFFFFFFFULL : ((std::uint64_t{1} << half_bits_) - 1);
    for (std::uint64_t block = 0; block < 2; ++block) {
        std::uint64_t c[4] = {block, 0, kDomainPermutation, n};
        philox10(c, key.seed, key.parameter);
        for (int j = 0; j < 4 && block * 4 + j < 6; ++j) round_keys_[block * 4 + j] = c[j];
    }
}

std::uint64_t KeyedPermutation::encrypt(std::uint64_t x) const {
    std::uint64_t left = x >> half_bits_, right = x & half_mask_;
    for (std::uint64_t k : round_keys_) {
        const std::uint64_t next = left ^ (feistel_f(right, k) & half_mask_);
        left = right;
        right = next;
    }
    return (left << half_bits_) | right;
}

std::uint64_t KeyedPermutation::operator()(std::uint64_t i) const {
    std::uint64_t x = i;
    do x = encrypt(x);  // cycle walking: re-encrypt until the value falls inside [0, n)
    while (x >= n_);
    return x;
}

SOCVAL_VECTOR_CLONES void KeyedPermutation::apply_block(std::uint64_t i0, std::size_t count, std::uint64_t* out) const {
    std::uint64_t val[kChunk];
    unsigned idx[kChunk];
    for (std::size_t c0 = 0; c0 < count; c0 += kChunk) {
        const std::size_t m = std::min(kChunk, count - c0);
        std::uint64_t* o = out + c0;
        for (std::size_t j = 0; j < m; ++j) o[j] = encrypt(i0 + c0 + j);  // independent draws: vectorised
        // Cycle walking in rounds over the compacted list of values still outside [0, n): each value goes
        // through the same sequence of encryptions as in operator().
        std::size_t t = 0;
        for (std::size_t j = 0; j < m; ++j) {
            idx[t] = static_cast<unsigned>(j);
            val[t] = o[j];
            t += o[j] >= n_;
        }
        while (t > 0) {
            for (std::size_t q = 0; q < t; ++q) val[q] = encrypt(val[q]);
            std::size_t kept = 0;
            for (std::size_t q = 0; q < t; ++q) {
                o[idx[q]] = val[q];
                idx[kept] = idx[q];
                val[kept] = val[q];
                kept += val[q] >= n_;
            }
            t = kept;
        }
    }
}

double lhs_uniform(const StreamKey& key, std::uint64_t draw, std::uint64_t n_total) {
    if (draw >= n_total)
        throw SamplingError("Latin hypercube: expected draw index < number of draws " + std::to_string(n_total) +
                            ", found " + std::to_string(draw));
    const KeyedPermutation pi(key, n_total);
    return lhs_value(pi(draw), stream_uniform(key, draw), n_total);
}

void uniform_block(const StreamKey& key, std::uint64_t d0, std::size_t n, Sampler sampler, std::uint64_t n_total,
                   double* out) {
    if (n == 0) return;
    const bool lhs = sampler == Sampler::latin_hypercube;
    if (lhs && (n_total == 0 || d0 > n_total || n > n_total - d0))
        throw SamplingError("Latin hypercube: expected draws [" + std::to_string(d0) + ", " +
                            std::to_string(d0 + n) + ") inside [0, " + std::to_string(n_total) +
                            ") (the number of draws of the run)");
    std::uint64_t bits[kChunk + 8], strata[kChunk];
    std::optional<KeyedPermutation> pi;
    if (lhs) pi.emplace(key, n_total);
    const double nd = static_cast<double>(n_total);
    // Exact uint64 -> double for values below 2^52 (strata): 2^52 + s built in the bits, minus 2^52.
    const bool small_n = n_total < (std::uint64_t{1} << 52);
    for (std::size_t i = 0; i < n; i += kChunk) {
        const std::size_t m = std::min(kChunk, n - i);
        const std::uint64_t d = d0 + i;
        // Monte Carlo: draw d is lane d % 4 of the Philox block with counter d / 4 (independent blocks: the CPU
        // overlaps their multiply chains; an explicit 4-block lockstep was measured slower, register spills).
        const std::uint64_t c_first = d >> 2, c_count = ((d + m - 1) >> 2) - c_first + 1;
        for (std::uint64_t c = 0; c < c_count; ++c) {
            std::uint64_t w[4] = {c_first + c, 0, 0, 0};
            philox10(w, key.seed, key.parameter);
            std::memcpy(bits + 4 * c, w, sizeof w);
        }
        const std::uint64_t* src = bits + (d & 3);
        double* o = out + i;
        for (std::size_t j = 0; j < m; ++j) o[j] = unit_from_bits(src[j]);  // vectorised
        if (!lhs) continue;
        // Latin hypercube: u = (pi(d) + jitter) / N with the MC uniform as jitter, then the exact-stratum check;
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
            const double u = (sd + jitter) / nd;
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
    dist.quantile_block(out, out, n);
}

}  // namespace socval
