/// Conversion between yaml-cpp and the located document tree, and the YAML emitter for the merged document.
#include "node.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

namespace socval::model::detail {

const Member* Node::member(const std::string& key) const {
    for (const auto& m : members)
        if (m.key == key) return &m;
    return nullptr;
}

const Node* Node::find(const std::string& key) const {
    const Member* m = member(key);
    return m ? &m->value : nullptr;
}

Node* Node::find(const std::string& key) {
    for (auto& m : members)
        if (m.key == key) return &m.value;
    return nullptr;
}

void Node::erase(const std::string& key) {
    for (auto it = members.begin(); it != members.end(); ++it)
        if (it->key == key) {
            members.erase(it);
            return;
        }
}

void Node::set(const std::string& key, Node value, const Location& key_where) {
    if (Node* v = find(key)) {
        *v = std::move(value);
        return;
    }
    members.push_back(Member{key, key_where, std::move(value)});
}

namespace {

Location mark_of(const YAML::Node& n, const std::string& file) {
    Location l;
    l.file = file;
    const YAML::Mark m = n.Mark();
    if (m.line >= 0) {
        l.line = m.line + 1;
        l.column = m.column + 1;
    }
    return l;
}

/// Position (1-based line, column in characters) of byte `i` of `text`.
Location position(const std::string& text, std::size_t i, const std::string& file) {
    Location l;
    l.file = file;
    l.line = 1;
    l.column = 1;
    for (std::size_t k = 0; k < i; ++k) {
        const unsigned char c = static_cast<unsigned char>(text[k]);
        if (c == '\n') {
            ++l.line;
            l.column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++l.column;
        }
    }
    return l;
}

/// Characters a scenario file may not hold, refused before parsing: control characters (tab, line feed and
/// carriage return excepted), invalid UTF-8, and the Unicode line breaks NEL, LS and PS, which YAML readers
/// disagree on (one reads a line break where another reads text).
void check_text(const std::string& text, const std::string& file) {
    auto refuse = [&](std::size_t i, const std::string& what) {
        throw ScenarioError(position(text, i, file), what + "; a scenario file is UTF-8 text without control "
                                                            "characters (tabs and line breaks excepted)");
    };
    char hex[8];
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n;) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
                std::snprintf(hex, sizeof hex, "0x%02X", c);
                refuse(i, std::string("found the control character ") + hex);
            }
            ++i;
            continue;
        }
        const std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
        bool ok = len > 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        unsigned cp = 0;
        if (ok) {
            cp = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
            for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
            ok = !(len == 3 && cp < 0x800) && !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
                 !(cp >= 0xD800 && cp <= 0xDFFF);
        }
        if (!ok) {
            std::snprintf(hex, sizeof hex, "0x%02X", c);
            refuse(i, std::string("found a byte that is not valid UTF-8 (") + hex + ")");
        }
        if (cp >= 0x80 && cp <= 0x9F) {
            std::snprintf(hex, sizeof hex, "%04X", cp);
            refuse(i, std::string("found the control character U+") + hex +
                          (cp == 0x85 ? " (NEL, a line break to some YAML readers and text to others)" : ""));
        }
        if (cp == 0x2028 || cp == 0x2029)
            refuse(i, std::string("found the Unicode ") + (cp == 0x2028 ? "line" : "paragraph") +
                          " separator U+" + (cp == 0x2028 ? "2028" : "2029") +
                          " (a line break to some YAML readers and text to others)");
        i += len;
    }
}

/// Most values (YAML nodes: keys, scalars, lists, maps) a document may hold, counted with YAML aliases (*name)
/// expanded: reading costs about 700 bytes a value (yaml-cpp's tree and ours; measured peak 1.4 GB for 2 million),
/// and a few nested aliases can otherwise expand exponentially ("billion laughs"). A 5,000-option scenario with
/// every number uncertain has about 500,000 (benchmarks/make_scenario.py).
constexpr std::uint64_t kMaxValues = 1'000'000;

/// Most bytes of text (keys and scalars) a document may hold with its aliases expanded: as much as the largest
/// file. One alias of a long text copies that text, so counting values alone lets a small file grow by gigabytes.
constexpr std::uint64_t kMaxExpandedBytes = kMaxScenarioBytes;

/// The event pass over the text, before yaml-cpp builds its tree: anchors (&name) defined twice (a later alias
/// would silently mean the second value; yaml-cpp's node API does not keep anchor names), an alias inside the
/// value it names (a cycle), the size of the document in values and bytes with aliases expanded (so that a
/// document too large to build is refused while reading it as a stream, with the right reason), and where each
/// document starts.
class EventCheck : public YAML::EventHandler {
public:
    explicit EventCheck(std::string file) : file_(std::move(file)) {}
    std::vector<YAML::Mark> starts;  ///< where each document read so far starts
    void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
        if (starts.size() > 1) return;  // a second document is refused as such
        names_.push_back(name);
        auto [it, fresh] = seen_.emplace(name, mark);
        if (fresh) return;
        throw ScenarioError(where(mark), "the anchor '&" + cut(name, 40) + "' is defined a second time (first at line " +
                                             std::to_string(it->second.line + 1) +
                                             "); an alias would then silently mean the later value: give each "
                                             "anchor its own name");
    }
    void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        add(mark, {1, 0}, false);
        close(anchor, {1, 0});
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        if (starts.size() > 1) return;
        if (anchor >= sizes_.size() || !sizes_[anchor].closed) {
            const std::string name = anchor >= 1 && anchor <= names_.size() ? names_[anchor - 1] : "?";
            throw ScenarioError(where(mark), "the alias '*" + cut(name, 40) + "' is inside the value its anchor '&" +
                                                 cut(name, 40) + "' names: a value that contains itself has no "
                                                                 "end; write the value out");
        }
        add(mark, sizes_[anchor].size, true);
    }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
        add(mark, {1, value.size()}, false);
        close(anchor, {1, value.size()});
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(mark, anchor);
    }
    void OnSequenceEnd() override { end(); }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
        open(mark, anchor);
    }
    void OnMapEnd() override { end(); }

private:
    struct Size {
        std::uint64_t values = 0, bytes = 0;
    };
    struct Anchored {
        Size size;
        bool closed = false;
    };
    std::string file_;
    std::map<std::string, YAML::Mark> seen_;
    std::vector<std::string> names_;          ///< anchor names by id - 1 (yaml-cpp numbers anchors from 1)
    std::vector<Anchored> sizes_;             ///< expanded size of each anchored value, by anchor id
    std::vector<std::pair<YAML::anchor_t, Size>> open_;  ///< open lists and maps: anchor, totals at the start
    Size total_, aliased_;                    ///< the document's expanded size; the part that aliases added

    Location where(const YAML::Mark& mark) const {
        Location l;
        l.file = file_;
        l.line = mark.line + 1;
        l.column = mark.column + 1;
        return l;
    }

    /// Counts `s` into the first document's totals (later documents are refused anyway), refusing past a limit.
    void add(const YAML::Mark& mark, Size s, bool alias) {
        if (starts.size() > 1) return;
        total_.values += s.values;
        total_.bytes += s.bytes;
        if (alias) {
            aliased_.values += s.values;
            aliased_.bytes += s.bytes;
        }
        if (total_.values > kMaxValues) {
            std::string why = "the document has more than " + thousands(kMaxValues) + " values (keys, numbers, texts, lists and maps)";
            if (aliased_.values > 0)
                why += " once its YAML aliases (*name) are expanded (" + thousands(aliased_.values) +
                       " of them come from aliases): write it without nested aliases";
            else
                why += "; a scenario has a few thousand: check that this is the intended file";
            throw ScenarioError(where(mark), why);
        }
        if (total_.bytes > kMaxExpandedBytes)  // the file itself is at most that size: aliases made it larger
            throw ScenarioError(where(mark), "the document holds more than " + std::to_string(kMaxExpandedBytes >> 20) +
                                                 " MB of text once its YAML aliases (*name) are expanded (" +
                                                 thousands(aliased_.bytes) + " bytes come from aliases, each a "
                                                 "copy of the value it names): write long values without aliases");
    }
    void close(YAML::anchor_t anchor, Size s) {
        if (anchor == YAML::NullAnchor || starts.size() > 1) return;
        if (sizes_.size() <= anchor) sizes_.resize(anchor + 1);
        sizes_[anchor] = {s, true};
    }
    void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
        const Size before = total_;
        add(mark, {1, 0}, false);
        if (anchor != YAML::NullAnchor && starts.size() == 1 && sizes_.size() <= anchor) sizes_.resize(anchor + 1);  // open: not closed
        open_.emplace_back(anchor, before);
    }
    void end() {
        if (open_.empty()) return;
        const auto [anchor, before] = open_.back();
        open_.pop_back();
        close(anchor, {total_.values - before.values, total_.bytes - before.bytes});
    }
    static std::string thousands(std::uint64_t n) {
        std::string s = std::to_string(n);
        for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
        return s;
    }
};

/// Reads the first document's events and whether a second document follows; returns the start of the second
/// document, or a mark with line -1. At most two documents are read: yaml-cpp 0.7 can report endless empty
/// documents for text it cannot read (a leading ','), so YAML::LoadAll would never return.
YAML::Mark second_document(const std::string& text, const std::string& file) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    EventCheck check(file);
    for (int k = 0; k < 2 && parser.HandleNextDocument(check); ++k) {
    }
    if (check.starts.size() > 1) return check.starts[1];
    YAML::Mark none;
    none.line = -1;
    return none;
}

/// A scalar written as digits (with an optional sign and decimal part): the start of a number a comma can split.
bool looks_numeric(const std::string& t) {
    if (t.empty()) return false;
    std::size_t i = (t[0] == '-' || t[0] == '+') ? 1 : 0;
    bool digit = false;
    for (; i < t.size(); ++i) {
        if (t[i] >= '0' && t[i] <= '9')
            digit = true;
        else if (t[i] != '.')
            return false;
    }
    return digit;
}

/// True when `cur` is a plain scalar of three digits written right after `prev` and a comma (no space): `1,000`.
bool follows_comma(const Node& prev, const Location& at, const Node& cur) {
    if (!cur.is_scalar() || cur.quoted || cur.text.size() != 3 || !looks_numeric(prev.text)) return false;
    for (char c : cur.text)
        if (c < '0' || c > '9') return false;
    return at.line == prev.where.line && at.column == prev.where.column + static_cast<int>(prev.text.size()) + 1;
}

[[noreturn]] void thousands(const std::string& written, const Location& where) {
    std::string plain;
    for (char c : written)
        if (c != ',') plain += c;
    throw ScenarioError(where, "the number '" + written + "' is written with thousands separators; inside { } or "
                               "[ ] a comma separates items, so it would be read as several values. Write numbers "
                               "without separators: " + plain + " (or in exponent form, e.g. 2.5e6); if they are separate numbers, put a "
                               "space after each comma");
}

/// Only untagged values are read: `!!str 9500`, `!!float`, `!custom` would mean different things to different
/// YAML readers (and a tag on a number would silently be ignored).
void check_tag(const YAML::Node& y, const Location& where, const std::string& text) {
    const std::string& tag = y.Tag();
    if (tag.empty() || tag == "?" || tag == "!") return;
    std::string shown = tag;
    const std::string core = "tag:yaml.org,2002:";
    if (shown.rfind(core, 0) == 0) shown = "!!" + shown.substr(core.size());
    std::string hint = "remove the tag";
    if (shown == "!!str") hint = "to write text, quote it: \"" + cut(text) + "\"";
    throw ScenarioError(where, "YAML tags are not read, found the tag '" + cut(shown) + "'; " + hint);
}

/// Upper bound on nodes built (the event pass refuses larger documents first; this guards the recursion).
constexpr std::size_t kMaxNodes = kMaxValues;

Node convert(const YAML::Node& y, const std::string& file, const Location& fallback, std::size_t& count) {
    Node n;
    if (++count > kMaxNodes)
        throw ScenarioError(mark_of(y, file), "the document has more than " + std::to_string(kMaxNodes) +
                                                  " values (YAML aliases expanded)");
    n.where = mark_of(y, file);
    if (n.where.line == 0) n.where = fallback;
    switch (y.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            n.type = Node::Type::null;
            break;
        case YAML::NodeType::Scalar:
            n.type = Node::Type::scalar;
            n.text = y.Scalar();
            check_tag(y, n.where, n.text);
            n.quoted = y.Tag() == "!";
            break;
        case YAML::NodeType::Sequence: {
            n.type = Node::Type::sequence;
            check_tag(y, n.where, "");
            for (const auto& item : y) n.items.push_back(convert(item, file, n.where, count));
            // `[1,000, 2]`: a number split by commas into items of three digits; reported as written.
            for (std::size_t k = 1; k < n.items.size(); ++k) {
                const Node& first = n.items[k - 1];
                if (!first.is_scalar() || first.quoted || !follows_comma(first, n.items[k].where, n.items[k])) continue;
                std::string written = first.text;
                Location end = first.where;
                end.column += static_cast<int>(first.text.size());
                for (std::size_t j = k; j < n.items.size(); ++j) {
                    const Node& part = n.items[j];
                    if (!part.is_scalar() || part.quoted || part.text.size() != 3 || part.where.line != end.line ||
                        part.where.column != end.column + 1 || !looks_numeric(part.text))
                        break;
                    written += "," + part.text;
                    end = part.where;
                    end.column += 3;
                }
                thousands(written, first.where);
            }
            break;
        }
        case YAML::NodeType::Map: {
            n.type = Node::Type::map;
            check_tag(y, n.where, "");
            std::string number;  // the last plain number value, then "1,000", ... while keys '000' follow it
            Location number_at, number_end;
            bool split = false;  // a key '000' followed the number: it was split by a comma
            for (const auto& kv : y) {
                Member m;
                m.key_where = mark_of(kv.first, file);
                if (m.key_where.line == 0) m.key_where = n.where;
                if (!kv.first.IsScalar())
                    throw ScenarioError(m.key_where, "expected a plain text key, found a " +
                                                         std::string(kv.first.IsMap() ? "map" : "list"));
                m.key = kv.first.Scalar();
                check_tag(kv.first, m.key_where, m.key);
                // `{revenue: 200,000}`: in flow style the comma ends the value, leaving 200 and a key '000'
                // (and `1,000,000` two keys '000'); the whole run is reported once it ends.
                const bool digits3 = m.key.size() == 3 && std::all_of(m.key.begin(), m.key.end(), [](char c) {
                    return c >= '0' && c <= '9';
                });
                if (!number.empty() && digits3 && kv.second.IsNull() && kv.first.Tag() == "?" &&
                    m.key_where.line == number_end.line && m.key_where.column == number_end.column + 1) {
                    number += "," + m.key;
                    number_end = m.key_where;
                    number_end.column += 3;
                    split = true;
                    continue;
                }
                if (split) thousands(number, number_at);
                if (m.key == "<<" && kv.first.Tag() == "?")
                    throw ScenarioError(m.key_where, "merge keys (<<) are not read: they would copy keys silently "
                                                     "and change meaning between YAML readers; write the keys out");
                if (const Member* first = n.member(m.key)) {
                    Location both = m.key_where;
                    both.key = cut(m.key, 40);
                    throw ScenarioError(both, "key '" + cut(m.key, 40) +
                                                  "' is given twice in the same map (first at line " +
                                                  std::to_string(first->key_where.line) + "); give each key once");
                }
                m.value = convert(kv.second, file, m.key_where, count);
                number.clear();
                if (m.value.is_scalar() && !m.value.quoted && looks_numeric(m.value.text)) {
                    number = m.value.text;
                    number_at = m.value.where;
                    number_end = m.value.where;
                    number_end.column += static_cast<int>(m.value.text.size());
                }
                n.members.push_back(std::move(m));
            }
            if (split) thousands(number, number_at);
            break;
        }
    }
    return n;
}

void emit(YAML::Emitter& out, const Node& n) {
    switch (n.type) {
        case Node::Type::null:
            out << YAML::Null;
            break;
        case Node::Type::scalar:
            if (n.quoted)
                out << YAML::DoubleQuoted << n.text;
            else
                out << n.text;
            break;
        case Node::Type::sequence: {
            bool flat = true;
            for (const auto& i : n.items) flat = flat && (i.is_scalar() || i.is_null() ||
                                                          (i.is_sequence() && [&] {
                                                              for (const auto& j : i.items)
                                                                  if (!j.is_scalar()) return false;
                                                              return true;
                                                          }()));
            if (flat) out << YAML::Flow;
            out << YAML::BeginSeq;
            for (const auto& i : n.items) emit(out, i);
            out << YAML::EndSeq;
            break;
        }
        case Node::Type::map:
            out << YAML::BeginMap;
            for (const auto& m : n.members) {
                out << YAML::Key << m.key << YAML::Value;
                emit(out, m.value);
            }
            out << YAML::EndMap;
            break;
    }
}

}  // namespace

Node parse_yaml(const std::string& text, const std::string& file) {
    if (text.size() > kMaxScenarioBytes) {
        Location l;
        l.file = file;
        throw ScenarioError(l, "the scenario text has " + std::to_string(text.size()) + " bytes, more than the " +
                                   std::to_string(kMaxScenarioBytes >> 20) + " MB a scenario file may have");
    }
    check_text(text, file);
    YAML::Node doc;
    YAML::Mark second;
    try {
        second = second_document(text, file);
        doc = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        Location l;
        l.file = file;
        if (e.mark.line >= 0) {
            l.line = e.mark.line + 1;
            l.column = e.mark.column + 1;
        }
        throw ScenarioError(l, "invalid YAML: " + cut(e.msg));
    }
    if (doc.IsMap() && doc.Mark().column > 0)
        throw ScenarioError(mark_of(doc, file),
                            "the first key is indented by " + std::to_string(doc.Mark().column) +
                                " spaces; the top-level keys of a scenario file start in column 1 (a YAML reader "
                                "would otherwise take the keys after the indented block as a separate document)");
    if (second.line >= 0) {
        Location l;
        l.file = file;
        l.line = second.line + 1;
        l.column = second.column + 1;
        throw ScenarioError(l, "a second YAML document starts here (after '---', after a block that ends the first "
                               "document, or at text YAML cannot read as part of it); a scenario file holds one "
                               "document: remove the '---' line or split the file (files are combined with "
                               "`include` / `extends`)");
    }
    Location top;
    top.file = file;
    top.line = 1;
    top.column = 1;
    std::size_t count = 0;
    return convert(doc, file, top, count);
}

std::string emit_yaml(const Node& root) {
    YAML::Emitter out;
    out.SetIndent(2);
    emit(out, root);
    return std::string(out.c_str()) + "\n";
}

std::string cut(const std::string& s, std::size_t max) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
        if (chars++ == max) return s.substr(0, i) + "... (" + std::to_string(s.size()) + " bytes)";
    }
    return s;
}

std::string describe(const Node& n) {
    switch (n.type) {
        case Node::Type::null:
            return "nothing (an empty value)";
        case Node::Type::scalar:
            return n.quoted ? "the quoted text \"" + cut(n.text) + "\"" : "'" + cut(n.text) + "'";
        case Node::Type::sequence:
            return "a list of " + std::to_string(n.items.size()) + " item" + (n.items.size() == 1 ? "" : "s");
        case Node::Type::map: {
            std::string s = "a map {";
            for (std::size_t i = 0; i < n.members.size() && i < 6; ++i) s += (i ? ", " : "") + cut(n.members[i].key, 40);
            if (n.members.size() > 6) s += ", ...";
            return s + "}";
        }
    }
    return "?";
}

}  // namespace socval::model::detail
