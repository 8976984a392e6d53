"""Names for a person: a scenario's parameter ids as its outcomes' and options' names (charts, tables, the CLI).

``links.households_supported->people_less_lonely.coefficient`` reads "Households supported -> People less lonely:
link coefficient"; ``outcomes.residents_warmer.value.per_unit`` reads "Residents warmer: value per unit";
``options.home_retrofit.costs[0].capital`` reads "Home retrofit: capital cost, year 0". Ids are shown only where
asked (``--ids``, ``labels=False``).
"""
from __future__ import annotations

import re
from typing import Any, Dict

__all__ = ["parameter_names", "parameter_name"]

_LINK = re.compile(r"^links\.(?P<a>[^.]+?)->(?P<b>[^.]+?)\.(?P<field>.+)$")
_NAMED_LINK = re.compile(r"^links\.(?P<id>[^.>-]+)\.(?P<field>.+)$")
_OUTCOME = re.compile(r"^outcomes\.(?P<o>[^.]+)\.(?P<field>.+)$")
_OPTION_OUTPUT = re.compile(r"^options\.(?P<o>[^.]+)\.outputs\.(?P<x>[^.]+)\.(?P<field>.+)$")
_OPTION_COST = re.compile(r"^options\.(?P<o>[^.]+)\.costs\[(?P<i>\d+)\]\.(?P<kind>capital|revenue)$")
_OPTION = re.compile(r"^options\.(?P<o>[^.]+)\.(?P<field>.+)$")
_VALUE = re.compile(r"^value:(?P<id>.+)$")
#: Names of the library's shared value parameters (``value:<table or unit value id>``).
_LIBRARY_VALUES = {"wellby": "Value of a WELLBY", "carbon": "Value of carbon per tCO2e", "qaly": "Value of a QALY"}


def _words(field: str) -> str:
    return field.replace(".", " ").replace("_", " ")


def parameter_name(pid: str, names: Dict[str, str], cost_years: Dict[str, list] = None,
                   links: Dict[str, tuple] = None, unit_values: Dict[str, str] = None) -> str:
    """The name of one parameter id, given ``names`` (id of an outcome or option -> its name), ``links`` (link
    id -> (source id, target id), for links that have an id) and ``unit_values`` (library unit value id -> its
    description, for ``value:<id>``)."""
    def n(i: str) -> str:
        return names.get(i) or i.replace("_", " ").capitalize()
    m = _LINK.match(pid)
    if m:
        return f"{n(m['a'])} -> {n(m['b'])}: link {_words(m['field'])}"
    m = _NAMED_LINK.match(pid)
    if m and m["id"] in (links or {}):
        a, b = links[m["id"]]
        return f"{n(a)} -> {n(b)}: link {_words(m['field'])}"
    m = _OPTION_OUTPUT.match(pid)
    if m:
        field = "" if m["field"] == "amount" else f" ({_words(m['field'])})"
        return f"{n(m['o'])}: output of {n(m['x']).lower() if m['x'] in names else n(m['x'])}{field}"
    m = _OPTION_COST.match(pid)
    if m:
        years = (cost_years or {}).get(m["o"])
        i = int(m["i"])
        year = f", year {years[i]}" if years and i < len(years) else f", cost line {i + 1}"
        return f"{n(m['o'])}: {m['kind']} cost{year}"
    m = _OUTCOME.match(pid) or _OPTION.match(pid)
    if m:
        return f"{n(m.group(1))}: {_words(m['field'])}"
    m = _VALUE.match(pid)
    if m:
        if m["id"] in _LIBRARY_VALUES:
            return f"{_LIBRARY_VALUES[m['id']]} (library)"
        described = (unit_values or {}).get(m["id"], "").split(" (")[0].strip()
        return f"{described or 'Unit value ' + _words(m['id'])} (library unit value)"
    return pid


def parameter_names(scenario: Any) -> Dict[str, str]:
    """parameter id -> name for every parameter of ``scenario`` (a ``socval.Scenario`` or its ``core``)."""
    core = getattr(scenario, "core", scenario)
    names = {o.id: o.name for o in core.outcomes if getattr(o, "name", "")}
    names.update({o.id: o.name for o in core.options if getattr(o, "name", "")})
    cost_years = {o.id: [c.year for c in o.costs] for o in core.options}
    links = {}  # the core numbers a link's ends in their kind's list: outcomes, or options for option sources
    for link in core.links:
        if link.id:
            source_list = core.options if str(link.source_kind).endswith("option") else core.outcomes
            links[link.id] = (source_list[link.source].id, core.outcomes[link.target].id)
    unit_values = {}
    wanted = [p.id[len("value:"):] for p in core.parameters if p.id.startswith("value:")]
    if wanted:
        from ..values import default_library

        lib = default_library()
        known = set(lib.unit_value_ids())
        unit_values = {i: lib.unit_value_entry(i).description for i in wanted if i in known}
    return {p.id: parameter_name(p.id, names, cost_years, links, unit_values) for p in core.parameters}
