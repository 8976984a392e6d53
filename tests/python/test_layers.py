"""The package's layers (docs/architecture.md): every module imports only from its own layer or the layers below,
except the few facade methods listed here, which may import upward lazily (inside the method)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "python" / "socval"

#: Layer of each top-level part of the package; a module may import from layers <= its own.
LAYERS = {
    "_core": 0, "_util": 0, "_compat": 0, "examples": 0,
    "appraisal": 1, "values": 1,
    "io": 2,
    "model": 3,
    "engine": 4,
    "sensitivity": 5, "indicators": 5, "discovery": 5,
    "decision": 6,
    "procurement": 7, "plots": 7, "review": 7, "tracking": 7,
    "report": 8,
    "cli": 9, "demo": 9, "__main__": 9, "__init__": 10,
}
#: (module, function or method) allowed to import upward, lazily: the scenario's, results' and comparison's doors
#: to the analyses built on them.
FACADES = {
    ("model.scenario", "Scenario.plot"), ("model.scenario", "Scenario.evaluate"),
    ("model.scenario", "Scenario.simulate"), ("model.scenario", "Scenario.sensitivity"),
    ("model.scenario", "Scenario.optimise"), ("model.scenario", "Scenario.check"),
    ("engine.results", "Results.plot"), ("engine.results", "Results.report"),
    ("engine.comparison", "Comparison.plot"), ("engine.comparison", "Comparison.report"),
    ("engine.comparison", "Comparison.switching_value"), ("engine.comparison", "Comparison.check"),
    ("engine.results", "Results.update"), ("tracking.update", "Posterior.report"),
    ("engine.results", "Results.discover"), ("engine.comparison", "Comparison.discover"),
}


def _module_name(path: Path, package: Path = PACKAGE) -> str:
    rel = path.relative_to(package).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _layer(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """Targets of a relative ``from ... import ...`` below socval (absolute socval imports too)."""
    if node.level == 0:
        if not (node.module or "").startswith("socval"):
            return []
        base = (node.module or "").split(".")[1:]
    else:
        here = module.split(".") if module != "__init__" else []
        package = here if is_package else here[:-1]
        up = node.level - 1
        base = package[:len(package) - up] if up else package
        base = base + (node.module.split(".") if node.module else [])
    if node.module or node.level == 0:
        return [".".join(base)] if base else [alias.name for alias in node.names]
    return [".".join(base + [alias.name]) for alias in node.names]


def _imports(path: Path, package: Path = PACKAGE):
    """(target module, line, enclosing function or method) of every socval import in a file."""
    module = _module_name(path, package)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"

    def walk(node, scope):
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = f"{scope}.{child.name}" if scope else child.name
            if isinstance(child, ast.ImportFrom):
                for target in _resolve(module, is_package, child):
                    if target:
                        yield target, child.lineno, scope
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("socval."):
                        yield alias.name[len("socval."):], child.lineno, scope
            yield from walk(child, inner)

    yield from walk(tree, "")


def upward_imports(package: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        module = _module_name(path, package)
        for target, line, scope in _imports(path, package):
            if _layer(target) > _layer(module) and (module, scope) not in FACADES:
                found.append(f"{path.relative_to(package.parents[1])}:{line}: {module} (layer {_layer(module)}) "
                             f"imports {target} (layer {_layer(target)})" + (f" in {scope}" if scope else ""))
    return found


def test_every_part_has_a_layer():
    parts = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
             if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"}
    assert parts - set(LAYERS) == set()


def test_no_import_runs_up_the_layers():
    assert upward_imports() == []


#: Parts that share a layer but must not import each other: (importer, imported).
APART = {("review", "plots")}


def test_parts_kept_apart_within_a_layer():
    """review (the checklist) sits beside plots in layer 7 and never draws: it imports no plots module."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        for target, line, _ in _imports(path):
            if (module.split(".")[0], target.split(".")[0]) in APART:
                found.append(f"{path.relative_to(PACKAGE.parents[1])}:{line}: {module} imports {target}")
    assert found == []


def test_an_injected_upward_import_is_found(tmp_path):
    """The check itself: a copy of the package with one upward import added to the model layer fails, naming it."""
    import shutil

    copy = tmp_path / "python" / "socval"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    target = copy / "model" / "editing.py"
    target.write_text(target.read_text(encoding="utf-8") + "\nfrom ..report import report\n", encoding="utf-8")
    found = upward_imports(copy)
    assert len(found) == 1 and "model/editing.py" in found[0] and "imports report" in found[0]


def test_no_import_cycle_between_modules():
    """Module-level imports (those that run at import time) form no cycle."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        graph.setdefault(module, set())
        for target, _, scope in _imports(path):
            if not scope and target in _all_modules() and target != module:
                graph[module].add(target)
    # a package's __init__ re-exporting its own modules is not a cycle with them
    for module, targets in graph.items():
        graph[module] = {t for t in targets if not (t.startswith(module + ".") )}
    seen, stack, cycles = set(), [], []

    def visit(m):
        if m in stack:
            cycles.append(stack[stack.index(m):] + [m])
            return
        if m in seen:
            return
        seen.add(m)
        stack.append(m)
        for t in graph.get(m, ()):
            visit(t)
        stack.pop()

    for m in graph:
        visit(m)
    assert cycles == []


def _all_modules() -> set[str]:
    return {_module_name(p) for p in PACKAGE.rglob("*.py")}


def test_procurement_draws_nothing():
    """procurement shares layer 7 with plots but uses neither plots nor report (it writes its own evaluation report)."""
    found = [f"{path.relative_to(PACKAGE)}:{line}: imports {target}"
             for path in sorted((PACKAGE / "procurement").rglob("*.py"))
             for target, line, _ in _imports(path) if target.split(".")[0] in ("plots", "report")]
    assert found == []


def private_imports(package: Path = PACKAGE) -> list[str]:
    """Imports of a name starting with '_' from another part (layer package) of socval, with file and line."""
    found = []
    for path in sorted(package.rglob("*.py")):
        module = _module_name(path, package)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            for target in _resolve(module, path.name == "__init__.py", node):
                if target.split(".")[0] in ("_core", "_util", module.split(".")[0]):
                    continue
                private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                if private:
                    found.append(f"{path.relative_to(package.parents[1])}:{node.lineno}: {', '.join(private)} "
                                 f"from {target}")
    return found


def test_no_private_name_is_imported_from_another_part_of_the_package():
    """A name starting with '_' is private to its part: other parts use public names only."""
    assert private_imports() == []


def test_an_injected_private_import_is_found(tmp_path):
    import shutil

    copy = tmp_path / "python" / "socval"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    target = copy / "review" / "trust.py"
    target.write_text(target.read_text(encoding="utf-8") + "\nfrom ..engine.simulation import _Progress\n",
                      encoding="utf-8")
    found = private_imports(copy)
    assert len(found) == 1 and "review/trust.py" in found[0] and "_Progress from engine.simulation" in found[0]
