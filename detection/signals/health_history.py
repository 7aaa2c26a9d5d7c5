"""The previous health score, for health_decline and the health assessment."""

from __future__ import annotations

from detection.config import HEALTH_FIELD
from detection.signals.facts import ScanFacts


def previous_health_score(facts: ScanFacts) -> tuple[float | None, str]:
    """(score, where it came from) that a health decline is measured against.

    The higher of two references (signal-rules.md): the value 30 days ago from
    AccountHistory on Health_Score__c (the OldValue of the earliest change within the last 30
    days) and the PriorScan's score. A drop since the last scan is caught even without field
    history, and a drop over the last 30 days stays reported for its whole episode instead of
    vanishing at the next scan (whose prior already holds the lowered score). Worked out
    once per ScanFacts (health and health_decline both ask).
    """
    found = facts.previous_health
    if found is None:
        found = facts.previous_health = _previous_health_score(facts)
    return found


def _previous_health_score(facts: ScanFacts) -> tuple[float | None, str]:
    candidates: list[tuple[float, str]] = []
    history = _history_reference(facts)
    if history is not None:
        candidates.append(history)
    prior = facts.prior
    if prior is not None and prior.health_score is not None:
        candidates.append((prior.health_score,
                           f"at the last scan on {prior.scanned_at.date().isoformat()}"))
    if not candidates:
        return None, "no earlier score"
    return max(candidates, key=lambda item: item[0])


def _history_reference(facts: ScanFacts) -> tuple[float, str] | None:
    days = facts.config.health_history_days
    earliest = None
    for change in facts.snapshot.history:
        if change.field != HEALTH_FIELD or not facts.within_dt(change.changed_at, days):
            continue
        if earliest is None or change.changed_at < earliest.changed_at:
            earliest = change
    if earliest is None or earliest.old_value is None:
        return None
    try:
        value = float(earliest.old_value)
    except ValueError:
        return None
    return value, f"before the change on {earliest.changed_at.date()} (field history)"
