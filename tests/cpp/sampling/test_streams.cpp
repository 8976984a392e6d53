/// Keyed streams: known-answer tests of FNV-1a and Philox4x64-10, the uniform mapping, and the invariances the
/// engine relies on (thread count, N / 2N prefix, common random numbers, adding a parameter); Latin hypercube
/// stratification and the keyed permutation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <thread>
#include <vector>

#include "socval/sampling.hpp"

using namespace socval;

namespace {

std::vector<double> mc(const StreamKey& k, std::uint64_t d0, std::size_t n) {
    std::vector<double> u(n);
    uniform_block(k, d0, n, Sampler::monte_carlo, 0, u.data());
    return u;
}

/// Pearson correlation of two equal-length vectors.
double correlation(const std::vector<double>& a, const std::vector<double>& b) {
    const double n = static_cast<double>(a.size());
    const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / std::sqrt(saa * sbb);
}

}  // namespace

TEST_CASE("FNV-1a 64 known answers", "[sampling][streams]") {
    // Offset basis and values from the FNV reference (and a Python transcription of the definition).
    CHECK(stable_hash("") == 0xcbf29ce484222325ULL);
    CHECK(stable_hash("a") == 0xaf63dc4c8601ec8cULL);
    CHECK(stable_hash("jobs") == 0x41b90dde29446fddULL);
    CHECK(stable_hash("options.retrofit.cost") == 0x2c7f1d247b6b39c1ULL);
}

TEST_CASE("Philox4x64-10 known answers (Random123 kat_vectors; numpy.random.Philox)", "[sampling][streams]") {
    using A4 = std::array<std::uint64_t, 4>;
    CHECK(philox4x64({0, 0, 0, 0}, {0, 0}) ==
          A4{0x16554d9eca36314cULL, 0xdb20fe9d672d0fdcULL, 0xd7e772cee186176bULL, 0x7e68b68aec7ba23bULL});
    const std::uint64_t f = ~0ULL;
    CHECK(philox4x64({f, f, f, f}, {f, f}) ==
          A4{0x87b092c3013fe90bULL, 0x438c3c67be8d0224ULL, 0x9cc7d7c69cd777b6ULL, 0xa09caebf594f0ba0ULL});
    CHECK(philox4x64({0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL, 0x082efa98ec4e6c89ULL},
                     {0x452821e638d01377ULL, 0xbe5466cf34e90c6cULL}) ==
          A4{0xa528f45403e61d95ULL, 0x38c72dbd566e9788ULL, 0xa5a1610e72fd18b5ULL, 0x57bd43b5e52b7fe6ULL});
}

TEST_CASE("stream_uniform: counter (d / 4, sub, 0, 0), key (seed, hash), lane d % 4", "[sampling][streams]") {
    // numpy.random.Philox(key=[42, 0x41b90dde29446fdd], counter=[0, 0, 0, 0]).random_raw(4) (first output block
    // is counter 1): a356d1058b7e9e0d dc23bb565cc89dd8 3fe4d0709ccb7c59 62f2bb080bdd46b0.
    const auto k = StreamKey::of(42, "jobs");
    CHECK(stream_uniform(k, 4) == bits_to_unit(0xa356d1058b7e9e0dULL));
    CHECK(stream_uniform(k, 7) == bits_to_unit(0x62f2bb080bdd46b0ULL));
    CHECK(stream_uniform(k, 4, 1) != stream_uniform(k, 4, 0));  // sub-streams differ
}

TEST_CASE("bits_to_unit: open interval, symmetric grid", "[sampling][streams]") {
    CHECK(bits_to_unit(0) == std::ldexp(1.0, -53));
    CHECK(bits_to_unit(~0ULL) == 1.0 - std::ldexp(1.0, -53));
    CHECK(bits_to_unit(~0ULL) < 1.0);
    for (std::uint64_t x : {0ULL, 1ULL, 4096ULL, 0x123456789abcdefULL, ~0ULL >> 1})
        CHECK(bits_to_unit(x) + bits_to_unit(~x) == 1.0);
}

TEST_CASE("uniform_block equals stream_uniform for any start and length", "[sampling][streams]") {
    const auto k = StreamKey::of(7, "option.a.output");
    for (std::uint64_t d0 : {0ULL, 1ULL, 3ULL, 5ULL, 1000003ULL})
        for (std::size_t n : {1u, 2u, 3u, 4u, 9u, 64u}) {
            const auto u = mc(k, d0, n);
            for (std::size_t i = 0; i < n; ++i) CHECK(u[i] == stream_uniform(k, d0 + i));
        }
}

TEST_CASE("draws depend only on (seed, id, draw): thread count, prefix, CRN, added parameters", "[sampling][streams]") {
    const std::size_t n = 100000;
    const auto k = StreamKey::of(2024, "outcome.jobs.deadweight");
    const auto reference = mc(k, 0, n);

    SECTION("any thread count and chunking gives identical draws") {
        for (unsigned threads : {1u, 2u, 3u, 8u}) {
            std::vector<double> u(n);
            std::vector<std::thread> pool;
            for (unsigned t = 0; t < threads; ++t)
                pool.emplace_back([&, t] {
                    // Thread t takes blocks t, t + threads, ... of an odd block size 997.
                    for (std::size_t b = t * 997; b < n; b += threads * 997)
                        uniform_block(k, b, std::min<std::size_t>(997, n - b), Sampler::monte_carlo, 0, u.data() + b);
                });
            for (auto& th : pool) th.join();
            CHECK(u == reference);
        }
    }
    SECTION("the first N draws of a 2N run equal an N run") {
        const auto twice = mc(k, 0, 2 * n);
        CHECK(std::equal(reference.begin(), reference.end(), twice.begin()));
    }
    SECTION("common random numbers: the same parameter in two scenarios has the same draws") {
        const auto again = mc(StreamKey::of(2024, std::string("outcome.jobs.") + "deadweight"), 0, n);
        CHECK(again == reference);
        CHECK(mc(StreamKey::of(2025, "outcome.jobs.deadweight"), 0, n) != reference);  // another seed
    }
    SECTION("adding a parameter changes no other parameter's draws") {
        std::map<std::string, std::vector<double>> before, after;
        const std::vector<std::string> ids = {"a.cost", "b.cost", "jobs.coefficient"};
        for (const auto& id : ids) before[id] = mc(StreamKey::of(9, id), 0, 1000);
        std::vector<std::string> more = {"new.option.cost"};
        more.insert(more.end(), ids.begin(), ids.end());
        for (const auto& id : more) after[id] = mc(StreamKey::of(9, id), 0, 1000);
        for (const auto& id : ids) CHECK(after[id] == before[id]);
    }
    SECTION("streams of different parameters are uncorrelated and uniform") {
        const auto other = mc(StreamKey::of(2024, "outcome.jobs.displacement"), 0, n);
        // Independent streams: sample correlation ~ N(0, 1/n); 5 SE = 5 / sqrt(n) = 0.0158.
        CHECK(std::fabs(correlation(reference, other)) < 5 / std::sqrt(double(n)));
        // Mean 1/2 with SE sqrt(1/12 / n); 5 SE.
        const double m = std::accumulate(reference.begin(), reference.end(), 0.0) / n;
        CHECK(std::fabs(m - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
        for (double v : reference) REQUIRE((v > 0.0 && v < 1.0));
    }
}

TEST_CASE("keyed permutation is a bijection of [0, N)", "[sampling][lhs]") {
    for (std::uint64_t n : {1ULL, 2ULL, 3ULL, 4ULL, 5ULL, 17ULL, 1000ULL, 4096ULL, 4097ULL, 65537ULL}) {
        const KeyedPermutation pi(StreamKey::of(1, "p"), n);
        std::vector<char> seen(n, 0);
        for (std::uint64_t i = 0; i < n; ++i) {
            const auto v = pi(i);
            REQUIRE(v < n);
            REQUIRE(!seen[v]);
            seen[v] = 1;
        }
    }
    CHECK_THROWS_WITH(KeyedPermutation(StreamKey::of(1, "p"), 0),
                      "Latin hypercube: expected a number of draws >= 1, found 0");
}

TEST_CASE("Latin hypercube: each of the N strata hit exactly once per parameter", "[sampling][lhs]") {
    for (std::uint64_t n : {1ULL, 2ULL, 7ULL, 1000ULL, 100003ULL}) {
        for (const char* id : {"a", "b.cost", "c.outcome.value"}) {
            const auto k = StreamKey::of(11, id);
            std::vector<double> u(n);
            uniform_block(k, 0, n, Sampler::latin_hypercube, n, u.data());
            std::vector<char> hit(n, 0);
            for (double v : u) {
                REQUIRE((v > 0.0 && v < 1.0));
                const auto s = static_cast<std::uint64_t>(std::floor(v * static_cast<double>(n)));
                REQUIRE(s < n);
                REQUIRE(!hit[s]);
                hit[s] = 1;
            }
            // Blocked filling (as the engine does) gives the same values; so does the one-draw function.
            std::vector<double> blocked(n);
            for (std::uint64_t d0 = 0; d0 < n; d0 += 333)
                uniform_block(k, d0, std::min<std::uint64_t>(333, n - d0), Sampler::latin_hypercube, n, blocked.data() + d0);
            CHECK(blocked == u);
            CHECK(lhs_uniform(k, n - 1, n) == u[n - 1]);
        }
    }
}

TEST_CASE("Latin hypercube: permutations of different parameters are independent", "[sampling][lhs]") {
    // Rank correlation of two independent random permutations has SE 1 / sqrt(N - 1); tolerance 5 SE.
    const std::uint64_t n = 100000;
    const KeyedPermutation p(StreamKey::of(5, "a"), n), q(StreamKey::of(5, "b"), n);
    std::vector<double> a(n), b(n), d(n);
    for (std::uint64_t i = 0; i < n; ++i) {
        a[i] = double(p(i));
        b[i] = double(q(i));
        d[i] = double(i);
    }
    CHECK(std::fabs(correlation(a, b)) < 5 / std::sqrt(double(n - 1)));
    CHECK(std::fabs(correlation(a, d)) < 5 / std::sqrt(double(n - 1)));  // no trace of the draw order
    // Different seeds give different permutations of the same parameter.
    const KeyedPermutation p2(StreamKey::of(6, "a"), n);
    std::size_t same = 0;
    for (std::uint64_t i = 0; i < n; ++i) same += p(i) == p2(i);
    CHECK(same < 20);  // expected 1 fixed point on average
}

TEST_CASE("sampler names and LHS range errors", "[sampling][lhs]") {
    CHECK(parse_sampler("mc") == Sampler::monte_carlo);
    CHECK(parse_sampler("latin_hypercube") == Sampler::latin_hypercube);
    CHECK(std::string(sampler_name(Sampler::latin_hypercube)) == "lhs");
    CHECK_THROWS_AS(parse_sampler("sobol"), SamplingError);
    CHECK_THROWS_WITH(parse_sampler("sobol"),
                      "sampler: expected \"mc\" (Monte Carlo) or \"lhs\" (Latin hypercube), found \"sobol\"");
    std::vector<double> u(10);
    CHECK_THROWS_WITH(uniform_block(StreamKey::of(1, "a"), 5, 10, Sampler::latin_hypercube, 12, u.data()),
                      "Latin hypercube: expected draws [5, 15) inside [0, 12) (the number of draws of the run)");
    CHECK_THROWS_WITH(lhs_uniform(StreamKey::of(1, "a"), 12, 12),
                      "Latin hypercube: expected draw index < number of draws 12, found 12");
}

TEST_CASE("sample_block: Monte Carlo and LHS draws of a distribution", "[sampling][streams]") {
    const auto d = Distribution::triangular(0, 1, 3);
    const auto k = StreamKey::of(99, "x");
    std::vector<double> x(1000), u(1000);
    sample_block(d, k, 10, x.size(), Sampler::monte_carlo, 0, x.data());
    for (std::size_t i = 0; i < x.size(); ++i) CHECK(x[i] == d.quantile(stream_uniform(k, 10 + i)));
    sample_block(d, k, 0, x.size(), Sampler::latin_hypercube, 1000, x.data());
    uniform_block(k, 0, u.size(), Sampler::latin_hypercube, 1000, u.data());
    for (std::size_t i = 0; i < x.size(); ++i) CHECK(x[i] == d.quantile(u[i]));
    sample_block(Distribution::fixed(2.5), k, 0, 3, Sampler::monte_carlo, 0, x.data());
    CHECK(x[2] == 2.5);
}

TEST_CASE("KeyedPermutation::apply_block equals pi(i) one at a time (cycle walking included)", "[sampling][lhs]") {
    // n = 2^k + 1 has a Feistel domain of ~2n: about half the values are re-encrypted, some several times.
    for (std::uint64_t n : {1ULL, 5ULL, 257ULL, 1000ULL, 4097ULL, 65537ULL, 100003ULL}) {
        const KeyedPermutation pi(StreamKey::of(3, "walk"), n);
        for (std::uint64_t i0 : {std::uint64_t{0}, n / 3, n - 1}) {
            const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(1000, n - i0));
            std::vector<std::uint64_t> out(count);
            pi.apply_block(i0, count, out.data());
            for (std::size_t j = 0; j < count; ++j) REQUIRE(out[j] == pi(i0 + j));
        }
    }
}

TEST_CASE("keyed permutation: strata assignment looks random over many keys (justifies 8 rounds)",
          "[sampling][lhs]") {
    // For a uniformly random permutation of N: rho(i, pi(i)) and rho(pi, sigma) (independent sigma) have mean 0 and
    // SE 1 / sqrt(N - 1); the number of fixed points is ~Poisson(1), so their total over K keys is ~Poisson(K);
    // the counts of (i, pi(i)) in a 16 x 16 grid of equal cells give a chi-square with 225 degrees of freedom
    // (mean 225, SD sqrt(450) = 21.2), whose mean over K keys has SD 21.2 / sqrt(K). Tolerances: 4 SE per key for
    // the correlations, 4 SD for the totals over keys. N = 10007 (prime: cycle walking on most values' paths) and
    // N = 4096 (a power of 2: no cycle walking, the bare Feistel network). The same grid and correlation for
    // consecutive draws (pi(i), pi(i + 1)): consecutive indices differ only in their low (right-part) bits, where
    // a Feistel network with too few rounds shows its structure. Measured with the one-multiply round function:
    // 2, 4 and 6 rounds fail (mean chi-square at N = 4096: 354 with 4, 238 with 6), 8 rounds (used) pass
    // (docs/model/sampling.md, "Number of rounds").
    const int K = 200;
    for (std::uint64_t n : {10007ULL, 4096ULL}) {
        const double se = 1 / std::sqrt(double(n - 1));
        std::vector<double> d(n), a(n), b(n);
        for (std::uint64_t i = 0; i < n; ++i) d[i] = double(i);
        std::uint64_t fixed_points = 0;
        double chi2_sum = 0, chi2_serial_sum = 0, rho_sum = 0, rho2_sum = 0, max_abs = 0;
        // Chi-square of a 16 x 16 table of counts against expected counts e(r, c) = rows(r) cols(c) / total.
        const auto chi2_of = [](const std::vector<double>& cells) {
            std::vector<double> rows(16, 0.0), cols(16, 0.0);
            double total = 0;
            for (int r = 0; r < 16; ++r)
                for (int c = 0; c < 16; ++c) {
                    rows[std::size_t(r)] += cells[std::size_t(r * 16 + c)];
                    cols[std::size_t(c)] += cells[std::size_t(r * 16 + c)];
                    total += cells[std::size_t(r * 16 + c)];
                }
            double chi2 = 0;
            for (int r = 0; r < 16; ++r)
                for (int c = 0; c < 16; ++c) {
                    const double e = rows[std::size_t(r)] * cols[std::size_t(c)] / total;
                    const double o = cells[std::size_t(r * 16 + c)];
                    chi2 += (o - e) * (o - e) / e;
                }
            return chi2;
        };
        for (int key = 0; key < K; ++key) {
            const KeyedPermutation p(StreamKey::of(std::uint64_t(key), "p"), n);
            const KeyedPermutation q(StreamKey::of(std::uint64_t(key), "q"), n);
            std::vector<std::uint64_t> pv(n);
            p.apply_block(0, n, pv.data());
            std::vector<double> cells(256, 0.0), serial(256, 0.0);
            std::vector<double> next(n - 1), prev(n - 1);
            for (std::uint64_t i = 0; i < n; ++i) {
                a[i] = double(pv[i]);
                b[i] = double(q(i));
                fixed_points += pv[i] == i;
                cells[(i * 16 / n) * 16 + pv[i] * 16 / n] += 1;
                if (i + 1 < n) {
                    serial[(pv[i] * 16 / n) * 16 + pv[i + 1] * 16 / n] += 1;
                    prev[i] = double(pv[i]);
                    next[i] = double(pv[i + 1]);
                }
            }
            // Pearson on permutations of 0..N-1 is Spearman's rho.
            const double rho = correlation(d, a), rho_pq = correlation(a, b), rho_serial = correlation(prev, next);
            rho_sum += rho;
            rho2_sum += rho * rho;
            max_abs = std::max({max_abs, std::fabs(rho), std::fabs(rho_pq), std::fabs(rho_serial)});
            const double chi2 = chi2_of(cells);
            chi2_serial_sum += chi2_of(serial);
            chi2_sum += chi2;
        }
        INFO("n = " << n << ", max |rho| sqrt(n) = " << max_abs / se << ", mean chi2 = " << chi2_sum / K
                    << ", serial " << chi2_serial_sum / K
                    << ", fixed points = " << fixed_points << ", var(rho) n = " << rho2_sum / K / (se * se));
        CHECK(max_abs < 4 * se);
        CHECK(std::fabs(rho_sum / K) < 4 * se / std::sqrt(double(K)));
        // Variance of rho: E[rho^2] = 1 / (N - 1); K rho^2 / se^2 ~ chi-square(K): 4 SD = 4 sqrt(2K).
        CHECK(std::fabs(rho2_sum / (se * se) - K) < 4 * std::sqrt(2.0 * K));
        CHECK(std::fabs(double(fixed_points) - K) < 4 * std::sqrt(double(K)));
        CHECK(std::fabs(chi2_sum / K - 225) < 4 * std::sqrt(450.0 / K));
        CHECK(std::fabs(chi2_serial_sum / K - 225) < 4 * std::sqrt(450.0 / K));
    }
}

TEST_CASE("keyed permutation above 2^32 draws (64-bit round function): in range, distinct, blocks agree",
          "[sampling][lhs]") {
    const std::uint64_t n = (std::uint64_t{1} << 33) + 12345;
    const KeyedPermutation pi(StreamKey::of(7, "big"), n);
    std::vector<std::uint64_t> out(2000);
    pi.apply_block(n - 2000, 2000, out.data());
    std::vector<std::uint64_t> sorted = out;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
    for (std::size_t j = 0; j < out.size(); ++j) {
        REQUIRE(out[j] < n);
        REQUIRE(out[j] == pi(n - 2000 + j));
    }
}

TEST_CASE("Philox4x32-10 known-answer vectors (LHS jitter generator)", "[sampling][lhs]") {
    // Random123 1.09, tests/kat_vectors, "philox4x32 10" rows.
    CHECK(philox4x32({0, 0, 0, 0}, {0, 0}) ==
          std::array<std::uint32_t, 4>{0x6627e8d5U, 0xe169c58dU, 0xbc57ac4cU, 0x9b00dbd8U});
    CHECK(philox4x32({0xffffffffU, 0xffffffffU, 0xffffffffU, 0xffffffffU}, {0xffffffffU, 0xffffffffU}) ==
          std::array<std::uint32_t, 4>{0x408f276dU, 0x41c83b0eU, 0xa20bc7c6U, 0x6d5451fdU});
    CHECK(philox4x32({0x243f6a88U, 0x85a308d3U, 0x13198a2eU, 0x03707344U}, {0xa4093822U, 0x299f31d0U}) ==
          std::array<std::uint32_t, 4>{0xd16cfe09U, 0x94fdccebU, 0x5001e420U, 0x24126ea1U});
}

TEST_CASE("Latin hypercube jitter: uniform within strata, independent of the stratum and across parameters",
          "[sampling][lhs]") {
    // jitter = u N - pi(d) in (0, 1). For i.i.d. U(0, 1): mean 1/2 (SE sqrt(1/12 / N)), 10-bin chi-square with 9
    // degrees of freedom (mean 9, SD sqrt(18); tolerance 9 + 6 SD), correlation with the stratum and with another
    // parameter's jitter ~0 (SE 1 / sqrt(N)); tolerances 5 SE. Any block boundaries give the same values.
    const std::uint64_t n = 100003;
    const auto ka = StreamKey::of(21, "a"), kb = StreamKey::of(21, "b");
    std::vector<double> ua(n), ub(n), ja(n), jb(n), sa(n);
    uniform_block(ka, 0, n, Sampler::latin_hypercube, n, ua.data());
    uniform_block(kb, 0, n, Sampler::latin_hypercube, n, ub.data());
    std::vector<double> bins(10, 0.0);
    double mean = 0;
    for (std::uint64_t d = 0; d < n; ++d) {
        sa[d] = std::floor(ua[d] * double(n));
        ja[d] = ua[d] * double(n) - sa[d];
        jb[d] = ub[d] * double(n) - std::floor(ub[d] * double(n));
        REQUIRE((ja[d] >= 0.0 && ja[d] < 1.0));
        bins[std::size_t(ja[d] * 10)] += 1;
        mean += ja[d] / double(n);
    }
    double chi2 = 0;
    for (double c : bins) chi2 += (c - n / 10.0) * (c - n / 10.0) / (n / 10.0);
    CHECK(std::fabs(mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
    CHECK(chi2 < 9 + 6 * std::sqrt(18.0));
    CHECK(std::fabs(correlation(ja, sa)) < 5 / std::sqrt(double(n)));
    CHECK(std::fabs(correlation(ja, jb)) < 5 / std::sqrt(double(n)));
    // Odd block starts (d % 4 != 0) and the one-draw function agree with the whole-run fill.
    std::vector<double> part(1001);
    uniform_block(ka, 4099, part.size(), Sampler::latin_hypercube, n, part.data());
    for (std::size_t j = 0; j < part.size(); ++j) REQUIRE(part[j] == ua[4099 + j]);
    for (std::uint64_t d : {0ULL, 1ULL, 2ULL, 3ULL, 77777ULL}) CHECK(lhs_uniform(ka, d, n) == ua[d]);
}
