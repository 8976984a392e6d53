"""The type stub python/socval/_core.pyi covers every public name of socval._core and of its submodules.

Run this file as a script (``.venv/bin/python tests/python/test_core_stub.py``) to print a fresh draft of the stub
from the built module's signatures (pybind11 docstrings); review it before replacing the stub.
"""
from __future__ import annotations

import ast
import inspect
import re
import sys
import types
from pathlib import Path

import socval
from socval import _core

STUB = Path(socval.__file__).resolve().parent / "_core.pyi"


def _public(obj) -> list[str]:
    return sorted(n for n in dir(obj) if not n.startswith("_"))


def _submodules(module) -> list[tuple[str, types.ModuleType]]:
    return [(n, getattr(module, n)) for n in _public(module) if isinstance(getattr(module, n), types.ModuleType)]


def _stubbed() -> dict[str, set[str]]:
    """Names the stub declares: '' for the top level, the submodule's name for each ``class <sub>:`` namespace
    (a submodule is stubbed as a class of its names), and 'sub.Class' for each class's members."""
    tree = ast.parse(STUB.read_text())
    names: dict[str, set[str]] = {}

    def walk(body, scope: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names.setdefault(scope, set()).add(node.name)
            elif isinstance(node, ast.ClassDef):
                names.setdefault(scope, set()).add(node.name)
                walk(node.body, f"{scope}.{node.name}" if scope else node.name)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.setdefault(scope, set()).add(node.target.id)
            elif isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        names.setdefault(scope, set()).add(t.id)

    walk(tree.body, "")
    return names


def _missing() -> list[str]:
    stubbed = _stubbed()
    missing = []

    def check(obj, scope: str, qualified: str) -> None:
        for name in _public(obj):
            value = getattr(obj, name)
            if isinstance(value, types.ModuleType):
                continue
            if name not in stubbed.get(scope, set()):
                missing.append(f"{qualified}.{name}")
            if inspect.isclass(value) and not issubclass(value, BaseException):  # a bound class: its members too
                for member in _public(value):
                    if member not in stubbed.get(f"{scope}.{name}" if scope else name, set()):
                        missing.append(f"{qualified}.{name}.{member}")

    check(_core, "", "socval._core")
    for sub_name, sub in _submodules(_core):
        if sub_name not in stubbed.get("", set()):
            missing.append(f"socval._core.{sub_name} (submodule)")
            continue
        check(sub, sub_name, f"socval._core.{sub_name}")
    return missing


def test_stub_exists_and_parses():
    assert STUB.is_file(), f"{STUB} is missing"
    ast.parse(STUB.read_text())


def test_every_core_name_has_a_stub():
    missing = _missing()
    assert not missing, "names of socval._core without a stub in python/socval/_core.pyi:\n  " + "\n  ".join(missing)


def test_the_check_fails_on_a_missing_name(monkeypatch):
    """The completeness check is real: a name added to the module without a stub is reported by name."""
    monkeypatch.setattr(_core.model, "NOT_IN_THE_STUB", 1, raising=False)
    assert "socval._core.model.NOT_IN_THE_STUB" in _missing()


# ---- draft generation (run as a script) ----

def _clean_type(t: str) -> str:
    """A pybind11 docstring type as a stub type: numpy arrays without their dtype and flags, no module prefix."""
    t = t.strip()
    while "numpy.ndarray[" in t:  # drop the bracketed dtype / shape / flags, brackets matched
        i = t.index("numpy.ndarray[") + len("numpy.ndarray")
        depth, j = 0, i
        for j in range(i, len(t)):
            depth += {"[": 1, "]": -1}.get(t[j], 0)
            if depth == 0:
                break
        t = t[:i] + t[j + 1:]
    t = t.replace("socval._core.", "")
    return t or "Any"


def _split_args(s: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "[(<":
            depth += 1
        elif ch in "])>":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return out


def _signatures(obj, name: str) -> list[str]:
    doc = getattr(obj, "__doc__", "") or ""
    sigs = []
    for line in doc.splitlines():
        m = re.match(r"^\s*(?:\d+\.\s*)?" + re.escape(name) + r"\((.*)\)\s*->\s*(.*)$", line)
        if not m:
            continue
        args = []
        for a in _split_args(m.group(1)):
            a = a.strip()
            if a in ("*", "/"):
                args.append(a)
                continue
            head, _, default = a.partition("=")
            pname, _, ptype = head.partition(":")
            pname = pname.strip()
            item = pname if not ptype.strip() or pname == "self" else f"{pname}: {_clean_type(ptype)}"
            args.append(item + (" = ..." if default.strip() else ""))
        sigs.append(f"({', '.join(args)}) -> {_clean_type(m.group(2))}")
    return sigs


def _render_function(name: str, obj, indent: str) -> list[str]:
    sigs = _signatures(obj, name) or ["(*args: Any, **kwargs: Any) -> Any"]
    if name == "__init__" and not _signatures(obj, name):
        return []  # no constructor bound: instances come from the core
    lines = []
    for sig in sigs:
        if len(sigs) > 1:
            lines.append(f"{indent}@overload")
        lines.append(f"{indent}def {name}{sig}: ...")
    return lines


def _render_class(name: str, cls, indent: str) -> list[str]:
    bases = [b.__name__ for b in cls.__bases__ if b.__module__.startswith("socval._core")]
    if issubclass(cls, BaseException):
        bases = bases or ["Exception"]
        return [f"{indent}class {name}({', '.join(bases)}): ..."]
    head = f"{indent}class {name}({', '.join(bases)}):" if bases else f"{indent}class {name}:"
    lines = [head]
    inner = indent + "    "
    for member in _public(cls):
        value = inspect.getattr_static(cls, member)
        if isinstance(value, property):
            doc = (getattr(value.fget, "__doc__", "") or "").strip().splitlines()
            ret = re.match(r"^\(self[^)]*\)\s*->\s*(.*)$", doc[0]) if doc else None
            lines.append(f"{inner}@property")
            lines.append(f"{inner}def {member}(self) -> {_clean_type(ret.group(1)) if ret else 'Any'}: ...")
        elif isinstance(value, staticmethod) or type(value).__name__ == "staticmethod":
            lines.append(f"{inner}@staticmethod")
            lines += _render_function(member, getattr(cls, member), inner)
        elif callable(getattr(cls, member)):
            lines += _render_function(member, getattr(cls, member), inner)
        else:
            lines.append(f"{inner}{member}: Any")
    for special in ("__init__",):
        if special in cls.__dict__:
            lines += _render_function(special, cls.__dict__[special], inner)
    if len(lines) == 1:
        lines.append(f"{inner}...")
    return lines


def _render_names(module, indent: str) -> list[str]:
    lines = []
    for name in _public(module):
        value = getattr(module, name)
        if isinstance(value, types.ModuleType):
            continue
        if inspect.isclass(value):
            lines += _render_class(name, value, indent)
        elif callable(value):
            lines += _render_function(name, value, indent)
        else:
            lines.append(f"{indent}{name}: {type(value).__name__}")
    return lines


def render_draft() -> str:
    out = ['"""Type stub of socval._core (the C++ core). Kept complete by tests/python/test_core_stub.py."""',
           "from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union, overload",
           "", "import numpy", ""]
    out += _render_names(_core, "")
    for sub_name, sub in _submodules(_core):
        out += ["", f"class {sub_name}:  # submodule socval._core.{sub_name}"]
        out += _render_names(sub, "    ") or ["    ..."]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_draft())
