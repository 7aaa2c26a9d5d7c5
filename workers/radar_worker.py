"""The RQ worker every `radar` process runs: RQ's ``Worker`` with the project's error
policy and a shutdown that does not hang.

Failures (integration.diagnosis): a configuration or permission problem is failed at once
— its RQ retries are dropped, since waiting cannot fix a missing field or a refused
password and every retry spends API calls; transient problems keep the back-off of
``workers.queues.DEFAULT_RETRY``. Either way the job's one-line diagnosis goes into
``job.meta["problem"]`` (for `radar sync --inline`, `radar jobs failed`, /admin/sync) and a
run record ``job-<id>`` shows the failure and its next retry in `radar status` at once.

Shutdown: RQ 3.0 listens for commands in redis-py's ``PubSubWorkerThread`` polling every
60 s. On exit RQ unsubscribes, then stops the thread; when the UNSUBSCRIBE reply reaches
the thread before the stop flag (a loaded machine), its next ``get_message`` waits up to
the poll interval for a new subscription, and redis-py 8's ``stop()`` joins it without a
timeout: a burst worker, an inline sync or a SIGTERMed worker then took ~60 s to exit
(Docker SIGKILLs after 10 s). Polling every half second bounds that wait.
``rq`` is pinned to 3.0.x in pyproject.toml because ``subscribe`` mirrors its body.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from typing import Any

from rq import Worker
from rq.job import Job
from rq.job_lifecycle import call_exception_handlers, format_exc_info

from integration.diagnosis import Problem, diagnose

log = logging.getLogger(__name__)

PUBSUB_POLL_SECONDS = 0.5
MODES = {"full_scan": "full", "incremental_sync": "incremental", "scan_accounts": "accounts",
         "writeback_chunk": "writeback", "handle_record_event": "event"}


def job_run_id(job: Job) -> str:
    """The id of the run record that reports a job's failures."""
    return f"job-{job.id}"


class RadarWorker(Worker):
    """RQ's worker with the project's failure policy and a prompt shutdown."""

    def subscribe(self) -> None:
        """RQ's subscription to its command channel, polled every half second."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=PUBSUB_POLL_SECONDS, daemon=True,
            exception_handler=self._pubsub_exception_handler)

    def handle_exception(self, job: Job, *exc_info: Any) -> None:
        """Diagnose the failure, drop the retries of what cannot heal, log one line."""
        problem = diagnose(exc_info[1]) if exc_info and exc_info[1] is not None else None
        if problem is None:
            super().handle_exception(job, *exc_info)
            return
        if not problem.retryable:
            job.retries_left = 0
        note = _retry_note(job, problem)
        job.meta.update(problem=problem.message, problem_kind=problem.kind.value,
                        retry_note=note)
        try:
            job.save_meta()
            _record_run(self.connection, job, problem, note)
        except Exception:  # noqa: BLE001 - reporting must not hide the job's own failure
            log.exception("could not record the failure of job %s", job.id)
        if os.environ.get("RADAR_DEBUG", "") not in ("", "0"):
            self.log.error("job %s (%s) failed:\n%s", job.id, job.func_name,
                           format_exc_info(exc_info))
        else:
            self.log.error("job %s (%s) failed: %s%s", job.id, job.func_name, problem.message,
                           f" ({note})" if note else "")
        outcome = "retrying" if problem.retryable and job.retries_left else "failed"
        _count(self.connection, job, outcome)
        call_exception_handlers(self._exc_handlers, job, *exc_info)

    def handle_job_success(self, job: Job, *args: Any, **kwargs: Any) -> Any:
        """RQ's success handling; a job that failed before is marked recovered."""
        result = super().handle_job_success(job, *args, **kwargs)
        _count(self.connection, job, "finished")
        if job.meta.get("problem"):
            from integration.state import RunStore  # noqa: PLC0415

            store = RunStore(self.connection, _org_key(job))
            store.finish_run(job_run_id(job), "recovered", datetime.now(UTC),
                             f"succeeded after: {job.meta['problem']}")
        return result


def _count(conn: Any, job: Job, outcome: str) -> None:
    """The job's outcome and the API calls it spent, as Prometheus counters (best effort)."""
    from service.metrics import API_CALLS, JOBS, MetricsRegistry  # noqa: PLC0415
    from workers.runtime import drain_call_counts  # noqa: PLC0415

    try:
        increments = [(JOBS, 1.0, {"queue": job.origin, "outcome": outcome})]
        increments += [(API_CALLS, float(n), {"kind": kind, "org": org})
                       for (org, kind), n in drain_call_counts().items()]
        MetricsRegistry(conn).inc_many(increments)
    except Exception:  # noqa: BLE001 - metrics must never fail a job
        log.warning("could not count job %s in the metrics", job.id, exc_info=True)


def _org_key(job: Job) -> str:
    return str((job.kwargs or {}).get("org_key") or "default")


def _retry_note(job: Job, problem: Problem) -> str:
    if not problem.retryable:
        return "not retried: fix the cause, then run it again"
    if not job.retries_left:
        return "no retries left"
    at = datetime.now(UTC) + timedelta(seconds=job.get_retry_interval())
    return (f"retry scheduled at {at:%H:%M:%S} UTC, {job.retries_left} "
            f"{'retry' if job.retries_left == 1 else 'retries'} left")


def _record_run(conn: Any, job: Job, problem: Problem, note: str) -> None:
    """A run record for the failed job, so `radar status` and /admin/sync show it now."""
    from integration.state import RunStore  # noqa: PLC0415

    store = RunStore(conn, _org_key(job))
    run_id = job_run_id(job)
    name = (job.func_name or "").rpartition(".")[2]
    now = datetime.now(UTC)
    store.start_run(run_id, MODES.get(name, name or "job"), job.started_at or now)
    status = "retrying" if problem.retryable and job.retries_left else "failed"
    store.finish_run(run_id, status, now, f"{problem.message} ({note})")
