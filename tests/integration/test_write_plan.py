"""Write planning: equality as Salesforce returns values, the human-edit guard, references."""

from __future__ import annotations

import json
from datetime import date

import pytest

from integration.contracts import RecordWrite, parent_ref
from integration.write_plan import (
    chunks,
    collection_body,
    collection_calls,
    dependency_stages,
    diff_fields,
    diff_outcome,
    resolve_refs,
    result_errors,
    same_value,
)


def test_given_values_as_salesforce_returns_them_when_compared_then_equal() -> None:
    assert same_value(5, 5.0)
    assert same_value(1250.5, "1250.5")
    assert same_value(None, "")
    assert same_value("2024-05-01", date(2024, 5, 1))
    assert same_value("2024-05-01T10:00:00.000+0000", "2024-05-01T12:00:00+02:00")
    assert same_value(True, "true")
    assert not same_value("High", "Medium")
    assert not same_value(None, 0)
    assert not same_value("abc", 3)


def test_given_unchanged_fields_when_diffed_then_nothing_to_send() -> None:
    diff = diff_fields({"Expansion_Readiness__c": "High", "White_Space_Potential__c": 1000},
                       {"Expansion_Readiness__c": "High", "White_Space_Potential__c": 1000.0},
                       None)
    assert diff.changed == {}
    write = RecordWrite("Account", "update", {}, record_id="001")
    outcome = diff_outcome(write, diff, "001")
    assert outcome is not None and outcome.status == "unchanged"


def test_given_human_edit_since_last_write_when_diffed_then_field_skipped() -> None:
    diff = diff_fields({"Expansion_Readiness__c": "High", "White_Space__c": "new map"},
                       {"expansion_readiness__c": "Low", "White_Space__c": "old map"},
                       {"Expansion_Readiness__c": "Medium", "White_Space__c": "old map"})
    assert diff.changed == {"White_Space__c": "new map"}
    assert diff.skipped_human_edit == ("Expansion_Readiness__c",)


def test_given_only_human_edited_fields_when_outcome_then_skipped_human_edit() -> None:
    diff = diff_fields({"MEDDICC_Role__c": "Champion"}, {"MEDDICC_Role__c": "Coach"},
                       {"MEDDICC_Role__c": "Influencer"})
    write = RecordWrite("Contact", "update", {"MEDDICC_Role__c": "Champion"}, record_id="003")
    outcome = diff_outcome(write, diff, "003")
    assert outcome is not None and outcome.status == "skipped_human_edit"
    assert outcome.errors[0].fields == ("MEDDICC_Role__c",)


def test_given_org_still_holds_our_last_value_when_diffed_then_written() -> None:
    diff = diff_fields({"MEDDICC_Role__c": "Champion"}, {"MEDDICC_Role__c": "Coach"},
                       {"MEDDICC_Role__c": "Coach"})
    assert diff.changed == {"MEDDICC_Role__c": "Champion"}


def test_given_child_referring_to_parent_when_staged_then_parent_first() -> None:
    opp = RecordWrite("Opportunity", "upsert", {"Name": "x"}, external_id_field="Expansion_Key__c",
                      external_id="k1", ref="opp1")
    role = RecordWrite("OpportunityContactRole", "create",
                       {"OpportunityId": parent_ref("opp1"), "ContactId": "003"})
    task = RecordWrite("Task", "create_once", {"Subject": "s"}, dedupe_field="Expansion_Key__c",
                       dedupe_key="t1")
    assert dependency_stages([role, opp, task]) == [[1, 2], [0]]
    assert resolve_refs(role.fields, {"opp1": "006A"}) == {"OpportunityId": "006A",
                                                           "ContactId": "003"}
    assert resolve_refs(role.fields, {}) is None


def test_given_unknown_or_cyclic_refs_when_staged_then_error() -> None:
    a = RecordWrite("X", "create", {"P": parent_ref("b")}, ref="a")
    b = RecordWrite("X", "create", {"P": parent_ref("a")}, ref="b")
    with pytest.raises(ValueError, match="cycle"):
        dependency_stages([a, b])
    with pytest.raises(ValueError, match="unknown"):
        dependency_stages([a])


def test_given_records_when_batched_then_collections_of_200() -> None:
    assert [len(c) for c in chunks(list(range(450)))] == [200, 200, 50]
    assert collection_calls(450) == 3
    body = collection_body("Task", [{"Subject": "a", "ActivityDate": date(2024, 1, 2)}])
    assert body == {"allOrNone": False, "records": [
        {"attributes": {"type": "Task"}, "Subject": "a", "ActivityDate": "2024-01-02"}]}


def test_given_failed_collection_result_when_parsed_then_code_message_fields() -> None:
    errors = result_errors({"success": False, "errors": [
        {"statusCode": "STRING_TOO_LONG", "message": "Subject: data value too large",
         "fields": ["Subject"]}]})
    assert errors[0].status_code == "STRING_TOO_LONG" and errors[0].fields == ("Subject",)


def test_given_child_linked_by_external_id_when_parent_in_batch_then_becomes_parent_ref() -> None:
    from integration.write_plan import link_parents_by_external_id

    opp = RecordWrite("Opportunity", "upsert", {"Name": "x"}, external_id_field="Expansion_Key__c",
                      external_id="exp-1", ref="exp-1")
    role = RecordWrite("OpportunityContactRole", "create",
                       {"Opportunity": {"Expansion_Key__c": "exp-1"}, "ContactId": "003A"})
    other = RecordWrite("OpportunityContactRole", "create",
                        {"Opportunity": {"Expansion_Key__c": "elsewhere"}, "ContactId": "003B"})
    linked = link_parents_by_external_id([opp, role, other])
    assert linked[1].fields == {"ContactId": "003A", "OpportunityId": parent_ref("exp-1")}
    assert linked[2] is other
    assert dependency_stages(linked) == [[0, 2], [1]]


def test_given_child_create_when_twin_key_then_matched_under_its_parent() -> None:
    from integration.write_plan import twin_key

    role = RecordWrite("OpportunityContactRole", "create",
                       {"OpportunityId": "006000000000001AAA", "ContactId": "003000000000001AAA",
                        "Role": "Economic Buyer"})
    assert twin_key(role) == ("OpportunityId", ("OpportunityId", "ContactId", "Role"))
    explicit = RecordWrite("X__c", "create", {"A__c": 1, "B__c": 2}, natural_key=("B__c",))
    assert twin_key(explicit) == ("B__c", ("B__c",))
    assert twin_key(RecordWrite("Note", "create", {"Title": "t"})) == (None, ())


def test_given_a_skipped_field_when_diffed_then_the_memo_keeps_its_last_written_value() -> None:
    memo = '{"Expansion_Readiness__c": "Medium", "White_Space__c": "new map"}'
    diff = diff_fields(
        {"Expansion_Readiness__c": "Medium", "White_Space__c": "new map",
         "Radar_Last_Written__c": memo},
        {"Expansion_Readiness__c": "High", "White_Space__c": "old map",
         "Radar_Last_Written__c": '{"Expansion_Readiness__c": "Low", "White_Space__c": "old map"}'},
        {"Expansion_Readiness__c": "Low", "White_Space__c": "old map"},
        memo_field="Radar_Last_Written__c")
    assert diff.skipped_human_edit == ("Expansion_Readiness__c",)
    assert json.loads(diff.changed["Radar_Last_Written__c"]) == {
        "Expansion_Readiness__c": "Low", "White_Space__c": "new map"}
    assert diff.changed["White_Space__c"] == "new map"


def test_given_only_skipped_fields_when_our_value_moves_then_no_memo_only_write() -> None:
    org = {"Expansion_Readiness__c": "High",
           "Radar_Last_Written__c": '{"Expansion_Readiness__c":"Low"}'}
    diff = diff_fields({"Expansion_Readiness__c": "Medium",
                        "Radar_Last_Written__c": '{"Expansion_Readiness__c": "Medium"}'},
                       org, {"Expansion_Readiness__c": "Low"},
                       memo_field="Radar_Last_Written__c")
    assert diff.changed == {}
    assert diff.skipped_human_edit == ("Expansion_Readiness__c",)


def test_given_a_field_never_written_and_skipped_then_it_leaves_the_memo() -> None:
    diff = diff_fields({"MEDDICC_Role__c": "Champion", "Radar_Last_Written__c":
                        '{"MEDDICC_Role__c": "Champion"}'},
                       {"MEDDICC_Role__c": "Coach", "Radar_Last_Written__c": None},
                       {"MEDDICC_Role__c": None}, memo_field="Radar_Last_Written__c")
    assert diff.changed == {}  # an empty memo is what the org holds already
    assert diff.skipped_human_edit == ("MEDDICC_Role__c",)
