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

One round trip: a delivery's claim (its id, for replay protection) and all its jobs go to
Redis as one Lua script (``SUBMIT_SCRIPT``), so a replay is refused, or every job saved,
pushed and coalesced, atomically; the job hashes are built by RQ itself (``Queue.create_job``
plus the fields its own unique enqueue writes), so the workers see ordinary RQ jobs.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis
from rq import Queue, Retry
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
    """Job ids created, and job ids events were folded into; ``replayed`` when the
    delivery's claim was already taken (then nothing was enqueued)."""

    enqueued: list[str] = field(default_factory=list)
    coalesced: list[str] = field(default_factory=list)
    replayed: bool = False


@dataclass(frozen=True)
class Claim:
    """A delivery id to claim (Redis key, remembered for ``ttl_seconds``) with the jobs."""

    key: str
    ttl_seconds: int


# KEYS: claim key ("" for none), queue key, RQ's set of queue keys.
# ARGV: claim TTL, job key prefix, generations to try, job TTL (-1: none), record count,
#       then per record: base job id, field count n, n field/value pairs of the job hash.
# Returns nil for a replayed claim, else per record: job id, 1 created | 0 folded into a
# pending job | -1 every generation busy (the caller enqueues it under a random suffix).
SUBMIT_SCRIPT = "local pending = {" + ", ".join(f"{x} = true" for x in sorted(_PENDING)) + """}
if KEYS[1] ~= "" then
  if not redis.call("SET", KEYS[1], "1", "NX", "EX", tonumber(ARGV[1])) then
    return nil
  end
end
local out, i, pushed = {}, 6, false
local generations, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
for _ = 1, tonumber(ARGV[5]) do
  local base, n = ARGV[i], tonumber(ARGV[i + 1])
  local first, last = i + 2, i + 1 + 2 * n
  i = last + 1
  local state, id = -1, base
  for g = 0, generations - 1 do
    local candidate = base
    if g > 0 then candidate = base .. "-g" .. g end
    local key = ARGV[2] .. candidate
    if redis.call("EXISTS", key) == 0 then
      redis.call("HSET", key, unpack(ARGV, first, last))
      if ttl > 0 then redis.call("EXPIRE", key, ttl) end
      redis.call("RPUSH", KEYS[2], candidate)
      state, id, pushed = 1, candidate, true
      break
    end
    local status = redis.call("HGET", key, "status")
    if status and pending[status] then
      state, id = 0, candidate
      break
    end
  end
  out[#out + 1] = id
  out[#out + 1] = state
end
if pushed then redis.call("SADD", KEYS[3], KEYS[2]) end
return out
"""


def coalescing_job_id(event: RecordEvent, bucket_seconds: int) -> str:
    """Deterministic RQ job id for the burst ``event`` belongs to."""
    org = event.org_key
    if not _ORG_KEY_RE.fullmatch(org):
        org = hashlib.sha256(org.encode("utf-8")).hexdigest()[:16]
    bucket = int(event.received_at.timestamp()) // bucket_seconds
    return f"rec-{org}-{event.sobject}-{event.record_id}-{bucket}"


def _hash_fields(job: Job) -> list[Any]:
    """The job hash as flat field/value pairs, as RQ's unique enqueue writes it
    (``rq.scripts.save_unique_job``: ``job.to_dict()`` without the None values)."""
    pairs: list[Any] = []
    for key, value in job.to_dict().items():
        if value is not None:
            pairs += [key, value if isinstance(value, bytes | str) else str(value)]
    return pairs


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
        self._script = connection.register_script(SUBMIT_SCRIPT)

    def submit(
        self,
        events: Iterable[RecordEvent],
        claim: Claim | None = None,
    ) -> SubmitResult:
        """Enqueue one job per distinct record of ``events`` unless one is already waiting.

        Args:
            events: the record events of one delivery.
            claim: the delivery id to claim in the same atomic step; when it was already
                claimed nothing is enqueued and the result says ``replayed``.

        Raises:
            redis.RedisError: Redis is unavailable; nothing can be acknowledged.
        """
        result = SubmitResult()
        distinct: dict[str, RecordEvent] = {}
        duplicates: list[str] = []
        for event in events:
            base = coalescing_job_id(event, self.bucket_seconds)
            if base in distinct:  # the same record twice in one delivery
                duplicates.append(base)
            else:
                distinct[base] = event
        if not distinct and claim is None:
            result.coalesced.extend(duplicates)
            return result
        args: list[Any] = []
        ttls = set()
        for base, event in distinct.items():
            job = self._job(event, base)
            ttls.add(job.ttl if job.ttl is not None else -1)
            fields = _hash_fields(job)
            args += [base, len(fields) // 2, *fields]
        reply = self._script(
            keys=[claim.key if claim else "", self.queue.key, self.queue.redis_queues_keys],
            args=[claim.ttl_seconds if claim else 0, Job.redis_job_namespace_prefix,
                  _MAX_GENERATIONS, ttls.pop() if len(ttls) == 1 else -1, len(distinct), *args],
        )
        if reply is None:
            result.replayed = True
            return result
        result.coalesced.extend(duplicates)
        for base, job_id, state in zip(distinct, reply[::2], reply[1::2], strict=True):
            job_id = job_id.decode() if isinstance(job_id, bytes) else job_id
            if state == 1:
                result.enqueued.append(job_id)
            elif state == 0:
                result.coalesced.append(job_id)
            else:  # a record changing this often within one bucket: never drop the event
                fallback = f"{base}-{uuid.uuid4().hex[:12]}"
                try:
                    self._enqueue(distinct[base], fallback)
                except Exception:
                    if claim is not None:  # unclaimed again: the sender's retry must count
                        self.connection.delete(claim.key)
                    raise
                result.enqueued.append(fallback)
        return result

    def _job_args(self, event: RecordEvent, job_id: str) -> dict[str, Any]:
        """RQ's arguments for the job of ``event`` (the script path and the fallback)."""
        return {
            "kwargs": event.job_kwargs(),
            "job_id": job_id,
            "result_ttl": self.result_ttl,
            "description": f"{event.source} {event.change_type} {event.sobject} "
                           f"{event.record_id}",
            "retry": EVENT_RETRY,
        }

    def _job(self, event: RecordEvent, job_id: str) -> Job:
        """The RQ job of ``event``, prepared as RQ's own enqueue prepares it."""
        job = self.queue.create_job(RECORD_EVENT_JOB, **self._job_args(event, job_id))
        self.queue._prepare_for_queue(job)  # noqa: SLF001 - origin, enqueued_at, status
        return job

    def _enqueue(self, event: RecordEvent, job_id: str) -> None:
        """RQ's own unique enqueue (one Lua script on the connection)."""
        self.queue.enqueue_call(RECORD_EVENT_JOB, unique=True, **self._job_args(event, job_id))


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

    def claim_of(self, delivery_id: str) -> Claim:
        """The claim of ``delivery_id`` for ``RecordEventSink.submit`` (one round trip)."""
        return Claim(self._key(delivery_id), self.ttl_seconds)

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
