"""Acceptance (issue 16): in a confirm-first org (RADAR_HANDOFF_MODE=confirm_first), CS
qualification produces a draft for the CS owner and no Opportunity; ticking Handoff
Confirmed on the follow-up then creates exactly one Opportunity, one alignment Event with
both attendees, and completes the follow-up. Replays create nothing more."""

from __future__ import annotations

import time

from simple_salesforce import format_soql

from emulator.testing import running_emulator
from tests.workers_e2e.harness import radar, radar_env, seed_org, start_worker
from tests.workers_e2e.test_handoff_event import (  # noqa: F401 - the web fixture
    QUALIFICATION,
    SECRET,
    _cs_opportunities,
    assert_one_alignment_meeting,
    web,
)


def _drain(env) -> None:
    worker = start_worker(env, "--burst")
    assert worker.wait(timeout=300) == 0, worker.stderr.read()[-3000:]


def _reviews(org, account_id: str) -> list[dict]:
    return org.store.query(format_soql(
        "SELECT Id, OwnerId, Description FROM Task WHERE Radar_Action__c = 'handoff_review' "
        "AND WhatId = {}", account_id))


def test_given_confirm_first_org_when_cs_qualifies_then_draft_and_after_confirming_one_handoff(
        tmp_path, redis_conn, redis_url, web):  # noqa: F811
    with running_emulator(tmp_path) as org:
        seed_org(org, 150, seed=99, tmp=tmp_path)
        env = radar_env(org, redis_url, RADAR_HANDOFF_MODE="confirm_first")
        radar(env, "sync", "--full")
        _drain(env)
        [follow_up] = org.store.query(
            "SELECT Id, WhatId, OwnerId FROM Task WHERE Radar_Action__c = 'follow_up' "
            "AND Priority = 'High' ORDER BY Id LIMIT 1")
        base = web(org)
        org.add_trigger({"name": "qualified", "object": "Task", "on": ["update"],
                         "when_fields_change": [*QUALIFICATION, "Handoff_Confirmed__c"],
                         "kind": "json_callout", "url": f"{base}/webhooks/salesforce/events",
                         "secret": SECRET, "retry_initial_seconds": 0.2})
        cs_user = org.salesforce()

        cs_user.Task.update(follow_up["Id"], QUALIFICATION)  # 4 of 5 fields
        deadline = time.monotonic() + 30
        while org.stats()["deliveries"]["delivered"] < 1:
            assert time.monotonic() < deadline, org.stats()["deliveries"]
            time.sleep(0.05)
        _drain(env)
        assert _cs_opportunities(org, follow_up["WhatId"]) == []  # nothing before CS confirms
        [draft] = _reviews(org, follow_up["WhatId"])
        assert draft["OwnerId"] == follow_up["OwnerId"]
        assert "EXPANSION OPPORTUNITY HANDOFF" in draft["Description"]
        assert "Month-end reporting takes 3 days" in draft["Description"]

        cs_user.Task.update(follow_up["Id"], {"Handoff_Confirmed__c": True})
        deadline = time.monotonic() + 30
        while org.stats()["deliveries"]["delivered"] < 2:
            assert time.monotonic() < deadline, org.stats()["deliveries"]
            time.sleep(0.05)
        _drain(env)
        for _ in range(2):  # replays: the back-sync sees the same changes again
            radar(env, "sync", "--incremental")
            _drain(env)

        [opportunity] = _cs_opportunities(org, follow_up["WhatId"])
        assert opportunity["Expansion_Key__c"] == f"opp:{follow_up['Id']}"
        assert "CS review: confirmed by" in opportunity["Description"]
        assert_one_alignment_meeting(org, follow_up)
        [task] = org.store.query(format_soql("SELECT Status FROM Task WHERE Id = {}",
                                             follow_up["Id"]))
        assert task["Status"] == "Completed"
        assert len(_reviews(org, follow_up["WhatId"])) == 1  # the draft only, never twice
