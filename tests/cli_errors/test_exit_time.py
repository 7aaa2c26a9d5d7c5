"""Acceptance (issue 18): workers and inline syncs exit within 2 s of their last job or of
SIGTERM. The cause of the old ~60 s hang (RQ 3 + redis-py 8's PubSubWorkerThread waiting
out its 60 s poll once unsubscribed) is reproduced directly, then each command is timed."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from datetime import UTC, datetime

import pytest
import redis
from rq import Queue, Worker
from rq.job import Job

from tests.cli_errors.harness import RADAR, ROOT, base_env, run_radar
from workers.radar_worker import RadarWorker

EXIT_BUDGET_SECONDS = 2.0


def _late_stop_seconds(worker: Worker) -> float:
    """Subscribe, then stop the command thread the way RQ does on a loaded machine: the
    UNSUBSCRIBE reply reaches the thread before the stop flag is set."""
    worker.subscribe()
    time.sleep(0.2)
    worker.pubsub.unsubscribe()
    time.sleep(0.1)
    started = time.monotonic()
    stopper = threading.Thread(target=worker.pubsub_thread.stop, daemon=True)
    stopper.start()
    stopper.join(timeout=5)
    return time.monotonic() - started if not stopper.is_alive() else float("inf")


def test_given_rq_worker_unsubscribed_first_then_its_stop_hangs_but_radar_worker_does_not(
        redis_conn: redis.Redis) -> None:
    queue = Queue("scan", connection=redis_conn)
    assert _late_stop_seconds(Worker([queue], connection=redis_conn)) > 5  # RQ's own: ~60 s
    assert _late_stop_seconds(RadarWorker([queue], connection=redis_conn)) < 1.0


def _exit_after_last_job(redis_url: str, redis_conn: redis.Redis, *args: str) -> float:
    """Seconds between the end of the last job and the exit of ``radar *args``."""
    env = base_env(REDIS_URL=redis_url)
    outcome = run_radar(env, *args)
    exited = datetime.now(UTC)
    ended = [job.ended_at for job in Job.fetch_many(
        [k.decode().split(":", 2)[2] for k in redis_conn.keys("rq:job:*")], redis_conn)
        if job is not None and job.ended_at]
    assert ended, outcome.stderr[-2000:]
    return (exited - max(ended).replace(tzinfo=UTC)).total_seconds()


def test_given_a_job_when_burst_worker_finishes_then_it_exits_within_2_s(
        redis_url: str, redis_conn: redis.Redis) -> None:
    Queue("scan", connection=redis_conn).enqueue("os.getpid")
    assert _exit_after_last_job(redis_url, redis_conn, "worker", "--burst") < EXIT_BUDGET_SECONDS


def test_given_inline_sync_when_its_job_ends_then_it_exits_within_2_s(
        redis_url: str, redis_conn: redis.Redis) -> None:
    # No Salesforce settings: the sync job fails at once (a configuration error), which is
    # as good a "last job" as any for timing the exit.
    assert _exit_after_last_job(redis_url, redis_conn, "sync", "--inline") < EXIT_BUDGET_SECONDS


@pytest.mark.slow
def test_given_idle_worker_when_sigterm_then_it_exits_within_2_s(
        redis_url: str, redis_conn: redis.Redis) -> None:
    process = subprocess.Popen([*RADAR, "worker"], env=base_env(REDIS_URL=redis_url), cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not Worker.all(connection=redis_conn) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert Worker.all(connection=redis_conn), "the worker never registered"
        time.sleep(1.0)  # idle: blocked in its dequeue, its scheduler started
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        code = process.wait(timeout=30)
        elapsed = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == 0, process.stderr.read()[-2000:] if process.stderr else ""
    assert elapsed < EXIT_BUDGET_SECONDS, elapsed


def test_given_emulator_start_up_error_then_it_prints_it_and_exits_non_zero(tmp_path) -> None:
    # shutdown() before serve_forever() ever ran used to wait forever and hide the error.
    plan = tmp_path / "plan.json"
    plan.write_text('{"not": "a plan"}')
    started = time.monotonic()
    outcome = run_radar(base_env(), "emulator", "--port", "0", "--state-dir",
                        str(tmp_path / "state"), "--import", str(plan), timeout=60)
    assert outcome.code == 1
    assert "a plan is a JSON list" in outcome.stderr
    assert time.monotonic() - started < 30
