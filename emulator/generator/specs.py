"""What the generator decides about an account before drafting it: its ``AccountPlan``, a
departed champion it may pass on, and the boundary ``Scenario`` it may carry.

Plain value types at the bottom of the generator's imports: the planner builds them, the
boundary cases and the draft read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.generator import catalog

Apply = Callable[[Any], object]  # plants one case on an emulator.generator.draft.Draft


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


@dataclass(frozen=True, slots=True)
class DepartedChampion:
    """A champion who left account ``index`` and, when ``arrival`` is set, turns up at
    account ``index + 1`` matched by "email", "linkedin" or "name" (+ new email domain)."""

    index: int
    first: str
    last: str
    email: str
    linkedin: str
    how: str  # "left" (Left_Company__c) or "bounced" (EmailBouncedDate)
    arrival: str | None


@dataclass(slots=True)
class AccountPlan:
    index: int
    tier: str
    industry: str
    employees: int
    name: str
    domain: str
    health: int
    potential: str  # "narrow" (owns 1-2 products), "full" (owns every product), "typical"
    owned: tuple[int, ...]  # product keys
    dropped: int | None  # bought before, not renewed (an older Closed Won only)
    has_champion: bool
    n_contacts: int
    plants: tuple[str, ...]
    boundary: Scenario | None
    departed: DepartedChampion | None
    ae: catalog.UserSpec
    csm: catalog.UserSpec
