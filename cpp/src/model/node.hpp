#pragma once
/// A YAML document tree that remembers, for every node, the file, line and column it came from. Merging
/// (`include`, `extends`) moves nodes between documents, so the origin must travel with each node: yaml-cpp's
/// own marks do not carry the file name.
#include <cstddef>
#include <string>
#include <vector>

#include <socval/errors.hpp>

namespace socval::model::detail {

struct Member;

/// Largest scenario text read, in bytes (a file, or text given directly): far above any real scenario (a
/// 5,000-option scenario is about 2 MB), small enough that reading it stays within a few hundred MB of memory.
constexpr std::size_t kMaxScenarioBytes = std::size_t{16} << 20;

/// One YAML node with its origin.
struct Node {
    enum class Type { null, scalar, sequence, map };
    Type type = Type::null;
    std::string text;      ///< scalar text
    bool quoted = false;   ///< scalar written quoted ("..." or '...'), kept for the emitted source text
    std::vector<Node> items;      ///< sequence items
    std::vector<Member> members;  ///< map members, in document order
    Location where;               ///< file, line, column (key left empty)
    /// Keys of this map written with no value (`key:`): dropped from `members` after merging (an empty value
    /// counts as not given) but kept here so that a misspelt empty key is still reported as unknown.
    std::vector<std::pair<std::string, Location>> empty_keys;

    bool is_null() const { return type == Type::null; }
    bool is_scalar() const { return type == Type::scalar; }
    bool is_sequence() const { return type == Type::sequence; }
    bool is_map() const { return type == Type::map; }

    /// The member value under `key`, or nullptr (maps only).
    const Node* find(const std::string& key) const;
    Node* find(const std::string& key);
    /// The member under `key`, or nullptr (maps only).
    const Member* member(const std::string& key) const;
    /// Remove the member under `key` if present.
    void erase(const std::string& key);
    /// Set `key` to `value`, replacing or appending (keeps the position of an existing key).
    void set(const std::string& key, Node value, const Location& key_where);
};

/// A map entry: the key, where the key was written, and the value.
struct Member {
    std::string key;
    Location key_where;
    Node value;
};

/// Parse YAML text; `file` is the name used in locations. Throws ScenarioError (with line and column) on a YAML
/// syntax error or a key given twice in one map.
Node parse_yaml(const std::string& text, const std::string& file);

/// The document as YAML text (block style, document order; quoted scalars stay quoted).
std::string emit_yaml(const Node& root);

/// Short description of what a node holds, for "found ..." in messages: 'text', a map {a, b}, a list of 3 items.
std::string describe(const Node& n);

/// `s` cut to at most `max` characters (UTF-8 aware) with "..." when longer: a value quoted in a message stays
/// readable and never echoes a whole file.
std::string cut(const std::string& s, std::size_t max = 80);

/// Location of a node with a key path attached.
inline Location at(const Node& n, const std::string& key_path) {
    Location l = n.where;
    l.key = key_path;
    return l;
}

}  // namespace socval::model::detail
