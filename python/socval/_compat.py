"""Names of socval 0.1 that moved with the layered package (issue 12): they still work for one release and warn
(DeprecationWarning). The table below is the one place that maps an old name to its new home."""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types
import warnings
from typing import Any, Dict, Tuple

#: Old module -> (new module, {old name: (module, new name)} for names that were renamed too).
MOVED_MODULES: Dict[str, Tuple[str, Dict[str, Tuple[str, str]]]] = {
    "socval.scenario": ("socval.model.scenario", {"Appraisal": ("socval.engine.evaluation", "Evaluation")}),
    "socval.results": ("socval.engine.results", {}),
    "socval.results_file": ("socval.io.results_file", {}),
    "socval.portfolio": ("socval.decision.portfolio", {"smaa": ("socval.decision.acceptability", "scenario_smaa"),
                                                       "ScenarioSmaa": ("socval.decision.acceptability", "ScenarioSmaa")}),
    "socval.scenario_sensitivity": ("socval.sensitivity.scenario", {
        "sensitivity": ("socval.sensitivity.scenario", "scenario_sensitivity"),
        "evppi_ranking": ("socval.sensitivity.scenario", "scenario_evppi")}),
    "socval.voi": ("socval.sensitivity.voi", {}),
    "socval.headline": ("socval.indicators.headline", {}),
    "socval.local_economy": ("socval.indicators.local_economy", {}),
    "socval.sensitivity_plots": ("socval.plots.sensitivity", {}),
}
#: Old top-level names -> (module, new name).
MOVED_NAMES: Dict[str, Tuple[str, str]] = {"Appraisal": ("socval.engine.evaluation", "Evaluation")}


def _warn(old: str, new: str) -> None:
    warnings.warn(f"{old} is deprecated and will be removed in socval 0.3: use {new}", DeprecationWarning,
                  stacklevel=3)


class _MovedModule(types.ModuleType):
    """An old module path: every attribute comes from the new module (or its renamed home)."""

    def __getattr__(self, name: str) -> Any:
        target, renamed = MOVED_MODULES[self.__name__]
        if name in renamed:
            module, new = renamed[name]
            _warn(f"{self.__name__}.{name}", f"{module}.{new}")
            return getattr(importlib.import_module(module), new)
        return getattr(importlib.import_module(target), name)

    def __dir__(self):
        target, renamed = MOVED_MODULES[self.__name__]
        return sorted(set(dir(importlib.import_module(target))) | set(renamed))


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports an old module path as a :class:`_MovedModule`, with a DeprecationWarning."""

    def find_spec(self, fullname, path, target=None):
        return importlib.util.spec_from_loader(fullname, self) if fullname in MOVED_MODULES else None

    def create_module(self, spec):
        return _MovedModule(spec.name)

    def exec_module(self, module) -> None:
        _warn(module.__name__, MOVED_MODULES[module.__name__][0])


def install() -> None:
    """Put the finder of old module paths on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())


def moved_attribute(name: str) -> Any:
    """``socval.<name>`` for an old top-level name or module; AttributeError for anything else."""
    if name in MOVED_NAMES:
        module, new = MOVED_NAMES[name]
        _warn(f"socval.{name}", f"{module}.{new}")
        return getattr(importlib.import_module(module), new)
    if f"socval.{name}" in MOVED_MODULES:
        return importlib.import_module(f"socval.{name}")
    raise AttributeError(f"module 'socval' has no attribute {name!r}")
