"""Bulk API 2.0 endpoints under jobs/ (https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm).

What simple-salesforce 1.12.10 relies on: PUT batches answers 201; query results carry
``Sforce-NumberOfRecords`` (required) and ``Sforce-Locator`` ("null" on the last page);
ingest results at ``successfulResults``, ``failedResults`` and ``unprocessedrecords``.
"""

from __future__ import annotations

import base64
from typing import Any

from emulator.api import ROUTER, ApiCall, ApiResponse
from emulator.bulk2_jobs import DELIMITERS, LINE_ENDINGS, Job
from emulator.errors import ApiError
from emulator.rest_query import prepare_query

JOB = r"(?P<job_id>750[A-Za-z0-9]{12,15})"
CSV_TYPE = "text/csv"
INGEST_OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")


def _job(call: ApiCall, job_id: str, kind: str) -> Job:
    job = call.org.bulk.get(job_id, kind)
    if job is None:
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
    return job


def _format(body: dict[str, Any]) -> dict[str, str]:
    delimiter = str(body.get("columnDelimiter") or "COMMA")
    ending = str(body.get("lineEnding") or "LF")
    if delimiter not in DELIMITERS or ending not in LINE_ENDINGS:
        raise ApiError(400, "INVALIDJOB", "Invalid columnDelimiter or lineEnding")
    return {"column_delimiter": delimiter, "line_ending": ending}


@ROUTER.add("GET POST", r"jobs/ingest", "bulk2")
def ingest_jobs(call: ApiCall) -> ApiResponse:
    """POST creates an ingest job; GET lists them."""
    if call.method == "GET":
        jobs = [j.info() for j in call.org.bulk.jobs.values() if j.kind == "ingest"]
        return ApiResponse(200, {"done": True, "records": jobs, "nextRecordsUrl": None})
    body = call.json() or {}
    operation = body.get("operation")
    if operation not in INGEST_OPERATIONS:
        raise ApiError(400, "INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
    if not call.org.schema.has_object(str(body.get("object", ""))):
        raise ApiError(400, "INVALIDJOB", f"InvalidJob : Invalid object: {body.get('object')}")
    obj = call.org.schema.object(body["object"])
    external = body.get("externalIdFieldName")
    if operation == "upsert":
        if not external or not obj.has_field(external):
            raise ApiError(400, "INVALIDJOB", "InvalidJob : External ID was blank or does not exist")
        external = obj.field(external).name
    job = call.org.bulk.create("ingest", call.user_id, call.version, operation=operation, sobject=obj.name,
                               external_id_field=external, **_format(body))
    return ApiResponse(200, job.info())


@ROUTER.add("GET PATCH DELETE", rf"jobs/ingest/{JOB}", "bulk2")
def ingest_job(call: ApiCall, job_id: str) -> ApiResponse:
    """GET status, PATCH state (UploadComplete queues the job, Aborted stops it), DELETE."""
    job = _job(call, job_id, "ingest")
    if call.method == "DELETE":
        call.org.bulk.jobs.pop(job.id, None)
        return ApiResponse(204, None)
    if call.method == "PATCH":
        state = (call.json() or {}).get("state")
        if state == "UploadComplete" and job.state == "Open":
            job.state = "UploadComplete"
            call.org.bulk.ingest.start(job, call.user_id)  # processed asynchronously
        elif state == "Aborted" and job.state in ("Open", "UploadComplete"):
            job.state = "Aborted"
            header, rows = call.org.bulk._parse(job)
            job.header, job.unprocessed_rows = header, rows
        else:
            raise ApiError(400, "INVALIDJOBSTATE", f"Invalid state transition to {state} from {job.state}")
    return ApiResponse(200, job.info())


@ROUTER.add("PUT", rf"jobs/ingest/{JOB}/batches", "bulk2")
def ingest_upload(call: ApiCall, job_id: str) -> ApiResponse:
    """PUT the job's CSV data (201 Created)."""
    job = _job(call, job_id, "ingest")
    if job.state != "Open":
        raise ApiError(409, "INVALIDJOBSTATE", "Job is not open for uploads")
    if not call.raw_body:
        raise ApiError(400, "INVALIDJOB", "Empty upload")
    job.uploads.append(call.raw_body)
    return ApiResponse(201, None)


@ROUTER.add("GET", rf"jobs/ingest/{JOB}/(?P<which>successfulResults|failedResults|unprocessedrecords|unprocessedRecords)",
            "bulk2")
def ingest_results(call: ApiCall, job_id: str, which: str) -> ApiResponse:
    """Per-record results of a processed job as CSV."""
    job = _job(call, job_id, "ingest")
    if which == "successfulResults":
        text = job.write_csv(["sf__Id", "sf__Created", *job.header], job.success_rows)
    elif which == "failedResults":
        text = job.write_csv(["sf__Id", "sf__Error", *job.header], job.failed_rows)
    else:
        text = job.write_csv(job.header, job.unprocessed_rows) if job.header else ""
    return ApiResponse(200, text, {}, CSV_TYPE)


@ROUTER.add("GET POST", r"jobs/query", "bulk2")
def query_jobs(call: ApiCall) -> ApiResponse:
    """POST creates a query job (run at once); GET lists them."""
    if call.method == "GET":
        jobs = [j.info() for j in call.org.bulk.jobs.values() if j.kind == "query"]
        return ApiResponse(200, {"done": True, "records": jobs, "nextRecordsUrl": None})
    body = call.json() or {}
    operation = body.get("operation", "query")
    if operation not in ("query", "queryAll"):
        raise ApiError(400, "INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
    prepared = prepare_query(call, str(body.get("query") or ""), operation == "queryAll")
    job = call.org.bulk.create("query", call.user_id, call.version, operation=operation,
                               sobject=prepared.sobject, query=body.get("query"), prepared=prepared,
                               **_format(body))
    job.state = "UploadComplete"
    info = job.info()
    job.processed = prepared.total(call.conn)
    job.state = "JobComplete"
    return ApiResponse(200, info)


@ROUTER.add("GET PATCH DELETE", rf"jobs/query/{JOB}", "bulk2")
def query_job(call: ApiCall, job_id: str) -> ApiResponse:
    """GET status, PATCH {"state":"Aborted"}, DELETE."""
    job = _job(call, job_id, "query")
    if call.method == "DELETE":
        call.org.bulk.jobs.pop(job.id, None)
        return ApiResponse(204, None)
    if call.method == "PATCH" and (call.json() or {}).get("state") == "Aborted":
        job.state = "Aborted"
    return ApiResponse(200, job.info())


def _decode_locator(locator: str | None) -> int:
    if not locator:
        return 0
    try:
        return int(base64.urlsafe_b64decode(locator.encode() + b"==").decode())
    except ValueError:
        raise ApiError(400, "INVALIDLOCATOR", "Invalid locator") from None


@ROUTER.add("GET", rf"jobs/query/{JOB}/results", "bulk2")
def query_results(call: ApiCall, job_id: str) -> ApiResponse:
    """A page of results as CSV with Sforce-NumberOfRecords and Sforce-Locator."""
    job = _job(call, job_id, "query")
    if job.state != "JobComplete":
        raise ApiError(400, "INVALIDJOBSTATE", "Job is not complete")
    start = _decode_locator(call.args.get("locator"))
    try:
        size = int(call.args.get("maxRecords") or 50000)
    except ValueError:
        raise ApiError(400, "INVALIDMAXRECORDS", "maxRecords must be a number") from None
    size = max(1, size)
    rows = job.prepared.fetch_csv_rows(call.conn, start, size)
    end = start + len(rows)
    locator = "null" if end >= job.processed or not rows else base64.urlsafe_b64encode(
        str(end).encode()).decode().rstrip("=")
    headers = {"Sforce-NumberOfRecords": str(len(rows)), "Sforce-Locator": locator}
    return ApiResponse(200, job.write_csv(job.prepared.csv_header(), rows), headers, CSV_TYPE)
