/// MILP back ends: COIN-OR CBC through its C interface, GLPK through glp_intopt.
#include "socval/decision/milp.hpp"

#include <Cbc_C_Interface.h>
#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>

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

namespace {

MilpSolution solve_cbc(const MilpProblem& p) {
    std::unique_ptr<Cbc_Model, void (*)(Cbc_Model*)> model(Cbc_newModel(), Cbc_deleteModel);
    Cbc_Model* m = model.get();
    Cbc_setLogLevel(m, 0);
    const int n = static_cast<int>(p.objective.size());
    const auto finite = [](double v) { return std::clamp(v, -std::numeric_limits<double>::max(), std::numeric_limits<double>::max()); };
    for (int j = 0; j < n; ++j) {
        Cbc_addCol(m, "", finite(p.lower[j]), finite(p.upper[j]), p.objective[j], p.integer[j] ? 1 : 0, 0, nullptr,
                   nullptr);
    }
    for (const LinearRow& r : p.rows) {
        const char sense = r.sense == '<' ? 'L' : r.sense == '>' ? 'G' : 'E';
        Cbc_addRow(m, "", static_cast<int>(r.index.size()), r.index.data(), r.coef.data(), sense, r.rhs);
    }
    Cbc_setObjSense(m, -1.0);  // maximise
    Cbc_setAllowableGap(m, 1e-9);
    Cbc_setAllowableFractionGap(m, 0.0);
    Cbc_setParameter(m, "threads", "1");
    Cbc_solve(m);
    MilpSolution s;
    if (Cbc_isProvenInfeasible(m)) {
        s.status = MilpSolution::Status::infeasible;
        return s;
    }
    if (!Cbc_isProvenOptimal(m) || Cbc_getColSolution(m) == nullptr) return s;
    s.status = MilpSolution::Status::optimal;
    s.objective = Cbc_getObjValue(m);
    const double* x = Cbc_getColSolution(m);
    s.x.assign(x, x + n);
    return s;
}

MilpSolution solve_glpk(const MilpProblem& p) {
    // GLPK keeps process-wide state (terminal hooks, memory accounting); one solve at a time.
    static std::mutex glpk_mutex;
    std::lock_guard<std::mutex> lock(glpk_mutex);
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
    parm.msg_lev = GLP_MSG_OFF;
    parm.mip_gap = 0.0;
    const int ret = glp_intopt(g, &parm);
    MilpSolution s;
    const int status = glp_mip_status(g);
    if (ret == GLP_ENOPFS || status == GLP_NOFEAS) {
        s.status = MilpSolution::Status::infeasible;
        return s;
    }
    if (ret != 0 || status != GLP_OPT) return s;
    s.status = MilpSolution::Status::optimal;
    s.objective = glp_mip_obj_val(g);
    s.x.resize(n);
    for (int j = 0; j < n; ++j) s.x[j] = glp_mip_col_val(g, j + 1);
    return s;
}

}  // namespace

MilpSolution solve_milp(const MilpProblem& problem, MilpSolver solver) {
    return solver == MilpSolver::cbc ? solve_cbc(problem) : solve_glpk(problem);
}

}  // namespace socval::decision
