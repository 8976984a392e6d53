"""CART (classification tree, Breiman et al. 1984) as a second view of scenario discovery, through scikit-learn.

The tree splits the draws by one input at a time into leaves; each leaf is a box whose density (share of its draws
where the condition holds) and coverage (share of the condition's draws it holds) are reported like PRIM's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

import numpy as np
import pandas as pd

from .._core import SensitivityError

__all__ = ["CartResult", "cart"]


@dataclass
class CartResult:
    """``leaves``: one row per leaf (rule, n, cases, density, coverage), densest first; ``text``: the tree."""

    leaves: pd.DataFrame
    text: str
    max_depth: int


def cart(x, y, names: Optional[Sequence[str]] = None, max_depth: int = 3, min_leaf: Optional[int] = None,
         seed: int = 0) -> CartResult:
    """Fit a classification tree of the condition ``y`` on the inputs ``x`` (scikit-learn's
    ``DecisionTreeClassifier``, Gini impurity) and describe its leaves as boxes. ``min_leaf`` defaults to 2% of
    the draws (at least 10)."""
    try:
        from sklearn.tree import DecisionTreeClassifier, export_text
    except ImportError:  # pragma: no cover - Debian python3-sklearn is in the Makefile's packages
        raise SensitivityError("cart: scikit-learn is not installed (Debian package python3-sklearn)") from None
    if isinstance(x, pd.DataFrame):
        names = list(map(str, x.columns)) if names is None else list(names)
        x = x.to_numpy(dtype=float)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=bool)
    names = [f"x{j}" for j in range(x.shape[1])] if names is None else [str(n) for n in names]
    n = x.shape[0]
    if int(max_depth) < 1:
        raise SensitivityError(f"cart: max_depth: expected >= 1, found {max_depth}")
    leaf = max(10, int(0.02 * n)) if min_leaf is None else int(min_leaf)
    tree = DecisionTreeClassifier(max_depth=int(max_depth), min_samples_leaf=leaf, random_state=int(seed))
    tree.fit(x, y)
    t = tree.tree_
    total = max(int(y.sum()), 1)
    leaf_of = tree.apply(x)
    rows = []

    def walk(node: int, rule: List[str]):
        if t.children_left[node] == -1:
            members = leaf_of == node
            cases = int(y[members].sum())
            rows.append((" and ".join(rule) or "all draws", int(members.sum()), cases,
                         cases / max(int(members.sum()), 1), cases / total))
            return
        name, thr = names[t.feature[node]], t.threshold[node]
        walk(t.children_left[node], rule + [f"{name} <= {thr:.4g}"])
        walk(t.children_right[node], rule + [f"{name} > {thr:.4g}"])

    walk(0, [])
    leaves = pd.DataFrame(rows, columns=["rule", "n", "cases", "density", "coverage"])
    leaves = leaves.sort_values("density", ascending=False, kind="stable").reset_index(drop=True)
    return CartResult(leaves=leaves, text=export_text(tree, feature_names=names), max_depth=int(max_depth))
