"""Scenarios: ``socval.load_scenario(path)`` -> :class:`Scenario`.

A :class:`Scenario` is immutable. It keeps its merged document (the scenario file after ``include`` and
``extends``, as a dict) and the validated C++ scenario built from it. Methods that change a scenario
(:meth:`Scenario.add_option`, :meth:`Scenario.set_parameter`, :meth:`Scenario.fund`, ...) edit a copy of the
document and validate it again with the C++ reader (``socval._core.model.read_scenario_text``), so every scenario
built from Python obeys exactly the rules of a scenario file (docs/formats/scenario.md).
"""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Union

import pandas as pd

from .. import _core
from ..values import default_library
from .editing import drop_from_correlations, funded_id, is_distribution, item_id, set_path
from .yamltext import dump_yaml
from .._util import html as _html

__all__ = ["Scenario", "load_scenario", "scenario_from_dict", "scenario_from_yaml"]

PathLike = Union[str, "os.PathLike[str]"]

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
    lib = library if library is not None else default_library()
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
    return scenario_from_yaml(dump_yaml(document), name=name, base_dir=base_dir, library=library,
                              allow_outside=allow_outside, confined=confined)


def scenario_from_yaml(text: str, name: str = "<text>", base_dir: PathLike = ".", library: Optional[Any] = None,
                       allow_outside: bool = False, confined: bool = False) -> "Scenario":
    """Validate a scenario given as YAML text (``confined`` as in :func:`load_scenario`). Raises
    socval.ScenarioError."""
    lib = library if library is not None else default_library()
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
        from ..plots.facades import ScenarioPlots

        return ScenarioPlots(self)

    def _repr_html_(self) -> str:
        """Notebook summary: name, description, counts, funded options with scale and central cost, budget,
        warnings (every text escaped)."""
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
    def evaluate(self, values: Optional[str] = None):
        """Deterministic appraisal: every parameter at its central value (its mean); ``values`` = ``"central"``,
        ``"low"`` or ``"high"`` fixes the library values at that case (None: the scenario's ``metadata.values``).

        Returns
        -------
        socval.Evaluation
            Headline figures (PV costs, PV benefits, NPSV, BCR, SROI), value by priority, pillar, lever and
            beneficiary, physical totals, per-year flows and the option -> priority attribution table.
        """
        from ..engine.evaluation import Evaluation
        from ..engine.simulation import with_values
        return Evaluation(_core.engine.evaluate(with_values(self._core, values, self._library), self._library),
                          self.warnings)

    # -- analyses (each lives in its own module; these are the scenario's doors to them) ------------------------
    def simulate(self, draws: int = 10_000, seed: int = 0, **options: Any):
        """Monte Carlo simulation on keyed random streams: see :func:`socval.simulate` for the options."""
        from ..engine.simulation import simulate
        return simulate(self, draws=draws, seed=seed, **options)

    def sensitivity(self, method: str = "sobol", output: str = "npsv", **options: Any):
        """Sobol, Morris or tornado over this scenario's uncertain parameters: see
        :func:`socval.sensitivity.scenario_sensitivity`."""
        from ..sensitivity.scenario import scenario_sensitivity
        return scenario_sensitivity(self, method=method, output=output, **options)

    def optimise(self, budget: float, **options: Any):
        """Best portfolio of this scenario's options within a budget: see :func:`socval.decision.optimise`.
        The result's ``.scenario`` is the new Scenario funding the chosen options."""
        from ..decision.portfolio import optimise
        return optimise(self, budget, **options)

    def check(self, **options: Any):
        """The checklist's findings on this scenario (docs/guide/checklist.md): see
        :func:`socval.review.check_scenario` (``draws``, ``seed``, ``share``). Returns a
        :class:`socval.review.Findings` (``.to_frame()``, ``.to_json()``, a text table as its repr)."""
        from ..review.check import check_scenario
        return check_scenario(self, **options)

    # -- building and changing ---------------------------------------------------------------------------------
    def _revalidate(self, document: Mapping[str, Any]) -> "Scenario":
        # Messages then point into the generated YAML (to_yaml()), not into the original file.
        name = self._name if self._name.endswith(" (edited)") else f"{self._name} (edited)"
        return scenario_from_dict(document, name=name, base_dir=self._base_dir, library=self._library,
                                  allow_outside=self._allow_outside, confined=getattr(self, "_confined", False))

    def to_yaml(self, path: Optional[PathLike] = None) -> str:
        """The scenario as YAML text (a complete scenario file); written to ``path`` when given."""
        text = dump_yaml(self._document)
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
            if item_id(section, item) == id:
                return item
        known = ", ".join(item_id(section, i) for i in doc.get(section) or []) or "none"
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
            doc["scenario"]["funded"] = [f for f in doc["scenario"]["funded"] if funded_id(f) != id]
        return self._revalidate(doc)

    def fund(self, option: str, scale: float = 1.0, start: int = 0) -> "Scenario":
        """A copy where ``option`` is funded at ``scale`` from appraisal year ``start`` (replacing any earlier
        funding of it)."""
        doc = self.document
        self._item(doc, "options", option)
        scen = doc.setdefault("scenario", {}) or {}
        doc["scenario"] = scen
        funded = [f for f in scen.get("funded") or [] if funded_id(f) != option]
        funded.append({"option": option, "scale": scale, "start": start})
        scen["funded"] = funded
        return self._revalidate(doc)

    def unfund(self, option: str) -> "Scenario":
        """A copy where ``option`` is not funded (it stays in the pool)."""
        doc = self.document
        funded = (doc.get("scenario") or {}).get("funded") or []
        if not any(funded_id(f) == option for f in funded):
            raise _core.ScenarioError(f"{self._name}: scenario.funded: expected a funded option, found '{option}' "
                                      f"(funded: {', '.join(funded_id(f) for f in funded) or 'none'})")
        doc["scenario"]["funded"] = [f for f in funded if funded_id(f) != option]
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
        set_path(doc, path, copy.deepcopy(value), self._name)
        if not is_distribution(value):
            drop_from_correlations(doc, path)
        return self._revalidate(doc)
