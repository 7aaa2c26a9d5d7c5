"""Signing and verification of JSON webhook bodies (Flow/Apex callouts, relayed CDC events).

The format, shared with the emulator's trigger delivery, copies stripe's webhooks
(stripe-python ``_webhook.py``): verify first, then parse.

- ``X-Radar-Timestamp: <unix seconds>``
- ``X-Radar-Signature: v1=<hex>[,v1=<hex>...]`` — HMAC-SHA256, keyed by a shared secret,
  over ``f"{timestamp}.".encode() + raw_body``. Several ``v1=`` entries let a sender sign
  with old and new secret while a rotation is in flight; the receiver accepts a match
  against any of its configured secrets (``RADAR_WEBHOOK_SECRETS``).
- The timestamp must lie within ``tolerance`` seconds of the receiver's clock, so a
  captured request cannot be replayed later (replays inside the window are caught by the
  event-id ledger).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

TIMESTAMP_HEADER = "X-Radar-Timestamp"
SIGNATURE_HEADER = "X-Radar-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300

_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")
_HEX_SIGNATURE_RE = re.compile(r"[0-9a-f]{64}")
# A header listing thousands of candidates would make verification quadratic-ish in work.
_MAX_SIGNATURES = 8


class SignatureVerificationError(ValueError):
    """The request is not signed by a current secret; ``reason`` is a metric label."""

    def __init__(self, reason: str, message: str, header: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.header = header


def compute_signature(body: bytes, secret: str, timestamp: int) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}." + body`` keyed by ``secret``."""
    message = f"{timestamp}.".encode("ascii") + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str | Sequence[str], timestamp: int) -> dict[str, str]:
    """Headers that make ``body`` verifiable.

    Args:
        body: the exact bytes that will be sent.
        secret: one secret, or several (each gets a ``v1=`` entry, for rotation).
        timestamp: unix seconds the receiver will check against its clock.

    Returns:
        ``{"X-Radar-Timestamp": ..., "X-Radar-Signature": "v1=..."}``.
    """
    secrets = [secret] if isinstance(secret, str) else list(secret)
    if not secrets:
        raise ValueError("at least one secret is needed to sign")
    signatures = ",".join(f"{SCHEME}={compute_signature(body, s, timestamp)}" for s in secrets)
    return {TIMESTAMP_HEADER: str(int(timestamp)), SIGNATURE_HEADER: signatures}


def _candidates(signature_header: str) -> list[str]:
    found: list[str] = []
    for part in signature_header.split(",")[:_MAX_SIGNATURES]:
        scheme, _, value = part.strip().partition("=")
        value = value.lower()
        # Unknown schemes are skipped (a future v2 can be sent alongside v1).
        if scheme == SCHEME and _HEX_SIGNATURE_RE.fullmatch(value):
            found.append(value)
    return found


def verify(
    body: bytes,
    timestamp_header: str | None,
    signature_header: str | None,
    secrets: Sequence[str],
    *,
    now: float,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> int:
    """Check the signature of ``body`` before anything parses it.

    Args:
        body: the raw request body.
        timestamp_header: value of ``X-Radar-Timestamp`` (None when absent).
        signature_header: value of ``X-Radar-Signature`` (None when absent).
        secrets: every secret currently accepted (old and new during a rotation).
        now: the receiver's clock, unix seconds.
        tolerance: largest accepted distance between ``now`` and the timestamp, seconds.

    Returns:
        The verified timestamp.

    Raises:
        SignatureVerificationError: missing or malformed headers, a timestamp outside the
            tolerance window, or no ``v1`` signature matching any secret.
    """
    if not secrets:
        raise ValueError("no webhook secrets configured")
    if not timestamp_header:
        raise SignatureVerificationError(
            "missing_timestamp", f"{TIMESTAMP_HEADER} header is required", TIMESTAMP_HEADER
        )
    if not _TIMESTAMP_RE.fullmatch(timestamp_header.strip()):
        raise SignatureVerificationError(
            "bad_timestamp", f"{TIMESTAMP_HEADER} must be unix seconds", TIMESTAMP_HEADER
        )
    timestamp = int(timestamp_header.strip())
    if abs(now - timestamp) > tolerance:
        raise SignatureVerificationError(
            "stale_timestamp",
            f"timestamp is outside the {tolerance} s tolerance window",
            TIMESTAMP_HEADER,
        )
    if not signature_header:
        raise SignatureVerificationError(
            "missing_signature", f"{SIGNATURE_HEADER} header is required", SIGNATURE_HEADER
        )
    candidates = _candidates(signature_header)
    if not candidates:
        raise SignatureVerificationError(
            "bad_signature", f"{SIGNATURE_HEADER} holds no {SCHEME}=<hex> entry", SIGNATURE_HEADER
        )
    matched = False
    # Compare against every secret without returning early: the timing then does not tell
    # which secret (or which position) matched.
    for secret in secrets:
        expected = compute_signature(body, secret, timestamp).encode("ascii")
        for candidate in candidates:
            matched |= hmac.compare_digest(expected, candidate.encode("ascii"))
    if not matched:
        raise SignatureVerificationError(
            "bad_signature", "no signature matches a current secret", SIGNATURE_HEADER
        )
    return timestamp
