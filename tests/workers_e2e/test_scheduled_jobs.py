"""Acceptance (issue 6): the SLA, digest and QBR jobs produce their Tasks when the clock moves
forward (the emulator's clock; the product takes "now" from the org)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from rq import Queue

from emulator.testing import running_emulator
from tests.workers_e2e.harness import FIXED_NOW, radar, radar_env, seed_org, start_worker
from workers.queues import WRITEBACK


def _run(conn, env, job: str) -> None:
    Queue(WRITEBACK, connection=conn).enqueue(job, org_key="default")
    worker = start_worker(env, "--burst")
    assert worker.wait(timeout=300) == 0, worker.stderr.read()[-3000:]


def _tasks(org, action: str) -> list[dict]:
    return [t for t in org.store.query(
        "SELECT Id, WhatId, OwnerId, Expansion_Key__c, Radar_Action__c FROM Task "
        "WHERE Expansion_Key__c != null") if t["Radar_Action__c"] == action]


def test_given_clock_moved_forward_when_scheduled_jobs_run_then_they_write_their_tasks(
        tmp_path, redis_conn, redis_url):
    with running_emulator(tmp_path) as org:
        truth = {r["account_id"]: r for r in seed_org(org, 200, seed=31, tmp=tmp_path)}
        env = radar_env(org, redis_url)
        radar(env, "sync", "--full")
        worker = start_worker(env, "--burst")
        assert worker.wait(timeout=300) == 0, worker.stderr.read()[-3000:]
        strong = [t for t in org.store.query(
            "SELECT Id, Priority, Radar_Action__c FROM Task WHERE Radar_Action__c = 'follow_up'")
            if t["Priority"] == "High"]
        assert strong

        # Wednesday -> 47 hours later: no Strong follow-up is late yet
        org.store.clock.set(FIXED_NOW + timedelta(hours=47))
        _run(redis_conn, env, "workers.periodic_jobs.sla_check")
        assert _tasks(org, "sla_escalation") == []
        # -> 3 days later: every open Strong follow-up is escalated, once
        org.store.clock.set(FIXED_NOW + timedelta(days=3))
        _run(redis_conn, env, "workers.periodic_jobs.sla_check")
        _run(redis_conn, env, "workers.periodic_jobs.sla_check")
        escalated = _tasks(org, "sla_escalation")
        assert sorted(t["Expansion_Key__c"] for t in escalated) == sorted(
            f"sla:follow_up:{t['Id']}" for t in strong)

        # the digest waits for Monday 08:00 in the org's time zone (America/Los_Angeles)
        _run(redis_conn, env, "workers.periodic_jobs.weekly_digest")
        assert _tasks(org, "weekly_digest") == []
        org.store.clock.set(FIXED_NOW + timedelta(days=5, minutes=10))  # Mon 08:10 PST
        _run(redis_conn, env, "workers.periodic_jobs.weekly_digest")
        summaries = [json.loads(v) for v in redis_conn.hvals("radar:default:accounts")]
        owners = {s["csm"] or s["owner"] for s in summaries
                  if s["play"] == "play04" and s["strength"] in ("Strong", "Moderate")}
        digests = _tasks(org, "weekly_digest")
        assert sorted(t["OwnerId"] for t in digests) == sorted(owners)

        # QBR preparation at D-30 for Play 02 accounts, as their QBRs come into range
        accounts = {a["Id"]: a for a in org.store.query("SELECT Id, Next_QBR_Date__c FROM Account")}
        start = FIXED_NOW.date()
        later = sorted((date.fromisoformat(accounts[aid]["Next_QBR_Date__c"]), aid)
                       for aid, row in truth.items() if row["play02_eligible"]
                       and accounts[aid]["Next_QBR_Date__c"]
                       and (date.fromisoformat(accounts[aid]["Next_QBR_Date__c"]) - start).days > 30)
        assert later, "no Play 02 account with a QBR beyond D-30: the test proves nothing"
        qbr, account = later[0]
        assert account not in {t["WhatId"] for t in _tasks(org, "qbr_prep")}
        moved = FIXED_NOW + timedelta(days=(qbr - timedelta(days=30) - start).days)
        org.store.clock.set(moved)  # today is D-30 of that account's QBR
        _run(redis_conn, env, "workers.periodic_jobs.qbr_prep")
        today = moved.date()
        due = {aid for aid, row in truth.items() if row["play02_eligible"]
               and accounts[aid]["Next_QBR_Date__c"]
               and 0 <= (date.fromisoformat(accounts[aid]["Next_QBR_Date__c"]) - today).days <= 30}
        prepared = [t for t in _tasks(org, "qbr_prep")]
        assert account in due
        assert due <= {t["WhatId"] for t in prepared}
        assert f"qbr:{account}:{qbr.isoformat()}" in {t["Expansion_Key__c"] for t in prepared}
