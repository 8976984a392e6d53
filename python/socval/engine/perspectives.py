"""Two perspectives from the same draws (docs/model/appraisal.md, "Perspectives"): the UK perspective (the Green
Book's default, the scenario as written: displacement at national level, transfers excluded, all costs to UK
society) and the place perspective (the region: each outcome's ``place`` overrides, e.g. a lower displacement of
local jobs within the region, value of local spend retained, leakage of value out of the region).

The place perspective is the scenario with every outcome's ``place`` overrides put in place; simulated with the same
seed it shares every common parameter's draws (keyed random streams), so the two perspectives differ only by what
the overrides change. Headline figures are the UK perspective; the place figures are labelled as such.

``socval.simulate`` runs both for a scenario with ``place`` overrides: the place run's PVs are kept in the same
Results as ``place_npsv``, ``place_bcr``, ... (:func:`place_core` builds it); :func:`perspectives` gives the two as a
Comparison, for the paired differences.
"""
from __future__ import annotations

import copy
from typing import Any, Dict

from .. import _core

__all__ = ["PERSPECTIVES", "has_place", "place_document", "place_core", "place_variant", "perspectives"]

#: The names of the two perspectives, in the order perspectives() returns them.
PERSPECTIVES = ("UK", "place")


def _scenario(scenario: Any):
    from ..model.scenario import Scenario, load_scenario
    if isinstance(scenario, Scenario):
        return scenario
    return load_scenario(scenario)


def has_place(document: Dict[str, Any]) -> bool:
    """Whether a scenario document declares ``place`` overrides on any outcome."""
    return any(isinstance(o, dict) and o.get("place") for o in document.get("outcomes") or [])


def place_document(document: Dict[str, Any]) -> Dict[str, Any]:
    """A copy of a scenario document with each outcome's ``place`` overrides in place of its own keys, named
    "... (place perspective)"."""
    doc: Dict[str, Any] = copy.deepcopy(document)
    for o in doc.get("outcomes") or []:
        over = o.pop("place", None) or {}
        o.update(over)
    meta = doc.setdefault("metadata", {})
    meta["name"] = f"{meta.get('name', 'scenario')} (place perspective)"
    return doc


def place_core(core: Any, library: Any):
    """The validated C++ scenario of the place perspective of ``core`` (a ``_core.model.Scenario``), read from its
    merged source text, or None when it declares no ``place`` overrides."""
    import os
    from ..model.yamltext import dump_yaml, load_yaml  # YAML 1.2 numbers, as the C++ reader
    doc = load_yaml(core.source_text)
    if not isinstance(doc, dict) or not has_place(doc):
        return None
    base = os.path.dirname(core.source_file) if core.source_file else os.getcwd()
    name = f"{core.source_file or core.meta.name or 'scenario'} (place perspective)"
    return _core.model.read_scenario_text(dump_yaml(place_document(doc)), name, base, library)


def place_variant(scenario: Any):
    """The place perspective of ``scenario`` (a ``socval.Scenario`` or a path): each outcome's ``place`` overrides
    replace its own keys (``value: ~`` in ``place`` would delete the value: write ``value: none`` to count nothing),
    and the name says "(place perspective)"."""
    from ..model.scenario import scenario_from_dict
    sc = _scenario(scenario)
    doc = place_document(sc.document)
    return scenario_from_dict(doc, name=f"{sc.source} (place perspective)", base_dir=sc._base_dir,
                              library=sc.library)


def perspectives(scenario: Any, draws: int = 10_000, seed: int = 0, **options: Any):
    """Simulate the UK and the place perspective of one scenario on the same draws.

    Returns a :class:`socval.engine.Comparison` with the scenarios named ``"UK"`` and ``"place"``: its results,
    summary and paired differences; ``options`` go to :func:`socval.engine.compare` (``sampler``, ``values``,
    ``keep_inputs``, ...).
    """
    from .comparison import compare
    sc = _scenario(scenario)
    if not has_place(sc.document):
        raise _core.ScenarioError(f"perspectives: expected outcomes with 'place' overrides in {sc.name}, found none "
                                  f"(the place perspective would equal the UK one)")
    options.setdefault("place", False)  # each side is one perspective already
    return compare([sc, place_variant(sc)], draws=draws, seed=seed, names=list(PERSPECTIVES), **options)
