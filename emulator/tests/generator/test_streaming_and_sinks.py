"""Generating into stores (a tiny SQLite sink and the emulator's own Store), renaming for
orgs with other names, and memory staying bounded while streaming."""

from __future__ import annotations

import json
import sqlite3
import tracemalloc
from pathlib import Path
from typing import Any

from emulator.generator import generate, generate_into
from emulator.generator.bench import measure
from emulator.generator.boundaries import SCENARIOS

from .conftest import NOW, generate_org

RENAMES = {"Account.Tier__c": "Customer_Tier__c", "Account.Health_Score__c": "CS_Health__c",
           "Tier__c": {"T1": "Strategic", "T2": "Growth", "T3": "Scale"},
           "StageName": {"S2 - Qualification": "Qualification", "Closed Won": "Won"}}
# Accounts stream through chunks of 200: the Python heap peak is one chunk's records
# (about 14 MB measured), whatever the size of the org.
HEAP_BOUND_MB = 48
ACCOUNTS_FOR_MEMORY = 2000


class SqliteSink:
    """The smallest store: one table per object, a column per key, rows as given."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        self.columns: dict[str, list[str]] = {}

    def insert_many(self, sobject: str, records: list[dict[str, Any]]) -> int:
        if sobject not in self.columns:
            self.columns[sobject] = list(records[0])
            cols = ", ".join(f'"{c}"' for c in self.columns[sobject])
            self.conn.execute(f'CREATE TABLE "{sobject}" ({cols}, PRIMARY KEY ("Id"))')
        cols = self.columns[sobject]
        marks = ", ".join("?" for _ in cols)
        # object names come from the generator, never from user input
        self.conn.executemany(f'INSERT INTO "{sobject}" VALUES ({marks})',  # noqa: S608
                              [[r[c] for c in cols] for r in records])
        return len(records)

    def count(self, sobject: str) -> int:
        return self.conn.execute(f'SELECT COUNT(*) FROM "{sobject}"').fetchone()[0]  # noqa: S608


def test_given_a_sqlite_sink_when_generated_into_then_rows_stats_and_truth_file_agree(tmp_path: Path) -> None:
    sink = SqliteSink(tmp_path / "org.sqlite3")
    stats = generate_into(sink, accounts=30, seed=9, truth_path=tmp_path / "truth.jsonl", now=NOW)
    assert stats.records["Account"] == sink.count("Account") == 30
    assert all(sink.count(sobject) == n for sobject, n in stats.records.items())
    assert stats.records["Organization"] == 1 and stats.records["Pricebook2"] == 1
    lines = (tmp_path / "truth.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["meta"]["accounts"] == 30 and len(lines) == 31
    orphans = sink.conn.execute('SELECT COUNT(*) FROM "Contact" WHERE "AccountId" NOT IN (SELECT "Id" FROM "Account")')
    assert orphans.fetchone()[0] == 0


def test_given_the_emulator_store_when_generated_into_then_its_org_and_price_book_are_reused(tmp_path: Path) -> None:
    from emulator.metadata import default_metadata_dir, load_metadata
    from emulator.standard_objects import standard_schema
    from emulator.store import Store

    schema = standard_schema()
    load_metadata(schema, default_metadata_dir())
    store = Store(schema, tmp_path / "org.sqlite3")
    try:
        stats = generate_into(store, accounts=25, seed=4, now=NOW)
        assert "Organization" not in stats.records and "Pricebook2" not in stats.records
        assert store.count("Account") == 25 and store.count("Organization") == 1 and store.count("Pricebook2") == 1
        books = {row["Pricebook2Id"] for row in store.query("SELECT Pricebook2Id FROM PricebookEntry")}
        assert books == {store.standard_pricebook_id}
        t1 = store.query("SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE Tier__c IN ('T1','T2','T3')")
        assert len(t1) == 25 and all(row["Contacts"]["totalSize"] >= 3 for row in t1)
    finally:
        store.close()


def test_given_a_naming_map_then_fields_and_values_are_renamed_and_truth_unchanged() -> None:
    plain = generate_org(len(SCENARIOS), seed=8)  # the boundary cases include health history
    renamed = generate_org(len(SCENARIOS), seed=8, naming=RENAMES)
    accounts = renamed.records["Account"]
    assert all("Tier__c" not in a and "Health_Score__c" not in a for a in accounts)
    assert {a["Customer_Tier__c"] for a in accounts} <= {"Strategic", "Growth", "Scale"}
    assert [a["CS_Health__c"] for a in accounts] == [a["Health_Score__c"] for a in plain.records["Account"]]
    stages = {o["StageName"] for o in renamed.records["Opportunity"]}
    assert "Won" in stages and "Closed Won" not in stages
    fields = {h["Field"] for h in renamed.records["AccountHistory"]}
    assert "CS_Health__c" in fields and "Health_Score__c" not in fields
    assert renamed.truth_text == plain.truth_text  # the truth speaks the product's own vocabulary


def test_given_a_structured_naming_with_object_renames_then_batches_use_the_new_object_name() -> None:
    naming = {"fields": {"Product_Usage__c.Usage_Units__c": "Units_Used__c"},
              "values": {"Contact.MEDDICC_Role__c": {"Champion": "Sponsor"}},
              "objects": {"Product_Usage__c": "Usage_Record__c"}}
    objects = {}
    for sobject, records in generate(5, 1, NOW, None, naming):
        objects.setdefault(sobject, []).extend(records)
    assert "Product_Usage__c" not in objects and "Units_Used__c" in objects["Usage_Record__c"][0]
    roles = {c["MEDDICC_Role__c"] for c in objects["Contact"]}
    assert "Sponsor" in roles and "Champion" not in roles


def test_given_thousands_of_accounts_when_streamed_to_a_null_sink_then_heap_peak_is_bounded_and_flat() -> None:
    # 2,000 accounts, not 5,000: tracemalloc makes generation ~7x slower and the suite must stay
    # fast; the per-chunk peaks below show the peak does not grow with the org (bench.py
    # reports 10,000 and 100,000).
    chunk_peaks: list[float] = []
    records = 0
    tracemalloc.start()
    try:
        for sobject, batch in generate(ACCOUNTS_FOR_MEMORY, 77, NOW, None, chunk_size=200):
            records += len(batch)
            if sobject == "Account":  # a new chunk was just built
                chunk_peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
                tracemalloc.reset_peak()
    finally:
        tracemalloc.stop()
    assert records > 150_000
    assert max(chunk_peaks) < HEAP_BOUND_MB, chunk_peaks
    assert max(chunk_peaks[-3:]) < 1.5 * max(chunk_peaks[:3]), chunk_peaks


def test_given_bench_measure_then_time_rate_and_memory_are_reported() -> None:
    result = measure(60, trace_memory=True)
    assert result["accounts"] == 60 and result["records"] > 3000 and result["seconds"] > 0
    assert result["peak_heap_mb"] > 0 and result["peak_rss_mb"] > 0 and result["estimate_100k_seconds"] > 0
