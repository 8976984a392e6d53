"""The model's fixed word lists, in the engine's result order: pillars (with "unallocated", value no priority
claims), levers and beneficiaries."""
from __future__ import annotations

from typing import Tuple

PILLARS: Tuple[str, ...] = ("social", "economic", "environmental", "unallocated")
LEVERS: Tuple[str, ...] = ("commissioning", "anchor", "employer")
BENEFICIARIES: Tuple[str, ...] = ("fiscal", "economic", "social")
