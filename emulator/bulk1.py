"""Bulk API 1.0 query jobs, ``/services/async/{version}/job``: what tap-salesforce's BULK mode
and older ETL tools use to read an org.

Flow (https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_code_curl_walkthrough.htm):
create a job (``{"operation": "query", "object", "contentType": "CSV"}``), add a batch whose
body is the SOQL, poll the batch until ``Completed``, list its result ids, download each
result as CSV, close the job. JSON or XML both ways, chosen by the request's Content-Type
(XML in the ``http://www.force.com/2009/06/asyncapi/dataload`` namespace, parsed with
defusedxml). The session comes in ``X-SFDC-Session``; errors are ``{exceptionCode,
exceptionMessage}``. Only query/queryAll jobs are emulated: ingest answers with an error
naming Bulk API 2.0.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from defusedxml import ElementTree
from flask import Blueprint, Response, current_app, request

from emulator.ids import make_id
from emulator.values import format_datetime

if TYPE_CHECKING:
    from emulator.org import Org

bp = Blueprint("emulator_bulk1", __name__)
NS = "http://www.force.com/2009/06/asyncapi/dataload"
_SEQUENCE = itertools.count(1)


@dataclass
class Batch:
    id: str
    job_id: str
    created: str
    records: int = 0
    state: str = "Queued"
    message: str = ""
    result_id: str = ""
    csv_text: str = ""


@dataclass
class Job:
    id: str
    operation: str
    sobject: str
    user_id: str
    created: str
    version: str
    state: str = "Open"
    batches: dict[str, Batch] = field(default_factory=dict)

    def info(self) -> dict[str, Any]:
        done = [b for b in self.batches.values() if b.state == "Completed"]
        return {"id": self.id, "operation": self.operation, "object": self.sobject, "createdById": self.user_id,
                "createdDate": self.created, "systemModstamp": self.created, "state": self.state,
                "concurrencyMode": "Parallel", "contentType": "CSV", "numberBatchesQueued": 0,
                "numberBatchesInProgress": 0, "numberBatchesCompleted": len(done),
                "numberBatchesFailed": len(self.batches) - len(done), "numberBatchesTotal": len(self.batches),
                "numberRecordsProcessed": sum(b.records for b in done), "numberRetries": 0,
                "apiVersion": float(self.version), "numberRecordsFailed": 0}


class BulkError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _jobs() -> dict[str, Job]:
    return current_app.extensions.setdefault("bulk1_jobs", {})


def _wants_xml() -> bool:
    kind = (request.content_type or request.headers.get("Accept", "")).lower()
    return "xml" in kind and "json" not in kind


def _reply(status: int, body: Any, root: str, item: str = "") -> Response:
    if not _wants_xml():
        return Response(json.dumps(body), status, content_type="application/json")
    if isinstance(body, list):
        inner = "".join(_element(item, entry) for entry in body)
        return Response(f'<?xml version="1.0" encoding="UTF-8"?><{root} xmlns="{NS}">{inner}</{root}>', status,
                        content_type="application/xml")
    items = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in body.items())
    return Response(f'<?xml version="1.0" encoding="UTF-8"?><{root} xmlns="{NS}">{items}</{root}>', status,
                    content_type="application/xml")


def _element(name: str, item: Any) -> str:
    if isinstance(item, dict):
        return f"<{name}>" + "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in item.items()) + f"</{name}>"
    return f"<{name}>{escape(str(item))}</{name}>"


def _body() -> dict[str, str]:
    raw = request.get_data()
    try:
        if _wants_xml():
            return {el.tag.rpartition("}")[2]: (el.text or "").strip() for el in ElementTree.fromstring(raw)}
        parsed = json.loads(raw or b"{}")
    except (ValueError, ElementTree.ParseError):
        raise BulkError(400, "InvalidJob", "Unable to parse the request body") from None
    return {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}


def _org_and_user() -> tuple[Org, str]:
    org: Org = current_app.config["EMULATOR_ORG"]
    token = request.headers.get("X-SFDC-Session") or request.headers.get("Authorization", "").partition(" ")[2]
    session = org.sessions.check(token.strip() or None)
    if session is None:
        raise BulkError(400, "InvalidSessionId", "Invalid session id")
    if not org.usage.take("bulk1"):
        raise BulkError(403, "ExceededQuota", "TotalRequests Limit exceeded.")
    return org, session.user_id


def _job(job_id: str) -> Job:
    job = _jobs().get(job_id)
    if job is None:
        raise BulkError(400, "InvalidJob", f"Invalid job id: {job_id}")
    return job


@bp.errorhandler(BulkError)
def _error(error: BulkError) -> Response:
    return _reply(error.status, {"exceptionCode": error.code, "exceptionMessage": error.message}, "error")


@bp.post("/services/async/<version>/job")
def create_job(version: str) -> Response:
    """Create a query job (state Open)."""
    org, user_id = _org_and_user()
    body = _body()
    operation, sobject = body.get("operation", ""), body.get("object", "")
    if operation not in ("query", "queryAll"):
        raise BulkError(400, "FeatureNotEnabled", "Bulk API 1.0 ingest is not emulated: use Bulk API 2.0 "
                                                  "(jobs/ingest)")
    if not org.schema.has_object(sobject):
        raise BulkError(400, "InvalidEntity", f"Entity '{sobject}' is not supported by the Bulk API.")
    job = Job(make_id("750", next(_SEQUENCE)), operation, org.schema.object(sobject).name, user_id,
              format_datetime(org.clock.now()), version)
    _jobs()[job.id] = job
    return _reply(201, job.info(), "jobInfo")


@bp.route("/services/async/<version>/job/<job_id>", methods=["GET", "POST"])
def job_info(version: str, job_id: str) -> Response:
    """Read a job, or close/abort it (POST {"state": "Closed"|"Aborted"})."""
    _org_and_user()
    job = _job(job_id)
    if request.method == "POST":
        state = _body().get("state", "")
        if state not in ("Closed", "Aborted"):
            raise BulkError(400, "InvalidJobState", f"Invalid state: {state}")
        job.state = state
    return _reply(200, job.info(), "jobInfo")


@bp.route("/services/async/<version>/job/<job_id>/batch", methods=["GET", "POST"])
def batches(version: str, job_id: str) -> Response:
    """POST adds a batch (its body is the SOQL); GET lists the job's batches."""
    org, _ = _org_and_user()
    job = _job(job_id)
    if request.method == "GET":
        infos = [_batch_info(b) for b in job.batches.values()]
        return _reply(200, infos if _wants_xml() else {"batchInfo": infos}, "batchInfoList", "batchInfo")
    if job.state != "Open":
        raise BulkError(400, "InvalidJobState", f"Job {job.id} is {job.state}: no batch can be added")
    batch = Batch(make_id("751", next(_SEQUENCE)), job.id, format_datetime(org.clock.now()))
    job.batches[batch.id] = batch
    _run(org, job, batch, request.get_data().decode("utf-8", "replace"))
    queued = {**_batch_info(batch), "state": "Queued", "numberRecordsProcessed": 0}
    return _reply(201, queued, "batchInfo")


def _run(org: Org, job: Job, batch: Batch, soql: str) -> None:
    from emulator.soql import SoqlError, prepare

    try:
        prepared = prepare(soql, org.schema, now=org.clock.now(), include_deleted=job.operation == "queryAll",
                           tz=org.store.time_zone)
        if prepared.sobject != job.sobject:
            raise SoqlError("InvalidBatch", f"The query names {prepared.sobject}, the job {job.sobject}")
        with org.store.connection() as conn:
            rows = prepared.fetch_csv_rows(conn, 0, max(prepared.total(conn), 1))
            header = prepared.csv_header()
    except SoqlError as error:
        batch.state, batch.message = "Failed", f"InvalidBatch : {error.message}"
        return
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    batch.csv_text, batch.records = out.getvalue(), len(rows)
    batch.result_id, batch.state = make_id("752", next(_SEQUENCE)), "Completed"


def _batch_info(batch: Batch) -> dict[str, Any]:
    info = {"id": batch.id, "jobId": batch.job_id, "state": batch.state, "createdDate": batch.created,
            "systemModstamp": batch.created, "numberRecordsProcessed": batch.records, "numberRecordsFailed": 0,
            "totalProcessingTime": 0, "apiActiveProcessingTime": 0, "apexProcessingTime": 0}
    if batch.message:
        info["stateMessage"] = batch.message
    return info


def _batch(job_id: str, batch_id: str) -> Batch:
    batch = _job(job_id).batches.get(batch_id)
    if batch is None:
        raise BulkError(400, "InvalidBatch", f"Invalid batch id: {batch_id}")
    return batch


@bp.get("/services/async/<version>/job/<job_id>/batch/<batch_id>")
def batch_info(version: str, job_id: str, batch_id: str) -> Response:
    """A batch's state (Completed, or Failed with stateMessage)."""
    _org_and_user()
    return _reply(200, _batch_info(_batch(job_id, batch_id)), "batchInfo")


@bp.get("/services/async/<version>/job/<job_id>/batch/<batch_id>/result")
def result_list(version: str, job_id: str, batch_id: str) -> Response:
    """The ids of a completed batch's result files."""
    _org_and_user()
    batch = _batch(job_id, batch_id)
    if batch.state != "Completed":
        raise BulkError(400, "InvalidBatch", f"Batch {batch.id} is {batch.state}: no results")
    return _reply(200, [batch.result_id], "result-list", "result")


@bp.get("/services/async/<version>/job/<job_id>/batch/<batch_id>/result/<result_id>")
def result(version: str, job_id: str, batch_id: str, result_id: str) -> Response:
    """One result file as CSV."""
    _org_and_user()
    batch = _batch(job_id, batch_id)
    if result_id != batch.result_id:
        raise BulkError(400, "InvalidBatch", f"Invalid result id: {result_id}")
    return Response(batch.csv_text, 200, content_type="text/csv; charset=UTF-8")
