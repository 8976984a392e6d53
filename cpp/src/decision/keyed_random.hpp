#pragma once
/// Counter-based uniforms keyed by (seed, stream): draw t of stream s is the same whatever thread computes it.
/// SplitMix64 finaliser (Steele, Lea & Flood 2014) applied to the key and counter.
#include <cmath>
#include <cstdint>

namespace socval::decision::detail {

/// SplitMix64 output function: a bijective 64-bit mixer.
inline std::uint64_t mix64(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// A stream of uniforms on (0, 1) identified by (seed, stream).
class KeyedStream {
public:
    KeyedStream(std::uint64_t seed, std::uint64_t stream) : key_(mix64(mix64(seed) ^ mix64(stream + 0x632be59bd9b4e019ULL))) {}
    /// The next uniform, strictly inside (0, 1).
    double uniform() {
        const std::uint64_t bits = mix64(key_ ^ mix64(counter_++));
        return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;
    }
    /// A standard exponential variate.
    double exponential() { return -std::log(uniform()); }

private:
    std::uint64_t key_;
    std::uint64_t counter_ = 0;
};

}  // namespace socval::decision::detail
