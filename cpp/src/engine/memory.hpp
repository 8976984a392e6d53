#pragma once
/// Memory planned before it is allocated: an evaluation whose arrays would not fit is refused up front with the
/// estimate in the message (an AppraisalError), instead of failing part-way with std::bad_alloc or being killed by
/// the operating system (docs/guide/limits.md, "Memory").
#include <cstdint>
#include <string>

namespace socval::engine {

/// Bytes an evaluation may plan to use: SOCVAL_MEMORY_LIMIT when set (a whole number of bytes, or with a
/// suffix k, M, G or T, decimal), else 80% of the memory the system has available now (Linux MemAvailable);
/// 0 when neither is known (nothing is refused then).
std::uint64_t usable_memory();

/// `n` bytes as "1.2 GB" (decimal units, as socval.engine.memory.human).
std::string human_bytes(double n);

/// Throws AppraisalError "`what` would need about <estimate> of memory, but <usable> ...: `advice`" when
/// `estimate` bytes exceed usable_memory().
void check_memory(double estimate, const std::string& what, const std::string& advice);

}  // namespace socval::engine
