"""What the webhooks hand to the workers: one RQ job per changed record, coalesced.

Job contract (the workers implement the function; we enqueue it by dotted path so the web
process never imports worker code):

- queue ``events``, function ``workers.jobs.handle_record_event``, keyword arguments only:
  ``org_key`` (str), ``sobject`` (API name, e.g. ``Account``), ``record_id`` (18-character
  id), ``change_type`` (``CREATE|UPDATE|DELETE|UNDELETE|GAP_*`` from callouts and CDC;
  ``UPSERT`` from Outbound Messages, which do not say whether the record was created or
  updated), ``changed_fields`` (list of field API names: the changed fields for callouts
  and CDC, the fields the Outbound Message carried), ``source`` (``outbound`` |
  ``callout`` | ``cdc``), ``event_id`` (notification id, eventId, or CDC transaction key),
  ``received_at`` (ISO-8601 UTC string).
- The job should reload the record by id: a coalesced job carries the arguments of the
  first event of its burst only.

Coalescing: the job id is ``rec-<org>-<sobject>-<id18>-<bucket>`` where bucket is the
receive time divided by ``bucket_seconds``. RQ's atomic unique enqueue refuses a second
job with the same id; while that job is still waiting (queued/deferred/scheduled) the new
event is folded into it, since the job has not read the record yet. If it has already
started or finished, the event may carry a change the job did not see, so a follow-up job
``...-g1``, ``...-g2`` is enqueued instead.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError
from rq.job import Job

EVENTS_QUEUE = "events"
RECORD_EVENT_JOB = "workers.jobs.handle_record_event"
SOURCES = ("outbound", "callout", "cdc")
DEFAULT_BUCKET_SECONDS = 5
# Statuses in which the job has not read the record yet, so it will see any later change.
_PENDING = {"queued", "deferred", "scheduled"}
_MAX_GENERATIONS = 8
# A worker killed or cut off from Redis mid-job leaves the job "abandoned"; RQ retries an
# abandoned job only when it carries a Retry, else it lands in the failed registry and the
# event is lost until the next back-sync. Same schedule as the workers' own jobs.
EVENT_RETRY = Retry(max=3, interval=[10, 60, 300])
_ORG_KEY_RE = re.compile(r"[A-Za-z0-9_]{1,40}")


@dataclass(frozen=True)
class RecordEvent:
    """One record changed in Salesforce, as received by a webhook."""

    org_key: str
    sobject: str
    record_id: str
    change_type: str
    source: str
    event_id: str
    received_at: datetime
    changed_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, got {self.source!r}")
        if self.received_at.tzinfo is None:
            raise ValueError("received_at must be timezone-aware")

    def job_kwargs(self) -> dict[str, object]:
        """The keyword arguments of ``workers.jobs.handle_record_event``."""
        return {
            "org_key": self.org_key,
            "sobject": self.sobject,
            "record_id": self.record_id,
            "change_type": self.change_type,
            "changed_fields": list(self.changed_fields),
            "source": self.source,
            "event_id": self.event_id,
            "received_at": self.received_at.astimezone(UTC).isoformat(),
        }


@dataclass
class SubmitResult:
    """Job ids created, and job ids events were folded into."""

    enqueued: list[str] = field(default_factory=list)
    coalesced: list[str] = field(default_factory=list)


def coalescing_job_id(event: RecordEvent, bucket_seconds: int) -> str:
    """Deterministic RQ job id for the burst ``event`` belongs to."""
    org = event.org_key
    if not _ORG_KEY_RE.fullmatch(org):
        org = hashlib.sha256(org.encode("utf-8")).hexdigest()[:16]
    bucket = int(event.received_at.timestamp()) // bucket_seconds
    return f"rec-{org}-{event.sobject}-{event.record_id}-{bucket}"


class RecordEventSink:
    """Enqueues record events as coalesced RQ jobs on the ``events`` queue."""

    def __init__(
        self,
        connection: redis.Redis,
        *,
        queue_name: str = EVENTS_QUEUE,
        bucket_seconds: int = DEFAULT_BUCKET_SECONDS,
        result_ttl: int = 3600,
    ) -> None:
        if bucket_seconds < 1:
            raise ValueError("bucket_seconds must be >= 1")
        self.connection = connection
        self.queue = Queue(queue_name, connection=connection)
        self.bucket_seconds = bucket_seconds
        self.result_ttl = result_ttl

    def submit(
        self, events: Iterable[RecordEvent], pipeline: redis.client.Pipeline | None = None
    ) -> SubmitResult:
        """Enqueue one job per distinct record of ``events`` unless one is already waiting.

        Args:
            events: the record events of one delivery.
            pipeline: when given, RQ's bookkeeping that need not precede the answer (the
                queue's entry in ``rq:queues``) is left on it for the caller to execute
                with its own commands, saving a round trip. The jobs themselves are saved
                and pushed atomically before this returns either way.

        Raises:
            redis.RedisError: Redis is unavailable; nothing can be acknowledged.
        """
        result = SubmitResult()
        seen: set[str] = set()
        for event in events:
            base = coalescing_job_id(event, self.bucket_seconds)
            if base in seen:  # the same record twice in one delivery
                result.coalesced.append(base)
                continue
            seen.add(base)
            job_id, created = self._enqueue_coalesced(event, base, pipeline)
            (result.enqueued if created else result.coalesced).append(job_id)
        return result

    def _enqueue_coalesced(
        self, event: RecordEvent, base: str, pipeline: redis.client.Pipeline | None
    ) -> tuple[str, bool]:
        generation = 0
        while generation < _MAX_GENERATIONS:
            job_id = base if generation == 0 else f"{base}-g{generation}"
            try:
                self._enqueue(event, job_id, pipeline)
                return job_id, True
            except DuplicateJobError:
                raw = self.connection.hget(Job.key_for(job_id), "status")
                status = raw.decode() if isinstance(raw, bytes) else raw
                if status in _PENDING:
                    return job_id, False
                if status is None:
                    continue  # expired between the two calls: try the same id again
                generation += 1
        # A record changing this often within one bucket is unusual; never drop the event.
        job_id = f"{base}-{uuid.uuid4().hex[:12]}"
        self._enqueue(event, job_id, pipeline)
        return job_id, True

    def _enqueue(
        self, event: RecordEvent, job_id: str, pipeline: redis.client.Pipeline | None
    ) -> None:
        # With unique=True RQ saves and pushes the job in one Lua script on the connection
        # itself (the pipeline only receives the SADD to rq:queues).
        self.queue.enqueue_call(
            RECORD_EVENT_JOB,
            kwargs=event.job_kwargs(),
            job_id=job_id,
            result_ttl=self.result_ttl,
            description=f"{event.source} {event.change_type} {event.sobject} {event.record_id}",
            retry=EVENT_RETRY,
            unique=True,
            pipeline=pipeline,
        )


class DeliveryLedger:
    """Remembers delivery ids (notification ids, event ids) with a TTL, via SET NX.

    Args:
        connection: Redis.
        namespace: key prefix, e.g. ``radar:default:seen:outbound``.
        ttl_seconds: how long an id is remembered; longer than the sender retries.
    """

    def __init__(self, connection: redis.Redis, namespace: str, ttl_seconds: int) -> None:
        self.connection = connection
        self.namespace = namespace
        self.ttl_seconds = ttl_seconds

    def _key(self, delivery_id: str) -> str:
        return f"{self.namespace}:{delivery_id}"

    def claim(self, delivery_ids: Sequence[str]) -> list[bool]:
        """Claim each id; True where this call was the first to see it."""
        pipe = self.connection.pipeline(transaction=False)
        for delivery_id in delivery_ids:
            pipe.set(self._key(delivery_id), b"1", nx=True, ex=self.ttl_seconds)
        return [bool(ok) for ok in pipe.execute()]

    def release(self, delivery_ids: Sequence[str]) -> None:
        """Forget ids claimed by a request that then failed, so the sender's retry counts."""
        if delivery_ids:
            self.connection.delete(*(self._key(i) for i in delivery_ids))
