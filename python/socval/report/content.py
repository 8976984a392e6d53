"""What every section of a report is computed from, once: the results by scenario, their scenarios, headline
indicators and NPSV draws, the best scenario, the sensitivity analyses, the title and the creation time."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .. import _core
from ..indicators import headline
from ..engine.results import Results
from .text import _SAMPLER_NAMES, _now, _sampler


class _Content:
    """Everything a report shows is computed from this, once; the sections (summary, tables, methodology,
    assumptions, reproducibility, charts) are functions of it."""

    def __init__(self, obj: Any, title: Optional[str], sensitivity: Any, command: Optional[str]):
        self.obj = obj
        self.results: Dict[str, Results] = headline.results_of(obj)
        self.names = list(self.results)
        self.short = dict(zip(self.names, headline.short_names(self.names)))
        self.is_comparison = len(self.names) > 1
        self.scenarios = {n: headline.scenario_of(r) for n, r in self.results.items()}
        self.indicators = {n: headline.indicators(r, self.scenarios[n]) for n, r in self.results.items()}
        self.table = headline.headline_table(obj, indicators_of=self.indicators)
        self.first = self.results[self.names[0]]
        self.npsv = {n: np.asarray(r.draws("npsv"), dtype=float) for n, r in self.results.items()}
        self.best = max(self.names, key=lambda n: float(np.nanmean(self.npsv[n])))
        self.sensitivity = _sensitivity_items(sensitivity)
        self.command = command
        self.created = _now()
        self.title = title or self._default_title()

    def _prefix(self) -> str:
        n0, s0 = self.names[0], self.short[self.names[0]]
        return n0[: len(n0) - len(s0)].rstrip(" -:") if self.is_comparison and s0 != n0 else ""

    def _default_title(self) -> str:
        if not self.is_comparison:
            return f"Social value appraisal: {self.names[0]}"
        prefix = self._prefix()
        return f"Social value appraisal: {prefix + ', ' if prefix else ''}{len(self.names)} scenarios compared"

    def attr(self, key: str) -> Any:
        """An attribute of the first scenario's results."""
        return self.first.attrs.get(key)

    def subtitle(self) -> str:
        """Scenarios, draws, sampler, seed, price base and date, under the title."""
        a = self.first.attrs
        who = (f"{len(self.names)} scenarios on common random numbers" if self.is_comparison
               else f"scenario {self.names[0]}")
        return (f"{who}; {int(a['draws']):,} Monte Carlo draws ({_SAMPLER_NAMES.get(_sampler(a), _sampler(a))}, "
                f"seed {a['seed']}); GBP, {a.get('price_base_year', '?')} prices, present values; "
                f"report of {self.created[:10]}")

    def priority_names(self, n: str) -> Dict[str, str]:
        """Priority id -> name in scenario ``n``, with the value not allocated to a priority in words."""
        pri = self.scenarios[n].priorities
        out = {str(i): str(pri.at[i, "name"]) for i in pri.index}
        out["unallocated"] = "value not allocated to a priority"
        return out

    def used_by(self, scenarios: Sequence[str]) -> str:
        """The scenarios that share a table row: "all", or their short names."""
        if len(scenarios) == len(self.names):
            return "all"
        return "; ".join(self.short[s] for s in scenarios)


def _sensitivity_items(sensitivity: Any) -> List[Tuple[str, Any]]:
    """[(label, result)] from None, one result, a list of results or a mapping label -> result. A result is a
    tornado table (socval.sensitivity.tornado), a SobolResult or a MorrisResult."""
    if sensitivity is None:
        return []
    if isinstance(sensitivity, Mapping):
        items = [(str(k), v) for k, v in sensitivity.items()]
    elif isinstance(sensitivity, (list, tuple)):
        items = [(f"analysis {i}", v) for i, v in enumerate(sensitivity, start=1)]
    else:
        items = [("NPSV", sensitivity)]
    for label, v in items:
        ok = (isinstance(v, pd.DataFrame) and {"input", "low", "high", "output_low", "output_high", "swing"}
              <= set(v.columns)) or (hasattr(v, "ST") and hasattr(v, "names")) or (
            hasattr(v, "mu_star") and hasattr(v, "names"))
        if not ok:
            raise _core.SensitivityError(
                f"report: sensitivity {label!r}: expected a tornado table (socval.sensitivity.tornado or "
                f"Scenario.sensitivity('tornado')), a SobolResult or a MorrisResult, found {type(v).__name__}")
    return items

