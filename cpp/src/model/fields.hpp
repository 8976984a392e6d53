#pragma once
/// Typed access to located YAML nodes: every failure is a ScenarioError with file:line:column, the key path,
/// what was expected and what was found. Unknown keys get a "did you mean" suggestion.
#include <string>
#include <vector>

#include "node.hpp"

namespace socval::model::detail {

/// Levenshtein distance (insert, delete, substitute: cost 1 each).
std::size_t edit_distance(const std::string& a, const std::string& b);
/// " (did you mean 'x'?)" for the closest candidate within distance max(2, |word| / 2) and < |word|, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);
/// "a, b, c".
std::string join(const std::vector<std::string>& words, const std::string& sep = ", ");

/// Throw a ScenarioError at node `n` with key path `path`.
[[noreturn]] void fail(const Node& n, const std::string& path, const std::string& message);
/// Throw "expected <expected>, found <describe(n)>".
[[noreturn]] void expected(const Node& n, const std::string& path, const std::string& what);

/// `path` + "." + key (or key alone at the top).
inline std::string child(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}
/// `path` + "[i]".
inline std::string indexed(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

/// Throw "expected <expect>, found ..." for a value that is not a number, saying how to write a number given with
/// thousands separators ("1,500,000").
[[noreturn]] void not_a_number(const Node& n, const std::string& path, const std::string& expect);
/// Require a map; `what` names it in the message (e.g. "an outcome").
void require_map(const Node& n, const std::string& path, const std::string& what);
/// Every key of map `n` must be in `allowed`; otherwise "unknown key 'x' in <what> (did you mean 'y'?); allowed: ...".
void check_keys(const Node& n, const std::string& path, const std::vector<std::string>& allowed,
                const std::string& what);
/// A map whose keys are ids (outputs, priority shares): a key written with no value is an error, not "absent".
void no_empty_values(const Node& n, const std::string& path, const std::string& expect);
/// The value under `key`, or an error "missing required key".
const Node& required(const Node& map, const std::string& path, const std::string& key, const std::string& expect);

std::string as_string(const Node& n, const std::string& path);
/// An identifier: a letter, then letters, digits, '_' or '-'.
std::string as_id(const Node& n, const std::string& path);
/// Largest magnitude of a number in a scenario: a cost, value, amount, coefficient or scale above it could overflow
/// to infinity once multiplied through the appraisal (docs/formats/scenario.md, "Numbers").
constexpr double kMaxMagnitude = 1e15;

/// A finite number of magnitude at most kMaxMagnitude.
double as_number(const Node& n, const std::string& path);
/// A whole number in [lo, hi].
int as_int(const Node& n, const std::string& path, long lo, long hi, const std::string& expect);
bool as_bool(const Node& n, const std::string& path);
/// One of `names`; returns its index. `what` is e.g. "a pillar".
std::size_t as_choice(const Node& n, const std::string& path, const std::vector<std::string>& names,
                      const std::string& what);
/// A string, or a list of strings (a single string is a one-item list).
std::vector<std::string> as_string_list(const Node& n, const std::string& path);
/// A list of finite numbers.
std::vector<double> as_number_list(const Node& n, const std::string& path);

/// True for a scalar that reads as a finite number.
bool is_number(const Node& n);

}  // namespace socval::model::detail
