"""What one account will look like, decided before any record is built: tier, size, health,
products, and which signals are planted (at known rates) or which boundary case it carries.

A plan is a pure function of (seed, account index), so account ``i + 1`` can ask for account
``i``'s departed champion (to plant the champion's arrival) without building account ``i``.
"""

from __future__ import annotations

import random

from emulator.generator import catalog
from emulator.generator.boundaries import SCENARIOS
from emulator.generator.context import GenContext
from emulator.generator.specs import AccountPlan, DepartedChampion, Scenario

# Chance that a (non-boundary) account gets each planted signal, drawn independently.
PLANT_RATES: dict[str, float] = {
    "usage_spike": 0.08, "capacity_limit": 0.08, "new_use_case": 0.07, "nps_promoter": 0.08,
    "new_department": 0.08, "org_growth": 0.07, "leadership_change": 0.07,
    "support_request_unpurchased": 0.07, "reference_offer": 0.05, "qbr_mention": 0.05,
    "direct_request": 0.04, "business_event": 0.05, "champion_promoted": 0.05,
    "renewal_window": 0.10, "qbr_upcoming": 0.08, "health_decline": 0.07,
    "champion_departed": 0.06, "thin_threading": 0.06, "competitive_threat": 0.07,
    "prior_signal": 0.08,  # earlier signal_log Tasks of the service (strength rule)
}
SPRINKLED_BOUNDARY_RATE = 0.02  # boundary cases repeated beyond the first len(SCENARIOS)
NARROW_CHOICES = (3, 5, 7, 8, 9, 10)  # cheaper products a "narrow" T1 account owns
_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"


def _syllables(value: int, count: int) -> str:
    """A pronounceable, uniquely decodable spelling of ``value`` (consonant+vowel pairs)."""
    base = len(_CONSONANTS) * len(_VOWELS)
    out = []
    for _ in range(count):
        value, digit = divmod(value, base)
        out.append(_CONSONANTS[digit // len(_VOWELS)] + _VOWELS[digit % len(_VOWELS)])
    return "".join(out)


def _base36(value: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        value, rem = divmod(value, 36)
        out = digits[rem] + out
        if not value:
            return out


def departed_identity(index: int, domain: str, how: str, arrival: str | None) -> DepartedChampion:
    """The unique name, email and LinkedIn URL of account ``index``'s departing champion."""
    first = catalog.DEPARTED_FIRST[index % len(catalog.DEPARTED_FIRST)]
    lead = catalog.DEPARTED_LAST_A[index % len(catalog.DEPARTED_LAST_A)]
    last = f"{lead}-{_syllables(index // len(catalog.DEPARTED_LAST_A), 4).capitalize()}"
    email = f"{first}.{last}@{domain}".lower()
    linkedin = f"https://www.linkedin.com/in/{first}-{last}-{_base36(index)}".lower()
    return DepartedChampion(index, first, last, email, linkedin, how, arrival)


def _scenario_for(index: int, rng: random.Random) -> Scenario | None:
    if index < len(SCENARIOS):
        return SCENARIOS[index]
    if rng.random() < SPRINKLED_BOUNDARY_RATE:
        return SCENARIOS[rng.randrange(len(SCENARIOS))]
    return None


def _health(rng: random.Random) -> int:
    band = rng.random()
    if band < 0.70:
        return rng.randint(70, 97)
    if band < 0.85:
        return rng.randint(60, 69)
    return rng.randint(25, 59)


def _owned(rng: random.Random, tier: str, potential: str) -> tuple[int, ...]:
    if potential == "full":
        return tuple(p.key for p in catalog.ACTIVE_PRODUCTS)
    if potential == "narrow":
        return tuple(sorted(rng.sample(NARROW_CHOICES, rng.randint(1, 2))))
    core = rng.choice((1, 1, 1, 2, 4, 6))
    extra = rng.randint(1, 4) if tier == "T2" else rng.randint(0, 2)
    others = [p.key for p in catalog.ACTIVE_PRODUCTS if p.key != core]
    return tuple(sorted({core, *rng.sample(others, extra)}))


def plan_account(ctx: GenContext, index: int) -> AccountPlan:
    """The plan of account ``index`` (deterministic in ctx.seed and index)."""
    rng = random.Random(f"{ctx.seed}:{index}:plan")
    scenario = _scenario_for(index, rng)
    roll = rng.random()
    tier = "T1" if roll < 0.10 else "T2" if roll < 0.40 else "T3"
    overrides = scenario.overrides if scenario else {}
    if scenario is not None:  # boundary cases sit on a Green T2 account with a champion by default
        overrides = {"tier": "T2", "health": 80, "has_champion": True, **overrides}
    tier = overrides.get("tier", tier)
    low, high = {"T1": (2000, 50000), "T2": (300, 5000), "T3": (50, 1000)}[tier]
    employees = int(round(low * (high / low) ** rng.random()))
    words = (rng.choice(catalog.NAME_WORDS_A), rng.choice(catalog.NAME_WORDS_B),
             rng.choice(catalog.NAME_SUFFIX))
    name = f"{words[0]}{words[1]} {words[2]}"
    domain = f"{words[0].lower()}{words[1]}-{words[2].lower()}-{_base36(index)}.example"
    potential = overrides.get("potential") or (rng.choice(("narrow", "full")) if tier == "T1" else "typical")
    owned = overrides.get("owned") or _owned(rng, tier, potential)
    not_owned = [p.key for p in catalog.ACTIVE_PRODUCTS if p.key not in owned]
    dropped = rng.choice(not_owned) if not_owned and rng.random() < 0.15 else None
    plants: list[str] = []
    if scenario is None:
        plants = [signal for signal, rate in PLANT_RATES.items() if rng.random() < rate]
    else:
        rng.random()  # keep the draw count independent of the scenario
    health = overrides.get("health", _health(rng))
    if "health_decline" in plants and health > 88:
        health = 70 + health % 19
    has_champion = overrides.get("has_champion", rng.random() < 0.85)
    departed = None
    how = "left" if rng.random() < 0.6 else "bounced"
    arrival = rng.choice(("email", "linkedin", "name", None, None, None))
    if "champion_departed" in plants or "departed" in overrides:
        has_champion = True
        how, arrival = overrides.get("departed", (how, arrival))
        if index + 1 >= ctx.accounts:
            arrival = None
        departed = departed_identity(index, domain, how, arrival)
        if "champion_promoted" in plants:
            plants.remove("champion_promoted")
    if "champion_promoted" in plants and not has_champion:
        plants.remove("champion_promoted")
    contacts = {"T1": (8, 15), "T2": (5, 10), "T3": (4, 7)}[tier]
    n_contacts = rng.randint(3, 5) if "thin_threading" in plants else rng.randint(*contacts)
    return AccountPlan(
        index=index, tier=tier, industry=rng.choice(catalog.INDUSTRIES), employees=employees,
        name=name, domain=domain, health=health, potential=potential, owned=owned,
        dropped=dropped, has_champion=has_champion,
        n_contacts=overrides.get("n_contacts", n_contacts), plants=tuple(plants),
        boundary=scenario, departed=departed, ae=rng.choice(catalog.AES),
        csm=rng.choice(catalog.CSMS))
