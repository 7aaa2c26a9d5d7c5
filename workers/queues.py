"""Queue names, job ids and the per-org concurrency limit, in one place."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import redis
from rq import Queue, Retry
from rq.rate_limit import RateLimit

SCAN = "scan"
WRITEBACK = "writeback"
EVENTS = "events"
ALL_QUEUES = (EVENTS, WRITEBACK, SCAN)  # a worker serves events first: they are what users wait for

# Salesforce faults and lock contention are retried inside a job; a job that still fails is
# retried by RQ with growing pauses before it lands in the failed registry.
DEFAULT_RETRY = Retry(max=3, interval=[10, 60, 300])


def connect(redis_url: str) -> redis.Redis:
    """A Redis connection for RQ (bytes responses, as RQ expects)."""
    return redis.Redis.from_url(redis_url, socket_connect_timeout=5, health_check_interval=30)


def queue(name: str, connection: redis.Redis) -> Queue:
    return Queue(name, connection=connection)


def org_write_limit(org_key: str, concurrency: int = 1) -> RateLimit:
    """At most ``concurrency`` write-back jobs per org at once, so two scans never write
    the same account at the same time (and the org's row locks are not fought over)."""
    return RateLimit(key=f"radar-writeback-{org_key}", concurrency=concurrency)


def coalescing_job_id(org_key: str, kind: str, subject: str, now: datetime | None = None,
                      bucket_seconds: int = 10) -> str:
    """A job id shared by every event about ``subject`` in the same short time bucket, so a
    burst of events for one account queues one job."""
    now = now or datetime.now(UTC)
    bucket = int(now.timestamp()) // bucket_seconds
    raw = f"{org_key}:{kind}:{subject}:{bucket}"
    return f"radar-{kind}-{hashlib.sha256(raw.encode()).hexdigest()[:20]}"
