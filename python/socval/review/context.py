"""What every rule needs about one scenario: its document (dict), its validated core scenario, the decision graph,
and where each key was written.

Positions come from the core reader: items of the id'd lists (outcomes, options, priorities, links, funded
entries) and uncertain parameters carry ``where`` (file, line, column of the item or of the number). A key inside
an item, and ``metadata`` keys, are found by composing that item's file with PyYAML (nodes keep line and column
marks) and walking from the item's node down the key path. A scenario read from text or a dict has no file to
compose: its findings give the reader's position of the item, or the key path alone (line 0).
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

import yaml

from .findings import Finding

__all__ = ["Context"]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Position = Tuple[str, int, int]


@lru_cache(maxsize=64)
def _compose(path: str, mtime: float):
    """The YAML node tree of a file (None when it cannot be read or parsed)."""
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.compose(f, Loader=_Loader)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None


def _tree(path: str):
    try:
        return _compose(os.path.abspath(path), os.path.getmtime(path))
    except OSError:
        return None


def _node_at(node, line: int, column: int):
    """The mapping node starting at (line, column), 1-based, or None."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            if n.start_mark.line + 1 == line and n.start_mark.column + 1 == column:
                return n
            for k, v in n.value:
                stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)
    return None


def _child(node, key: str):
    """(key node, value node) of ``key`` in a mapping node, or None."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k, v
    return None


def _mark(node) -> Tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class Context:
    """One scenario as the rules see it."""

    def __init__(self, scenario: Any) -> None:
        self.scenario = scenario
        self.core = scenario.core
        self.doc: Dict[str, Any] = scenario.document
        self.file = scenario.source
        self.outcomes = {o.id: o for o in self.core.outcomes}
        self.options = {o.id: o for o in self.core.options}
        self.priorities = {p.id: p for p in self.core.priorities}
        self.outcome_ids = [o.id for o in self.core.outcomes]
        self.option_ids = [o.id for o in self.core.options]
        self.funded = {self.core.options[f.option].id: f for f in self.core.funded}
        self.items = {sec: {str(it.get("id")): it for it in (self.doc.get(sec) or []) if isinstance(it, dict)}
                      for sec in ("outcomes", "options", "priorities")}
        self.params = {p.id: p for p in self.core.parameters}
        self._edges()
        # what the funded options reach (every option when none is funded: a pool under review)
        self.checked_options = [i for i in self.option_ids if i in self.funded] or list(self.option_ids)
        self.reached = self.downstream(self.checked_options)

    # -- the decision graph ------------------------------------------------------------------------------------
    def _edges(self) -> None:
        """Outputs (option -> outcome) and links (option/outcome -> outcome), by source."""
        self.out_edges: Dict[str, List[Tuple[str, Any]]] = {}
        self.in_edges: Dict[str, List[Tuple[str, Any]]] = {}
        for opt in self.core.options:
            for out in opt.outputs:
                self._edge(opt.id, self.core.outcomes[out.outcome].id, out)
        for link in self.core.links:
            src = (self.core.options if link.source_kind == "option" else self.core.outcomes)[link.source].id
            self._edge(src, self.core.outcomes[link.target].id, link)

    def _edge(self, a: str, b: str, what: Any) -> None:
        self.out_edges.setdefault(a, []).append((b, what))
        self.in_edges.setdefault(b, []).append((a, what))

    def downstream(self, start: Iterable[str], stop: Optional[Set[str]] = None) -> Set[str]:
        """Outcomes reachable from ``start`` (ids of options or outcomes) along outputs and links, not passing
        through the ``stop`` outcomes (which are reached but not crossed)."""
        seen: Set[str] = set()
        todo = list(start)
        while todo:
            n = todo.pop()
            for m, _ in self.out_edges.get(n, []):
                if m not in seen:
                    seen.add(m)
                    if not stop or m not in stop:
                        todo.append(m)
        return seen

    def valued(self, outcome_id: str) -> bool:
        """True when the outcome is monetised (its value enters the NPSV)."""
        return self.outcomes[outcome_id].valuation.kind != "none"

    def declared(self, section: str, item_id: str, key: str) -> bool:
        """True when the item's document declares ``key`` (a dotted path inside the item)."""
        node: Any = self.items[section].get(item_id, {})
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def text(self, section: str, item_id: str, keys=("id", "name", "unit")) -> str:
        item = self.items[section].get(item_id, {})
        return " ".join(str(item.get(k) or "") for k in keys).lower().replace("_", " ")

    # -- where --------------------------------------------------------------------------------------------------
    def item_position(self, section: str, item_id: str) -> Position:
        table = {"outcomes": self.outcomes, "options": self.options, "priorities": self.priorities}[section]
        w = table[item_id].where
        return w.file, int(w.line), int(w.column)

    def key_position(self, section: str, item_id: str, key: str = "") -> Position:
        """Where ``key`` (dotted, inside the item) was written; the item itself when the key is absent (as the
        reader points a missing key at the map that lacks it)."""
        file, line, col = self.item_position(section, item_id)
        pid = f"{section}.{item_id}.{key}"
        if key and pid in self.params:  # an uncertain number: the reader's own position
            w = self.params[pid].where
            return w.file, int(w.line), int(w.column)
        tree = _tree(file)
        node = _node_at(tree, line, col) if tree is not None else None
        if node is None or not key:
            return file, line, col
        for part in key.split("."):
            kv = _child(node, part)
            if kv is None:
                break
            node = kv[1]
            line, col = _mark(node)
        return file, line, col

    def metadata_position(self, key: str) -> Position:
        """Where ``metadata.<key>`` was written: the top file, then the files it extends and includes."""
        seen: Set[str] = set()
        top = self.core.source_file or self.file
        todo, first_meta = [top], None
        while todo:
            path = todo.pop(0)
            if not path or path in seen or not os.path.isfile(path):
                continue
            seen.add(path)
            tree = _tree(path)
            if tree is None:
                continue
            meta = _child(tree, "metadata")
            if meta is not None:
                kv = _child(meta[1], key)
                if kv is not None:
                    return (path,) + _mark(kv[1])
                first_meta = first_meta or (path,) + _mark(meta[1])
            base = os.path.dirname(path)
            for sect in ("extends", "include"):
                kv = _child(tree, sect)
                if kv is None:
                    continue
                names = [n.value for n in kv[1].value] if isinstance(kv[1], yaml.SequenceNode) else [kv[1].value]
                todo.extend(os.path.join(base, str(n)) for n in names)
        return first_meta or (top, 0, 0)

    def finding(self, rule, severity: str, at: Position, key: str, found: str, guidance: str,
                action: str) -> Finding:
        file, line, col = at
        return Finding(rule=rule, severity=severity, file=str(file), line=int(line), column=int(col), key=key,
                       found=found, guidance=guidance, action=action)
