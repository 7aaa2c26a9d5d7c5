"""sObject Collections, Composite and sObject Tree through simple-salesforce's restful()."""

from __future__ import annotations

import json

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from emulator.testing import EmulatorHandle


def _tasks(count: int, bad_index: int | None = None) -> list[dict]:
    records = [{"attributes": {"type": "Task"}, "Subject": f"Task {i}", "Status": "Not Started"} for i in range(count)]
    if bad_index is not None:
        records[bad_index]["Status"] = "Bogus"
    return records


def test_given_one_bad_record_and_all_or_none_false_when_created_then_others_saved(
        sf: Salesforce, emu: EmulatorHandle) -> None:
    results = sf.restful("composite/sobjects", method="POST",
                         data=json.dumps({"allOrNone": False, "records": _tasks(3, bad_index=1)}))
    assert [r["success"] for r in results] == [True, False, True]
    assert results[1]["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert results[1]["errors"][0]["fields"] == ["Status"]
    assert emu.store.count("Task") == 2


def test_given_one_bad_record_and_all_or_none_true_when_created_then_nothing_saved(
        sf: Salesforce, emu: EmulatorHandle) -> None:
    results = sf.restful("composite/sobjects", method="POST",
                         data=json.dumps({"allOrNone": True, "records": _tasks(3, bad_index=2)}))
    assert [r["success"] for r in results] == [False, False, False]
    assert [r["errors"][0]["statusCode"] for r in results] == [
        "ALL_OR_NONE_OPERATION_ROLLED_BACK", "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"]
    assert emu.store.count("Task") == 0


def test_given_201_records_when_sent_to_collections_then_400(sf: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest):
        sf.restful("composite/sobjects", method="POST", data=json.dumps({"records": _tasks(201)}))


def test_given_collection_update_upsert_and_delete_when_sent_then_per_record_results(
        sf: Salesforce, emu: EmulatorHandle) -> None:
    created = sf.restful("composite/sobjects", method="POST", data=json.dumps({"records": _tasks(2)}))
    ids = [r["id"] for r in created]
    updated = sf.restful("composite/sobjects", method="PATCH", data=json.dumps({"records": [
        {"attributes": {"type": "Task"}, "id": ids[0], "Status": "Completed"},
        {"attributes": {"type": "Task"}, "id": "00T000000000000AAA", "Status": "Completed"}]}))
    assert updated[0] == {"id": ids[0], "success": True, "errors": []} and updated[1]["success"] is False
    assert emu.store.get_row("Task", ids[0])["IsClosed"] == 1
    opp = {"attributes": {"type": "Opportunity"}, "Name": "X", "StageName": "S2 - Qualification",
           "CloseDate": "2024-06-01", "Expansion_Key__c": "acct-1:usage_spike"}
    first = sf.restful("composite/sobjects/Opportunity/Expansion_Key__c", method="PATCH",
                       data=json.dumps({"allOrNone": False, "records": [opp]}))
    again = sf.restful("composite/sobjects/Opportunity/Expansion_Key__c", method="PATCH",
                       data=json.dumps({"allOrNone": False, "records": [{**opp, "Amount": 100}]}))
    assert first[0]["created"] is True and again[0]["created"] is False and again[0]["id"] == first[0]["id"]
    deleted = sf.restful("composite/sobjects", method="DELETE", params={"ids": ",".join(ids), "allOrNone": "false"})
    assert [r["success"] for r in deleted] == [True, True] and emu.store.count("Task") == 0


def test_given_composite_with_references_when_posted_then_later_requests_use_earlier_ids(
        sf: Salesforce, emu: EmulatorHandle) -> None:
    body = {"allOrNone": True, "compositeRequest": [
        {"method": "POST", "url": "/services/data/v59.0/sobjects/Account", "referenceId": "acct",
         "body": {"Name": "Composite Co"}},
        {"method": "POST", "url": "/services/data/v59.0/sobjects/Contact", "referenceId": "ct",
         "body": {"LastName": "Ref", "AccountId": "@{acct.id}"}},
        {"method": "GET", "url": "/services/data/v59.0/sobjects/Contact/@{ct.id}?fields=AccountId", "referenceId": "get"},
    ]}
    result = sf.restful("composite", method="POST", data=json.dumps(body))["compositeResponse"]
    assert [r["httpStatusCode"] for r in result] == [201, 201, 200]
    assert result[2]["body"]["AccountId"] == result[0]["body"]["id"]


def test_given_failing_subrequest_and_all_or_none_when_composite_posted_then_everything_rolled_back(
        sf: Salesforce, emu: EmulatorHandle) -> None:
    body = {"allOrNone": True, "compositeRequest": [
        {"method": "POST", "url": "/services/data/v59.0/sobjects/Account", "referenceId": "a", "body": {"Name": "A"}},
        {"method": "POST", "url": "/services/data/v59.0/sobjects/Account", "referenceId": "b", "body": {}},
        {"method": "POST", "url": "/services/data/v59.0/sobjects/Account", "referenceId": "c", "body": {"Name": "C"}},
    ]}
    result = sf.restful("composite", method="POST", data=json.dumps(body))["compositeResponse"]
    assert [r["httpStatusCode"] for r in result] == [400, 400, 400]
    assert result[1]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert result[0]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert emu.store.count("Account") == 0


def test_given_tree_with_children_when_posted_then_reference_ids_map_to_ids(sf: Salesforce, emu: EmulatorHandle) -> None:
    body = {"records": [{"attributes": {"type": "Account", "referenceId": "acc1"}, "Name": "Tree Co",
                         "Contacts": {"records": [{"attributes": {"type": "Contact", "referenceId": "c1"},
                                                   "LastName": "Leaf"}]}}]}
    result = sf.restful("composite/tree/Account", method="POST", data=json.dumps(body))
    ids = {r["referenceId"]: r["id"] for r in result["results"]}
    assert result["hasErrors"] is False and set(ids) == {"acc1", "c1"}
    assert emu.store.get_row("Contact", ids["c1"])["AccountId"] == ids["acc1"]


def test_given_tree_with_bad_record_when_posted_then_nothing_saved(sf: Salesforce, emu: EmulatorHandle) -> None:
    body = {"records": [{"attributes": {"type": "Account", "referenceId": "ok"}, "Name": "Fine"},
                        {"attributes": {"type": "Account", "referenceId": "bad"}, "Name": "x" * 300}]}
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.restful("composite/tree/Account", method="POST", data=json.dumps(body))
    assert caught.value.content["hasErrors"] is True
    assert caught.value.content["results"][0]["referenceId"] == "bad"
    assert emu.store.count("Account") == 0
