"""Formatting shared by every document: amounts like $12,345, ISO dates, wrapped lines.

Documents are written into Salesforce text fields that show a proportional font, so they
avoid aligned boxes and keep lines short; every function here is deterministic.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from datetime import date, datetime

WIDTH = 96  # longest line a document writes (Salesforce shows long text areas ~100 wide)
DRAFT_BANNER = "DRAFT — NOT SENT"


def money(amount: float | None) -> str:
    """$12,345 (whole dollars; "n/a" when unknown)."""
    if amount is None:
        return "n/a"
    value = round(amount)
    return f"-${-value:,}" if value < 0 else f"${value:,}"


def pct(ratio: float | None, digits: int = 0) -> str:
    """0.923 -> "92%" ("n/a" when unknown)."""
    if ratio is None:
        return "n/a"
    if digits == 0:  # the usual call: a fixed format spec is cheaper to apply
        return f"{ratio * 100:.0f}%"
    return f"{ratio * 100:.{digits}f}%"


def metric(value: float | None, kind: str) -> str:
    """A funnel number as reports print it: kind "pct", "money", "days", "int" or plain."""
    if value is None:
        return "n/a"
    if kind == "pct":
        return pct(value)
    if kind == "money":
        return money(value)
    if kind == "days":
        return f"{value:.1f} days"
    if kind == "int":
        return f"{int(value):,}"
    return f"{value:.1f}"


def iso(day: date | datetime | None) -> str:
    """ISO date (a datetime's date part); "n/a" when unknown."""
    if day is None:
        return "n/a"
    if isinstance(day, datetime):
        day = day.date()
    return day.isoformat()


def month_label(first_day: date) -> str:
    """ "2026-10" for the month starting on ``first_day``."""
    return f"{first_day.year:04d}-{first_day.month:02d}"


def wrap(text: str, indent: str = "", hanging: str | None = None,
         width: int | None = None) -> list[str]:
    """One paragraph as one soft-wrapped line (Salesforce wraps long text areas to the
    reader's window; a hard break at a fixed width shows as a sentence broken mid-way).
    ``width`` hard-wraps only where a caller needs fixed columns; ``hanging`` indents those
    continuation lines (default: indent)."""
    flat = " ".join(text.split())
    if width is None:
        return [f"{indent}{flat}" if flat else indent.rstrip()]
    lines = textwrap.wrap(
        flat,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent if hanging is None else hanging,
        break_long_words=True,
        break_on_hyphens=False,
    )
    return lines or [indent.rstrip()]


def bullet(text: str, indent: str = "", mark: str = "•") -> list[str]:
    """A bullet whose continuation lines line up under its text."""
    lead = f"{indent}{mark} "
    return wrap(text, lead, " " * len(lead))


def heading(title: str, underline: str = "=") -> list[str]:
    """A title and its underline."""
    return [title, underline * min(len(title), WIDTH)]


def join_lines(lines: Iterable[str]) -> str:
    """Lines -> text with one trailing newline and no trailing spaces."""
    return "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n"


def contact_label(name: str | None, title: str | None) -> str:
    """ "Dana Kim, VP Operations" (or a placeholder for the AE to fill)."""
    if not name:
        return "[to be identified]"
    return f"{name}, {title}" if title else name


_LABEL_WORDS = {"nps": "NPS", "qbr": "QBR"}


def signal_label(signal_type: str) -> str:
    """The catalog's Title Case label: "nps_promoter" -> "NPS Promoter"."""
    return " ".join(_LABEL_WORDS.get(w, w.capitalize()) for w in signal_type.split("_"))
