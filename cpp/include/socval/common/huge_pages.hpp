#pragma once
/// Large arrays on transparent huge pages. Filling a fresh array of many megabytes costs one page fault per 4 KB
/// page, and page faults are slow in a virtual machine: the Monte Carlo engine's per-draw arrays (about 200 MB at
/// 1e6 draws) took longer to fill than a third of the run. Asked for 2 MB pages (Linux with transparent huge pages
/// in "madvise" or "always" mode), the same fill takes a third of the time. Only a hint: nothing changes where the
/// system ignores it.
#include <cstddef>
#include <cstdint>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace socval {

/// Ask for huge pages on the whole 2 MB pages inside [p, p + bytes) (before they are first touched).
inline void advise_huge_pages(void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t first = (a + kHuge - 1) / kHuge * kHuge, last = (a + bytes) / kHuge * kHuge;
    if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

/// v empty, with fresh room for n values advised onto huge pages when it is large (>= 4 MB): a later
/// v.assign(n, x) fills it in place (no reallocation), whichever thread does it.
template <class T>
void reserve_on_huge_pages(std::vector<T>& v, std::size_t n) {
    std::vector<T> fresh;
    fresh.reserve(n);
    if (n * sizeof(T) >= (std::size_t{4} << 20)) advise_huge_pages(fresh.data(), n * sizeof(T));
    v.swap(fresh);
}

/// v = n copies of `value`, in fresh memory advised onto huge pages when it is large (>= 4 MB).
template <class T>
void assign_on_huge_pages(std::vector<T>& v, std::size_t n, const T& value) {
    if (n * sizeof(T) < (std::size_t{4} << 20)) {
        v.assign(n, value);
        return;
    }
    reserve_on_huge_pages(v, n);
    v.assign(n, value);
}

}  // namespace socval
