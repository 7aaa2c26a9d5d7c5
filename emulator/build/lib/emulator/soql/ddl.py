"""SQLite tables for a Schema, following the storage convention in ``emulator.schema``.

One table per object named as ``ObjectDef.name``, one column per field named as
``FieldDef.name``, ``Id`` the primary key. Indexes cover what the SOQL engine and the REST
layer look up by: reference fields (joins and child subqueries), the audit timestamps
(incremental pulls filter and order on SystemModstamp / CreatedDate / LastModifiedDate) and
external-id / unique fields (upsert).
"""

from __future__ import annotations

import sqlite3

from emulator.schema import FieldDef, ObjectDef, Schema
from emulator.soql.block import quote

_AFFINITY = {"int": "INTEGER", "long": "INTEGER", "boolean": "INTEGER", "double": "REAL",
             "currency": "REAL", "percent": "REAL"}
_TIMESTAMPS = ("SystemModstamp", "CreatedDate", "LastModifiedDate")


def column_type(definition: FieldDef) -> str:
    """The SQLite declared type (affinity) for a field."""
    return _AFFINITY.get(definition.type, "TEXT")


def _indexed(obj: ObjectDef) -> list[FieldDef]:
    chosen = []
    for definition in obj.fields.values():
        if definition.name == "Id":
            continue
        if (definition.type == "reference" or definition.name in _TIMESTAMPS
                or definition.external_id or definition.unique):
            chosen.append(definition)
    return chosen


def table_sql(obj: ObjectDef) -> list[str]:
    """CREATE TABLE / CREATE INDEX statements for one object (idempotent)."""
    columns = ['"Id" TEXT PRIMARY KEY']
    for definition in obj.fields.values():
        if definition.name != "Id":
            columns.append(f"{quote(definition.name)} {column_type(definition)}")
    statements = [f"CREATE TABLE IF NOT EXISTS {quote(obj.name)} ({', '.join(columns)})"]
    for definition in _indexed(obj):
        index = quote(f"ix_{obj.name}_{definition.name}")
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {index} ON {quote(obj.name)} ({quote(definition.name)})")
    return statements


def create_tables(conn: sqlite3.Connection, schema: Schema) -> None:
    """Create every object's table and indexes in ``conn`` (existing ones are kept).

    Fields added to an object after its table exists (metadata deployed later) are added
    as columns.
    """
    for obj in schema.objects.values():
        create, *indexes = table_sql(obj)
        conn.execute(create)
        existing = {row[1].lower() for row in conn.execute(f"PRAGMA table_info({quote(obj.name)})")}
        for definition in obj.fields.values():
            if definition.name.lower() not in existing:
                conn.execute(f"ALTER TABLE {quote(obj.name)} ADD COLUMN "
                             f"{quote(definition.name)} {column_type(definition)}")
        for statement in indexes:
            conn.execute(statement)
    conn.commit()
