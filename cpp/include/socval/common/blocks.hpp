#pragma once
/// The one block runner of the core: every parallel loop (simulation, design evaluation, option values, SMAA,
/// the Sobol bootstrap) runs its blocks through it, under one rule for errors (docs/model/engine.md, "Threads"):
/// blocks are claimed in increasing order; once block b fails no block above b is started, every block below b
/// still runs, so the error raised is the one of the lowest failing block, whatever the thread count; it is
/// rethrown on the calling thread after every thread has joined. Nothing reaches std::terminate.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace socval {

/// Worker threads for `threads` (0 or less: one per core) and `blocks` blocks: at least 1, at most `blocks`.
inline int worker_count(int threads, std::uint64_t blocks) {
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const std::uint64_t t = threads > 0 ? static_cast<std::uint64_t>(threads) : hw;
    return static_cast<int>(std::max<std::uint64_t>(1, std::min(t, std::max<std::uint64_t>(blocks, 1))));
}

class BlockRunner {
public:
    static constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();

    /// Blocks [0, n_blocks) on worker_count(threads, n_blocks) threads.
    BlockRunner(std::uint64_t n_blocks, int threads) : n_(n_blocks), threads_(worker_count(threads, n_blocks)) {}

    int threads() const { return threads_; }

    /// Whether block b need not (or must not) run: a lower block failed, or the run was stopped.
    bool abandoned(std::uint64_t b) const { return stopped_.load() || b > failed_.load(); }

    /// The lowest failing block so far, kNone when none.
    std::uint64_t failed() const { return failed_.load(); }

    /// Stops the run: no further block is started (the caller then reports why, e.g. Interrupted).
    void stop() { stopped_ = true; }

    /// Runs the blocks. make_worker() is called once on each thread and returns that thread's block function
    /// void(std::uint64_t block) (per-thread state lives in it); a throwing make_worker counts as a failure of
    /// block 0. poll, when given, runs on the calling thread at the start and every `every` while the workers
    /// run (cancellation, progress); the calling thread then works no block. An exception from poll stops the
    /// run; it is rethrown after the workers have joined unless a block failed (the block's error wins).
    template <class MakeWorker>
    void run(MakeWorker make_worker, const std::function<void()>& poll = {},
             std::chrono::milliseconds every = std::chrono::milliseconds(50)) {
        if (n_ == 0) return;
        std::exception_ptr poll_error;  // written by the calling thread only
        auto poll_once = [&]() noexcept {
            if (poll_error) return;
            try {
                poll();
            } catch (...) {
                poll_error = std::current_exception();
                stop();
            }
        };
        auto work = [&](bool caller) noexcept {
            std::function<void(std::uint64_t)> block;
            try {
                block = make_worker();
            } catch (...) {
                fail(0, std::current_exception());
            }
            if (block)
                for (std::uint64_t b; (b = next_.fetch_add(1)) < n_ && !abandoned(b);) {
                    try {
                        block(b);
                    } catch (...) {
                        fail(b, std::current_exception());
                    }
                    if (caller && poll) poll_once();
                }
            {
                std::lock_guard<std::mutex> lk(mu_);
                --running_;
            }
            done_.notify_all();
        };
        const int spawn = poll ? threads_ : threads_ - 1;
        std::vector<std::thread> pool;
        running_ = spawn;
        for (int t = 0; t < spawn; ++t) {
            try {
                pool.emplace_back(work, false);
            } catch (...) {  // could not start a thread: fewer threads, same results
                std::lock_guard<std::mutex> lk(mu_);
                running_ -= spawn - t;
                break;
            }
        }
        if (poll && !pool.empty()) {  // the calling thread polls while the workers run
            std::unique_lock<std::mutex> lk(mu_);
            while (running_ > 0) {  // at once (a cancellation already asked for), then every `every`
                lk.unlock();
                poll_once();
                lk.lock();
                if (done_.wait_for(lk, every, [&] { return running_ == 0; })) break;
            }
        } else {  // the calling thread works (polling between its blocks when no worker could start)
            {
                std::lock_guard<std::mutex> lk(mu_);
                ++running_;
            }
            work(true);
        }
        for (auto& th : pool) th.join();
        if (error_) std::rethrow_exception(error_);
        if (poll_error) std::rethrow_exception(poll_error);
    }

private:
    void fail(std::uint64_t b, std::exception_ptr e) {
        std::lock_guard<std::mutex> lk(mu_);
        if (b < error_block_) {
            error_block_ = b;
            error_ = std::move(e);
            failed_ = b;
        }
    }

    std::uint64_t n_;
    int threads_;
    std::atomic<std::uint64_t> next_{0};
    std::atomic<std::uint64_t> failed_{kNone};
    std::atomic<bool> stopped_{false};
    std::mutex mu_;
    std::condition_variable done_;
    int running_ = 0;
    std::uint64_t error_block_ = kNone;
    std::exception_ptr error_;
};

/// run_blocks(n, threads, make_worker[, poll]): BlockRunner(n, threads).run(make_worker, poll).
template <class MakeWorker>
void run_blocks(std::uint64_t n_blocks, int threads, MakeWorker make_worker, const std::function<void()>& poll = {}) {
    BlockRunner(n_blocks, threads).run(make_worker, poll);
}

}  // namespace socval
