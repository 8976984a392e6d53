#pragma once
/// Sampling: distributions of uncertain parameters, random streams keyed by parameter id (counter-based,
/// Philox4x64-10), Latin hypercube without stored permutations, and a Gaussian copula for rank correlation.
/// The maths and sources are in docs/model/sampling.md.
///
/// Design (ARCHITECTURE.md decision 1): the uniform for parameter P in draw d depends only on
/// (seed, stable_hash(P's id), d). Thread-count invariance, the N / 2N prefix (Monte Carlo), common random
/// numbers between scenarios and "adding a parameter changes no other parameter's draws" follow from that.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "socval/errors.hpp"
#include "socval/sampling/distribution.hpp"
#include "socval/sampling/streams.hpp"
#include "socval/sampling/copula.hpp"
