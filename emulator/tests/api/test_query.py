"""query/ and queryAll/ through simple-salesforce: paging, relationships, deleted rows."""

from __future__ import annotations

from simple_salesforce import Salesforce, format_soql

from emulator.ids import make_id
from emulator.testing import EmulatorHandle


def test_given_5000_accounts_when_paged_with_batch_size_200_then_25_pages_with_root_relative_urls(
        emu: EmulatorHandle, sf: Salesforce) -> None:
    emu.store.insert_many("Account", ({"Id": make_id("001", i + 1), "Name": f"Acct {i:05d}"} for i in range(5000)))
    headers = {"Sforce-Query-Options": "batchSize=200"}
    page = sf.query("SELECT Id, Name FROM Account ORDER BY Name", headers=headers)
    pages, names = 1, [r["Name"] for r in page["records"]]
    assert page["totalSize"] == 5000 and len(page["records"]) == 200
    while not page["done"]:
        assert page["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
        page = sf.query_more(page["nextRecordsUrl"], identifier_is_url=True, headers=headers)
        pages += 1
        names.extend(r["Name"] for r in page["records"])
    assert pages == 25 and names == [f"Acct {i:05d}" for i in range(5000)]
    assert emu.stats()["by_kind"]["query_more"] == 24


def test_given_default_batch_when_queried_then_pages_of_2000(emu: EmulatorHandle, sf: Salesforce) -> None:
    emu.store.insert_many("Contact", ({"LastName": f"C{i}"} for i in range(2500)))
    first = sf.query("SELECT Id FROM Contact")
    assert len(first["records"]) == 2000 and first["done"] is False
    assert len(list(sf.query_all_iter("SELECT Id FROM Contact"))) == 2500


def test_given_parent_and_child_relationships_when_queried_then_nested_records(sf: Salesforce) -> None:
    account = sf.Account.create({"Name": "Globex"})["id"]
    for name in ("Ann", "Bob"):
        sf.Contact.create({"LastName": name, "AccountId": account})
    result = sf.query(format_soql("SELECT Name, Owner.Name, (SELECT LastName FROM Contacts ORDER BY LastName) "
                                  "FROM Account WHERE Id = {}", account))
    record = result["records"][0]
    assert record["Owner"]["Name"] == "Radar Integration" and record["Owner"]["attributes"]["type"] == "User"
    assert [c["LastName"] for c in record["Contacts"]["records"]] == ["Ann", "Bob"]
    contact = sf.query("SELECT Account.Name FROM Contact WHERE LastName = 'Ann'")["records"][0]
    assert contact["Account"]["Name"] == "Globex"


def test_given_deleted_record_when_query_and_query_all_then_only_query_all_sees_it(sf: Salesforce) -> None:
    record_id = sf.Account.create({"Name": "Gone"})["id"]
    sf.Account.delete(record_id)
    assert sf.query("SELECT Id FROM Account")["totalSize"] == 0
    rows = sf.query_all("SELECT Id, IsDeleted FROM Account", include_deleted=True)["records"]
    assert [(r["Id"], r["IsDeleted"]) for r in rows] == [(record_id, True)]


def test_given_malformed_query_when_sent_then_400_malformed_query(sf: Salesforce) -> None:
    import pytest
    from simple_salesforce.exceptions import SalesforceMalformedRequest

    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELEC Id FROM Account")
    assert caught.value.content[0]["errorCode"] == "MALFORMED_QUERY"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id FROM Nope__c")
    assert caught.value.content[0]["errorCode"] == "INVALID_TYPE"


def test_given_clock_advanced_when_querying_relative_dates_then_new_records_follow_the_clock(
        emu: EmulatorHandle, sf: Salesforce) -> None:
    sf.Account.create({"Name": "Early"})
    emu.advance_clock(days=40)
    sf = emu.salesforce()  # 40 days outlive the session: log in again
    sf.Account.create({"Name": "Late"})
    recent = sf.query("SELECT Name FROM Account WHERE CreatedDate = LAST_N_DAYS:30")["records"]
    assert [r["Name"] for r in recent] == ["Late"]
