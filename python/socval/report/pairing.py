"""Results simulated apart (e.g. loaded from results files) paired into one comparison, after checking that they
share their common random numbers and price base."""
from __future__ import annotations

import shlex
from typing import Any, Optional, Sequence

from .. import _core
from ..engine.results import Results
from .text import _display_path, _sampler
from ..engine.comparison import Comparison, unique_names


def check_common_random_numbers(results: Sequence[Results], files: Optional[Sequence[Any]] = None) -> None:
    """Check that results can be paired draw by draw: the same seed, number of draws and sampler (common random
    numbers), and money in the same price base.

    Raises
    ------
    socval.DecisionError
        Saying which results differ, how, and the command that re-runs them on the first one's settings.
    """
    labels = [str(f) for f in files] if files is not None else [
        f"results {i + 1} ({r.attrs.get('scenario_name', '')})" for i, r in enumerate(results)]
    ref = results[0].attrs
    want = {"seed": int(ref["seed"]), "draws": int(ref["draws"]), "sampler": _sampler(ref)}
    bad = []
    for label, r in zip(labels[1:], results[1:]):
        got = {"seed": int(r.attrs["seed"]), "draws": int(r.attrs["draws"]), "sampler": _sampler(r.attrs)}
        diff = [f"{k} {got[k]} (not {want[k]})" for k in want if got[k] != want[k]]
        if diff:
            scen = _display_path(r.attrs.get("scenario_file")) or "SCENARIO.yaml"
            bad.append(f"{label} has {', '.join(diff)}: re-run it with `socval run {shlex.quote(scen)} --draws "
                       f"{want['draws']} --seed {want['seed']} --sampler {want['sampler']} --out "
                       f"{shlex.quote(label)}`")
    if bad:
        raise _core.DecisionError(
            f"the results were not run on common random numbers, so their draws cannot be compared pair by "
            f"pair; {labels[0]} has seed {want['seed']}, {want['draws']} draws, sampler {want['sampler']}, but "
            + "; ".join(bad) + ". Or give `socval report` the scenario files: they are then simulated together on "
            "common random numbers")
    bases = {str(r.attrs.get("price_base_year")) for r in results}
    if len(bases) > 1:
        listed = ", ".join(f"{label}: {r.attrs.get('price_base_year')}" for label, r in zip(labels, results))
        raise _core.DecisionError(f"the results are in different price bases ({listed}); money can only be "
                                  f"compared in one price base year: set metadata.price_base_year the same in every "
                                  f"scenario and re-run")


def comparison_from_results(results: Sequence[Results], names: Optional[Sequence[str]] = None,
                            files: Optional[Sequence[Any]] = None,
                            metrics: Sequence[str] = ("npsv", "bcr", "pv_benefits", "pv_costs")):
    """A ``socval.Comparison`` of results already simulated (e.g. loaded from results files), after checking they
    share their common random numbers (:func:`check_common_random_numbers`).

    Parameters
    ----------
    results
        Two or more ``socval.Results``.
    names
        One name per scenario (default their scenario names, made unique).
    files
        Where each came from, for error messages.
    metrics
        The headline metrics the Comparison compares.

    Raises
    ------
    socval.DecisionError
        Fewer than two results, names of the wrong length or repeated, results not on common random numbers.
    """
    results = list(results)
    if len(results) < 2:
        raise _core.DecisionError(f"comparison_from_results: a comparison needs at least 2 results, found "
                                  f"{len(results)}")
    check_common_random_numbers(results, files)
    if names is None:
        names = unique_names([str(r.attrs.get("scenario_name") or "scenario") for r in results])
    names = [str(n) for n in names]
    if len(names) != len(results) or len(set(names)) != len(names):
        raise _core.DecisionError(f"comparison_from_results: names: expected {len(results)} distinct names, found "
                                  f"{names}")
    return Comparison(names=names, results=dict(zip(names, results)), metrics=tuple(metrics))
