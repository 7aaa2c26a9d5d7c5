"""Emulator throughput through simple-salesforce over HTTPS (what every client pays).

- Query pages: ``SELECT ... FROM Account`` read page by page (2,000 records a page, the
  REST default and maximum, ``query`` then ``queryMore`` by ``nextRecordsUrl``), and the
  same with a child subquery of Contacts (a page then carries ~8x the rows).
- Collection writes: ``PATCH /composite/sobjects`` updating 200 Accounts a call and
  ``POST /composite/sobjects`` creating 200 Tasks a call, ``allOrNone`` false.

Every figure carries the API calls it spent (the emulator's metered counter).
"""

from __future__ import annotations

import time
from typing import Any

from bench.orgs import BenchOrg
from bench.ui import Ui

FLAT_QUERY = ("SELECT Id, Name, Industry, AnnualRevenue, NumberOfEmployees, OwnerId, Tier__c, "
              "Health_Score__c, ARR__c, Renewal_Date__c, SystemModstamp FROM Account")
CHILD_QUERY = ("SELECT Id, Name, (SELECT Id, FirstName, LastName, Title, Email FROM Contacts) "
               "FROM Account")
BATCH = 200


def _query_pages(org: BenchOrg, soql: str, max_pages: int | None) -> dict[str, Any]:
    sf = org.emu.salesforce()
    before = org.api_used()
    started = time.perf_counter()
    page = sf.query(soql)
    records = len(page["records"])
    children = sum(len((r.get("Contacts") or {}).get("records", [])) for r in page["records"])
    pages = 1
    while not page["done"] and (max_pages is None or pages < max_pages):
        page = sf.query_more(page["nextRecordsUrl"], identifier_is_url=True)
        records += len(page["records"])
        children += sum(len((r.get("Contacts") or {}).get("records", []))
                        for r in page["records"])
        pages += 1
    seconds = time.perf_counter() - started
    return {"records": records, "child_rows": children, "pages": pages,
            "records_per_page": round(records / pages), "seconds": round(seconds, 3),
            "records_per_s": round(records / seconds, 1), "api_calls": org.api_used() - before}


def _collection_writes(org: BenchOrg, calls: int) -> dict[str, Any]:
    sf = org.emu.salesforce()
    ids = [r["Id"] for r in org.emu.store.query(
        f"SELECT Id FROM Account ORDER BY Id LIMIT {calls * BATCH}")]  # noqa: S608 - an int
    before = org.api_used()
    started = time.perf_counter()
    updated = failed = 0
    for start in range(0, len(ids), BATCH):
        records = [{"attributes": {"type": "Account"}, "id": aid,
                    "Description": f"bench write {start + i}"}
                   for i, aid in enumerate(ids[start:start + BATCH])]
        results = sf.restful("composite/sobjects", method="PATCH",
                             json={"allOrNone": False, "records": records})
        updated += sum(1 for r in results if r.get("success"))
        failed += sum(1 for r in results if not r.get("success"))
    update_seconds = time.perf_counter() - started
    update_calls = org.api_used() - before
    before = org.api_used()
    started = time.perf_counter()
    created = 0
    for start in range(0, len(ids), BATCH):
        records = [{"attributes": {"type": "Task"}, "Subject": f"bench task {start + i}",
                    "WhatId": aid, "Status": "Not Started", "Priority": "Normal"}
                   for i, aid in enumerate(ids[start:start + BATCH])]
        results = sf.restful("composite/sobjects", method="POST",
                             json={"allOrNone": False, "records": records})
        created += sum(1 for r in results if r.get("success"))
        failed += sum(1 for r in results if not r.get("success"))
    create_seconds = time.perf_counter() - started
    return {
        "update_accounts": {"records": updated, "calls": update_calls,
                            "records_per_call": BATCH, "seconds": round(update_seconds, 3),
                            "records_per_s": round(updated / update_seconds, 1)},
        "create_tasks": {"records": created, "calls": org.api_used() - before,
                         "records_per_call": BATCH, "seconds": round(create_seconds, 3),
                         "records_per_s": round(created / create_seconds, 1)},
        "failed_records": failed,
    }


def measure(org: BenchOrg, ui: Ui, write_calls: int = 25,
            max_child_pages: int | None = 10) -> dict[str, Any]:
    """Query-page and collection-write throughput of ``org`` (see the module doc)."""
    task = ui.task(f"{org.accounts:,} accounts: emulator query pages and collection writes",
                   total=3)
    flat = _query_pages(org, FLAT_QUERY, None)
    ui.update(task, completed=1)
    child = _query_pages(org, CHILD_QUERY, max_child_pages)
    ui.update(task, completed=2)
    writes = _collection_writes(org, write_calls)
    ui.done(task)
    return {"accounts": org.accounts, "client": "simple-salesforce over HTTPS",
            "query_pages_2000": flat, "query_pages_with_contacts_subquery": child,
            "collection_writes_200": writes}
