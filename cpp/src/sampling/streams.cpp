/// Keyed counter-based streams (Philox4x64-10), the uniform mapping, the keyed Feistel permutation for LHS and the
/// block fillers.
#include <cmath>
#include <string>

#include "socval/errors.hpp"
#include "socval/sampling/distribution.hpp"
#include "socval/sampling/streams.hpp"

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

std::uint64_t KeyedPermutation::operator()(std::uint64_t i) const {
    std::uint64_t x = i;
    do {  // cycle walking: re-encrypt until the value falls inside [0, n)
        std::uint64_t left = x >> half_bits_, right = x & half_mask_;
        for (std::uint64_t k : round_keys_) {
            const std::uint64_t next = left ^ (feistel_f(right, k) & half_mask_);
            left = right;
            right = next;
        }
        x = (left << half_bits_) | right;
    } while (x >= n_);
    return x;
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
    if (sampler == Sampler::latin_hypercube && (n_total == 0 || d0 > n_total || n > n_total - d0))
        throw SamplingError("Latin hypercube: expected draws [" + std::to_string(d0) + ", " +
                            std::to_string(d0 + n) + ") inside [0, " + std::to_string(n_total) +
                            ") (the number of draws of the run)");
    // Monte Carlo: one Philox call serves four consecutive draws (lanes of counter d / 4).
    std::size_t i = 0;
    std::uint64_t d = d0;
    while (i < n) {
        std::uint64_t c[4] = {d >> 2, 0, 0, 0};
        philox10(c, key.seed, key.parameter);
        for (unsigned lane = static_cast<unsigned>(d & 3); lane < 4 && i < n; ++lane, ++i, ++d)
            out[i] = bits_to_unit(c[lane]);
    }
    if (sampler == Sampler::monte_carlo) return;
    const KeyedPermutation pi(key, n_total);
    for (std::size_t j = 0; j < n; ++j) out[j] = lhs_value(pi(d0 + j), out[j], n_total);
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
