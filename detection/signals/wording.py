"""Small formatting helpers so evidence reads the same way in every signal family."""

from __future__ import annotations

from datetime import UTC, date, datetime

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def is_blank(value: str | None) -> bool:
    """True for None, "" and whitespace-only strings (how Salesforce shows an empty field)."""
    return value is None or not value.strip()


def utc_date(value: datetime) -> date:
    """The UTC calendar date of a datetime (naive datetimes are taken as UTC)."""
    tz = value.tzinfo
    if tz is None or tz is UTC:  # astimezone(UTC) of a UTC datetime is the datetime itself
        return value.date()
    return value.astimezone(UTC).date()


def month_index(day: date) -> int:
    """Months since year 0, so that M-1 is simply ``index - 1``."""
    return day.year * 12 + day.month - 1


# Answers of the formatters below, remembered: a scan formats the same few months and
# many repeated numbers for every account. Bounded; the answer is the same either way.
_MEMO_LIMIT = 4096
_MONTH_KEYS: dict[int, str] = {}
_MONTH_LABELS: dict[int, str] = {}
_NUMS: dict[float | int, str] = {}


def _remember(memo: dict, key: object, text: str) -> str:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = text
    return text


def month_key(index: int) -> str:
    """"2026-10" for a month index."""
    text = _MONTH_KEYS.get(index)
    if text is None:
        text = _remember(_MONTH_KEYS, index, f"{index // 12:04d}-{index % 12 + 1:02d}")
    return text


def month_label(index: int) -> str:
    """"Oct 2026" for a month index."""
    text = _MONTH_LABELS.get(index)
    if text is None:
        text = _remember(_MONTH_LABELS, index, f"{_MONTHS[index % 12]} {index // 12}")
    return text


def num(value: float | int | None) -> str:
    """1,350 / 12.5 / "n/a": numbers as a person writes them."""
    if value is None:
        return "n/a"
    text = _NUMS.get(value)
    if text is None:
        # equal numbers (12 and 12.0) read the same, so they may share an entry
        text = _remember(_NUMS, value, _num(value))
    return text


def _num(value: float | int) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def pct(ratio: float) -> str:
    """0.92 -> "92%", 0.299 -> "29.9%", 0.9231 -> "92.31%" (never rounds onto a boundary)."""
    text = f"{ratio * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def money(value: float | None) -> str:
    """$120,000."""
    return "n/a" if value is None else f"${value:,.0f}"
