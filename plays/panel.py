"""The JSON the Lightning panel reads: ``Account.White_Space_Json__c`` (pure).

The ``radarAccountPanel`` component reads one field with ``getRecord`` instead of calling
Apex: no Apex class to deploy, no test coverage to maintain in the customer's org, and the
numbers are exactly the ones the product computed. The document holds the white-space map
in ``detection.whitespace_render.white_space_json``'s form (``white_space``), readiness,
strength, health, routing, the current signals with their evidence, and the account's open
follow-up (or renewal-rescue) Task.

It is deterministic (sorted keys, no scan time; ``Last_Expansion_Scan__c`` holds that), so an
unchanged account plans no write. A follow-up created by the same scan has no id yet: the
panel then shows it without a link until the next scan of the account reads the id back.

It fits the long text limit: when the full document is too long, evidence keeps only its
summary, then the least promising white-space cells are dropped from the end and counted in
``white_space.cells_left_out`` (the panel says so).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from detection.findings import AccountFindings, ExpansionSignal
from detection.formatting import signal_label
from detection.snapshot import AccountSnapshot, Activity
from detection.whitespace_render import white_space_doc
from plays import fields as F
from plays.plan import PlannedWrite

VERSION = 1
OPEN_TASK_ACTIONS = ("follow_up", "renewal_rescue")
_COMPLETED = "Completed"


def _signal(signal: ExpansionSignal, brief: bool) -> dict[str, Any]:
    ev = signal.evidence
    out: dict[str, Any] = {
        "type": signal.type, "label": signal_label(signal.type), "category": signal.category,
        "observed_on": signal.observed_on.isoformat(), "summary": ev.summary,
    }
    if signal.clear_pattern:
        out["clear_pattern"] = True
    if not brief:
        for name, value in (("window", ev.window), ("rule", ev.threshold),
                            ("since_last_scan", ev.change_since_last_scan)):
            if value:
                out[name] = value
    return out


def open_task(snapshot: AccountSnapshot, planned: list[PlannedWrite],
              user_names: Mapping[str, str]) -> dict[str, Any] | None:
    """The follow-up (or renewal rescue) Task CS works on: an open one in the org first,
    else the one this scan plans to create."""
    existing: Activity | None = next(
        (a for a in sorted(snapshot.activities, key=lambda a: (a.activity_date or date.max, a.id))
         if a.radar_action in OPEN_TASK_ACTIONS and a.status != _COMPLETED), None)
    if existing is not None:
        return _task_doc(existing.id, existing.radar_action or "", existing.subject or "",
                         existing.activity_date, existing.priority, existing.owner_id,
                         user_names)
    for write in planned:
        values = write.fields
        if write.object == "task" and values.get(F.TASK_RADAR_ACTION) in OPEN_TASK_ACTIONS:
            return _task_doc(None, values[F.TASK_RADAR_ACTION], values[F.TASK_SUBJECT],
                             values.get(F.TASK_ACTIVITY_DATE), values.get(F.TASK_PRIORITY),
                             values.get(F.TASK_OWNER_ID), user_names)
    return None


def _task_doc(task_id: str | None, action: str, subject: str, due: date | None,
              priority: str | None, owner_id: str | None,
              user_names: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": action, "subject": subject}
    if task_id:
        out["id"] = task_id
    if due:
        out["due"] = due.isoformat()
    if priority:
        out["priority"] = priority
    if owner_id and user_names.get(owner_id):
        out["owner"] = user_names[owner_id]
    return out


def panel_doc(snapshot: AccountSnapshot, findings: AccountFindings,
              follow_up: dict[str, Any] | None, *, brief: bool = False) -> dict[str, Any]:
    """The panel's document as plain data (see the module docstring)."""
    health = findings.health
    doc: dict[str, Any] = {
        "version": VERSION,
        "account_name": snapshot.name or "",
        "readiness": findings.routing.readiness,
        "strength": findings.strength,
        "health": {"band": health.band,
                   **({"score": round(health.score, 1)} if health.score is not None else {})},
        "play": findings.routing.play,
        "play_reason": findings.routing.reason,
        "signals": [_signal(s, brief) for s in sorted(
            findings.signals, key=lambda s: (s.observed_on, s.type), reverse=True)],
    }
    if findings.white_space is not None:
        doc["white_space"] = white_space_doc(findings.white_space)
    if follow_up is not None:
        doc["follow_up"] = follow_up
    return doc


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def panel_json(snapshot: AccountSnapshot, findings: AccountFindings,
               follow_up: dict[str, Any] | None, limit: int) -> str | None:
    """The document as compact JSON of at most ``limit`` characters (None if even the
    document without map and signals does not fit: a limit far below any real org's)."""
    doc = panel_doc(snapshot, findings, follow_up)
    text = _dump(doc)
    if len(text) <= limit:
        return text
    doc = panel_doc(snapshot, findings, follow_up, brief=True)
    text = _dump(doc)
    ws = doc.get("white_space")
    cells = list(ws["cells"]) if ws else []
    while len(text) > limit and cells:
        # halve what is left to drop until it fits, then the map says how many are missing
        cells = cells[: len(cells) // 2] if len(text) > 2 * limit else cells[:-1]
        ws["cells"] = cells
        ws["cells_left_out"] = len(findings.white_space.cells) - len(cells)
        text = _dump(doc)
    while len(text) > limit and doc["signals"]:
        doc["signals"] = doc["signals"][:-1]
        doc["signals_left_out"] = len(findings.signals) - len(doc["signals"])
        text = _dump(doc)
    return text if len(text) <= limit else None
