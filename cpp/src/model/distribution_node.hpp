#pragma once
/// Reading a number-or-distribution written in a scenario file (syntax in docs/formats/scenario.md,
/// "Numbers and distributions").
#include <limits>
#include <string>

#include <socval/sampling.hpp>

#include "node.hpp"

namespace socval::model::detail {

/// The range a parameter must stay in, e.g. a share in [0, 1]. A distribution must have its whole support
/// inside; `strict_low` excludes the lower bound for fixed values (e.g. a cap > 0).
struct Bounds {
    double low = -std::numeric_limits<double>::infinity();
    double high = std::numeric_limits<double>::infinity();
    bool strict_low = false;
    const char* what = "a number";
};

inline const Bounds kAnyNumber{};
inline const Bounds kShare{0.0, 1.0, false, "a share in [0, 1]"};
inline const Bounds kNonNegative{0.0, std::numeric_limits<double>::infinity(), false, "a number >= 0"};
inline const Bounds kPositive{0.0, std::numeric_limits<double>::infinity(), true, "a number > 0"};

/// A `{dist: family, ...}` map as a validated Distribution; a SamplingError becomes a ScenarioError at the node.
Distribution read_distribution(const Node& n, const std::string& path);

/// Check that a fixed value or a distribution's support lies within `b`; error at the node otherwise.
void check_bounds(const Node& n, const std::string& path, const Distribution& d, const Bounds& b);

}  // namespace socval::model::detail
