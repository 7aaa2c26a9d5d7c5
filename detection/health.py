"""Account health: the org's score when mapped, else a weighted scorecard; the band.

Bands (signal-rules.md): Green >= 70, Yellow 60-69.x, Red < 60, Unknown without a score.
The scorecard (seed 002 step 1: usage, satisfaction, engagement, renewal risk) rates each
factor 0-100 and averages the factors that have data with DetectionConfig.health_weights;
the factors that move the score most away from the Green line are named.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from detection.config import DEFAULT_CONFIG, DetectionConfig
from detection.findings import HealthAssessment, HealthBand, HealthFactor
from detection.signals.facts import ScanFacts, contact_is_departed, is_champion
from detection.signals.health_history import previous_health_score
from detection.signals.usage import usage_series
from detection.signals.wording import month_label, num, pct
from detection.snapshot import AccountSnapshot, OrgContext, PriorScan

_EMPTY_CTX = OrgContext(org_id="")
_HIGH_PRIORITIES = frozenset({"high", "critical", "urgent", "p1", "sev1"})


def band_of(score: float | None, config: DetectionConfig = DEFAULT_CONFIG) -> HealthBand:
    """Green / Yellow / Red / Unknown; scores compared exactly (69.9 Yellow, 70 Green)."""
    if score is None:
        return "Unknown"
    if score >= config.health_green:
        return "Green"
    if score >= config.health_yellow:
        return "Yellow"
    return "Red"


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def _usage_trend(facts: ScanFacts) -> tuple[float, str] | None:
    series = usage_series(facts)
    m = facts.m
    cur = sum(v.get(m, 0.0) for v in series.values())
    prev = sum(v.get(m - 1, 0.0) for v in series.values())
    if prev <= 0:
        return None
    change = cur / prev - 1
    word = "up" if change >= 0 else "down"
    return _clamp(70 + 100 * change), (
        f"usage {word} {pct(abs(change))} ({month_label(m - 1)} {num(prev)} -> "
        f"{month_label(m)} {num(cur)})"
    )


def _utilisation(facts: ScanFacts) -> tuple[float, str] | None:
    usage_series(facts)
    ratios = [
        row.usage_units / row.licensed_units
        for rows in (facts.month_rows or {}).values()
        for row in rows
        if row.licensed_units and row.licensed_units > 0 and row.usage_units is not None
    ]
    if not ratios:
        return None
    mean = sum(ratios) / len(ratios)
    return _clamp(mean / facts.config.capacity_ratio * 100), (
        f"{pct(mean)} of licensed units used on average in {month_label(facts.m)}"
    )


def _nps(facts: ScanFacts) -> tuple[float, str] | None:
    snap = facts.snapshot
    if snap.nps_score is None:
        return None
    if snap.nps_date is not None and not 0 <= facts.age(snap.nps_date) <= 365:
        return None
    return _clamp(snap.nps_score * 10), f"last NPS {num(snap.nps_score)}"


def _cases(facts: ScanFacts) -> tuple[float, str] | None:
    open_high = [
        c for c in facts.snapshot.cases
        if not c.is_closed and (c.priority or "").strip().lower() in _HIGH_PRIORITIES
    ]
    return _clamp(100 - 40 * len(open_high)), f"{len(open_high)} open high-priority case{'s' if len(open_high) != 1 else ''}"


def _engagement(facts: ScanFacts) -> tuple[float, str] | None:
    ages = [facts.age(a.activity_date) for a in facts.human_activities
            if a.activity_date is not None]
    ages += [facts.age(c.last_activity_date) for c in facts.snapshot.contacts
             if c.last_activity_date is not None]
    ages = [a for a in ages if a >= 0]
    if not ages:
        return 0.0, "no recorded engagement"
    last = min(ages)
    score = 100.0 if last <= 30 else 75.0 if last <= 60 else 50.0 if last <= 90 else (
        25.0 if last <= 180 else 0.0)
    return score, f"last touch {last} days ago"


def _champion(facts: ScanFacts) -> tuple[float, str] | None:
    champs = [c for c in facts.snapshot.contacts if is_champion(c.meddicc_role)]
    if any(not contact_is_departed(c) for c in champs):
        return 100.0, "an active champion"
    if champs:
        return 0.0, "the champion has left"
    return 40.0, "no champion recorded"


def _renewal(facts: ScanFacts) -> tuple[float, str] | None:
    renewal = facts.snapshot.renewal_date
    if renewal is None:
        return None
    ahead = -facts.age(renewal)
    if ahead < 0:
        return 30.0, f"renewal date passed {-ahead} days ago"
    score = 50.0 if ahead <= 30 else 65.0 if ahead <= 90 else 80.0 if ahead <= 180 else 100.0
    return score, f"renewal in {ahead} days"


_FACTORS: dict[str, Callable[[ScanFacts], tuple[float, str] | None]] = {
    "usage trend": _usage_trend,
    "utilisation": _utilisation,
    "NPS": _nps,
    "open high-priority cases": _cases,
    "engagement recency": _engagement,
    "champion status": _champion,
    "renewal proximity": _renewal,
}


def scorecard(facts: ScanFacts) -> tuple[HealthFactor, ...]:
    """Every configured factor that has data, rated 0-100 with its weight and a note."""
    factors = []
    for name, weight in facts.config.health_weights:
        rate = _FACTORS.get(name)
        if rate is None or weight <= 0:
            continue
        rated = rate(facts)
        if rated is not None:
            factors.append(HealthFactor(name=name, score=round(rated[0], 1), weight=weight,
                                        note=rated[1]))
    return tuple(factors)


def assess_with_facts(facts: ScanFacts) -> HealthAssessment:
    """assess_health on facts already worked out for the account."""
    cfg = facts.config
    previous, _ = previous_health_score(facts)
    org_score = facts.snapshot.health_score
    if org_score is not None:  # positional, in field order: the usual case, every account
        return HealthAssessment(
            org_score, band_of(org_score, cfg), "org", previous, (),
            "Health_Score__c from the org",
        )
    factors = scorecard(facts)
    total = sum(f.weight for f in factors)
    if not factors or total <= 0:
        return HealthAssessment(score=None, band="Unknown", source="unknown",
                                previous_score=previous, explanation="no health data")
    score = round(sum(f.score * f.weight for f in factors) / total, 1)
    green = cfg.health_green
    top = tuple(sorted(factors, key=lambda f: (-f.weight * abs(f.score - green), f.name))[
        : cfg.health_top_factors])
    parts = [f"{f.name} {'helps' if f.score >= green else 'hurts'} ({f.note})" for f in top]
    return HealthAssessment(
        score=score, band=band_of(score, cfg), source="computed", previous_score=previous,
        top_factors=top,
        explanation=f"Computed from {len(factors)} factors; main factors: " + "; ".join(parts),
    )


def assess_health(
    snapshot: AccountSnapshot,
    prior: PriorScan | None,
    config: DetectionConfig = DEFAULT_CONFIG,
    now: datetime | None = None,
    ctx: OrgContext | None = None,
) -> HealthAssessment:
    """The account's health: the org's score when present, else the computed scorecard.

    The previous score (for health_decline) comes from the PriorScan, else AccountHistory.
    """
    if now is None:
        raise ValueError("assess_health needs now")
    return assess_with_facts(ScanFacts(snapshot, ctx or _EMPTY_CTX, prior, config, now))
