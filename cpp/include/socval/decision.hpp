#pragma once
/// Decision support, generic form (arrays in, arrays out): SMAA-2 over uncertain weights, distribution comparison,
/// portfolio selection (MILP), Pareto portfolios and Robust Portfolio Modelling. Formulas: docs/model/decision.md.
#include "socval/decision/compare.hpp"
#include "socval/decision/milp.hpp"
#include "socval/decision/pareto.hpp"
#include "socval/decision/portfolio.hpp"
#include "socval/decision/rpm.hpp"
#include "socval/decision/smaa.hpp"
#include "socval/decision/weights.hpp"
