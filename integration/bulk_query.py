"""Bulk API 2.0 query: run a job, download its result pages, give the rows back sorted.

Bulk queries cannot ORDER BY (Bulk API 2.0 Developer Guide, "Understanding Bulk API 2.0
Query": ORDER BY disables PK chunking and is unsupported), while the per-account merge
needs rows sorted by account id. The rows therefore go into a temporary SQLite file and
come back out ``ORDER BY key, Id``: SQLite sorts on disk. Result pages are downloaded to
a temporary file and parsed row by row, so memory stays at one row plus SQLite's page
cache, whatever the object's size or the length of its text fields.

Calls: 1 create + polls (>= 1) + ceil(n / maxRecords) result pages (+ 1 describe per
object, cached, to type the CSV cells).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from typing import TextIO

from integration.bulk_csv import csv_records, field_types
from integration.contracts import Record
from integration.errors import SalesforceFailure
from integration.gateway import SalesforceGateway
from integration.read_plan import path_value

MAX_POLLS = 2_000
MAX_RESULT_PAGES = 100_000
FIRST_POLL_DELAY = 0.05
MAX_POLL_DELAY = 2.0


def run_query_job(gateway: SalesforceGateway, soql: str) -> str:
    """Create a query job and poll until it completes; return the job id.

    Raises:
        SalesforceFailure: the job failed or was aborted (with Salesforce's message).
    """
    job = gateway.rest("POST", "jobs/query", "bulk_job_step",
                       json={"operation": "query", "query": soql})
    job_id = job["id"]
    delay = FIRST_POLL_DELAY
    for _ in range(MAX_POLLS):
        state = gateway.rest("GET", f"jobs/query/{job_id}", "bulk_job_step")
        status = state.get("state")
        if status == "JobComplete":
            return job_id
        if status in ("Failed", "Aborted"):
            raise SalesforceFailure(
                "BULK_QUERY_FAILED",
                f"Bulk query job {job_id} {status.lower()}: {state.get('errorMessage', '')}")
        gateway.poll_sleep(delay)
        delay = min(MAX_POLL_DELAY, delay * 2)
    raise SalesforceFailure("BULK_QUERY_TIMEOUT", f"Bulk query job {job_id} did not finish")


@contextlib.contextmanager
def _opened(path: str) -> Iterator[TextIO]:
    """A downloaded CSV page opened as text (UTF-8: Bulk API 2.0 CSV); deleted after."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            yield handle
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def iter_result_pages(gateway: SalesforceGateway, job_id: str,
                      max_records: int) -> Iterator[TextIO]:
    """Each result page (``maxRecords`` rows, following ``Sforce-Locator``) as an open text
    file: the page is downloaded to a temporary file and read row by row, so memory
    holds one row, not the page (50,000 rows of long text fields run to hundreds of MB)."""
    locator: str | None = None
    for _ in range(MAX_RESULT_PAGES):
        params: dict[str, str | int] = {"maxRecords": max_records}
        if locator:
            params["locator"] = locator
        path, headers = gateway.download(f"jobs/query/{job_id}/results", "bulk_job_step",
                                         params=params, headers={"Accept": "text/csv"})
        locator = headers.get("Sforce-Locator")
        with _opened(path) as page:
            yield page
        if not locator or locator == "null":
            return
    raise SalesforceFailure("TOO_MANY_PAGES", f"bulk job {job_id} has too many result pages")


class SortedBulkRows:
    """All rows of one bulk query, on local disk, readable sorted by account key."""

    def __init__(self, key_path: str) -> None:
        self.key_path = key_path
        handle, self.path = tempfile.mkstemp(prefix="radar-bulk-", suffix=".sqlite")
        os.close(handle)
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-8000")  # ~8 MB page cache
        self.db.execute("CREATE TABLE rows (k TEXT, id TEXT, data TEXT)")
        self.count = 0

    def add(self, records: Iterator[Record]) -> None:
        rows = ((path_value(r, self.key_path), r.get("Id"), json.dumps(r)) for r in records)
        before = self.db.total_changes
        self.db.executemany("INSERT INTO rows VALUES (?, ?, ?)", rows)
        self.count += self.db.total_changes - before

    def sorted(self) -> Iterator[Record]:
        """Rows by (key, Id) — NULL keys first, as SOQL's ASC NULLS FIRST."""
        self.db.commit()
        # A full scan holds one of these open per bulk-read object (13 at 100,000 accounts)
        # for the whole merge. SQLite sizes the sorter's in-memory runs from cache_size, so
        # 8 MB of page cache plus 8 MB runs each cost a worker ~200 MB; 1 MB each is enough
        # for a sequential read and a disk merge (bench/results.json, worker peak RSS).
        self.db.execute("PRAGMA cache_size=-1024")
        self.db.execute("PRAGMA shrink_memory")
        for (data,) in self.db.execute("SELECT data FROM rows ORDER BY k, id"):
            yield json.loads(data)

    def close(self) -> None:
        self.db.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def bulk_sorted_records(gateway: SalesforceGateway, sobject: str, soql: str, key_path: str,
                        max_records: int) -> Iterator[Record]:
    """Run ``soql`` as a Bulk API 2.0 query and yield its rows sorted by ``key_path``."""
    types = field_types(gateway.describe(sobject))
    job_id = run_query_job(gateway, soql)
    store = SortedBulkRows(key_path)
    try:
        for page in iter_result_pages(gateway, job_id, max_records):
            store.add(csv_records(page, types))
        yield from store.sorted()
    finally:
        store.close()


def bulk_records(gateway: SalesforceGateway, sobject: str, soql: str,
                 max_records: int) -> Iterator[Record]:
    """Rows of a Bulk API 2.0 query in result order (portfolio-wide objects)."""
    types = field_types(gateway.describe(sobject))
    job_id = run_query_job(gateway, soql)
    for page in iter_result_pages(gateway, job_id, max_records):
        yield from csv_records(page, types)
