/// Typed access to located YAML nodes, with messages that say where, what was expected and what was found.
#include "fields.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace socval::model::detail {

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    // Close enough: at most half the word's length (at least 2) and not a replacement of the whole word.
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 2);
    std::size_t best = limit + 1;
    std::string pick;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best && d < word.size()) {
            best = d;
            pick = c;
        }
    }
    return pick.empty() ? "" : " (did you mean '" + pick + "'?)";
}

std::string join(const std::vector<std::string>& words, const std::string& sep) {
    std::string s;
    for (std::size_t i = 0; i < words.size(); ++i) s += (i ? sep : "") + words[i];
    return s;
}

void fail(const Node& n, const std::string& path, const std::string& message) {
    throw ScenarioError(at(n, path), message);
}

void expected(const Node& n, const std::string& path, const std::string& what) {
    fail(n, path, "expected " + what + ", found " + describe(n));
}

void require_map(const Node& n, const std::string& path, const std::string& what) {
    if (!n.is_map()) expected(n, path, what + " (a map of keys)");
}

void check_keys(const Node& n, const std::string& path, const std::vector<std::string>& allowed,
                const std::string& what) {
    auto check = [&](const std::string& key, const Location& where) {
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) return;
        Location l = where;
        l.key = child(path, cut(key, 40));
        throw ScenarioError(l, "unknown key '" + cut(key, 40) + "' in " + what + did_you_mean(key, allowed) +
                                   "; expected one of: " + join(allowed));
    };
    for (const auto& m : n.members) check(m.key, m.key_where);
    for (const auto& [key, where] : n.empty_keys) check(key, where);
}

void no_empty_values(const Node& n, const std::string& path, const std::string& expect) {
    for (const auto& [key, where] : n.empty_keys) {
        Location l = where;
        l.key = child(path, cut(key, 40));
        throw ScenarioError(l, "expected " + expect + " for '" + cut(key, 40) + "', found nothing (an empty value)");
    }
}

const Node& required(const Node& map, const std::string& path, const std::string& key, const std::string& expect) {
    if (const Node* v = map.find(key)) return *v;
    fail(map, child(path, key), "missing required key '" + key + "' (expected " + expect + "), found only " +
                                    describe(map));
}

std::string as_string(const Node& n, const std::string& path) {
    if (!n.is_scalar()) expected(n, path, "a text value");
    return n.text;
}

std::string as_id(const Node& n, const std::string& path) {
    if (!n.is_scalar()) expected(n, path, "an id (a letter, then letters, digits, '_' or '-')");
    const std::string& s = n.text;
    bool ok = !s.empty() && std::isalpha(static_cast<unsigned char>(s[0]));
    for (char c : s) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
    if (!ok) expected(n, path, "an id (a letter, then letters, digits, '_' or '-')");
    return s;
}

namespace {
bool parse_double(const std::string& s, double& out) {
    if (s.empty()) return false;
    const char* b = s.c_str();
    char* e = nullptr;
    errno = 0;
    out = std::strtod(b, &e);
    return e == b + s.size() && errno == 0 && std::isfinite(out) && !std::isspace(static_cast<unsigned char>(s[0]));
}
}  // namespace

bool is_number(const Node& n) {
    double x;
    return n.is_scalar() && !n.quoted && parse_double(n.text, x);
}

namespace {
/// "1,000,000" or "-2,500.5": digits grouped by commas.
bool has_thousands_separators(const std::string& s) {
    std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    bool comma = false, digit = false;
    for (; i < s.size() && s[i] != '.'; ++i) {
        if (s[i] == ',') comma = true;
        else if (s[i] >= '0' && s[i] <= '9') digit = true;
        else return false;
    }
    return comma && digit;
}
}  // namespace

[[noreturn]] void not_a_number(const Node& n, const std::string& path, const std::string& expect) {
    if (n.is_scalar() && has_thousands_separators(n.text)) {
        std::string plain;
        for (char c : n.text)
            if (c != ',') plain += c;
        fail(n, path, "expected " + expect + ", found '" + cut(n.text) + "', a number with thousands separators; "
                      "write numbers without separators: " + cut(plain) + " (or in exponent form, e.g. 2.5e6)");
    }
    expected(n, path, expect);
}

double as_number(const Node& n, const std::string& path) {
    double x = 0;
    if (!n.is_scalar() || n.quoted || !parse_double(n.text, x)) not_a_number(n, path, "a finite number");
    if (std::fabs(x) > kMaxMagnitude)
        fail(n, path, "expected a number of magnitude at most " + show(kMaxMagnitude) + ", found " + describe(n) +
                          "; larger inputs can overflow the appraisal's arithmetic to infinity");
    return x;
}

int as_int(const Node& n, const std::string& path, long lo, long hi, const std::string& expect) {
    double x = 0;
    if (!n.is_scalar() || n.quoted || !parse_double(n.text, x) || x != std::floor(x)) not_a_number(n, path, expect);
    if (x < static_cast<double>(lo) || x > static_cast<double>(hi)) expected(n, path, expect);
    return static_cast<int>(x);
}

bool as_bool(const Node& n, const std::string& path) {
    if (n.is_scalar() && !n.quoted) {
        if (n.text == "true" || n.text == "True" || n.text == "TRUE") return true;
        if (n.text == "false" || n.text == "False" || n.text == "FALSE") return false;
    }
    expected(n, path, "true or false");
}

std::size_t as_choice(const Node& n, const std::string& path, const std::vector<std::string>& names,
                      const std::string& what) {
    if (n.is_scalar())
        for (std::size_t i = 0; i < names.size(); ++i)
            if (n.text == names[i]) return i;
    const std::string hint = n.is_scalar() ? did_you_mean(n.text, names) : "";
    fail(n, path, "expected " + what + " (one of: " + join(names) + "), found " + describe(n) + hint);
}

std::vector<std::string> as_string_list(const Node& n, const std::string& path) {
    if (n.is_scalar()) return {n.text};
    if (!n.is_sequence()) expected(n, path, "a text value or a list of them");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n.items.size(); ++i) out.push_back(as_string(n.items[i], indexed(path, i)));
    return out;
}

std::vector<double> as_number_list(const Node& n, const std::string& path) {
    if (!n.is_sequence()) expected(n, path, "a list of numbers");
    std::vector<double> out;
    for (std::size_t i = 0; i < n.items.size(); ++i) out.push_back(as_number(n.items[i], indexed(path, i)));
    return out;
}

}  // namespace socval::model::detail
