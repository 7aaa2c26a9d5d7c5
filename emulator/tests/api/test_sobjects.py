"""Single-record REST calls through simple-salesforce: CRUD, validation errors, describe,
upsert by external id with the real status codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from simple_salesforce import Salesforce, format_soql
from simple_salesforce.exceptions import (
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceResourceNotFound,
)

from emulator.testing import EmulatorHandle, running_emulator


def test_given_account_when_created_read_updated_deleted_then_each_step_answers_like_salesforce(sf: Salesforce) -> None:
    created = sf.Account.create({"Name": "Acme", "Tier__c": "T1", "NumberOfEmployees": 120})
    assert created["success"] is True and created["errors"] == [] and created["id"].startswith("001")
    assert len(created["id"]) == 18
    record = sf.Account.get(created["id"][:15])
    assert record["Name"] == "Acme" and record["Tier__c"] == "T1" and record["NumberOfEmployees"] == 120
    assert record["attributes"]["url"] == f"/services/data/v59.0/sobjects/Account/{created['id']}"
    assert sf.Account.update(created["id"], {"Name": "Acme Corp"}) == 204
    assert sf.Account.get(created["id"])["Name"] == "Acme Corp"
    assert sf.Account.delete(created["id"]) == 204
    with pytest.raises(SalesforceResourceNotFound):
        sf.Account.get(created["id"])


@pytest.mark.parametrize("values,code", [
    ({"Name": "x" * 256}, "STRING_TOO_LONG"),
    ({"Name": "A", "Tier__c": "T9"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
    ({"Industry": "Banking"}, "REQUIRED_FIELD_MISSING"),
    ({"Name": "A", "IsDeleted": True}, "INVALID_FIELD_FOR_INSERT_UPDATE"),
    ({"Name": "A", "ParentId": "001000000000000AAA"}, "INVALID_CROSS_REFERENCE_KEY"),
    ({"Name": "A", "Bogus__c": 1}, "INVALID_FIELD"),
])
def test_given_invalid_account_when_created_then_400_with_error_code(sf: Salesforce, values: dict, code: str) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Account.create(values)
    assert caught.value.content[0]["errorCode"] == code
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == 0


def test_given_contact_id_in_account_lookup_when_created_then_field_integrity_exception(sf: Salesforce) -> None:
    account = sf.Account.create({"Name": "A"})["id"]
    contact = sf.Contact.create({"LastName": "Doe", "AccountId": account})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Account.create({"Name": "B", "ParentId": contact})
    assert caught.value.content[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"


def test_given_opportunity_when_stage_closed_won_then_is_closed_and_is_won_derived(sf: Salesforce) -> None:
    opp = sf.Opportunity.create({"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2024-05-01"})["id"]
    assert sf.Opportunity.get(opp)["IsClosed"] is False
    sf.Opportunity.update(opp, {"StageName": "Closed Won"})
    record = sf.Opportunity.get(opp)
    assert record["IsClosed"] is True and record["IsWon"] is True


def test_given_audit_fields_when_created_then_kept(sf: Salesforce) -> None:
    record_id = sf.Account.create({"Name": "Old", "CreatedDate": "2020-01-02T03:04:05.000+0000"})["id"]
    assert sf.Account.get(record_id)["CreatedDate"] == "2020-01-02T03:04:05.000+0000"


def test_given_external_id_when_upserted_then_201_then_200_then_300_on_duplicates(sf: Salesforce) -> None:
    first = sf.Contact.upsert("Email/pat@example.com", {"LastName": "Pat"}, raw_response=True)
    assert first.status_code == 201 and first.json()["created"] is True
    second = sf.Contact.upsert("Email/pat@example.com", {"Title": "CFO"}, raw_response=True)
    assert second.status_code == 200 and second.json() == {"id": first.json()["id"], "success": True,
                                                           "errors": [], "created": False}
    sf.Contact.create({"LastName": "Twin", "Email": "pat@example.com"})
    with pytest.raises(SalesforceMoreThanOneRecord) as caught:
        sf.Contact.upsert("Email/pat@example.com", {"Title": "CEO"})
    assert len(caught.value.content) == 2
    assert all(url.startswith("/services/data/v59.0/sobjects/Contact/003") for url in caught.value.content)


def test_given_unique_external_id_when_duplicate_inserted_then_duplicate_value(sf: Salesforce) -> None:
    values = {"Name": "Exp", "StageName": "S2 - Qualification", "CloseDate": "2024-05-01", "Expansion_Key__c": "k-1"}
    sf.Opportunity.create(values)
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Opportunity.create({**values, "Expansion_Key__c": "K-1"})
    assert caught.value.content[0]["errorCode"] == "DUPLICATE_VALUE"


def test_given_unknown_upsert_field_when_upserted_then_404(sf: Salesforce) -> None:
    with pytest.raises(SalesforceResourceNotFound):
        sf.Account.upsert("Nope__c/1", {"Name": "A"})


def test_given_describe_when_called_then_fields_have_describe_shape(sf: Salesforce) -> None:
    describe = sf.Task.describe()
    fields = {f["name"]: f for f in describe["fields"]}
    assert fields["Subject"]["length"] == 255 and fields["Description"]["length"] == 32000
    assert fields["WhatId"]["referenceTo"][:2] == ["Account", "Opportunity"]
    assert fields["WhatId"]["relationshipName"] == "What"
    assert {p["value"] for p in fields["Status"]["picklistValues"]} >= {"Completed", "Not Started"}
    assert fields["Radar_Action__c"]["custom"] is True and fields["IsClosed"]["createable"] is False
    account = sf.Account.describe()
    children = {c["relationshipName"] for c in account["childRelationships"]}
    assert {"Contacts", "Opportunities", "Product_Usages__r"} <= children
    glob = sf.describe()
    assert glob["maxBatchSize"] == 200
    prefixes = {o["name"]: o["keyPrefix"] for o in glob["sobjects"]}
    assert prefixes["OpportunityContactRole"] == "00K" and prefixes["OpportunityLineItem"] == "00k"


def test_given_content_version_with_location_when_created_then_document_and_link_exist(
        sf: Salesforce, emu: EmulatorHandle) -> None:
    account = sf.Account.create({"Name": "Files Inc"})["id"]
    version = sf.ContentVersion.create({"Title": "Handoff", "PathOnClient": "handoff.md",
                                        "VersionData": "IyBIYW5kb2Zm", "FirstPublishLocationId": account})["id"]
    document = sf.ContentVersion.get(version)["ContentDocumentId"]
    assert document.startswith("069")
    links = sf.query(format_soql("SELECT LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId = {}",
                                 document))
    assert [r["LinkedEntityId"] for r in links["records"]] == [account]
    sf.ContentVersion.create({"Title": "Handoff v2", "PathOnClient": "handoff.md", "VersionData": "eA==",
                              "ContentDocumentId": document})
    assert emu.store.count("ContentVersion") == 2 and emu.store.count("ContentDocument") == 1


def test_given_tracked_field_change_when_updated_then_history_row_written(sf: Salesforce) -> None:
    account = sf.Account.create({"Name": "H", "NumberOfEmployees": 100})["id"]
    sf.Account.update(account, {"NumberOfEmployees": 150})
    rows = sf.query(format_soql("SELECT Field, OldValue, NewValue FROM AccountHistory WHERE AccountId = {}",
                                account))["records"]
    assert [(r["Field"], r["OldValue"], r["NewValue"]) for r in rows] == [("NumberOfEmployees", "100", "150")]


def test_given_no_metadata_when_custom_field_queried_then_invalid_field(tmp_path: Path) -> None:
    with running_emulator(tmp_path, metadata=None) as emu:
        sf = emu.salesforce()
        with pytest.raises(SalesforceMalformedRequest) as caught:
            sf.query("SELECT Id, Tier__c FROM Account")
        assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"
        assert sf.query("SELECT Id, Name FROM Account")["totalSize"] == 0
