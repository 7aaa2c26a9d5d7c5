"""Salesforce record ids: the 15-character case-sensitive form and the 18-character
case-safe form with its 3-character checksum suffix.

The product compares and normalises ids with these helpers; the emulator builds its ids on
them too (``emulator.ids.make_id``), so there is one implementation of Salesforce's algorithm.
"""

from __future__ import annotations

_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def checksum_suffix(id15: str) -> str:
    """The 3 characters that make a 15-character id case-safe (Salesforce's algorithm).

    Raises:
        ValueError: ``id15`` is not 15 characters long.
    """
    if len(id15) != 15:
        raise ValueError(f"expected a 15-character id, got {id15!r}")
    suffix = ""
    for chunk in range(3):
        bits = 0
        for position in range(5):
            char = id15[chunk * 5 + position]
            if "A" <= char <= "Z":
                bits |= 1 << position
        suffix += _SUFFIX[bits]
    return suffix


def to18(record_id: str) -> str:
    """Return the 18-character form of a 15- or 18-character id.

    Raises:
        ValueError: ``record_id`` is neither 15 nor 18 characters long.
    """
    if len(record_id) == 18:
        return record_id[:15] + checksum_suffix(record_id[:15])
    if len(record_id) == 15:
        return record_id + checksum_suffix(record_id)
    raise ValueError(f"not a Salesforce id: {record_id!r}")


def same_id(a: str | None, b: str | None) -> bool:
    """Compare ids case-safely (15 vs 18 characters)."""
    if a is None or b is None:
        return a is b
    return to18(a) == to18(b)
