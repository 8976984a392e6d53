"""Scenario documents as YAML text: read numbers as YAML 1.2 does, write plain YAML."""
from __future__ import annotations

import re
from typing import Any, Mapping

import numpy as np
import yaml

# PyYAML follows YAML 1.1, where "2.0e6" is text; the C++ reader (yaml-cpp) follows YAML 1.2.
# libyaml's parser and emitter when present (Debian's python3-yaml has them): 10x faster than pure Python, which
# matters because every Scenario edit writes and re-reads the document.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """Safe loader with YAML 1.2 floats (``1e6``, ``2.0e6``), as the C++ reader (yaml-cpp) reads them."""


_Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:float"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                   |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                   |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
                   |[-+]?\.(?:inf|Inf|INF)
                   |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."))


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def dump_yaml(document: Mapping[str, Any]) -> str:
    return yaml.dump(plain(document), Dumper=_SafeDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=None, width=110)


def plain(x: Any) -> Any:
    """Python / numpy values -> plain YAML-safe values (tuples -> lists, numpy scalars -> numbers)."""
    if isinstance(x, Mapping):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return plain(x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    return x
