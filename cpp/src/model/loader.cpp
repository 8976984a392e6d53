/// `include` (disjoint union of documents) and `extends` (override of a base document), with path confinement
/// to the top scenario's folder tree and cycle detection.
#include "loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>
#include <sstream>
#include <vector>

#include "fields.hpp"

namespace socval::model::detail {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kTopKeys = {"include",  "extends", "allow_outside", "metadata",    "priorities",
                                           "outcomes", "options", "links",         "scenario",    "correlations",
                                           "indicators", "places",  "people"};
const std::vector<std::string> kIdSections = {"priorities", "outcomes", "options", "links"};
const std::vector<std::string> kFundedEdits = {"add", "remove", "set"};

bool is_id_section(const std::string& key) {
    return std::find(kIdSections.begin(), kIdSections.end(), key) != kIdSections.end();
}

std::string where_str(const Location& l) {
    Location x = l;
    x.key.clear();
    return x.str();
}

/// The id that identifies an item of an id'd section when merging: `id`, or for links `from->to`.
std::string item_id(const Node& item, const std::string& section) {
    if (!item.is_map()) return "";
    if (const Node* id = item.find("id"); id && id->is_scalar()) return id->text;
    if (section == "links") {
        const Node* f = item.find("from");
        const Node* t = item.find("to");
        if (f && t && f->is_scalar() && t->is_scalar()) return f->text + "->" + t->text;
    }
    return "";
}

/// Option id of an entry of scenario.funded: `option_id` or {option: option_id, ...}.
std::string funded_id(const Node& entry) {
    if (entry.is_scalar()) return entry.text;
    if (entry.is_map())
        if (const Node* o = entry.find("option"); o && o->is_scalar()) return o->text;
    return "";
}

/// Most files an include / extends chain may pass through (each file resolves the next one recursively, so the
/// chain is bounded to keep the C stack small; a real scenario uses a handful).
constexpr std::size_t kMaxChain = 64;

/// Largest scenario file read (bytes), checked before it is read: node.hpp.
constexpr std::uintmax_t kMaxFileBytes = kMaxScenarioBytes;

/// The text of the scenario file `target` (`shown` names it in messages: "the scenario file", "'a.yaml' (...)"), refused with a ScenarioError at `where` if it is not
/// a regular file (a FIFO would block, a device never end), too big, or the file system refuses it (permissions,
/// symlink loops, over-long paths).
std::string read_file(const fs::path& target, const std::string& shown, const Location& where) {
    auto refuse = [&](const std::string& why) {
        throw ScenarioError(where, "cannot read " + shown + ": " + why);
    };
    std::error_code ec;
    const fs::file_status st = fs::status(target, ec);
    if (st.type() == fs::file_type::not_found) refuse("no such file");
    if (ec) refuse(ec.message());
    if (st.type() == fs::file_type::directory) refuse("it is a folder, not a file");
    if (st.type() != fs::file_type::regular)
        refuse("it is not a regular file (a pipe, device or socket); a scenario is read only from a file");
    const std::uintmax_t size = fs::file_size(target, ec);
    if (ec) refuse(ec.message());
    if (size > kMaxFileBytes)
        refuse("it has " + std::to_string(size) + " bytes, more than the " + std::to_string(kMaxFileBytes >> 20) +
               " MB a scenario file may have");
    std::ifstream in(target, std::ios::binary);
    if (!in) refuse("not readable (check its permissions)");
    std::stringstream buf;
    buf << in.rdbuf();
    if (in.bad()) refuse("a read error");
    return buf.str();
}

/// fs::weakly_canonical that reports a file-system error (symlink loop, over-long path) as a ScenarioError.
fs::path canonical_or_fail(const fs::path& p, const std::string& shown, const Location& where) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    if (ec) throw ScenarioError(where, "cannot resolve the path '" + cut(shown, 200) + "': " + ec.message());
    return c;
}

Node empty_map(const Location& where) {
    Node n;
    n.type = Node::Type::map;
    n.where = where;
    return n;
}

Node empty_sequence(const Location& where) {
    Node n;
    n.type = Node::Type::sequence;
    n.where = where;
    return n;
}

/// Disjoint union: lists of the id'd sections, `correlations` and `scenario.funded` concatenate (duplicate ids are
/// found by validation, which names both places); maps merge key by key; any other value set twice is an error.
void union_into(Node& into, const Node& add, const std::string& path) {
    for (const Member& m : add.members) {
        Node* existing = into.find(m.key);
        const std::string kp = child(path, m.key);
        if (!existing || existing->is_null()) {
            into.set(m.key, m.value, m.key_where);
            continue;
        }
        if (m.value.is_null()) continue;
        const bool list_section = (path.empty() && (is_id_section(m.key) || m.key == "correlations")) ||
                                  (path == "scenario" && m.key == "funded");
        if (list_section) {
            if (path == "scenario" && (existing->is_map() || m.value.is_map())) {
                const Node& edit = existing->is_map() ? *existing : m.value;
                fail(edit, kp,
                     "the edit form of scenario.funded (add / remove / set) changes the scenario named by "
                     "`extends`; when combining files with `include`, write funded as a list");
            }
            if (!existing->is_sequence()) expected(*existing, kp, "a list");
            if (!m.value.is_sequence()) expected(m.value, kp, "a list");
            for (const Node& item : m.value.items) existing->items.push_back(item);
            continue;
        }
        if (existing->is_map() && m.value.is_map()) {
            union_into(*existing, m.value, kp);
            continue;
        }
        const Member* first = into.member(m.key);
        Location l = m.key_where;
        l.key = kp;
        throw ScenarioError(l, "'" + kp + "' is set in two places: " + where_str(first->key_where) + " and " +
                                   where_str(m.key_where) +
                                   "; files combined with `include` may each set a value only once (to change a "
                                   "value of another file, `extends` it)");
    }
}

Node override_node(const Node& base, const Node& over, const std::string& path);

/// Items of `over` change the item of `base` with the same id, `remove: true` deletes it, new ids are appended.
Node merge_by_id(const Node& base, const Node& over, const std::string& section) {
    Node out = base;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < over.items.size(); ++i) {
        const Node& item = over.items[i];
        const std::string ip = indexed(section, i);
        require_map(item, ip, "an item of " + section);
        const std::string id = item_id(item, section);
        if (id.empty())
            fail(item, ip,
                 section == "links" ? "a link in a scenario that extends another needs `id`, or `from` and `to`, "
                                      "to say which link it changes; found " + describe(item)
                                    : "an item of " + section + " in a scenario that extends another needs `id` "
                                      "to say which item it changes or adds; found " + describe(item));
        const std::string kp = child(section, id);
        if (!seen.insert(id).second) fail(item, kp, "'" + id + "' is listed twice in this file's " + section);
        auto found = std::find_if(out.items.begin(), out.items.end(),
                                  [&](const Node& b) { return item_id(b, section) == id; });
        Node change = item;
        bool remove = false;
        if (const Node* r = item.find("remove")) {
            remove = as_bool(*r, child(kp, "remove"));
            change.erase("remove");
        }
        if (remove) {
            for (const Member& m : change.members)
                if (m.key != "id" && m.key != "from" && m.key != "to") {
                    Location l = m.key_where;
                    l.key = child(kp, m.key);
                    throw ScenarioError(l, "an item with `remove: true` takes only its id; found key '" + m.key +
                                               "'");
                }
            if (found == out.items.end())
                fail(item, kp, "cannot remove '" + id + "': the scenario it extends has no such item in " + section);
            out.items.erase(found);
        } else if (found != out.items.end()) {
            *found = override_node(*found, change, kp);
        } else {
            out.items.push_back(change);
        }
    }
    out.where = over.where;
    return out;
}

/// scenario.funded: {remove: [ids], set: [entries], add: [entries]} applied in that order to the base list.
Node edit_funded(const Node* base, const Node& edit, const std::string& path) {
    check_keys(edit, path, kFundedEdits, "the edit form of scenario.funded");
    Node out = base && base->is_sequence() ? *base : empty_sequence(edit.where);
    if (base && !base->is_null() && !base->is_sequence()) expected(*base, path, "a list of funded options");
    auto ids = [&] {
        std::vector<std::string> v;
        for (const Node& e : out.items) v.push_back(funded_id(e));
        return v;
    };
    auto find = [&](const std::string& id) {
        return std::find_if(out.items.begin(), out.items.end(), [&](const Node& e) { return funded_id(e) == id; });
    };
    if (const Node* r = edit.find("remove")) {
        const std::string rp = child(path, "remove");
        const auto list = as_string_list(*r, rp);
        for (std::size_t i = 0; i < list.size(); ++i) {
            auto it = find(list[i]);
            if (it == out.items.end())
                fail(r->is_sequence() ? r->items[i] : *r, r->is_sequence() ? indexed(rp, i) : rp,
                     "cannot remove '" + list[i] + "': it is not funded in the scenario this one extends (funded: " +
                         join(ids()) + ")" + did_you_mean(list[i], ids()));
            out.items.erase(it);
        }
    }
    if (const Node* s = edit.find("set")) {
        const std::string sp = child(path, "set");
        if (!s->is_sequence()) expected(*s, sp, "a list of {option, scale, start}");
        for (std::size_t i = 0; i < s->items.size(); ++i) {
            const Node& e = s->items[i];
            require_map(e, indexed(sp, i), "a funded option {option, scale, start}");
            const std::string id = as_string(required(e, indexed(sp, i), "option", "an option id"),
                                             child(indexed(sp, i), "option"));
            auto it = find(id);
            if (it == out.items.end())
                fail(e, indexed(sp, i), "cannot set '" + id + "': it is not funded in the scenario this one extends "
                                        "(funded: " + join(ids()) + "); use `add`" + did_you_mean(id, ids()));
            if (it->is_scalar()) {
                Node m = empty_map(it->where);
                m.set("option", *it, it->where);
                *it = m;
            }
            *it = override_node(*it, e, indexed(sp, i));
        }
    }
    if (const Node* a = edit.find("add")) {
        const std::string ap = child(path, "add");
        if (!a->is_sequence()) expected(*a, ap, "a list of option ids or {option, scale, start}");
        for (std::size_t i = 0; i < a->items.size(); ++i) {
            const std::string id = funded_id(a->items[i]);
            if (!id.empty() && find(id) != out.items.end())
                fail(a->items[i], indexed(ap, i),
                     "cannot add '" + id + "': it is already funded in the scenario this one extends; use `set` "
                                           "to change its scale or start");
            out.items.push_back(a->items[i]);
        }
    }
    out.where = edit.where;
    return out;
}

/// Override merge (extends): maps merge key by key (a null value deletes the key), a map that names its family
/// (`dist:` or `kind:`) replaces, the id'd sections merge by id, scenario.funded may be edited, the rest replaces.
Node override_node(const Node& base, const Node& over, const std::string& path) {
    if (!base.is_map() || !over.is_map() || over.find("dist") || over.find("kind")) return over;
    Node out = base;
    for (const Member& m : over.members) {
        const std::string kp = child(path, m.key);
        if (m.value.is_null()) {
            if (out.find(m.key))
                out.erase(m.key);
            else
                out.empty_keys.emplace_back(m.key, m.key_where);  // still checked against the allowed keys
            continue;
        }
        Node* existing = out.find(m.key);
        if (path.empty() && is_id_section(m.key) && existing && existing->is_sequence() && m.value.is_sequence()) {
            *existing = merge_by_id(*existing, m.value, m.key);
        } else if (path == "scenario" && m.key == "funded" && m.value.is_map()) {
            Node edited = edit_funded(existing, m.value, kp);
            out.set(m.key, edited, m.key_where);
        } else if (existing) {
            *existing = override_node(*existing, m.value, kp);
        } else {
            out.set(m.key, m.value, m.key_where);
        }
    }
    return out;
}

/// Reads files and resolves their include / extends, confined to the folder tree of the top scenario.
class Loader {
public:
    Loader(fs::path root, bool allow_outside, bool confined)
        : root_(std::move(root)), allow_outside_(allow_outside && !confined), confined_(confined) {}

    /// Resolve a parsed document located in `dir` (canonical) / `display_dir` (as shown in messages).
    Node resolve(Node doc, const fs::path& dir, const fs::path& display_dir, std::set<std::string>& seen) {
        if (doc.is_null()) return empty_map(doc.where);
        require_map(doc, "", "a scenario document");
        check_keys(doc, "", kTopKeys, "a scenario document");
        if (const Node* a = doc.find("allow_outside"); a && as_bool(*a, "allow_outside") && confined_)
            fail(*a, "allow_outside",
                 "this file sets `allow_outside: true`, but the scenario is read confined (socval validate "
                 "--confined, load_scenario(..., confined=True)): every included or extended file must lie in the "
                 "scenario's folder tree");
        Node own = doc;
        own.erase("allow_outside");
        own.erase("include");
        own.erase("extends");

        Node merged = empty_map(doc.where);
        if (const Node* inc = doc.find("include")) {
            if (inc->is_scalar()) {
                union_into(merged, load(*inc, "include", dir, display_dir, seen), "");
            } else if (inc->is_sequence()) {
                for (std::size_t i = 0; i < inc->items.size(); ++i)
                    union_into(merged, load(inc->items[i], indexed("include", i), dir, display_dir, seen), "");
            } else if (!inc->is_null()) {
                expected(*inc, "include", "a file name or a list of file names");
            }
        }
        union_into(merged, own, "");

        const Node* ext = doc.find("extends");
        if (!ext || ext->is_null()) {
            if (const Node* sc = merged.find("scenario"); sc && sc->is_map())
                if (const Node* f = sc->find("funded"); f && f->is_map())
                    fail(*f, "scenario.funded",
                         "the edit form of scenario.funded (add / remove / set) changes the scenario named by "
                         "`extends`, and this file extends none; write funded as a list");
            return merged;
        }
        std::set<std::string> fresh;
        Node base = load(*ext, "extends", dir, display_dir, fresh);
        return override_node(base, merged, "");
    }

    /// Parse and resolve the file named by `ref` (an include or extends entry).
    Node load(const Node& ref, const std::string& key, const fs::path& dir, const fs::path& display_dir,
              std::set<std::string>& seen) {
        const std::string rel = as_string(ref, key);
        if (rel.empty()) expected(ref, key, "a file name");
        const fs::path given(rel);
        const fs::path shown = (given.is_absolute() ? given : display_dir / given).lexically_normal();
        const fs::path target = canonical_or_fail(given.is_absolute() ? given : dir / given, shown.string(),
                                                  at(ref, key));
        const fs::path inside = target.lexically_relative(root_);
        const bool outside = inside.empty() || *inside.begin() == "..";
        if (outside && confined_)
            fail(ref, key, "'" + cut(rel, 200) + "' resolves to " + cut(target.string(), 200) +
                               ", outside the scenario's folder " + cut(root_.string(), 200) +
                               "; the scenario is read confined, so files outside its folder tree are refused");
        if (outside && !allow_outside_)
            fail(ref, key, "'" + cut(rel, 200) + "' resolves to " + cut(target.string(), 200) +
                               ", outside the scenario's folder " + cut(root_.string(), 200) +
                               "; set `allow_outside: true` in the top scenario file (or pass allow_outside) to "
                               "allow it");
        const std::string canonical = target.string();
        for (std::size_t i = 0; i < stack_.size(); ++i)
            if (stack_[i].first == canonical) {
                std::string chain;
                for (std::size_t j = i; j < stack_.size(); ++j) chain += stack_[j].second + " -> ";
                fail(ref, key, "include / extends cycle: " + chain + shown.string() +
                                   "; a file may not include or extend itself, directly or through others");
            }
        if (stack_.size() >= kMaxChain)
            fail(ref, key, "the include / extends chain is more than " + std::to_string(kMaxChain) +
                               " files deep; combine files in fewer steps");
        if (key.rfind("include", 0) == 0 && !seen.insert(canonical).second) return empty_map(ref.where);
        Node doc = parse_yaml(read_file(target, "'" + cut(shown.string(), 200) + "' (resolved to " +
                                                    cut(canonical, 200) + ")", at(ref, key)),
                              shown.string());
        stack_.emplace_back(canonical, shown.string());
        Node out = resolve(std::move(doc), target.parent_path(), shown.parent_path(), seen);
        stack_.pop_back();
        return out;
    }

    void push(const std::string& canonical, const std::string& shown) { stack_.emplace_back(canonical, shown); }

private:
    fs::path root_;
    bool allow_outside_;
    bool confined_;
    std::vector<std::pair<std::string, std::string>> stack_;  ///< (canonical, shown) of files being resolved
};

/// Remove map members whose value is null: a key set to null counts as not given (after merging, where null in an
/// override deletes a base key).
void drop_nulls(Node& n) {
    if (n.is_map()) {
        for (const Member& m : n.members)
            if (m.value.is_null()) n.empty_keys.emplace_back(m.key, m.key_where);
        n.members.erase(std::remove_if(n.members.begin(), n.members.end(),
                                       [](const Member& m) { return m.value.is_null(); }),
                        n.members.end());
        for (Member& m : n.members) drop_nulls(m.value);
    } else if (n.is_sequence()) {
        for (Node& i : n.items) drop_nulls(i);
    }
}

bool top_allows_outside(const Node& doc) {
    if (!doc.is_map()) return false;
    const Node* a = doc.find("allow_outside");
    return a && as_bool(*a, "allow_outside");
}

}  // namespace

Node load_document_file(const std::string& path, const ReadOptions& options) {
    const fs::path given(path);
    Location l;
    l.file = cut(path, 200);
    Node doc = parse_yaml(read_file(given, "the scenario file", l), path);  // the location names the file
    const fs::path target = canonical_or_fail(given, path, l);
    Loader loader(target.parent_path(), options.allow_outside || top_allows_outside(doc), options.confined);
    loader.push(target.string(), path);
    std::set<std::string> seen;
    Node out = loader.resolve(std::move(doc), target.parent_path(), given.parent_path(), seen);
    drop_nulls(out);
    return out;
}

Node load_document_text(const std::string& text, const std::string& name, const std::string& base_dir,
                        const ReadOptions& options) {
    Node doc = parse_yaml(text, name);
    Location l;
    l.file = cut(name, 200);
    const fs::path dir = canonical_or_fail(fs::path(base_dir.empty() ? "." : base_dir), base_dir, l);
    Loader loader(dir, options.allow_outside || top_allows_outside(doc), options.confined);
    loader.push("<text>" + name, name);
    std::set<std::string> seen;
    Node out = loader.resolve(std::move(doc), dir, fs::path(base_dir), seen);
    drop_nulls(out);
    return out;
}

}  // namespace socval::model::detail
