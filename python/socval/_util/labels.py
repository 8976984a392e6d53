"""Labels and metric names, one spelling everywhere."""
from __future__ import annotations

import warnings
from typing import Type


def quantile_label(q: float) -> str:
    """0.05 -> 'p5', 0.5 -> 'p50', 0.975 -> 'p97.5'."""
    return "p" + f"{100 * q:.6g}"


#: How the place perspective (docs/model/appraisal.md, "Perspectives") is labelled wherever it appears, and the
#: prefix of its metric names (``place_npsv``, ``place_bcr``, ...).
PLACE_LABEL = "place perspective (the region)"
PLACE_PREFIX = "place_"


def metric_label(metric: str) -> str:
    """A metric name for a person: a place-perspective metric says so (``place_npsv`` ->
    ``npsv [place perspective (the region)]``); any other is unchanged."""
    if metric.startswith(PLACE_PREFIX):
        return f"{metric[len(PLACE_PREFIX):]} [{PLACE_LABEL}]"
    return metric


#: Outputs the engine evaluates for a design row, besides ``priority.<id>`` and ``pillar.<name>``.
#: ``weighted_npsv`` / ``weighted_bcr``: Green Book Annex A3 weights, scenarios with ``people:`` only.
ENGINE_OUTPUTS = ("npsv", "bcr", "pv_benefits", "pv_costs", "weighted_npsv", "weighted_bcr")


def engine_metric(metric: str, error: Type[Exception], what: str = "metric") -> str:
    """The core's name of a metric given in socval's one spelling (``npsv``, ``priority.<id>``, ``pillar.<name>``).

    The core's design evaluators spell per-priority and per-pillar outputs ``priority:<id>``; that spelling is still
    accepted here with a DeprecationWarning."""
    if not isinstance(metric, str):
        raise error(f"{what}: expected a metric name such as 'npsv', found {metric!r}")
    if metric in ENGINE_OUTPUTS:
        return metric
    for prefix in ("priority", "pillar"):
        for sep in (".", ":"):
            if metric.startswith(prefix + sep) and len(metric) > len(prefix) + 1:
                if sep == ":":
                    warnings.warn(f"{what} {metric!r}: write '{prefix}.<id>' ('{prefix}:<id>' is deprecated)",
                                  DeprecationWarning, stacklevel=3)
                return f"{prefix}:{metric[len(prefix) + 1:]}"
    raise error(f"{what}: expected 'npsv', 'bcr', 'pv_benefits', 'pv_costs', 'weighted_npsv', 'weighted_bcr', "
                f"'priority.<id>' or 'pillar.<name>', found {metric!r}")


def public_metric(metric: str) -> str:
    """socval's spelling of a metric the core names (``priority:<id>`` -> ``priority.<id>``)."""
    return metric.replace(":", ".", 1)
