"""The tender file (docs/formats/tender.md): reading and checking it, with file:line:column in every error.

The YAML is composed into nodes (``yaml.compose``) so that every value keeps its mark; each key is checked against
the keys the format allows, each number for its type and range (no thousands separators), and each id for
uniqueness. The result is a :class:`Tender` of plain frozen dataclasses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import yaml

from .._core import ScenarioError, ValueLibraryError
from ..values import default_library

__all__ = ["TenderError", "Tender", "Contract", "Criterion", "Subcriterion", "Measure", "MeasureValue",
           "Deliverability", "Commitment", "Bid", "ClaimedValue", "load_tender", "tender_from_yaml",
           "ADDITIONALITY_KEYS", "PRICE_FORMULAS", "CRITERIA"]

#: The three award criteria, in the order they are reported.
CRITERIA = ("price", "quality", "social_value")
#: How price is scored (docs/model/procurement.md).
PRICE_FORMULAS = ("relative_to_lowest", "relative_to_budget")
#: Additionality adjustments a measure or commitment may declare (shares in [0, 1]).
ADDITIONALITY_KEYS = ("deadweight", "displacement", "leakage", "substitution")


class TenderError(ScenarioError):
    """A tender file that cannot be read: ``file:line:column: key.path: expected ..., found ...``."""


# --------------------------------------------------------------------------------------------------------------
# The tender
# --------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Contract:
    value: float                 # GBP, whole contract, price_base_year prices
    duration_years: int
    start_year: int
    price_base_year: int
    place: str
    description: str = ""


@dataclass(frozen=True)
class Subcriterion:
    id: str
    weight: float                # share of its criterion, the subcriteria of a criterion sum to 1
    description: str = ""
    theme: Optional[str] = None  # social value subcriteria: the theme they score


@dataclass(frozen=True)
class Criterion:
    id: str                      # price, quality or social_value
    weight: float                # share of the total score
    lower: float                 # the weight range the tender permits (for SMAA and switching weights)
    upper: float
    formula: Optional[str] = None          # price only
    budget: Optional[float] = None         # price, relative_to_budget
    subcriteria: Tuple[Subcriterion, ...] = ()
    themes: Tuple[str, ...] = ()           # social value only
    commitments_share: float = 0.0         # social value only: share of its score from valued commitments


@dataclass(frozen=True)
class MeasureValue:
    kind: str                    # "unit_value", "carbon" or "gbp"
    unit_value: Optional[str] = None
    carbon: Optional[str] = None # low / central / high
    gbp: Optional[float] = None
    price_base_year: Optional[int] = None
    source: Optional[str] = None
    illustrative: bool = False
    reasoning: str = ""


@dataclass(frozen=True)
class Measure:
    id: str
    description: str
    unit: str
    theme: str
    value: MeasureValue
    additionality: Dict[str, float] = field(default_factory=dict)
    schedule: str = "standard"   # Green Book discount schedule: standard (3.5 %) or health (1.5 %, wellbeing values)
    where: str = ""              # file:line:column of its entry


@dataclass(frozen=True)
class Deliverability:
    kind: str                    # "probability" (all or nothing) or "beta" (share delivered)
    p: float = 1.0
    a: float = 0.0
    b: float = 0.0
    source: str = ""

    @property
    def mean(self) -> float:
        """Expected share of the commitment delivered."""
        return self.p if self.kind == "probability" else self.a / (self.a + self.b)


@dataclass(frozen=True)
class Commitment:
    id: str
    measure: str
    quantity: float              # units of the measure per year
    years: int
    start: int                   # first year, counted from the contract's start (0 = the start year)
    deliverability: Deliverability
    additionality: Dict[str, float] = field(default_factory=dict)
    where: str = ""


@dataclass(frozen=True)
class ClaimedValue:
    gbp: float
    source: Optional[str]
    where: str = ""


@dataclass(frozen=True)
class Bid:
    id: str
    supplier: str
    price: float
    quality: Dict[str, Tuple[float, ...]]        # subcriterion -> evaluators' scores
    social_value: Dict[str, Tuple[float, ...]]
    commitments: Tuple[Commitment, ...] = ()
    claimed_value: Optional[ClaimedValue] = None
    where: str = ""


@dataclass(frozen=True)
class Tender:
    id: str
    title: str
    authority: str
    contract: Contract
    criteria: Dict[str, Criterion]
    scale_levels: Optional[Tuple[float, ...]]
    measures: Dict[str, Measure]
    bids: Tuple[Bid, ...]
    path: str = "<text>"

    def weights(self) -> Tuple[float, float, float]:
        return tuple(self.criteria[c].weight for c in CRITERIA)

    def bid(self, bid_id: str) -> Bid:
        for b in self.bids:
            if b.id == bid_id:
                return b
        raise KeyError(f"no bid {bid_id!r} in tender {self.id!r}; bids: {[b.id for b in self.bids]}")


# --------------------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------------------

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


class _Reader:
    """Checks nodes against the format; every error names the file, line, column and key path."""

    def __init__(self, filename: str):
        self.filename = filename

    def where(self, node) -> str:
        m = node.start_mark
        return f"{self.filename}:{m.line + 1}:{m.column + 1}"

    def fail(self, node, path: str, message: str):
        raise TenderError(f"{self.where(node)}: {path}: {message}")

    @staticmethod
    def found(node) -> str:
        if isinstance(node, yaml.MappingNode):
            return "a map"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        kind = {_INT: "a number", _FLOAT: "a number", _BOOL: "a boolean", _NULL: "nothing (null)"}.get(
            node.tag, "text")
        return f"{kind} {node.value!r}" if node.tag != _NULL else kind

    def mapping(self, node, path: str, required: Tuple[str, ...], optional: Tuple[str, ...] = ()) -> Dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, path, f"expected a map with keys {list(required + optional)}, found {self.found(node)}")
        out: Dict[str, Any] = {}
        allowed = required + optional
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else None
            if key is None:
                self.fail(k, path, f"expected a text key, found {self.found(k)}")
            sub = f"{path}.{key}" if path else key
            if key in out:
                self.fail(k, sub, "duplicate key (each key may appear once)")
            if key not in allowed:
                self.fail(k, sub, f"unknown key {key!r}; expected one of {list(allowed)}")
            out[key] = v
        missing = [k for k in required if k not in out]
        if missing:
            self.fail(node, path or "(top)", f"missing required key {missing[0]!r} (expected keys {list(required)}), "
                                             f"found only {sorted(out)}")
        return out

    def id_map(self, node, path: str) -> List[Tuple[str, Any, Any]]:
        """A map from free ids to entries: [(id, key node, value node)]."""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, path, f"expected a map from ids to entries, found {self.found(node)}")
        seen = set()
        out = []
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode) or k.tag != _STR or not k.value:
                self.fail(k, path, f"expected an id (text), found {self.found(k)}")
            if k.value in seen:
                self.fail(k, f"{path}.{k.value}", "duplicate id")
            seen.add(k.value)
            out.append((k.value, k, v))
        return out

    def seq(self, node, path: str, nonempty: bool = True) -> list:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, path, f"expected a list, found {self.found(node)}")
        if nonempty and not node.value:
            self.fail(node, path, "expected a non-empty list, found an empty one")
        return node.value

    def text(self, node, path: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
            self.fail(node, path, f"expected text, found {self.found(node)}")
        return node.value

    def boolean(self, node, path: str) -> bool:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL:
            self.fail(node, path, f"expected true or false, found {self.found(node)}")
        return node.value.lower() in ("true", "yes", "on")

    def number(self, node, path: str, lo: Optional[float] = None, hi: Optional[float] = None,
               integer: bool = False, lo_open: bool = False) -> Union[int, float]:
        what = "a whole number" if integer else "a number"
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, path, f"expected {what}, found {self.found(node)}")
        raw = node.value
        if node.tag in (_STR, _INT, _FLOAT) and ("," in raw or "_" in raw) and \
                raw.replace(",", "").replace("_", "").replace(".", "", 1).lstrip("+-").isdigit():
            self.fail(node, path, f"expected {what} without thousands separators, found {raw!r} "
                                  f"(write {raw.replace(',', '').replace('_', '')})")
        if node.tag == _INT:
            x: Union[int, float] = int(raw) if raw.lstrip("+-").isdigit() else None
            if x is None:
                self.fail(node, path, f"expected {what} in decimal, found {raw!r}")
        elif node.tag == _FLOAT and not integer:
            x = float(raw)
            if x != x or x in (float("inf"), float("-inf")):
                self.fail(node, path, f"expected a finite number, found {raw!r}")
        else:
            self.fail(node, path, f"expected {what}, found {self.found(node)}")
        if lo is not None and (x < lo or (lo_open and x == lo)):
            self.fail(node, path, f"expected {what} {'>' if lo_open else '>='} {lo:g}, found {raw}")
        if hi is not None and x > hi:
            self.fail(node, path, f"expected {what} <= {hi:g}, found {raw}")
        return x

    def choice(self, node, path: str, choices: Tuple[str, ...]) -> str:
        s = self.text(node, path)
        if s not in choices:
            self.fail(node, path, f"expected one of {list(choices)}, found {s!r}")
        return s

    def additionality(self, node, path: str) -> Dict[str, float]:
        m = self.mapping(node, path, (), ADDITIONALITY_KEYS)
        return {k: float(self.number(v, f"{path}.{k}", 0.0, 1.0)) for k, v in m.items()}


def _weights_sum(r: _Reader, node, path: str, weights: List[float], what: str) -> None:
    if abs(sum(weights) - 1.0) > 1e-9:
        r.fail(node, path, f"expected {what} that sum to 1, found a sum of {sum(weights):.6g}")


def _criterion(r: _Reader, cid: str, node, path: str) -> Criterion:
    common = ("weight",)
    opt = {"price": ("range", "formula", "budget"),
           "quality": ("range", "subcriteria"),
           "social_value": ("range", "subcriteria", "themes", "commitments_share")}[cid]
    req = common + (("formula",) if cid == "price" else ("subcriteria",))
    m = r.mapping(node, path, req, tuple(k for k in opt if k not in req))
    weight = float(r.number(m["weight"], f"{path}.weight", 0.0, 1.0))
    lower = upper = weight
    if "range" in m:
        items = r.seq(m["range"], f"{path}.range")
        if len(items) != 2:
            r.fail(m["range"], f"{path}.range", f"expected [lower, upper], found a list of {len(items)}")
        lower = float(r.number(items[0], f"{path}.range[0]", 0.0, 1.0))
        upper = float(r.number(items[1], f"{path}.range[1]", 0.0, 1.0))
        if not lower <= weight <= upper:
            r.fail(m["range"], f"{path}.range", f"expected a range that holds the weight {weight:g}, "
                                                f"found [{lower:g}, {upper:g}]")
    if cid == "price":
        formula = r.choice(m["formula"], f"{path}.formula", PRICE_FORMULAS)
        budget = None
        if formula == "relative_to_budget":
            if "budget" not in m:
                r.fail(node, path, "missing required key 'budget' (formula relative_to_budget scores each price "
                                   "against it)")
        if "budget" in m:
            budget = float(r.number(m["budget"], f"{path}.budget", 0.0, lo_open=True))
        return Criterion(cid, weight, lower, upper, formula=formula, budget=budget)
    themes: Tuple[str, ...] = ()
    if "themes" in m:
        themes = tuple(r.text(t, f"{path}.themes[{i}]") for i, t in enumerate(r.seq(m["themes"], f"{path}.themes")))
    subs = []
    sub_keys = ("weight",), ("description", "theme") if cid == "social_value" else ("description",)
    for sid, _k, v in r.id_map(m["subcriteria"], f"{path}.subcriteria"):
        sp = f"{path}.subcriteria.{sid}"
        sm = r.mapping(v, sp, *sub_keys)
        theme = None
        if "theme" in sm:
            theme = r.text(sm["theme"], f"{sp}.theme")
            if themes and theme not in themes:
                r.fail(sm["theme"], f"{sp}.theme", f"expected one of the criterion's themes {list(themes)}, "
                                                   f"found {theme!r}")
        subs.append(Subcriterion(sid, float(r.number(sm["weight"], f"{sp}.weight", 0.0, 1.0)),
                                 r.text(sm["description"], f"{sp}.description") if "description" in sm else "",
                                 theme))
    if not subs:
        r.fail(m["subcriteria"], f"{path}.subcriteria", "expected at least one subcriterion, found none")
    _weights_sum(r, m["subcriteria"], f"{path}.subcriteria", [s.weight for s in subs], "subcriterion weights")
    share = float(r.number(m["commitments_share"], f"{path}.commitments_share", 0.0, 1.0)) \
        if "commitments_share" in m else 0.0
    return Criterion(cid, weight, lower, upper, subcriteria=tuple(subs), themes=themes, commitments_share=share)


def _measure(r: _Reader, mid: str, node, path: str, themes: Tuple[str, ...]) -> Measure:
    m = r.mapping(node, path, ("description", "unit", "theme", "value"), ("additionality", "schedule"))
    vp = f"{path}.value"
    vm = r.mapping(m["value"], vp, (), ("unit_value", "carbon", "gbp", "price_base_year", "source", "illustrative",
                                        "reasoning"))
    kinds = [k for k in ("unit_value", "carbon", "gbp") if k in vm]
    if len(kinds) != 1:
        r.fail(m["value"], vp, f"expected exactly one of 'unit_value' (a value library id), 'carbon' (low, central "
                               f"or high) or 'gbp' (a declared value), found {kinds or 'none'}")
    kind = kinds[0]
    if kind != "gbp":
        for k in ("price_base_year", "source", "illustrative", "reasoning"):
            if k in vm:
                r.fail(vm[k], f"{vp}.{k}", f"unknown key {k!r} for a {kind} value (the value library records its "
                                           f"own source and price base); expected only {kind!r}")
    value = MeasureValue(
        kind=kind,
        unit_value=r.text(vm["unit_value"], f"{vp}.unit_value") if kind == "unit_value" else None,
        carbon=r.choice(vm["carbon"], f"{vp}.carbon", ("low", "central", "high")) if kind == "carbon" else None,
        gbp=float(r.number(vm["gbp"], f"{vp}.gbp", 0.0)) if kind == "gbp" else None,
        price_base_year=int(r.number(vm["price_base_year"], f"{vp}.price_base_year", 1900, 2100, integer=True))
        if "price_base_year" in vm else None,
        source=r.text(vm["source"], f"{vp}.source") if "source" in vm else None,
        illustrative=r.boolean(vm["illustrative"], f"{vp}.illustrative") if "illustrative" in vm else False,
        reasoning=r.text(vm["reasoning"], f"{vp}.reasoning") if "reasoning" in vm else "")
    if kind == "gbp" and value.price_base_year is None:
        r.fail(m["value"], vp, "missing required key 'price_base_year' (the year of the prices of 'gbp')")
    if kind == "gbp":
        try:
            default_library().rebase(1.0, value.price_base_year, 2024)
        except ValueLibraryError as e:
            r.fail(vm["price_base_year"], f"{vp}.price_base_year", f"expected a year of the value library's GDP "
                                                                   f"deflator, found {value.price_base_year} ({e})")
    if kind == "unit_value":
        ids = list(default_library().unit_value_ids())
        if value.unit_value not in ids:
            r.fail(vm["unit_value"], f"{vp}.unit_value", f"expected a unit value id of the value library "
                                                         f"({', '.join(ids)}), found {value.unit_value!r}")
    theme = r.text(m["theme"], f"{path}.theme")
    return Measure(mid, r.text(m["description"], f"{path}.description"), r.text(m["unit"], f"{path}.unit"), theme,
                   value, r.additionality(m["additionality"], f"{path}.additionality") if "additionality" in m
                   else {}, r.choice(m["schedule"], f"{path}.schedule", ("standard", "health")) if "schedule" in m
                   else "standard", r.where(node))


def _scores(r: _Reader, node, path: str, crit: Criterion, levels: Optional[Tuple[float, ...]]):
    m = r.mapping(node, path, tuple(s.id for s in crit.subcriteria))
    out = {}
    for s in crit.subcriteria:
        sp = f"{path}.{s.id}"
        items = r.seq(m[s.id], sp)
        vals = []
        for i, it in enumerate(items):
            x = float(r.number(it, f"{sp}[{i}]", 0.0, 100.0))
            if levels is not None and x not in levels:
                r.fail(it, f"{sp}[{i}]", f"expected a score on the tender's scale {list(levels)}, found {x:g}")
            vals.append(x)
        out[s.id] = tuple(vals)
    return out


def _commitment(r: _Reader, node, path: str, measures: Dict[str, Measure], contract: Contract) -> Commitment:
    m = r.mapping(node, path, ("id", "measure", "quantity", "deliverability"), ("years", "start", "additionality"))
    cid = r.text(m["id"], f"{path}.id")
    measure = r.text(m["measure"], f"{path}.measure")
    if measure not in measures:
        r.fail(m["measure"], f"{path}.measure", f"expected a measure of the tender ({', '.join(measures)}), "
                                                f"found {measure!r}")
    start = int(r.number(m["start"], f"{path}.start", 0, contract.duration_years - 1, integer=True)) \
        if "start" in m else 0
    years = int(r.number(m["years"], f"{path}.years", 1, contract.duration_years - start, integer=True)) \
        if "years" in m else contract.duration_years - start
    dp = f"{path}.deliverability"
    dm = r.mapping(m["deliverability"], dp, (), ("probability", "beta", "source"))
    kinds = [k for k in ("probability", "beta") if k in dm]
    if len(kinds) != 1:
        r.fail(m["deliverability"], dp, f"expected exactly one of 'probability' (all or nothing) or 'beta' "
                                        f"([a, b], the share delivered), found {kinds or 'none'}")
    src = r.text(dm["source"], f"{dp}.source") if "source" in dm else ""
    if kinds[0] == "probability":
        d = Deliverability("probability", p=float(r.number(dm["probability"], f"{dp}.probability", 0.0, 1.0)),
                           source=src)
    else:
        ab = r.seq(dm["beta"], f"{dp}.beta")
        if len(ab) != 2:
            r.fail(dm["beta"], f"{dp}.beta", f"expected [a, b], found a list of {len(ab)}")
        d = Deliverability("beta", a=float(r.number(ab[0], f"{dp}.beta[0]", 0.0, lo_open=True)),
                           b=float(r.number(ab[1], f"{dp}.beta[1]", 0.0, lo_open=True)), source=src)
    return Commitment(cid, measure, float(r.number(m["quantity"], f"{path}.quantity", 0.0)), years, start, d,
                      r.additionality(m["additionality"], f"{path}.additionality") if "additionality" in m else {},
                      r.where(node))


def _bid(r: _Reader, node, path: str, criteria: Dict[str, Criterion], levels, measures, contract) -> Bid:
    m = r.mapping(node, path, ("id", "supplier", "price", "quality", "social_value"),
                  ("commitments", "claimed_value"))
    bid_id = r.text(m["id"], f"{path}.id")
    commitments = []
    if "commitments" in m:
        seen = set()
        for i, c in enumerate(r.seq(m["commitments"], f"{path}.commitments", nonempty=False)):
            com = _commitment(r, c, f"{path}.commitments[{i}]", measures, contract)
            if com.id in seen:
                r.fail(c, f"{path}.commitments[{i}].id", f"duplicate commitment id {com.id!r} in bid {bid_id!r}")
            seen.add(com.id)
            commitments.append(com)
    claimed = None
    if "claimed_value" in m:
        cp = f"{path}.claimed_value"
        cm = r.mapping(m["claimed_value"], cp, ("gbp",), ("source",))
        claimed = ClaimedValue(float(r.number(cm["gbp"], f"{cp}.gbp", 0.0)),
                               r.text(cm["source"], f"{cp}.source") if "source" in cm else None,
                               r.where(m["claimed_value"]))
    return Bid(bid_id, r.text(m["supplier"], f"{path}.supplier"),
               float(r.number(m["price"], f"{path}.price", 0.0, lo_open=True)),
               _scores(r, m["quality"], f"{path}.quality", criteria["quality"], levels),
               _scores(r, m["social_value"], f"{path}.social_value", criteria["social_value"], levels),
               tuple(commitments), claimed, r.where(node))


def _tender(root, filename: str) -> Tender:
    r = _Reader(filename)
    if root is None:
        raise TenderError(f"{filename}:1:1: (top): expected a map with key 'tender', found an empty file")
    top = r.mapping(root, "", ("tender",))
    t = r.mapping(top["tender"], "tender", ("id", "title", "contract", "criteria", "measures", "bids"),
                  ("authority", "scale"))
    cp = "tender.contract"
    c = r.mapping(t["contract"], cp, ("value", "duration_years", "start_year", "place"),
                  ("price_base_year", "description"))
    contract = Contract(float(r.number(c["value"], f"{cp}.value", 0.0, lo_open=True)),
                        int(r.number(c["duration_years"], f"{cp}.duration_years", 1, 50, integer=True)),
                        int(r.number(c["start_year"], f"{cp}.start_year", 1900, 2100, integer=True)),
                        int(r.number(c["price_base_year"], f"{cp}.price_base_year", 1900, 2100, integer=True))
                        if "price_base_year" in c else 2024,
                        r.text(c["place"], f"{cp}.place"),
                        r.text(c["description"], f"{cp}.description") if "description" in c else "")
    try:
        default_library().rebase(1.0, contract.price_base_year, 2024)
    except ValueLibraryError as e:
        r.fail(c["price_base_year"], f"{cp}.price_base_year", f"expected a year of the value library's GDP "
                                                              f"deflator, found {contract.price_base_year} ({e})")
    levels = None
    if "scale" in t:
        sm = r.mapping(t["scale"], "tender.scale", ("levels",))
        levels = tuple(float(r.number(x, f"tender.scale.levels[{i}]", 0.0, 100.0))
                       for i, x in enumerate(r.seq(sm["levels"], "tender.scale.levels")))
        if 0.0 not in levels or 100.0 not in levels:
            r.fail(sm["levels"], "tender.scale.levels", f"expected levels from 0 to 100 (PPN 06/20's 0-100 scale), "
                                                        f"found {list(levels)}")
    crit_nodes = r.mapping(t["criteria"], "tender.criteria", CRITERIA)
    criteria = {cid: _criterion(r, cid, crit_nodes[cid], f"tender.criteria.{cid}") for cid in CRITERIA}
    _weights_sum(r, t["criteria"], "tender.criteria", [criteria[k].weight for k in CRITERIA], "criterion weights")
    themes = criteria["social_value"].themes
    measures = {mid: _measure(r, mid, v, f"tender.measures.{mid}", themes)
                for mid, _k, v in r.id_map(t["measures"], "tender.measures")}
    bids = []
    seen = set()
    for i, b in enumerate(r.seq(t["bids"], "tender.bids")):
        bid = _bid(r, b, f"tender.bids[{i}]", criteria, levels, measures, contract)
        if bid.id in seen:
            r.fail(b, f"tender.bids[{i}].id", f"duplicate bid id {bid.id!r}")
        seen.add(bid.id)
        bids.append(bid)
    return Tender(r.text(t["id"], "tender.id"), r.text(t["title"], "tender.title"),
                  r.text(t["authority"], "tender.authority") if "authority" in t else "", contract, criteria,
                  levels, measures, tuple(bids), filename)


def tender_from_yaml(text: str, filename: str = "<text>") -> Tender:
    """Read a tender from YAML text (errors name ``filename``)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        m = e.problem_mark or e.context_mark
        loc = f"{filename}:{m.line + 1}:{m.column + 1}" if m else filename
        raise TenderError(f"{loc}: (yaml): {e.problem or e.context}") from None
    except yaml.YAMLError as e:
        raise TenderError(f"{filename}: (yaml): {e}") from None
    return _tender(root, filename)


def load_tender(path: Union[str, Path]) -> Tender:
    """Read and check a tender file (docs/formats/tender.md); raises :class:`TenderError` with file:line:column."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise TenderError(f"{p}: cannot read the tender file ({e})") from None
    return tender_from_yaml(text, str(p))
