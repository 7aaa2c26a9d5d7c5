"""Boundary cases: accounts planted just inside and just outside every threshold of
docs/signal-rules.md, each on an otherwise quiet account, with the outcome the rules give.

The first ``len(SCENARIOS)`` accounts of every org carry one case each (so any org that
large holds them all); later accounts repeat random ones at a small rate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from emulator.generator.draft import Draft

Apply = Callable[["Draft"], object]  # plants one case on a draft account


@dataclass(frozen=True)
class Scenario:
    """One boundary case.

    Attributes:
        name: what is planted ("spike_1300_of_1000").
        expect: outcomes the truth must show: a signal name -> fires or not, and optionally
            "strength", "band", "play", "play02_eligible".
        overrides: plan values the case needs (tier, health, potential, has_champion,
            n_contacts, owned, departed=(how, arrival)).
        apply: plants the case on the quiet baseline.
    """

    name: str
    expect: dict[str, Any]
    apply: Apply | None = None
    overrides: dict[str, Any] = field(default_factory=dict)


def _load() -> tuple[Scenario, ...]:
    from emulator.generator.cases_people import PEOPLE_CASES
    from emulator.generator.cases_risk import RISK_CASES
    from emulator.generator.cases_usage import USAGE_CASES

    scenarios = (*USAGE_CASES, *PEOPLE_CASES, *RISK_CASES)
    names = [s.name for s in scenarios]
    if len(names) != len(set(names)):
        raise ValueError("boundary scenario names must be unique")
    return scenarios


SCENARIOS: tuple[Scenario, ...] = _load()
BY_NAME = {s.name: s for s in SCENARIOS}
