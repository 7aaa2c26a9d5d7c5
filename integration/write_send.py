"""Sending a write plan's records: sObject Collections packed five to a ``POST composite``
call, or one Bulk API 2.0 ingest job for a large group; per-record results, and re-sends
of records that hit transient errors (UNABLE_TO_LOCK_ROW) for those records only.

sObject Collections (REST API Developer Guide, "sObject Collections"): up to 200 records a
request, ``allOrNone: false``, one result per record in request order. Packed into
composite calls (``integration.composite``), five of them cost one API call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from integration.bulk_ingest import bulk_ingest
from integration.composite import CollectionRequest, SubResult, composite_collections
from integration.contracts import RecordError, RecordWrite, WriteOutcome
from integration.errors import Action, SalesforceFailure, record_action
from integration.gateway import SalesforceGateway
from integration.write_plan import collection_body, result_errors

log = logging.getLogger(__name__)


@dataclass
class Send:
    """One record to send: the write's index, the write, and the body fields."""

    index: int
    write: RecordWrite
    body: dict[str, Any]
    note: tuple[RecordError, ...] = ()


@dataclass
class WaitingCollection:
    """One sObject Collections request (<= 200 records) waiting to be sent."""

    mode: str  # update | upsert | create
    sobject: str
    pending: list[Send]
    ext_field: str | None = None
    recheck: Callable[[list[Send]], list[Send]] | None = None

    @property
    def method(self) -> str:
        return "POST" if self.mode == "create" else "PATCH"

    @property
    def path(self) -> str:
        if self.mode == "upsert":
            return f"composite/sobjects/{self.sobject}/{self.ext_field}"
        return "composite/sobjects"

def status_of(mode: str, result: Mapping[str, Any]) -> str:
    """The outcome status of a successful record of ``mode``."""
    if mode == "update":
        return "updated"
    if mode == "upsert":
        return "created" if result.get("created", True) else "updated"
    return "created"


class CollectionSender:
    """Queues collections of a stage and sends them packed; runs bulk jobs.

    Args:
        gateway: the one door to Salesforce.
        retry_rounds: how many times records with transient errors are re-sent.
    """

    def __init__(self, gateway: SalesforceGateway, retry_rounds: int) -> None:
        self.gateway = gateway
        self.retry_rounds = retry_rounds
        self.queued: list[WaitingCollection] = []

    def flush(self, outcomes: dict[int, WriteOutcome]) -> None:
        """Send the queued collections, five per composite call; record-level RETRY errors
        (UNABLE_TO_LOCK_ROW) and transient subrequest failures are re-sent for those
        records only, up to ``record_retry_attempts`` rounds."""
        work, self.queued = self.queued, []
        last_errors: dict[int, tuple[RecordError, ...]] = {}
        for attempt in range(self.retry_rounds):
            if not work:
                return
            answers = self._post(work)
            again: list[WaitingCollection] = []
            for job, answer in zip(work, answers, strict=True):
                retry = self._settle(job, answer, outcomes, last_errors)
                if retry:
                    again.append(replace(job, pending=retry))
            if again:
                log.info("%d records hit transient errors; retrying them",
                         sum(len(j.pending) for j in again))
                self.gateway.sleep(self.gateway.policy.delay(attempt))
            work = again
        for job in work:
            for send in job.pending:
                outcomes[send.index] = WriteOutcome(send.write, "failed", send.body.get("Id"),
                                                    last_errors.get(send.index, ()))

    def _settle(self, job: WaitingCollection, answer: SubResult, outcomes: dict[int, WriteOutcome],
                last_errors: dict[int, tuple[RecordError, ...]]) -> list[Send]:
        """Record one subrequest's per-record results; return the sends to try again."""
        if not job.pending:
            return []
        if not answer.ok:
            # The whole subrequest failed (the others in the composite stand on their own).
            errors = answer.errors()
            for send in job.pending:
                last_errors[send.index] = errors
            if all(record_action(e.status_code) is Action.RETRY for e in errors):
                return list(job.pending)
            for send in job.pending:
                outcomes[send.index] = WriteOutcome(send.write, "failed", send.body.get("Id"),
                                                    errors)
            return []
        results = answer.body if isinstance(answer.body, list) else []
        if len(results) != len(job.pending):
            raise SalesforceFailure("BAD_COLLECTION_REPLY", f"{len(job.pending)} records sent, "
                                    f"{len(results)} results")
        retry: list[Send] = []
        for send, res in zip(job.pending, results, strict=True):
            if res.get("success"):
                outcomes[send.index] = WriteOutcome(send.write, status_of(job.mode, res),
                                                    res.get("id") or send.body.get("Id"),
                                                    send.note)
                continue
            errors = result_errors(res)
            if errors and all(record_action(e.status_code) is Action.RETRY for e in errors):
                retry.append(send)
                last_errors[send.index] = errors
            else:
                outcomes[send.index] = WriteOutcome(send.write, "failed",
                                                    send.body.get("Id"), errors)
        return retry

    def _post(self, work: list[WaitingCollection]) -> list[SubResult]:
        """The collections in composite calls; a lost reply re-checks create-once keys
        before the bodies are rebuilt (so nothing is created twice)."""
        def before_retry(indexes: Sequence[int]) -> None:
            for i in indexes:
                if work[i].recheck is not None and work[i].pending:
                    work[i].pending = work[i].recheck(work[i].pending)

        requests = [CollectionRequest(job.method, job.path,
                                      lambda job=job: collection_body(
                                          job.sobject, [s.body for s in job.pending]))
                    for job in work]
        return self.gateway.writing(
            lambda: composite_collections(self.gateway, requests, before_retry))

    def send_bulk(self, mode: str, sobject: str, sends: list[Send],
                   outcomes: dict[int, WriteOutcome], key_field: str,
                   ext_field: str | None) -> list[Send]:
        """Send with one ingest job; return the sends to retry over collections."""
        operation = {"update": "update", "upsert": "upsert", "create": "insert"}[mode]
        result = self.gateway.writing(lambda: bulk_ingest(
            self.gateway, sobject, operation, [s.body for s in sends], key_field, ext_field))
        again: list[Send] = []
        for send in sends:
            raw = str(send.body.get(key_field, ""))
            key = raw[:15] if key_field == "Id" else raw
            if key in result.succeeded:
                record_id, created = result.succeeded[key]
                status = status_of(mode, {"created": created})
                outcomes[send.index] = WriteOutcome(send.write, status, record_id, send.note)
            elif key in result.failed and not all(
                    record_action(e.status_code) is Action.RETRY for e in result.failed[key]):
                outcomes[send.index] = WriteOutcome(send.write, "failed", send.body.get("Id"),
                                                    result.failed[key])
            else:
                again.append(send)  # transient failure or unprocessed: collections retry
        return again
