"""Recover jobs of workers that died on this host (SIGKILL, OOM, power loss of a container).

RQ 3 already treats a job whose execution heartbeat expired as abandoned: it retries it
(our jobs carry a Retry) and frees its rate-limit slot. That takes up to a minute and a half
after the last heartbeat. A worker starting on the same host can tell at once that a
registered worker is gone — its pid no longer exists — so it expires that worker's
executions now and lets RQ's own clean-up do the rest. Jobs are idempotent (deterministic
keys, diff-before-write), so running the interrupted job again loses and duplicates nothing.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Sequence

import redis
from rq import Queue, Worker
from rq.registry import StartedJobRegistry

log = logging.getLogger(__name__)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def dead_local_workers(conn: redis.Redis) -> list[Worker]:
    """Registered workers of this host whose process no longer exists."""
    host = socket.gethostname()
    return [w for w in Worker.all(connection=conn)
            if w.hostname == host and not _alive(w.pid)]


def recover(conn: redis.Redis, queue_names: Sequence[str]) -> list[str]:
    """Expire the executions of dead local workers and let RQ retry their jobs.

    Returns:
        The ids of the jobs handed back to RQ.
    """
    dead = dead_local_workers(conn)
    if not dead:
        return []
    dead_names = {w.name for w in dead}
    recovered: list[str] = []
    for name in queue_names:
        registry = StartedJobRegistry(name, connection=conn)
        intervals: dict[str, str | None] = {}
        for member, _score in conn.zrange(registry.key, 0, -1, withscores=True):
            job_id = member.decode().split(":", 1)[0]
            job = Queue(name, connection=conn).fetch_job(job_id)
            if job is None or job.worker_name not in dead_names:
                continue
            conn.zadd(registry.key, {member: 1})  # expired long ago
            # The job did not fail, its worker died: retry it now, not after the back-off
            # meant for Salesforce outages (restored below for any later failure).
            raw = conn.hget(job.key, "retry_intervals")
            intervals[job.key] = raw.decode() if raw else None
            conn.hset(job.key, "retry_intervals", json.dumps([0]))
            recovered.append(job_id)
        if intervals:
            registry.cleanup()
            for key, raw in intervals.items():
                if raw is None:
                    conn.hdel(key, "retry_intervals")
                else:
                    conn.hset(key, "retry_intervals", raw)
    for worker in dead:
        worker.register_death()
    if recovered:
        log.warning("recovered %d job(s) of %d dead worker(s) on this host: %s",
                    len(recovered), len(dead), ", ".join(recovered))
    return recovered
