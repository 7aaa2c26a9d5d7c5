"""One org through the product, with or without chaos.

The run: generate the org (fixed seed and clock), start Redis, the web service and two RQ
workers, full scan (read phase, then rate-limited write-back chunks), then a CS user fills
the qualification fields of a few Strong follow-up Tasks (two edits each) whose triggers
call the signed events endpoint and the Outbound Message endpoint through the relay, then
the incremental back-sync the cron would run. The control org runs that plainly; the chaos
org runs it with the faults of ``ChaosPlan``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import redis
from rq import Queue
from simple_salesforce import format_soql

from bench.chaos_faults import (
    KillMidBatch,
    RestartRedisDuringReplay,
    RestartRedisMidBatch,
    gateway_log_counts,
)
from bench.chaos_plan import ChaosPlan, OrgRun
from bench.chaos_relay import WebhookRelay
from bench.chaos_stack import RedisProcess, Stack, failed_jobs, pending_jobs, pending_work
from bench.chaos_state import read_state
from emulator.generator import generate_into
from emulator.testing import EmulatorHandle, running_emulator
from workers.queues import DEFAULT_RETRY, SCAN

ORG_KEY = "chaos"
SECRET = "chaos-webhook-secret"  # noqa: S105 - a throwaway secret of a local test run
OUTBOUND_TOKEN = "chaos-outbound-token"  # noqa: S105
QUAL_FIELDS = ("Qual_Pain__c", "Qual_Metrics__c", "Qual_Timeline__c", "Qual_Decision_Maker__c")
WORKERS = 2
DRAIN_TIMEOUT = 900.0
SLOW_DRAIN = 60.0


class OrgRunner:
    """Runs one org; ``run()`` returns its ``OrgRun``."""

    def __init__(self, name: str, workdir: Path, accounts: int, seed: int, now: datetime,
                 plan: ChaosPlan, say: Callable[[str], None] = print) -> None:
        self.name = name
        self.workdir = workdir
        self.accounts = accounts
        self.seed = seed
        self.now = now
        self.plan = plan
        self.result = OrgRun(name, plan)
        self._say = say
        self._started = time.monotonic()
        self.emu: EmulatorHandle
        self.redis: RedisProcess
        self.stack: Stack
        self.relay: WebhookRelay

    # -- helpers ----------------------------------------------------------------------------

    def say(self, message: str) -> None:
        line = f"[{self.name} +{time.monotonic() - self._started:6.1f}s] {message}"
        self.result.timeline.append(line)
        self._say(line)

    def conn(self) -> redis.Redis:
        return redis.Redis.from_url(self.redis.url, socket_timeout=3, socket_connect_timeout=3)

    def api_calls(self, kind: str | None = None) -> int:
        usage = self.emu.org.usage
        if kind == "collections":
            # Collection writes travel as subrequests of composite calls: count those too.
            return usage.by_kind.get(kind, 0) + usage.subrequests.get("collections:write", 0)
        return usage.by_kind.get(kind, 0) if kind else sum(usage.by_kind.values())

    def drain(self, what: str, hooks: tuple[Callable[[], None], ...] = ()) -> None:
        """Poll until no job is queued, running, scheduled or held back (twice in a row),
        running ``hooks`` (the faults) and the worker supervisor on every poll."""
        started = time.monotonic()
        quiet = 0
        report_at = started + SLOW_DRAIN
        while True:
            self.stack.supervise()
            for hook in hooks:
                hook()
            try:
                busy = sum(pending_work(self.conn()).values())
            except redis.RedisError:
                busy = -1
            quiet = quiet + 1 if busy == 0 else 0
            if quiet >= 3:
                break
            if time.monotonic() > report_at:  # say what it waits for, now and then
                report_at += SLOW_DRAIN
                try:
                    waiting = {k: v for k, v in pending_jobs(self.conn()).items() if v}
                except redis.RedisError as exc:
                    waiting = {"redis": [str(exc)]}
                self.say(f"{what}: still waiting for {waiting}")
            if time.monotonic() - started > DRAIN_TIMEOUT:
                raise TimeoutError(f"{self.name}: {what} did not finish in {DRAIN_TIMEOUT:.0f} s")
            time.sleep(0.05 if hooks else 0.3)
        self.result.phases[what] = round(time.monotonic() - started, 1)
        self.say(f"{what} done in {self.result.phases[what]} s")

    def enqueue(self, func: str, **kwargs: Any) -> str:
        job = Queue(SCAN, connection=self.conn()).enqueue(
            func, org_key=ORG_KEY, retry=DEFAULT_RETRY, job_timeout=3600, **kwargs)
        return job.id

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> OrgRun:
        with ExitStack() as cleanup:
            self.emu = cleanup.enter_context(running_emulator(
                self.workdir / "emulator", api_limit=10_000_000))
            self.emu.org.clock.set(self.now)
            stats = generate_into(self.emu.store, accounts=self.accounts, seed=self.seed,
                                  now=self.now)
            self.say(f"generated {stats.accounts} accounts ({stats.total_records} records) "
                     f"at {self.now.isoformat()}")
            self.emu.org.clock.set(self.now)  # both orgs scan at the same org time
            self.redis = RedisProcess(self.workdir / "redis", appendonly=self.plan.appendonly)
            self.redis.start()
            cleanup.callback(self.redis.stop)
            env = {**self.emu.env, "REDIS_URL": self.redis.url, "RADAR_ORG_KEY": ORG_KEY,
                   "RADAR_WEBHOOK_SECRETS": SECRET, "RADAR_OUTBOUND_TOKEN": OUTBOUND_TOKEN,
                   "RADAR_ALLOWED_ORG_IDS": self.emu.store.org_id, "RADAR_LOG_LEVEL": "warning"}
            self.stack = Stack(env, self.workdir / "logs", self.redis.url)
            cleanup.callback(self.stack.stop)
            self.stack.start_web()
            self.relay = WebhookRelay(self.stack.web_url, OUTBOUND_TOKEN).start()
            cleanup.callback(self.relay.stop)
            self._add_triggers()
            for _ in range(WORKERS):
                self.stack.start_worker()
            if self.plan.faults:
                self.emu.set_faults(rate=self.plan.fault_rate, expire_every=self.plan.expire_every,
                                    seed=self.plan.fault_seed)
            self._full_scan()
            self.result.state_after_writeback = read_state(self.emu.store)
            self._webhooks()
            self.enqueue("workers.jobs.incremental_sync")
            self.drain("incremental back-sync")
            self.result.state = read_state(self.emu.store)
            self.result.failed = failed_jobs(self.conn())
            self.result.emulator = self.emu.stats()
            self.result.emulator.pop("deliveries", None)
            self.result.worker_exits = list(self.stack.exits)
            self.result.counters["worker restarts by the supervisor"] = \
                self.stack.supervisor_restarts
        self.result.gateway_log = gateway_log_counts(self.workdir / "logs")
        self.result.seconds = round(time.monotonic() - self._started, 1)
        return self.result

    def _add_triggers(self) -> None:
        common = {"object": "Task", "on": ["update"], "when_fields_change": list(QUAL_FIELDS),
                  "retry_initial_seconds": 0.5, "retry_max_seconds": 5}
        self.emu.add_trigger({**common, "name": "qualified-callout", "kind": "json_callout",
                              "url": f"{self.relay.base_url}/events", "secret": SECRET})
        self.emu.add_trigger({**common, "name": "qualified-outbound", "kind": "outbound_message",
                              "url": f"{self.relay.base_url}/outbound",
                              "fields": ["Id", "WhatId", "Status", *QUAL_FIELDS]})

    # -- phase 1: full scan under a worker kill and a Redis restart ----------------------------

    def _full_scan(self) -> None:
        job_id = self.enqueue("workers.jobs.full_scan")
        self.say(f"full scan enqueued ({job_id}); {WORKERS} workers")
        kill = KillMidBatch(self) if self.plan.faults and self.plan.kill_worker else None
        restart = RestartRedisMidBatch(self, kill) \
            if self.plan.faults and self.plan.restart_redis else None
        taps = [h for h in (kill, restart) if h is not None]
        # Only the write-back writes to the org in this phase; the taps see each committed call.
        for tap in taps:
            self.emu.store.add_listener(tap.on_commit)
        try:
            self.drain("full scan and write-back", (kill,) if kill else ())
        finally:
            for tap in taps:
                tap.active = False
        for tap in taps:
            tap.finish()

    # -- phase 2: a CS user qualifies follow-ups; webhooks delivered 3x out of order -----------

    def _webhooks(self) -> None:
        tasks = self.emu.store.query(format_soql(
            "SELECT Id, AccountId, OwnerId, Expansion_Key__c FROM Task WHERE Radar_Action__c = "
            "'follow_up' AND Signal_Strength__c = 'Strong' AND Status != 'Completed' "
            "ORDER BY Expansion_Key__c LIMIT {:literal}", str(int(self.plan.follow_ups))))
        for task in tasks:
            contact = self.emu.store.query(format_soql(
                "SELECT FirstName, LastName FROM Contact WHERE AccountId = {} ORDER BY Id LIMIT 1",
                task["AccountId"]))
            name = " ".join(filter(None, (contact[0]["FirstName"], contact[0]["LastName"]))) \
                if contact else "the VP of Operations"
            owner = task["OwnerId"]
            # Two edits, as a person fills a form over a day: 2 of 5, then 4 of 5 fields.
            self.emu.store.update("Task", task["Id"], {
                "Qual_Pain__c": "Manual reporting across three teams",
                "Qual_Metrics__c": "Cut reporting time by 60%"}, user_id=owner)
            self.emu.store.update("Task", task["Id"], {
                "Qual_Timeline__c": "Decision before the Q3 budget freeze",
                "Qual_Decision_Maker__c": name}, user_id=owner)
        expected = 2 * 2 * len(tasks)  # two edits x (callout + outbound message)
        captured = self.relay.wait_for(expected, timeout=60)
        self.say(f"CS qualified {len(tasks)} Strong follow-ups; {captured}/{expected} trigger "
                 f"deliveries captured")
        rng = random.Random(self.plan.shuffle_seed) if self.plan.faults else None
        restart = None
        if self.plan.faults and self.plan.restart_redis:
            restart = RestartRedisDuringReplay(self)
        report = self.relay.flush(self.plan.copies if self.plan.faults else 1, rng,
                                  on_progress=restart)
        if restart is not None:
            restart.join()
        self.result.relay = {"follow_ups": len(tasks), **report.as_dict()}
        self.say(f"relay: {report.sent} deliveries ({report.out_of_order} out of order), "
                 f"answers {dict(report.statuses)}")
        self.drain("webhook events")


def without_persistence(plan: ChaosPlan) -> ChaosPlan:
    """The same chaos with a Redis that keeps nothing across a restart."""
    return replace(plan, appendonly=False)
