"""The faults the chaos run injects on top of the emulator's own (API faults, session
expiry): a worker SIGKILLed mid write-back, Redis restarted mid write-back and again
mid-webhook-replay, and the evidence in the workers' logs that each was survived."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rq.job import Job
from rq.registry import StartedJobRegistry

from workers.queues import WRITEBACK

if TYPE_CHECKING:
    import redis

    from bench.chaos_plan import ChaosPlan, OrgRun
    from bench.chaos_stack import RedisProcess, Stack


class OrgRunner(Protocol):
    """What a fault needs of the run it breaks (bench.chaos_scenario's OrgRunner; declared
    here so the faults sit below the scenario that uses them)."""

    workdir: Path
    plan: ChaosPlan
    result: OrgRun
    redis: RedisProcess
    stack: Stack

    def say(self, message: str) -> None: ...

    def conn(self) -> redis.Redis: ...

    def api_calls(self, kind: str | None = None) -> int: ...


class KillMidBatch:
    """SIGKILL the process group of the worker running a write-back chunk right after one
    of that chunk's collection writes committed in the org — before its reply reaches the
    worker, so the job dies between writes with a write it never heard back about. Then
    start a new worker and time how long the killed chunk takes to finish.

    Runs as a listener of the emulator's store (called after each committed write call).
    """

    def __init__(self, runner: OrgRunner) -> None:
        self.runner = runner
        self.active = True
        self.first_call: int | None = None
        self.job_id: str | None = None
        self.killed_at: float | None = None
        self.kill_calls = 0
        self._replacement_started = False

    def on_commit(self, events: list) -> None:
        r = self.runner
        if not self.active or self.killed_at is not None or not events:
            return
        calls = r.api_calls("collections")  # taken so far, this one included
        if self.first_call is None:
            self.first_call = calls
        if calls - self.first_call + 1 < r.plan.kill_after_writes:
            return
        conn = r.conn()
        for job_id in StartedJobRegistry(WRITEBACK, connection=conn).get_job_ids(cleanup=False):
            job = Job.fetch(job_id, connection=conn)
            victim = r.stack.worker_running(job.worker_name)
            if victim is None:
                continue
            horses = r.stack.kill_group(victim)
            self.killed_at = time.monotonic()
            self.kill_calls = calls
            self.job_id = job_id
            r.result.counters["workers SIGKILLed mid-batch"] += 1
            r.say(f"SIGKILL worker pid {victim.pid} and its children {horses} (scheduler, "
                  f"work-horse) in write-back "
                  f"{job_id}, as its collection call #{calls - self.first_call + 1} committed")
            return

    def __call__(self) -> None:
        """Drain hook: start the new worker, then watch the killed chunk finish."""
        r = self.runner
        if self.killed_at is None:
            return
        if not self._replacement_started:
            self._replacement_started = True
            r.stack.start_worker()
            r.say("started a new worker")
        if r.result.recovery_seconds is not None or self.job_id is None:
            return
        try:
            status = Job.fetch(self.job_id, connection=r.conn()).get_status(refresh=False)
        except Exception:  # noqa: BLE001 - Redis restarting or the job expired
            return
        if status == "finished":
            r.result.recovery_seconds = round(time.monotonic() - self.killed_at, 1)
            r.say(f"killed write-back {self.job_id} finished "
                  f"{r.result.recovery_seconds} s after the kill")

    def finish(self) -> None:
        r = self.runner
        self()
        recovered = recovered_jobs(r.workdir / "logs")
        if self.job_id is None:
            r.result.recovery_note = "no write-back chunk was caught mid-batch"
        elif self.job_id in recovered:
            r.result.recovery_note = ("handed back to RQ by the new worker's start-up recovery "
                                      "(workers/recovery.py), then RQ's retry")
        else:
            r.result.recovery_note = "RQ's own clean-up after the execution heartbeat expired"


class RestartRedisMidBatch:
    """Restart Redis (in a thread) right after the first write-back write that commits once
    the kill is done: the chunk then runs on while its worker loses Redis."""

    def __init__(self, runner: OrgRunner, kill: KillMidBatch | None) -> None:
        self.runner = runner
        self.kill = kill
        self.active = True
        self.thread: threading.Thread | None = None

    def on_commit(self, events: list) -> None:
        if not self.active or self.thread is not None or not events:
            return
        if self.kill is not None:
            # Only a write call that started after the kill: the killed chunk running again
            # (or the next chunk), not the call the kill interrupted.
            if self.kill.killed_at is None or \
                    self.runner.api_calls("collections") <= self.kill.kill_calls:
                return
        self.thread = threading.Thread(target=restart_redis,
                                       args=(self.runner, "in the middle of a write-back chunk"),
                                       daemon=True)
        self.thread.start()

    def finish(self) -> None:
        if self.thread is not None:
            self.thread.join()


class RestartRedisDuringReplay:
    """``on_progress`` of the relay: restart Redis (in a thread, so the relay keeps sending
    and meets the outage) once a third of the deliveries were answered."""

    def __init__(self, runner: OrgRunner) -> None:
        self.runner = runner
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            if self._thread is None and done * 3 >= total:
                self._thread = threading.Thread(
                    target=restart_redis, args=(self.runner, f"after {done}/{total} webhook "
                                                "deliveries"), daemon=True)
                self._thread.start()

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()


def restart_redis(r: OrgRunner, when: str) -> None:
    """Stop Redis (SIGTERM), keep it down for the plan's downtime, start it again."""
    r.say(f"restarting Redis {when} (appendonly {'yes' if r.plan.appendonly else 'no'})")
    down = r.redis.restart(r.plan.redis_downtime)
    keys = r.redis.keys()
    r.result.redis_keys_after_restart.append(keys)
    r.result.counters["Redis restarts"] += 1
    r.say(f"Redis back after {down:.1f} s with {keys} keys")


GATEWAY_LINES = {
    "transient SERVER_UNAVAILABLE": "503 retried",
    "transient UNABLE_TO_LOCK_ROW": "lock (whole call) retried",
    "hit transient errors; retrying them": "collection with record locks re-sent",
    "session expired; re-authenticating": "session re-authenticated",
    "could not connect to Redis": "worker Redis reconnect waits",
    "recovered": "jobs recovered at worker start",
}


def recovered_jobs(logdir: Path) -> set[str]:
    """Job ids the workers' start-up recovery handed back (its log line lists them)."""
    found: set[str] = set()
    for path in logdir.glob("worker-*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if "workers.recovery: recovered" in line:
                found.update(i.strip() for i in line.rsplit(":", 1)[1].split(","))
    return found


def gateway_log_counts(logdir: Path) -> Counter[str]:
    """What the workers' logs say they survived (retries, re-authentications...)."""
    counts: Counter[str] = Counter()
    for path in sorted(logdir.glob("worker-*.log")):
        for line in path.read_text(errors="replace").splitlines():
            for needle, label in GATEWAY_LINES.items():
                if needle in line:
                    counts[label] += 1
    return counts
