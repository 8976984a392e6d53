// The block runner's one rule: the error of the lowest failing block is raised after every thread has joined,
// whatever the thread count; blocks below it all run; nothing reaches std::terminate (a terminate would end
// this test executable).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "socval/common/blocks.hpp"
#include "socval/common/hash.hpp"

using socval::BlockRunner;
using socval::run_blocks;

namespace {
/// Runs n blocks that throw "block <b>" for every b in `failing`; returns the message raised ("" if none) and
/// counts the blocks that ran.
std::string run_failing(std::uint64_t n, int threads, const std::vector<std::uint64_t>& failing,
                        std::vector<int>& ran) {
    ran.assign(n, 0);
    try {
        run_blocks(n, threads, [&] {
            return [&](std::uint64_t b) {
                ran[b] = 1;
                // Later blocks finish first on several threads, so a higher failure is usually seen first.
                std::this_thread::sleep_for(std::chrono::microseconds(b % 3 == 0 ? 200 : 10));
                for (auto f : failing)
                    if (f == b) throw std::runtime_error("block " + std::to_string(b));
            };
        });
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("run_blocks: every block runs once, any thread count", "[blocks]") {
    for (int threads : {1, 2, 3, 8}) {
        std::vector<std::atomic<int>> count(100);
        run_blocks(100, threads, [&] { return [&](std::uint64_t b) { ++count[b]; }; });
        for (auto& c : count) CHECK(c.load() == 1);
    }
}

TEST_CASE("run_blocks: the lowest failing block's error is raised, blocks below it all ran", "[blocks]") {
    for (int threads : {1, 2, 4, 8}) {
        for (std::uint64_t k : {0u, 1u, 7u, 30u, 39u}) {
            std::vector<int> ran;
            const std::vector<std::uint64_t> failing = {k, k + 3, 39};
            INFO("threads " << threads << ", first failing block " << k);
            CHECK(run_failing(40, threads, failing, ran) == "block " + std::to_string(k));
            for (std::uint64_t b = 0; b < k; ++b) CHECK(ran[b] == 1);
        }
    }
}

TEST_CASE("run_blocks: a failing worker setup is the error of block 0", "[blocks]") {
    std::atomic<int> calls{0};
    std::atomic<int> made{0};
    auto make = [&] {
        if (made++ == 0) throw std::invalid_argument("setup");
        return [&](std::uint64_t) { ++calls; };
    };
    for (int threads : {1, 3}) {
        made = 0;
        CHECK_THROWS_AS(run_blocks(10, threads, make), std::invalid_argument);
    }
}

TEST_CASE("run_blocks: poll runs on the calling thread; its error is raised after the workers join", "[blocks]") {
    const auto caller = std::this_thread::get_id();
    for (int threads : {1, 2}) {
        std::atomic<int> polls{0};
        std::atomic<bool> other_thread{false};
        std::atomic<int> running{0};
        BlockRunner runner(1000, threads);
        CHECK_THROWS_WITH(runner.run(
                              [&] {
                                  return [&](std::uint64_t) {
                                      ++running;
                                      std::this_thread::sleep_for(std::chrono::milliseconds(1));
                                      --running;
                                  };
                              },
                              [&] {
                                  if (std::this_thread::get_id() != caller) other_thread = true;
                                  if (++polls == 2) throw std::runtime_error("interrupted");
                              },
                              std::chrono::milliseconds(5)),
                          "interrupted");
        CHECK(!other_thread);
        CHECK(running == 0);  // every worker had finished its block and joined
        CHECK(runner.failed() == BlockRunner::kNone);
    }
}

TEST_CASE("run_blocks: a block error wins over a poll error", "[blocks]") {
    BlockRunner runner(50, 2);
    CHECK_THROWS_WITH(runner.run([&] {
        return [&](std::uint64_t b) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            if (b == 5) throw std::runtime_error("block 5");
        };
    }, [&] {
        if (runner.failed() != BlockRunner::kNone) throw std::runtime_error("poll");
    }, std::chrono::milliseconds(1)), "block 5");
}

TEST_CASE("mix64: SplitMix64 known answers", "[hash]") {
    // SplitMix64 with state 0: the first outputs are mix64(0), mix64(0x9e3779b97f4a7c15), ... (reference
    // implementation, Vigna, prng.di.unimi.it/splitmix64.c): 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4.
    CHECK(socval::mix64(0) == 0xe220a8397b1dcdafULL);
    CHECK(socval::mix64(0x9e3779b97f4a7c15ULL) == 0x6e789e6aa1b965f4ULL);
}
