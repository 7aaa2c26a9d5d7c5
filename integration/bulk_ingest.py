"""Bulk API 2.0 ingest for large write batches (above the writer's bulk threshold).

Steps (Bulk API 2.0 Developer Guide, "Walkthrough for Bulk Insert"): POST ``jobs/ingest``
(state Open) -> PUT ``jobs/ingest/{id}/batches`` (text/csv, 201) -> PATCH state
``UploadComplete`` -> poll until ``JobComplete``/``Failed``/``Aborted`` ->
``successfulResults`` and ``failedResults`` (and ``unprocessedrecords`` for a failed job).
Calls: 3 + polls (>= 1) + 2 (+1 when the job failed), whatever the number of rows, versus
ceil(n / 200) sObject Collections calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from integration.bulk_csv import csv_text, ingest_csv, parse_bulk_error, result_rows
from integration.contracts import RecordError
from integration.errors import SalesforceFailure
from integration.gateway import SalesforceGateway

MIN_STEPS = 6  # create, upload, close, one poll, successful, failed
MAX_POLLS = 2_000


@dataclass
class IngestResult:
    """Per-row results keyed by the value of the correlation column."""

    succeeded: dict[str, tuple[str, bool]] = field(default_factory=dict)  # key -> (id, created)
    failed: dict[str, tuple[RecordError, ...]] = field(default_factory=dict)
    unprocessed: set[str] = field(default_factory=set)


def _key(value: str, key_field: str) -> str:
    return value[:15] if key_field.lower() == "id" else value


def bulk_ingest(gateway: SalesforceGateway, sobject: str, operation: str,
                rows: Sequence[Mapping[str, Any]], key_field: str,
                external_id_field: str | None = None) -> IngestResult:
    """Write ``rows`` with one ingest job and return the per-row results.

    Args:
        operation: "insert", "update" or "upsert".
        key_field: the column that identifies a row in the result CSVs (Id for update,
            the external id for upsert, the dedupe field for create-once inserts).
    """
    gateway.budget.check(MIN_STEPS)  # never start a job the budget cannot finish
    spec: dict[str, Any] = {"object": sobject, "operation": operation, "contentType": "CSV",
                            "lineEnding": "LF"}
    if external_id_field:
        spec["externalIdFieldName"] = external_id_field
    job = gateway.rest("POST", "jobs/ingest", "bulk_job_step", json=spec)
    job_id = job["id"]
    gateway.raw("PUT", f"jobs/ingest/{job_id}/batches", "bulk_job_step",
                data=ingest_csv(rows).encode("utf-8"), headers={"Content-Type": "text/csv"})
    gateway.rest("PATCH", f"jobs/ingest/{job_id}", "bulk_job_step",
                 json={"state": "UploadComplete"})
    delay = 0.05
    state: dict[str, Any] = {}
    for _ in range(MAX_POLLS):
        state = gateway.rest("GET", f"jobs/ingest/{job_id}", "bulk_job_step")
        if state.get("state") in ("JobComplete", "Failed", "Aborted"):
            break
        gateway.poll_sleep(delay)
        delay = min(2.0, delay * 2)
    else:
        raise SalesforceFailure("BULK_INGEST_TIMEOUT", f"ingest job {job_id} did not finish")
    result = IngestResult()
    ok = gateway.raw("GET", f"jobs/ingest/{job_id}/successfulResults", "bulk_job_step",
                     headers={"Accept": "text/csv"})
    for row in result_rows(csv_text(ok)):
        key = _key(row.get(key_field) or row.get("sf__Id", ""), key_field)
        result.succeeded[key] = (row.get("sf__Id", ""), row.get("sf__Created", "").lower() == "true")
    bad = gateway.raw("GET", f"jobs/ingest/{job_id}/failedResults", "bulk_job_step",
                      headers={"Accept": "text/csv"})
    for row in result_rows(csv_text(bad)):
        key = _key(row.get(key_field) or "", key_field)
        result.failed[key] = (parse_bulk_error(row.get("sf__Error", "")),)
    if state.get("state") != "JobComplete":
        left = gateway.raw("GET", f"jobs/ingest/{job_id}/unprocessedrecords", "bulk_job_step",
                           headers={"Accept": "text/csv"})
        result.unprocessed = {_key(r.get(key_field) or "", key_field)
                              for r in result_rows(csv_text(left))}
    return result
