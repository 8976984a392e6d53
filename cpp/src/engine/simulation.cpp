/// The Monte Carlo engine (docs/model/simulation.md): block 0 is evaluated first in the calling thread (it sets
/// the histogram edges), then worker threads claim the other blocks in order. Each block is sampled on keyed
/// streams, evaluated by the same Evaluator as the deterministic appraisal, its per-draw metrics written at
/// their draw index, its moments merged in block order, its order-free counts kept per thread.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <memory>
#include <thread>
#include <utility>

#include <time.h>

#include <socval/common/blocks.hpp>
#include <socval/common/huge_pages.hpp>
#include <socval/engine/evaluator.hpp>
#include <socval/engine/simulation.hpp>
#include <socval/errors.hpp>

#include "finite.hpp"
#include "simulation_summary.hpp"

namespace socval::engine {

namespace {

using detail::BlockMoments;
using detail::BlockSums;
using detail::ByteReader;
using detail::ByteWriter;
using detail::LocalCounts;
using detail::SeriesSummaries;

/// Draws per Evaluator::run. A block (block_size draws, the unit of sampling and of the in-order merge) is
/// evaluated in parts of this size so that the Evaluator's rows stay in the core's cache; the parts are
/// summarised into the same lane sums as one pass over the block, so results do not depend on it. A multiple
/// of 8 (the summaries' lanes).
constexpr int kPart = 64;

/// The row length of a part's own rows: its draws padded to whole chunks of 8 lanes (the evaluator's kernels
/// write whole chunks).
inline std::size_t own_stride(int B) { return static_cast<std::size_t>((std::min(B, kPart) + 7) / 8 * 8); }

/// CPU time of the calling thread, in seconds: the phase timings count work, not waiting for a core (the
/// machine may be shared).
double thread_seconds() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void check_options(const Plan& plan, const model::Scenario& scenario, const SimulationOptions& o) {
    if (o.draws < 1) throw SamplingError("simulation: draws: expected a whole number >= 1, found 0");
    if (o.block_size < 1 || o.block_size > 65536)
        throw SamplingError("simulation: block_size: expected 1..65536 draws, found " + std::to_string(o.block_size));
    if (o.threads < 0)
        throw SamplingError("simulation: threads: expected a number >= 0 (0 = one per core), found " +
                            std::to_string(o.threads));
    if (!o.keep_draws && (o.keep_outcomes || o.keep_full || o.keep_inputs || o.keep_breakdowns.value_or(false)))
        throw SamplingError("simulation: keep_draws=false (streaming): expected keep_outcomes, keep_full, "
                            "keep_inputs and keep_breakdowns off (they keep values per draw), found one on");
    if (o.histogram_bins < 16 || o.histogram_bins > (1 << 20))
        throw SamplingError("simulation: histogram_bins: expected 16..1048576, found " +
                            std::to_string(o.histogram_bins));
    for (double q : o.quantiles)
        if (!(q >= 0.0 && q <= 1.0))
            throw SamplingError("simulation: quantiles: expected levels in [0, 1], found " + show(q));
    if (!(o.report_interval > 0.0))
        throw SamplingError("simulation: report_interval: expected seconds > 0, found " + show(o.report_interval));
    if (plan.parameter_ids.size() != scenario.parameters.size())
        throw ScenarioError("simulation: expected the plan compiled from this scenario, found a plan with " +
                            std::to_string(plan.parameter_ids.size()) + " parameters for a scenario with " +
                            std::to_string(scenario.parameters.size()));
    for (std::size_t p = 0; p < scenario.parameters.size(); ++p)
        if (plan.parameter_ids[p] != scenario.parameters[p].id)
            throw ScenarioError("simulation: expected the plan compiled from this scenario, found parameter " +
                                std::to_string(p) + " = " + plan.parameter_ids[p] + " in the plan and " +
                                scenario.parameters[p].id + " in the scenario");
}

/// The parameter rows of options.given_ids, after checking the given values (issue 15): known and distinct ids,
/// one value per parameter and draw, each finite and inside its parameter's support. SamplingError otherwise.
std::vector<int> given_rows(const model::Scenario& scenario, const SimulationOptions& o) {
    const std::string what = "simulation: given values: ";
    const std::size_t k = o.given_ids.size(), N = static_cast<std::size_t>(o.draws);
    if (o.given_values.size() != k * N)
        throw SamplingError(what + "expected " + std::to_string(k) + " parameters x " + std::to_string(N) +
                            " draws = " + std::to_string(k * N) + " values, found " +
                            std::to_string(o.given_values.size()));
    std::vector<int> rows;
    for (std::size_t g = 0; g < k; ++g) {
        const auto& id = o.given_ids[g];
        int row = -1;
        for (std::size_t p = 0; p < scenario.parameters.size(); ++p)
            if (scenario.parameters[p].id == id) row = static_cast<int>(p);
        if (row < 0) throw SamplingError(what + "expected the id of one of the scenario's parameters, found '" + id + "'");
        if (std::find(rows.begin(), rows.end(), row) != rows.end())
            throw SamplingError(what + "expected each parameter once, found '" + id + "' twice");
        const auto& param = scenario.parameters[static_cast<std::size_t>(row)];
        const Distribution& dist = param.distribution;
        const double lo = dist.support_min(), hi = dist.support_max();
        const auto discrete = dist.discrete_values();
        const double* v = o.given_values.data() + g * N;
        for (std::size_t d = 0; d < N; ++d) {
            const bool inside = std::isfinite(v[d]) && v[d] >= lo && v[d] <= hi &&
                                (discrete.empty() || std::binary_search(discrete.begin(), discrete.end(), v[d]));
            if (!inside)
                throw SamplingError(param.where, what + "parameter '" + id + "', draw " + std::to_string(d) +
                                                     ": expected a finite value in the support of " + dist.describe() +
                                                     " [" + show(lo) + ", " + show(hi) + "], found " + show(v[d]));
        }
        rows.push_back(row);
    }
    return rows;
}

/// Everything one thread needs to evaluate and summarise blocks.
struct Worker {
    Evaluator ev;
    std::vector<double> params;  ///< P rows of B (the whole block is sampled at once)
    /// Rows of a part the evaluator does not keep between calls: benefits and net (benefits - costs) by year,
    /// and each outcome's value by year when summarised (Evaluator::value() and benefits() share a scratch row).
    std::vector<double> own;
    std::vector<const double*> series;
    std::vector<double> by_year;  ///< value by place and quintile, each year's rows of a part (year_breakdowns)
    /// Whether `series` points at the evaluator's rows yet: they do not move (Evaluator::level() and the other
    /// row accessors), so the 1,800 level rows are looked up once, not once per part.
    bool pointed = false;
    LocalCounts local;
    BlockSums sums;
    BlockMoments moments;
    SimulationResult::Timings timings;
    double mark = 0;  ///< thread CPU time at the end of the last phase timed
    /// Add the thread CPU time since the last mark to `phase`: one clock read per phase (in a virtual machine each
    /// read is a system call of a few microseconds, and a run makes tens of thousands).
    void lap(double& phase) {
        const double now = thread_seconds();
        phase += now - mark;
        mark = now;
    }
    Worker(const std::shared_ptr<const Program>& program, int B, const SeriesSummaries& s, bool year_values)
        : ev(program, std::min(B, kPart)),
          params(static_cast<std::size_t>(program->plan().n_params()) * static_cast<std::size_t>(B)),
          own(static_cast<std::size_t>(program->plan().horizon) *
              (2 + (year_values ? program->plan().outcomes.size() : 0)) * own_stride(B)),
          series(static_cast<std::size_t>(s.series())),
          local(s.make_local()) {}
};

/// The run: shared read-only inputs, the result being filled, and the block pipeline.
class Run {
public:
    /// The run `o` defines; run_part() computes only blocks [first_block, end_block) of it.
    Run(const Plan& plan, const model::Scenario& scenario, const SimulationOptions& o, std::uint64_t first_block = 0,
        std::uint64_t end_block = std::numeric_limits<std::uint64_t>::max())
        : plan_(plan),
          opt_(o),
          sampler_(scenario, o.seed, o.sampler, o.draws),
          N_(o.draws),
          B_(static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(o.block_size), o.draws))),
          blocks_((o.draws + static_cast<std::uint64_t>(B_) - 1) / static_cast<std::uint64_t>(B_)),
          H_(plan.horizon),
          O_(static_cast<int>(plan.outcomes.size())),
          K_(static_cast<int>(plan.priority_ids.size())),
          // At most 2^32 - 1 draws per histogram, so that 32-bit counts cannot overflow.
          Q_(std::min<std::uint64_t>(o.quantile_draws == 0 ? o.draws : std::min(o.quantile_draws, o.draws),
                                     0xFFFFFFFFull)),
          tracking_(o.track_levers ? Tracking::lever : Tracking::none),
          VH_(o.year_values ? O_ * H_ : 0),
          breakdowns_(o.keep_draws && o.keep_breakdowns.value_or(o.draws <= kBreakdownDraws)),
          BK_(breakdowns_ ? 0 : tracking_ != Tracking::none ? 6 : 3),
          HD_(o.keep_draws ? 0 : static_cast<int>(kHeadlineStreamed.size())),
          NP_(o.year_breakdowns ? static_cast<int>(plan.place_ids.size()) : 0),
          NQ_(o.year_breakdowns && plan.people ? model::kQuintiles + 1 : 0),
          ND_(o.year_breakdowns && plan.deciles ? model::kDeciles + 1 : 0),
          summaries_(O_ * H_ + VH_ + 3 * H_ + 2 * O_ + BK_ + (NP_ + NQ_ + ND_) * H_ + HD_, o.histogram_bins),
          program_(make_program(borrow(plan), tracking_)),
          first_block_(first_block),
          end_block_(std::min(end_block, blocks_)),
          d_lo_(std::min(first_block_ * static_cast<std::uint64_t>(B_), N_)),
          n_keep_(std::min(end_block_ * static_cast<std::uint64_t>(B_), N_) - d_lo_),
          given_(given_rows(scenario, o)) {}

    SimulationResult run();
    SimulationPart run_part();

    // The in-order merge of parts (SimulationMerge).
    void start_merge();
    void add_part(const SimulationPart& part);
    std::vector<std::uint8_t> state() const;
    void restore(const std::uint8_t* data, std::size_t size);
    SimulationResult finish_merge();
    std::uint64_t next_block() const { return next_part_; }
    std::uint64_t blocks() const { return blocks_; }
    int block_size() const { return B_; }

private:
    const Plan& plan_;
    const SimulationOptions& opt_;
    ParameterSampler sampler_;
    std::uint64_t N_;
    int B_;
    std::uint64_t blocks_;
    int H_, O_, K_;
    std::uint64_t Q_;
    Tracking tracking_;
    int VH_;  ///< value series (outcomes x years) when year_values, else 0
    bool breakdowns_;  ///< value by beneficiary and cost by lever kept draw by draw
    int BK_;           ///< their streaming series otherwise (3 beneficiaries, 3 lever costs), else 0
    int HD_;           ///< streaming series of the headline PVs without keep_draws (kHeadlineStreamed), else 0
    int NP_, NQ_;      ///< places and quintiles (with unallocated) summarised by year; 0 without year_breakdowns
    int ND_;           ///< IMD deciles (with unallocated) summarised by year; 0 without year_breakdowns or deciles
    SeriesSummaries summaries_;
    std::shared_ptr<const Program> program_;  ///< compiled once, shared by every worker
    SimulationResult r_;
    std::uint64_t first_block_, end_block_;  ///< the blocks computed (all of them but in run_part())
    std::uint64_t d_lo_, n_keep_;            ///< their draws [d_lo_, d_lo_ + n_keep_), kept per draw in r_
    std::vector<int> given_;                 ///< parameter rows of opt_.given_ids (given values)
    /// run_part(): each block's moments in block order, kept for the merge instead of merged here.
    std::vector<BlockMoments>* collect_ = nullptr;
    std::uint64_t next_part_ = 0;            ///< SimulationMerge: the block the next part must start at
    std::vector<std::uint8_t> edges_;        ///< SimulationMerge: the edges every part must share

    // Block pipeline state (guarded by mu_ unless atomic). Blocks run on the core's block runner; the merge
    // of moments in block order and the window that bounds pending moments are this pipeline's own.
    std::mutex mu_;
    std::condition_variable merged_cv_;
    std::uint64_t next_merge_ = 1, window_ = 1;
    std::uint64_t failed_block_ = std::numeric_limits<std::uint64_t>::max();  ///< lowest failed block so far
    std::map<std::uint64_t, BlockMoments> pending_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> done_draws_{0};

    std::size_t series_level(int o, int t) const { return static_cast<std::size_t>(o * H_ + t); }
    std::size_t series_value(int o, int t) const { return static_cast<std::size_t>(O_ * H_ + o * H_ + t); }
    std::size_t series_year(int which, int t) const { return static_cast<std::size_t>(O_ * H_ + VH_ + which * H_ + t); }
    std::size_t series_draw(int which, int o) const {
        return static_cast<std::size_t>(O_ * H_ + VH_ + 3 * H_ + which * O_ + o);
    }
    std::size_t series_breakdown(int j) const { return static_cast<std::size_t>(O_ * H_ + VH_ + 3 * H_ + 2 * O_ + j); }
    /// Value by place (j < NP_), quintile (NP_ + q) or IMD decile (NP_ + NQ_ + d) in year t.
    std::size_t series_place_year(int j, int t) const { return series_breakdown(BK_) + static_cast<std::size_t>(j * H_ + t); }
    /// The headline PVs of a streaming run (kHeadlineStreamed), after the per-year place and quintile series.
    std::size_t series_headline(int j) const {
        return series_breakdown(BK_) + static_cast<std::size_t>((NP_ + NQ_ + ND_) * H_ + j);
    }

    void describe();
    void allocate();
    void run_blocks();
    void tables();
    void absorb(BlockMoments&& m) {
        if (collect_) collect_->push_back(std::move(m));
        else summaries_.merge(m);
    }
    void fingerprint(ByteWriter& w) const;
    void check_fingerprint(ByteReader& r) const;
    std::size_t evaluate_block(Worker& w, std::uint64_t b, bool keep = true);
    void evaluate_part(Worker& w, std::uint64_t d0, std::size_t n, bool keep = true);
    void summarise_part(Worker& w, std::uint64_t d0, std::size_t n, std::size_t done, std::size_t block_n);
    void year_breakdowns(Worker& w);
    void work(Worker& w, std::uint64_t b);
    void stop_all();
    void poll(std::chrono::steady_clock::time_point& last);
    void finish(std::vector<Worker>& workers);
};

/// The result's arrays: reserved (on huge pages: far fewer page faults than 4 KB pages), then zero-filled on the
/// run's threads. Filling gigabytes takes seconds, so cancellation is polled between arrays.
void Run::allocate() {
    if (!opt_.keep_draws) return;  // streaming: nothing per draw
    const std::size_t N = static_cast<std::size_t>(n_keep_);
    auto poll = [&] {
        if (opt_.cancelled && opt_.cancelled())
            throw Interrupted("simulation interrupted while allocating its arrays; no results were kept");
    };
    std::vector<std::pair<std::vector<double>*, std::size_t>> fill;  // (array, values): zero-filled below
    auto reserve = [&](std::vector<double>& v, std::size_t n) {
        reserve_on_huge_pages(v, n);
        fill.emplace_back(&v, n);
    };
    auto draws = [&](std::vector<double>& v) { reserve(v, N); };
    auto table = [&](std::vector<std::vector<double>>& v, int rows) {
        v.resize(static_cast<std::size_t>(rows));
        for (auto& x : v) draws(x);
    };
    for (auto* v : {&r_.pv_costs, &r_.pv_investment, &r_.pv_benefits, &r_.pv_others}) draws(*v);
    table(r_.priority_value, K_ + 1);
    if (opt_.keep_derived) {
        for (auto* v : {&r_.npsv, &r_.bcr, &r_.sroi}) draws(*v);
        table(r_.pillar_value, 4);
    }
    if (breakdowns_) table(r_.beneficiary_value, 3);
    if (tracking_ != Tracking::none) {
        table(r_.lever_value, 3);
        if (breakdowns_) table(r_.lever_cost, 3);
    }
    if (opt_.keep_outcomes) {
        table(r_.outcome_total, O_);
        table(r_.outcome_pv, O_);
    }
    if (plan_.place_ids.size()) {
        table(r_.place_value, static_cast<int>(plan_.place_ids.size()));
        table(r_.place_spend, static_cast<int>(plan_.place_ids.size()));
    }
    if (plan_.people) {
        table(r_.quintile_value, model::kQuintiles + 1);
        for (auto* v : {&r_.weighted_pv_benefits, &r_.weighted_npsv, &r_.weighted_bcr, &r_.eta}) draws(*v);
    }
    if (plan_.deciles) table(r_.decile_value, model::kDeciles + 1);
    if (opt_.keep_inputs) reserve(r_.inputs, static_cast<std::size_t>(plan_.n_params()) * N);
    if (opt_.keep_full) {
        const std::size_t cells = N * static_cast<std::size_t>(H_) * static_cast<std::size_t>(O_);
        reserve(r_.full_level, cells);
        reserve(r_.full_value, cells);
    }
    // The first touch of each page is a page fault in which the kernel clears the page: done serially it was
    // 0.2-0.4 s of a 1e6-draw run (about 200 MB) before any draw was evaluated, so the run's threads share it.
    // Only this thread polls (the cancellation callback may take the GIL); the helpers stop when it throws.
    const int T = std::min(worker_count(opt_.threads, 1u << 20), static_cast<int>(fill.size()));
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    auto fill_some = [&] {
        for (std::size_t i = next++; !stop && i < fill.size(); i = next++) fill[i].first->assign(fill[i].second, 0.0);
    };
    std::vector<std::thread> helpers;
    try {
        for (int t = 1; t < T; ++t) helpers.emplace_back(fill_some);
        for (std::size_t i = next++; i < fill.size(); i = next++) {
            fill[i].first->assign(fill[i].second, 0.0);
            poll();
        }
    } catch (...) {
        stop = true;
        for (auto& h : helpers) h.join();
        throw;
    }
    for (auto& h : helpers) h.join();
    poll();
}

/// Sample block b, then evaluate, store and summarise it part by part (block 0, the pilot, is summarised whole at
/// the end: its values set the histogram edges first). Returns its size.
std::size_t Run::evaluate_block(Worker& w, std::uint64_t b, bool keep) {
    const std::uint64_t d0 = b * static_cast<std::uint64_t>(B_);
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(B_), N_ - d0));
    const std::size_t stride = static_cast<std::size_t>(B_);
    w.mark = thread_seconds();
    sampler_.sample(d0, n, w.params.data(), stride);
    for (std::size_t g = 0; g < given_.size(); ++g)  // given values replace the sampled ones of their draws
        std::copy_n(opt_.given_values.data() + g * static_cast<std::size_t>(N_) + d0, n,
                    w.params.data() + static_cast<std::size_t>(given_[g]) * stride);
    if (opt_.keep_inputs && keep)
        for (int p = 0; p < plan_.n_params(); ++p)
            std::copy_n(w.params.data() + static_cast<std::size_t>(p) * stride, n,
                        r_.inputs.data() + static_cast<std::size_t>(p) * static_cast<std::size_t>(n_keep_) + (d0 - d_lo_));
    w.lap(w.timings.sample);
    if (b == 0) {
        // The pilot block sets the histogram edges before any value is counted: a first pass over its parts
        // for the edges (evaluation is deterministic, so the second pass below sees the same values).
        summaries_.begin_edges();
        for (std::size_t done = 0; done < n; done += static_cast<std::size_t>(kPart)) {
            const std::size_t np = std::min(n - done, static_cast<std::size_t>(kPart));
            evaluate_part(w, d0 + done, np, keep);
            summaries_.add_edges(w.series.data(), np);
        }
        summaries_.finish_edges(n);
        if (!keep) return n;  // a part's pilot: the edges only
    }
    summaries_.begin(w.sums);
    for (std::size_t done = 0; done < n; done += static_cast<std::size_t>(kPart)) {
        const std::size_t np = std::min(n - done, static_cast<std::size_t>(kPart));
        evaluate_part(w, d0 + done, np);
        summarise_part(w, d0 + done, np, done, n);
    }
    return n;
}

/// Evaluate draws [d0, d0 + n) of the current block; write their per-draw results; point w.series at them.
void Run::evaluate_part(Worker& w, std::uint64_t d0, std::size_t n, bool keep) {
    const std::size_t stride = static_cast<std::size_t>(B_);
    const std::size_t in_block = static_cast<std::size_t>(d0 % static_cast<std::uint64_t>(B_));
    w.ev.run(w.params.data() + in_block, stride, static_cast<int>(n));
    if (const int bad = first_non_finite(plan_, w.ev, static_cast<int>(n)); bad >= 0)
        refuse_non_finite(plan_, w.ev, w.params.data() + in_block, stride, bad,
                          "draw " + std::to_string(d0 + static_cast<std::uint64_t>(bad)) + " of " + std::to_string(N_),
                          "seed " + std::to_string(opt_.seed) + ", sampler " + sampler_name(opt_.sampler) + ", " +
                              std::to_string(N_) + " draws reproduce it");
    w.lap(w.timings.evaluate);
    const Evaluator& ev = w.ev;
    const std::size_t at = static_cast<std::size_t>(d0 - d_lo_);
    auto put = [&](std::vector<double>& dst, const double* src) {
        if (keep && opt_.keep_draws) std::copy_n(src, n, dst.data() + at);
    };
    put(r_.pv_costs, ev.pv_costs());
    put(r_.pv_investment, ev.pv_investment());
    put(r_.pv_benefits, ev.pv_benefits());
    put(r_.pv_others, ev.pv_others());
    for (int k = 0; k <= K_; ++k) put(r_.priority_value[static_cast<std::size_t>(k)], ev.priority_value(k));
    if (opt_.keep_derived) {
        put(r_.npsv, ev.npsv());
        put(r_.bcr, ev.bcr());
        put(r_.sroi, ev.sroi());
        for (int p = 0; p < 4; ++p) put(r_.pillar_value[static_cast<std::size_t>(p)], ev.pillar_value(p));
    }
    if (breakdowns_)
        for (int x = 0; x < 3; ++x) put(r_.beneficiary_value[static_cast<std::size_t>(x)], ev.beneficiary_value(x));
    if (tracking_ != Tracking::none)
        for (int l = 0; l < 3; ++l) {
            put(r_.lever_value[static_cast<std::size_t>(l)], ev.lever_value(l));
            if (breakdowns_) put(r_.lever_cost[static_cast<std::size_t>(l)], ev.lever_cost(l));
        }
    for (std::size_t p = 0; p < r_.place_value.size(); ++p) {
        put(r_.place_value[p], ev.place_value(static_cast<int>(p)));
        put(r_.place_spend[p], ev.place_spend(static_cast<int>(p)));
    }
    if (ev.has_people()) {
        for (int q = 0; q <= model::kQuintiles; ++q) put(r_.quintile_value[static_cast<std::size_t>(q)], ev.quintile_value(q));
        put(r_.weighted_pv_benefits, ev.weighted(0));
        put(r_.weighted_npsv, ev.weighted(1));
        put(r_.weighted_bcr, ev.weighted(2));
        put(r_.eta, ev.eta());
    }
    for (std::size_t j = 0; j < r_.decile_value.size(); ++j) put(r_.decile_value[j], ev.decile_value(static_cast<int>(j)));
    if (opt_.keep_outcomes)
        for (int o = 0; o < O_; ++o) {
            put(r_.outcome_total[static_cast<std::size_t>(o)], ev.outcome_total(o));
            put(r_.outcome_pv[static_cast<std::size_t>(o)], ev.outcome_pv(o));
        }
    if (opt_.keep_full && keep) {
        const std::size_t H = static_cast<std::size_t>(H_), O = static_cast<std::size_t>(O_);
        for (int t = 0; t < H_; ++t)
            for (int o = 0; o < O_; ++o) {
                const double* lv = ev.level(o, t);
                const double* vv = ev.value(o, t);
                const std::size_t off = static_cast<std::size_t>(t) * O + static_cast<std::size_t>(o);
                for (std::size_t d = 0; d < n; ++d) {
                    r_.full_level[(at + d) * H * O + off] = lv[d];
                    r_.full_value[(at + d) * H * O + off] = vv[d];
                }
            }
    }
    // The streaming series of this part (values copied: the evaluator computes them into one scratch row).
    const std::size_t part = own_stride(B_);
    auto own_row = [&](std::size_t r) { return w.own.data() + r * part; };
    ev.benefits_by_year(own_row(0), part);  // every year's benefits in one pass over the levels
    for (int t = 0; t < H_; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        double* bt = own_row(ts);
        double* nt = own_row(static_cast<std::size_t>(H_) + ts);
        const double* c = ev.cost(t);
        for (std::size_t d = 0; d < n; ++d) nt[d] = bt[d] - c[d];
        w.series[series_year(0, t)] = c;
        w.series[series_year(1, t)] = bt;
        w.series[series_year(2, t)] = nt;
        for (int o = 0; o < O_ && (!w.pointed || VH_); ++o) {
            if (!w.pointed) w.series[series_level(o, t)] = ev.level(o, t);
            if (VH_) {
                double* v = own_row(2 * static_cast<std::size_t>(H_) + series_level(o, t));
                std::copy_n(ev.value(o, t), n, v);
                w.series[series_value(o, t)] = v;
            }
        }
    }
    if (!w.pointed) {
        for (int o = 0; o < O_; ++o) {
            w.series[series_draw(0, o)] = ev.outcome_total(o);
            w.series[series_draw(1, o)] = ev.outcome_pv(o);
        }
        for (int j = 0; j < BK_; ++j)
            w.series[series_breakdown(j)] = j < 3 ? ev.beneficiary_value(j) : ev.lever_cost(j - 3);
        if (HD_) {  // kHeadlineStreamed's order
            const double* headline[] = {ev.pv_costs(), ev.pv_investment(), ev.pv_benefits(), ev.pv_others(), ev.npsv()};
            for (int j = 0; j < HD_; ++j) w.series[series_headline(j)] = headline[j];
        }
        w.pointed = true;
    }
    if (NP_ + NQ_ + ND_) year_breakdowns(w);  // values of this part: computed every part
    w.lap(w.timings.store);
}

/// This part's value by place, by quintile and by IMD decile in every year into w.by_year (rows of a part), pointed
/// at by the streaming series (docs/model/distribution.md, "By year").
void Run::year_breakdowns(Worker& w) {
    const std::size_t part = static_cast<std::size_t>(std::min(B_, kPart));
    const int R = NP_ + NQ_ + ND_;  // rows per year
    const std::size_t rows = static_cast<std::size_t>(R) * static_cast<std::size_t>(H_);
    if (w.by_year.size() != rows * part) w.by_year.assign(rows * part, 0.0);
    w.ev.year_breakdown(w.by_year.data(), part);  // row t * R + j
    for (int t = 0; t < H_; ++t)
        for (int j = 0; j < R; ++j)
            w.series[series_place_year(j, t)] =
                w.by_year.data() + (static_cast<std::size_t>(t) * static_cast<std::size_t>(R) + static_cast<std::size_t>(j)) * part;
}

/// Moments of draws [d0, d0 + n), draws [done, done + n) of a block of block_n: lane sums, and the block's
/// moments into w.moments with its last part; counts and (for draws below Q) histograms into the thread's counts.
void Run::summarise_part(Worker& w, std::uint64_t d0, std::size_t n, std::size_t done, std::size_t block_n) {
    if (done + n < block_n) summaries_.add(w.series.data(), n, w.sums, w.local);
    else summaries_.finish(w.series.data(), n, block_n, w.sums, w.moments, w.local);
    if (d0 < Q_)
        summaries_.histogram(w.series.data(), static_cast<std::size_t>(std::min<std::uint64_t>(n, Q_ - d0)), w.local);
    w.lap(w.timings.summarise);
}

void Run::stop_all() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        stop_ = true;
    }
    merged_cv_.notify_all();
}

/// Block b on a worker thread: wait until it is at most `window_` blocks ahead of the merge (so pending moments
/// stay bounded), evaluate, summarise, hand the moments to the in-order merge. A failing block wakes the
/// waiting threads: the blocks above it are not needed (its error is raised) and are left.
void Run::work(Worker& w, std::uint64_t b) {
    {
        std::unique_lock<std::mutex> lk(mu_);
        merged_cv_.wait(lk, [&] { return stop_ || b > failed_block_ || b - next_merge_ < window_; });
        if (stop_ || b > failed_block_) return;
        // Blocks are claimed in order: once past the quantile draws this thread counts no more values, so
        // its histograms join the run's now (integer sums: order-free) and their memory is freed.
        if (b * static_cast<std::uint64_t>(B_) >= Q_ && !w.local.recent.empty()) summaries_.merge_histogram(w.local);
    }
    std::size_t n = 0;
    try {
        n = evaluate_block(w, b);
    } catch (...) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            failed_block_ = std::min(failed_block_, b);
        }
        merged_cv_.notify_all();
        throw;  // the block runner raises the lowest failing block's error
    }
    {
        std::lock_guard<std::mutex> lk(mu_);
        pending_.emplace(b, std::move(w.moments));
        w.moments = BlockMoments{};
        for (auto it = pending_.begin(); it != pending_.end() && it->first == next_merge_; it = pending_.erase(it)) {
            absorb(std::move(it->second));
            ++next_merge_;
        }
    }
    merged_cv_.notify_all();
    done_draws_ += n;
}

/// The calling thread while workers run (every 50 ms): cancellation, and progress at the chosen rate. Throws
/// Interrupted when cancelled; a throwing callback's error is raised as it is (the run stops either way).
void Run::poll(std::chrono::steady_clock::time_point& last) {
    try {
        if (!stop_ && opt_.cancelled && opt_.cancelled()) {
            stop_all();
            throw Interrupted("simulation interrupted after " + std::to_string(done_draws_.load()) + " of " +
                              std::to_string(N_) + " draws; no results were kept");
        }
        const auto now = std::chrono::steady_clock::now();
        if (!stop_ && opt_.progress && std::chrono::duration<double>(now - last).count() >= opt_.report_interval) {
            opt_.progress(done_draws_.load(), N_);
            last = now;
        }
    } catch (...) {
        stop_all();
        throw;
    }
}

/// Order-free counts of every thread, then the result's streaming tables.
void Run::finish(std::vector<Worker>& workers) {
    for (const auto& w : workers) {
        summaries_.merge(w.local);
        r_.timings.sample += w.timings.sample;
        r_.timings.evaluate += w.timings.evaluate;
        r_.timings.store += w.timings.store;
        r_.timings.summarise += w.timings.summarise;
    }
    if (!collect_) tables();
}

/// The result's streaming tables from the merged summaries.
void Run::tables() {
    const auto& qs = opt_.quantiles;
    const std::size_t L = qs.size();
    auto year_table = [&](YearSummary& y, int series, auto&& index) {
        y.series = series;
        y.years = H_;
        const std::size_t cells = static_cast<std::size_t>(series) * static_cast<std::size_t>(H_);
        y.mean.resize(cells);
        y.sd.resize(cells);
        y.min.resize(cells);
        y.max.resize(cells);
        y.quantiles.resize(cells * L);
        for (int s = 0; s < series; ++s)
            for (int t = 0; t < H_; ++t) {
                const int i = static_cast<int>(index(s, t));
                const std::size_t c = static_cast<std::size_t>(s) * static_cast<std::size_t>(H_) + static_cast<std::size_t>(t);
                y.mean[c] = summaries_.mean(i);
                y.sd[c] = summaries_.sd(i);
                y.min[c] = summaries_.min(i);
                y.max[c] = summaries_.max(i);
                for (std::size_t l = 0; l < L; ++l) y.quantiles[c * L + l] = summaries_.quantile(i, qs[l]);
            }
    };
    year_table(r_.level, O_, [&](int o, int t) { return series_level(o, t); });
    if (VH_) year_table(r_.value, O_, [&](int o, int t) { return series_value(o, t); });
    year_table(r_.cost, 1, [&](int, int t) { return series_year(0, t); });
    year_table(r_.benefits, 1, [&](int, int t) { return series_year(1, t); });
    year_table(r_.net, 1, [&](int, int t) { return series_year(2, t); });
    auto draw_table = [&](DrawSummary& ds, int count, auto&& index) {
        for (int j = 0; j < count; ++j) {
            const int i = static_cast<int>(index(j));
            ds.mean.push_back(summaries_.mean(i));
            ds.sd.push_back(summaries_.sd(i));
            ds.min.push_back(summaries_.min(i));
            ds.max.push_back(summaries_.max(i));
            ds.p_positive.push_back(summaries_.p_positive(i));
            for (double q : qs) ds.quantiles.push_back(summaries_.quantile(i, q));
        }
    };
    draw_table(r_.outcome_total_summary, O_, [&](int o) { return series_draw(0, o); });
    draw_table(r_.outcome_pv_summary, O_, [&](int o) { return series_draw(1, o); });
    if (BK_) draw_table(r_.beneficiary_summary, 3, [&](int j) { return series_breakdown(j); });
    if (BK_ > 3) draw_table(r_.lever_cost_summary, 3, [&](int j) { return series_breakdown(3 + j); });
    if (HD_) draw_table(r_.headline_summary, HD_, [&](int j) { return series_headline(j); });
    if (NP_) year_table(r_.place_year, NP_, [&](int j, int t) { return series_place_year(j, t); });
    if (NQ_) year_table(r_.quintile_year, NQ_, [&](int q, int t) { return series_place_year(NP_ + q, t); });
    if (ND_) year_table(r_.decile_year, ND_, [&](int j, int t) { return series_place_year(NP_ + NQ_ + j, t); });
}

/// The result's names, years and options.
void Run::describe() {
    r_.draws = N_;
    r_.seed = opt_.seed;
    r_.sampler = opt_.sampler;
    r_.block_size = B_;
    r_.parameter_ids = plan_.parameter_ids;
    for (int k = 0; k < K_; ++k) {
        r_.priority_ids.push_back(plan_.priority_ids[static_cast<std::size_t>(k)]);
        r_.priority_pillars.push_back(pillar_name(plan_.priority_pillars[static_cast<std::size_t>(k)]));
    }
    r_.priority_ids.push_back("unallocated");
    r_.priority_pillars.push_back("unallocated");
    r_.place_ids = plan_.place_ids;
    r_.log_income_ratio = plan_.log_income_ratio;
    for (const auto& o : plan_.outcomes) {
        r_.outcome_ids.push_back(o.id);
        r_.outcome_units.push_back(o.unit);
    }
    for (int t = 0; t < H_; ++t) r_.years.push_back(plan_.first_year + t);
    r_.quantile_levels = opt_.quantiles;
    r_.quantile_draws = Q_;
    r_.warnings = plan_.warnings;
}

/// Blocks [first_block_, end_block_): block 0 (when it is one of them) in the calling thread first, its values
/// setting the histogram edges (the same for any thread count); a part without block 0 evaluates it for the
/// edges only. The others on the block runner, their moments merged (or collected) in block order.
void Run::run_blocks() {
    const auto start = std::chrono::steady_clock::now();
    std::vector<Worker> workers;
    workers.emplace_back(program_, B_, summaries_, VH_ > 0);
    std::uint64_t first = first_block_;
    if (first_block_ == 0) {
        const std::size_t n0 = evaluate_block(workers[0], 0);
        absorb(std::move(workers[0].moments));
        workers[0].moments = BlockMoments{};
        done_draws_ = n0;
        first = 1;
    } else {
        evaluate_block(workers[0], 0, false);
    }
    next_merge_ = first;
    // Runner block i is block i + first.
    BlockRunner runner(end_block_ > first ? end_block_ - first : 0, opt_.threads);
    const int T = runner.threads();
    r_.threads = T;
    window_ = 4 * static_cast<std::uint64_t>(T) + 4;
    for (int i = 1; i < T; ++i) workers.emplace_back(program_, B_, summaries_, VH_ > 0);
    std::atomic<int> next_worker{0};
    auto last = start;
    runner.run(
        [&] {
            Worker& w = workers[static_cast<std::size_t>(next_worker++)];
            return [this, &w, first](std::uint64_t i) { work(w, i + first); };
        },
        [&] { poll(last); });
    finish(workers);
    r_.timings.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (opt_.progress) opt_.progress(N_, N_);
}

SimulationResult Run::run() {
    describe();
    allocate();
    run_blocks();
    return std::move(r_);
}

/// What identifies the run a part or a checkpoint belongs to: everything the result depends on but the scenario.
void Run::fingerprint(ByteWriter& w) const {
    w.u64(0x5452415056534f53ull);  // "SOSVPART"
    w.u64(1);                      // layout version
    for (std::uint64_t v : {N_, opt_.seed, static_cast<std::uint64_t>(opt_.sampler), static_cast<std::uint64_t>(B_),
                            static_cast<std::uint64_t>(summaries_.series()), static_cast<std::uint64_t>(opt_.histogram_bins),
                            Q_, static_cast<std::uint64_t>(opt_.keep_outcomes), static_cast<std::uint64_t>(opt_.keep_full),
                            static_cast<std::uint64_t>(opt_.keep_inputs), static_cast<std::uint64_t>(tracking_ != Tracking::none),
                            static_cast<std::uint64_t>(opt_.keep_derived), static_cast<std::uint64_t>(breakdowns_),
                            static_cast<std::uint64_t>(plan_.n_params())})
        w.u64(v);
    w.array(opt_.quantiles);
}

void Run::check_fingerprint(ByteReader& r) const {
    ByteWriter mine;
    fingerprint(mine);
    ByteWriter theirs;
    theirs.u64(r.u64());
    theirs.u64(r.u64());
    for (int i = 0; i < 14; ++i) theirs.u64(r.u64());
    theirs.array(r.array<double>());
    if (theirs.out != mine.out)
        r.fail("expected a part of the run with " + std::to_string(N_) + " draws, seed " + std::to_string(opt_.seed) +
               ", block size " + std::to_string(B_) + " and these options, found one of another run");
}

SimulationPart Run::run_part() {
    if (first_block_ >= blocks_ || end_block_ <= first_block_)
        throw SamplingError("simulation part: blocks: expected a range inside the run's " + std::to_string(blocks_) +
                            " blocks of " + std::to_string(B_) + " draws, found first block " +
                            std::to_string(first_block_));
    std::vector<BlockMoments> moments;
    collect_ = &moments;
    allocate();
    run_blocks();
    SimulationPart part;
    part.first_block = first_block_;
    part.blocks = end_block_ - first_block_;
    part.first_draw = d_lo_;
    r_.draws = n_keep_;
    r_.block_size = B_;
    ByteWriter w;
    fingerprint(w);
    w.u64(part.first_block);
    w.u64(part.blocks);
    summaries_.save_edges(w);
    w.u64(moments.size());
    for (const auto& m : moments) {
        w.u64(m.n);
        w.array(m.mean);
        w.array(m.m2);
    }
    summaries_.save_counts(w);
    part.summaries = std::move(w.out);
    part.values = std::move(r_);
    return part;
}

/// Every per-draw array of a result in a fixed order: f(vector) for single arrays, and for tables g(rows).
template <class R, class F, class G>
void each_draw_array(R& r, F&& f, G&& g) {
    f(r.pv_costs);
    f(r.pv_investment);
    f(r.pv_benefits);
    f(r.npsv);
    f(r.bcr);
    f(r.sroi);
    f(r.pv_others);
    g(r.priority_value);
    g(r.pillar_value);
    g(r.beneficiary_value);
    g(r.lever_value);
    g(r.lever_cost);
    g(r.outcome_total);
    g(r.outcome_pv);
    // Place and people (docs/model/distribution.md): merged like the others, so parts keep them.
    g(r.place_value);
    g(r.place_spend);
    g(r.quintile_value);
    g(r.decile_value);
    f(r.weighted_pv_benefits);
    f(r.weighted_npsv);
    f(r.weighted_bcr);
    f(r.eta);
}

void Run::start_merge() {
    describe();
    allocate();
    next_part_ = 0;
}

void Run::add_part(const SimulationPart& part) {
    const std::string what = "simulation merge: part of blocks " + std::to_string(part.first_block) + ".." +
                             std::to_string(part.first_block + part.blocks);
    if (part.first_block != next_part_)
        throw SamplingError(what + ": expected the part starting at block " + std::to_string(next_part_) +
                            " (parts are merged in block order), found block " + std::to_string(part.first_block));
    if (part.blocks == 0 || part.first_block + part.blocks > blocks_)
        throw SamplingError(what + ": expected a range inside the run's " + std::to_string(blocks_) + " blocks");
    ByteReader r(part.summaries.data(), part.summaries.size(), what);
    check_fingerprint(r);
    if (r.u64() != part.first_block || r.u64() != part.blocks) r.fail("its summaries are of other blocks");
    if (next_part_ == 0) {
        summaries_.load_edges(r);
        ByteWriter e;
        summaries_.save_edges(e);
        edges_ = std::move(e.out);
    } else {
        ByteWriter e;
        for (int i = 0; i < 4; ++i) e.array(r.array<double>());
        if (e.out != edges_) r.fail("its histogram edges differ from the first part's (not the same scenario)");
    }
    if (r.u64() != part.blocks) r.fail("expected the moments of each of its blocks");
    for (std::uint64_t b = 0; b < part.blocks; ++b) {
        BlockMoments m;
        m.n = r.u64();
        m.mean = r.array<double>();
        m.m2 = r.array<double>();
        if (m.mean.size() != static_cast<std::size_t>(summaries_.series()) || m.m2.size() != m.mean.size())
            r.fail("a block's moments have the wrong number of series");
        summaries_.merge(m);
    }
    summaries_.add_counts(r);
    if (!r.done()) r.fail("bytes left after its summaries");
    // Per-draw arrays at their draws.
    const std::size_t at = static_cast<std::size_t>(part.first_block) * static_cast<std::size_t>(B_);
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>((part.first_block + part.blocks) * static_cast<std::uint64_t>(B_), N_)) - at;
    const std::size_t N = static_cast<std::size_t>(N_);
    const SimulationResult& v = part.values;
    if (v.draws != n) throw SamplingError(what + ": expected " + std::to_string(n) + " draws, found " + std::to_string(v.draws));
    std::vector<const std::vector<double>*> src;
    std::vector<std::size_t> rows;
    each_draw_array(v, [&](const std::vector<double>& x) { src.push_back(&x); },
                    [&](const std::vector<std::vector<double>>& t) {
                        rows.push_back(t.size());
                        for (const auto& x : t) src.push_back(&x);
                    });
    std::size_t i = 0, k = 0;
    auto fail_shape = [&] { throw SamplingError(what + ": its per-draw arrays are not those of this run"); };
    each_draw_array(r_, [&](std::vector<double>& x) {
        if (src[i]->size() != (x.empty() ? 0 : n)) fail_shape();
        if (!x.empty()) std::copy(src[i]->begin(), src[i]->end(), x.begin() + static_cast<std::ptrdiff_t>(at));
        ++i;
    },
                    [&](std::vector<std::vector<double>>& t) {
                        if (rows[k++] != t.size()) fail_shape();
                        for (auto& x : t) {
                            if (src[i]->size() != n) fail_shape();
                            std::copy(src[i]->begin(), src[i]->end(), x.begin() + static_cast<std::ptrdiff_t>(at));
                            ++i;
                        }
                    });
    const std::size_t P = static_cast<std::size_t>(plan_.n_params());
    if (v.inputs.size() != (r_.inputs.empty() ? 0 : P * n)) fail_shape();
    for (std::size_t p = 0; p < P && !r_.inputs.empty(); ++p)
        std::copy_n(v.inputs.data() + p * n, n, r_.inputs.data() + p * N + at);
    const std::size_t cell = static_cast<std::size_t>(H_) * static_cast<std::size_t>(O_);
    if (v.full_level.size() != (r_.full_level.empty() ? 0 : n * cell) || v.full_value.size() != v.full_level.size())
        fail_shape();
    std::copy(v.full_level.begin(), v.full_level.end(), r_.full_level.begin() + static_cast<std::ptrdiff_t>(at * cell));
    std::copy(v.full_value.begin(), v.full_value.end(), r_.full_value.begin() + static_cast<std::ptrdiff_t>(at * cell));
    r_.timings.sample += v.timings.sample;
    r_.timings.evaluate += v.timings.evaluate;
    r_.timings.store += v.timings.store;
    r_.timings.summarise += v.timings.summarise;
    r_.threads = std::max(r_.threads, v.threads);
    next_part_ += part.blocks;
}

std::vector<std::uint8_t> Run::state() const {
    ByteWriter w;
    fingerprint(w);
    w.u64(next_part_);
    summaries_.save_edges(w);
    summaries_.save_moments(w);
    summaries_.save_counts(w);
    return std::move(w.out);
}

void Run::restore(const std::uint8_t* data, std::size_t size) {
    ByteReader r(data, size, "simulation checkpoint");
    if (next_part_ != 0) r.fail("expected a merge with no part added yet");
    check_fingerprint(r);
    const std::uint64_t next = r.u64();
    if (next > blocks_) r.fail("expected at most " + std::to_string(blocks_) + " blocks done, found " + std::to_string(next));
    summaries_.load_edges(r);
    summaries_.load_moments(r);
    summaries_.add_counts(r);
    if (!r.done()) r.fail("bytes left after its summaries");
    ByteWriter e;
    summaries_.save_edges(e);
    edges_ = std::move(e.out);
    next_part_ = next;
}

SimulationResult Run::finish_merge() {
    if (next_part_ != blocks_)
        throw SamplingError("simulation merge: expected all " + std::to_string(blocks_) + " blocks, found " +
                            std::to_string(next_part_) + " merged");
    tables();
    return std::move(r_);
}

}  // namespace

SimulationResult simulate(const Plan& plan, const model::Scenario& scenario, const SimulationOptions& options) {
    check_options(plan, scenario, options);
    Run run(plan, scenario, options);
    return run.run();
}

SimulationPart simulate_part(const Plan& plan, const model::Scenario& scenario, const SimulationOptions& options,
                             std::uint64_t first_block, std::uint64_t blocks) {
    check_options(plan, scenario, options);
    if (blocks == 0) throw SamplingError("simulation part: blocks: expected a number >= 1, found 0");
    Run run(plan, scenario, options, first_block, first_block + blocks);
    return run.run_part();
}

std::vector<std::uint8_t> encode_part(const SimulationPart& part) {
    ByteWriter w;
    w.u64(0x31545241505653ull);  // "SVPART1"
    w.u64(part.first_block);
    w.u64(part.blocks);
    w.u64(part.first_draw);
    const SimulationResult& v = part.values;
    w.u64(v.draws);
    w.u64(static_cast<std::uint64_t>(v.block_size));
    w.u64(static_cast<std::uint64_t>(v.threads));
    for (double t : {v.timings.sample, v.timings.evaluate, v.timings.store, v.timings.summarise, v.timings.wall}) w.f64(t);
    each_draw_array(v, [&](const std::vector<double>& x) { w.array(x); },
                    [&](const std::vector<std::vector<double>>& t) {
                        w.u64(t.size());
                        for (const auto& x : t) w.array(x);
                    });
    w.array(v.inputs);
    w.array(v.full_level);
    w.array(v.full_value);
    w.array(part.summaries);
    return std::move(w.out);
}

SimulationPart decode_part(const std::uint8_t* data, std::size_t size) {
    ByteReader r(data, size, "simulation part");
    if (r.u64() != 0x31545241505653ull) r.fail("expected the part marker SVPART1 at its start");
    SimulationPart part;
    part.first_block = r.u64();
    part.blocks = r.u64();
    part.first_draw = r.u64();
    SimulationResult& v = part.values;
    v.draws = r.u64();
    v.block_size = static_cast<int>(r.u64());
    v.threads = static_cast<int>(r.u64());
    for (double* t : {&v.timings.sample, &v.timings.evaluate, &v.timings.store, &v.timings.summarise, &v.timings.wall})
        *t = r.f64();
    each_draw_array(v, [&](std::vector<double>& x) { x = r.array<double>(); },
                    [&](std::vector<std::vector<double>>& t) {
                        const std::uint64_t rows = r.u64();
                        if (rows > 1u << 20) r.fail("expected a table of at most 2^20 rows, found " + std::to_string(rows));
                        t.resize(static_cast<std::size_t>(rows));
                        for (auto& x : t) x = r.array<double>();
                    });
    v.inputs = r.array<double>();
    v.full_level = r.array<double>();
    v.full_value = r.array<double>();
    part.summaries = r.array<std::uint8_t>();
    if (!r.done()) r.fail("bytes left after the part");
    return part;
}

struct SimulationMerge::Impl {
    Plan plan;
    SimulationOptions options;
    Run run;
    Impl(const Plan& p, const model::Scenario& scenario, const SimulationOptions& o)
        : plan(p), options(o), run(plan, scenario, options) {}
};

SimulationMerge::SimulationMerge(const Plan& plan, const model::Scenario& scenario, const SimulationOptions& options) {
    check_options(plan, scenario, options);
    impl_ = std::make_unique<Impl>(plan, scenario, options);
    impl_->run.start_merge();
}

SimulationMerge::~SimulationMerge() = default;

void SimulationMerge::add(const SimulationPart& part) { impl_->run.add_part(part); }
std::uint64_t SimulationMerge::next_block() const { return impl_->run.next_block(); }
std::uint64_t SimulationMerge::blocks() const { return impl_->run.blocks(); }
int SimulationMerge::block_size() const { return impl_->run.block_size(); }
std::vector<std::uint8_t> SimulationMerge::state() const { return impl_->run.state(); }
void SimulationMerge::restore(const std::uint8_t* data, std::size_t size) { impl_->run.restore(data, size); }
SimulationResult SimulationMerge::finish() { return impl_->run.finish_merge(); }

}  // namespace socval::engine
