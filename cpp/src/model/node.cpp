/// Conversion between yaml-cpp and the located document tree, and the YAML emitter for the merged document.
#include "node.hpp"

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

/// Upper bound on nodes after alias expansion: a few aliases nested can otherwise expand exponentially.
constexpr std::size_t kMaxNodes = 2'000'000;

Node convert(const YAML::Node& y, const std::string& file, const Location& fallback, std::size_t& count) {
    Node n;
    if (++count > kMaxNodes)
        throw ScenarioError(mark_of(y, file), "the document has more than " + std::to_string(kMaxNodes) +
                                                  " values after expanding YAML aliases (*name); write it without "
                                                  "nested aliases");
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
            n.quoted = y.Tag() == "!";
            break;
        case YAML::NodeType::Sequence:
            n.type = Node::Type::sequence;
            for (const auto& item : y) n.items.push_back(convert(item, file, n.where, count));
            break;
        case YAML::NodeType::Map:
            n.type = Node::Type::map;
            for (const auto& kv : y) {
                Member m;
                m.key_where = mark_of(kv.first, file);
                if (m.key_where.line == 0) m.key_where = n.where;
                if (!kv.first.IsScalar())
                    throw ScenarioError(m.key_where, "expected a plain text key, found a " +
                                                         std::string(kv.first.IsMap() ? "map" : "list"));
                m.key = kv.first.Scalar();
                if (const Member* first = n.member(m.key)) {
                    Location both = m.key_where;
                    both.key = m.key;
                    throw ScenarioError(both, "key '" + m.key + "' is given twice in the same map (first at line " +
                                                  std::to_string(first->key_where.line) +
                                                  "); give each key once");
                }
                m.value = convert(kv.second, file, m.key_where, count);
                n.members.push_back(std::move(m));
            }
            break;
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
    YAML::Node y;
    try {
        y = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        Location l;
        l.file = file;
        if (e.mark.line >= 0) {
            l.line = e.mark.line + 1;
            l.column = e.mark.column + 1;
        }
        throw ScenarioError(l, "invalid YAML: " + e.msg);
    }
    Location top;
    top.file = file;
    top.line = 1;
    top.column = 1;
    std::size_t count = 0;
    return convert(y, file, top, count);
}

std::string emit_yaml(const Node& root) {
    YAML::Emitter out;
    out.SetIndent(2);
    emit(out, root);
    return std::string(out.c_str()) + "\n";
}

std::string describe(const Node& n) {
    switch (n.type) {
        case Node::Type::null:
            return "nothing (an empty value)";
        case Node::Type::scalar:
            return n.quoted ? "the quoted text \"" + n.text + "\"" : "'" + n.text + "'";
        case Node::Type::sequence:
            return "a list of " + std::to_string(n.items.size()) + " item" + (n.items.size() == 1 ? "" : "s");
        case Node::Type::map: {
            std::string s = "a map {";
            for (std::size_t i = 0; i < n.members.size() && i < 6; ++i) s += (i ? ", " : "") + n.members[i].key;
            if (n.members.size() > 6) s += ", ...";
            return s + "}";
        }
    }
    return "?";
}

}  // namespace socval::model::detail
