/// The scenario file's words for the model's enums (the reader parses the same words).
#include <socval/model.hpp>

namespace socval::model {

const char* to_string(Pillar p) {
    switch (p) {
        case Pillar::social: return "social";
        case Pillar::economic: return "economic";
        case Pillar::environmental: return "environmental";
    }
    return "?";
}

const char* to_string(Lever l) {
    switch (l) {
        case Lever::commissioning: return "commissioning";
        case Lever::anchor: return "anchor";
        case Lever::employer: return "employer";
    }
    return "?";
}

const char* to_string(Beneficiary b) {
    switch (b) {
        case Beneficiary::fiscal: return "fiscal";
        case Beneficiary::economic: return "economic";
        case Beneficiary::social: return "social";
    }
    return "?";
}

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
