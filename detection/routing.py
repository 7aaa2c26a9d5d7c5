"""Which play an account belongs to this scan (signal-rules.md, Routing and eligibility).

1. Red, or Yellow and not T1 -> renewal_rescue.   2. Yellow and T1 -> play02.
3. Green with an expansion signal -> play04.      4. Green without -> play02 if eligible,
else none.  5. Unknown health -> none.
Play 02 eligible: T1, health >= 60, white-space potential >= 50% of current ACV, and an
active Champion. Readiness: Strong -> High, Moderate -> Medium, Weak -> Low, None -> None.
"""

from __future__ import annotations

from datetime import datetime

from detection.config import DEFAULT_CONFIG, DetectionConfig
from detection.findings import (
    HealthAssessment,
    Readiness,
    Routing,
    StakeholderMap,
    Strength,
    WhiteSpaceMap,
)
from detection.signals.wording import money, num
from detection.snapshot import AccountSnapshot

READINESS: dict[str, Readiness] = {
    "Strong": "High", "Moderate": "Medium", "Weak": "Low", "None": "None",
}


def play02_gaps(
    snapshot: AccountSnapshot,
    health: HealthAssessment,
    white_space: WhiteSpaceMap | None,
    stakeholders: StakeholderMap,
    config: DetectionConfig = DEFAULT_CONFIG,
) -> tuple[str, ...]:
    """The Play 02 criteria the account does not meet (empty when eligible)."""
    gaps = []
    if snapshot.tier != config.play02_tier:
        gaps.append(f"tier is {snapshot.tier or 'unknown'}, not {config.play02_tier}")
    if health.score is None:
        gaps.append("no health score")
    elif health.score < config.play02_min_health:
        gaps.append(f"health {num(health.score)} < {num(config.play02_min_health)}")
    share = config.play02_min_potential_share
    if white_space is None:
        gaps.append("no white-space map")
    else:
        weighted = config.play02_potential_basis == "weighted"
        figure = white_space.potential if weighted else white_space.total_addressable
        if not figure >= share * white_space.current_acv - config.ratio_tolerance:
            gaps.append(
                f"{'weighted white-space potential' if weighted else 'total addressable'}"
                f" {money(figure)} < {share:.0%} of current ACV {money(white_space.current_acv)}"
            )
    if not stakeholders.champions:
        gaps.append("no active Champion")
    return tuple(gaps)


def route(
    snapshot: AccountSnapshot,
    health: HealthAssessment,
    strength: Strength,
    white_space: WhiteSpaceMap | None,
    stakeholders: StakeholderMap,
    config: DetectionConfig = DEFAULT_CONFIG,
    now: datetime | None = None,
) -> Routing:
    """Route the account; ``strength`` is the Play 04 strength before routing ("None" when
    no expansion signal fired). Renewal-rescue accounts get readiness None."""
    gaps = play02_gaps(snapshot, health, white_space, stakeholders, config)
    eligible02 = not gaps
    has_signal = strength != "None"
    band = health.band
    t1 = snapshot.tier == config.play02_tier
    play04 = band == "Green" and has_signal
    score = num(health.score) if health.score is not None else "none"
    if band == "Red" or (band == "Yellow" and not t1):
        play, reason = "renewal_rescue", (
            f"health {score} is {band}"
            + ("" if band == "Red" else f" and the account is not {config.play02_tier}")
            + ": stabilise before any upsell"
        )
    elif band == "Yellow":
        play, reason = "play02", (
            f"{config.play02_tier} account with health {score} (Yellow) stays in Play 02;"
            " signals feed the AE, no CS follow-up"
        )
    elif band == "Green" and has_signal:
        play, reason = "play04", f"health {score} (Green) with expansion signals ({strength})"
    elif band == "Green":
        if eligible02:
            play, reason = "play02", f"health {score} (Green), Play 02 eligible, no new signal"
        else:
            play, reason = "none", f"health {score} (Green), no expansion signal; Play 02: " + (
                "; ".join(gaps))
    else:
        play, reason = "none", "no health score"
    readiness = "None" if play == "renewal_rescue" else READINESS[strength]
    return Routing(play, reason, eligible02, gaps, play04, readiness)  # field order
