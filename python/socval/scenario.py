"""Scenarios and their deterministic appraisal: ``socval.load_scenario(path)`` -> :class:`Scenario`,
``Scenario.evaluate()`` -> :class:`Appraisal`.

A :class:`Scenario` is immutable. It keeps its merged document (the scenario file after ``include`` and
``extends``, as a dict) and the validated C++ scenario built from it. Methods that change a scenario
(:meth:`Scenario.add_option`, :meth:`Scenario.set_parameter`, :meth:`Scenario.fund`, ...) edit a copy of the
document and validate it again with the C++ reader (``socval._core.model.read_scenario_text``), so every scenario
built from Python obeys exactly the rules of a scenario file (docs/formats/scenario.md).
"""
from __future__ import annotations

import copy
import json
import math
import os
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

import numpy as np
import pandas as pd
import yaml

from . import _core

__all__ = ["Scenario", "Appraisal", "load_scenario", "scenario_from_dict", "scenario_from_yaml"]

PathLike = Union[str, "os.PathLike[str]"]
_ID_LISTS = ("priorities", "outcomes", "options", "links")
_LEVERS = ("commissioning", "anchor", "employer")
_PILLARS = ("social", "economic", "environmental", "unallocated")
_BENEFICIARIES = ("fiscal", "economic", "social")


# ---------------------------------------------------------------------------------------------------------------
# YAML: read numbers as YAML 1.2 does (PyYAML follows YAML 1.1, where "2.0e6" is text), write plain YAML.

# libyaml's parser and emitter when present (Debian's python3-yaml has them): 10x faster than pure Python, which
# matters because every Scenario edit writes and re-reads the document.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """Safe loader with YAML 1.2 floats (``1e6``, ``2.0e6``), as the C++ reader (yaml-cpp) reads them."""


_Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:float"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                   |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                   |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
                   |[-+]?\.(?:inf|Inf|INF)
                   |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."))


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def _dump_yaml(document: Mapping[str, Any]) -> str:
    return yaml.dump(_plain(document), Dumper=_SafeDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=None, width=110)


def _plain(x: Any) -> Any:
    """Python / numpy values -> plain YAML-safe values (tuples -> lists, numpy scalars -> numbers)."""
    if isinstance(x, Mapping):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return _plain(x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    return x


def _json_ready(x: Any) -> Any:
    """JSON-ready: NaN and inf -> None, numpy values -> Python values."""
    if isinstance(x, Mapping):
        return {str(k): _json_ready(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_ready(v) for v in x]
    if isinstance(x, np.ndarray):
        return _json_ready(x.tolist())
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _default_library():
    from .values import default_library
    return default_library()


# ---------------------------------------------------------------------------------------------------------------
# Loading

def load_scenario(path: PathLike, library: Optional[Any] = None, allow_outside: bool = False,
                  confined: bool = False) -> "Scenario":
    """Read, merge (``include``, ``extends``) and validate a scenario file.

    Parameters
    ----------
    path
        The scenario file (YAML, docs/formats/scenario.md).
    library
        Value library (``socval.values.Library``); default ``socval.values.default_library()``.
    allow_outside
        Let ``include`` / ``extends`` paths leave the scenario's folder tree.
    confined
        Refuse every file outside the scenario's folder tree, whatever the files say (a file's
        ``allow_outside: true`` is then an error): for services that read uploaded scenarios.

    Returns
    -------
    Scenario

    Raises
    ------
    socval.ScenarioError
        With file, line, column and key path of the problem.
    """
    lib = library if library is not None else _default_library()
    core = _core.model.read_scenario(os.fspath(path), lib, allow_outside, confined)
    sc = Scenario(core.document(), core, lib, name=os.fspath(path),
                  base_dir=str(Path(os.fspath(path)).resolve().parent), allow_outside=allow_outside)
    sc._confined = confined
    return sc


def scenario_from_dict(document: Mapping[str, Any], name: str = "<dict>", base_dir: PathLike = ".",
                       library: Optional[Any] = None, allow_outside: bool = False,
                       confined: bool = False) -> "Scenario":
    """Validate a scenario document given as a dict (the structure of a scenario file).

    ``name`` stands for the file name in error messages; ``base_dir`` is where ``include`` / ``extends`` paths
    resolve. Raises socval.ScenarioError.
    """
    return scenario_from_yaml(_dump_yaml(document), name=name, base_dir=base_dir, library=library,
                              allow_outside=allow_outside, confined=confined)


def scenario_from_yaml(text: str, name: str = "<text>", base_dir: PathLike = ".", library: Optional[Any] = None,
                       allow_outside: bool = False, confined: bool = False) -> "Scenario":
    """Validate a scenario given as YAML text (``confined`` as in :func:`load_scenario`). Raises
    socval.ScenarioError."""
    lib = library if library is not None else _default_library()
    core = _core.model.read_scenario_text(text, name, os.fspath(base_dir), lib, allow_outside, confined)
    sc = Scenario(core.document(), core, lib, name=name, base_dir=os.fspath(base_dir),
                  allow_outside=allow_outside)
    sc._confined = confined
    return sc


# ---------------------------------------------------------------------------------------------------------------
# Scenario

class Scenario:
    """A validated scenario: its document (dict), the C++ model, and tables describing it.

    Build one with :func:`load_scenario`, :func:`scenario_from_dict` or :func:`scenario_from_yaml`; change it with
    the ``with_*`` / ``add_*`` / ``set_*`` / ``fund`` methods, each of which returns a new validated Scenario.
    """

    def __init__(self, document: Dict[str, Any], core: Any, library: Any, name: str, base_dir: str,
                 allow_outside: bool = False) -> None:
        self._document = document
        self._core = core
        self._library = library
        self._name = name
        self._base_dir = base_dir
        self._allow_outside = allow_outside

    # -- identity ------------------------------------------------------------------------------------------------
    @property
    def core(self) -> Any:
        """The validated C++ scenario (``socval._core.model.Scenario``)."""
        return self._core

    @property
    def library(self) -> Any:
        """The value library the scenario was validated against."""
        return self._library

    @property
    def name(self) -> str:
        """The scenario's ``metadata.name``."""
        return self._core.meta.name

    @property
    def source(self) -> str:
        """Where the scenario came from: its file, or the name given for text / dict scenarios."""
        return self._name

    @property
    def document(self) -> Dict[str, Any]:
        """A copy of the merged scenario document (the structure of a scenario file, without include/extends)."""
        return copy.deepcopy(self._document)

    @property
    def metadata(self) -> Dict[str, Any]:
        """Metadata: name, description, price base year, first year, horizon, schedule, carbon case."""
        m = self._core.meta
        return {"name": m.name, "description": m.description, "price_base_year": m.price_base_year,
                "first_year": m.first_year, "horizon": m.horizon, "schedule": m.schedule,
                "carbon_case": m.carbon_case}

    @property
    def warnings(self) -> List[str]:
        """Warnings of the reader (e.g. an option that reaches no priority)."""
        return list(self._core.warnings)

    def __repr__(self) -> str:
        c = self._core
        funded = ", ".join(self.funded_ids) or "none"
        return (f"<socval.Scenario '{c.meta.name}': {len(c.options)} options ({funded} funded), "
                f"{len(c.outcomes)} outcomes, {len(c.priorities)} priorities, {len(c.links)} links, "
                f"{len(c.parameters)} uncertain parameters>")

    @property
    def plot(self):
        """Charts of the scenario at central values (:class:`socval.plots.ScenarioPlots`): ``scenario.plot.sankey()``,
        the flow of value from options to priorities; returns a matplotlib Figure."""
        from .plots import ScenarioPlots

        return ScenarioPlots(self)

    def _repr_html_(self) -> str:
        """Notebook summary: name, description, counts, funded options with scale and central cost, budget,
        warnings (every text escaped)."""
        from . import _html

        c = self._core
        opts = self.options
        rows, total = [], 0.0
        for oid in self.funded_ids:
            o = opts.loc[oid]
            cost = (float(o["capital"]) + float(o["revenue"])) * float(o["scale"])
            total += cost
            rows.append([oid, o["name"], o["lever"], f"{float(o['scale']):g}", int(o["start"]), _html.money(cost)])
        m = self.metadata
        lines = [m["description"],
                 f"{len(c.priorities)} priorities, {len(c.outcomes)} outcomes, {len(c.options)} options "
                 f"({len(rows)} funded), {len(c.links)} links, {len(c.parameters)} uncertain parameters",
                 f"GBP in {m['price_base_year']} prices; first year {m['first_year']}, horizon {m['horizon']} years, "
                 f"{m['schedule']} discount schedule, {m['carbon_case']} carbon values"]
        budget = (self._document.get("scenario") or {}).get("budget")
        lines.append(f"Budget: GBP {_html.money(budget)}" if budget is not None else "")
        lines.append(f"Central cost of the funded options: GBP {_html.money(total)} (undiscounted, before optimism "
                     "bias, times scale)")
        table = _html.table(["option", "name", "lever", "scale", "start year", "central cost (GBP)"], rows, 3)
        return _html.block("Scenario", m["name"], lines, [table] if rows else [], warnings=self.warnings)

    # -- tables --------------------------------------------------------------------------------------------------
    @property
    def funded_ids(self) -> List[str]:
        """Ids of the funded options, in the scenario's order."""
        return [self._core.options[f.option].id for f in self._core.funded]

    @property
    def priorities(self) -> pd.DataFrame:
        """One row per priority: id, name, pillar, description, tags (framework -> tags)."""
        rows = [{"id": p.id, "name": p.name, "pillar": p.pillar, "description": p.description,
                 "tags": {k: list(v) for k, v in p.tags.items()}} for p in self._core.priorities]
        return pd.DataFrame(rows, columns=["id", "name", "pillar", "description", "tags"]).set_index("id")

    @property
    def outcomes(self) -> pd.DataFrame:
        """One row per outcome: unit, valuation, beneficiary, additionality and persistence (central values),
        priority shares and discount schedule."""
        pri = [p.id for p in self._core.priorities]
        rows = []
        for o in self._core.outcomes:
            v = o.valuation
            rows.append({
                "id": o.id, "name": o.name, "unit": o.unit, "valuation": v.kind,
                "per_unit": v.per_unit.value, "library_id": v.library_id or None,
                "beneficiary": o.beneficiary,
                "deadweight": o.deadweight.value, "displacement": o.displacement.value,
                "leakage": o.leakage.value, "substitution": o.substitution.value,
                "attribution": o.attribution.value, "lag": o.lag, "duration": o.duration,
                "drop_off": o.drop_off.value,
                "priorities": {pri[s.priority]: s.share for s in o.priorities},
                "schedule": o.schedule or self._core.meta.schedule,
            })
        cols = ["id", "name", "unit", "valuation", "per_unit", "library_id", "beneficiary", "deadweight",
                "displacement", "leakage", "substitution", "attribution", "lag", "duration", "drop_off",
                "priorities", "schedule"]
        return pd.DataFrame(rows, columns=cols).set_index("id")

    @property
    def options(self) -> pd.DataFrame:
        """One row per option of the pool: lever, whether funded (scale, start), undiscounted capital and
        revenue (central values, before scale and optimism bias), optimism bias, outputs (outcome -> amount)."""
        funding = {self._core.options[f.option].id: f for f in self._core.funded}
        outs = [o.id for o in self._core.outcomes]
        rows = []
        for o in self._core.options:
            f = funding.get(o.id)
            rows.append({
                "id": o.id, "name": o.name, "lever": o.lever, "funded": f is not None,
                "scale": f.scale if f else None, "start": f.start if f else None,
                "capital": sum(c.capital.value for c in o.costs),
                "revenue": sum(c.revenue.value for c in o.costs),
                "cost_years": [c.year for c in o.costs],
                "optimism_bias": o.optimism_bias_category or None,
                "mitigation": o.optimism_bias_mitigation.value,
                "outputs": {outs[x.outcome]: (x.amount.value if x.basis == "per_year" else f"{x.amount.value:g} per GBP")
                            for x in o.outputs},
                "description": o.description,
            })
        cols = ["id", "name", "lever", "funded", "scale", "start", "capital", "revenue", "cost_years",
                "optimism_bias", "mitigation", "outputs", "description"]
        return pd.DataFrame(rows, columns=cols).set_index("id")

    @property
    def parameters(self) -> pd.DataFrame:
        """The uncertain parameters: id (key path), distribution, central value (the mean, used by evaluate())."""
        rows = [{"id": p.id, "distribution": p.describe(), "central": p.central} for p in self._core.parameters]
        return pd.DataFrame(rows, columns=["id", "distribution", "central"]).set_index("id")

    def graph(self) -> pd.DataFrame:
        """The decision graph as an edge table: from, to, kind (output, link, share), coefficient, lag, form."""
        return pd.DataFrame(self._core.edge_table(), columns=["from", "to", "kind", "coefficient", "lag", "form"])

    # -- evaluation ----------------------------------------------------------------------------------------------
    def evaluate(self) -> "Appraisal":
        """Deterministic appraisal: every parameter at its central value (its mean).

        Returns
        -------
        Appraisal
            Headline figures (PV costs, PV benefits, NPSV, BCR, SROI), value by priority, pillar, lever and
            beneficiary, physical totals, per-year flows and the option -> priority attribution table.
        """
        return Appraisal(_core.engine.evaluate(self._core, self._library), self.warnings)

    # -- analyses (each lives in its own module; these are the scenario's doors to them) ------------------------
    def simulate(self, draws: int = 10_000, seed: int = 0, **options: Any):
        """Monte Carlo simulation on keyed random streams: see :func:`socval.simulate` for the options."""
        from .simulate import simulate
        return simulate(self, draws=draws, seed=seed, **options)

    def sensitivity(self, method: str = "sobol", output: str = "npsv", **options: Any):
        """Sobol, Morris or tornado over this scenario's uncertain parameters: see
        :func:`socval.scenario_sensitivity.sensitivity`."""
        from .scenario_sensitivity import sensitivity
        return sensitivity(self, method=method, output=output, **options)

    def optimise(self, budget: float, **options: Any):
        """Best portfolio of this scenario's options within a budget: see :func:`socval.portfolio.optimise`.
        The result's ``.scenario`` is the new Scenario funding the chosen options."""
        from .portfolio import optimise
        return optimise(self, budget, **options)

    # -- building and changing ---------------------------------------------------------------------------------
    def _revalidate(self, document: Mapping[str, Any]) -> "Scenario":
        # Messages then point into the generated YAML (to_yaml()), not into the original file.
        name = self._name if self._name.endswith(" (edited)") else f"{self._name} (edited)"
        return scenario_from_dict(document, name=name, base_dir=self._base_dir, library=self._library,
                                  allow_outside=self._allow_outside, confined=getattr(self, "_confined", False))

    def to_yaml(self, path: Optional[PathLike] = None) -> str:
        """The scenario as YAML text (a complete scenario file); written to ``path`` when given."""
        text = _dump_yaml(self._document)
        if path is not None:
            Path(os.fspath(path)).write_text(text, encoding="utf-8")
        return text

    def to_dict(self) -> Dict[str, Any]:
        """The scenario document (same as :attr:`document`)."""
        return self.document

    def with_metadata(self, **changes: Any) -> "Scenario":
        """A copy with metadata keys changed, e.g. ``with_metadata(horizon=20, schedule="reduced")``."""
        doc = self.document
        doc.setdefault("metadata", {}).update(changes)
        return self._revalidate(doc)

    def _add(self, section: str, item: Mapping[str, Any]) -> Dict[str, Any]:
        doc = self.document
        doc.setdefault(section, [])
        if doc[section] is None:
            doc[section] = []
        doc[section].append(copy.deepcopy(dict(item)))
        return doc

    def add_option(self, option: Mapping[str, Any], fund: bool = False, scale: float = 1.0,
                   start: int = 0) -> "Scenario":
        """A copy with a new option (a dict with the keys of a scenario file's option), funded if ``fund``."""
        doc = self._add("options", option)
        s = self._revalidate(doc)
        return s.fund(option["id"], scale=scale, start=start) if fund else s

    def add_outcome(self, outcome: Mapping[str, Any]) -> "Scenario":
        """A copy with a new outcome (a dict with the keys of a scenario file's outcome)."""
        return self._revalidate(self._add("outcomes", outcome))

    def add_priority(self, priority: Mapping[str, Any]) -> "Scenario":
        """A copy with a new priority."""
        return self._revalidate(self._add("priorities", priority))

    def add_link(self, link: Mapping[str, Any]) -> "Scenario":
        """A copy with a new link (``from``, ``to``, ``coefficient``, optional ``lag``, ``form``, ``cap``, ``id``)."""
        return self._revalidate(self._add("links", link))

    def _item(self, doc: Dict[str, Any], section: str, id: str) -> Dict[str, Any]:
        for item in doc.get(section) or []:
            if _item_id(section, item) == id:
                return item
        known = ", ".join(_item_id(section, i) for i in doc.get(section) or []) or "none"
        raise _core.ScenarioError(f"{self._name}: {section}: expected the id of an existing item, found "
                                  f"'{id}' (known: {known})")

    def with_option(self, id: str, **changes: Any) -> "Scenario":
        """A copy where option ``id`` has the given keys replaced, e.g. ``with_option("skills", lever="anchor")``.
        A key given as None is removed (its default applies)."""
        return self._with_item("options", id, changes)

    def with_outcome(self, id: str, **changes: Any) -> "Scenario":
        """A copy where outcome ``id`` has the given keys replaced (None removes a key)."""
        return self._with_item("outcomes", id, changes)

    def with_link(self, id: str, **changes: Any) -> "Scenario":
        """A copy where link ``id`` (its ``id``, or ``<from>-><to>``) has the given keys replaced."""
        return self._with_item("links", id, changes)

    def _with_item(self, section: str, id: str, changes: Mapping[str, Any]) -> "Scenario":
        doc = self.document
        item = self._item(doc, section, id)
        for k, v in changes.items():
            if v is None:
                item.pop(k, None)
            else:
                item[k] = copy.deepcopy(v)
        return self._revalidate(doc)

    def remove_option(self, id: str) -> "Scenario":
        """A copy without option ``id`` (and without its funding and the links from it)."""
        doc = self.document
        self._item(doc, "options", id)
        doc["options"] = [o for o in doc["options"] if o.get("id") != id]
        doc["links"] = [l for l in doc.get("links") or [] if l.get("from") != id]
        if doc.get("scenario", {}).get("funded"):
            doc["scenario"]["funded"] = [f for f in doc["scenario"]["funded"] if _funded_id(f) != id]
        return self._revalidate(doc)

    def fund(self, option: str, scale: float = 1.0, start: int = 0) -> "Scenario":
        """A copy where ``option`` is funded at ``scale`` from appraisal year ``start`` (replacing any earlier
        funding of it)."""
        doc = self.document
        self._item(doc, "options", option)
        scen = doc.setdefault("scenario", {}) or {}
        doc["scenario"] = scen
        funded = [f for f in scen.get("funded") or [] if _funded_id(f) != option]
        funded.append({"option": option, "scale": scale, "start": start})
        scen["funded"] = funded
        return self._revalidate(doc)

    def unfund(self, option: str) -> "Scenario":
        """A copy where ``option`` is not funded (it stays in the pool)."""
        doc = self.document
        funded = (doc.get("scenario") or {}).get("funded") or []
        if not any(_funded_id(f) == option for f in funded):
            raise _core.ScenarioError(f"{self._name}: scenario.funded: expected a funded option, found '{option}' "
                                      f"(funded: {', '.join(_funded_id(f) for f in funded) or 'none'})")
        doc["scenario"]["funded"] = [f for f in funded if _funded_id(f) != option]
        return self._revalidate(doc)

    def set_parameter(self, path: str, value: Any) -> "Scenario":
        """A copy with one number of the scenario replaced by a number or a distribution dict.

        Parameters
        ----------
        path
            The number's key path, as in parameter ids (docs/formats/scenario.md): e.g.
            ``"outcomes.jobs.deadweight"``, ``"options.retrofit.costs[0].capital"``,
            ``"options.retrofit.outputs.co2e_avoided.amount"``, ``"links.jobs_to_health.coefficient"``,
            ``"outcomes.jobs.value.per_unit"``, ``"metadata.horizon"``.
        value
            A number, or a distribution such as ``{"dist": "triangular", "min": 0.2, "mode": 0.3, "max": 0.5}``.
            A parameter fixed to a number leaves the correlation blocks it was in (a block left with fewer than
            two parameters is removed).
        """
        doc = self.document
        _set_path(doc, path, copy.deepcopy(value), self._name)
        if not _is_distribution(value):
            _drop_from_correlations(doc, path)
        return self._revalidate(doc)


def _is_distribution(x: Any) -> bool:
    return isinstance(x, Mapping) and "dist" in x and x.get("dist") != "fixed"


def _drop_from_correlations(doc: Dict[str, Any], parameter: str) -> None:
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


def _item_id(section: str, item: Mapping[str, Any]) -> str:
    if section == "links" and "id" not in item:
        return f"{item.get('from')}->{item.get('to')}"
    return str(item.get("id"))


def _funded_id(entry: Any) -> str:
    return entry if isinstance(entry, str) else str(entry.get("option"))


_SEGMENT = re.compile(r"^([^\[\]]+)((?:\[\d+\])*)$")


def _set_path(doc: Dict[str, Any], path: str, value: Any, name: str) -> None:
    """Set the number at a parameter-id key path (ids for items of id'd lists, [i] for other lists)."""
    parts = path.split(".")
    if len(parts) < 2:
        raise _core.ScenarioError(f"{name}: {path}: expected a key path such as outcomes.<id>.deadweight, "
                                  f"found no '.'")
    node: Any = doc
    i = 0
    parent = ""
    if parts[0] in _ID_LISTS:
        items = doc.get(parts[0]) or []
        match = [it for it in items if _item_id(parts[0], it) == parts[1]]
        if not match:
            known = ", ".join(_item_id(parts[0], it) for it in items) or "none"
            raise _core.ScenarioError(f"{name}: {path}: expected the id of an item of {parts[0]}, found "
                                      f"'{parts[1]}' (known: {known})")
        node, i, parent = match[0], 2, parts[0]
    if i >= len(parts):
        raise _core.ScenarioError(f"{name}: {path}: expected a key after the id, found none")
    while i < len(parts) - 1:
        node = _descend(node, parts[i], parent, path, name)
        parent = parts[i]
        i += 1
    m = _SEGMENT.match(parts[-1])
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


def _is_number_or_distribution(x: Any) -> bool:
    return isinstance(x, (int, float)) or (isinstance(x, dict) and "dist" in x)


def _descend(node: Any, part: str, parent: str, path: str, name: str) -> Any:
    """One step down a key path ('key' or 'key[i]'), expanding the shorthands a path may go inside: an output
    written as a number or distribution becomes {amount: x}; a value written as GBP per unit becomes
    {kind: money, per_unit: x}."""
    m = _SEGMENT.match(part)
    if not m or not isinstance(node, dict):
        raise _core.ScenarioError(f"{name}: {path}: expected a map at '{part}', found {type(node).__name__}")
    key, indices = m.group(1), [int(x) for x in re.findall(r"\[(\d+)\]", m.group(2))]
    if key not in node or node[key] is None:
        if indices:
            raise _core.ScenarioError(f"{name}: {path}: expected a list '{key}', found none")
        node[key] = {}
    child = node[key]
    if not indices and key == "value" and _is_number_or_distribution(child):
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


# ---------------------------------------------------------------------------------------------------------------
# Appraisal

class Appraisal:
    """The deterministic appraisal of a scenario (every parameter at its central value).

    Money is in GBP at the scenario's price base; PV with the scenario's discount schedule (an outcome may use its
    own). Tables are pandas DataFrames.
    """

    def __init__(self, result: Any, warnings: Iterable[str] = ()) -> None:
        self._r = result
        seen = list(warnings)
        self._warnings = seen + [w for w in result.warnings if w not in seen]

    @property
    def scenario(self) -> str:
        """Name of the appraised scenario."""
        return self._r.scenario

    @property
    def price_base_year(self) -> int:
        return self._r.price_base_year

    @property
    def warnings(self) -> List[str]:
        """Warnings of the reader and of the evaluation (e.g. carbon values held beyond the published table)."""
        return list(self._warnings)

    @property
    def headline(self) -> pd.Series:
        """PV costs (with optimism bias), PV investment (before it), PV benefits, NPSV, BCR and SROI ratio."""
        r = self._r
        return pd.Series({"pv_costs": r.pv_costs, "pv_investment": r.pv_investment, "pv_benefits": r.pv_benefits,
                          "npsv": r.npsv, "bcr": r.bcr, "sroi": r.sroi}, name=r.scenario)

    @property
    def npsv(self) -> float:
        return self._r.npsv

    @property
    def bcr(self) -> float:
        return self._r.bcr

    @property
    def by_priority(self) -> pd.DataFrame:
        """PV value serving each priority (outcome value x the outcome's share), and "unallocated"."""
        r = self._r
        df = pd.DataFrame({"priority": r.priority_ids, "pillar": r.priority_pillars, "value": r.priority_value})
        return df.set_index("priority")

    @property
    def by_pillar(self) -> pd.DataFrame:
        """PV value by pillar (social, economic, environmental) and unallocated."""
        return pd.DataFrame({"value": list(self._r.pillar_value)}, index=pd.Index(_PILLARS, name="pillar"))

    @property
    def by_lever(self) -> pd.DataFrame:
        """PV value attributed to each lever's options, their PV costs, and the lever's NPSV."""
        r = self._r
        df = pd.DataFrame({"value": list(r.lever_value), "pv_costs": list(r.lever_cost)},
                          index=pd.Index(_LEVERS, name="lever"))
        df["npsv"] = df["value"] - df["pv_costs"]
        return df

    @property
    def by_beneficiary(self) -> pd.DataFrame:
        """PV value by who gains it: fiscal, economic, social."""
        return pd.DataFrame({"value": list(self._r.beneficiary_value)},
                            index=pd.Index(_BENEFICIARIES, name="beneficiary"))

    @property
    def by_option(self) -> pd.DataFrame:
        """Per funded option: lever, PV value attributed to it, PV costs, NPSV, BCR, optimism bias applied."""
        r = self._r
        df = pd.DataFrame({"lever": r.option_levers, "value": r.option_value, "pv_costs": r.option_cost,
                           "ob_capital_uplift": r.option_ob_capital, "ob_duration_uplift": r.option_ob_duration},
                          index=pd.Index(r.option_ids, name="option"))
        df["npsv"] = df["value"] - df["pv_costs"]
        df["bcr"] = np.where(df["pv_costs"] != 0, df["value"] / df["pv_costs"].where(df["pv_costs"] != 0), np.nan)
        return df[["lever", "value", "pv_costs", "npsv", "bcr", "ob_capital_uplift", "ob_duration_uplift"]]

    @property
    def totals(self) -> pd.DataFrame:
        """Per outcome: unit, beneficiary, physical total (undiscounted sum of levels over the horizon), PV value."""
        r = self._r
        return pd.DataFrame({"unit": r.outcome_units, "beneficiary": r.outcome_beneficiaries,
                             "total": r.outcome_total, "pv": r.outcome_pv},
                            index=pd.Index(r.outcome_ids, name="outcome"))

    @property
    def by_year(self) -> pd.DataFrame:
        """Per calendar year: costs (with optimism bias), investment (before it), benefits, discount factor,
        discounted costs and benefits."""
        r = self._r
        return pd.DataFrame({"cost": r.cost, "investment": r.investment, "benefits": r.benefits,
                             "discount_factor": r.discount_factor, "pv_cost": r.pv_cost, "pv_benefit": r.pv_benefit},
                            index=pd.Index(r.years, name="year"))

    @property
    def levels(self) -> pd.DataFrame:
        """Physical level of each outcome by year (net of additionality, with persistence): years x outcomes."""
        r = self._r
        return pd.DataFrame(np.array(r.level).T.reshape(len(r.years), len(r.outcome_ids)),
                            index=pd.Index(r.years, name="year"), columns=pd.Index(r.outcome_ids, name="outcome"))

    @property
    def values(self) -> pd.DataFrame:
        """Undiscounted GBP value of each outcome by year: years x outcomes."""
        r = self._r
        return pd.DataFrame(np.array(r.value).T.reshape(len(r.years), len(r.outcome_ids)),
                            index=pd.Index(r.years, name="year"), columns=pd.Index(r.outcome_ids, name="outcome"))

    @property
    def attribution(self) -> pd.DataFrame:
        """Option -> priority flows of PV value (a Sankey chart's links): option, lever, priority, pillar, value.
        Exact for linear links; saturating links share their output in proportion to each option's share of
        their input (docs/model/engine.md)."""
        rows = [{"option": a.option, "lever": a.lever, "priority": a.priority, "pillar": a.pillar, "value": a.value}
                for a in self._r.attribution]
        return pd.DataFrame(rows, columns=["option", "lever", "priority", "pillar", "value"])

    def to_dict(self) -> Dict[str, Any]:
        """Everything as plain Python values, ready for ``json.dumps`` (NaN -> None)."""
        r = self._r

        def records(df: pd.DataFrame) -> List[Dict[str, Any]]:
            return df.reset_index().to_dict(orient="records")

        return _json_ready({
            "scenario": r.scenario, "price_base_year": r.price_base_year, "first_year": r.first_year,
            "horizon": r.horizon, "schedule": r.schedule,
            "headline": self.headline.to_dict(),
            "by_priority": records(self.by_priority), "by_pillar": records(self.by_pillar),
            "by_lever": records(self.by_lever), "by_beneficiary": records(self.by_beneficiary),
            "by_option": records(self.by_option), "totals": records(self.totals),
            "by_year": records(self.by_year),
            "levels": {o: list(v) for o, v in zip(r.outcome_ids, r.level)},
            "values": {o: list(v) for o, v in zip(r.outcome_ids, r.value)},
            "attribution": self.attribution.to_dict(orient="records"),
            "warnings": self.warnings,
        })

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), **kwargs)

    def summary(self) -> str:
        """A short text report: headline, value by pillar and lever, warnings."""
        h = self.headline
        lines = [f"{self.scenario} (GBP, {self.price_base_year} prices, present values)",
                 f"  PV costs      {h.pv_costs:>16,.0f}   (before optimism bias {h.pv_investment:,.0f})",
                 f"  PV benefits   {h.pv_benefits:>16,.0f}",
                 f"  NPSV          {h.npsv:>16,.0f}",
                 f"  BCR           {_ratio(h.bcr):>16}",
                 f"  SROI ratio    {_ratio(h.sroi):>16}",
                 "  by pillar:   " + ", ".join(f"{k} {v:,.0f}" for k, v in self.by_pillar["value"].items()),
                 "  by lever:    " + ", ".join(f"{k} {v:,.0f}" for k, v in self.by_lever["value"].items())]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<socval.Appraisal '{self.scenario}': NPSV {self.npsv:,.0f}, BCR {_ratio(self.bcr)}>"


def _ratio(x: float) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:.3f}"
