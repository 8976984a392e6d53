#pragma once
/// Internal helpers of the sensitivity area: counter-based hashing for reproducible random numbers, a deterministic
/// parallel loop, and argument checks. Not a public header.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "socval/common/blocks.hpp"
#include "socval/common/hash.hpp"
#include "socval/errors.hpp"

namespace socval::sensitivity::detail {

using socval::mix64;

/// Hash of a key (seed, stream, counter): the random number for that counter, independent of evaluation order.
inline std::uint64_t key_hash(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) {
    return mix64(mix64(mix64(seed) ^ stream) ^ counter);
}

/// Uniform in [0, 1) from the top 53 bits of a hash.
inline double to_unit(std::uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

/// Uniform integer in [0, n) from a hash (bias < n / 2^53, negligible for the sizes used here).
inline std::int64_t to_index(std::uint64_t h, std::int64_t n) {
    return std::min<std::int64_t>(n - 1, static_cast<std::int64_t>(to_unit(h) * static_cast<double>(n)));
}

/// Standard normal deviate for a key, by Box-Muller on two hashed uniforms.
inline double normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) {
    const double u1 = (static_cast<double>(key_hash(seed, stream, 2 * counter) >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = to_unit(key_hash(seed, stream, 2 * counter + 1));
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586476925 * u2);
}

/// Run body(begin, end) over [0, count) in contiguous chunks, one per thread (0: hardware), on the core's block
/// runner. Each index is processed exactly once and the body writes only its own slots, so results never depend
/// on the thread count; the error of the lowest failing chunk is raised after every thread has joined.
template <class Body>
void parallel_for(std::int64_t count, int threads, Body body) {
    if (count <= 0) return;
    const int t = worker_count(threads, static_cast<std::uint64_t>(count));
    const std::int64_t chunk = (count + t - 1) / t;
    const auto chunks = static_cast<std::uint64_t>((count + chunk - 1) / chunk);
    run_blocks(chunks, t, [&] {
        return [&](std::uint64_t c) {
            const std::int64_t b = static_cast<std::int64_t>(c) * chunk;
            body(b, std::min(count, b + chunk));
        };
    });
}

/// Throw SensitivityError(what) unless ok.
inline void require(bool ok, const std::string& what) {
    if (!ok) throw SensitivityError(what);
}

/// z such that P(|Z| <= z) = level for a standard normal Z (Acklam-free: bisection on erf, ample for intervals).
inline double normal_two_sided_quantile(double level) {
    double lo = 0.0, hi = 40.0;
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (std::erf(mid / std::sqrt(2.0)) < level) lo = mid; else hi = mid;
    }
    return 0.5 * (lo + hi);
}

}  // namespace socval::sensitivity::detail
