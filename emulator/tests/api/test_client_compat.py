"""What clients we did not write rely on: identity endpoints, query columns, history fields,
fractional-second datetimes, composite limits and batch, collection retrieve by POST, record
counts, honest resource lists and 405 texts, line-item prices."""

from __future__ import annotations

import json
from typing import Any

import pytest
from simple_salesforce import Salesforce, format_soql
from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest

from emulator.testing import EmulatorHandle

TIMEOUT = 10


def _get(emu: EmulatorHandle, path: str, token: str | None, **params: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return emu.http().get(f"{emu.instance_url}{path}", headers=headers, params=params, timeout=TIMEOUT)


def test_given_token_when_userinfo_then_openid_claims_of_the_user(emu: EmulatorHandle) -> None:
    body = _get(emu, "/services/oauth2/userinfo", emu.login()).json()
    assert body["user_id"] == emu.store.integration_user_id
    assert body["organization_id"] == emu.store.org_id
    assert body["preferred_username"] == emu.env["SALESFORCE_USERNAME"]


def test_given_identity_url_from_token_response_when_called_then_it_names_the_user(emu: EmulatorHandle) -> None:
    token = emu.http().post(f"{emu.login_url}/services/oauth2/token", timeout=TIMEOUT, data={
        "grant_type": "password", "client_id": emu.env["SALESFORCE_CLIENT_ID"],
        "client_secret": emu.env["SALESFORCE_CLIENT_SECRET"], "username": emu.env["SALESFORCE_USERNAME"],
        "password": emu.env["SALESFORCE_PASSWORD"]}).json()
    path = token["id"].removeprefix(emu.instance_url)
    body = _get(emu, path, None, format="json", oauth_token=token["access_token"]).json()
    assert (body["user_id"], body["organization_id"], body["username"]) == (
        emu.store.integration_user_id, emu.store.org_id, emu.env["SALESFORCE_USERNAME"])
    assert body["urls"]["rest"].endswith("/services/data/v{version}/")


@pytest.mark.parametrize("path", ["/services/oauth2/userinfo", "/id/00D000000000000AAA/005000000000000AAA"])
def test_given_bad_token_when_identity_endpoints_called_then_403(emu: EmulatorHandle, path: str) -> None:
    response = _get(emu, path, "not-a-session")
    assert response.status_code == 403 and response.text == "Bad_OAuth_Token"


def test_given_columns_true_when_queried_then_column_metadata_not_rows(sf: Salesforce) -> None:
    sf.Account.create({"Name": "Columns Co"})
    body = sf.restful("query", params={"q": "SELECT Id, Name, Owner.Name, (SELECT LastName FROM Contacts) "
                                            "FROM Account", "columns": "true"})
    assert "records" not in body and body["entityName"] == "Account" and body["idSelected"] is True
    columns = {c["columnName"]: c for c in body["columnMetadata"]}
    assert list(columns) == ["Id", "Name", "Owner", "Contacts"]
    assert columns["Owner"]["joinColumns"][0]["displayName"] == "Owner.Name"
    assert columns["Contacts"]["aggregate"] is True
    assert columns["Contacts"]["joinColumns"][0]["columnName"] == "LastName"


@pytest.mark.parametrize("history", ["AccountHistory", "ContactHistory"])
def test_given_history_object_when_described_then_no_last_modified_or_modstamp(sf: Salesforce,
                                                                               history: str) -> None:
    names = {f["name"] for f in getattr(sf, history).describe()["fields"]}
    assert {"CreatedDate", "CreatedById", "Field", "OldValue", "NewValue"} <= names
    assert not names & {"LastModifiedDate", "LastModifiedById", "SystemModstamp"}


def test_given_tracked_change_when_history_read_by_created_date_cursor_then_found(sf: Salesforce) -> None:
    account = sf.Account.create({"Name": "Tracked", "NumberOfEmployees": 10})["id"]
    sf.Account.update(account, {"NumberOfEmployees": 20})
    soql = format_soql("SELECT Field, NewValue FROM AccountHistory WHERE AccountId = {} "
                       "AND CreatedDate > 2000-01-01T00:00:00.000000Z", account)
    rows = sf.query_all(soql)["records"]
    assert [(r["Field"], r["NewValue"]) for r in rows] == [("NumberOfEmployees", "20")]


@pytest.mark.parametrize("literal,expected", [("2000-01-01T00:00:00.000000Z", 1), ("2999-01-01T00:00:00.5Z", 0),
                                               ("2000-01-01T00:00:00.123456789+01:00", 1)])
def test_given_fractional_seconds_of_any_precision_when_queried_then_accepted(sf: Salesforce, literal: str,
                                                                             expected: int) -> None:
    sf.Account.create({"Name": "Fraction"})
    # The literal is the test's own constant, spliced as SOQL text on purpose (a quoted value would be a string).
    assert sf.query("SELECT Id FROM Account WHERE SystemModstamp > " + literal)["totalSize"] == expected  # noqa: S608


def _query(n: int) -> dict[str, Any]:
    return {"method": "GET", "url": "/services/data/v59.0/query?q=SELECT+Id+FROM+Account", "referenceId": f"q{n}"}


def test_given_six_query_subrequests_when_composite_then_refused(sf: Salesforce) -> None:
    assert len(sf.restful("composite", method="POST", data=json.dumps(
        {"compositeRequest": [_query(n) for n in range(5)]}))["compositeResponse"]) == 5
    with pytest.raises(SalesforceMalformedRequest, match="at most 5 query"):
        sf.restful("composite", method="POST", data=json.dumps({"compositeRequest": [_query(n) for n in range(6)]}))


def test_given_halt_on_error_when_batch_fails_then_later_subrequests_halted(sf: Salesforce) -> None:
    body = sf.restful("composite/batch", method="POST", data=json.dumps({"haltOnError": True, "batchRequests": [
        {"method": "POST", "url": "v59.0/sobjects/Account", "richInput": {"Name": "Batch Co"}},
        {"method": "POST", "url": "v59.0/sobjects/Account", "richInput": {"Industry": "Banking"}},
        {"method": "GET", "url": "v59.0/limits"}]}))
    assert body["hasErrors"] is True
    assert [r["statusCode"] for r in body["results"]] == [201, 400, 412]
    assert body["results"][1]["result"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"


def test_given_ids_when_retrieved_by_post_then_records_in_order_and_null_for_missing(sf: Salesforce) -> None:
    first = sf.Account.create({"Name": "Retrieve One"})["id"]
    second = sf.Account.create({"Name": "Retrieve Two"})["id"]
    rows = sf.restful("composite/sobjects/Account", method="POST", data=json.dumps(
        {"ids": [second, "001000000000000AAA", first], "fields": ["Name"]}))
    assert [r and r["Name"] for r in rows] == ["Retrieve Two", None, "Retrieve One"]


def test_given_objects_when_record_count_then_counts_per_object(sf: Salesforce) -> None:
    for n in range(3):
        sf.Account.create({"Name": f"Counted {n}"})
    body = sf.restful("limits/recordCount", params={"sObjects": "Account,Contact"})
    assert body == {"sObjects": [{"count": 3, "name": "Account"}, {"count": 0, "name": "Contact"}]}


def test_given_version_root_when_listed_then_only_served_resources(sf: Salesforce, emu: EmulatorHandle) -> None:
    body = sf.restful("")
    assert "search" not in body and "tooling" not in body
    assert body["identity"].endswith(f"/id/{emu.store.org_id}/{emu.store.integration_user_id}")
    for name, url in body.items():
        if name != "identity":
            assert _get(emu, url, sf.session_id).status_code != 404, name


def test_given_wrong_method_when_called_then_405_names_the_allowed_methods(sf: Salesforce) -> None:
    with pytest.raises(SalesforceError) as raised:
        sf.restful("composite/tree/Account", method="GET")
    assert raised.value.status == 405
    assert raised.value.content[0]["message"] == "HTTP Method 'GET' not allowed. Allowed are POST"


def _line_item(sf: Salesforce, emu: EmulatorHandle, **prices: float) -> dict[str, Any]:
    product = sf.Product2.create({"Name": "Seats", "IsActive": True})["id"]
    entry = sf.PricebookEntry.create({"Pricebook2Id": emu.store.standard_pricebook_id, "Product2Id": product,
                                      "UnitPrice": 100, "IsActive": True})["id"]
    opportunity = sf.Opportunity.create({"Name": "Seats deal", "StageName": "Prospecting",
                                         "CloseDate": "2027-01-31"})["id"]
    item = sf.OpportunityLineItem.create({"OpportunityId": opportunity, "PricebookEntryId": entry,
                                          "Quantity": 4, **prices})["id"]
    return sf.OpportunityLineItem.get(item)


def test_given_total_price_when_line_item_created_then_unit_price_derived(sf: Salesforce,
                                                                          emu: EmulatorHandle) -> None:
    item = _line_item(sf, emu, TotalPrice=360)
    assert (item["TotalPrice"], item["UnitPrice"], item["ListPrice"]) == (360, 90, 100)


def test_given_both_prices_when_line_item_created_then_field_integrity_exception(sf: Salesforce,
                                                                                 emu: EmulatorHandle) -> None:
    with pytest.raises(SalesforceMalformedRequest, match="cannot specify both UnitPrice and TotalPrice"):
        _line_item(sf, emu, TotalPrice=360, UnitPrice=90)
