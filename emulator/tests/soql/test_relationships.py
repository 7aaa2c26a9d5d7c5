"""Record JSON: parent paths, polymorphic lookups, child subqueries, canonical spelling."""

from __future__ import annotations

from emulator.soql import prepare
from emulator.tests.soql.org import NOW, Org


def _url(sobject: str, record_id: str) -> str:
    return f"/services/data/v{{version}}/sobjects/{sobject}/{record_id}"


def test_given_parent_path_when_fetched_then_nested_records_with_attributes(org: Org) -> None:
    records = org.query("SELECT name, account.owner.NAME, Account.Name FROM contact "
                        "WHERE Name = 'Cy Able'")
    assert records == [{
        "attributes": {"type": "Contact", "url": _url("Contact", org.ids["c1"])},
        "Name": "Cy Able",
        "Account": {
            "attributes": {"type": "Account", "url": _url("Account", org.ids["acme"])},
            "Owner": {"attributes": {"type": "User", "url": _url("User", org.ids["u1"])},
                      "Name": "Ada Admin"},
            "Name": "Acme",
        },
    }]


def test_given_empty_lookup_when_parent_selected_then_null(org: Org) -> None:
    [record] = org.query("SELECT Name, Account.Name, Account.Owner.Name FROM Contact WHERE Name = 'Fi Dunn'")
    assert record["Account"] is None


def test_given_polymorphic_what_and_who_when_fetched_then_name_records_pointing_at_target(org: Org) -> None:
    records = org.query("SELECT Subject, What.Name, Who.Name, Owner.Name FROM Task ORDER BY Subject")
    by_subject = {r["Subject"]: r for r in records}
    assert by_subject["Call"]["What"] == {
        "attributes": {"type": "Name", "url": _url("Account", org.ids["acme"])}, "Name": "Acme"}
    assert by_subject["Call"]["Who"] == {
        "attributes": {"type": "Name", "url": _url("Contact", org.ids["c1"])}, "Name": "Cy Able"}
    assert by_subject["Email"]["What"]["attributes"]["url"] == _url("Opportunity", org.ids["o1"])
    assert by_subject["Email"]["Who"] is None
    assert by_subject["Lonely"]["What"] is None
    # Owner on Task points only at User in this schema: a plain (non-polymorphic) lookup.
    assert by_subject["Call"]["Owner"]["attributes"]["type"] == "User"
    assert [r["Owner"]["Name"] for r in records] == ["Ada Admin", "Ada Admin", "Bob Boss", "Ada Admin"]


def test_given_polymorphic_type_when_selected_and_filtered_then_target_object_name(org: Org) -> None:
    records = org.query("SELECT Subject, What.Type FROM Task WHERE What.Type = 'opportunity' "
                        "OR What.Type = null ORDER BY Subject")
    assert [(r["Subject"], r["What"] and r["What"]["Type"]) for r in records] == [
        ("Email", "Opportunity"), ("Lonely", None)]


def test_given_polymorphic_filter_when_queried_then_matches_any_target(org: Org) -> None:
    assert org.names("SELECT Subject FROM Task WHERE What.Name LIKE 'Acme%' ORDER BY Subject",
                     key="Subject") == ["Call", "Demo", "Email"]


def test_given_child_subqueries_when_fetched_then_nested_results_or_null(org: Org) -> None:
    records = org.query(
        "SELECT Name, (SELECT LastName, Account.Name FROM Contacts ORDER BY LastName DESC), "
        "(SELECT Name, Active_Users__c FROM Product_Usages__r WHERE Month__c >= 2026-03-01), "
        "(SELECT Subject FROM Tasks WHERE Status = 'Completed' ORDER BY ActivityDate LIMIT 1) "
        "FROM Account WHERE Name IN ('Acme', 'Beta') ORDER BY Name")
    acme, beta = records
    assert list(acme) == ["attributes", "Name", "Contacts", "Product_Usages__r", "Tasks"]
    assert acme["Contacts"]["totalSize"] == 2 and acme["Contacts"]["done"] is True
    assert [c["LastName"] for c in acme["Contacts"]["records"]] == ["Baker", "Able"]  # deleted child hidden
    assert acme["Contacts"]["records"][0]["Account"]["Name"] == "Acme"
    assert acme["Product_Usages__r"]["records"] == [{
        "attributes": {"type": "Product_Usage__c", "url": _url("Product_Usage__c", org.ids["pu2"])},
        "Name": "Acme Mar", "Active_Users__c": 42.0}]
    assert [t["Subject"] for t in acme["Tasks"]["records"]] == ["Demo"]
    assert beta["Contacts"] is None and beta["Product_Usages__r"] is None and beta["Tasks"] is None


def test_given_child_limit_when_many_parents_then_limit_applies_per_parent() -> None:
    org = Org()
    accounts = [org.insert("Account", Name=f"A{i}") for i in range(3)]
    for account in accounts:
        for j in range(4):
            org.insert("Contact", LastName=f"L{j}", AccountId=account)
    records = org.query("SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName DESC LIMIT 2) "
                        "FROM Account")
    assert [[c["LastName"] for c in r["Contacts"]["records"]] for r in records] == [["L3", "L2"]] * 3


def test_given_deleted_child_when_query_all_then_child_included(org: Org) -> None:
    soql = "SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name = 'Acme'"
    assert org.query(soql)[0]["Contacts"]["totalSize"] == 2
    assert org.query(soql, include_deleted=True)[0]["Contacts"]["totalSize"] == 3


def test_given_deleted_parent_when_reached_through_join_then_still_shown() -> None:
    org = Org()
    account = org.insert("Account", Name="Closed Co", IsDeleted=True)
    org.insert("Contact", LastName="Orphan", AccountId=account)
    [record] = org.query("SELECT LastName, Account.Name FROM Contact")
    assert record["Account"]["Name"] == "Closed Co"


def test_given_typed_fields_when_fetched_then_json_types_decoded(org: Org) -> None:
    [record] = org.query("SELECT NumberOfEmployees, AnnualRevenue, Rating, Is_Partner__c, "
                         "Last_Review__c, CreatedDate, Products__c FROM Account WHERE Name = 'Acme'")
    assert record["NumberOfEmployees"] == 10 and type(record["NumberOfEmployees"]) is int
    assert type(record["AnnualRevenue"]) is float and type(record["Rating"]) is float
    assert record["Is_Partner__c"] is True
    assert record["Last_Review__c"] == "2026-03-01"
    assert record["CreatedDate"] == "2026-01-10T10:00:00.000+0000"
    assert record["Products__c"] == "Analytics;Billing"
    [beta] = org.query("SELECT Is_Partner__c, AnnualRevenue FROM Account WHERE Name = 'Beta'")
    assert beta["Is_Partner__c"] is False and beta["AnnualRevenue"] is None


def test_given_alias_when_fields_prefixed_then_resolved(org: Org) -> None:
    names = org.names("SELECT a.Name FROM Account a WHERE a.Industry = 'Tech' ORDER BY a.Name")
    assert names == ["Acme", "O'Brien & Co"]


def test_given_line_items_when_grandparent_path_then_resolved(org: Org) -> None:
    [item] = org.query("SELECT Quantity, Opportunity.Account.Owner.Name FROM OpportunityLineItem")
    assert item["Opportunity"]["Account"]["Owner"]["Name"] == "Ada Admin"
    assert item["Quantity"] == 10.0


def test_given_prepared_query_then_canonical_sobject_name(org: Org) -> None:
    pq = prepare("select id from product_usage__C", org.schema, now=NOW)
    assert pq.sobject == "Product_Usage__c" and pq.is_count is False


def test_given_child_subquery_when_paged_then_each_page_carries_its_children() -> None:
    org = Org()
    for i in range(7):
        account = org.insert("Account", Name=f"A{i}")
        for j in range(i % 3):
            org.insert("Contact", LastName=f"L{i}-{j}", AccountId=account)
    pq = prepare("SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account "
                 "ORDER BY Name", org.schema, now=NOW)
    paged = [r for start in range(0, 7, 3) for r in pq.fetch(org.conn, start, 3)]
    assert paged == pq.fetch(org.conn, 0, 10)
    assert [r["Contacts"] and r["Contacts"]["totalSize"] for r in paged] == [None, 1, 2, None, 1, 2, None]
