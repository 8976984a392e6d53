/// MILP back ends: COIN-OR CBC through its C++ interface (CbcMain1, as the CBC command line solves; an event
/// handler stops it), GLPK through glp_intopt (a branch-and-bound callback stops it). Both run under a wall-clock
/// limit and poll a cancellation function, so no solve can hang a notebook.
#include "socval/decision/milp.hpp"

#include <CbcEventHandler.hpp>
#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <CoinError.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>
#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <csetjmp>
#include <exception>
#include <memory>
#include <new>
#include <mutex>
#include <string>

#include "socval/errors.hpp"

namespace socval::decision {

MilpSolver parse_milp_solver(const std::string& name) {
    if (name == "cbc") return MilpSolver::cbc;
    if (name == "glpk") return MilpSolver::glpk;
    throw DecisionError("solver: expected 'cbc' or 'glpk', found '" + name + "'");
}

int MilpProblem::add_column(double lo, double hi, double obj, bool is_integer) {
    lower.push_back(lo);
    upper.push_back(hi);
    objective.push_back(obj);
    integer.push_back(is_integer);
    return static_cast<int>(objective.size()) - 1;
}

void clean_coefficients(MilpProblem& problem, double rtol) {
    for (LinearRow& r : problem.rows) {
        double largest = 0.0;
        for (double c : r.coef) largest = std::max(largest, std::abs(c));
        std::size_t kept = 0;
        for (std::size_t k = 0; k < r.coef.size(); ++k) {
            if (std::abs(r.coef[k]) <= rtol * largest) continue;  // also drops exact zeros
            r.index[kept] = r.index[k];
            r.coef[kept] = r.coef[k];
            ++kept;
        }
        r.index.resize(kept);
        r.coef.resize(kept);
    }
    double largest = 0.0;
    for (double c : problem.objective) largest = std::max(largest, std::abs(c));
    for (double& c : problem.objective)
        if (std::abs(c) <= rtol * largest) c = 0.0;
}

namespace {

using Clock = std::chrono::steady_clock;

/// The deadline and the cancellation poll of one solve, called from the solvers' callbacks. An exception from
/// the poll (a Python error other than KeyboardInterrupt) is kept and rethrown after the solver has returned:
/// it must not cross the solvers' C frames.
class Watch {
public:
    explicit Watch(const MilpLimits& limits) : limits_(limits), start_(Clock::now()), last_poll_(start_) {
        if (!(limits.time_limit > 0.0))
            throw DecisionError("time_limit: expected a number of seconds > 0 (or infinity), found " +
                                std::to_string(limits.time_limit));
    }

    double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
    double remaining() const { return limits_.time_limit - elapsed(); }

    /// True once the solve should stop: the deadline has passed or the user cancelled (polled every 50 ms).
    bool should_stop() {
        if (timed_out_ || interrupted_) return true;
        const Clock::time_point now = Clock::now();
        if (now - last_poll_ < std::chrono::milliseconds(50)) return false;
        last_poll_ = now;
        if (remaining() <= 0.0) {
            timed_out_ = true;
        } else if (limits_.cancelled) {
            try {
                interrupted_ = limits_.cancelled();
            } catch (...) {
                error_ = std::current_exception();
                interrupted_ = true;
            }
        }
        return timed_out_ || interrupted_;
    }

    bool interrupted() const { return interrupted_; }
    void rethrow() const {
        if (error_) std::rethrow_exception(error_);
    }

private:
    const MilpLimits& limits_;
    Clock::time_point start_;
    Clock::time_point last_poll_;
    bool timed_out_ = false;
    bool interrupted_ = false;
    std::exception_ptr error_;
};

/// Stops CBC's branch and bound at the next node once the watch says so.
class StopHandler : public CbcEventHandler {
public:
    explicit StopHandler(Watch* watch) : watch_(watch) {}
    CbcAction event(CbcEvent) override { return watch_->should_stop() ? stop : noAction; }
    CbcAction event(CbcEvent e, void*) override { return event(e); }
    CbcEventHandler* clone() const override { return new StopHandler(*this); }

private:
    Watch* watch_;
};

int no_callback(CbcModel*, int) { return 0; }

/// CBC minimises; socval maximises, so the objective is negated on the way in and out.
MilpSolution solve_cbc(const MilpProblem& p, const MilpLimits& limits) {
    Watch watch(limits);
    const int n = static_cast<int>(p.objective.size());
    const double inf = COIN_DBL_MAX;
    CoinPackedMatrix matrix(false, 0, 0);  // row-ordered
    matrix.setDimensions(0, n);
    std::vector<double> row_lo, row_hi;
    for (const LinearRow& r : p.rows) {
        matrix.appendRow(static_cast<int>(r.index.size()), r.index.data(), r.coef.data());
        row_lo.push_back(r.sense == '<' ? -inf : r.rhs);
        row_hi.push_back(r.sense == '>' ? inf : r.rhs);
    }
    std::vector<double> lo(n), hi(n), obj(n);
    for (int j = 0; j < n; ++j) {
        lo[j] = std::isfinite(p.lower[j]) ? p.lower[j] : -inf;
        hi[j] = std::isfinite(p.upper[j]) ? p.upper[j] : inf;
        obj[j] = -p.objective[j];
    }
    OsiClpSolverInterface solver;
    solver.messageHandler()->setLogLevel(0);
    solver.loadProblem(matrix, lo.data(), hi.data(), obj.data(), row_lo.data(), row_hi.data());
    for (int j = 0; j < n; ++j)
        if (p.integer[j]) solver.setInteger(j);
    CbcModel model(solver);
    model.setLogLevel(0);
    CbcSolverUsefulData data;
    CbcMain0(model, data);
    data.noPrinting_ = true;
    data.useSignalHandler_ = false;  // Python owns SIGINT; the watch polls it
    StopHandler handler(&watch);
    model.passInEventHandler(&handler);
    const double remaining = watch.remaining();
    const std::string seconds = std::isfinite(remaining) ? std::to_string(std::max(remaining, 0.01)) : "1e100";
    const char* argv[] = {"socval", "-log", "0", "-threads", "1", "-allowableGap", "1e-9", "-ratioGap", "0",
                          "-seconds", seconds.c_str(), "-solve", "-quit"};
    CbcMain1(static_cast<int>(sizeof(argv) / sizeof(argv[0])), argv, model, no_callback, data);
    watch.rethrow();
    MilpSolution s;
    s.seconds = watch.elapsed();
    if (model.isProvenInfeasible()) {
        s.status = MilpSolution::Status::infeasible;
        return s;
    }
    const double* x = model.bestSolution() ? model.bestSolution() : nullptr;
    if (model.isProvenOptimal() && x != nullptr) {
        s.status = MilpSolution::Status::optimal;
    } else if (watch.interrupted()) {
        s.status = MilpSolution::Status::interrupted;
    } else if (model.isSecondsLimitReached() || model.status() == 1 || model.status() == 5) {
        s.status = MilpSolution::Status::time_limit;
    } else {
        return s;  // failed
    }
    const double bound = model.getBestPossibleObjValue();
    if (std::isfinite(bound) && std::abs(bound) < 1e50) s.bound = -bound;
    if (x != nullptr) {
        s.has_incumbent = true;
        s.x.assign(x, x + n);
        s.objective = 0.0;
        for (int j = 0; j < n; ++j) s.objective += p.objective[j] * s.x[j];
    }
    return s;
}

/// Records GLPK's best bound and stops its branch and bound once the watch says so.
struct GlpkState {
    explicit GlpkState(Watch* w) : watch(w) {}
    Watch* watch;
    double bound = std::numeric_limits<double>::quiet_NaN();
    std::jmp_buf jump{};
    int jumped = 0;  ///< 1: cancelled inside an LP; 2: GLPK internal error
};

void glpk_callback(glp_tree* tree, void* info) {
    auto* state = static_cast<GlpkState*>(info);
    const int node = glp_ios_best_node(tree);
    if (node != 0) state->bound = glp_ios_node_bound(tree, node);
    if (state->watch->should_stop()) glp_ios_terminate(tree);
}

/// GLPK's terminal output, swallowed. The simplex prints its progress about every 0.5 s and calls no other hook,
/// so this is where a cancellation inside a long LP relaxation is seen: it leaves GLPK by longjmp (no C++ frame
/// lies between run_intopt and here), after which the caller frees GLPK's environment. Time limits are left to
/// GLPK's own tm_lim, which stops cleanly with the incumbent.
int glpk_term_hook(void* info, const char*) {
    auto* state = static_cast<GlpkState*>(info);
    if (state->watch->should_stop() && state->watch->interrupted()) {
        state->jumped = 1;
        std::longjmp(state->jump, 1);
    }
    return 1;
}

/// GLPK calls abort() after its error hook returns; leave by longjmp instead and report a failed solve.
void glpk_error_hook(void* info) {
    auto* state = static_cast<GlpkState*>(info);
    state->jumped = 2;
    std::longjmp(state->jump, 1);
}

/// glp_intopt with a way back from the hooks; returns -1 when a hook jumped out (state->jumped says why).
int run_intopt(glp_prob* g, const glp_iocp* parm, GlpkState* state) {
    if (setjmp(state->jump) != 0) return -1;
    glp_error_hook(glpk_error_hook, state);
    glp_term_hook(glpk_term_hook, state);
    glp_term_out(GLP_ON);
    const int ret = glp_intopt(g, parm);
    glp_term_out(GLP_OFF);
    glp_term_hook(nullptr, nullptr);
    glp_error_hook(nullptr, nullptr);
    return ret;
}

MilpSolution solve_glpk(const MilpProblem& p, const MilpLimits& limits) {
    // GLPK keeps process-wide state (terminal hooks, memory accounting); one solve at a time.
    static std::mutex glpk_mutex;
    std::lock_guard<std::mutex> lock(glpk_mutex);
    Watch watch(limits);
    GlpkState state(&watch);
    glp_term_out(GLP_OFF);
    std::unique_ptr<glp_prob, void (*)(glp_prob*)> prob(glp_create_prob(), glp_delete_prob);
    glp_prob* g = prob.get();
    glp_set_obj_dir(g, GLP_MAX);
    const int n = static_cast<int>(p.objective.size());
    const int m = static_cast<int>(p.rows.size());
    if (n > 0) glp_add_cols(g, n);
    for (int j = 0; j < n; ++j) {
        const bool fixed = p.lower[j] == p.upper[j];
        const bool free_lo = !std::isfinite(p.lower[j]);
        const bool free_hi = !std::isfinite(p.upper[j]);
        const int type = fixed ? GLP_FX : (free_lo && free_hi) ? GLP_FR : free_lo ? GLP_UP : free_hi ? GLP_LO : GLP_DB;
        glp_set_col_bnds(g, j + 1, type, free_lo ? 0.0 : p.lower[j], free_hi ? 0.0 : p.upper[j]);
        glp_set_obj_coef(g, j + 1, p.objective[j]);
        if (p.integer[j]) glp_set_col_kind(g, j + 1, GLP_IV);
    }
    std::vector<int> ia{0}, ja{0};
    std::vector<double> ar{0.0};
    if (m > 0) glp_add_rows(g, m);
    for (int i = 0; i < m; ++i) {
        const LinearRow& r = p.rows[i];
        const int type = r.sense == '<' ? GLP_UP : r.sense == '>' ? GLP_LO : GLP_FX;
        glp_set_row_bnds(g, i + 1, type, r.rhs, r.rhs);
        for (std::size_t k = 0; k < r.index.size(); ++k) {
            ia.push_back(i + 1);
            ja.push_back(r.index[k] + 1);
            ar.push_back(r.coef[k]);
        }
    }
    glp_load_matrix(g, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.presolve = GLP_ON;
    parm.msg_lev = GLP_MSG_ON;  // progress lines reach glpk_term_hook (and are swallowed there)
    parm.mip_gap = 0.0;
    parm.cb_func = glpk_callback;
    parm.cb_info = &state;
    // tm_lim (ms) also bounds the LP relaxations, where the callback is not called.
    const double remaining_ms = std::ceil(std::max(watch.remaining(), 0.001) * 1000.0);
    parm.tm_lim = remaining_ms < static_cast<double>(INT_MAX) ? static_cast<int>(remaining_ms) : INT_MAX;
    const int ret = run_intopt(g, &parm, &state);
    MilpSolution s;
    s.seconds = watch.elapsed();
    if (state.jumped != 0) {
        // GLPK's data are in an unknown state: free its whole environment (which deletes the problem too).
        (void)prob.release();
        glp_free_env();
        watch.rethrow();
        if (state.jumped == 1) s.status = MilpSolution::Status::interrupted;
        return s;
    }
    watch.rethrow();
    const int status = glp_mip_status(g);
    if (ret == GLP_ENOPFS || status == GLP_NOFEAS) {
        s.status = MilpSolution::Status::infeasible;
        return s;
    }
    if (ret == 0 && status == GLP_OPT) {
        s.status = MilpSolution::Status::optimal;
    } else if (ret == GLP_ESTOP || ret == GLP_ETMLIM) {
        s.status = watch.interrupted() ? MilpSolution::Status::interrupted : MilpSolution::Status::time_limit;
        s.bound = state.bound;
    } else {
        return s;  // failed
    }
    if (status == GLP_OPT || status == GLP_FEAS) {
        s.has_incumbent = true;
        s.objective = glp_mip_obj_val(g);
        s.x.resize(n);
        for (int j = 0; j < n; ++j) s.x[j] = glp_mip_col_val(g, j + 1);
    }
    return s;
}

}  // namespace

/// The solvers' boundary: COIN-OR throws CoinError (not a std::exception) and either library may throw a
/// std::exception (bad_alloc included); each leaves as a DecisionError naming the solver and the problem's size.
MilpSolution solve_milp(const MilpProblem& problem, MilpSolver solver, const MilpLimits& limits) {
    const char* name = solver == MilpSolver::cbc ? "CBC" : "GLPK";
    auto refuse = [&](const std::string& why) {
        return DecisionError(std::string("MILP solver ") + name + " failed on a problem of " +
                             std::to_string(problem.objective.size()) + " variables and " +
                             std::to_string(problem.rows.size()) + " constraints: " + why.substr(0, 200));
    };
    try {
        return solver == MilpSolver::cbc ? solve_cbc(problem, limits) : solve_glpk(problem, limits);
    } catch (const Error&) {
        throw;
    } catch (const CoinError& e) {
        throw refuse(e.className() + "::" + e.methodName() + ": " + e.message());
    } catch (const std::bad_alloc&) {
        throw refuse("not enough memory");
    } catch (const std::exception& e) {
        throw refuse(e.what());
    }
}

}  // namespace socval::decision
