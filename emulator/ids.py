"""Salesforce record ids: 3-character key prefix, 15-character case-sensitive form, and the
18-character case-safe form with its 3-character checksum suffix."""

from __future__ import annotations

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
ORG_POD = "5g"  # two characters after the key prefix in emulated ids (instance/pod marker)


def checksum_suffix(id15: str) -> str:
    """The 3 characters that make a 15-character id case-safe (Salesforce's algorithm)."""
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
    """Return the 18-character form of a 15- or 18-character id."""
    if len(record_id) == 18:
        return record_id[:15] + checksum_suffix(record_id[:15])
    if len(record_id) == 15:
        return record_id + checksum_suffix(record_id)
    raise ValueError(f"not a Salesforce id: {record_id!r}")


def make_id(key_prefix: str, sequence: int) -> str:
    """A deterministic 18-character id for the ``sequence``-th record of an object."""
    if len(key_prefix) != 3 or sequence < 0:
        raise ValueError("key prefix must be 3 characters and sequence non-negative")
    digits = ""
    value = sequence
    for _ in range(10):
        value, rem = divmod(value, 62)
        digits = _ALPHABET[rem] + digits
    if value:
        raise ValueError("sequence too large for a record id")
    return to18(key_prefix + ORG_POD + digits)


def same_id(a: str | None, b: str | None) -> bool:
    """Compare ids case-safely (15 vs 18 characters)."""
    if a is None or b is None:
        return a is b
    return to18(a) == to18(b)
