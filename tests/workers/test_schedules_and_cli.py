"""The schedules load into RQ's cron scheduler as declared, and the operator commands work
against a real Redis."""

from __future__ import annotations

import json

from click.testing import CliRunner
from rq import Queue, SimpleWorker
from rq.cron import CronScheduler
from rq.registry import FailedJobRegistry

from workers.cli import jobs, status
from workers.queues import WRITEBACK
from workers.schedules import SCHEDULES


def test_given_cron_config_when_loaded_then_every_schedule_is_registered(redis_conn):
    scheduler = CronScheduler(connection=redis_conn)
    scheduler.load_config_from_file("workers.cron_config")
    registered = {job.name: job for job in scheduler.get_jobs()}
    assert set(registered) == {s.name for s in SCHEDULES}
    for schedule in SCHEDULES:
        job = registered[schedule.name]
        assert (job.func_name, job.queue_name, job.cron) == (schedule.func, schedule.queue,
                                                             schedule.cron)
    assert registered["incremental-sync"].cron == "*/15 * * * *"


def explode(account_id: str) -> None:
    raise RuntimeError(f"boom {account_id}")


def test_given_failed_job_when_retried_from_the_cli_then_queued_again(redis_conn, redis_url,
                                                                       monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    queue = Queue(WRITEBACK, connection=redis_conn)
    job = queue.enqueue(explode, "001A")
    SimpleWorker([queue], connection=redis_conn).work(burst=True)
    assert job.id in FailedJobRegistry(WRITEBACK, connection=redis_conn).get_job_ids()

    listed = CliRunner().invoke(jobs, ["failed"])
    assert listed.exit_code == 0 and job.id in listed.output and "boom 001A" in listed.output
    retried = CliRunner().invoke(jobs, ["retry", job.id])
    assert retried.exit_code == 0, retried.output
    assert job.id in queue.get_job_ids()
    assert CliRunner().invoke(jobs, ["retry", "no-such-job"]).exit_code == 1


def test_given_queued_work_when_status_asked_then_queue_depths_and_runs_shown(redis_conn,
                                                                             redis_url,
                                                                             monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    Queue(WRITEBACK, connection=redis_conn).enqueue(explode, "001B")
    answer = CliRunner().invoke(status, ["--json"])
    assert answer.exit_code == 0, answer.output
    document = json.loads(answer.output)
    assert document["queues"][WRITEBACK]["queued"] == 1
    assert document["runs"] == []
