"""SQLite plumbing for the store: identifiers, DDL following emulator/schema.py's storage
convention, a small connection pool, and id sequences."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from emulator.ids import make_id
from emulator.schema import FieldDef, ObjectDef, Schema

_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SQL_TYPES = {"boolean": "INTEGER", "int": "INTEGER", "double": "REAL", "currency": "REAL",
              "percent": "REAL", "long": "INTEGER"}
# Records the emulator creates itself (org, users, standard price book) use sequences from
# here up, so ids the generator makes with emulator.ids.make_id(prefix, n) never collide.
RESERVED_SEQUENCE = 62**10 - 62**3


def ident(name: str) -> str:
    """A quoted SQL identifier for a schema name (names are validated, never user text)."""
    if not _IDENT.match(name):
        raise ValueError(f"not a valid object or field name: {name!r}")
    return f'"{name}"'


def sequence_of(record_id: str) -> int:
    """The sequence number encoded in an emulator id (characters 6-15)."""
    value = 0
    for char in record_id[5:15]:
        value = value * 62 + _ALPHABET.index(char)
    return value


def _column_sql(definition: FieldDef) -> str:
    sql_type = _SQL_TYPES.get(definition.type, "TEXT")
    column = f"{ident(definition.name)} {sql_type}"
    if definition.type == "id":
        return column + " PRIMARY KEY"
    if definition.unique or definition.external_id or definition.id_lookup:
        # Salesforce compares external ids and unique text case-insensitively by default.
        column += " COLLATE NOCASE"
    return column


def _indexed(definition: FieldDef) -> bool:
    return (definition.type == "reference" and definition.name not in ("CreatedById", "LastModifiedById")) or (
        definition.unique or definition.external_id or (definition.id_lookup and definition.type != "id"))


def ensure_tables(conn: sqlite3.Connection, schema: Schema) -> None:
    """Create missing tables, columns and indexes (existing data is kept on restart)."""
    conn.execute("CREATE TABLE IF NOT EXISTS _emulator_sequences (sobject TEXT PRIMARY KEY, next INTEGER)")
    conn.execute("CREATE TABLE IF NOT EXISTS _emulator_meta (key TEXT PRIMARY KEY, value TEXT)")
    for obj in schema.objects.values():
        table = ident(obj.name)
        existing = {row[1].lower() for row in conn.execute(f"PRAGMA table_info({table})")}
        if not existing:
            columns = ", ".join(_column_sql(f) for f in obj.fields.values())
            conn.execute(f"CREATE TABLE {table} ({columns})")
        else:
            for definition in obj.fields.values():
                if definition.name.lower() not in existing:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {_column_sql(definition)}")
        for definition in obj.fields.values():
            if _indexed(definition):
                index = ident(f"ix_{obj.name}_{definition.name}")
                conn.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} ({ident(definition.name)})")
        if obj.has_field("SystemModstamp"):
            conn.execute(f"CREATE INDEX IF NOT EXISTS {ident('ix_' + obj.name + '_SystemModstamp')} "
                         f"ON {table} (\"SystemModstamp\")")


class ConnectionPool:
    """Reusable SQLite connections shared by the server's threads (one per request)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA cache_size=-65536")
        return conn

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """Borrow a connection; it goes back to the pool afterwards."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._open()
            with self._lock:
                self._all.append(conn)
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.rollback()
            with self._lock:
                self._idle.append(conn)

    def close(self) -> None:
        """Close every connection (the store is unusable afterwards)."""
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
            self._idle.clear()


class Sequences:
    """Per-object id sequences, persisted in the same transaction as the rows they name."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._next = {row[0]: row[1] for row in conn.execute("SELECT sobject, next FROM _emulator_sequences")}
        self._lock = threading.Lock()

    def new_id(self, conn: sqlite3.Connection, obj: ObjectDef) -> str:
        """The next id for ``obj`` (call inside the write transaction)."""
        with self._lock:
            value = max(self._next.get(obj.name, 1), 1)
            self._next[obj.name] = value + 1
        conn.execute("INSERT INTO _emulator_sequences VALUES (?, ?) ON CONFLICT(sobject) DO UPDATE "
                      "SET next = excluded.next WHERE excluded.next > next", (obj.name, value + 1))
        return make_id(obj.key_prefix, value)

    def seen(self, conn: sqlite3.Connection, obj: ObjectDef, ids: list[str]) -> None:
        """Move the sequence past ids created elsewhere (the generator's make_id ids)."""
        top = max((sequence_of(i) for i in ids if sequence_of(i) < RESERVED_SEQUENCE), default=-1)
        if top < 0:
            return
        with self._lock:
            value = max(self._next.get(obj.name, 1), top + 1)
            self._next[obj.name] = value
        conn.execute("INSERT INTO _emulator_sequences VALUES (?, ?) ON CONFLICT(sobject) DO UPDATE "
                      "SET next = excluded.next WHERE excluded.next > next", (obj.name, value))

    def value(self, sobject: str) -> int:
        """The next sequence number of ``sobject`` (for autonumbers)."""
        with self._lock:
            return self._next.get(sobject, 1)


def fetch_dicts(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
    """Rows as dicts keyed by column name."""
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
