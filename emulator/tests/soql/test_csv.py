"""Bulk API 2.0 CSV view of a query: header paths and flattened values."""

from __future__ import annotations

import pytest

from emulator.soql import SoqlError, prepare
from emulator.tests.soql.org import NOW, Org


def test_given_parent_paths_when_csv_then_dotted_header_and_flat_values(org: Org) -> None:
    pq = prepare("SELECT id, name, owner.name, Is_Partner__c, AnnualRevenue, NumberOfEmployees, "
                 "Parent.Name FROM account WHERE Name IN ('Acme', 'acme corp') ORDER BY Name",
                 org.schema, now=NOW)
    assert pq.csv_header() == ["Id", "Name", "Owner.Name", "Is_Partner__c", "AnnualRevenue",
                               "NumberOfEmployees", "Parent.Name"]
    rows = pq.fetch_csv_rows(org.conn, 0, 10)
    assert rows == [
        [org.ids["acme"], "Acme", "Ada Admin", "true", "1000.0", "10", ""],
        [org.ids["corp"], "acme corp", "Bob Boss", "false", "500.5", "50", "Acme"],
    ]
    assert pq.fetch_csv_rows(org.conn, 1, 10) == rows[1:]


def test_given_null_boolean_when_csv_then_false(org: Org) -> None:
    pq = prepare("SELECT Is_Partner__c, Industry FROM Account WHERE Name = 'Beta'", org.schema, now=NOW)
    assert pq.fetch_csv_rows(org.conn, 0, 10) == [["false", ""]]


def test_given_child_subquery_when_csv_requested_then_refused(org: Org) -> None:
    pq = prepare("SELECT Id, (SELECT Id FROM Contacts) FROM Account", org.schema, now=NOW)
    with pytest.raises(SoqlError):
        pq.csv_header()
