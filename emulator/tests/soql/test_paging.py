"""Ordering, NULLS placement, LIMIT / OFFSET, COUNT() and stable pages."""

from __future__ import annotations

import pytest

from emulator.soql import prepare
from emulator.tests.soql.org import NOW, Org


def test_given_order_by_when_nulls_default_then_asc_first_desc_last(org: Org) -> None:
    asc = org.names("SELECT Name FROM Account ORDER BY AnnualRevenue")
    assert asc[0] == "Beta" and asc[1:] == ["100%_Real\\Deal", "acme corp", "Acme", "O'Brien & Co"]
    desc = org.names("SELECT Name FROM Account ORDER BY AnnualRevenue DESC")
    assert desc == ["O'Brien & Co", "Acme", "acme corp", "100%_Real\\Deal", "Beta"]


@pytest.mark.parametrize(("order", "expected_first", "expected_last"), [
    ("AnnualRevenue ASC NULLS LAST", "100%_Real\\Deal", "Beta"),
    ("AnnualRevenue DESC NULLS FIRST", "Beta", "100%_Real\\Deal"),
    ("Industry ASC NULLS FIRST, Name DESC", "Beta", "Acme"),
    ("Owner.Name DESC, Name", "acme corp", "Beta"),
    ("Name", "100%_Real\\Deal", "O'Brien & Co"),
])
def test_given_explicit_order_when_fetched_then_sorted(org: Org, order: str, expected_first: str,
                                                       expected_last: str) -> None:
    names = org.names(f"SELECT Name FROM Account ORDER BY {order}")  # noqa: S608
    assert (names[0], names[-1]) == (expected_first, expected_last)


def test_given_text_order_then_case_insensitive(org: Org) -> None:
    names = org.names("SELECT Name FROM Account WHERE Name LIKE 'a%' ORDER BY Name DESC")
    assert names == ["acme corp", "Acme"]


def _tied_org(count: int) -> Org:
    org = Org()
    for i in range(count):
        org.insert("Account", Name=f"N{i:03d}", Industry=["Tech", "Retail", None][i % 3],
                   NumberOfEmployees=i % 4)
    return org


@pytest.mark.parametrize("order", ["", " ORDER BY Industry", " ORDER BY NumberOfEmployees DESC, Industry"])
def test_given_ties_when_paged_then_pages_partition_the_result(order: str) -> None:
    org = _tied_org(103)
    pq = prepare("SELECT Id, Name FROM Account" + order, org.schema, now=NOW)  # noqa: S608
    assert pq.total(org.conn) == 103
    pages = [pq.fetch(org.conn, start, 10) for start in range(0, 110, 10)]
    ids = [r["Id"] for page in pages for r in page]
    assert len(ids) == 103 and len(set(ids)) == 103
    assert ids == [r["Id"] for r in pq.fetch(org.conn, 0, 1000)]


def test_given_limit_and_offset_when_paged_then_window_honoured() -> None:
    org = _tied_org(50)
    pq = prepare("SELECT Name FROM Account ORDER BY Name LIMIT 15 OFFSET 5", org.schema, now=NOW)
    assert pq.total(org.conn) == 15
    first, second = pq.fetch(org.conn, 0, 10), pq.fetch(org.conn, 10, 10)
    assert [r["Name"] for r in first + second] == [f"N{i:03d}" for i in range(5, 20)]
    assert pq.fetch(org.conn, 15, 10) == []
    beyond = prepare("SELECT Name FROM Account OFFSET 60", org.schema, now=NOW)
    assert beyond.total(org.conn) == 0 and beyond.fetch(org.conn, 0, 10) == []


def test_given_count_query_when_run_then_total_is_count_and_no_records(org: Org) -> None:
    pq = prepare("SELECT COUNT() FROM Account WHERE Industry = 'Tech'", org.schema, now=NOW)
    assert pq.is_count is True
    assert pq.total(org.conn) == 2
    assert pq.fetch(org.conn, 0, 2000) == []
    all_rows = prepare("SELECT count() FROM Account", org.schema, now=NOW, include_deleted=True)
    assert all_rows.total(org.conn) == 6


def test_given_parent_filter_when_counted_then_matches_fetch(org: Org) -> None:
    pq = prepare("SELECT Id, Owner.Name FROM Contact WHERE Account.Owner.Name = 'Ada Admin'",
                 org.schema, now=NOW)
    assert pq.total(org.conn) == len(pq.fetch(org.conn, 0, 100)) == 2


def test_given_parsed_once_when_prepared_again_then_parse_cached(org: Org) -> None:
    from emulator.soql.parser import parse

    soql = "SELECT Id FROM Account WHERE Name = 'cache-check'"
    prepare(soql, org.schema, now=NOW)
    hits = parse.cache_info().hits
    prepare(soql, org.schema, now=NOW)
    assert parse.cache_info().hits == hits + 1
