/// Native evaluation of sensitivity designs (see design_eval.hpp and docs/model/scenario_sensitivity.md).
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <utility>

#include <socval/common/blocks.hpp>

#include <socval/analysis/design_eval.hpp>
#include <socval/engine/evaluator.hpp>
#include <socval/errors.hpp>

namespace socval::analysis {

using engine::Evaluator;
using engine::Tracking;

namespace {

constexpr int kBlock = 64;  // rows per Evaluator::run; any value gives the same per-row results

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
        case DesignOutput::Kind::weighted_npsv: return ev.weighted(1);  // Annex A3 (docs/model/distribution.md)
        case DesignOutput::Kind::weighted_bcr: return ev.weighted(2);
    }
    return ev.npsv();
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
        if (output == "weighted_npsv" || output == "weighted_bcr") {
            if (!plan.people)
                throw SensitivityError("output: " + output + " needs distributional weights: expected a scenario "
                                       "with `people:` (docs/formats/scenario.md), found none");
            return o.kind = output == "weighted_npsv" ? DesignOutput::Kind::weighted_npsv
                                                      : DesignOutput::Kind::weighted_bcr, o;
        }
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
            if (tail == model::result_pillars()[static_cast<std::size_t>(k)]) return o.index = k, o;
        throw SensitivityError("output: unknown pillar '" + tail +
                               "'; expected social, economic, environmental or unallocated");
    }
    throw SensitivityError("output: expected npsv, bcr, pv_benefits, pv_costs, weighted_npsv, weighted_bcr, "
                           "priority:<id> or pillar:<name>, found '" + output + "'");
}

DesignModel::DesignModel(const model::Scenario& scenario_, const values::Library& library)
    : scenario(scenario_),
      plan(std::make_shared<const Plan>(engine::compile(scenario, library))),
      program(engine::make_program(plan, Tracking::none)) {}

std::shared_ptr<Evaluator> DesignModel::evaluator(int block) const {
    std::unique_ptr<Evaluator> ev;
    {
        std::lock_guard<std::mutex> lock(pool_mutex_);
        for (auto it = pool_.begin(); it != pool_.end(); ++it)
            if ((*it)->max_block() == block) {
                ev = std::move(*it);
                pool_.erase(it);
                break;
            }
    }
    if (!ev) ev = std::make_unique<Evaluator>(program, block);
    constexpr std::size_t kIdle = 16;  // at most this many idle Evaluators are kept
    return std::shared_ptr<Evaluator>(ev.release(), [this](Evaluator* e) {
        std::unique_ptr<Evaluator> back(e);
        std::lock_guard<std::mutex> lock(pool_mutex_);
        if (pool_.size() < kIdle) pool_.push_back(std::move(back));
    });
}

namespace {

/// Evaluates n rows in blocks of kBlock on the worker threads: parameters of the plan at their central values, then
/// fill(r0, m, j, dst) writes the values of design column j (plan row rows[j] >= 0) for rows r0 .. r0 + m - 1.
template <class Fill>
std::vector<double> evaluate_rows(const DesignModel& model, const std::vector<int>& rows, std::size_t n,
                                  const DesignOutput& out, int threads, Fill fill) {
    const Plan& plan = *model.plan;
    const std::size_t P = static_cast<std::size_t>(plan.n_params());
    std::vector<double> result(n);
    const std::size_t n_blocks = (n + kBlock - 1) / kBlock;
    run_blocks(n_blocks, threads, [&] {
        auto ev = model.evaluator(kBlock);
        auto params = std::make_shared<std::vector<double>>(std::max<std::size_t>(P, 1) * kBlock);
        return [&, ev, params](std::uint64_t b) {
            const std::size_t r0 = static_cast<std::size_t>(b) * kBlock;
            const int m = static_cast<int>(std::min<std::size_t>(kBlock, n - r0));
            double* x = params->data();
            for (std::size_t p = 0; p < P; ++p) std::fill(x + p * kBlock, x + p * kBlock + m, plan.central[p]);
            for (std::size_t j = 0; j < rows.size(); ++j)
                if (rows[j] >= 0) fill(r0, m, j, x + static_cast<std::size_t>(rows[j]) * kBlock);
            ev->run(x, kBlock, m);
            const double* y = pick(*ev, out);
            std::copy(y, y + m, result.begin() + static_cast<std::ptrdiff_t>(r0));
        };
    });
    return result;
}

}  // namespace

std::vector<double> evaluate_design(const DesignModel& model, const std::vector<std::string>& columns,
                                    const double* design, std::size_t n, DesignInput input, const std::string& output,
                                    int threads) {
    const Plan& plan = *model.plan;
    const model::Scenario& scenario = model.scenario;
    const DesignOutput out = parse_design_output(plan, output);
    const std::vector<int> rows = column_rows(plan, columns);
    const std::size_t k = columns.size();
    check_design(design, n, k, input, columns);
    return evaluate_rows(model, rows, n, out, threads, [&](std::size_t r0, int m, std::size_t j, double* row) {
        for (int i = 0; i < m; ++i) row[i] = design[(r0 + i) * k + j];
        if (input != DesignInput::uniforms) return;
        const auto& param = scenario.parameters[rows[j]];
        try {
            param.distribution.quantile_block(row, row, static_cast<std::size_t>(m));
        } catch (const QuantileError& e) {  // Boost.Math's failure named by parameter and design row
            throw SensitivityError(param.where, "evaluate_design: parameter '" + param.id + "', design row " +
                                                    std::to_string(r0 + e.index) + ": " + e.what());
        }
    });
}

std::vector<double> evaluate_saltelli(const DesignModel& model, const DesignModel* other,
                                      const std::vector<std::string>& columns, const double* a, const double* b,
                                      std::size_t n, const std::vector<int>& group_of, bool second_order,
                                      const std::string& output, int threads) {
    const std::size_t k = columns.size();
    if (group_of.size() != k)
        throw SensitivityError("evaluate_saltelli: group_of: expected one factor per column (" + std::to_string(k) +
                               "), found " + std::to_string(group_of.size()));
    int factors = 0;
    for (std::size_t j = 0; j < k; ++j) {
        if (group_of[j] < 0)
            throw SensitivityError("evaluate_saltelli: group_of[" + std::to_string(j) + "]: expected >= 0, found " +
                                   std::to_string(group_of[j]));
        factors = std::max(factors, group_of[j] + 1);
    }
    check_design(a, n, k, DesignInput::uniforms, columns);
    check_design(b, n, k, DesignInput::uniforms, columns);
    const std::size_t blocks = 2 + static_cast<std::size_t>(factors) * (second_order ? 2 : 1);
    auto run = [&](const DesignModel& dm) {
        const std::vector<int> rows = column_rows(*dm.plan, columns);
        // Quantiles of the base points, once per column (n x k each, column-major): every design row copies them.
        std::vector<double> qa(n * k), qb(n * k);
        for (std::size_t j = 0; j < k; ++j) {
            if (rows[j] < 0) continue;
            for (std::size_t i = 0; i < n; ++i) {
                qa[j * n + i] = a[i * k + j];
                qb[j * n + i] = b[i * k + j];
            }
            const auto& param = dm.scenario.parameters[rows[j]];
            const std::pair<double*, const char*> bases[] = {{qa.data(), "A"}, {qb.data(), "B"}};
            for (const auto& [q, base] : bases) {
                try {
                    param.distribution.quantile_block(q + j * n, q + j * n, n);
                } catch (const QuantileError& e) {  // named by parameter and base point, as evaluate_design's rows
                    throw SensitivityError(param.where, "evaluate_saltelli: parameter '" + param.id + "', point " +
                                                            std::to_string(e.index) + " of base matrix " + base +
                                                            ": " + e.what());
                }
            }
        }
        const auto g_count = static_cast<std::size_t>(factors);
        return evaluate_rows(dm, rows, n * blocks, parse_design_output(*dm.plan, output), threads,
                             [&](std::size_t r0, int m, std::size_t j, double* row) {
            for (int t = 0; t < m;) {  // a run of rows within one Saltelli block takes one source column
                const std::size_t r = r0 + static_cast<std::size_t>(t), blk = r / n, i = r % n;
                const int len = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(m - t), n - i));
                const auto g = static_cast<std::size_t>(group_of[j]);
                bool from_b = blk == 1;                                   // A, B
                if (blk >= 2 && blk < 2 + g_count) from_b = blk - 2 == g;   // AB_g: A with g's columns from B
                if (blk >= 2 + g_count) from_b = blk - 2 - g_count != g;    // BA_g: B with g's columns from A
                const double* src = (from_b ? qb.data() : qa.data()) + j * n + i;
                std::copy(src, src + len, row + t);
                t += len;
            }
        });
    };
    std::vector<double> y = run(model);
    if (other != nullptr) {
        const std::vector<int> rows_a = column_rows(*model.plan, columns);
        const std::vector<int> rows_b = column_rows(*other->plan, columns);
        for (std::size_t j = 0; j < k; ++j)
            if (rows_a[j] < 0 && rows_b[j] < 0)
                throw SensitivityError("evaluate_saltelli: columns[" + std::to_string(j) + "]: parameter '" +
                                       columns[j] + "' is in neither scenario");
        const std::vector<double> yo = run(*other);
        for (std::size_t i = 0; i < y.size(); ++i) y[i] -= yo[i];
    }
    return y;
}

std::vector<double> evaluate_design_difference(const DesignModel& a_model, const DesignModel& b_model,
                                               const std::vector<std::string>& columns, const double* design,
                                               std::size_t n, DesignInput input, const std::string& output,
                                               int threads) {
    const std::vector<int> rows_a = column_rows(*a_model.plan, columns);
    const std::vector<int> rows_b = column_rows(*b_model.plan, columns);
    for (std::size_t j = 0; j < columns.size(); ++j)
        if (rows_a[j] < 0 && rows_b[j] < 0)
            throw SensitivityError("evaluate_design_difference: columns[" + std::to_string(j) + "]: parameter '" +
                                   columns[j] + "' is in neither scenario");
    std::vector<double> a = evaluate_design(a_model, columns, design, n, input, output, threads);
    const std::vector<double> b = evaluate_design(b_model, columns, design, n, input, output, threads);
    for (std::size_t i = 0; i < n; ++i) a[i] -= b[i];
    return a;
}
}  // namespace socval::analysis
