"""Formatting shared by the documents (re-exported from ``detection.formatting``, which
the detection modules use too, so importing them never pulls in the documents)."""

from detection.formatting import (
    DRAFT_BANNER,
    WIDTH,
    bullet,
    contact_label,
    heading,
    iso,
    join_lines,
    money,
    month_label,
    pct,
    wrap,
)

__all__ = [
    "DRAFT_BANNER",
    "WIDTH",
    "bullet",
    "contact_label",
    "heading",
    "iso",
    "join_lines",
    "money",
    "month_label",
    "pct",
    "wrap",
]
