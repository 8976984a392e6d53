"""Values made ready for ``json.dumps``: NaN and inf -> None, numpy scalars and arrays -> Python values."""
from __future__ import annotations

import math
from typing import Any, Mapping


def json_ready(x: Any) -> Any:
    """JSON-ready copy of ``x``: mappings (keys as str), sequences, numpy values; non-finite floats -> None."""
    if isinstance(x, Mapping):
        return {str(k): json_ready(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_ready(v) for v in x]
    if hasattr(x, "tolist"):  # numpy arrays and scalars
        return json_ready(x.tolist())
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x
