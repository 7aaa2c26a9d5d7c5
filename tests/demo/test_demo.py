"""`make demo` end to end at a small size: the real processes (Redis, emulator, gunicorn, two
RQ workers, rq cron), the trigger -> webhook -> worker -> handoff path, and a summary whose
numbers are checked against the org and the generator's ground truth.

120 accounts: the generator lays out its boundary cases first, and its first Strong account
(seed 42) comes after them, at index 72.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from simple_salesforce import format_soql

from service.demo import read_env_file
from service.demo_org import OrgClient
from service.supervisor import (
    ProcessFailure,
    Supervisor,
    is_running,
    start_ticks,
    stop_from_pid_file,
)

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = 120


def _demo(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # its own Redis, not ours
    env["COLUMNS"] = "120"
    return subprocess.run([sys.executable, "-m", "service.demo", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _truth(workdir: Path) -> list[dict]:
    lines = (workdir / "truth.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines[1:]]  # the first line is metadata


def test_given_a_generated_org_when_the_demo_runs_then_the_handoff_and_summary_match_the_org(
    tmp_path: Path,
) -> None:
    pid_file, summary_file = tmp_path / "demo.json", tmp_path / "summary.json"
    started = time.monotonic()
    result = _demo("--accounts", str(ACCOUNTS), "--keep-running", "--pid-file", str(pid_file),
                   "--summary-json", str(summary_file), "--workdir", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    record = json.loads(pid_file.read_text())
    try:
        summary = json.loads(summary_file.read_text())
        org = OrgClient(read_env_file(Path(record["env_file"])))
        truth = _truth(Path(record["workdir"]))

        # The handoff: exactly one S2 Opportunity keyed on the follow-up, with contact roles.
        follow_up = summary["handoff"]["follow_up"]
        opps = org.sf.query(format_soql(
            "SELECT Id, StageName, Amount, CloseDate, Expansion_Key__c, Description "
            "FROM Opportunity WHERE AccountId = {} AND LeadSource = 'CS-driven Expansion'",
            follow_up["account_id"]))["records"]
        assert len(opps) == 1
        opp = opps[0]
        assert opp["Expansion_Key__c"] == f"opp:{follow_up['task_id']}"
        assert opp["StageName"] == "S2 - Qualification" and opp["Amount"] > 0
        today = date.fromisoformat(org.control("clock")["now"][:10])
        assert opp["CloseDate"] == (today + timedelta(days=45)).isoformat()
        assert "EXPANSION OPPORTUNITY HANDOFF" in opp["Description"]
        roles = org.sf.query(format_soql(
            "SELECT Contact.Name, IsPrimary FROM OpportunityContactRole WHERE OpportunityId = {}",
            opp["Id"]))["records"]
        primary = [r["Contact"]["Name"] for r in roles if r["IsPrimary"]]
        assert primary == [summary["handoff"]["qualification"]["Qual_Decision_Maker__c"]]
        task = org.sf.Task.get(follow_up["task_id"])
        assert task["Status"] == "Completed" and task["Signal_Strength__c"] == "Strong"
        # the CS+AE alignment is one meeting: the AE organises, the CS owner is invited
        [event] = org.sf.query(format_soql(
            "SELECT Id, OwnerId FROM Event WHERE WhatId = {} "
            "AND Radar_Action__c = 'handoff_alignment'", follow_up["account_id"]))["records"]
        invited = org.sf.query(format_soql("SELECT RelationId FROM EventRelation WHERE EventId = {}",
                                           event["Id"]))["records"]
        assert [r["RelationId"] for r in invited] == [task["OwnerId"]] != [event["OwnerId"]]
        assert "CS review:" in opp["Description"] and "n/a" not in opp["Description"]
        assert summary["handoff"]["seconds"] <= 30

        # The summary's numbers, checked against the org and the ground truth.
        assert summary["accounts_scanned"] == ACCOUNTS
        assert org.count("SELECT COUNT() FROM Account WHERE Last_Expansion_Scan__c != null") \
            == ACCOUNTS
        assert summary["strength"] == dict(Counter(row["strength"] for row in truth))
        radar_tasks = org.count("SELECT COUNT() FROM Task WHERE Expansion_Key__c != null")
        assert summary["written"]["tasks"] == radar_tasks - summary["org_before"]["tasks"] > 0
        follow_ups = org.count("SELECT COUNT() FROM Task WHERE Radar_Action__c = 'follow_up' "
                                "AND Expansion_Key__c != null")
        expected = sum(1 for row in truth if row["play"] == "play04"
                       and row["strength"] in ("Strong", "Moderate"))
        assert follow_ups == expected
        assert summary["written"]["opportunities"] == 1 and summary["written"]["failed"] == 0
        full = next(run for run in summary["runs"] if run["mode"] == "full")
        # The run ledger and the org's own API counter agree on what the full scan spent.
        assert full["calls"] == summary["scan"]["emulator_calls"] > 0
        assert summary["deliveries"]["delivered"] >= 1
        assert summary["browser"]["account"].endswith(f"/Account/{follow_up['account_id']}/view")
    finally:
        stopped = _demo("--stop", "--pid-file", str(pid_file), timeout=60)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert not pid_file.exists()
    for entry in record["processes"]:
        assert not is_running(entry["pid"], entry["started"]), f"{entry['name']} still running"
    assert time.monotonic() - started < 60


def test_given_a_started_process_exits_when_waiting_then_failure_names_it_and_its_log(
    tmp_path: Path,
) -> None:
    procs = Supervisor(tmp_path, dict(os.environ))
    procs.start("short-lived", [sys.executable, "-c", "print('bye'); raise SystemExit(3)"])
    try:
        procs.wait_for("something that never comes", lambda: None, timeout=20)
    except ProcessFailure as failure:
        assert "short-lived exited with status 3" in str(failure)
        assert failure.log == tmp_path / "short-lived.log"
        assert failure.log.read_text().strip() == "bye"
    else:
        raise AssertionError("wait_for returned although the process had exited")


def test_given_a_pid_file_whose_pid_was_reused_when_stopping_then_that_process_is_left_alone(
    tmp_path: Path,
) -> None:
    pid_file = tmp_path / "demo.json"
    me = os.getpid()  # a live process the PID file did not start (its start time differs)
    pid_file.write_text(json.dumps({"processes": [
        {"name": "web", "pid": me, "started": (start_ticks(me) or 0) + 1}]}))
    assert stop_from_pid_file(pid_file) == []
    assert not pid_file.exists()
