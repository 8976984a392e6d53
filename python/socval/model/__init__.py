"""The model: scenario files read and validated by the core, the :class:`Scenario` class and its edits."""
from .scenario import Scenario, load_scenario, scenario_from_dict, scenario_from_yaml
from .words import BENEFICIARIES, LEVERS, PILLARS

__all__ = ["Scenario", "load_scenario", "scenario_from_dict", "scenario_from_yaml", "PILLARS", "LEVERS",
           "BENEFICIARIES"]
