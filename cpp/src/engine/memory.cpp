/// Memory planned before it is allocated (memory.hpp).
#include "memory.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <socval/engine/simulation.hpp>
#include <socval/errors.hpp>

namespace socval::engine {

namespace {

/// Share of the available memory a run may plan to use (the rest is headroom for Python, numpy and the system);
/// the same as socval.engine.memory.USABLE_SHARE.
constexpr double kUsableShare = 0.8;

/// SOCVAL_MEMORY_LIMIT in bytes, 0 when unset; an AppraisalError when set to something else than a size.
std::uint64_t limit_from_environment() {
    const char* text = std::getenv("SOCVAL_MEMORY_LIMIT");
    if (!text || !*text) return 0;
    char* end = nullptr;
    const double v = std::strtod(text, &end);
    double scale = 1;
    if (end && *end) {
        const std::string unit(end);
        if (unit == "k" || unit == "K") scale = 1e3;
        else if (unit == "M") scale = 1e6;
        else if (unit == "G") scale = 1e9;
        else if (unit == "T") scale = 1e12;
        else scale = -1;
    }
    if (!(v > 0) || scale < 0 || !std::isfinite(v * scale) || v * scale >= 1.8e19)
        throw AppraisalError("SOCVAL_MEMORY_LIMIT: expected a number of bytes > 0, optionally with a suffix k, M, "
                             "G or T (e.g. 4G), found '" + std::string(text).substr(0, 40) + "'");
    return static_cast<std::uint64_t>(v * scale);
}

/// Linux MemAvailable (bytes), else free physical pages; 0 when unknown.
std::uint64_t available_memory() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t kb = 0;
    std::string unit;
    while (in >> key >> kb) {
        std::getline(in, unit);
        if (key == "MemAvailable:") return kb * 1024;
    }
    const long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(size) : 0;
}

}  // namespace

std::uint64_t usable_memory() {
    if (const std::uint64_t limit = limit_from_environment()) return limit;
    return static_cast<std::uint64_t>(kUsableShare * static_cast<double>(available_memory()));
}

std::string human_bytes(double n) {
    const char* units[] = {"bytes", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (std::fabs(n) >= 1000 && u < 4) {
        n /= 1000;
        ++u;
    }
    char buf[48];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", n, units[u]);
    return buf;
}

void check_memory(double estimate, const std::string& what, const std::string& advice) {
    const std::uint64_t usable = usable_memory();
    if (usable == 0 || estimate <= static_cast<double>(usable)) return;
    const bool set = std::getenv("SOCVAL_MEMORY_LIMIT") && *std::getenv("SOCVAL_MEMORY_LIMIT");
    throw AppraisalError(what + " would need about " + human_bytes(estimate) + " of memory, but " +
                         (set ? human_bytes(static_cast<double>(usable)) + " is allowed (SOCVAL_MEMORY_LIMIT)"
                              : human_bytes(static_cast<double>(usable)) +
                                    " may be used (80% of the memory available now)") +
                         ": " + advice + " (docs/guide/limits.md)");
}

std::uint64_t simulation_bytes(const Plan& plan, const SimulationOptions& o) {
    const std::uint64_t K = plan.priority_ids.size(), O = plan.outcomes.size(), H = static_cast<std::uint64_t>(plan.horizon);
    const std::uint64_t NP = plan.place_ids.size(), NQ = plan.people ? model::kQuintiles + 1 : 0;
    const bool breakdowns = o.keep_breakdowns.value_or(o.draws <= kBreakdownDraws);
    std::uint64_t per_draw = 4 + (K + 1);                      // PV costs, investment, benefits, others; priorities
    if (o.keep_derived) per_draw += 3 + 4;                     // NPSV, BCR, SROI; pillars
    if (breakdowns) per_draw += 3;                             // value by beneficiary
    if (o.track_levers) per_draw += 3 + (breakdowns ? 3 : 0);  // value (and cost) by lever
    if (o.keep_outcomes) per_draw += 2 * O;
    per_draw += 2 * NP;                                        // value and spend by place
    if (plan.people) per_draw += NQ + 4;                       // by quintile; weighted PV benefits, NPSV, BCR; eta
    if (plan.deciles) per_draw += model::kDeciles + 1;         // by IMD decile
    if (o.keep_inputs) per_draw += static_cast<std::uint64_t>(plan.n_params());
    if (o.keep_full) per_draw += 2 * H * O;
    const std::uint64_t ND = plan.deciles ? model::kDeciles + 1 : 0;  // by IMD decile (d1..d10, unallocated)
    const std::uint64_t year_cells = o.year_breakdowns ? (NP + NQ + ND) * H * (4 + o.quantiles.size()) : 0;
    return 8 * (per_draw * o.draws + year_cells);
}

}  // namespace socval::engine
