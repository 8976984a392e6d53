#pragma once
/// Counter-based uniforms keyed by (seed, stream): draw t of stream s is the same whatever thread computes it.
/// SplitMix64 finaliser (Steele, Lea & Flood 2014) applied to the key and counter.
#include <cmath>
#include <cstdint>

#include "socval/common/hash.hpp"

namespace socval::decision::detail {

using socval::mix64;

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
