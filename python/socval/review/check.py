"""``Scenario.check()`` and ``Comparison.check()``: run the checklist's rules (``rules/``) on scenarios."""
from __future__ import annotations

import os
from typing import Any, Dict, Sequence

from .context import Context
from .findings import Findings
from .rules import run_rules

__all__ = ["check_scenario", "check_scenarios", "check_comparison", "review_scenarios", "ComparisonFindings"]


def _load(scenario: Any):
    if isinstance(scenario, (str, os.PathLike)):
        from ..model.scenario import load_scenario
        return load_scenario(scenario)
    return scenario


def check_scenario(scenario: Any, draws: int = 200, seed: int = 0, share: bool = True) -> Findings:
    """The checklist's findings on one scenario (a ``socval.Scenario`` or a scenario file path).

    ``draws`` and ``seed``: the keyed draws of the illustrative-share estimate (EV004; ``share=False`` skips
    it). Raises socval.ScenarioError for a file that does not read.
    """
    s = _load(scenario)
    return Findings(run_rules(Context(s), draws=draws, seed=seed, share=share), subject=s.source)


def check_scenarios(scenarios: Sequence[Any], **options: Any) -> Findings:
    """Findings of several scenarios (Scenario objects or file paths), merged: a finding in a file they share
    (e.g. an included outcomes file) is given once. ``options`` as :func:`check_scenario`."""
    loaded = [_load(s) for s in scenarios]
    found: list = []
    for s in loaded:
        found.extend(check_scenario(s, **options))
    return Findings(found, subject=", ".join(s.source for s in loaded))


class ComparisonFindings(Findings):
    """Findings of a comparison's scenarios plus how far its conclusion can be trusted (``.trust``, a
    :class:`socval.review.Trust`; ``.verdict``, its one line)."""

    def __init__(self, findings, subject: str = "", trust=None) -> None:
        super().__init__(findings, subject)
        self.trust = trust

    @property
    def verdict(self) -> str:
        return self.trust.verdict if self.trust is not None else ""

    def to_json(self, **kwargs: Any) -> str:
        import json
        kwargs.setdefault("indent", 2)
        data = {"subject": self.subject, "counts": self.counts(), "findings": self.to_list(),
                "trust": self.trust.to_dict() if self.trust is not None else None}
        return json.dumps(data, default=float, **kwargs)

    def table(self, width: int = 0) -> str:
        head = f"How far to trust these results: {self.verdict}\n" if self.trust is not None else ""
        return head + super().table(width)


def review_scenarios(scenarios: Dict[str, Any], draws: int = 100, seed: int = 0, top: int = 8,
                     share_draws: int = 200) -> ComparisonFindings:
    """The checklist on every scenario (findings in shared files given once) and the trust analysis of their
    comparison (``scenarios``: name -> socval.Scenario or file path)."""
    from .trust import trust
    loaded = {n: _load(s) for n, s in scenarios.items()}
    found = check_scenarios(list(loaded.values()), draws=share_draws, seed=seed)
    t = trust(loaded, draws=draws, seed=seed, top=top)
    return ComparisonFindings(list(found), subject=", ".join(loaded), trust=t)


def check_comparison(comparison: Any, **options: Any) -> ComparisonFindings:
    """:meth:`socval.Comparison.check`: each run's scenario read again from its file when the file is still there
    (for the evidence comments and positions), else rebuilt from the merged text the run keeps."""
    scenarios = {}
    for name in comparison.names:
        res = comparison.results[name]
        path = str(res.attrs.get("scenario_file") or "")
        scenarios[name] = path if path and os.path.isfile(path) else res.scenario()
    return review_scenarios(scenarios, **options)
