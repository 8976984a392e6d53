#pragma once
/// Runs fixed-size chunks on a few threads (the core's block runner); chunk boundaries do not depend on the
/// thread count, so per-chunk partial results reduced in chunk order are identical whatever the number of threads.
#include <cstdint>

#include "socval/common/blocks.hpp"

namespace socval::decision::detail {

/// Calls body(chunk) for chunk in [0, chunks) on `threads` threads (0: hardware); the error of the lowest failing
/// chunk is raised after every thread has joined.
template <class Body>
void for_each_chunk(std::int64_t chunks, int threads, Body body) {
    if (chunks <= 0) return;
    run_blocks(static_cast<std::uint64_t>(chunks), threads,
               [&] { return [&](std::uint64_t c) { body(static_cast<std::int64_t>(c)); }; });
}

}  // namespace socval::decision::detail
