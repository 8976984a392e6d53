"""Scenario discovery: under which combinations of inputs does a condition over the draws hold?

PRIM (Friedman and Fisher 1999) with peeling, pasting, the coverage-density trade-off and quasi-p-values
(``prim``); CART through scikit-learn as a second view (``cart``); conditions over a run's or a comparison's draws
and the inputs the simulation sampled (``scenario``: :func:`discover`, also ``Results.discover`` and
``Comparison.discover``). Formulas and sources: ``docs/model/discovery.md``.
"""
from .cart import CartResult, cart
from .prim import Box, PrimResult, prim
from .scenario import Discovery, condition_draws, discover, sampled_inputs

__all__ = ["prim", "PrimResult", "Box", "cart", "CartResult", "discover", "Discovery", "condition_draws",
           "sampled_inputs"]
