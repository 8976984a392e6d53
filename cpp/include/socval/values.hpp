#pragma once
/// The value library: published appraisal figures with their source, licence, price base year and vintage,
/// read from data/ (YAML) and validated when loaded. Every monetary figure is returned in a requested price base.
#include <map>
#include <string>
#include <vector>

#include <socval/appraisal.hpp>

namespace socval::values {

/// Where a figure comes from.
struct Provenance {
    std::string source;
    std::string licence;
    std::string vintage;
    std::string url;
    std::string notes;
    int price_base_year = 0;  ///< 0 when the table holds no money values
};

/// Low / central / high cases of an uncertain published value.
enum class Case { low, central, high };
/// "low" | "central" | "high"; throws ValueLibraryError otherwise.
Case parse_case(const std::string& name);
const char* to_string(Case c);

/// A published figure with its low / central / high range.
struct Range {
    double low = 0, central = 0, high = 0;
    double get(Case c) const { return c == Case::low ? low : c == Case::high ? high : central; }
};

/// A unit value for an outcome (value library v2): GBP per unit, with a range.
struct UnitValue {
    std::string id;
    std::string description;
    std::string unit;
    Range value;
    bool illustrative = false;  ///< an assumption to be replaced by the user, not a published figure
    Provenance provenance;
};

/// Equivalised household incomes for distributional weights (Green Book Annex A3): the median of the whole
/// population and the median of each income quintile (q1 lowest .. q5), GBP a year in one price base.
struct IncomeTable {
    double median = 0;
    std::vector<double> quintiles;  ///< 5 values, increasing
    bool illustrative = false;      ///< an assumption to be replaced, not a published table
};

/// What to do for a carbon value asked for a year outside the published table.
enum class Extrapolation { error, hold };

/// The whole library, immutable once loaded.
class Library {
public:
    /// Loads `<dir>/library.yaml` and the tables it lists; throws ValueLibraryError with file:line:column.
    static Library load(const std::string& dir);

    const std::string& version() const { return version_; }
    const std::string& directory() const { return dir_; }

    /// Named discount schedules: "standard", "health", "reduced".
    const appraisal::DiscountSchedule& schedule(const std::string& name) const;
    std::vector<std::string> schedule_names() const;

    /// GDP deflator index for a calendar year; throws for a year outside the table.
    double deflator(int year) const;
    /// amount * deflator[to_year] / deflator[from_year].
    double rebase(double amount, int from_year, int to_year) const;

    /// DESNZ value of one tCO2e emitted/avoided in `year`, in `price_base` prices.
    double carbon_value(int year, Case c, int price_base, Extrapolation beyond = Extrapolation::error) const;
    /// Value of one WELLBY in `price_base` prices.
    double wellby_value(Case c, int price_base) const;
    /// Value of one QALY in `price_base` prices.
    double qaly_value(Case c, int price_base) const;
    /// Optimism bias upper bounds of a project category.
    const appraisal::OptimismBiasCategory& optimism_bias(const std::string& category) const;
    std::vector<std::string> optimism_bias_categories() const;
    /// A unit value in `price_base` prices.
    double unit_value(const std::string& id, Case c, int price_base) const;
    const UnitValue& unit_value_entry(const std::string& id) const;
    std::vector<std::string> unit_value_ids() const;

    /// The income table (`incomes`); throws ValueLibraryError when the library has none.
    const IncomeTable& incomes() const;
    bool has_incomes() const { return has_incomes_; }

    /// Provenance of a table: "stpr", "gdp_deflator", "carbon", "wellby", "qaly", "optimism_bias", "unit_values".
    const Provenance& provenance(const std::string& table) const;
    std::vector<std::string> tables() const;

private:
    std::string version_, dir_;
    std::map<std::string, appraisal::DiscountSchedule> schedules_;
    std::map<int, double> deflator_;
    std::map<int, Range> carbon_;
    Range wellby_, qaly_;
    std::map<std::string, appraisal::OptimismBiasCategory> optimism_bias_;
    std::map<std::string, UnitValue> unit_values_;
    std::map<std::string, Provenance> provenance_;
    IncomeTable incomes_;
    bool has_incomes_ = false;
};

}  // namespace socval::values
