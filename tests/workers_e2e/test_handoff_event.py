"""Acceptance (issue 6): filling 4 of 5 qualification fields on a follow-up Task in the
emulator, with its trigger calling the webhook, creates exactly one S2 Opportunity with its
contact roles — also when the event is delivered five times and the incremental back-sync
sees the same change."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
from simple_salesforce import format_soql
from werkzeug.serving import make_server

from emulator.testing import running_emulator
from service.app import create_app
from service.settings import Settings
from tests.workers_e2e.harness import radar, radar_env, seed_org, start_worker
from webhooks.signing import sign

SECRET = "e2e-webhook-secret"
QUALIFICATION = {"Qual_Pain__c": "Month-end reporting takes 3 days",
                 "Qual_Metrics__c": "Close in 1 day", "Qual_Timeline__c": "This quarter",
                 "Qual_Budget__c": "Approved by the CFO"}


@pytest.fixture
def web(redis_url, redis_conn):
    """The real web app (webhooks) on a free port, in a thread."""
    def serve(org):
        settings = Settings.from_env({
            "REDIS_URL": redis_url, "RADAR_WEBHOOK_SECRETS": SECRET,
            "RADAR_ALLOWED_ORG_IDS": org.store.org_id, "RADAR_ORG_KEY": "default"})
        app = create_app(settings, redis_client=redis_conn, salesforce_probe=lambda: True)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    servers: list = []
    yield serve
    for server in servers:
        server.shutdown()


def _cs_opportunities(org, account_id: str) -> list[dict]:
    return org.store.query(format_soql(
        "SELECT Id, StageName, LeadSource, Amount, CloseDate, Expansion_Key__c, Description "
        "FROM Opportunity WHERE AccountId = {} AND LeadSource = 'CS-driven Expansion'",
        account_id))


def _events_queued(redis_conn) -> int:
    return redis_conn.llen("rq:queue:events")


def test_given_qualified_follow_up_when_event_arrives_five_times_then_one_opportunity(
        tmp_path, redis_conn, redis_url, web):
    import requests

    with running_emulator(tmp_path) as org:
        seed_org(org, 150, seed=99, tmp=tmp_path)
        env = radar_env(org, redis_url)
        radar(env, "sync", "--full")
        worker = start_worker(env, "--burst")
        assert worker.wait(timeout=300) == 0, worker.stderr.read()[-3000:]

        [follow_up] = org.store.query(
            "SELECT Id, WhatId, OwnerId FROM Task WHERE Radar_Action__c = 'follow_up' "
            "AND Priority = 'High' ORDER BY Id LIMIT 1")
        # every Strong follow-up rang its owner's bell once (customNotificationAction)
        strong = {t["Id"]: t["OwnerId"] for t in org.store.query(
            "SELECT Id, OwnerId FROM Task WHERE Radar_Action__c = 'follow_up' "
            "AND Priority = 'High'")}
        bells = {n["targetId"]: n["recipientIds"] for n in org.stats()["notifications"]}
        assert {t: bells.get(t) for t in strong} == {t: [o] for t, o in strong.items()}
        base = web(org)
        org.add_trigger({"name": "qualified", "object": "Task", "on": ["update"],
                         "when_fields_change": list(QUALIFICATION), "kind": "json_callout",
                         "url": f"{base}/webhooks/salesforce/events", "secret": SECRET,
                         "retry_initial_seconds": 0.2})

        # a CS user qualifies the signal in the CRM
        org.salesforce().Task.update(follow_up["Id"], QUALIFICATION)
        deadline = time.monotonic() + 30
        while org.stats()["deliveries"]["delivered"] < 1:
            assert time.monotonic() < deadline, org.stats()["deliveries"]
            time.sleep(0.05)
        # ... and the same change is announced four more times (Flow re-fired, relays)
        for _ in range(4):
            body = json.dumps({"eventId": uuid.uuid4().hex, "orgId": org.store.org_id,
                               "object": "Task", "recordId": follow_up["Id"],
                               "changeType": "UPDATE", "changedFields": list(QUALIFICATION),
                               "occurredAt": "2026-11-18T16:05:00Z"}).encode()
            answer = requests.post(f"{base}/webhooks/salesforce/events", data=body, timeout=10,
                                   headers={"Content-Type": "application/json",
                                            **sign(body, SECRET, int(time.time()))})
            assert answer.status_code == 202, answer.text
        assert _events_queued(redis_conn) >= 1

        worker = start_worker(env, "--burst")
        assert worker.wait(timeout=300) == 0, worker.stderr.read()[-3000:]
        assert len(_cs_opportunities(org, follow_up["WhatId"])) == 1  # from the events alone
        radar(env, "sync", "--incremental")  # the back-sync sees the same change
        worker = start_worker(env, "--burst")
        assert worker.wait(timeout=300) == 0, worker.stderr.read()[-3000:]

        opportunities = _cs_opportunities(org, follow_up["WhatId"])
        assert len(opportunities) == 1, opportunities
        assert len(org.stats()["notifications"]) == len(bells)  # replays rang nothing more
        [opportunity] = opportunities
        assert opportunity["StageName"] == "S2 - Qualification"
        assert opportunity["Expansion_Key__c"] == f"opp:{follow_up['Id']}"
        assert opportunity["Amount"] > 0
        assert "EXPANSION OPPORTUNITY HANDOFF" in opportunity["Description"]
        assert "Month-end reporting takes 3 days" in opportunity["Description"]
        roles = org.store.query(format_soql("SELECT ContactId, Role FROM OpportunityContactRole "
                                            "WHERE OpportunityId = {}", opportunity["Id"]))
        assert roles and len({r["ContactId"] for r in roles}) == len(roles)
        [task] = org.store.query(format_soql("SELECT Status FROM Task WHERE Id = {}",
                                             follow_up["Id"]))
        assert task["Status"] == "Completed"
        assert_one_alignment_meeting(org, follow_up)


def assert_one_alignment_meeting(org, follow_up: dict) -> None:
    """Exactly one CS+AE alignment Event, owned by the AE, with the CS owner invited."""
    [account] = org.store.query(format_soql("SELECT OwnerId FROM Account WHERE Id = {}",
                                            follow_up["WhatId"]))
    events = org.store.query(format_soql(
        "SELECT Id, OwnerId, DurationInMinutes, StartDateTime FROM Event "
        "WHERE Radar_Action__c = 'handoff_alignment' AND WhatId = {}", follow_up["WhatId"]))
    assert len(events) == 1, events
    [event] = events
    assert event["OwnerId"] == account["OwnerId"] and event["DurationInMinutes"] == 15
    invited = org.store.query(format_soql("SELECT RelationId FROM EventRelation WHERE EventId = {}",
                                          event["Id"]))
    assert [r["RelationId"] for r in invited] == [follow_up["OwnerId"]]
