#pragma once
/// Random streams keyed by parameter: Philox4x64-10 (Salmon et al. 2011) keyed by (seed, stable hash of the
/// parameter's id), counter = draw index. Latin hypercube strata from a keyed Feistel bijection on [0, N).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace socval {

class Distribution;

/// Stable 64-bit FNV-1a hash of a parameter's id (bytes of the UTF-8 string; offset basis 0xcbf29ce484222325,
/// prime 0x100000001b3). The same on every platform and run.
std::uint64_t stable_hash(std::string_view id);

/// The key of one parameter's stream: the run's seed and the hash of the parameter's stable id.
struct StreamKey {
    std::uint64_t seed = 0;
    std::uint64_t parameter = 0;

    /// Key for parameter `id` under `seed`: {seed, stable_hash(id)}.
    static StreamKey of(std::uint64_t seed, std::string_view id) { return {seed, stable_hash(id)}; }
    bool operator==(const StreamKey& o) const { return seed == o.seed && parameter == o.parameter; }
};

/// Philox4x64-10 block function: 4 x 64-bit outputs for a 256-bit counter and 128-bit key (Random123 convention;
/// matches numpy.random.Philox and Random123's known-answer vectors).
std::array<std::uint64_t, 4> philox4x64(std::array<std::uint64_t, 4> counter, std::array<std::uint64_t, 2> key);

/// Philox4x32-10 block function: 4 x 32-bit outputs for a 128-bit counter and 64-bit key (Random123 convention and
/// known-answer vectors). Used for the Latin hypercube jitter (vectorised in uniform_block).
std::array<std::uint32_t, 4> philox4x32(std::array<std::uint32_t, 4> counter, std::array<std::uint32_t, 2> key);

/// Map 64 random bits to a double in (0, 1), both ends excluded: (floor(bits / 2^12) + 0.5) / 2^52. The grid is
/// symmetric (u and 1 - u both occur), exactly representable; smallest 2^-53, largest 1 - 2^-53.
inline double bits_to_unit(std::uint64_t bits) {
    return (static_cast<double>(bits >> 12) + 0.5) * (1.0 / 4503599627370496.0);
}

/// The uniform of parameter `key` in draw `draw`, sub-stream `sub` (0 for a parameter needing one uniform per
/// draw; 1, 2, ... for extra uniforms, e.g. per year). Philox counter = (draw / 4, sub, 0, 0), key = (seed,
/// parameter); lane draw % 4 of the output. Depends on nothing else.
double stream_uniform(const StreamKey& key, std::uint64_t draw, std::uint32_t sub = 0);

/// How draws are spread over [0, 1): plain Monte Carlo or Latin hypercube.
enum class Sampler { monte_carlo, latin_hypercube };

/// "mc" / "monte_carlo" -> monte_carlo, "lhs" / "latin_hypercube" -> latin_hypercube; else SamplingError.
Sampler parse_sampler(std::string_view name);
/// "mc" or "lhs".
const char* sampler_name(Sampler s);

/// A keyed pseudo-random bijection of [0, n): an unbalanced Feistel network (8 rounds) on exactly ceil(log2 n) bits
/// (domain < 2n), with cycle walking (< 2 encryptions per value on average). 32-bit round function when n <= 2^32
/// (vectorised over blocks of draws), 64-bit above. O(1) memory; round keys from Philox under `key` in a separate
/// counter domain.
class KeyedPermutation {
public:
    /// Permutation of [0, n) for this stream key; n >= 1 (else SamplingError).
    KeyedPermutation(const StreamKey& key, std::uint64_t n);
    /// pi(i) for i < n.
    std::uint64_t operator()(std::uint64_t i) const;
    /// out[j] = pi(i0 + j) for j < count (i0 + count <= n): the same values, several draws at a time.
    void apply_block(std::uint64_t i0, std::size_t count, std::uint64_t* out) const;
    std::uint64_t size() const { return n_; }

private:
    /// One pass of the Feistel network over the ceil(log2 n)-bit domain (no cycle walking).
    std::uint64_t encrypt(std::uint64_t x) const;
    /// apply_block for n <= 2^32: the 32-bit network over a chunk of draws at a time.
    void apply_block32(std::uint64_t i0, std::size_t count, std::uint64_t* out) const;

    std::uint64_t n_;
    unsigned bits_;      // ceil(log2 n): the Feistel domain is [0, 2^bits)
    unsigned low_bits_;  // floor(bits / 2): width of the right part; the left part has bits - low_bits_
    std::uint64_t low_mask_, high_mask_;
    std::array<std::uint64_t, 8> round_keys_{};  // kRounds <= 8 used
    std::array<std::uint32_t, 8> round_keys32_{};
};

/// The Latin hypercube uniform of draw d (< n_total) for a parameter: (pi(d) + jitter) / n_total, where
/// pi = KeyedPermutation(key, n_total) and jitter = (b + 1/2) 2^-32, b = lane d % 4 of Philox4x32-10 with counter
/// (d / 4 as two 32-bit words, c2, c3) and key (k0, k1), where k0, k1, c2, c3 are the 32-bit halves of words 0 and
/// 1 of Philox4x64 under `key` with counter (0, 0, 2, n_total). floor(u * n_total) == pi(d) holds exactly in
/// floating point. Each call builds the permutation: for loops use uniform_block().
double lhs_uniform(const StreamKey& key, std::uint64_t draw, std::uint64_t n_total);

/// Fill out[0..n) with the uniforms of draws [d0, d0 + n) for one parameter (sub-stream 0).
/// Monte Carlo ignores n_total; Latin hypercube requires d0 + n <= n_total (else SamplingError).
void uniform_block(const StreamKey& key, std::uint64_t d0, std::size_t n, Sampler sampler, std::uint64_t n_total,
                   double* out);

/// Fill out[0..n) with draws [d0, d0 + n) of `dist` for one parameter: uniform_block then quantile_block.
/// A fixed distribution fills its value without drawing.
void sample_block(const Distribution& dist, const StreamKey& key, std::uint64_t d0, std::size_t n, Sampler sampler,
                  std::uint64_t n_total, double* out);

}  // namespace socval
