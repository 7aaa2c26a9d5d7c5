"""GROUP BY and aggregate functions return AggregateResult records."""

from __future__ import annotations

import pytest

from emulator.soql import SoqlError, prepare
from emulator.tests.soql.org import NOW, Org


def test_given_group_by_when_fetched_then_one_aggregate_result_per_group(org: Org) -> None:
    records = org.query("SELECT Industry, COUNT(Id), SUM(AnnualRevenue) total, MAX(CreatedDate), "
                        "AVG(NumberOfEmployees) FROM Account GROUP BY Industry")
    by_industry = {r["Industry"]: r for r in records}
    assert list(by_industry) == [None, "Finance", "Retail", "Tech"]
    assert by_industry["Tech"] == {"attributes": {"type": "AggregateResult"}, "Industry": "Tech",
                                   "expr0": 2, "total": 3000.0,
                                   "expr1": "2026-01-10T10:00:00.000+0000", "expr2": 10.0}
    assert by_industry[None]["total"] is None and by_industry[None]["expr0"] == 1


def test_given_aggregate_without_group_by_then_single_row(org: Org) -> None:
    pq = prepare("SELECT COUNT(Id), MIN(Name) FROM Account WHERE Industry = 'Tech'", org.schema, now=NOW)
    assert pq.total(org.conn) == 1
    assert pq.fetch(org.conn, 0, 10) == [{"attributes": {"type": "AggregateResult"},
                                          "expr0": 2, "expr1": "Acme"}]


def test_given_parent_group_when_ordered_then_named_by_field(org: Org) -> None:
    records = org.query("SELECT Owner.Name, COUNT_DISTINCT(Industry) n FROM Account "
                        "WHERE Industry != null GROUP BY Owner.Name ORDER BY Owner.Name DESC")
    assert [(r["Name"], r["n"]) for r in records] == [("Bob Boss", 2), ("Ada Admin", 2)]


def test_given_ungrouped_field_when_prepared_then_malformed(org: Org) -> None:
    with pytest.raises(SoqlError) as caught:
        prepare("SELECT Name, COUNT(Id) FROM Account GROUP BY Industry", org.schema, now=NOW)
    assert caught.value.error_code == "MALFORMED_QUERY"
    assert caught.value.message.endswith("Field must be grouped or aggregated: Name")
