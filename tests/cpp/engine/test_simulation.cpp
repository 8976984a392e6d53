// The Monte Carlo engine: invariances that keyed streams promise (thread count, N / 2N prefix, common random
// numbers, adding an option), the samplers' properties seen in the sampled inputs (LHS strata, rank
// correlation), interruption, the deterministic = central-value identity, streaming summaries against the full
// tensor, and every bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <socval/engine.hpp>
#include <socval/engine/simulation.hpp>

#include "builder.hpp"

using namespace socval;
using enginetest::Builder;
using enginetest::fixed;
using enginetest::library;

namespace {

/// Bitwise equality of two arrays of doubles (NaN == NaN when the bits agree).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}
bool same_bits(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!same_bits(a[i], b[i])) return false;
    return true;
}
bool same_bits(const engine::YearSummary& a, const engine::YearSummary& b) {
    return same_bits(a.mean, b.mean) && same_bits(a.sd, b.sd) && same_bits(a.min, b.min) && same_bits(a.max, b.max) &&
           same_bits(a.quantiles, b.quantiles);
}

/// A small scenario with every feature the engine samples: two options on two levers, a lagged link, uncertain
/// outputs, coefficients, deadweight, drop-off and capital. `extra_option` adds a third option with its own
/// parameters (it must not change the draws of the others).
model::Scenario small_scenario(bool extra_option = false, double jobs_value = 500, int horizon = 6) {
    Builder b(horizon);
    const int good_work = b.priority("good_work", model::Pillar::economic);
    const int health = b.priority("health", model::Pillar::social);
    auto& jobs = b.outcome("jobs", jobs_value);
    jobs.deadweight = b.param("outcomes.jobs.deadweight", Distribution::uniform(0.1, 0.3));
    jobs.duration = 3;
    jobs.drop_off = b.param("outcomes.jobs.drop_off", Distribution::triangular(0.0, 0.2, 0.4));
    b.serve("jobs", good_work, 0.8);
    b.outcome("wellbeing", 80).lag = 1;
    b.serve("wellbeing", health, 1.0);
    auto& a = b.option("a", model::Lever::commissioning);
    a.costs.push_back({0, b.param("options.a.capital", Distribution::pert(8000, 10000, 15000)), fixed(0)});
    Builder::cost(a, 1, 0, 1000);
    b.output("a", "jobs", b.param("options.a.outputs.jobs", Distribution::triangular(5, 10, 20)));
    b.fund("a");
    auto& e = b.option("e", model::Lever::employer);
    Builder::cost(e, 0, 0, 2000);
    Builder::cost(e, 1, 0, 2000);
    b.output("e", "jobs", b.param("options.e.outputs.jobs", Distribution::lognormal_median(3, 6, 0.95)));
    b.fund("e");
    b.link("jobs", "wellbeing", b.param("links.jobs_wellbeing", Distribution::normal(2.0, 0.5)), 1);
    if (extra_option) {
        auto& c = b.option("c", model::Lever::anchor);
        Builder::cost(c, 0, 0, 5000);
        b.output("c", "wellbeing", b.param("options.c.outputs.wellbeing", Distribution::uniform(1, 3)));
        b.fund("c");
    }
    return b.s;
}

engine::SimulationResult run(const model::Scenario& s, engine::SimulationOptions o) {
    const engine::Plan plan = engine::compile(s, library());
    return engine::simulate(plan, s, o);
}

engine::SimulationOptions opts(std::uint64_t draws, std::uint64_t seed = 7, Sampler sampler = Sampler::latin_hypercube,
                               int threads = 1) {
    engine::SimulationOptions o;
    o.draws = draws;
    o.seed = seed;
    o.sampler = sampler;
    o.threads = threads;
    o.block_size = 64;
    return o;
}

/// Row p of the kept inputs.
std::vector<double> input(const engine::SimulationResult& r, const std::string& id) {
    const auto it = std::find(r.parameter_ids.begin(), r.parameter_ids.end(), id);
    REQUIRE(it != r.parameter_ids.end());
    const auto p = static_cast<std::size_t>(it - r.parameter_ids.begin());
    return {r.inputs.begin() + static_cast<std::ptrdiff_t>(p * r.draws),
            r.inputs.begin() + static_cast<std::ptrdiff_t>((p + 1) * r.draws)};
}

std::vector<double> ranks(const std::vector<double>& x) {
    std::vector<std::size_t> idx(x.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
    std::vector<double> r(x.size());
    for (std::size_t i = 0; i < idx.size(); ++i) r[idx[i]] = static_cast<double>(i);
    return r;
}

/// The exact reference the streaming summaries are checked against: two-pass mean and sample sd, P(x > 0).
struct Exact {
    double mean = 0, sd = 0, p_positive = 0;
};
Exact summarise(const double* x, std::size_t n) {
    Exact e;
    for (std::size_t i = 0; i < n; ++i) e.mean += x[i];
    e.mean /= static_cast<double>(n);
    double ss = 0;
    std::size_t pos = 0;
    for (std::size_t i = 0; i < n; ++i) {
        ss += (x[i] - e.mean) * (x[i] - e.mean);
        pos += x[i] > 0.0;
    }
    e.sd = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0.0;
    e.p_positive = static_cast<double>(pos) / static_cast<double>(n);
    return e;
}

/// Exact quantiles by linear interpolation between order statistics (Hyndman & Fan 1996 type 7, numpy's
/// default): h = (n - 1) q.
std::vector<double> exact_quantiles(const double* x, std::size_t n, const std::vector<double>& qs) {
    std::vector<double> s(x, x + n);
    std::sort(s.begin(), s.end());
    std::vector<double> out;
    for (double q : qs) {
        const double h = static_cast<double>(n - 1) * q;
        const auto lo = static_cast<std::size_t>(std::floor(h));
        out.push_back(lo + 1 >= n ? s.back() : s[lo] + (h - static_cast<double>(lo)) * (s[lo + 1] - s[lo]));
    }
    return out;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
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

TEST_CASE("results are bit-identical for 1, 2 and 4 threads", "[simulation][invariance]") {
    const auto s = small_scenario();
    for (Sampler sampler : {Sampler::latin_hypercube, Sampler::monte_carlo}) {
        auto o = opts(1000, 11, sampler, 1);  // 16 blocks of 64 draws, the last one partial (40)
        o.keep_full = true;
        o.keep_inputs = true;
        o.year_values = true;
        const auto r1 = run(s, o);
        REQUIRE(r1.value.mean.size() == r1.outcome_ids.size() * r1.years.size());
        for (int threads : {2, 4}) {
            o.threads = threads;
            const auto r = run(s, o);
            CHECK(same_bits(r.npsv, r1.npsv));
            CHECK(same_bits(r.bcr, r1.bcr));
            CHECK(same_bits(r.pv_costs, r1.pv_costs));
            CHECK(same_bits(r.priority_value, r1.priority_value));
            CHECK(same_bits(r.lever_value, r1.lever_value));
            CHECK(same_bits(r.outcome_total, r1.outcome_total));
            CHECK(same_bits(r.inputs, r1.inputs));
            CHECK(same_bits(r.full_level, r1.full_level));
            CHECK(same_bits(r.level, r1.level));
            CHECK(same_bits(r.value, r1.value));
            CHECK(same_bits(r.net, r1.net));
            CHECK(same_bits(r.outcome_pv_summary.quantiles, r1.outcome_pv_summary.quantiles));
            CHECK(same_bits(r.outcome_pv_summary.mean, r1.outcome_pv_summary.mean));
        }
    }
}

TEST_CASE("Monte Carlo: the first N draws of a 2N run equal an N run", "[simulation][invariance]") {
    const auto s = small_scenario();
    auto o = opts(300, 3, Sampler::monte_carlo, 2);
    o.keep_inputs = true;
    const auto a = run(s, o);
    o.draws = 600;
    const auto b = run(s, o);
    auto prefix = [](const std::vector<double>& v, std::size_t n) { return std::vector<double>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n)); };
    CHECK(same_bits(a.npsv, prefix(b.npsv, 300)));
    CHECK(same_bits(a.pv_benefits, prefix(b.pv_benefits, 300)));
    CHECK(same_bits(a.outcome_total[0], prefix(b.outcome_total[0], 300)));
    CHECK(same_bits(input(a, "links.jobs_wellbeing"), prefix(input(b, "links.jobs_wellbeing"), 300)));
    // Different seeds give different draws.
    o.draws = 300;
    o.seed = 4;
    CHECK_FALSE(same_bits(run(s, o).npsv, a.npsv));
}

TEST_CASE("two scenarios sharing a parameter share its draws; adding an option changes no other draw",
          "[simulation][crn]") {
    const auto base = small_scenario(false);
    const auto more = small_scenario(true);
    for (Sampler sampler : {Sampler::latin_hypercube, Sampler::monte_carlo}) {
        auto o = opts(500, 21, sampler, 2);
        o.keep_inputs = true;
        const auto a = run(base, o);
        const auto b = run(more, o);
        for (const auto& id : a.parameter_ids) CHECK(same_bits(input(a, id), input(b, id)));
        // The added option's value and cost come on top: lever "commissioning" and "employer" draws are the same.
        CHECK(same_bits(a.lever_value[0], b.lever_value[0]));
        CHECK(same_bits(a.lever_cost[2], b.lever_cost[2]));
    }
}

TEST_CASE("common random numbers: the paired difference has far less variance than independent runs",
          "[simulation][crn]") {
    // Scenario B values jobs at 520 instead of 500: paired draws differ by a small, smooth amount.
    const auto a_s = small_scenario(false, 500), b_s = small_scenario(false, 520);
    const auto a = run(a_s, opts(4000, 5));
    const auto b = run(b_s, opts(4000, 5));
    const auto b_indep = run(b_s, opts(4000, 6));
    auto var = [](const std::vector<double>& x) {
        const double m = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
        double s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return s / static_cast<double>(x.size() - 1);
    };
    std::vector<double> paired(a.npsv.size()), indep(a.npsv.size());
    for (std::size_t d = 0; d < paired.size(); ++d) {
        paired[d] = b.npsv[d] - a.npsv[d];
        indep[d] = b_indep.npsv[d] - a.npsv[d];
    }
    // Jobs make up a part of the value: the paired difference is 4% of the jobs value, so its variance is tiny.
    CHECK(var(paired) < 0.01 * var(indep));
    for (double d : paired) CHECK(d >= 0);  // more valuable jobs never lower NPSV draw by draw
}

TEST_CASE("Latin hypercube: each parameter's draws fill every stratum once", "[simulation][lhs]") {
    Builder b(2);
    b.priority("p");
    b.outcome("x", 1);
    auto& a = b.option("a");
    Builder::cost(a, 0, 0, 1);
    b.output("a", "x", b.param("u", Distribution::uniform(0, 1)));
    b.output("a", "x", b.param("t", Distribution::triangular(0, 1, 3)));
    b.fund("a");
    const std::uint64_t N = 777;
    auto o = opts(N, 9, Sampler::latin_hypercube, 2);
    o.keep_inputs = true;
    const auto r = run(b.s, o);
    const auto tri = Distribution::triangular(0, 1, 3);
    for (const std::string id : {"u", "t"}) {
        const auto x = input(r, id);
        std::vector<int> hits(N, 0);
        for (double v : x) {
            const double u = id == "u" ? v : tri.cdf(v);
            const auto stratum = static_cast<std::size_t>(std::min(u * static_cast<double>(N), static_cast<double>(N - 1)));
            ++hits[stratum];
        }
        CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
    }
}

TEST_CASE("declared rank correlations are achieved in the sampled inputs", "[simulation][copula]") {
    // Target Spearman 0.7 between the two outputs and -0.4 with the link coefficient. With 20000 draws the
    // standard error of a sample Spearman coefficient is about (1 - rho^2) / sqrt(n) <= 0.007: tolerance 0.03.
    auto s = small_scenario();
    auto index = [&](const std::string& id) {
        for (std::size_t p = 0; p < s.parameters.size(); ++p)
            if (s.parameters[p].id == id) return static_cast<int>(p);
        return -1;
    };
    model::Correlation c;
    c.params = {index("options.a.outputs.jobs"), index("options.e.outputs.jobs"), index("links.jobs_wellbeing")};
    c.matrix = {1, 0.7, -0.4, 0.7, 1, -0.4, -0.4, -0.4, 1};
    s.correlations.push_back(c);
    for (Sampler sampler : {Sampler::latin_hypercube, Sampler::monte_carlo}) {
        auto o = opts(20000, 13, sampler, 2);
        o.keep_inputs = true;
        const auto r = run(s, o);
        const auto a = ranks(input(r, "options.a.outputs.jobs")), e = ranks(input(r, "options.e.outputs.jobs")),
                   l = ranks(input(r, "links.jobs_wellbeing"));
        CHECK(pearson(a, e) == Approx(0.7).margin(0.03));
        CHECK(pearson(a, l) == Approx(-0.4).margin(0.03));
        CHECK(pearson(e, l) == Approx(-0.4).margin(0.03));
        // Uncorrelated parameters stay uncorrelated.
        CHECK(std::abs(pearson(a, ranks(input(r, "outcomes.jobs.deadweight")))) < 0.03);
    }
}

TEST_CASE("with every parameter fixed at its central value, every draw equals the deterministic appraisal",
          "[simulation][deterministic]") {
    auto s = small_scenario();
    const auto det = engine::evaluate(engine::compile(s, library()));
    for (auto& p : s.parameters) p.distribution = Distribution::fixed(p.distribution.central());
    const auto r = run(s, opts(200, 1, Sampler::monte_carlo, 2));
    for (std::size_t d = 0; d < r.draws; ++d) {
        REQUIRE(r.npsv[d] == det.npsv);
        REQUIRE(r.pv_costs[d] == det.pv_costs);
        REQUIRE(r.bcr[d] == det.bcr);
        REQUIRE(r.priority_value[0][d] == det.priority_value[0]);
        REQUIRE(r.lever_value[2][d] == det.lever_value[2]);
        REQUIRE(r.outcome_total[1][d] == det.outcome_total[1]);
    }
    // Per-year summaries of a constant series: mean = every quantile = the deterministic level, sd = 0.
    for (int t = 0; t < r.level.years; ++t) {
        const double v = det.level[0][static_cast<std::size_t>(t)];
        CHECK(r.level.mean[static_cast<std::size_t>(t)] == Approx(v).epsilon(1e-12));
        CHECK(r.level.sd[static_cast<std::size_t>(t)] == Approx(0).margin(1e-9 * (1 + std::abs(v))));
        for (std::size_t l = 0; l < r.quantile_levels.size(); ++l)
            CHECK(r.level.quantiles[static_cast<std::size_t>(t) * r.quantile_levels.size() + l] == v);
    }
}

TEST_CASE("the Monte Carlo mean of a model linear in its parameters equals the deterministic value",
          "[simulation][known]") {
    // NPSV is linear in the output amounts and the capital when deadweight, drop-off and the link coefficient are
    // fixed; central() is the mean, so E[NPSV] = deterministic NPSV. Tolerance: 4 standard errors of the mean.
    auto s = small_scenario();
    for (auto& p : s.parameters)
        if (p.id.rfind("options.", 0) != 0) p.distribution = Distribution::fixed(p.distribution.central());
    const auto det = engine::evaluate(engine::compile(s, library()));
    const auto r = run(s, opts(20000, 17, Sampler::latin_hypercube, 2));
    const auto sum = summarise(r.npsv.data(), r.npsv.size());
    CHECK(std::abs(sum.mean - det.npsv) < 4 * sum.sd / std::sqrt(20000.0));
}

TEST_CASE("streaming per-year summaries agree with the full tensor", "[simulation][summaries]") {
    const auto s = small_scenario();
    auto o = opts(5000, 23, Sampler::monte_carlo, 2);
    o.keep_full = true;
    o.year_values = true;
    o.quantiles = {0.05, 0.5, 0.95};
    const auto r = run(s, o);
    const std::size_t H = r.years.size(), O = r.outcome_ids.size(), L = r.quantile_levels.size();
    for (std::size_t oc = 0; oc < O; ++oc)
        for (std::size_t t = 0; t < H; ++t) {
            std::vector<double> x(r.draws);
            for (std::size_t d = 0; d < r.draws; ++d) x[d] = r.full_level[(d * H + t) * O + oc];
            const auto e = summarise(x.data(), x.size());
            const std::size_t c = oc * H + t;
            CHECK(r.level.mean[c] == Approx(e.mean).epsilon(1e-10).margin(1e-12));
            CHECK(r.level.sd[c] == Approx(e.sd).epsilon(1e-8).margin(1e-12));
            CHECK(r.level.min[c] == *std::min_element(x.begin(), x.end()));
            CHECK(r.level.max[c] == *std::max_element(x.begin(), x.end()));
            // Histogram quantiles: within one bin width (range * 1.5 / 512) of the exact type-7 quantile.
            const double width = (e.sd > 0 ? (r.level.max[c] - r.level.min[c]) * 1.5 / 512 : 0) + 1e-12;
            const auto exact = exact_quantiles(x.data(), x.size(), o.quantiles);
            for (std::size_t l = 0; l < L; ++l) CHECK(std::abs(r.level.quantiles[c * L + l] - exact[l]) <= width);
        }
    // Per-year values and benefits: means agree with the full tensor of values.
    for (std::size_t t = 0; t < H; ++t) {
        double benefits = 0;
        for (std::size_t oc = 0; oc < O; ++oc) {
            double sum = 0;
            for (std::size_t d = 0; d < r.draws; ++d) sum += r.full_value[(d * H + t) * O + oc];
            CHECK(r.value.mean[oc * H + t] == Approx(sum / static_cast<double>(r.draws)).epsilon(1e-10).margin(1e-9));
            benefits += sum / static_cast<double>(r.draws);
        }
        CHECK(r.benefits.mean[t] == Approx(benefits).epsilon(1e-10).margin(1e-9));
        CHECK(r.net.mean[t] == Approx(r.benefits.mean[t] - r.cost.mean[t]).epsilon(1e-10).margin(1e-6));
    }
    // Streaming outcome totals agree with the kept per-draw totals.
    for (std::size_t oc = 0; oc < O; ++oc) {
        const auto e = summarise(r.outcome_total[oc].data(), r.draws);
        CHECK(r.outcome_total_summary.mean[oc] == Approx(e.mean).epsilon(1e-10));
        CHECK(r.outcome_total_summary.p_positive[oc] == Approx(e.p_positive));
    }
}

TEST_CASE("a cancelled run throws Interrupted; progress is reported; a throwing callback stops the run",
          "[simulation][interrupt]") {
    // 600 years: about 100 times the work per draw of the 6-year scenario, so the run lasts far longer than the
    // cancellation delays below, whatever the machine.
    const auto s = small_scenario(false, 500, 600);
    auto o = opts(200000, 1, Sampler::monte_carlo, 2);
    o.report_interval = 0.01;
    // Cancelled at once: while allocating the arrays. Cancelled after 0.1 s: between blocks.
    o.cancelled = [] { return true; };
    CHECK_THROWS_WITH(run(s, o), Catch::Contains("interrupted while allocating") &&
                                     Catch::Contains("no results were kept"));
    const auto t0 = std::chrono::steady_clock::now();
    o.cancelled = [t0] { return std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(100); };
    CHECK_THROWS_AS(run(s, o), Interrupted);
    // Cancelled once the blocks run (progress has been reported).
    std::atomic<bool> running{false};
    o.progress = [&](std::uint64_t, std::uint64_t) { running = true; };
    o.cancelled = [&] { return running.load(); };
    CHECK_THROWS_WITH(run(s, o), Catch::Contains("interrupted after") && Catch::Contains("no results were kept"));
    o.progress = nullptr;

    o.cancelled = nullptr;
    o.draws = 5000;
    std::vector<std::uint64_t> seen;
    o.progress = [&](std::uint64_t done, std::uint64_t total) {
        CHECK(total == 5000);
        seen.push_back(done);
    };
    run(s, o);
    REQUIRE(!seen.empty());
    CHECK(seen.back() == 5000);
    CHECK(std::is_sorted(seen.begin(), seen.end()));

    o.draws = 200000;
    o.progress = [](std::uint64_t, std::uint64_t) { throw std::runtime_error("progress bar failed"); };
    CHECK_THROWS_WITH(run(s, o), "progress bar failed");
}

TEST_CASE("bad options, correlations and draws are errors that say why", "[simulation][errors]") {
    const auto s = small_scenario();
    const auto plan = engine::compile(s, library());
    auto o = opts(100);
    o.draws = 0;
    CHECK_THROWS_WITH(engine::simulate(plan, s, o), Catch::Contains("draws") && Catch::Contains("found 0"));
    o = opts(100);
    o.quantiles = {0.5, 1.5};
    CHECK_THROWS_AS(engine::simulate(plan, s, o), SamplingError);
    CHECK_THROWS_WITH(engine::simulate(plan, s, o), Catch::Contains("quantiles") && Catch::Contains("1.5"));
    o = opts(100);
    o.block_size = 0;
    CHECK_THROWS_WITH(engine::simulate(plan, s, o), Catch::Contains("block_size"));
    o = opts(100);
    o.threads = -1;
    CHECK_THROWS_WITH(engine::simulate(plan, s, o), Catch::Contains("threads"));
    o = opts(100);
    o.histogram_bins = 3;
    CHECK_THROWS_WITH(engine::simulate(plan, s, o), Catch::Contains("histogram_bins"));

    // A plan of another scenario.
    const auto other = small_scenario(true);
    CHECK_THROWS_AS(engine::simulate(plan, other, opts(100)), ScenarioError);

    // A parameter in two correlation matrices; a matrix that is not a correlation matrix.
    auto c = s;
    model::Correlation c1;
    c1.params = {0, 1};
    c1.matrix = {1, 0.5, 0.5, 1};
    c.correlations = {c1, c1};
    c.correlations[1].params = {1, 2};
    CHECK_THROWS_WITH(engine::simulate(plan, c, opts(100)), Catch::Contains("at most one correlation"));
    c.correlations = {c1};
    c.correlations[0].matrix = {1, 0.5, 0.4, 1};
    CHECK_THROWS_AS(engine::simulate(plan, c, opts(100)), SamplingError);
    c.correlations[0].matrix = {1, 0.5, 0.5};
    CHECK_THROWS_WITH(engine::simulate(plan, c, opts(100)), Catch::Contains("2 x 2"));

    // A sampled deadweight outside [0, 1] is an AppraisalError naming the outcome.
    auto bad = s;
    for (auto& p : bad.parameters)
        if (p.id == "outcomes.jobs.deadweight") p.distribution = Distribution::normal(0.2, 0.5);
    const auto bad_plan = engine::compile(bad, library());
    CHECK_THROWS_WITH(engine::simulate(bad_plan, bad, opts(1000, 1, Sampler::monte_carlo, 2)),
                      Catch::Contains("jobs"));
}

TEST_CASE("a single draw and runs smaller than a block work", "[simulation][edge]") {
    const auto s = small_scenario();
    auto o = opts(1, 2, Sampler::latin_hypercube, 4);
    const auto r = run(s, o);
    CHECK(r.npsv.size() == 1);
    CHECK(r.level.sd[0] == 0);
    o.draws = 10;
    o.track_levers = false;
    o.keep_outcomes = false;
    const auto r10 = run(s, o);
    CHECK(r10.lever_value.empty());
    CHECK(r10.outcome_total.empty());
    CHECK(r10.outcome_total_summary.mean.size() == 2);
}

TEST_CASE("value by beneficiary and cost by lever as streaming summaries", "[simulation][memory]") {
    const auto s = small_scenario();
    auto o = opts(1000, 3, Sampler::monte_carlo, 2);
    o.keep_breakdowns = true;
    const auto kept = run(s, o);
    o.keep_breakdowns = false;
    const auto streamed = run(s, o);
    CHECK(kept.beneficiary_summary.mean.empty());
    CHECK(kept.lever_cost_summary.mean.empty());
    REQUIRE(streamed.beneficiary_value.empty());
    REQUIRE(streamed.lever_cost.empty());
    CHECK(same_bits(streamed.npsv, kept.npsv));  // nothing else changes
    CHECK(same_bits(streamed.lever_value[0], kept.lever_value[0]));
    CHECK(same_bits(streamed.level.mean, kept.level.mean));
    auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); };
    for (std::size_t j = 0; j < 3; ++j) {
        CHECK(streamed.beneficiary_summary.mean[j] == Approx(mean(kept.beneficiary_value[j])).epsilon(1e-12).margin(1e-9));
        CHECK(streamed.lever_cost_summary.mean[j] == Approx(mean(kept.lever_cost[j])).epsilon(1e-12).margin(1e-9));
        CHECK(streamed.beneficiary_summary.min[j] == *std::min_element(kept.beneficiary_value[j].begin(), kept.beneficiary_value[j].end()));
        CHECK(streamed.lever_cost_summary.max[j] == *std::max_element(kept.lever_cost[j].begin(), kept.lever_cost[j].end()));
    }
    // Unset: kept up to kBreakdownDraws.
    o.keep_breakdowns.reset();
    CHECK_FALSE(run(s, o).beneficiary_value.empty());
}

namespace {
/// Every array of two results, bit for bit (per-draw arrays and every streaming summary).
void check_same_result(const engine::SimulationResult& r, const engine::SimulationResult& r1) {
    CHECK(r.draws == r1.draws);
    CHECK(same_bits(r.npsv, r1.npsv));
    CHECK(same_bits(r.bcr, r1.bcr));
    CHECK(same_bits(r.pv_costs, r1.pv_costs));
    CHECK(same_bits(r.pv_others, r1.pv_others));
    CHECK(same_bits(r.priority_value, r1.priority_value));
    CHECK(same_bits(r.pillar_value, r1.pillar_value));
    CHECK(same_bits(r.lever_value, r1.lever_value));
    CHECK(same_bits(r.outcome_total, r1.outcome_total));
    CHECK(same_bits(r.outcome_pv, r1.outcome_pv));
    CHECK(same_bits(r.inputs, r1.inputs));
    CHECK(same_bits(r.full_level, r1.full_level));
    CHECK(same_bits(r.full_value, r1.full_value));
    for (auto pair : {std::make_pair(&r.level, &r1.level), std::make_pair(&r.value, &r1.value),
                      std::make_pair(&r.cost, &r1.cost), std::make_pair(&r.benefits, &r1.benefits),
                      std::make_pair(&r.net, &r1.net)})
        CHECK(same_bits(*pair.first, *pair.second));
    for (auto pair : {std::make_pair(&r.outcome_total_summary, &r1.outcome_total_summary),
                      std::make_pair(&r.outcome_pv_summary, &r1.outcome_pv_summary)}) {
        CHECK(same_bits(pair.first->mean, pair.second->mean));
        CHECK(same_bits(pair.first->sd, pair.second->sd));
        CHECK(same_bits(pair.first->min, pair.second->min));
        CHECK(same_bits(pair.first->max, pair.second->max));
        CHECK(same_bits(pair.first->p_positive, pair.second->p_positive));
        CHECK(same_bits(pair.first->quantiles, pair.second->quantiles));
    }
}
}  // namespace

TEST_CASE("parts of a run merged in block order equal the whole run, however the blocks are split",
          "[simulation][parts]") {
    const auto s = small_scenario();
    const auto plan = engine::compile(s, library());
    for (Sampler sampler : {Sampler::latin_hypercube, Sampler::monte_carlo}) {
        auto o = opts(1000, 11, sampler, 1);  // 16 blocks of 64 draws, the last one partial (40)
        o.keep_full = true;
        o.keep_inputs = true;
        o.year_values = true;
        o.quantile_draws = 300;  // the histograms stop counting inside a part
        const auto whole = engine::simulate(plan, s, o);
        // Splits: one part; parts of 1, 5 and 10 blocks; the parts computed in reverse order with 2 threads
        // (each through bytes, as they travel between processes), merged in block order.
        for (const std::vector<std::uint64_t>& sizes :
             {std::vector<std::uint64_t>{16}, {1, 5, 10}, {3, 3, 3, 3, 3, 1}, {15, 1}}) {
            std::vector<std::uint64_t> firsts;
            std::uint64_t at = 0;
            for (auto n : sizes) {
                firsts.push_back(at);
                at += n;
            }
            std::vector<std::vector<std::uint8_t>> bytes(sizes.size());
            auto po = o;
            po.threads = 2;
            for (std::size_t i = sizes.size(); i-- > 0;)
                bytes[i] = engine::encode_part(engine::simulate_part(plan, s, po, firsts[i], sizes[i]));
            engine::SimulationMerge merge(plan, s, o);
            for (const auto& b : bytes) merge.add(engine::decode_part(b.data(), b.size()));
            check_same_result(merge.finish(), whole);
        }
    }
}

TEST_CASE("a merge refuses parts out of order or of another run, and its state resumes it", "[simulation][parts]") {
    const auto s = small_scenario();
    const auto plan = engine::compile(s, library());
    auto o = opts(1000, 11);
    const auto whole = engine::simulate(plan, s, o);
    {
        engine::SimulationMerge merge(plan, s, o);
        CHECK_THROWS_WITH(merge.add(engine::simulate_part(plan, s, o, 4, 2)),
                          Catch::Contains("expected the part starting at block 0"));
        auto other = o;
        other.seed = 12;
        CHECK_THROWS_WITH(merge.add(engine::simulate_part(plan, s, other, 0, 2)), Catch::Contains("another run"));
        CHECK_THROWS_WITH(merge.finish(), Catch::Contains("expected all 16 blocks"));
        CHECK_THROWS_WITH(engine::simulate_part(plan, s, o, 16, 1), Catch::Contains("inside the run's 16 blocks"));
        auto bytes = engine::encode_part(engine::simulate_part(plan, s, o, 0, 2));
        bytes.resize(bytes.size() - 3);
        CHECK_THROWS_WITH(engine::decode_part(bytes.data(), bytes.size()), Catch::Contains("simulation part"));
    }
    // A checkpoint after 6 blocks: a new merge restored from it and given blocks 6.. ends with the whole run's
    // summaries (the per-draw arrays before the checkpoint are the caller's).
    std::vector<std::uint8_t> state;
    {
        engine::SimulationMerge merge(plan, s, o);
        merge.add(engine::simulate_part(plan, s, o, 0, 6));
        state = merge.state();
    }
    engine::SimulationMerge resumed(plan, s, o);
    resumed.restore(state.data(), state.size());
    CHECK(resumed.next_block() == 6);
    resumed.add(engine::simulate_part(plan, s, o, 6, 10));
    auto r = resumed.finish();
    CHECK(same_bits(r.net, whole.net));
    CHECK(same_bits(r.level, whole.level));
    CHECK(same_bits(r.outcome_pv_summary.quantiles, whole.outcome_pv_summary.quantiles));
    CHECK(std::equal(r.npsv.begin() + 6 * 64, r.npsv.end(), whole.npsv.begin() + 6 * 64));
}
