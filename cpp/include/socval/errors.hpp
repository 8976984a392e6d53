#pragma once
/// The exceptions socval throws. Each maps to one Python exception of the same name (cpp/bindings/exceptions.cpp).
#include <cstdio>
#include <stdexcept>
#include <string>

namespace socval {

/// Where in a user's input a problem is: file, 1-based line and column, and the key path (e.g. `options[3].cost`).
struct Location {
    std::string file;
    int line = 0;
    int column = 0;
    std::string key;

    /// "file:line:column: key" with the parts that are known.
    std::string str() const {
        std::string s = file;
        if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
        if (!key.empty()) s += (s.empty() ? "" : ": ") + key;
        return s;
    }
};

/// A number as error messages show it (up to 10 significant digits).
inline std::string show(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", x);
    return buf;
}

/// Base of every socval error.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    Error(const Location& where, const std::string& what)
        : std::runtime_error(where.str().empty() ? what : where.str() + ": " + what) {}
};

/// Bad argument to an appraisal routine (discounting, optimism bias, additionality, ratios).
class AppraisalError : public Error { using Error::Error; };
/// The value library is missing, malformed, or asked for a value it does not hold.
class ValueLibraryError : public Error { using Error::Error; };
/// A scenario file or a scenario built in code is invalid.
class ScenarioError : public Error { using Error::Error; };
/// A distribution, sampler or correlation specification is invalid.
class SamplingError : public Error { using Error::Error; };
/// A results file cannot be written or read.
class ResultsFileError : public Error { using Error::Error; };
/// Bad input to a decision-support routine (comparison, SMAA, portfolio selection).
class DecisionError : public Error { using Error::Error; };
/// Bad input to a sensitivity or value-of-information routine.
class SensitivityError : public Error { using Error::Error; };
/// A long computation was stopped by the user (Ctrl-C); maps to KeyboardInterrupt.
class Interrupted : public Error { using Error::Error; };

}  // namespace socval
