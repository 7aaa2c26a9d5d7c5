"""Relative date literals: day ranges, boundaries at midnight, and the org time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from emulator.soql.dates import day_range
from emulator.tests.soql.org import Org

D = date.fromisoformat

RANGES = [
    # (literal, n, today, first day, last day) -- 2026-03-15 is a Sunday
    ("TODAY", None, "2026-03-15", "2026-03-15", "2026-03-15"),
    ("YESTERDAY", None, "2026-03-01", "2026-02-28", "2026-02-28"),
    ("TOMORROW", None, "2026-12-31", "2027-01-01", "2027-01-01"),
    ("LAST_N_DAYS", 1, "2026-03-15", "2026-03-14", "2026-03-15"),
    ("LAST_N_DAYS", 30, "2026-03-15", "2026-02-13", "2026-03-15"),
    ("NEXT_N_DAYS", 2, "2026-03-15", "2026-03-16", "2026-03-17"),
    ("LAST_90_DAYS", None, "2026-03-15", "2025-12-15", "2026-03-15"),
    ("NEXT_90_DAYS", None, "2026-03-15", "2026-03-16", "2026-06-13"),
    ("N_DAYS_AGO", 3, "2026-03-15", "2026-03-12", "2026-03-12"),
    ("THIS_WEEK", None, "2026-03-21", "2026-03-15", "2026-03-21"),
    ("THIS_WEEK", None, "2026-03-15", "2026-03-15", "2026-03-21"),
    ("LAST_WEEK", None, "2026-03-15", "2026-03-08", "2026-03-14"),
    ("NEXT_WEEK", None, "2026-03-14", "2026-03-15", "2026-03-21"),
    ("THIS_MONTH", None, "2026-02-10", "2026-02-01", "2026-02-28"),
    ("LAST_MONTH", None, "2026-01-15", "2025-12-01", "2025-12-31"),
    ("NEXT_MONTH", None, "2026-12-31", "2027-01-01", "2027-01-31"),
    ("LAST_N_MONTHS", 1, "2026-03-31", "2026-02-01", "2026-02-28"),
    ("LAST_N_MONTHS", 3, "2026-03-15", "2025-12-01", "2026-02-28"),
    ("NEXT_N_MONTHS", 2, "2026-11-15", "2026-12-01", "2027-01-31"),
    ("THIS_QUARTER", None, "2026-03-31", "2026-01-01", "2026-03-31"),
    ("THIS_QUARTER", None, "2026-04-01", "2026-04-01", "2026-06-30"),
    ("THIS_QUARTER", None, "2026-12-31", "2026-10-01", "2026-12-31"),
    ("LAST_QUARTER", None, "2026-01-01", "2025-10-01", "2025-12-31"),
    ("NEXT_QUARTER", None, "2026-12-31", "2027-01-01", "2027-03-31"),
    ("LAST_N_QUARTERS", 2, "2026-05-05", "2025-10-01", "2026-03-31"),
    ("THIS_YEAR", None, "2026-07-04", "2026-01-01", "2026-12-31"),
    ("LAST_YEAR", None, "2026-07-04", "2025-01-01", "2025-12-31"),
    ("LAST_N_YEARS", 2, "2026-07-04", "2024-01-01", "2025-12-31"),
    ("NEXT_N_YEARS", 1, "2026-07-04", "2027-01-01", "2027-12-31"),
]


@pytest.mark.parametrize(("name", "n", "today", "first", "last"), RANGES,
                         ids=[f"{r[0]}:{r[1]}@{r[2]}" for r in RANGES])
def test_given_today_when_literal_resolved_then_day_range(name: str, n: int | None, today: str,
                                                            first: str, last: str) -> None:
    start, after = day_range(name, n, D(today))
    assert (start, after.toordinal() - 1) == (D(first), D(last).toordinal())


def _org_with_stamps(*stamps: str) -> Org:
    org = Org()
    for stamp in stamps:
        org.insert("Account", Name=stamp, CreatedDate=stamp)
    return org


MIDNIGHT = datetime(2026, 3, 15, 0, 0, tzinfo=UTC)
STAMPS = ["2026-03-13T23:59:59.999+0000", "2026-03-14T00:00:00.000+0000",
          "2026-03-14T23:59:59.999+0000", "2026-03-15T00:00:00.000+0000",
          "2026-03-15T23:59:59.999+0000", "2026-03-16T00:00:00.000+0000"]

AT_MIDNIGHT = [
    ("CreatedDate = TODAY", STAMPS[3:5]),
    ("CreatedDate = YESTERDAY", STAMPS[1:3]),
    ("CreatedDate = LAST_N_DAYS:1", STAMPS[1:5]),
    ("CreatedDate = LAST_N_DAYS:0", STAMPS[3:5]),
    ("CreatedDate != TODAY", STAMPS[:3] + STAMPS[5:]),
    ("CreatedDate < TODAY", STAMPS[:3]),
    ("CreatedDate <= TODAY", STAMPS[:5]),
    ("CreatedDate > TODAY", STAMPS[5:]),
    ("CreatedDate >= TODAY", STAMPS[3:]),
    ("CreatedDate = NEXT_N_DAYS:1", STAMPS[5:]),
    ("NOT CreatedDate = LAST_N_DAYS:1", [STAMPS[0], STAMPS[5]]),
    ("CreatedDate IN (YESTERDAY, TOMORROW)", STAMPS[1:3] + STAMPS[5:]),
]


@pytest.mark.parametrize(("where", "expected"), AT_MIDNIGHT, ids=[c[0] for c in AT_MIDNIGHT])
def test_given_now_exactly_midnight_when_datetime_filtered_then_day_boundaries_exact(
        where: str, expected: list[str]) -> None:
    org = _org_with_stamps(*STAMPS)
    names = org.names(f"SELECT Name FROM Account WHERE {where} ORDER BY CreatedDate", now=MIDNIGHT)  # noqa: S608
    assert names == expected


def test_given_org_time_zone_when_today_filtered_then_local_day_in_utc_instants() -> None:
    # 06:00Z on 15 March is 23:00 on 14 March in Los Angeles (PDT, UTC-7).
    org = _org_with_stamps("2026-03-14T06:59:59.000+0000", "2026-03-14T07:00:00.000+0000",
                           "2026-03-15T06:59:59.000+0000", "2026-03-15T07:00:00.000+0000")
    now = datetime(2026, 3, 15, 6, 0, tzinfo=UTC)
    today = org.names("SELECT Name FROM Account WHERE CreatedDate = TODAY", now=now,
                      tz="America/Los_Angeles")
    assert today == ["2026-03-14T07:00:00.000+0000", "2026-03-15T06:59:59.000+0000"]
    utc_today = org.names("SELECT Name FROM Account WHERE CreatedDate = TODAY", now=now)
    assert utc_today == ["2026-03-15T06:59:59.000+0000", "2026-03-15T07:00:00.000+0000"]


def test_given_org_time_zone_when_date_field_filtered_then_local_today_used() -> None:
    org = Org()
    org.insert("Opportunity", Name="14th", CloseDate="2026-03-14")
    org.insert("Opportunity", Name="15th", CloseDate="2026-03-15")
    now = datetime(2026, 3, 15, 6, 0, tzinfo=UTC)
    soql = "SELECT Name FROM Opportunity WHERE CloseDate = TODAY"
    assert org.names(soql, now=now, tz="America/Los_Angeles") == ["14th"]
    assert org.names(soql, now=now, tz="Asia/Tokyo") == ["15th"]


def test_given_quarter_edges_when_date_field_filtered_then_calendar_quarter() -> None:
    org = Org()
    for day in ["2025-12-31", "2026-01-01", "2026-03-31", "2026-04-01"]:
        org.insert("Opportunity", Name=day, CloseDate=day)
    q1 = datetime(2026, 3, 31, 23, 59, tzinfo=UTC)
    soql = "SELECT Name FROM Opportunity WHERE CloseDate = {} ORDER BY CloseDate"
    assert org.names(soql.format("THIS_QUARTER"), now=q1) == ["2026-01-01", "2026-03-31"]
    assert org.names(soql.format("LAST_QUARTER"), now=q1) == ["2025-12-31"]
    assert org.names(soql.format("NEXT_QUARTER"), now=q1) == ["2026-04-01"]
    q2 = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
    assert org.names(soql.format("THIS_QUARTER"), now=q2) == ["2026-04-01"]
    assert org.names(soql.format("THIS_YEAR"), now=q2) == ["2026-01-01", "2026-03-31", "2026-04-01"]
    assert org.names(soql.format("LAST_N_MONTHS:3"), now=q2) == ["2026-01-01", "2026-03-31"]
    assert org.names(soql.format("THIS_MONTH"), now=q2) == ["2026-04-01"]
    assert org.names(soql.format("LAST_MONTH"), now=q2) == ["2026-03-31"]
    assert org.names(soql.format("NEXT_MONTH"), now=q1) == ["2026-04-01"]
    assert org.names(soql.format("LAST_90_DAYS"), now=q2) == ["2026-01-01", "2026-03-31", "2026-04-01"]
