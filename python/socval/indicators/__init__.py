"""Headline indicators of simulated scenarios (``headline``) and the local economy: LM3, local spend, jobs for local
people (``local_economy``)."""
from . import headline, local_economy
from .headline import headline_table, indicators
from .local_economy import LocalEconomy, lm3, local_share

__all__ = ["headline", "local_economy", "headline_table", "indicators", "LocalEconomy", "lm3", "local_share"]
