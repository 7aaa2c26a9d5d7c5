"""Which created Tasks ring the bell (workers.notify): new Strong follow-ups and SLA
escalations, never a Task a replay found already there."""

from __future__ import annotations

from crm_mapping.document import default_mapping
from integration.contracts import RecordWrite, WriteOutcome
from workers.notify import alerts_from


def _outcome(status: str, action: str, priority: str, record_id: str = "00T000000000001AAA"):
    fields = {"Radar_Action__c": action, "Priority": priority, "OwnerId": "005000000000001AAA",
              "Subject": "Strong expansion signal: Acme",
              "Description": "Strong expansion signal at Acme (health 80, Green).\n\nWho to call"}
    write = RecordWrite(sobject="Task", op="create_once", fields=fields,
                        dedupe_field="Expansion_Key__c", dedupe_key="fu:1")
    return WriteOutcome(write, status, record_id)


def test_given_created_strong_follow_up_and_escalation_then_two_bells_and_none_for_replays():
    outcomes = [_outcome("created", "follow_up", "High"),
                _outcome("created", "follow_up", "Normal"),  # Moderate: the digest, no bell
                _outcome("unchanged", "follow_up", "High"),  # a replay found it
                _outcome("created", "sla_escalation", "High", "00T000000000002AAA"),
                _outcome("created", "signal_log", "High")]
    bells = alerts_from(outcomes, default_mapping())
    assert [(b.target_id, b.recipient_id) for b in bells] == [
        ("00T000000000001AAA", "005000000000001AAA"), ("00T000000000002AAA", "005000000000001AAA")]
    assert bells[0].title == "Strong expansion signal: Acme"
    assert bells[0].body == "Strong expansion signal at Acme (health 80, Green)."
    assert bells[0].as_input("0ML000000000001AAA")["recipientIds"] == ["005000000000001AAA"]
