"""The model's fixed word lists, in the engine's result order: pillars (with "unallocated", value no priority
claims), levers and beneficiaries. One definition, in C++ (cpp/src/model/names.cpp), exposed by the bindings."""
from __future__ import annotations

from typing import Tuple

from .. import _core

PILLARS: Tuple[str, ...] = tuple(_core.model.PILLARS)
LEVERS: Tuple[str, ...] = tuple(_core.model.LEVERS)
BENEFICIARIES: Tuple[str, ...] = tuple(_core.model.BENEFICIARIES)
