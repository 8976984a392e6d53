/// The scenario file's words for the model's enums (the reader parses the same words).
#include <socval/model.hpp>

namespace socval::model {

const std::vector<std::string>& pillar_words() {
    static const std::vector<std::string> words = {"social", "economic", "environmental"};
    return words;
}

const std::vector<std::string>& lever_words() {
    static const std::vector<std::string> words = {"commissioning", "anchor", "employer"};
    return words;
}

const std::vector<std::string>& beneficiary_words() {
    static const std::vector<std::string> words = {"fiscal", "economic", "social"};
    return words;
}

const std::vector<std::string>& quintile_words() {
    static const std::vector<std::string> words = {"q1", "q2", "q3", "q4", "q5"};
    return words;
}

const std::vector<std::string>& decile_words() {
    static const std::vector<std::string> words = {"d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10"};
    return words;
}

const std::vector<std::string>& result_pillars() {
    static const std::vector<std::string> words = [] {
        auto w = pillar_words();
        w.push_back("unallocated");
        return w;
    }();
    return words;
}

namespace {
template <class E>
const char* word(const std::vector<std::string>& words, E e) {
    const auto i = static_cast<std::size_t>(e);
    return i < words.size() ? words[i].c_str() : "?";
}
}  // namespace

const char* to_string(Pillar p) { return word(pillar_words(), p); }
const char* to_string(Lever l) { return word(lever_words(), l); }
const char* to_string(Beneficiary b) { return word(beneficiary_words(), b); }

const char* to_string(LinkForm f) { return f == LinkForm::linear ? "linear" : "saturating"; }

const char* to_string(Valuation::Kind k) {
    switch (k) {
        case Valuation::Kind::none: return "none";
        case Valuation::Kind::money: return "money";
        case Valuation::Kind::carbon: return "carbon";
        case Valuation::Kind::wellby: return "wellby";
        case Valuation::Kind::qaly: return "qaly";
        case Valuation::Kind::unit_value: return "unit_value";
    }
    return "?";
}

const char* to_string(Output::Basis b) { return b == Output::Basis::per_year ? "per_year" : "per_pound"; }

const char* to_string(Link::From f) { return f == Link::From::option ? "option" : "outcome"; }

}  // namespace socval::model
