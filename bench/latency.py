"""Event-to-write-back latency through the whole product path.

After a full scan of a generated org, the web service (gunicorn, `radar serve`) and a
long-running worker (`radar worker`) run as subprocesses, and an emulator trigger sends a
signed JSON callout to ``POST /webhooks/salesforce/events`` whenever a Task's
qualification fields change. Each sample acts as a CS user: it fills four of the five
qualification fields of an open radar follow-up Task (directly in the emulator's store,
as the Task's owner, so the trigger fires exactly as a UI edit would) and times until
the resulting S2 Opportunity (upsert key ``opp:<task id>``) is visible in the store.

The path measured: trigger delivery -> webhook verification and enqueue -> event job
(resolves the Task's account, one query) -> coalesced account scan job (reads the
account's records, detects, plans) -> the handoff writes (Opportunity upsert, contact
roles, alignment Task, follow-up completed).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from simple_salesforce import format_soql

from bench.orgs import WEBHOOK_SECRET, BenchOrg
from bench.ui import Ui
from bench.webhook_load import wait_healthy
from plays.keys import handoff_opportunity
from service.redis_server import free_port

QUALIFICATION = {"Qual_Pain__c": "Manual exports eat two days a month",
                 "Qual_Metrics__c": "Cut reporting time by 50%",
                 "Qual_Timeline__c": "Decision before the next renewal",
                 "Qual_Decision_Maker__c": "VP Operations"}
SAMPLE_TIMEOUT = 30.0
POLL_SECONDS = 0.01


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_product(org: BenchOrg) -> Iterator[str]:
    """The web service and one worker against ``org``; yields the service's base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (org.workdir / "latency-services.log").open("wb")
    web = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [sys.executable, "-m", "service.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        env=org.env, stdout=log, stderr=subprocess.STDOUT)
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "service.cli", "worker"], env=org.env, stdout=log,
        stderr=subprocess.STDOUT)
    try:
        wait_healthy(base, web, timeout=60)
        yield base
    finally:
        _stop(worker)
        _stop(web)
        log.close()


def _open_follow_ups(org: BenchOrg, limit: int) -> list[dict[str, Any]]:
    """Open radar follow-up Tasks, one per account, oldest account first."""
    rows = org.emu.store.query(
        "SELECT Id, AccountId, OwnerId FROM Task WHERE Radar_Action__c = 'follow_up' "
        "AND Status != 'Completed' ORDER BY AccountId, Id")
    picked: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.get("AccountId") and row["AccountId"] not in picked:
            picked[row["AccountId"]] = row
    return list(picked.values())[:limit]


def _opportunity_visible(org: BenchOrg, key: str) -> bool:
    soql = format_soql("SELECT Id FROM Opportunity WHERE Expansion_Key__c = {}", key)
    return bool(org.emu.store.query(soql))


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def measure(org: BenchOrg, ui: Ui, samples: int = 30) -> dict[str, Any]:
    """Fill qualification fields on ``samples`` follow-up Tasks, one at a time, and time
    each until its handoff Opportunity is in the org. Needs a completed full scan."""
    tasks = _open_follow_ups(org, samples)
    if not tasks:
        raise RuntimeError("no open follow-up Task to qualify: run a full scan first")
    latencies: list[float] = []
    timeouts = 0
    before = org.api_used()
    progress = ui.task(f"{org.accounts:,} accounts: event -> write-back samples",
                       total=len(tasks))
    with running_product(org) as base:
        org.emu.add_trigger({
            "name": "bench-qualified-follow-up", "object": "Task", "on": ["update"],
            "when_fields_change": sorted(QUALIFICATION), "kind": "json_callout",
            "url": f"{base}/webhooks/salesforce/events", "secret": WEBHOOK_SECRET,
            "fields": ["Id", "Status", *sorted(QUALIFICATION)],
            "retry_initial_seconds": 0.5, "retry_max_seconds": 5})
        for n, task in enumerate(tasks, 1):
            key = handoff_opportunity(task["Id"])
            started = time.perf_counter()
            org.emu.store.update("Task", task["Id"], dict(QUALIFICATION),
                                 user_id=task.get("OwnerId"))
            while not _opportunity_visible(org, key):
                if time.perf_counter() - started > SAMPLE_TIMEOUT:
                    timeouts += 1
                    break
                time.sleep(POLL_SECONDS)
            else:
                latencies.append(time.perf_counter() - started)
            ui.update(progress, completed=n)
        deliveries = org.emu.stats().get("deliveries", {})
    result: dict[str, Any] = {
        "accounts": org.accounts,
        "change": "4 of 5 qualification fields filled on an open follow-up Task",
        "write_observed": "the handoff S2 Opportunity (upsert by Expansion_Key__c)",
        "samples": len(latencies), "timeouts": timeouts,
        "api_calls": org.api_used() - before,
        "api_calls_per_sample": round((org.api_used() - before) / len(tasks), 1),
        "trigger_deliveries": {k: v for k, v in deliveries.items() if k != "log"},
    }
    if latencies:
        result.update({
            "p50_s": round(statistics.median(latencies), 3),
            "p95_s": round(_percentile(latencies, 95), 3),
            "min_s": round(min(latencies), 3), "max_s": round(max(latencies), 3),
            "mean_s": round(statistics.fmean(latencies), 3),
        })
    return result
