"""Validated writes inside one store transaction: insert, update, delete, upsert.

Each operation runs in its own SAVEPOINT, so a failing record leaves nothing behind while
the others of the same call stay (allOrNone=false); the caller commits or rolls back the
whole transaction (allOrNone=true, composite). Change events are collected for triggers
and field history is written for tracked fields.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any, Protocol

from emulator import derived, side_effects
from emulator.errors import RecordError
from emulator.fielddefs import AUDIT_FIELDS
from emulator.schema import FieldDef, ObjectDef, Schema, UnknownField
from emulator.sqlstore import fetch_dicts, ident
from emulator.standard_objects import TRACKED_FIELDS
from emulator.values import looks_like_id, normalize_id, to_storage


class Store(Protocol):
    """What a write transaction needs of its store (emulator.store's Store; declared here so
    the writer sits below the store, not beside it)."""

    schema: Schema
    standard_pricebook_id: str | None

    def new_id(self, conn: sqlite3.Connection, obj: ObjectDef) -> str: ...

    def autonumber_value(self, sobject: str) -> int: ...

    def autonumber_name(self, obj: ObjectDef) -> str: ...

_SYSTEM = {"id", "isdeleted", "systemmodstamp"}


class RecordNotFound(RecordError):
    """The record to update or delete does not exist (REST answers 404)."""


class DuplicateExternalId(RecordError):
    """An upsert key matched several records (REST answers 300 with their urls)."""

    def __init__(self, field_name: str, value: str, ids: list[str]) -> None:
        super().__init__("DUPLICATE_EXTERNAL_ID",
                         f"Duplicate external id specified: {value}", [field_name])
        self.ids = ids


@dataclass
class ChangeEvent:
    """A committed change, as triggers see it."""

    sobject: str
    record_id: str
    change_type: str  # CREATE | UPDATE | DELETE
    changed_fields: list[str]
    record: dict[str, Any] = field(default_factory=dict)  # storage values after the change


class Writer:
    """Write operations bound to one connection inside an open transaction."""

    def __init__(self, store: Store, conn: sqlite3.Connection, user_id: str, now: str) -> None:
        self.store = store
        self.conn = conn
        self.user_id = user_id
        self.now = now
        self.events: list[ChangeEvent] = []
        self._savepoints = 0

    # -- public operations -------------------------------------------------------------
    def insert(self, sobject: str, values: dict[str, Any], *, system: bool = False) -> str:
        """Create a record; returns its 18-character id. ``system`` skips createable checks
        (records Salesforce creates itself, e.g. ContentDocument)."""
        obj = self.store.schema.object(sobject)
        with self.savepoint():
            row = self._incoming(obj, values, creating=True, system=system)
            row = self._complete_new(obj, row)
            self._check_required(obj, row)
            derived.derive(obj.name, row, None, self._derive_context())
            self._check_references(obj, row, row.keys())
            self._check_unique(obj, row, None)
            columns = list(row)
            self.conn.execute(
                f"INSERT INTO {ident(obj.name)} ({', '.join(ident(c) for c in columns)}) "  # noqa: S608
                f"VALUES ({', '.join('?' for _ in columns)})", [row[c] for c in columns])
            side_effects.after_insert(self, obj.name, row)
            self.events.append(ChangeEvent(obj.name, row["Id"], "CREATE", sorted(values_keys(obj, values)), row))
        return row["Id"]

    def update(self, sobject: str, record_id: str, values: dict[str, Any]) -> list[str]:
        """Update a record; returns the fields whose value changed."""
        obj = self.store.schema.object(sobject)
        with self.savepoint():
            old = self._existing(obj, record_id)
            changes = self._incoming(obj, values, creating=False, system=False, record_id=old["Id"])
            row = {**old, **changes}
            self._check_required(obj, row)
            derived.derive(obj.name, row, old, self._derive_context())
            changed = [k for k in row if k not in _SYSTEM and row[k] != old.get(k)
                       and k not in ("LastModifiedDate", "LastModifiedById")]
            self._check_references(obj, row, changed)
            self._check_unique(obj, row, old["Id"])
            row.update(LastModifiedDate=self.now, LastModifiedById=self.user_id, SystemModstamp=self.now)
            columns = [k for k in row if k != "Id" and row[k] != old.get(k)]
            if columns:
                self.conn.execute(
                    f"UPDATE {ident(obj.name)} SET {', '.join(ident(c) + ' = ?' for c in columns)} "  # noqa: S608
                    "WHERE Id = ?", [row[c] for c in columns] + [old["Id"]])
            self._write_history(obj, old, row, changed)
            side_effects.after_update(self, obj.name, row, old)
            self.events.append(ChangeEvent(obj.name, old["Id"], "UPDATE", changed, row))
        return changed

    def delete(self, sobject: str, record_id: str) -> None:
        """Soft-delete a record (IsDeleted=1, still visible to queryAll)."""
        obj = self.store.schema.object(sobject)
        with self.savepoint():
            old = self._existing(obj, record_id)
            self.conn.execute(f"UPDATE {ident(obj.name)} SET IsDeleted = 1, SystemModstamp = ?, "  # noqa: S608
                              "LastModifiedDate = ?, LastModifiedById = ? WHERE Id = ?",
                              (self.now, self.now, self.user_id, old["Id"]))
            self.events.append(ChangeEvent(obj.name, old["Id"], "DELETE", [], old))

    def upsert(self, sobject: str, key_field: str, key_value: Any, values: dict[str, Any]) -> tuple[str, bool]:
        """Insert or update by an external id (or Id); returns (id, created)."""
        obj = self.store.schema.object(sobject)
        key = self.external_key(obj, key_field)
        values = {k: v for k, v in values.items() if k.lower() != key.name.lower() or key.type == "id"}
        if key.type == "id":
            values.pop("Id", None)
            values.pop("id", None)
            if key_value in (None, ""):
                return self.insert(obj.name, values), True
            self.update(obj.name, key_value, values)
            return normalize_id(key_value), False
        stored = to_storage(key, key_value)
        matches = [r[0] for r in self.conn.execute(
            f"SELECT Id FROM {ident(obj.name)} WHERE {ident(key.name)} = ? AND IsDeleted = 0",  # noqa: S608
            (stored,))]
        if len(matches) > 1:
            raise DuplicateExternalId(key.name, str(key_value), matches)
        if matches:
            self.update(obj.name, matches[0], values)
            return matches[0], False
        return self.insert(obj.name, {**values, key.name: key_value}), True

    @staticmethod
    def external_key(obj: ObjectDef, key_field: str) -> FieldDef:
        """The field an upsert matches on: Id, an External ID or another idLookup field."""
        try:
            key = obj.field(key_field)
        except UnknownField:
            raise RecordError("INVALID_FIELD", f"No such column '{key_field}' on sobject of type {obj.name}",
                              [key_field]) from None
        if not (key.external_id or key.id_lookup):
            raise RecordError("INVALID_FIELD", f"Field {key.name} is not an External ID or indexed field "
                              f"for {obj.name}", [key.name])
        return key

    # -- validation ---------------------------------------------------------------------
    def _incoming(self, obj: ObjectDef, values: dict[str, Any], *, creating: bool, system: bool,
                  record_id: str | None = None) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for raw_name, value in values.items():
            if raw_name == "attributes":
                continue
            try:
                definition = obj.field(raw_name)
            except UnknownField:
                raise RecordError("INVALID_FIELD", f"No such column '{raw_name}' on sobject of type {obj.name}",
                                  [raw_name]) from None
            name = definition.name
            if name == "Id":
                if creating and not system:
                    raise RecordError("INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call", ["Id"])
                if not creating and value is not None and record_id and normalize_id(value) != record_id:
                    raise RecordError("INVALID_ID_FIELD", "Id in the body does not match the record", ["Id"])
                if not creating:
                    continue
            allowed = system or (definition.createable if creating else definition.updateable) or (
                creating and name.lower() in AUDIT_FIELDS)
            if not allowed:
                raise RecordError("INVALID_FIELD_FOR_INSERT_UPDATE",
                                  f"Unable to create/update fields: {name}. Please check the security settings "
                                  "of this field and verify that it is read/write for your profile or permission set.",
                                  [name])
            row[name] = to_storage(definition, value)
        return row

    def _complete_new(self, obj: ObjectDef, row: dict[str, Any]) -> dict[str, Any]:
        complete: dict[str, Any] = {}
        for definition in obj.fields.values():
            if definition.default_value is not None and definition.name not in row:
                complete[definition.name] = to_storage(definition, definition.default_value)
        complete.update(row)
        if not complete.get("Id"):
            complete["Id"] = self.store.new_id(self.conn, obj)
        complete["IsDeleted"] = 0
        complete.setdefault("CreatedDate", None)
        complete["CreatedDate"] = complete["CreatedDate"] or self.now
        complete["CreatedById"] = complete.get("CreatedById") or self.user_id
        complete["LastModifiedDate"] = complete.get("LastModifiedDate") or self.now
        complete["LastModifiedById"] = complete.get("LastModifiedById") or self.user_id
        complete["SystemModstamp"] = self.now
        for audit in ("LastModifiedDate", "LastModifiedById", "SystemModstamp"):
            if not obj.has_field(audit):  # field history rows have none of these
                complete.pop(audit)
        if obj.has_field("OwnerId") and not complete.get("OwnerId"):
            complete["OwnerId"] = self.user_id
        if obj.custom and obj.has_field("Name") and not obj.field("Name").createable and not complete.get("Name"):
            complete["Name"] = self.store.autonumber_name(obj)
        return complete

    @staticmethod
    def _check_required(obj: ObjectDef, row: dict[str, Any]) -> None:
        missing = [f.name for f in obj.fields.values()
                   if not f.nillable and f.createable and f.type != "boolean" and row.get(f.name) is None]
        if missing:
            raise RecordError("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]",
                              missing)

    def _check_references(self, obj: ObjectDef, row: dict[str, Any], names: Any) -> None:
        for name in names:
            definition = obj.fields.get(name.lower())
            value = row.get(name)
            if definition is None or definition.type != "reference" or value is None:
                continue
            targets = [self.store.schema.object(t) for t in definition.reference_to
                       if self.store.schema.has_object(t)]
            target = next((t for t in targets if t.key_prefix == value[:3]), None)
            if target is None:
                raise RecordError("FIELD_INTEGRITY_EXCEPTION",
                                  f"{definition.label}: id value of incorrect type: {value}", [definition.name])
            found = self.conn.execute(f"SELECT IsDeleted FROM {ident(target.name)} WHERE Id = ?",  # noqa: S608
                                      (value,)).fetchone()
            if found is None:
                raise RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [definition.name])
            if found[0]:
                raise RecordError("ENTITY_IS_DELETED", "entity is deleted", [definition.name])

    def _check_unique(self, obj: ObjectDef, row: dict[str, Any], own_id: str | None) -> None:
        for definition in obj.fields.values():
            if not definition.unique or row.get(definition.name) is None:
                continue
            other = self.conn.execute(
                f"SELECT Id FROM {ident(obj.name)} WHERE {ident(definition.name)} = ? "  # noqa: S608
                "AND IsDeleted = 0 AND Id != ?", (row[definition.name], own_id or "")).fetchone()
            if other is not None:
                raise RecordError("DUPLICATE_VALUE", f"duplicate value found: {definition.name} duplicates "
                                  f"value on record with id: {other[0]}", [definition.name])

    def _existing(self, obj: ObjectDef, record_id: str) -> dict[str, Any]:
        if not looks_like_id(record_id):
            raise RecordError("MALFORMED_ID", f"malformed id {record_id}", ["Id"])
        rows = fetch_dicts(self.conn, f"SELECT * FROM {ident(obj.name)} WHERE Id = ?",  # noqa: S608
                           (normalize_id(record_id),))
        if not rows:
            raise RecordNotFound("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [])
        if rows[0]["IsDeleted"]:
            raise RecordError("ENTITY_IS_DELETED", "entity is deleted", [])
        return rows[0]

    def _write_history(self, obj: ObjectDef, old: dict[str, Any], row: dict[str, Any], changed: list[str]) -> None:
        tracked = [f for f in TRACKED_FIELDS.get(obj.name, ()) if f in changed]
        history_name = f"{obj.name}History"
        if not tracked or not self.store.schema.has_object(history_name):
            return
        for name in tracked:
            self.insert(history_name, {f"{obj.name}Id": old["Id"], "Field": name,
                                       "OldValue": _text(old.get(name)), "NewValue": _text(row.get(name)),
                                       "DataType": obj.field(name).type.capitalize()}, system=True)

    def _derive_context(self) -> derived.DeriveContext:
        return derived.DeriveContext(
            lookup=self.lookup, now=self.now, standard_pricebook_id=self.store.standard_pricebook_id,
            autonumber=self.store.autonumber_value, find_standard_entry=self._standard_entry)

    def lookup(self, sobject: str, record_id: str) -> dict[str, Any] | None:
        """A stored row by id (deleted rows included), or None."""
        rows = fetch_dicts(self.conn, f"SELECT * FROM {ident(sobject)} WHERE Id = ?", (record_id,))  # noqa: S608
        return rows[0] if rows else None

    def _standard_entry(self, product_id: str) -> dict[str, Any] | None:
        rows = fetch_dicts(self.conn, 'SELECT * FROM "PricebookEntry" WHERE Product2Id = ? AND '
                           "Pricebook2Id = ? AND IsDeleted = 0", (product_id, self.store.standard_pricebook_id))
        return rows[0] if rows else None

    # -- savepoints ---------------------------------------------------------------------
    def savepoint(self) -> _Savepoint:
        """A savepoint context: an exception inside rolls back to it and propagates."""
        self._savepoints += 1
        return _Savepoint(self, f"sp{self._savepoints}")


class _Savepoint:
    def __init__(self, writer: Writer, name: str) -> None:
        self.writer = writer
        self.name = name
        self.events_before = 0

    def __enter__(self) -> None:
        self.events_before = len(self.writer.events)
        self.writer.conn.execute(f"SAVEPOINT {self.name}")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.writer.conn.execute(f"RELEASE {self.name}")
            return
        self.writer.conn.execute(f"ROLLBACK TO {self.name}")
        self.writer.conn.execute(f"RELEASE {self.name}")
        del self.writer.events[self.events_before:]
        if isinstance(exc, sqlite3.IntegrityError):
            raise RecordError("DUPLICATE_VALUE", f"duplicate value found: {exc}", []) from exc


def values_keys(obj: ObjectDef, values: dict[str, Any]) -> list[str]:
    """Canonical names of the fields a client sent."""
    return [obj.fields[k.lower()].name for k in values if k != "attributes" and k.lower() in obj.fields]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
