"""Planned writes -> RecordWrites in the org's names and values."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from crm_mapping.document import FieldMapping, default_mapping, load_mapping
from crm_mapping.translate import last_written_of
from crm_mapping.writes import WriteIssue, to_record_writes
from integration.contracts import parent_ref
from plays.plan import PlannedWrite, WritePlan
from tests.crm_mapping import records as R


def _handoff_plan() -> WritePlan:
    plan = WritePlan(account_id=R.ACCOUNT)
    plan.add(PlannedWrite(object="opportunity", op="upsert", key="opp:T1", fields={
        "opportunity.expansion_key": "opp:T1", "opportunity.name": "Acme — Analytics",
        "opportunity.account_id": R.ACCOUNT[:15], "opportunity.stage_name": "S2",
        "opportunity.close_date": date(2026, 11, 29), "opportunity.amount": 12000.456,
        "opportunity.type": "Expansion", "opportunity.lead_source": "CS-driven Expansion",
        "opportunity.competition": None}))
    plan.add(PlannedWrite(object="opportunity_contact_role", op="create_once",
                          key="ocr:opp:T1:c1:Champion", parent_key="opp:T1", fields={
                              "opportunity_contact_role.contact_id": R.CONTACT,
                              "opportunity_contact_role.role": "Champion",
                              "opportunity_contact_role.is_primary": False}))
    plan.add(PlannedWrite(object="task", op="create_once", key="sig:a:usage_spike:2026-10",
                          fields={"task.subject": "Usage spike", "task.status": "Completed",
                                  "task.radar_action": "signal_log",
                                  "task.expansion_signal_type": "usage_spike",
                                  "task.expansion_key": "sig:a:usage_spike:2026-10",
                                  "task.activity_date": date(2026, 10, 15)}))
    plan.add(PlannedWrite(object="task", op="update", key="complete:T1", record_id=R.TASK,
                          fields={"task.status": "Completed"}))
    return plan


def _by_sobject(writes):  # noqa: ANN001, ANN202
    return {(w.sobject, w.op): w for w in writes}


def test_given_default_mapping_then_api_names_keys_and_wire_values() -> None:
    writes = _by_sobject(to_record_writes(_handoff_plan(), default_mapping()))
    opp = writes[("Opportunity", "upsert")]
    assert (opp.external_id_field, opp.external_id) == ("Expansion_Key__c", "opp:T1")
    assert opp.fields["StageName"] == "S2 - Qualification"
    assert opp.fields["Type"] == "Existing Customer - Upgrade"
    assert opp.fields["CloseDate"] == "2026-11-29"
    assert opp.fields["Amount"] == 12000.46
    assert opp.fields["AccountId"] == R.ACCOUNT  # 18 characters
    assert opp.fields["Expansion_Key__c"] == "opp:T1"
    role = writes[("OpportunityContactRole", "create_once")]
    assert role.fields["Role"] == "Influencer"
    assert role.fields["OpportunityId"] == parent_ref("opp:T1")  # the Opportunity above
    assert opp.ref == "opp:T1"
    assert (role.dedupe_field, role.dedupe_key) == ("Expansion_Key__c", "ocr:opp:T1:c1:Champion")
    task = writes[("Task", "create_once")]
    assert task.fields["Expansion_Signal_Type__c"] == "usage_spike"
    assert task.dedupe_field == "Expansion_Key__c" and task.ref == "sig:a:usage_spike:2026-10"
    update = writes[("Task", "update")]
    assert update.record_id == R.TASK and update.guard is None


def test_given_org_stage_named_qualification_then_s2_written_as_its_name(
        other_org: FieldMapping) -> None:
    writes = _by_sobject(to_record_writes(_handoff_plan(), other_org))
    assert writes[("Opportunity", "upsert")].fields["StageName"] == "Qualification"


def test_given_unmapped_write_field_then_left_out_and_reported() -> None:
    mapping = load_mapping({"fields": {"opportunity.lead_source": None}})
    issues: list[WriteIssue] = []
    writes = _by_sobject(to_record_writes(_handoff_plan(), mapping, issues=issues))
    assert "LeadSource" not in writes[("Opportunity", "upsert")].fields
    assert [i.logical for i in issues] == ["opportunity.lead_source"]


def test_given_account_update_then_guard_holds_last_written_and_memo_is_updated() -> None:
    mapping = default_mapping()
    memo = {"Expansion_Readiness__c": "Low", "White_Space__c": "old map"}
    account = R.account_record(Radar_Last_Written__c=json.dumps(memo))
    last = {R.ACCOUNT: last_written_of(account, mapping, "account")}
    plan = WritePlan(account_id=R.ACCOUNT)
    plan.add(PlannedWrite(object="account", op="update", key="acct", record_id=R.ACCOUNT,
                          fields={"account.expansion_readiness": "High",
                                  "account.white_space_potential": 5000,
                                  "account.last_expansion_scan": datetime(2026, 10, 15, 8, tzinfo=UTC)}))
    (write,) = to_record_writes(plan, mapping, last)
    assert write.guard == {"Expansion_Readiness__c": "Low", "White_Space_Potential__c": None,
                           "Last_Expansion_Scan__c": None}
    assert write.fields["Last_Expansion_Scan__c"] == "2026-10-15T08:00:00.000+0000"
    stored = json.loads(write.fields["Radar_Last_Written__c"])
    assert stored == {"Expansion_Readiness__c": "High", "White_Space__c": "old map",
                      "White_Space_Potential__c": 5000.0,
                      "Last_Expansion_Scan__c": "2026-10-15T08:00:00.000+0000"}


def test_given_contact_never_written_then_guard_expects_empty() -> None:
    plan = WritePlan(account_id=R.ACCOUNT)
    plan.add(PlannedWrite(object="contact", op="update", key="role", record_id=R.CONTACT,
                          fields={"contact.meddicc_role": "Champion"}))
    (write,) = to_record_writes(plan, default_mapping())
    assert write.guard == {"MEDDICC_Role__c": None}
    assert write.fields["MEDDICC_Role__c"] == "Champion"


def test_given_create_once_without_key_field_then_not_written() -> None:
    mapping = load_mapping({"fields": {"task.expansion_key": None}})
    issues: list[WriteIssue] = []
    writes = to_record_writes(_handoff_plan(), mapping, issues=issues)
    assert ("Task", "create_once") not in _by_sobject(writes)
    assert any(i.logical == "task.expansion_key" for i in issues)


def test_given_current_records_then_updates_carry_the_orgs_values() -> None:
    plan = WritePlan(account_id=R.ACCOUNT)
    plan.add(PlannedWrite(object="task", op="update", key="complete:T1", record_id=R.TASK,
                          fields={"task.status": "Completed"}))
    current = {R.TASK: {"Id": R.TASK, "Status": "Not Started", "Subject": "x"}}
    (write,) = to_record_writes(plan, default_mapping(), current=current)
    assert write.current == {"Status": "Not Started"}


def test_given_no_key_field_on_contact_roles_then_natural_key_create() -> None:
    mapping = load_mapping({"fields": {"opportunity_contact_role.expansion_key": None}})
    writes = _by_sobject(to_record_writes(_handoff_plan(), mapping))
    role = writes[("OpportunityContactRole", "create")]
    assert role.natural_key == ("OpportunityId", "ContactId", "Role")
    assert role.fields["OpportunityId"] == parent_ref("opp:T1")
