"""Which written Tasks also ring the bell: a new Strong follow-up (seed 001: "CS에게 즉시
알림"), a Strong Play 02 alert for the AE, and an SLA escalation. Only Tasks this run
created notify, so a replay (which finds the Task already there) sends nothing again."""

from __future__ import annotations

from collections.abc import Iterable

from crm_mapping.document import FieldMapping
from integration.contracts import WriteOutcome
from integration.notifications import Notification

_NOTIFY = {"follow_up": True, "play02_alert": True, "sla_escalation": False}  # action -> High only


def _org_value(mapping: FieldMapping, logical: str, value: str) -> str:
    binding = mapping.fields.get(logical)
    return (binding.values or {}).get(value, value) if binding is not None else value


def alerts_from(outcomes: Iterable[WriteOutcome], mapping: FieldMapping) -> list[Notification]:
    """The notifications for the Tasks created in ``outcomes``."""
    task = mapping.sobject("task")
    action_api, priority_api = mapping.api("task.radar_action"), mapping.api("task.priority")
    owner_api, subject_api = mapping.api("task.owner_id"), mapping.api("task.subject")
    description_api = mapping.api("task.description")
    if not (task and action_api and owner_api and subject_api):
        return []
    wanted = {_org_value(mapping, "task.radar_action", a): high for a, high in _NOTIFY.items()}
    high = _org_value(mapping, "task.priority", "High")
    out = []
    for outcome in outcomes:
        fields = outcome.write.fields
        if (outcome.status != "created" or outcome.write.sobject != task
                or not outcome.record_id or fields.get(action_api) not in wanted):
            continue
        if wanted[fields[action_api]] and priority_api and fields.get(priority_api) != high:
            continue
        owner = fields.get(owner_api)
        if not owner:
            continue
        text = str(fields.get(description_api) or "") if description_api else ""
        body = next((line for line in text.splitlines() if line.strip()), "")
        out.append(Notification(str(owner), str(fields[subject_api]),
                                body or str(fields[subject_api]), outcome.record_id))
    return out
