"""Boundary cases: accounts planted just inside and just outside every threshold of
docs/signal-rules.md, each on an otherwise quiet account, with the outcome the rules give.

The first ``len(SCENARIOS)`` accounts of every org carry one case each (so any org that
large holds them all); later accounts repeat random ones at a small rate.
"""

from __future__ import annotations

from emulator.generator.cases_people import PEOPLE_CASES
from emulator.generator.cases_risk import RISK_CASES
from emulator.generator.cases_usage import USAGE_CASES
from emulator.generator.specs import Scenario


def _load() -> tuple[Scenario, ...]:
    scenarios = (*USAGE_CASES, *PEOPLE_CASES, *RISK_CASES)
    names = [s.name for s in scenarios]
    if len(names) != len(set(names)):
        raise ValueError("boundary scenario names must be unique")
    return scenarios


SCENARIOS: tuple[Scenario, ...] = _load()
BY_NAME = {s.name: s for s in SCENARIOS}
