"""What a save does to other records: files (ContentVersion -> ContentDocument and
ContentDocumentLink) and the LastActivityDate of the people and accounts an activity is
about."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any, Protocol

from emulator.sqlstore import ident

if TYPE_CHECKING:
    import sqlite3

    from emulator.schema import Schema


class _SchemaHolder(Protocol):
    schema: Schema


class Writer(Protocol):
    """What a side effect needs of the write transaction that triggered it (emulator.writer's
    Writer; declared here so this module sits below the writer, not beside it)."""

    conn: sqlite3.Connection
    now: str
    store: _SchemaHolder

    def insert(self, sobject: str, values: dict[str, Any], *, system: bool = False) -> str: ...


def after_insert(writer: Writer, sobject: str, row: dict[str, Any]) -> None:
    """Side effects of a new record."""
    if sobject == "ContentVersion":
        _new_version(writer, row)
    elif sobject in ("Task", "Event"):
        _touch_activity_dates(writer, sobject, row)


def after_update(writer: Writer, sobject: str, row: dict[str, Any], old: dict[str, Any]) -> None:
    """Side effects of a changed record."""
    if sobject in ("Task", "Event"):
        _touch_activity_dates(writer, sobject, row)


def _set(writer: Writer, sobject: str, record_id: str, **values: Any) -> None:
    columns = list(values)
    writer.conn.execute(
        f"UPDATE {ident(sobject)} SET {', '.join(ident(c) + ' = ?' for c in columns)} WHERE Id = ?",  # noqa: S608
        [values[c] for c in columns] + [record_id])


def _new_version(writer: Writer, row: dict[str, Any]) -> None:
    """A version either starts a document (and links it to FirstPublishLocationId) or adds
    a version to an existing one (ContentDocumentId given)."""
    extension = (row.get("PathOnClient") or "").rpartition(".")[2].lower() if "." in (row.get("PathOnClient") or "") else None
    size = _decoded_size(row.get("VersionData"))
    facts = {"FileExtension": extension, "FileType": (extension or "UNKNOWN").upper(), "ContentSize": size}
    document_id = row.get("ContentDocumentId")
    if document_id is None:
        document_id = writer.insert("ContentDocument", {
            "Title": row.get("Title"), "LatestPublishedVersionId": row["Id"], "OwnerId": row.get("OwnerId"),
            **facts}, system=True)
        _set(writer, "ContentVersion", row["Id"], ContentDocumentId=document_id, IsLatest=1,
             VersionNumber="1", **facts)
        if row.get("FirstPublishLocationId"):
            writer.insert("ContentDocumentLink", {"ContentDocumentId": document_id,
                                                  "LinkedEntityId": row["FirstPublishLocationId"],
                                                  "ShareType": "I", "Visibility": "AllUsers"}, system=True)
        return
    count = writer.conn.execute('SELECT COUNT(*) FROM "ContentVersion" WHERE ContentDocumentId = ? AND Id != ?',
                                (document_id, row["Id"])).fetchone()[0]
    writer.conn.execute('UPDATE "ContentVersion" SET IsLatest = 0 WHERE ContentDocumentId = ? AND Id != ?',
                        (document_id, row["Id"]))
    _set(writer, "ContentVersion", row["Id"], IsLatest=1, VersionNumber=str(count + 1), **facts)
    _set(writer, "ContentDocument", document_id, LatestPublishedVersionId=row["Id"], Title=row.get("Title"),
         LastModifiedDate=writer.now, SystemModstamp=writer.now, **facts)


def _decoded_size(data: str | None) -> int | None:
    if not data:
        return None
    try:
        return len(base64.b64decode(data, validate=False))
    except (binascii.Error, ValueError):
        return len(data)


def _touch_activity_dates(writer: Writer, sobject: str, row: dict[str, Any]) -> None:
    """LastActivityDate: the latest due date of closed tasks and of events."""
    activity_date = row.get("ActivityDate")
    if not activity_date or (sobject == "Task" and not row.get("IsClosed")):
        return
    targets = [("Contact", row.get("WhoId")), ("Account", row.get("AccountId"))]
    if (row.get("WhatId") or "").startswith("006"):
        targets.append(("Opportunity", row["WhatId"]))
    for target, record_id in targets:
        if record_id and record_id.startswith(writer.store.schema.object(target).key_prefix):
            writer.conn.execute(
                f"UPDATE {ident(target)} SET LastActivityDate = ? WHERE Id = ? AND "  # noqa: S608
                "(LastActivityDate IS NULL OR LastActivityDate < ?)", (activity_date, record_id, activity_date))
