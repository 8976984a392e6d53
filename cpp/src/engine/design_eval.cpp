/// Native evaluation of sensitivity designs (see design_eval.hpp and docs/model/scenario_sensitivity.md).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include <socval/engine/design_eval.hpp>
#include <socval/engine/evaluator.hpp>
#include <socval/engine/simulation.hpp>
#include <socval/errors.hpp>

namespace socval::engine {

namespace {

constexpr int kBlock = 64;  // rows per Evaluator::run; any value gives the same per-row results

const char* const kPillars[] = {"social", "economic", "environmental", "unallocated"};

void check_plan(const Plan& plan, const model::Scenario& scenario) {
    bool same = plan.n_params() == static_cast<int>(scenario.parameters.size());
    for (int p = 0; same && p < plan.n_params(); ++p) same = plan.parameter_ids[p] == scenario.parameters[p].id;
    if (!same)
        throw SensitivityError("evaluate_design: expected a plan compiled from this scenario (same parameter ids), "
                               "found " + std::to_string(plan.n_params()) + " plan parameters for " +
                               std::to_string(scenario.parameters.size()) + " scenario parameters");
}

/// Column j of the design -> plan parameter row, or -1 when the plan has no such parameter.
std::vector<int> column_rows(const Plan& plan, const std::vector<std::string>& columns) {
    std::map<std::string, int> row;
    for (int p = 0; p < plan.n_params(); ++p) row.emplace(plan.parameter_ids[p], p);
    std::map<std::string, int> seen;
    std::vector<int> out;
    out.reserve(columns.size());
    for (std::size_t j = 0; j < columns.size(); ++j) {
        if (!seen.emplace(columns[j], static_cast<int>(j)).second)
            throw SensitivityError("evaluate_design: columns: expected distinct parameter ids, found '" + columns[j] +
                                   "' twice (columns " + std::to_string(seen[columns[j]]) + " and " +
                                   std::to_string(j) + ")");
        auto it = row.find(columns[j]);
        out.push_back(it == row.end() ? -1 : it->second);
    }
    return out;
}

void check_design(const double* design, std::size_t n, std::size_t k, DesignInput input,
                  const std::vector<std::string>& columns) {
    if (n > 0 && k > 0 && design == nullptr) throw SensitivityError("evaluate_design: design: null data");
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < k; ++j) {
            const double u = design[i * k + j];
            if (input == DesignInput::uniforms ? !(u > 0.0 && u < 1.0) : !std::isfinite(u))
                throw SensitivityError(std::string("evaluate_design: design[") + std::to_string(i) + ", " +
                                       std::to_string(j) + "] (" + columns[j] + "): expected " +
                                       (input == DesignInput::uniforms ? "a probability in (0, 1)"
                                                                       : "a finite value") +
                                       ", found " + std::to_string(u));
        }
}

const double* pick(const Evaluator& ev, const DesignOutput& out) {
    switch (out.kind) {
        case DesignOutput::Kind::npsv: return ev.npsv();
        case DesignOutput::Kind::bcr: return ev.bcr();
        case DesignOutput::Kind::pv_benefits: return ev.pv_benefits();
        case DesignOutput::Kind::pv_costs: return ev.pv_costs();
        case DesignOutput::Kind::priority: return ev.priority_value(out.index);
        case DesignOutput::Kind::pillar: return ev.pillar_value(out.index);
    }
    return ev.npsv();
}

/// Runs fn(block) for blocks 0..n_blocks-1 on worker threads (one Evaluator each, made by the caller's fn);
/// rethrows the exception of the lowest failing block, so errors do not depend on the thread count either.
template <class MakeWorker>
void for_blocks(std::size_t n_blocks, int threads, MakeWorker make_worker) {
    if (n_blocks == 0) return;
    unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    std::size_t T = threads > 0 ? static_cast<std::size_t>(threads) : hw;
    T = std::max<std::size_t>(1, std::min(T, n_blocks));
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> first_failed{n_blocks};  // lowest failing block so far
    std::vector<std::exception_ptr> errors(n_blocks);
    std::exception_ptr setup_error;
    std::atomic<bool> setup_failed{false};
    auto fail = [&](std::size_t b) {
        std::size_t cur = first_failed.load();
        while (b < cur && !first_failed.compare_exchange_weak(cur, b)) {
        }
    };
    auto work = [&] {
        std::function<void(std::size_t)> run_block;
        try {
            run_block = make_worker();
        } catch (...) {
            bool expected = false;
            if (setup_failed.compare_exchange_strong(expected, true)) setup_error = std::current_exception();
            fail(0);
            return;
        }
        for (;;) {
            const std::size_t b = next.fetch_add(1);
            if (b >= n_blocks || b > first_failed.load()) return;  // blocks after a failure need not run
            try {
                run_block(b);
            } catch (...) {
                errors[b] = std::current_exception();
                fail(b);
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < T; ++t) {
        try {
            pool.emplace_back(work);
        } catch (...) {
            break;  // fewer threads: same results
        }
    }
    work();
    for (auto& th : pool) th.join();
    if (setup_error) std::rethrow_exception(setup_error);
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace

DesignOutput parse_design_output(const Plan& plan, const std::string& output) {
    DesignOutput o;
    const auto colon = output.find(':');
    const std::string head = output.substr(0, colon);
    const std::string tail = colon == std::string::npos ? std::string() : output.substr(colon + 1);
    if (colon == std::string::npos) {
        if (output == "npsv") return o.kind = DesignOutput::Kind::npsv, o;
        if (output == "bcr") return o.kind = DesignOutput::Kind::bcr, o;
        if (output == "pv_benefits") return o.kind = DesignOutput::Kind::pv_benefits, o;
        if (output == "pv_costs") return o.kind = DesignOutput::Kind::pv_costs, o;
    } else if (head == "priority") {
        o.kind = DesignOutput::Kind::priority;
        for (std::size_t k = 0; k < plan.priority_ids.size(); ++k)
            if (plan.priority_ids[k] == tail) return o.index = static_cast<int>(k), o;
        if (tail == "unallocated") return o.index = static_cast<int>(plan.priority_ids.size()), o;
        std::string ids;
        for (const auto& id : plan.priority_ids) ids += (ids.empty() ? "" : ", ") + id;
        throw SensitivityError("output: unknown priority '" + tail + "'; the scenario's priorities are " + ids +
                               " (or unallocated)");
    } else if (head == "pillar") {
        o.kind = DesignOutput::Kind::pillar;
        for (int k = 0; k < 4; ++k)
            if (tail == kPillars[k]) return o.index = k, o;
        throw SensitivityError("output: unknown pillar '" + tail +
                               "'; expected social, economic, environmental or unallocated");
    }
    throw SensitivityError("output: expected npsv, bcr, pv_benefits, pv_costs, priority:<id> or pillar:<name>, "
                           "found '" + output + "'");
}

std::vector<double> evaluate_design(const Plan& plan, const model::Scenario& scenario,
                                    const std::vector<std::string>& columns, const double* design, std::size_t n,
                                    DesignInput input, const std::string& output, int threads) {
    check_plan(plan, scenario);
    const DesignOutput out = parse_design_output(plan, output);
    const std::vector<int> rows = column_rows(plan, columns);
    const std::size_t k = columns.size();
    check_design(design, n, k, input, columns);
    const std::size_t P = static_cast<std::size_t>(plan.n_params());
    std::vector<double> result(n);
    const std::size_t n_blocks = (n + kBlock - 1) / kBlock;
    for_blocks(n_blocks, threads, [&] {
        auto ev = std::make_shared<Evaluator>(plan, Tracking::none, kBlock);
        auto params = std::make_shared<std::vector<double>>(std::max<std::size_t>(P, 1) * kBlock);
        return [&, ev, params](std::size_t b) {
            const std::size_t r0 = b * kBlock;
            const int m = static_cast<int>(std::min<std::size_t>(kBlock, n - r0));
            double* x = params->data();
            for (std::size_t p = 0; p < P; ++p) std::fill(x + p * kBlock, x + p * kBlock + m, plan.central[p]);
            for (std::size_t j = 0; j < k; ++j) {
                const int p = rows[j];
                if (p < 0) continue;
                double* row = x + static_cast<std::size_t>(p) * kBlock;
                for (int i = 0; i < m; ++i) row[i] = design[(r0 + i) * k + j];
                if (input == DesignInput::uniforms)
                    scenario.parameters[p].distribution.quantile_block(row, row, static_cast<std::size_t>(m));
            }
            ev->run(x, kBlock, m);
            const double* y = pick(*ev, out);
            std::copy(y, y + m, result.begin() + static_cast<std::ptrdiff_t>(r0));
        };
    });
    return result;
}

std::vector<double> evaluate_design_difference(const Plan& plan_a, const model::Scenario& scenario_a,
                                               const Plan& plan_b, const model::Scenario& scenario_b,
                                               const std::vector<std::string>& columns, const double* design,
                                               std::size_t n, DesignInput input, const std::string& output,
                                               int threads) {
    const std::vector<int> rows_a = column_rows(plan_a, columns);
    const std::vector<int> rows_b = column_rows(plan_b, columns);
    for (std::size_t j = 0; j < columns.size(); ++j)
        if (rows_a[j] < 0 && rows_b[j] < 0)
            throw SensitivityError("evaluate_design_difference: columns[" + std::to_string(j) + "]: parameter '" +
                                   columns[j] + "' is in neither scenario");
    std::vector<double> a = evaluate_design(plan_a, scenario_a, columns, design, n, input, output, threads);
    const std::vector<double> b = evaluate_design(plan_b, scenario_b, columns, design, n, input, output, threads);
    for (std::size_t i = 0; i < n; ++i) a[i] -= b[i];
    return a;
}

std::vector<double> sampled_parameters(const model::Scenario& scenario, std::uint64_t seed, Sampler sampler,
                                       std::uint64_t draws) {
    if (draws < 1) throw SensitivityError("sampled_parameters: draws: expected >= 1, found 0");
    const ParameterSampler ps(scenario, seed, sampler, draws);
    const std::size_t P = static_cast<std::size_t>(ps.n_params());
    std::vector<double> out(P * draws);
    if (P > 0) ps.sample(0, static_cast<std::size_t>(draws), out.data(), static_cast<std::size_t>(draws));
    return out;
}

}  // namespace socval::engine
