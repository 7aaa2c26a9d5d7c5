"""WHERE operators and literals against the seeded org, table-driven.

Names in the seeded Accounts: Acme, acme corp, Beta, O'Brien & Co, 100%_Real\\Deal (and a
deleted "Gone"). Results are compared as sets of names.
"""

from __future__ import annotations

import pytest
from simple_salesforce.format import format_soql

from emulator.tests.soql.org import Org

ALL = {"Acme", "acme corp", "Beta", "O'Brien & Co", "100%_Real\\Deal"}

CASES = [
    # equality: case-insensitive for text, exact for numbers
    ("Name = 'acme'", {"Acme"}),
    ("Name = 'ACME CORP'", {"acme corp"}),
    ("Name != 'Acme'", ALL - {"Acme"}),
    ("Name <> 'Acme'", ALL - {"Acme"}),
    ("Industry = 'tech'", {"Acme", "O'Brien & Co"}),
    # != and NOT IN include nulls (SOQL has no UNKNOWN)
    ("Industry != 'Tech'", {"acme corp", "Beta", "100%_Real\\Deal"}),
    ("Industry NOT IN ('Tech', 'Retail')", {"Beta", "100%_Real\\Deal"}),
    ("Industry IN ('Tech', 'Retail')", {"Acme", "O'Brien & Co", "acme corp"}),
    ("Industry IN ('Tech', null)", {"Acme", "O'Brien & Co", "Beta"}),
    ("Industry NOT IN ('Tech', null)", {"acme corp", "100%_Real\\Deal"}),
    ("Industry = null", {"Beta"}),
    ("Industry != null", ALL - {"Beta"}),
    # ordering comparisons on numbers; nulls never compare
    ("AnnualRevenue > 500.5", {"Acme", "O'Brien & Co"}),
    ("AnnualRevenue >= 500.5", {"Acme", "O'Brien & Co", "acme corp"}),
    ("AnnualRevenue < 1000", {"acme corp", "100%_Real\\Deal"}),
    ("AnnualRevenue <= 1000", {"Acme", "acme corp", "100%_Real\\Deal"}),
    ("NumberOfEmployees = 10", {"Acme", "O'Brien & Co"}),
    ("Rating > 3", {"Acme"}),
    ("NumberOfEmployees IN (1, 50)", {"acme corp", "100%_Real\\Deal"}),
    ("AnnualRevenue > -1e3", ALL - {"Beta"}),
    # text ordering comparisons are case-insensitive too
    ("Name < 'b'", {"Acme", "acme corp", "100%_Real\\Deal"}),
    # LIKE: % and _, case-insensitive, escaped wildcards
    ("Name LIKE 'acme%'", {"Acme", "acme corp"}),
    ("Name LIKE '%CORP'", {"acme corp"}),
    ("Name LIKE 'B_ta'", {"Beta"}),
    ("Name LIKE '100\\%\\_%'", {"100%_Real\\Deal"}),
    ("Name LIKE '100\\_%'", set()),
    ("Name LIKE '%\\\\%'", {"100%_Real\\Deal"}),
    ("NOT Name LIKE 'acme%'", ALL - {"Acme", "acme corp"}),
    ("Industry LIKE 'T%'", {"Acme", "O'Brien & Co"}),
    ("NOT Industry LIKE 'T%'", {"acme corp", "Beta", "100%_Real\\Deal"}),
    # booleans: null reads as false
    ("Is_Partner__c = true", {"Acme"}),
    ("Is_Partner__c = false", ALL - {"Acme"}),
    ("Is_Partner__c = null", ALL - {"Acme"}),
    ("Is_Partner__c != true", ALL - {"Acme"}),
    # multipicklists: INCLUDES ('a;b','c') = (a AND b) OR c; EXCLUDES its complement
    ("Products__c INCLUDES ('Billing')", {"Acme", "acme corp"}),
    ("Products__c INCLUDES ('billing;crm')", {"acme corp"}),
    ("Products__c INCLUDES ('Analytics;CRM', 'crm')", {"acme corp", "O'Brien & Co"}),
    ("Products__c INCLUDES ('Bill')", set()),
    ("Products__c EXCLUDES ('Billing')", {"Beta", "O'Brien & Co", "100%_Real\\Deal"}),
    ("Products__c EXCLUDES ('Billing;CRM', 'Analytics')", {"Beta", "O'Brien & Co", "100%_Real\\Deal"}),
    # boolean structure
    ("Industry = 'Tech' AND NumberOfEmployees = 10", {"Acme", "O'Brien & Co"}),
    ("Industry = 'Retail' OR Name = 'Beta'", {"acme corp", "Beta"}),
    ("(Industry = 'Tech' OR Industry = 'Retail') AND AnnualRevenue < 1500", {"Acme", "acme corp"}),
    ("NOT (Industry = 'Tech' OR Industry = null)", {"acme corp", "100%_Real\\Deal"}),
    ("NOT Industry = 'Tech'", {"acme corp", "Beta", "100%_Real\\Deal"}),
    ("NOT AnnualRevenue > 500.5", {"acme corp", "Beta", "100%_Real\\Deal"}),
    ("NOT (NOT Name = 'Beta')", {"Beta"}),
    # ids: 15- and 18-character forms
    ("Id = '{acme15}'", {"Acme"}),
    ("Id = '{acme}'", {"Acme"}),
    ("Id IN ('{acme}', '{beta15}')", {"Acme", "Beta"}),
    ("OwnerId != '{u1}'", {"acme corp", "O'Brien & Co"}),
    ("ParentId = null", ALL - {"acme corp"}),
    # parent fields in filters; a missing parent reads as null
    ("Owner.Name = 'bob boss'", {"acme corp", "O'Brien & Co"}),
    ("Parent.Name = null", ALL - {"acme corp"}),
    ("Parent.Owner.Name LIKE 'Ada%'", {"acme corp"}),
    # dates against date fields
    ("Last_Review__c = 2026-03-01", {"Acme"}),
    ("Last_Review__c > 2026-01-01", {"Acme", "acme corp"}),
    ("Last_Review__c <= 2026-03-01", {"Acme", "O'Brien & Co"}),
    # datetimes: Z and offsets, compared as instants
    ("CreatedDate > 2026-01-10T10:00:00Z", {"Beta", "100%_Real\\Deal"}),
    ("CreatedDate >= 2026-01-10T10:00:00Z", {"Acme", "Beta", "100%_Real\\Deal"}),
    ("CreatedDate = 2026-01-10T12:00:00+02:00", {"Acme"}),
    ("CreatedDate < 2026-01-01T00:00:00-01:00", {"acme corp", "O'Brien & Co"}),
    ("SystemModstamp >= 2026-03-15T00:00:00.000+0000", {"acme corp", "Beta", "100%_Real\\Deal"}),
    # semi-joins and anti-joins
    ("Id IN (SELECT AccountId FROM Contact)", {"Acme", "acme corp"}),
    ("Id IN (SELECT AccountId FROM Contact WHERE Title = 'cto')", {"Acme"}),
    ("Id NOT IN (SELECT AccountId FROM Contact)", {"Beta", "O'Brien & Co", "100%_Real\\Deal"}),
    ("Id IN (SELECT WhatId FROM Task WHERE Status = 'Completed')", {"Acme"}),
    ("Id IN (SELECT AccountId FROM Opportunity WHERE Owner.Name = 'Bob Boss')", {"acme corp"}),
    ("NOT Id IN (SELECT Account__c FROM Product_Usage__c)", ALL - {"Acme"}),
    ("OwnerId IN (SELECT Id FROM User WHERE IsActive = false)", {"acme corp", "O'Brien & Co"}),
]


@pytest.mark.parametrize(("where", "expected"), CASES, ids=[c[0] for c in CASES])
def test_given_seeded_accounts_when_filtered_then_matching_names(org: Org, where: str, expected: set) -> None:
    ids = {**org.ids, "acme15": org.ids["acme"][:15], "beta15": org.ids["beta"][:15]}
    soql = "SELECT Name FROM Account WHERE " + where.replace("{", "{{").replace("}", "}}")  # noqa: S608
    for key, value in ids.items():
        soql = soql.replace("{{" + key + "}}", value)
    assert set(org.names(soql)) == expected


def test_given_keywords_and_names_in_any_case_when_queried_then_same_rows(org: Org) -> None:
    lower = org.names("select name from ACCOUNT where INDUSTRY = 'Tech' order by NAME")
    assert lower == ["Acme", "O'Brien & Co"]


@pytest.mark.parametrize("value", ["O'Brien & Co", "100%_Real\\Deal", "a\nb\t\"c\"", "it's \\ ok"])
def test_given_value_formatted_by_format_soql_when_queried_then_it_round_trips(value: str) -> None:
    org = Org()
    org.insert("Account", "x", Name=value)
    org.insert("Account", "y", Name=value + "!")
    soql = format_soql("SELECT Name FROM Account WHERE Name = {}", value)
    assert org.names(soql) == [value]
    like = format_soql("SELECT Name FROM Account WHERE Name LIKE '{:like}%'", value)
    assert sorted(org.names(like)) == sorted([value, value + "!"])
    exact_like = format_soql("SELECT Name FROM Account WHERE Name LIKE '{:like}'", value)
    assert org.names(exact_like) == [value]


def test_given_datetime_from_format_soql_when_queried_then_compared_as_instant(org: Org) -> None:
    from datetime import datetime, timedelta, timezone

    moment = datetime(2026, 1, 10, 5, 0, tzinfo=timezone(timedelta(hours=-5)))
    soql = format_soql("SELECT Name FROM Account WHERE CreatedDate = {}", moment)
    assert org.names(soql) == ["Acme"]


def test_given_deleted_rows_when_query_all_then_included(org: Org) -> None:
    assert "Gone" not in org.names("SELECT Name FROM Account")
    assert "Gone" in org.names("SELECT Name FROM Account", include_deleted=True)
    assert org.names("SELECT Name FROM Account WHERE IsDeleted = true", include_deleted=True) == ["Gone"]
