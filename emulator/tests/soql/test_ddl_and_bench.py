"""The DDL helper's tables and indexes, and the micro-benchmark's contract."""

from __future__ import annotations

import sqlite3

from emulator.schema import FieldDef
from emulator.soql.bench import measure
from emulator.soql.ddl import create_tables
from emulator.tests.soql.org import build_schema


def _indexed_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    columns = set()
    for index in conn.execute(f'PRAGMA index_list("{table}")'):  # noqa: S608 - test schema name
        columns |= {row[2] for row in conn.execute(f'PRAGMA index_info("{index[1]}")')}
    return columns


def test_given_schema_when_tables_created_then_columns_and_indexes_follow_convention() -> None:
    schema = build_schema()
    conn = sqlite3.connect(":memory:")
    create_tables(conn, schema)
    info = {row[1]: row[2] for row in conn.execute('PRAGMA table_info("Product_Usage__c")')}
    assert info["Id"] == "TEXT" and info["Active_Users__c"] == "REAL" and info["IsDeleted"] == "INTEGER"
    assert {"Id", "Account__c", "OwnerId", "SystemModstamp", "CreatedDate"} <= _indexed_columns(conn, "Product_Usage__c")
    assert {"WhatId", "WhoId"} <= _indexed_columns(conn, "Task")


def test_given_existing_tables_when_field_added_then_column_added() -> None:
    schema = build_schema()
    conn = sqlite3.connect(":memory:")
    create_tables(conn, schema)
    schema.object("Account").add_field(FieldDef(name="Health__c", type="double", custom=True))
    create_tables(conn, schema)
    columns = {row[1] for row in conn.execute('PRAGMA table_info("Account")')}
    assert "Health__c" in columns


def test_given_generated_rows_when_measured_then_every_record_paged_once() -> None:
    result = measure(rows=2_500, page_size=1_000)
    assert result["records"] == 2_500 and result["pages"] == 3
    assert result["records_per_s"] > 0
