"""Import ``sf data import tree`` plan files: ``[{"sobject","saveRefs","resolveRefs","files"}]``
with records in sObject Tree format (``attributes.referenceId``; ``"@Ref"`` values resolved
from earlier files). Field names are matched case-insensitively and values coerced
("119373.34" for a currency, a datetime in a date field), as the public sample data needs.
The whole plan is one transaction: it imports completely or not at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emulator.errors import RecordError
from emulator.store import Store


class TreeImportError(ValueError):
    """A plan or record could not be imported; the message names the file and reference."""


def import_plan(store: Store, plan_path: Path, user_id: str | None = None) -> dict[str, str]:
    """Import every file of a plan; returns referenceId -> record id."""
    try:
        plan = json.loads(plan_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TreeImportError(f"{plan_path}: {exc}") from exc
    if not isinstance(plan, list):
        raise TreeImportError(f"{plan_path}: a plan is a JSON list")
    refs: dict[str, str] = {}
    with store.writer(user_id) as writer:
        for entry in plan:
            for file_name in entry.get("files", []):
                path = plan_path.parent / file_name
                records = _records(path)
                for record in records:
                    _import_record(writer, entry, record, refs, path)
    return refs


def _records(path: Path) -> list[dict[str, Any]]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TreeImportError(f"{path}: {exc}") from exc
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list):
        raise TreeImportError(f"{path}: expected {{\"records\": [...]}}")
    return records


def _import_record(writer: Any, entry: dict[str, Any], record: dict[str, Any], refs: dict[str, str],
                   path: Path) -> None:
    attributes = record.get("attributes") or {}
    sobject = attributes.get("type") or entry.get("sobject")
    reference_id = attributes.get("referenceId")
    values: dict[str, Any] = {}
    for key, value in record.items():
        if key == "attributes":
            continue
        if isinstance(value, str) and value.startswith("@") and entry.get("resolveRefs"):
            if value[1:] not in refs:
                raise TreeImportError(f"{path}: {reference_id}: unresolved reference {value}")
            value = refs[value[1:]]
        values[key] = value
    try:
        record_id = writer.insert(str(sobject), values)
    except RecordError as error:
        raise TreeImportError(f"{path}: {reference_id}: {error.status_code}: {error.message}") from error
    if reference_id and entry.get("saveRefs", True):
        refs[str(reference_id)] = record_id
