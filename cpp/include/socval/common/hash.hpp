#pragma once
/// The one 64-bit mixer of the project's counter-based random numbers (decision and sensitivity areas).
#include <cstdint>

namespace socval {

/// SplitMix64 output function (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators"): a
/// bijective 64-bit mix of x + the golden-ratio increment.
inline std::uint64_t mix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace socval
