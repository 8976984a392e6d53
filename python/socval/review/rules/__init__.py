"""The checklist's rules, one module per family; each module has ``RULES`` (rule id -> one-line title) and
``check(ctx)`` returning its findings. docs/guide/checklist.md documents every rule with a passing and a failing
example."""
from __future__ import annotations

from typing import Dict, List

from ..context import Context
from ..findings import Finding
from . import additionality, bias, double_counting, evidence, horizon, perspective, structure

__all__ = ["FAMILIES", "RULES", "run_rules"]

#: The rule families, in the order they run.
FAMILIES = (additionality, bias, evidence, double_counting, horizon, structure, perspective)
#: Every rule id -> its title.
RULES: Dict[str, str] = {rid: title for fam in FAMILIES for rid, title in fam.RULES.items()}


def run_rules(ctx: Context, **options) -> List[Finding]:
    """Every family's findings on one scenario (``options`` go to the families that take them: evidence's
    ``draws`` and ``seed``)."""
    found: List[Finding] = []
    for fam in FAMILIES:
        found.extend(fam.check(ctx, **options) if fam is evidence else fam.check(ctx))
    return found
