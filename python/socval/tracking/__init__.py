"""After commissioning: delivery returns, where they fall in the projection, and the posterior that learns from
them (docs/formats/returns.md, docs/model/tracking.md).

``load_returns(paths)`` reads returns files; ``against_projection(results, returns)`` places each actual in the
projected distribution with a RAG rating; ``update(results, returns)`` updates the scenario's uncertain parameters
by the returns (importance weights, effective sample size, resample-move SMC) and re-forecasts the programme.
"""
from .returns import EVIDENCE, Returns, ReturnsError, load_returns, returns_from_frame
from .projection import RAG_RULE, Projection, against_projection, cumulative, observations, rag
from .update import EVIDENCE_CV, Posterior, update

__all__ = ["EVIDENCE", "Returns", "ReturnsError", "load_returns", "returns_from_frame", "RAG_RULE", "Projection",
           "against_projection", "cumulative", "observations", "rag", "EVIDENCE_CV", "Posterior", "update"]
