"""SMAA across scenarios: which scenario wins under which weights on the pillars (or priorities).

``scenario_smaa(scenarios)`` simulates each scenario with the same seed (common random numbers) and runs SMAA-2
(:func:`socval.decision.smaa`) on the per-draw value by pillar (or by priority); method: docs/model/portfolio.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from .._core import DecisionError
from ..engine.comparison import Comparison
from ..engine.results import Results
from ..engine.simulation import core_scenario, simulate
from ..model.words import PILLARS
from . import methods

__all__ = ["ScenarioSmaa", "scenario_smaa"]


@dataclass
class ScenarioSmaa:
    """SMAA-2 across scenarios.

    Attributes
    ----------
    rank_acceptability:
        DataFrame scenarios x ranks ("rank 1" best).
    central_weights:
        DataFrame scenarios x criteria (NaN for a scenario never ranked first).
    confidence:
        Series: one confidence factor per scenario.
    result:
        The underlying :class:`socval.decision.SmaaResult`.
    performance:
        (draws, scenarios, criteria) array the analysis ran on.
    """

    rank_acceptability: pd.DataFrame
    central_weights: pd.DataFrame
    confidence: pd.Series
    result: Any
    performance: np.ndarray
    criteria: list
    names: list


def scenario_smaa(scenarios: Any, criteria: str = "pillars", draws: int = 2000, seed: int = 0,
         n_weights: int = 10000, weight_constraints: Any = None, sampler: str = "lhs",
         threads: Optional[int] = None, names: Optional[Sequence[str]] = None) -> ScenarioSmaa:
    """SMAA-2 across scenarios: which scenario wins under which weights on the pillars (or priorities).

    Every scenario is simulated with the same seed, sampler and draws (common random numbers); the performance
    of scenario s on criterion j in draw d is its PV value for pillar j (social, economic, environmental) or
    priority j (the union of the scenarios' priority ids; zero where a scenario lacks one).

    Parameters
    ----------
    scenarios:
        Scenarios (``socval.Scenario``, file paths, core scenarios), or already simulated runs on common random
        numbers: a :class:`socval.Comparison` or a sequence of :class:`socval.Results` (not re-simulated;
        ``draws``, ``sampler`` are then ignored).
    criteria:
        ``"pillars"`` (social, economic, environmental) or ``"priorities"``.
    n_weights, seed, weight_constraints:
        As :func:`socval.decision.smaa`.

    Raises
    ------
    socval.DecisionError
        Fewer than two scenarios or an unknown ``criteria``.
    """
    if criteria not in ("pillars", "priorities"):
        raise DecisionError(f"criteria: expected 'pillars' or 'priorities', found {criteria!r}")
    given_names = names
    if isinstance(scenarios, Comparison):
        given_names = list(scenarios.names) if names is None else names
        scenarios = [scenarios.results[n] for n in scenarios.names]
    scenarios = list(scenarios)
    if len(scenarios) < 2:
        raise DecisionError(f"scenarios: expected at least two scenarios, found {len(scenarios)}")
    if all(isinstance(s, Results) for s in scenarios):
        runs = scenarios
        n_draws = {r.n_draws for r in runs}
        if len(n_draws) != 1:
            raise DecisionError(f"scenarios: expected runs with the same number of draws (common random numbers), "
                                f"found {sorted(n_draws)}")
        draws = n_draws.pop()
        prio_ids = [[p for p in r.priorities if p != "unallocated"] for r in runs]
    else:
        runs = [simulate(s, draws=draws, seed=seed, sampler=sampler, threads=threads, progress=False,
                         keep_outcomes=False, track_levers=False) for s in scenarios]
        prio_ids = [[p.id for p in core_scenario(s).priorities] for s in scenarios]
    labels = list(given_names) if given_names is not None else [r.attrs.get("scenario_name") or f"scenario {i}"
                                                                 for i, r in enumerate(runs)]
    if len(set(labels)) != len(labels):
        labels = [f"{i}: {n}" for i, n in enumerate(labels)]
    if criteria == "pillars":
        crit = list(PILLARS[:3])
        perf = np.stack([np.stack([r.draws(f"pillar.{c}") for c in crit], axis=-1) for r in runs], axis=1)
    else:
        crit = []
        for ids_s in prio_ids:
            crit += [c for c in ids_s if c not in crit]
        ids = [set(i) for i in prio_ids]
        perf = np.stack([np.stack([r.draws(f"priority.{c}") if c in ids[i] else np.zeros(draws) for c in crit],
                                  axis=-1) for i, r in enumerate(runs)], axis=1)
    res = methods.smaa(perf, n_weights=n_weights, seed=seed, weight_constraints=weight_constraints,
                        threads=threads)
    ra = pd.DataFrame(res.rank_acceptability, index=pd.Index(labels, name="scenario"),
                      columns=[f"rank {r + 1}" for r in range(len(labels))])
    cw = pd.DataFrame(res.central_weights, index=pd.Index(labels, name="scenario"),
                      columns=pd.Index(crit, name="criterion"))
    conf = pd.Series(res.confidence, index=pd.Index(labels, name="scenario"), name="confidence")
    return ScenarioSmaa(ra, cw, conf, res, perf, crit, labels)
