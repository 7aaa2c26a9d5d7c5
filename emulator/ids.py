"""Deterministic record ids for the emulated org: key prefix, a 2-character pod marker and a
base-62 sequence, made case-safe by the product's own id helpers (``integration.ids``)."""

from __future__ import annotations

from integration.ids import checksum_suffix, same_id, to18

__all__ = ["ORG_POD", "checksum_suffix", "make_id", "same_id", "to18"]

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ORG_POD = "5g"  # two characters after the key prefix in emulated ids (instance/pod marker)


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
