"""Micro-benchmark: records/s for 2,000-record SOQL pages over N generated Accounts.

``measure()`` builds an in-memory org (Users, Accounts with an owner, Contacts), then pages
through a query the way the REST layer does (``total`` once, then ``fetch`` per page) and
reports throughput. ``make bench`` calls it; it is also handy when changing the compiler.
"""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta

from emulator.ids import make_id
from emulator.schema import ChildRelationship, FieldDef, ObjectDef, Schema
from emulator.soql.ddl import create_tables
from emulator.soql.query import prepare

DEFAULT_QUERY = ("SELECT Id, Name, Industry, AnnualRevenue, NumberOfEmployees, Owner.Name, "
                 "CreatedDate, SystemModstamp FROM Account WHERE IsDeleted = false")
CHILD_QUERY = ("SELECT Id, Name, Owner.Name, (SELECT Id, LastName, Email FROM Contacts) "
               "FROM Account")
_BASE = datetime(2025, 1, 1, tzinfo=UTC)


def bench_schema() -> Schema:
    """User, Account and Contact with the fields the benchmark fills."""
    schema = Schema()

    def obj(name: str, prefix: str, *fields: tuple[str, str, tuple[str, ...], str | None]) -> None:
        definition = ObjectDef(name=name, key_prefix=prefix)
        for fname, ftype, targets, rel in [("Id", "id", (), None), ("IsDeleted", "boolean", (), None),
                                           ("CreatedDate", "datetime", (), None),
                                           ("SystemModstamp", "datetime", (), None), *fields]:
            definition.add_field(FieldDef(name=fname, type=ftype, reference_to=targets,
                                          relationship_name=rel))
        schema.add(definition)

    obj("User", "005", ("Name", "string", (), None))
    obj("Account", "001", ("Name", "string", (), None), ("Industry", "picklist", (), None),
        ("AnnualRevenue", "currency", (), None), ("NumberOfEmployees", "int", (), None),
        ("OwnerId", "reference", ("User",), "Owner"))
    obj("Contact", "003", ("LastName", "string", (), None), ("Email", "email", (), None),
        ("AccountId", "reference", ("Account",), "Account"), ("OwnerId", "reference", ("User",), "Owner"))
    schema.object("Account").child_relationships["contacts"] = ChildRelationship(
        "Contacts", "Contact", "AccountId")
    return schema


def build_org(rows: int, contacts_per_account: int = 2, seed: int = 7) -> tuple[sqlite3.Connection, Schema]:
    """An in-memory org with ``rows`` Accounts (and their Contacts)."""
    rng = random.Random(seed)
    schema = bench_schema()
    conn = sqlite3.connect(":memory:")
    create_tables(conn, schema)
    users = [make_id("005", i) for i in range(1, 51)]
    conn.executemany('INSERT INTO "User" ("Id", "Name", "IsDeleted") VALUES (?, ?, 0)',
                     [(u, f"User {i}") for i, u in enumerate(users)])

    def stamp(i: int) -> str:
        moment = _BASE + timedelta(minutes=i)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")

    industries = ["Technology", "Retail", "Finance", "Healthcare", None]
    conn.executemany(
        'INSERT INTO "Account" ("Id", "IsDeleted", "Name", "Industry", "AnnualRevenue", '
        '"NumberOfEmployees", "OwnerId", "CreatedDate", "SystemModstamp") VALUES (?,?,?,?,?,?,?,?,?)',
        ((make_id("001", i), 0, f"Account {i}", rng.choice(industries), rng.random() * 1e7,
          rng.randint(1, 5000), rng.choice(users), stamp(i), stamp(i)) for i in range(1, rows + 1)))
    conn.executemany(
        'INSERT INTO "Contact" ("Id", "IsDeleted", "LastName", "Email", "AccountId", "OwnerId") '
        "VALUES (?,?,?,?,?,?)",
        ((make_id("003", i), 0, f"Last {i}", f"c{i}@example.com",
          make_id("001", (i - 1) // contacts_per_account + 1), rng.choice(users))
         for i in range(1, rows * contacts_per_account + 1)))
    conn.commit()
    return conn, schema


def measure(rows: int = 10_000, page_size: int = 2_000, soql: str = DEFAULT_QUERY,
            conn: sqlite3.Connection | None = None, schema: Schema | None = None) -> dict[str, float]:
    """Page through ``soql`` over ``rows`` generated Accounts; returns throughput figures.

    Returns a dict with ``records``, ``pages``, ``seconds`` and ``records_per_s`` (time spent in
    prepare + total + fetch, excluding building the org).
    """
    if conn is None or schema is None:
        conn, schema = build_org(rows)
    started = time.perf_counter()
    query = prepare(soql, schema, now=datetime.now(UTC))
    total = query.total(conn)
    fetched = pages = 0
    while fetched < total:
        page = query.fetch(conn, fetched, page_size)
        if not page:
            break
        fetched += len(page)
        pages += 1
    seconds = time.perf_counter() - started
    return {"records": fetched, "pages": pages, "seconds": round(seconds, 4),
            "records_per_s": round(fetched / seconds if seconds else 0.0, 1)}


if __name__ == "__main__":  # pragma: no cover - manual use
    import json
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    connection, org_schema = build_org(count)
    print(json.dumps({"flat": measure(count, conn=connection, schema=org_schema),
                      "child": measure(count, soql=CHILD_QUERY, conn=connection, schema=org_schema)}))
