"""Waiting for a full scan to finish, from what the workers record in Redis.

A full scan is two phases (workers.jobs): the ``full_scan`` job reads the org and enqueues
write-back chunks, then each ``writeback_chunk`` job adds its accounts to the run's
``accounts_written``. Queue lengths alone cannot say when that is over — RQ holds
rate-limited chunks outside the queue and moves a job out of the queue a moment before it
registers it as started — so the demo waits for the run record itself, and stops waiting
as soon as a job lands in RQ's failed registry.
"""

from __future__ import annotations

from typing import Any

import redis
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry, StartedJobRegistry

from integration.state import RunStore
from service.supervisor import ProcessFailure, Supervisor
from workers.queues import ALL_QUEUES


def _failure(conn: redis.Redis, job: Job | None = None) -> str | None:
    """The last line of the error of the scan job or of any failed job, if one failed."""
    jobs = [job] if job is not None and job.get_status(refresh=True) == "failed" else []
    for name in ALL_QUEUES:
        for job_id in FailedJobRegistry(name, connection=conn).get_job_ids():
            found = Job.fetch(job_id, connection=conn)
            jobs.append(found)
    for failed in jobs:
        result = failed.latest_result()
        text = (result.exc_string if result is not None else "") or ""
        last = text.strip().splitlines()[-1:] or ["(no traceback)"]
        return f"job {failed.func_name} ({failed.id}) failed: {last[0]}"
    return None


def wait_for_full_scan(procs: Supervisor, conn: redis.Redis, org_key: str, job_id: str,
                       timeout: float) -> dict[str, Any]:
    """Wait until the full scan ``job_id`` has read the org and written every account back.

    Returns:
        The run: ``scan_id``, ``accounts``, ``chunks`` and ``calls`` (by kind, from the run
        ledger) of read and write-back together.

    Raises:
        ProcessFailure: a job failed, the scan stopped early, a process died, or time ran out.
    """
    worker_log = procs.log_dir / "worker-1.log"
    job = Job.fetch(job_id, connection=conn)

    def read_done() -> dict[str, Any] | None:
        failure = _failure(conn, job)
        if failure:
            raise ProcessFailure(failure, worker_log)
        if job.get_status(refresh=True) != "finished":
            return None
        return job.return_value() or {"status": "no result"}

    per_phase = timeout / 2
    result = procs.wait_for("the full scan's read phase", read_done, per_phase, worker_log)
    if result.get("status") != "read":
        raise ProcessFailure(f"the full scan stopped in its read phase: {result}", worker_log)
    runs = RunStore(conn, org_key)
    scan_id = str(result["scan_id"])

    def written() -> dict[str, Any] | None:
        failure = _failure(conn)
        if failure:
            raise ProcessFailure(failure, worker_log)
        run = runs.run(scan_id)
        return run if int(run.get("accounts_written", 0)) >= int(result["accounts"]) else None

    run = procs.wait_for("the full scan's write-back", written, per_phase, worker_log)
    return {"scan_id": scan_id, "accounts": int(result["accounts"]),
            "chunks": int(result["chunks"]), "status": run.get("status"),
            "writes": {k.removeprefix("writes:"): int(v) for k, v in run.items()
                       if k.startswith("writes:")},
            "calls": run["calls"]}


def wait_until_idle(procs: Supervisor, conn: redis.Redis, timeout: float,
                    settle: int = 3) -> None:
    """Wait until no job is queued or running on any queue, ``settle`` polls in a row.

    A write is visible in the org a moment before the job that made it records its outcome
    (the dashboard's counts): the summary waits for the workers to be done, not only for
    the records to exist.

    Raises:
        ProcessFailure: a job failed, a process died, or time ran out.
    """
    quiet = 0

    def idle() -> bool:
        nonlocal quiet
        failure = _failure(conn)
        if failure:
            raise ProcessFailure(failure, procs.log_dir / "worker-1.log")
        busy = any(Queue(name, connection=conn).count
                   or StartedJobRegistry(name, connection=conn).get_job_ids(cleanup=False)
                   for name in ALL_QUEUES)
        quiet = 0 if busy else quiet + 1
        return quiet >= settle

    procs.wait_for("the workers to finish their jobs", idle, timeout)
