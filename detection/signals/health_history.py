"""The previous health score, for health_decline and the health assessment."""

from __future__ import annotations

from detection.config import HEALTH_FIELD
from detection.signals.facts import ScanFacts


def previous_health_score(facts: ScanFacts) -> tuple[float | None, str]:
    """(score, where it came from) before this scan.

    signal-rules.md: the PriorScan's score when there is one; otherwise the value 30 days
    ago from AccountHistory on Health_Score__c (the OldValue of the earliest change within
    the last 30 days). None when neither says anything.
    """
    prior = facts.prior
    if prior is not None and prior.health_score is not None:
        return prior.health_score, f"last scan on {prior.scanned_at.date().isoformat()}"
    days = facts.config.health_history_days
    earliest = None
    for change in facts.snapshot.history:
        if change.field != HEALTH_FIELD or not facts.within_dt(change.changed_at, days):
            continue
        if earliest is None or change.changed_at < earliest.changed_at:
            earliest = change
    if earliest is None or earliest.old_value is None:
        return None, "no earlier score"
    try:
        value = float(earliest.old_value)
    except ValueError:
        return None, "no earlier score"
    return value, f"AccountHistory, {days} days ago (changed {earliest.changed_at.date()})"
