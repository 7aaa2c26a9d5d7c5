"""Coalescing of record events into RQ jobs, against the real queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis
from rq import Queue
from rq.job import Job, JobStatus

from tests.webhooks.builders import account_id
from webhooks.sink import DeliveryLedger, RecordEvent, RecordEventSink, coalescing_job_id

T0 = datetime(2024, 5, 29, 16, 26, 40, tzinfo=UTC)


def _event(record: int, at: datetime = T0, event_id: str = "e", **kw: object) -> RecordEvent:
    return RecordEvent(
        org_key=str(kw.get("org_key", "default")),
        sobject="Account",
        record_id=account_id(record),
        change_type="UPDATE",
        source="callout",
        event_id=event_id,
        received_at=at,
    )


def test_given_same_record_in_one_bucket_when_submitted_twice_then_one_job(
    redis_conn: redis.Redis, events_queue: Queue
) -> None:
    sink = RecordEventSink(redis_conn, bucket_seconds=5)

    first = sink.submit([_event(1, event_id="a")])
    second = sink.submit([_event(1, T0 + timedelta(seconds=1), event_id="b")])

    assert len(first.enqueued) == 1 and second.coalesced == first.enqueued
    assert events_queue.get_job_ids() == first.enqueued


def test_given_job_already_started_when_same_record_changes_then_follow_up_job(
    redis_conn: redis.Redis, events_queue: Queue
) -> None:
    sink = RecordEventSink(redis_conn, bucket_seconds=5)
    (job_id,) = sink.submit([_event(1)]).enqueued
    # A worker took the job: it may already have read the record.
    events_queue.remove(job_id)
    Job.fetch(job_id, connection=redis_conn).set_status(JobStatus.STARTED)

    result = sink.submit([_event(1, event_id="later")])

    assert result.enqueued == [f"{job_id}-g1"]
    assert events_queue.get_job_ids() == [f"{job_id}-g1"]
    # ...and the follow-up absorbs further events while it waits.
    assert sink.submit([_event(1, event_id="later2")]).coalesced == [f"{job_id}-g1"]


def test_given_events_in_different_buckets_when_submitted_then_separate_jobs(
    redis_conn: redis.Redis, events_queue: Queue
) -> None:
    sink = RecordEventSink(redis_conn, bucket_seconds=5)

    sink.submit([_event(1)])
    sink.submit([_event(1, T0 + timedelta(seconds=5))])

    assert events_queue.count == 2


def test_given_org_key_with_symbols_when_job_id_derived_then_valid_and_deterministic() -> None:
    event = _event(1, org_key="acme prod/eu")

    job_id = coalescing_job_id(event, 5)

    assert job_id == coalescing_job_id(event, 5)
    assert Job.redis_job_namespace_prefix  # rq imported; ids must match its pattern
    from rq.job import JOB_ID_PATTERN

    assert JOB_ID_PATTERN.fullmatch(job_id)


def test_given_naive_received_at_when_event_built_then_rejected() -> None:
    with pytest.raises(ValueError, match="timezone"):
        _event(1, at=datetime(2024, 1, 1))  # noqa: DTZ001 - the point of the test


def test_given_claimed_ids_when_released_then_claimable_again(redis_conn: redis.Redis) -> None:
    ledger = DeliveryLedger(redis_conn, "radar:test:seen", ttl_seconds=60)

    assert ledger.claim(["a", "b", "a"]) == [True, True, False]
    ledger.release(["a"])

    assert ledger.claim(["a", "b"]) == [True, False]
    assert 0 < redis_conn.ttl("radar:test:seen:b") <= 60


def test_given_a_job_saved_by_the_script_then_its_hash_is_what_rq_itself_writes(
    redis_conn: redis.Redis, events_queue: Queue
) -> None:
    event = _event(2, event_id="same")
    sink = RecordEventSink(redis_conn, bucket_seconds=5)
    (ours,) = sink.submit([event]).enqueued
    sink._enqueue(event, "rq-own-enqueue")  # RQ's unique enqueue, as before the script

    volatile = {b"created_at", b"enqueued_at", b"last_heartbeat"}
    mine, theirs = (
        {k: v for k, v in redis_conn.hgetall(Job.key_for(i)).items() if k not in volatile}
        for i in (ours, "rq-own-enqueue")
    )
    assert mine == theirs
    assert redis_conn.ttl(Job.key_for(ours)) == redis_conn.ttl(Job.key_for("rq-own-enqueue"))
    job = Job.fetch(ours, connection=redis_conn)
    assert job.func_name == "workers.jobs.handle_record_event"
    assert job.kwargs == event.job_kwargs() and job.retries_left == 3
    assert job.get_status() == JobStatus.QUEUED and job.origin == "events"
    assert events_queue.get_job_ids() == [ours, "rq-own-enqueue"]
    assert redis_conn.sismember("rq:queues", events_queue.key)


def test_given_a_claim_when_submitted_twice_then_the_replay_enqueues_nothing(
    redis_conn: redis.Redis, events_queue: Queue
) -> None:
    sink = RecordEventSink(redis_conn, bucket_seconds=5)
    ledger = DeliveryLedger(redis_conn, "radar:test:seen:event", 60)
    first = sink.submit([_event(3, event_id="e1"), _event(3, event_id="e1")],
                        claim=ledger.claim_of("e1"))
    # the same event again, in a later bucket: it would make a new job if it were not a replay
    replay = sink.submit([_event(3, T0 + timedelta(seconds=30), event_id="e1")],
                         claim=ledger.claim_of("e1"))

    assert (len(first.enqueued), len(first.coalesced), first.replayed) == (1, 1, False)
    assert (replay.enqueued, replay.coalesced, replay.replayed) == ([], [], True)
    assert events_queue.get_job_ids() == first.enqueued
    assert 0 < redis_conn.ttl("radar:test:seen:event:e1") <= 60


def test_given_every_generation_busy_when_submitted_then_the_event_still_gets_a_job(
    redis_conn: redis.Redis, events_queue: Queue
) -> None:
    sink = RecordEventSink(redis_conn, bucket_seconds=5)
    base = coalescing_job_id(_event(4), 5)
    for g in range(8):
        job_id = base if g == 0 else f"{base}-g{g}"
        redis_conn.hset(Job.key_for(job_id), "status", "started")

    result = sink.submit([_event(4, event_id="busy")])

    (job_id,) = result.enqueued
    assert job_id.startswith(f"{base}-") and job_id not in {f"{base}-g{g}" for g in range(8)}
    assert events_queue.get_job_ids() == [job_id]


def test_given_the_fallback_enqueue_fails_then_the_claim_is_released(
    redis_conn: redis.Redis, events_queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = RecordEventSink(redis_conn, bucket_seconds=5)
    ledger = DeliveryLedger(redis_conn, "radar:test:seen:event", 60)
    base = coalescing_job_id(_event(5), 5)
    for g in range(8):
        redis_conn.hset(Job.key_for(base if g == 0 else f"{base}-g{g}"), "status", "started")

    def lost(*_args: object) -> None:
        raise redis.ConnectionError("Redis went away")

    monkeypatch.setattr(sink, "_enqueue", lost)
    with pytest.raises(redis.ConnectionError):
        sink.submit([_event(5, event_id="e5")], claim=ledger.claim_of("e5"))
    assert not redis_conn.exists("radar:test:seen:event:e5")  # the retry will be accepted
    monkeypatch.undo()
    retried = sink.submit([_event(5, event_id="e5")], claim=ledger.claim_of("e5"))
    assert not retried.replayed and len(retried.enqueued) == 1
