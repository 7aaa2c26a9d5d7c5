"""Bulk API 2.0 jobs: ingest jobs (CSV in, per-record results out) and query jobs (CSV
pages with a locator). Ingest data is processed in the background once the client marks
the upload complete (``bulk2_async``), in transactions of 200 records with one savepoint per record, so a failed record never
leaves a partial write and the others succeed (as Salesforce processes Bulk 2.0 records)."""

from __future__ import annotations

import csv
import io
import itertools
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emulator.bulk2_async import IngestRunner
from emulator.errors import RecordError
from emulator.ids import make_id
from emulator.values import format_datetime

if TYPE_CHECKING:
    from emulator.org_view import OrgView

DELIMITERS = {"COMMA": ",", "TAB": "\t", "PIPE": "|", "SEMICOLON": ";", "CARET": "^", "BACKQUOTE": "`"}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
CHUNK = 200


@dataclass
class Job:
    """A bulk job of either kind."""

    id: str
    kind: str  # "ingest" | "query"
    operation: str
    sobject: str
    created_by: str
    created: str
    version: str
    column_delimiter: str = "COMMA"
    line_ending: str = "LF"
    external_id_field: str | None = None
    query: str | None = None
    prepared: Any = None
    state: str = "Open"
    modstamp: str = ""
    uploads: list[bytes] = field(default_factory=list)
    processed: int = 0
    failed: int = 0
    success_rows: list[list[str]] = field(default_factory=list)
    failed_rows: list[list[str]] = field(default_factory=list)
    unprocessed_rows: list[list[str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    error_message: str | None = None

    def info(self) -> dict[str, Any]:
        """The job's JSON as GET jobs/{kind}/{id} returns it."""
        body: dict[str, Any] = {
            "id": self.id, "operation": self.operation, "object": self.sobject, "createdById": self.created_by,
            "createdDate": self.created, "systemModstamp": self.modstamp or self.created, "state": self.state,
            "concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": float(self.version),
            "jobType": "V2Ingest" if self.kind == "ingest" else "V2Query", "lineEnding": self.line_ending,
            "columnDelimiter": self.column_delimiter, "numberRecordsProcessed": self.processed, "retries": 0,
            "totalProcessingTime": 0}
        if self.kind == "ingest":
            body.update({"externalIdFieldName": self.external_id_field, "numberRecordsFailed": self.failed,
                         "contentUrl": f"services/data/v{self.version}/jobs/ingest/{self.id}/batches",
                         "apiActiveProcessingTime": 0, "apexProcessingTime": 0})
        if self.error_message:
            body["errorMessage"] = self.error_message
        return body

    def write_csv(self, header: list[str], rows: list[list[str]]) -> str:
        """CSV in the job's delimiter and line ending, every value quoted as Salesforce does."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=DELIMITERS[self.column_delimiter], quoting=csv.QUOTE_ALL,
                            lineterminator=LINE_ENDINGS[self.line_ending])
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()


class BulkJobs:
    """All bulk jobs of the org."""

    def __init__(self, org: OrgView) -> None:
        self.org = org
        self.jobs: dict[str, Job] = {}
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self.ingest = IngestRunner(self, org.options.ingest_delay)

    def create(self, kind: str, user_id: str, version: str, **values: Any) -> Job:
        """A new job in state Open (ingest) or JobComplete (query: run at once)."""
        now = format_datetime(self.org.clock.now())
        job = Job(id=make_id("750", next(self._seq)), kind=kind, created_by=user_id, created=now,
                  version=version, **values)
        with self._lock:
            self.jobs[job.id] = job
        return job

    def get(self, job_id: str, kind: str) -> Job | None:
        """A job by id and kind."""
        job = self.jobs.get(job_id)
        return job if job is not None and job.kind == kind else None

    def count(self, kind: str) -> int:
        """How many jobs of a kind exist."""
        return sum(1 for j in self.jobs.values() if j.kind == kind)

    def stop(self) -> None:
        """Stop the background ingest runner."""
        self.ingest.stop()

    # -- ingest -------------------------------------------------------------------------------
    def process(self, job: Job, user_id: str, final_state: str = "JobComplete") -> None:
        """Process an ingest job's uploaded CSV and record per-record results (the runner
        of ``bulk2_async`` calls it in the background; it marks the job complete)."""
        job.state = "InProgress"
        header, rows = self._parse(job)
        job.header = header
        obj = self.org.schema.object(job.sobject)
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            with self.org.store.writer(user_id) as writer:
                for row in chunk:
                    self._one(job, writer, obj.name, header, row)
        job.state = final_state
        job.modstamp = format_datetime(self.org.clock.now())

    def _parse(self, job: Job) -> tuple[list[str], list[list[str]]]:
        header: list[str] = []
        rows: list[list[str]] = []
        for upload in job.uploads:
            reader = csv.reader(io.StringIO(upload.decode("utf-8-sig")), delimiter=DELIMITERS[job.column_delimiter])
            lines = [line for line in reader if line]
            if not lines:
                continue
            if not header:
                header = lines[0]
            rows.extend(lines[1:])
        return header, rows

    def _one(self, job: Job, writer: Any, sobject: str, header: list[str], row: list[str]) -> None:
        values: dict[str, Any] = {}
        for name, cell in zip(header, row, strict=False):
            if cell == "":
                continue  # an empty cell leaves the field as it is
            values[name] = None if cell == "#N/A" else cell
        record_id = ""
        created = False
        try:
            if job.operation == "insert":
                record_id, created = writer.insert(sobject, values), True
            elif job.operation == "update":
                record_id = str(values.pop("Id", values.pop("id", "")) or "")
                writer.update(sobject, record_id, values)
            elif job.operation == "upsert":
                key = job.external_id_field or "Id"
                key_value = next((v for k, v in values.items() if k.lower() == key.lower()), None)
                record_id, created = writer.upsert(sobject, key, key_value, values)
            else:
                record_id = str(values.get("Id") or values.get("id") or "")
                writer.delete(sobject, record_id)
        except RecordError as error:
            job.processed += 1
            job.failed += 1
            message = f"{error.status_code}:{error.message}:{','.join(error.fields)} --"
            job.failed_rows.append([record_id, message, *row])
            return
        job.processed += 1
        job.success_rows.append([record_id, "true" if created else "false", *row])
