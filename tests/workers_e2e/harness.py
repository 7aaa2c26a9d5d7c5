"""Helpers for end-to-end tests: an emulator org from the generator, `radar` subprocesses
pointed at it and at the test Redis, and read-outs of the org state."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import psutil

from emulator.generator import generate_into

FIXED_NOW = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)  # a Wednesday
RADAR = [sys.executable, "-m", "service.cli"]


def seed_org(org, accounts: int, seed: int, tmp: Path) -> list[dict]:
    """Generate an org into the emulator at a fixed clock; return the truth rows."""
    org.store.clock.set(FIXED_NOW)
    truth_path = tmp / f"truth-{seed}.jsonl"
    generate_into(org.store, accounts=accounts, seed=seed, truth_path=truth_path,
                  now=org.store.clock.now())
    return [json.loads(line) for line in truth_path.read_text().splitlines()[1:]]


def radar_env(org, redis_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SALESFORCE_", "RADAR_"))}
    env.update(org.env)
    env.update({"REDIS_URL": redis_url, "RADAR_ORG_KEY": "default", **extra})
    return env


def radar(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run([*RADAR, *args], env=env, capture_output=True, text=True,
                            timeout=timeout, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, f"radar {' '.join(args)} failed:\n{result.stderr[-4000:]}"
    return result


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    """A `radar worker` in its own process group (so SIGKILL takes its work-horse too)."""
    return subprocess.Popen([*RADAR, "worker", *args], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[2])


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the worker and every process under it: RQ starts each work-horse in a process
    group of its own, so killing the worker's group alone would leave the horse writing."""
    children = psutil.Process(process.pid).children(recursive=True)
    os.killpg(process.pid, signal.SIGKILL)
    for child in children:
        try:
            child.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    process.wait(timeout=10)
    psutil.wait_procs(children, timeout=10)


def radar_tasks(org) -> dict[str, list[dict]]:
    """Account id -> the Tasks the service (the integration user) wrote there."""
    rows = org.store.query(
        "SELECT Id, AccountId, WhatId, Subject, Status, Priority, Radar_Action__c, "
        "Expansion_Signal_Type__c, Expansion_Key__c, OwnerId, CreatedById FROM Task "
        "WHERE Expansion_Key__c != null")
    rows = [r for r in rows if r["CreatedById"] == org.store.integration_user_id]
    by_account: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_account[row.get("WhatId") or row.get("AccountId")].append(row)
    return by_account


def org_state(org) -> dict:
    """Everything the service writes, keyed without ids or timestamps, for comparisons."""
    accounts = {r["Id"]: (r.get("Expansion_Readiness__c"), r.get("White_Space_Potential__c"),
                          r.get("White_Space__c"))
                for r in org.store.query("SELECT Id, Expansion_Readiness__c, "
                                         "White_Space_Potential__c, White_Space__c FROM Account")}
    roles = {r["Id"]: r.get("MEDDICC_Role__c")
             for r in org.store.query("SELECT Id, MEDDICC_Role__c FROM Contact")}
    tasks = sorted((r["Expansion_Key__c"], r["Radar_Action__c"], r["Status"])
                   for r in org.store.query("SELECT Expansion_Key__c, Radar_Action__c, Status "
                                            "FROM Task WHERE Expansion_Key__c != null"))
    opps = sorted((r["Expansion_Key__c"], r["StageName"], r["Amount"])
                  for r in org.store.query("SELECT Expansion_Key__c, StageName, Amount FROM "
                                           "Opportunity WHERE Expansion_Key__c != null"))
    return {"accounts": accounts, "roles": roles, "tasks": tasks, "opportunities": opps}
