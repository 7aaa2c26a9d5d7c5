"""Run-wide values shared by every account of one generation: seed, size, scan time, the
usage months, and the storage encodings of dates and datetimes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from emulator.ids import make_id

USAGE_MONTHS = 15  # complete months of Product_Usage__c per series (M-14 .. M)
M = USAGE_MONTHS - 1  # index of the latest complete month in a series
CURRENT = USAGE_MONTHS  # index of the current, incomplete month (only some boundary cases)


def month_start(day: date, back: int) -> date:
    """The first day of the month ``back`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def fmt_date(day: date | None) -> str | None:
    """Storage form of a date ('YYYY-MM-DD')."""
    return None if day is None else day.isoformat()


@dataclass(frozen=True)
class GenContext:
    """What every account's generation needs to know about the run.

    Args:
        seed: the org's seed (same seed + same ``now`` -> same org).
        accounts: number of accounts in the org.
        now: the scan time the truth is computed for (UTC).
        pricebook_id: the standard price book's Id (the store's own when it has one).
    """

    seed: int
    accounts: int
    now: datetime
    pricebook_id: str = field(default_factory=lambda: make_id("01s", 0))

    def __post_init__(self) -> None:
        if self.accounts < 0:
            raise ValueError("accounts must be >= 0")
        if self.now.tzinfo is None:
            object.__setattr__(self, "now", self.now.replace(tzinfo=UTC))
        object.__setattr__(self, "now", self.now.astimezone(UTC).replace(microsecond=0))

    @cached_property
    def today(self) -> date:
        return self.now.date()

    @cached_property
    def months(self) -> tuple[date, ...]:
        """First days of M-14 .. M (indexes 0..14) and of the current month (index 15)."""
        return tuple(month_start(self.today, USAGE_MONTHS - k) for k in range(USAGE_MONTHS + 1))

    @cached_property
    def usage_stamps(self) -> tuple[tuple[str, str], ...]:
        """(Period_Start__c, CreatedDate) of each usage month: a month's row is loaded on the
        2nd of the next month; the current month's row today."""
        months = self.months
        out = [(months[k].isoformat(), f"{(months[k + 1] + timedelta(days=1)).isoformat()}T03:00:00.000+0000")
               for k in range(USAGE_MONTHS)]
        return (*out, (months[CURRENT].isoformat(), self.stamp(0, 3 * 3600)))

    def day(self, days_ago: int) -> date:
        """The date ``days_ago`` days before today (negative: in the future)."""
        return self.today - timedelta(days=days_ago)

    def stamp(self, days_ago: int, seconds: int = 36000) -> str:
        """Storage datetime ``days_ago`` days before today at ``seconds`` after midnight UTC,
        never later than ``now`` (a record created today cannot be from the future)."""
        moment = datetime.combine(self.day(days_ago), datetime.min.time(), UTC) + timedelta(seconds=seconds)
        moment = min(moment, self.now)
        return f"{moment.date().isoformat()}T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.000+0000"
