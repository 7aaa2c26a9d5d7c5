"""Relative date literals (TODAY, LAST_N_DAYS:n, THIS_QUARTER, ...) as half-open day ranges.

Semantics from "Date Formats and Date Literals in WHERE":
https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
Points worth knowing, because the docs were wrong for years and orgs behave this way:
- LAST_N_DAYS:n and LAST_90_DAYS include today, so they cover n+1 days
  (https://salesforce.stackexchange.com/questions/190643/does-last-n-days1-include-today).
- NEXT_N_DAYS:n and NEXT_90_DAYS start tomorrow and cover n days.
- LAST_N_MONTHS:n / LAST_N_QUARTERS:n / LAST_N_YEARS:n / LAST_N_WEEKS:n cover the n whole
  periods before the current one (the current period is excluded); NEXT_N_* likewise after.
- Weeks start on Sunday (en_US locale); quarters are calendar quarters (fiscal year = calendar).
Ranges are computed in the org's time zone; against a datetime field they become the UTC
instants of local midnight.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

WEEK_START = 6  # Sunday (date.weekday(): Monday=0 ... Sunday=6)


def _add_months(day: date, months: int) -> date:
    """First day of the month ``months`` after the month of ``day``."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _week_start(day: date) -> date:
    return day - timedelta(days=(day.weekday() - WEEK_START) % 7)


def _days(start: int, count: int) -> Callable[[date], tuple[date, date]]:
    return lambda today: (today + timedelta(days=start), today + timedelta(days=start + count))


_FIXED: dict[str, Callable[[date], tuple[date, date]]] = {
    "TODAY": _days(0, 1),
    "YESTERDAY": _days(-1, 1),
    "TOMORROW": _days(1, 1),
    "LAST_90_DAYS": _days(-90, 91),
    "NEXT_90_DAYS": _days(1, 90),
    "THIS_WEEK": lambda t: (_week_start(t), _week_start(t) + timedelta(days=7)),
    "LAST_WEEK": lambda t: (_week_start(t) - timedelta(days=7), _week_start(t)),
    "NEXT_WEEK": lambda t: (_week_start(t) + timedelta(days=7), _week_start(t) + timedelta(days=14)),
    "THIS_MONTH": lambda t: (_month_start(t), _add_months(t, 1)),
    "LAST_MONTH": lambda t: (_add_months(t, -1), _month_start(t)),
    "NEXT_MONTH": lambda t: (_add_months(t, 1), _add_months(t, 2)),
    "THIS_QUARTER": lambda t: (_quarter_start(t), _add_months(_quarter_start(t), 3)),
    "LAST_QUARTER": lambda t: (_add_months(_quarter_start(t), -3), _quarter_start(t)),
    "NEXT_QUARTER": lambda t: (_add_months(_quarter_start(t), 3), _add_months(_quarter_start(t), 6)),
    "THIS_YEAR": lambda t: (date(t.year, 1, 1), date(t.year + 1, 1, 1)),
    "LAST_YEAR": lambda t: (date(t.year - 1, 1, 1), date(t.year, 1, 1)),
    "NEXT_YEAR": lambda t: (date(t.year + 1, 1, 1), date(t.year + 2, 1, 1)),
}


def _with_n(name: str, n: int, t: date) -> tuple[date, date] | None:
    week, quarter = _week_start(t), _quarter_start(t)
    ranges = {
        "LAST_N_DAYS": lambda: (t - timedelta(days=n), t + timedelta(days=1)),
        "NEXT_N_DAYS": lambda: (t + timedelta(days=1), t + timedelta(days=n + 1)),
        "N_DAYS_AGO": lambda: (t - timedelta(days=n), t - timedelta(days=n - 1)),
        "LAST_N_WEEKS": lambda: (week - timedelta(days=7 * n), week),
        "NEXT_N_WEEKS": lambda: (week + timedelta(days=7), week + timedelta(days=7 * (n + 1))),
        "LAST_N_MONTHS": lambda: (_add_months(t, -n), _month_start(t)),
        "NEXT_N_MONTHS": lambda: (_add_months(t, 1), _add_months(t, n + 1)),
        "LAST_N_QUARTERS": lambda: (_add_months(quarter, -3 * n), quarter),
        "NEXT_N_QUARTERS": lambda: (_add_months(quarter, 3), _add_months(quarter, 3 * (n + 1))),
        "LAST_N_YEARS": lambda: (date(t.year - n, 1, 1), date(t.year, 1, 1)),
        "NEXT_N_YEARS": lambda: (date(t.year + 1, 1, 1), date(t.year + 1 + n, 1, 1)),
    }
    build = ranges.get(name)
    return build() if build else None


def is_known(name: str, n: int | None) -> bool:
    """Whether ``name`` (with ``:n`` when n is given) is a supported date literal."""
    if n is None:
        return name in _FIXED
    return _with_n(name, n, date(2000, 1, 1)) is not None


def day_range(name: str, n: int | None, today: date) -> tuple[date, date]:
    """The literal's [first day, day after the last day) relative to ``today``."""
    if n is None:
        return _FIXED[name](today)
    found = _with_n(name, n, today)
    if found is None:
        raise KeyError(name)
    return found


def local_today(now: datetime, tz: str) -> date:
    """Today's date in the org time zone ``tz`` at instant ``now`` (naive means UTC)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(ZoneInfo(tz)).date()


def midnight_utc(day: date, tz: str) -> str:
    """Local midnight of ``day`` in ``tz`` as a stored datetime string (UTC)."""
    local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz))
    return format_datetime(local)


def format_datetime(value: datetime) -> str:
    """The storage / JSON form of a datetime: 'YYYY-MM-DDTHH:MM:SS.mmm+0000' in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"
