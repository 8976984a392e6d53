#pragma once
/// Runs fixed-size chunks on a few threads; chunk boundaries do not depend on the thread count, so per-chunk
/// partial results reduced in chunk order are identical whatever the number of threads.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace socval::decision::detail {

/// Calls body(chunk) for chunk in [0, chunks) on `threads` threads (0: hardware); rethrows the first exception.
template <class Body>
void for_each_chunk(std::int64_t chunks, int threads, Body body) {
    int n = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    n = static_cast<int>(std::min<std::int64_t>(n, std::max<std::int64_t>(chunks, 1)));
    std::atomic<std::int64_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    const auto work = [&]() {
        while (true) {
            const std::int64_t c = next.fetch_add(1);
            if (c >= chunks) return;
            try {
                body(c);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!error) error = std::current_exception();
                next = chunks;
                return;
            }
        }
    };
    if (n <= 1) {
        work();
    } else {
        std::vector<std::thread> pool;
        for (int t = 0; t < n; ++t) pool.emplace_back(work);
        for (auto& t : pool) t.join();
    }
    if (error) std::rethrow_exception(error);
}

}  // namespace socval::decision::detail
