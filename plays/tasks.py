"""Building blocks for the Tasks the service writes: one shape, many actions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from detection.findings import ExpansionSignal
from plays import fields as F
from plays.plan import PlannedWrite

COMPLETED = "Completed"
NOT_STARTED = "Not Started"


def task(
    *,
    key: str,
    action: str,
    subject: str,
    owner_id: str | None,
    account_id: str,
    due: date,
    description: str,
    status: str = NOT_STARTED,
    priority: str = "Normal",
    who_id: str | None = None,
    signal_type: str | None = None,
    strength: str | None = None,
    limit: int = 32000,
    reason: str = "",
) -> PlannedWrite:
    """A Task deduplicated on its key (created once, whatever the number of replays)."""
    values: dict[str, object] = {
        F.TASK_SUBJECT: subject[:255],
        F.TASK_STATUS: status,
        F.TASK_PRIORITY: priority,
        F.TASK_ACTIVITY_DATE: due,
        F.TASK_WHAT_ID: account_id,
        F.TASK_DESCRIPTION: clip(description, limit),
        F.TASK_RADAR_ACTION: action,
        F.TASK_KEY: key,
    }
    if owner_id:
        values[F.TASK_OWNER_ID] = owner_id
    if who_id:
        values[F.TASK_WHO_ID] = who_id
    if signal_type:
        values[F.TASK_SIGNAL_TYPE] = signal_type
    if strength:
        values[F.TASK_SIGNAL_STRENGTH] = strength
    return PlannedWrite(object="task", op="create_once", key=key, fields=values,
                        reason=reason or action)


def meeting(
    *,
    key: str,
    action: str,
    subject: str,
    owner_id: str | None,
    account_id: str,
    start: datetime,
    minutes: int,
    description: str,
    attendees: tuple[str | None, ...] = (),
    limit: int = 32000,
) -> list[PlannedWrite]:
    """An Event (deduplicated on its key, like a Task) and one EventRelation per attendee
    other than the owner, who organises it; replays find both and write nothing."""
    values: dict[str, object] = {
        F.EVENT_SUBJECT: subject[:255],
        F.EVENT_WHAT_ID: account_id,
        F.EVENT_ACTIVITY_DATE: start.date(),
        F.EVENT_START: start,
        F.EVENT_DURATION: minutes,
        F.EVENT_DESCRIPTION: clip(description, limit),
        F.EVENT_RADAR_ACTION: action,
        F.EVENT_KEY: key,
    }
    if owner_id:
        values[F.EVENT_OWNER_ID] = owner_id
    writes = [PlannedWrite(object="event", op="create_once", key=key, fields=values,
                           reason=action)]
    seen = {owner_id}
    for user_id in attendees:
        if not user_id or user_id in seen:
            continue
        seen.add(user_id)
        writes.append(PlannedWrite(
            object="event_relation", op="create_once", key=f"{key}:with:{user_id}",
            parent_key=key, fields={F.EVENT_RELATION_RELATION_ID: user_id},
            reason="meeting attendee"))
    return writes


def clip(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters at a line boundary, saying so (no silent loss)."""
    if len(text) <= limit:
        return text
    note = "\n[... cut to fit the field; the full text is in the account plan file]"
    room = max(0, limit - len(note))
    cut = text.rfind("\n", 0, room)
    return text[: cut if cut > 0 else room] + note


def evidence_lines(signals: list[ExpansionSignal] | tuple[ExpansionSignal, ...]) -> str:
    """The signals with the rule and window they were judged on. Record ids stay out: the
    text names the product, month, case subject or person, which is how people find them."""
    lines = []
    for signal in signals:
        ev = signal.evidence
        parts = [f"- {title(signal.type)}: {ev.summary}"]
        if ev.threshold:
            parts.append(f"  Rule: {ev.threshold}")
        if ev.window:
            parts.append(f"  Window: {ev.window.replace('..', ' to ')}")
        if ev.change_since_last_scan:
            parts.append(f"  Since the last scan: {ev.change_since_last_scan}")
        lines.append("\n".join(parts))
    return "\n".join(lines)


def title(signal_type: str) -> str:
    """usage_spike -> Usage Spike (the picklist label convention)."""
    return signal_type.replace("_", " ").title().replace("Nps", "NPS").replace("Qbr", "QBR")


def end_of_week(day: date) -> date:
    """The Friday of ``day``'s week (the same day when it is Friday; next Friday at weekends)."""
    offset = (4 - day.weekday()) % 7
    return day + timedelta(days=offset)
