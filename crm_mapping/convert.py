"""Lenient parsing of Salesforce values as real orgs return them, and serialising for writes.

Real orgs send numbers as strings ("1,200", "n/a"), dates with or without time, ids in 15
or 18 characters. Parsers never raise: a value they cannot read becomes None.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from integration.ids import to18

_BLANKS = frozenset({"", "n/a", "na", "none", "null", "-", "--", "nan", "#n/a"})
_TRUE = frozenset({"true", "1", "yes", "y", "t", "x", "checked"})
_FALSE = frozenset({"false", "0", "no", "n", "f", ""})
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    return str(value)


def number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "").replace("$", "").replace("%", "")
        if cleaned.lower() in _BLANKS:
            return None
        try:
            result = float(cleaned)
        except ValueError:
            return None
        return result if result == result else None  # NaN
    return None


def integer(value: Any) -> int | None:
    result = number(value)
    return None if result is None else int(round(result))


def boolean(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    lowered = str(value).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def parse_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def parse_datetime(value: Any) -> datetime | None:
    """Salesforce datetimes ("2026-10-01T12:00:00.000+0000", "...Z") as aware UTC datetimes."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str) or len(value) < 10:
        return None
    raw = value.strip()
    if raw.endswith("Z"):
        raw = raw[:-1] + "+00:00"
    elif len(raw) > 5 and raw[-5] in "+-" and raw[-3] != ":":
        raw = raw[:-2] + ":" + raw[-2:]  # +0000 -> +00:00 (fromisoformat wants the colon)
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@lru_cache(maxsize=1 << 16)
def _to18_cached(value: str) -> str:
    return to18(value)


def record_id(value: Any) -> str | None:
    """An id in its 18-character form; None when the value is not an id."""
    if not isinstance(value, str):
        return None
    length = len(value)
    if length == 18 or length == 15:
        if not _ALNUM.issuperset(value):
            return None
        return _to18_cached(value)
    return None


def split_multi(value: Any) -> tuple[str, ...]:
    """Multi-select picklists come joined by ';'."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(part.strip() for part in str(value).split(";") if part.strip())


def to_salesforce(value: Any, logical_type: str, length: int | None = None) -> Any:
    """A Python value in the wire format a write sends for a field of ``logical_type``."""
    if value is None:
        return None
    if logical_type == "datetime" and isinstance(value, date):
        moment = parse_datetime(value)
        assert moment is not None  # noqa: S101 - a date always converts
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    if logical_type == "date" and isinstance(value, date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if logical_type in ("currency", "number", "percent") and isinstance(value, int | float):
        return round(float(value), 2) if logical_type == "currency" else float(value)
    if logical_type == "integer" and isinstance(value, int | float):
        return int(value)
    if logical_type == "multipicklist" and isinstance(value, list | tuple | set | frozenset):
        return ";".join(str(v) for v in value)
    if isinstance(value, str) and length and len(value) > length:
        return value[:length]
    return value
