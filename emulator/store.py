"""The org's records in SQLite, one table per object and one column per field (see the
storage convention in emulator/schema.py).

Writes go through ``store.writer()`` (one transaction, serialized by a lock, validated by
emulator.writer.Writer) or ``store.insert_many`` (trusted bulk loading for the generator).
Reads borrow a pooled connection: ``with store.connection() as conn``.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from emulator import derived
from emulator.clock import Clock
from emulator.errors import RecordError
from emulator.ids import make_id
from emulator.schema import ObjectDef, Schema
from emulator.sqlstore import (
    RESERVED_SEQUENCE,
    ConnectionPool,
    Sequences,
    ensure_tables,
    fetch_dicts,
    ident,
)
from emulator.values import format_datetime, from_storage, looks_like_id, normalize_id
from emulator.writer import ChangeEvent, Writer

log = logging.getLogger(__name__)
Listener = Callable[[list[ChangeEvent]], None]

ADMIN_USERNAME = "admin@radar-emulator.example"
INTEGRATION_USERNAME = "integration@radar-emulator.example"
ORG_ID = make_id("00D", RESERVED_SEQUENCE)
ADMIN_USER_ID = make_id("005", RESERVED_SEQUENCE)
INTEGRATION_USER_ID = make_id("005", RESERVED_SEQUENCE + 1)
STANDARD_PRICEBOOK_ID = make_id("01s", RESERVED_SEQUENCE)


class Store:
    """Records of one emulated org.

    Args:
        schema: the org's objects and fields.
        path: the SQLite file (kept across restarts); a temp file when None.
        clock: the emulator's clock (CreatedDate of new records).
        time_zone: the Organization's TimeZoneSidKey on first start.
    """

    def __init__(self, schema: Schema, path: Path | None = None, clock: Clock | None = None,
                 time_zone: str = "America/Los_Angeles") -> None:
        self.schema = schema
        self.clock = clock or Clock()
        self._tempdir = None
        if path is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="radar-emulator-")
            path = Path(self._tempdir.name) / "org.sqlite3"
        self.path = path
        self.pool = ConnectionPool(path)
        self._write_lock = threading.RLock()
        self._listeners: list[Listener] = []
        self.org_id = ORG_ID
        self.admin_user_id = ADMIN_USER_ID
        self.integration_user_id = INTEGRATION_USER_ID
        self.standard_pricebook_id = STANDARD_PRICEBOOK_ID
        with self.pool.connection() as conn, self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            ensure_tables(conn, schema)
            conn.execute("COMMIT")
            self._sequences = Sequences(conn)
        if self.get_row("Organization", ORG_ID) is None:
            self._bootstrap(time_zone)
        row = self.get_row("Organization", ORG_ID) or {}
        # SOQL date literals (TODAY, LAST_N_DAYS:n) are evaluated in the org's time zone.
        self.time_zone: str = row.get("TimeZoneSidKey") or time_zone

    # -- connections and transactions -----------------------------------------------------
    @contextmanager
    def connection(self) -> Iterator[Any]:
        """Borrow a sqlite3 connection for reads (and for the SOQL engine)."""
        with self.pool.connection() as conn:
            yield conn

    @contextmanager
    def writer(self, user_id: str | None = None, conn: Any = None) -> Iterator[Writer]:
        """One write transaction: committed when the block ends, rolled back on an exception.
        Change events reach the listeners after the commit."""
        with self._write_lock, self._borrow(conn) as connection:
            connection.execute("BEGIN IMMEDIATE")
            writer = Writer(self, connection, user_id or self.admin_user_id, format_datetime(self.clock.now()))
            try:
                yield writer
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        self.dispatch(writer.events)

    @contextmanager
    def _borrow(self, conn: Any) -> Iterator[Any]:
        if conn is not None:
            yield conn
        else:
            with self.pool.connection() as borrowed:
                yield borrowed

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(events)`` after every committed write (triggers)."""
        self._listeners.append(listener)

    def dispatch(self, events: list[ChangeEvent]) -> None:
        """Hand committed change events to the listeners (never raises)."""
        if not events:
            return
        for listener in list(self._listeners):
            try:
                listener(events)
            except Exception:  # a broken trigger must not fail the write that fired it
                log.exception("change listener failed")

    def close(self) -> None:
        """Close connections and remove a temporary database."""
        self.pool.close()
        if self._tempdir is not None:
            self._tempdir.cleanup()

    # -- ids --------------------------------------------------------------------------------
    def new_id(self, conn: Any, obj: ObjectDef) -> str:
        """The next record id of ``obj``."""
        return self._sequences.new_id(conn, obj)

    def autonumber_value(self, sobject: str) -> int:
        """A number for autonumber fields (CaseNumber), taken from the id sequence."""
        return max(self._sequences.value(sobject) - 1, 1)

    def autonumber_name(self, obj: ObjectDef) -> str:
        """Name of a custom object whose name field is an autonumber."""
        from emulator.metadata import AUTONUMBER_FORMATS

        fmt = AUTONUMBER_FORMATS.get(obj.name, "{000000}")
        head, _, rest = fmt.partition("{")
        width = rest.count("0") or 6
        return f"{head}{self.autonumber_value(obj.name):0{width}d}"

    # -- convenience single-record operations -----------------------------------------------
    def insert(self, sobject: str, values: dict[str, Any], user_id: str | None = None) -> str:
        """Create one validated record (RecordError when invalid); returns its id."""
        with self.writer(user_id) as w:
            return w.insert(sobject, values)

    def update(self, sobject: str, record_id: str, values: dict[str, Any], user_id: str | None = None) -> list[str]:
        """Update one record; returns the changed fields."""
        with self.writer(user_id) as w:
            return w.update(sobject, record_id, values)

    def delete(self, sobject: str, record_id: str, user_id: str | None = None) -> None:
        """Soft-delete one record."""
        with self.writer(user_id) as w:
            w.delete(sobject, record_id)

    def upsert(self, sobject: str, key_field: str, key_value: Any, values: dict[str, Any],
               user_id: str | None = None) -> tuple[str, bool]:
        """Upsert one record by external id; returns (id, created)."""
        with self.writer(user_id) as w:
            return w.upsert(sobject, key_field, key_value, values)

    # -- reads ------------------------------------------------------------------------------
    def get_row(self, sobject: str, record_id: str, include_deleted: bool = False,
                conn: Any = None) -> dict[str, Any] | None:
        """The stored row (storage encodings) or None; ``conn`` to read inside a transaction."""
        if not looks_like_id(record_id):
            return None
        obj = self.schema.object(sobject)
        with self._borrow(conn) as connection:
            rows = fetch_dicts(connection, f"SELECT * FROM {ident(obj.name)} WHERE Id = ?",  # noqa: S608
                               (normalize_id(record_id),))
        if not rows or (rows[0]["IsDeleted"] and not include_deleted):
            return None
        return rows[0]

    def get(self, sobject: str, record_id: str, fields: Iterable[str] | None = None,
            version: str = "59.0", conn: Any = None) -> dict[str, Any] | None:
        """A record as REST returns it (attributes + JSON values), or None."""
        obj = self.schema.object(sobject)
        row = self.get_row(obj.name, record_id, conn=conn)
        if row is None:
            return None
        wanted = [obj.field(f) for f in fields] if fields else list(obj.fields.values())
        record: dict[str, Any] = {"attributes": {"type": obj.name,
                                                 "url": f"/services/data/v{version}/sobjects/{obj.name}/{row['Id']}"}}
        for definition in wanted:
            record[definition.name] = from_storage(definition, row.get(definition.name))
        return record

    def count(self, sobject: str, include_deleted: bool = False) -> int:
        """How many records of an object exist."""
        obj = self.schema.object(sobject)
        where = "" if include_deleted else " WHERE IsDeleted = 0"
        with self.connection() as conn:
            return conn.execute(f"SELECT COUNT(*) FROM {ident(obj.name)}{where}").fetchone()[0]  # noqa: S608

    def object_for_id(self, record_id: str) -> ObjectDef | None:
        """The object an id belongs to (by key prefix and, for shared prefixes, by lookup)."""
        candidates = [o for o in self.schema.objects.values() if o.key_prefix == record_id[:3]]
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        return next((o for o in candidates if self.get_row(o.name, record_id, True) is not None), candidates[0])

    def query(self, soql: str, include_deleted: bool = False) -> list[dict[str, Any]]:
        """All records of a SOQL query (for tests and seeding scripts)."""
        from emulator.soql import prepare

        prepared = prepare(soql, self.schema, now=self.clock.now(), include_deleted=include_deleted,
                           tz=self.time_zone)
        with self.connection() as conn:
            total = prepared.total(conn)
            if prepared.is_count:
                return [{"expr0": total}]
            records = prepared.fetch(conn, 0, max(total, 1))
        for record in records:
            fill_version(record, "59.0")
        return records

    # -- bulk loading -----------------------------------------------------------------------
    def insert_many(self, sobject: str, records: Iterable[dict[str, Any]], chunk_size: int = 5000) -> int:
        """Load trusted records fast (the generator's path): no validation and no triggers,
        system fields defaulted, cheap derived fields filled, ids kept when given (made by
        emulator.ids.make_id). Returns the number of rows written."""
        obj = self.schema.object(sobject)
        now = format_datetime(self.clock.now())
        written = 0
        with self._write_lock, self.pool.connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                chunk: list[dict[str, Any]] = []
                for record in records:
                    chunk.append(record)
                    if len(chunk) >= chunk_size:
                        written += self._insert_chunk(conn, obj, chunk, now)
                        chunk = []
                if chunk:
                    written += self._insert_chunk(conn, obj, chunk, now)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        return written

    def _insert_chunk(self, conn: Any, obj: ObjectDef, chunk: list[dict[str, Any]], now: str) -> int:
        rows = [_trusted_row(obj, record) for record in chunk]
        for row in rows:
            if not row.get("Id"):
                row["Id"] = self.new_id(conn, obj)
            row.setdefault("IsDeleted", 0)
            created = row.setdefault("CreatedDate", now)
            row.setdefault("LastModifiedDate", created)
            row.setdefault("SystemModstamp", row["LastModifiedDate"])
            row.setdefault("CreatedById", self.admin_user_id)
            row.setdefault("LastModifiedById", row["CreatedById"])
            if "ownerid" in obj.fields:
                row.setdefault("OwnerId", self.admin_user_id)
            for audit in ("LastModifiedDate", "LastModifiedById", "SystemModstamp"):
                if audit.lower() not in obj.fields:  # field history rows have none of these
                    row.pop(audit)
            derived.derive_trusted(obj.name, row)
        columns = sorted({key for row in rows for key in row})
        unknown = [c for c in columns if c.lower() not in obj.fields]
        if unknown:
            raise RecordError("INVALID_FIELD", f"No such column '{unknown[0]}' on sobject of type {obj.name}", unknown)
        conn.executemany(
            f"INSERT INTO {ident(obj.name)} ({', '.join(ident(c) for c in columns)}) "  # noqa: S608
            f"VALUES ({', '.join('?' for _ in columns)})", [[row.get(c) for c in columns] for row in rows])
        self._sequences.seen(conn, obj, [row["Id"] for row in rows])
        return len(rows)

    # -- first start -------------------------------------------------------------------------
    def _bootstrap(self, time_zone: str) -> None:
        now = format_datetime(self.clock.now())
        self.insert_many("Organization", [{"Id": ORG_ID, "Name": "Expansion Radar Emulated Org",
                                           "TimeZoneSidKey": time_zone, "OrganizationType": "Enterprise Edition",
                                           "InstanceName": "EMU1", "IsSandbox": 0, "DefaultLocaleSidKey": "en_US",
                                           "LanguageLocaleKey": "en_US", "CreatedById": ADMIN_USER_ID}])
        users = [(ADMIN_USER_ID, ADMIN_USERNAME, "Org", "Admin"),
                 (INTEGRATION_USER_ID, INTEGRATION_USERNAME, "Radar", "Integration")]
        self.insert_many("User", [{"Id": uid, "Username": username, "FirstName": first, "LastName": last,
                                   "Email": username, "Alias": last[:8].lower(), "IsActive": 1,
                                   "TimeZoneSidKey": time_zone, "CreatedDate": now}
                                  for uid, username, first, last in users])
        self.insert_many("Pricebook2", [{"Id": STANDARD_PRICEBOOK_ID, "Name": "Standard Price Book",
                                         "IsActive": 1, "IsStandard": 1}])


def _trusted_row(obj: ObjectDef, record: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in record.items():
        if key == "attributes":
            continue
        definition = obj.fields.get(key.lower())
        name = definition.name if definition is not None else key
        if isinstance(value, bool):
            value = int(value)
        elif isinstance(value, datetime):
            value = format_datetime(value)
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, list | tuple):
            value = ";".join(str(v) for v in value)
        row[name] = value
    return row


def fill_version(record: Any, version: str) -> None:
    """Replace the "{version}" placeholder the SOQL engine leaves in attribute urls."""
    if isinstance(record, dict):
        attributes = record.get("attributes")
        if isinstance(attributes, dict) and isinstance(attributes.get("url"), str):
            attributes["url"] = attributes["url"].replace("{version}", version)
        for value in record.values():
            if isinstance(value, dict):
                fill_version(value, version)
                for child in value.get("records", []) if isinstance(value.get("records"), list) else []:
                    fill_version(child, version)
