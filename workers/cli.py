"""`radar worker`, `radar cron`, `radar sync`, `radar jobs`, `radar status`."""

from __future__ import annotations

import json
import time

import click
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from service.settings import Settings
from workers import insights, logfilter, recovery
from workers.queues import ALL_QUEUES, DEFAULT_RETRY, SCAN, connect
from workers.radar_worker import RadarWorker

# RQ's default is 10 minutes. Maintenance is also when a worker takes over the scheduler of
# a worker whose scheduler process died (it exits on a Redis restart; its lock lapses after
# 61 s) and cleans abandoned jobs: with the default, retries scheduled across a Redis restart
# waited up to 10 minutes (bench/chaos.py). The extra registry scans are cheap.
MAINTENANCE_SECONDS = 30
# An idle worker blocks in its dequeue for worker_ttl - 15 s (RQ default 420 -> 405 s) and
# only runs maintenance between dequeues, so the setting above needs a short block as well.
WORKER_TTL_SECONDS = 60


def _conn(settings: Settings):
    return connect(settings.require_redis_url())


@click.command()
@click.option("--queues", "-q", multiple=True, help="Queues to serve (default: all).")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker(queues: tuple[str, ...], burst: bool) -> None:
    """Run an RQ worker for the scan, write-back and event queues."""
    settings = Settings.from_env()
    logfilter.install()
    conn = _conn(settings)
    names = queues or ALL_QUEUES
    # Import the job code once, before RQ forks a work horse per job: otherwise every
    # horse imports detection, plays and the Salesforce client again (~0.5 s per job,
    # most of an event's latency; bench/latency.py).
    import workers.jobs  # noqa: F401, PLC0415
    recovery.recover(conn, ALL_QUEUES)
    rq_worker = RadarWorker([Queue(n, connection=conn) for n in names], connection=conn,
                            maintenance_interval=MAINTENANCE_SECONDS,
                            worker_ttl=WORKER_TTL_SECONDS)
    try:
        rq_worker.work(burst=burst, with_scheduler=True)
    finally:
        # RQ's loop quits on some Redis errors (a Redis restart) but leaves the work-horse
        # running. The next worker's start-up recovery sees this pid gone and runs the job
        # again: two horses writing one chunk at once (bench/chaos.py). Take it down with us.
        if rq_worker.horse_pid:
            rq_worker.kill_horse()
            rq_worker.wait_for_horse()


@click.command()
def cron() -> None:
    """Run the scheduler (rq cron) with the schedules of workers/schedules.py."""
    from rq.cron import CronScheduler  # noqa: PLC0415

    settings = Settings.from_env()
    logfilter.install()
    conn = _conn(settings)
    conn.ping()  # fail now, with one line, rather than inside the scheduler's loop
    scheduler = CronScheduler(connection=conn)
    scheduler.load_config_from_file("workers.cron_config")
    scheduler.start()


@click.command()
@click.option("--full", "mode", flag_value="full", help="Scan every account.")
@click.option("--incremental", "mode", flag_value="incremental", default=True,
              help="Only what changed since the last run (default).")
@click.option("--account", "accounts", multiple=True, help="Scan these account ids now.")
@click.option("--inline", is_flag=True, help="Run the jobs in this process (burst worker).")
@click.option("--wait", is_flag=True, help="Wait until the queues are drained.")
def sync(mode: str, accounts: tuple[str, ...], inline: bool, wait: bool) -> None:
    """Enqueue a sync (and optionally run or wait for it)."""
    from workers import jobs  # noqa: PLC0415

    settings = Settings.from_env()
    logfilter.install()
    conn = _conn(settings)
    q = Queue(SCAN, connection=conn)
    seen = _unsettled_ids(conn)
    if accounts:
        job = q.enqueue(jobs.scan_accounts, org_key=settings.org_key, account_ids=list(accounts),
                        retry=DEFAULT_RETRY)
    elif mode == "full":
        job = q.enqueue(jobs.full_scan, org_key=settings.org_key, retry=DEFAULT_RETRY,
                        job_timeout=6 * 3600)
    else:
        job = q.enqueue(jobs.incremental_sync, org_key=settings.org_key, retry=DEFAULT_RETRY)
    click.echo(f"enqueued {job.func_name} as {job.id}")
    if inline:
        RadarWorker([Queue(n, connection=conn) for n in ALL_QUEUES],
                    connection=conn).work(burst=True)
    elif wait:
        _wait_drained(conn, job)
    if inline or wait:
        click.echo(json.dumps(insights.rebuild(conn, settings.org_key)["written"]))
        failed = [j for j in Job.fetch_many(sorted(_unsettled_ids(conn) - seen), conn) if j]
        if failed:
            raise SystemExit(_report_failures(failed))


def _unsettled_ids(conn) -> set[str]:
    """Ids of the jobs that failed or wait for a retry, in every queue."""
    ids: set[str] = set()
    for name in ALL_QUEUES:
        ids.update(FailedJobRegistry(name, connection=conn).get_job_ids())
        ids.update(ScheduledJobRegistry(name, connection=conn).get_job_ids())
    return ids


def _report_failures(failed: list[Job]) -> int:
    """Print one line per failed job on stderr; return the exit code of the worst."""
    from integration.diagnosis import EXIT_CODES, Kind  # noqa: PLC0415

    codes = []
    for job in failed:
        problem = job.meta.get("problem") or _last_line(job)
        note = job.meta.get("retry_note") or ""
        click.echo(f"error: job {job.func_name.rpartition('.')[2]} {job.id} failed: {problem}"
                   + (f" ({note})" if note else ""), err=True)
        kind = job.meta.get("problem_kind")
        codes.append(EXIT_CODES[Kind(kind)] if kind in Kind._value2member_map_ else 1)
    # 2 (configuration) first: it is the one an operator must act on.
    return 2 if 2 in codes else max(codes)


def _last_line(job: Job) -> str:
    result = job.latest_result()
    lines = (result.exc_string or "").strip().splitlines() if result is not None else []
    return lines[-1] if lines else "failed (no error recorded)"


def _wait_drained(conn, job=None, timeout: float = 6 * 3600) -> None:
    """Wait for ``job``, then until no job is queued, running, scheduled for a retry or held
    back by the per-org write limit — seen idle twice in a row, since RQ moves a job out of
    its queue a moment before it registers it as started."""
    from rq.rate_limit import RateLimitRegistry  # noqa: PLC0415
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    idle = 0
    while time.monotonic() < deadline:
        if job is not None and job.get_status(refresh=True) not in ("finished", "failed",
                                                                   "stopped", "canceled"):
            time.sleep(0.5)
            continue
        busy = sum(Queue(n, connection=conn).count + StartedJobRegistry(n, connection=conn).count
                   + ScheduledJobRegistry(n, connection=conn).count for n in ALL_QUEUES)
        busy += sum(r.get_rate_limited_job_count() for r in RateLimitRegistry.all(conn))
        idle = idle + 1 if busy == 0 else 0
        if idle >= 2:
            return
        time.sleep(0.5)
    raise click.ClickException("timed out waiting for the queues to drain")


@click.group()
def jobs() -> None:
    """Inspect and retry failed jobs."""


@jobs.command("failed")
def jobs_failed() -> None:
    """List failed jobs."""
    conn = _conn(Settings.from_env())
    for name in ALL_QUEUES:
        registry = FailedJobRegistry(name, connection=conn)
        for job_id in registry.get_job_ids():
            job = Queue(name, connection=conn).fetch_job(job_id)
            problem = (job.meta.get("problem") or _last_line(job)) if job else ""
            click.echo(f"{name}\t{job_id}\t{job.func_name if job else '?'}\t{problem}")


@jobs.command("retry")
@click.argument("job_ids", nargs=-1)
@click.option("--all", "retry_all", is_flag=True, help="Retry every failed job.")
def jobs_retry(job_ids: tuple[str, ...], retry_all: bool) -> None:
    """Requeue failed jobs (by id, or --all); exit 1 when there was nothing to requeue."""
    if not job_ids and not retry_all:
        raise click.UsageError("name the failed jobs to retry (radar jobs failed) or pass --all")
    conn = _conn(Settings.from_env())
    count = 0
    for name in ALL_QUEUES:
        registry = FailedJobRegistry(name, connection=conn)
        for job_id in registry.get_job_ids():
            if retry_all or job_id in job_ids:
                registry.requeue(job_id)
                count += 1
    click.echo(f"requeued {count} job(s)")
    if count == 0:
        click.echo("error: nothing to retry — no failed job matches (see radar jobs failed)",
                   err=True)
        raise SystemExit(1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status(as_json: bool) -> None:
    """Recent runs, calls spent, queue depths and failures."""
    from integration.budget import CallLedger  # noqa: PLC0415
    from integration.state import RunStore  # noqa: PLC0415

    settings = Settings.from_env()
    conn = _conn(settings)
    runs = RunStore(conn, settings.org_key).recent_runs(10)
    queues = {n: {"queued": Queue(n, connection=conn).count,
                  "scheduled": ScheduledJobRegistry(n, connection=conn).count,
                  "failed": FailedJobRegistry(n, connection=conn).count} for n in ALL_QUEUES}
    doc = {"runs": runs, "queues": queues, "written": insights.rebuild(conn, settings.org_key)["written"]}
    if as_json:
        click.echo(json.dumps(doc, indent=2, default=str))
        return
    click.echo("Recent runs:")
    for run in runs:
        calls = CallLedger(run.get("calls") or {}).api_calls  # the sync page's definition
        click.echo(f"  {run.get('run_id')}  {run.get('mode'):<12} {run.get('status'):<13} "
                   f"started {run.get('started_at', '-')}  API calls {calls}")
        if run.get("status") in ("failed", "retrying") and run.get("message"):
            click.echo(f"      {run['message']}")
    click.echo("Queues: " + ", ".join(
        f"{n} {q['queued']} queued / {q['scheduled']} awaiting retry / {q['failed']} failed"
        for n, q in queues.items()))
    click.echo("Written: " + ", ".join(f"{k} {v}" for k, v in doc["written"].items()))
