"""Edits of a scenario document (a dict): key paths of parameter ids, items by id, funding entries, correlation
blocks. Used by :class:`socval.Scenario`'s ``with_*`` / ``set_parameter`` / ``fund`` methods."""
from __future__ import annotations

import re
from typing import Any, Dict, Mapping

from .. import _core

#: Sections whose items are named by id in key paths.
ID_LISTS = ("priorities", "outcomes", "options", "links")

def is_distribution(x: Any) -> bool:
    return isinstance(x, Mapping) and "dist" in x and x.get("dist") != "fixed"


def drop_from_correlations(doc: Dict[str, Any], parameter: str) -> None:
    """Remove a parameter that became a fixed number from the correlation blocks."""
    blocks = []
    for block in doc.get("correlations") or []:
        params = list(block.get("params") or [])
        if parameter in params:
            keep = [i for i, p in enumerate(params) if p != parameter]
            matrix = block.get("matrix") or []
            block = dict(block, params=[params[i] for i in keep],
                         matrix=[[matrix[i][j] for j in keep] for i in keep])
            if len(keep) < 2:
                continue
        blocks.append(block)
    if "correlations" in doc:
        doc["correlations"] = blocks


def item_id(section: str, item: Mapping[str, Any]) -> str:
    if section == "links" and "id" not in item:
        return f"{item.get('from')}->{item.get('to')}"
    return str(item.get("id"))


def funded_id(entry: Any) -> str:
    return entry if isinstance(entry, str) else str(entry.get("option"))


SEGMENT = re.compile(r"^([^\[\]]+)((?:\[\d+\])*)$")


def set_path(doc: Dict[str, Any], path: str, value: Any, name: str) -> None:
    """Set the number at a parameter-id key path (ids for items of id'd lists, [i] for other lists)."""
    parts = path.split(".")
    if len(parts) < 2:
        raise _core.ScenarioError(f"{name}: {path}: expected a key path such as outcomes.<id>.deadweight, "
                                  f"found no '.'")
    node: Any = doc
    i = 0
    parent = ""
    if parts[0] in ID_LISTS:
        items = doc.get(parts[0]) or []
        match = [it for it in items if item_id(parts[0], it) == parts[1]]
        if not match:
            known = ", ".join(item_id(parts[0], it) for it in items) or "none"
            raise _core.ScenarioError(f"{name}: {path}: expected the id of an item of {parts[0]}, found "
                                      f"'{parts[1]}' (known: {known})")
        node, i, parent = match[0], 2, parts[0]
    if i >= len(parts):
        raise _core.ScenarioError(f"{name}: {path}: expected a key after the id, found none")
    while i < len(parts) - 1:
        node = descend(node, parts[i], parent, path, name)
        parent = parts[i]
        i += 1
    m = SEGMENT.match(parts[-1])
    if not m or not isinstance(node, dict):
        raise _core.ScenarioError(f"{name}: {path}: expected a map before '{parts[-1]}', found "
                                  f"{type(node).__name__}")
    key, indices = m.group(1), [int(x) for x in re.findall(r"\[(\d+)\]", m.group(2))]
    if not indices:
        node[key] = value
        return
    target = node.get(key)
    for k, idx in enumerate(indices):
        if not isinstance(target, list) or idx >= len(target):
            raise _core.ScenarioError(f"{name}: {path}: expected an index below "
                                      f"{len(target) if isinstance(target, list) else 0}, found {idx}")
        if k == len(indices) - 1:
            target[idx] = value
        else:
            target = target[idx]


def is_number_or_distribution(x: Any) -> bool:
    return isinstance(x, (int, float)) or (isinstance(x, dict) and "dist" in x)


def descend(node: Any, part: str, parent: str, path: str, name: str) -> Any:
    """One step down a key path ('key' or 'key[i]'), expanding the shorthands a path may go inside: an output
    written as a number or distribution becomes {amount: x}; a value written as GBP per unit becomes
    {kind: money, per_unit: x}."""
    m = SEGMENT.match(part)
    if not m or not isinstance(node, dict):
        raise _core.ScenarioError(f"{name}: {path}: expected a map at '{part}', found {type(node).__name__}")
    key, indices = m.group(1), [int(x) for x in re.findall(r"\[(\d+)\]", m.group(2))]
    if key not in node or node[key] is None:
        if indices:
            raise _core.ScenarioError(f"{name}: {path}: expected a list '{key}', found none")
        node[key] = {}
    child = node[key]
    if not indices and key == "value" and is_number_or_distribution(child):
        child = {"kind": "money", "per_unit": child}
        node[key] = child
    elif not indices and parent == "outputs" and (not isinstance(child, dict) or "dist" in child):
        child = {"amount": child}
        node[key] = child
    for idx in indices:
        if not isinstance(child, list) or idx >= len(child):
            raise _core.ScenarioError(f"{name}: {path}: expected an index below "
                                      f"{len(child) if isinstance(child, list) else 0} in '{key}', found {idx}")
        child = child[idx]
    return child
