"""The one error policy for everything that talks to Salesforce.

Every failure — an HTTP error, a Salesforce ``errorCode``, a ``requests`` exception, or a
per-record error inside an sObject Collections / Bulk API result — is classified into one
of four actions:

- ``RETRY``: transient; the same call (or the same records) is tried again with bounded
  exponential back-off and full jitter (`RetryPolicy`).
- ``REAUTH``: the session token expired (401 INVALID_SESSION_ID); authenticate once more
  and replay the call.
- ``FAIL_FAST``: retrying cannot help; the run stops with a message that tells an admin
  what to do (`SalesforceFailure`).
- ``RECORD``: one record is invalid (validation codes); reported with the record id,
  field and message, never retried, and never sinks the rest of its batch.

Why each retryable code is retryable:
- HTTP 503 / SERVER_UNAVAILABLE: Salesforce answers 503 when the instance is overloaded or
  in maintenance; the request was not processed ("Status Codes and Error Responses", REST
  API Developer Guide). airbyte source-salesforce also retries every 5xx
  (source_salesforce/rate_limiting.py, ``interpret_response``).
- UNABLE_TO_LOCK_ROW: another transaction holds a lock on the row (or its parent, e.g.
  an Account while its children are written); locks are held only for the transaction,
  so a later attempt normally succeeds (Record Locking Cheat Sheet,
  https://resources.docs.salesforce.com/194/latest/en-us/sfdc/pdf/record_locking_cheatsheet.pdf).
- Timeouts, connection resets, truncated chunked bodies: network-level, the request may
  not have reached Salesforce; airbyte retries ConnectTimeout, ReadTimeout,
  ConnectionError and ChunkedEncodingError for the same reason. Writes stay safe under
  such replays because every write path is idempotent (see writer.py).
- HTTP 429 / 420 / 406 without a body: edge throttling, retried by airbyte as transient.
REQUEST_LIMIT_EXCEEDED is *not* retried: the daily allowance is a rolling 24-hour window,
so waiting seconds cannot help; the run checkpoints instead (budget.py).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import requests
from simple_salesforce.exceptions import SalesforceError


class Action(Enum):
    RETRY = "retry"
    REAUTH = "reauth"
    FAIL_FAST = "fail_fast"
    RECORD = "record"


@dataclass(frozen=True)
class Verdict:
    """What to do about one failure, and what to tell a person."""

    action: Action
    code: str
    message: str


class SalesforceFailure(Exception):
    """A failure retrying cannot fix. ``str(exc)`` is the admin-actionable message."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class AuthenticationFailed(SalesforceFailure):
    """The OAuth token endpoint refused our credentials."""


# Transient conditions. Kept in one table so the reason sits next to the code.
RETRYABLE_CODES: frozenset[str] = frozenset(
    {
        "UNABLE_TO_LOCK_ROW",  # row lock held by another transaction: retry later
        "SERVER_UNAVAILABLE",  # instance overloaded / maintenance
        "SERVICE_UNAVAILABLE",
        "REQUEST_RUNNING_TOO_LONG",  # long-running request cancelled by the server
        "QUERY_TIMEOUT",  # query killed under load; the same query often passes again
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",  # record fine, rolled back because of another
    }
)
RETRYABLE_STATUSES: frozenset[int] = frozenset({406, 420, 429, 500, 502, 503, 504})

# Admin-actionable messages for codes that stop the run.
ADMIN_HINTS: Mapping[str, str] = {
    "REQUEST_LIMIT_EXCEEDED": (
        "The org's daily API allowance is used up (shared by every app). Wait for the rolling "
        "24-hour window to free calls, lower other integrations' usage, or buy more API calls; "
        "lower RADAR_API_BUDGET_PERCENT so Expansion Radar stops before the limit."
    ),
    "INVALID_FIELD": (
        "A mapped field does not exist or is not visible to the integration user. Check the "
        "field mapping (radar mapping) and the user's field-level security."
    ),
    "INVALID_TYPE": (
        "A mapped object does not exist or is not visible to the integration user. Check the "
        "mapping and the user's object permissions."
    ),
    "MALFORMED_QUERY": "A query was rejected; check the mapped field names and filters.",
    "INSUFFICIENT_ACCESS": (
        "The integration user lacks a permission. Grant read/edit on the mapped objects and "
        "fields (a permission set for the Expansion Radar user)."
    ),
    "INSUFFICIENT_ACCESS_OR_READONLY": (
        "The integration user cannot edit this record or field. Grant edit access or share "
        "the records with the Expansion Radar user."
    ),
    "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY": (
        "The integration user cannot see a referenced record (owner, account, contact). "
        "Check sharing rules for the Expansion Radar user."
    ),
    "API_DISABLED_FOR_ORG": (
        "API access is disabled for this org or edition. Enable the API (Enterprise edition "
        "or higher) or the 'API Enabled' permission on the user's profile."
    ),
    "API_DISABLED_FOR_USER": "Give the integration user the 'API Enabled' permission.",
    "INVALID_SESSION_ID": (
        "The session is invalid and re-authentication did not help. Check SALESFORCE_AUTH and "
        "its credentials (or provide a fresh SALESFORCE_SESSION_ID)."
    ),
    "INVALID_LOGIN": "Salesforce rejected the login. Check SALESFORCE_USERNAME/PASSWORD.",
    "invalid_grant": (
        "Salesforce refused the grant. For JWT: is the user pre-authorized for the connected "
        "app and the certificate uploaded? For password: check username/password."
    ),
    "invalid_client": "Check SALESFORCE_CLIENT_ID / SALESFORCE_CLIENT_SECRET of the connected app.",
    "invalid_client_id": "Check SALESFORCE_CLIENT_ID (the connected app's consumer key).",
    "unsupported_grant_type": "Enable this OAuth flow on the connected app (SALESFORCE_AUTH).",
    "NOT_FOUND": "A resource was not found; check the API version (SALESFORCE_API_VERSION).",
}

HINT_PREFIXES = (("INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS"), ("API_DISABLED", "API_DISABLED_FOR_ORG"))

# Per-record validation codes: the record is wrong, the call was fine.
RECORD_CODES: frozenset[str] = frozenset(
    {
        "REQUIRED_FIELD_MISSING",
        "STRING_TOO_LONG",
        "DUPLICATE_VALUE",
        "DUPLICATES_DETECTED",
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "FIELD_INTEGRITY_EXCEPTION",
        "INVALID_CROSS_REFERENCE_KEY",
        "INVALID_EMAIL_ADDRESS",
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        "NUMBER_OUTSIDE_VALID_RANGE",
        "ENTITY_IS_DELETED",
        "INVALID_ID_FIELD",
        "MALFORMED_ID",
        "CANNOT_UPDATE_CONVERTED_LEAD",
        "ENTITY_IS_LOCKED",
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
        "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
    }
)


def _first_error(content: Any) -> tuple[str, str]:
    """(errorCode, message) from a Salesforce error body (JSON list, OAuth dict or text)."""
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        first = content[0]
        return str(first.get("errorCode") or first.get("statusCode") or ""), str(
            first.get("message", "")
        )
    if isinstance(content, Mapping):
        if "error" in content:  # OAuth: {"error": "invalid_grant", "error_description": ...}
            return str(content["error"]), str(content.get("error_description", ""))
        return str(content.get("errorCode", "")), str(content.get("message", ""))
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return "", str(content or "")[:500]


def classify_status(status: int, code: str, message: str) -> Verdict:
    """Classify one HTTP-level failure by status and Salesforce ``errorCode``."""
    if status == 401 and code in ("INVALID_SESSION_ID", ""):
        return Verdict(Action.REAUTH, code or "INVALID_SESSION_ID", message)
    if code in RETRYABLE_CODES:
        return Verdict(Action.RETRY, code, message)
    if code == "REQUEST_LIMIT_EXCEEDED":
        return Verdict(Action.FAIL_FAST, code, _hint(code, message))
    if status in RETRYABLE_STATUSES:
        return Verdict(Action.RETRY, code or f"HTTP_{status}", message)
    if code in RECORD_CODES:
        return Verdict(Action.RECORD, code, message)
    return Verdict(Action.FAIL_FAST, code or f"HTTP_{status}", _hint(code, message))


def _hint(code: str, message: str) -> str:
    hint = ADMIN_HINTS.get(code)
    if hint is None:
        hint = next((ADMIN_HINTS[key] for prefix, key in HINT_PREFIXES if code.startswith(prefix)), None)
    return f"{message} — {hint}" if hint else message or code


def classify(error: BaseException) -> Verdict:
    """Classify any exception raised while calling Salesforce.

    Args:
        error: a simple-salesforce ``SalesforceError``, a ``requests`` exception, or a
            ``SalesforceFailure`` raised by our own code.
    Returns:
        The verdict; unknown errors fail fast (a bug should surface, not loop).
    """
    if isinstance(error, SalesforceFailure):
        return Verdict(Action.FAIL_FAST, error.code, error.message)
    if isinstance(error, SalesforceError):
        code, message = _first_error(error.content)
        return classify_status(int(error.status), code, message)
    if isinstance(error, requests.exceptions.SSLError):
        # A ConnectionError subclass, but no retry can fix an untrusted certificate.
        return Verdict(Action.FAIL_FAST, "TLS_VERIFICATION_FAILED",
                       f"{str(error)[:200]} — the server's certificate is not trusted; set "
                       "SALESFORCE_CA_BUNDLE to the CA that signed it (never disable verification)")
    if isinstance(
        error,
        requests.Timeout
        | requests.ConnectionError
        | requests.exceptions.ChunkedEncodingError
        | requests.exceptions.ContentDecodingError,
    ):
        return Verdict(Action.RETRY, type(error).__name__, str(error)[:300])
    if isinstance(error, requests.HTTPError) and error.response is not None:
        return classify_response(error.response)
    return Verdict(Action.FAIL_FAST, type(error).__name__, str(error)[:300])


def classify_response(response: requests.Response) -> Verdict:
    """Classify a non-2xx ``requests.Response`` (used for raw calls, e.g. Bulk CSV, OAuth)."""
    try:
        content: Any = response.json()
    except ValueError:
        content = response.text
    code, message = _first_error(content)
    return classify_status(response.status_code, code, message)


def record_action(status_code: str) -> Action:
    """RETRY or RECORD for one per-record error code inside a collection/bulk result."""
    return Action.RETRY if status_code in RETRYABLE_CODES else Action.RECORD


def fail_fast(verdict: Verdict, status: int | None = None) -> SalesforceFailure:
    """The exception that stops a run for a FAIL_FAST (or exhausted RETRY) verdict."""
    return SalesforceFailure(verdict.code, verdict.message, status)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential back-off with full jitter.

    delay(n) = uniform(0, min(max_delay, base_delay * 2**n)) for attempt n = 0, 1, ...
    (AWS architecture blog "Exponential Backoff And Jitter": full jitter spreads clients
    that failed together). At most ``max_attempts`` tries in total.
    """

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_delay < 0 or self.max_delay < self.base_delay:
            raise ValueError("invalid retry policy")

    def delay(self, attempt: int, rng: Callable[[float, float], float] = random.uniform) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (0-based)."""
        return rng(0.0, min(self.max_delay, self.base_delay * (2**attempt)))

    def delays(self) -> Iterable[float]:
        """Upper bounds of the waits between attempts (for documentation and tests)."""
        return [min(self.max_delay, self.base_delay * 2**n) for n in range(self.max_attempts - 1)]


def no_sleep(_: float) -> None:
    """A sleep that returns at once (tests, benchmarks against the local emulator)."""


DEFAULT_SLEEP: Callable[[float], None] = time.sleep
