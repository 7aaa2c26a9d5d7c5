"""One error taxonomy for every process: what kind of failure an exception is, whether
retrying can help, the exit code a command ends with, and the one line that tells an
operator what to fix.

``errors.classify`` decides retry / re-auth / fail for one Salesforce call; this module
extends that decision to everything around it — settings, Redis, the OAuth login, the
mapping preflight — so the CLI, the RQ workers and the admin pages tell one story:

=============== ==== ======= ==========================================================
kind            exit retried examples
=============== ==== ======= ==========================================================
configuration   2    no      a malformed variable, a bad login URL, an untrusted
                             certificate, refused credentials, a mapping naming a field
                             the org lacks
permission      2    no      the integration user lacks an object, field or API
                             permission
unreachable     3    yes     Redis or Salesforce does not answer (network, DNS, 5xx)
failure         1    yes     anything else (retried as before: it may be transient)
=============== ==== ======= ==========================================================

Configuration and permission problems cannot heal by themselves: retrying them costs API
calls and delays the moment an operator sees them, so they fail at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

import redis
import requests

from integration.errors import AuthenticationFailed, SalesforceFailure, classify


class Kind(Enum):
    CONFIGURATION = "configuration"
    PERMISSION = "permission"
    UNREACHABLE = "unreachable"
    FAILURE = "failure"


EXIT_CODES: dict[Kind, int] = {Kind.FAILURE: 1, Kind.CONFIGURATION: 2, Kind.PERMISSION: 2,
                               Kind.UNREACHABLE: 3}


class OperatorError(Exception):
    """A failure whose message already names the fix (raised by our own checks)."""

    kind: Kind = Kind.CONFIGURATION

    def __init__(self, message: str, kind: Kind | None = None) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind


@dataclass(frozen=True)
class Problem:
    """What went wrong, in one line that names the fix, and what that means for a job."""

    kind: Kind
    message: str

    @property
    def retryable(self) -> bool:
        """Whether waiting and trying again can help."""
        return self.kind in (Kind.UNREACHABLE, Kind.FAILURE)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.kind]


# Salesforce codes an admin must act on (mapping, metadata, credentials): never retried.
CONFIGURATION_CODES = frozenset({
    "INVALID_FIELD", "INVALID_TYPE", "MALFORMED_QUERY", "INVALID_SESSION_ID", "INVALID_LOGIN",
    "TLS_VERIFICATION_FAILED", "MISSING_SETTING", "NOT_FOUND", "LOGIN_URL_NOT_FOUND",
    "BAD_TOKEN_RESPONSE",
})
OWN_CODES = frozenset({"MISSING_SETTING", "LOGIN_URL_NOT_FOUND"})
UNAVAILABLE_CODES = frozenset({"SERVER_UNAVAILABLE", "SERVICE_UNAVAILABLE"})
PERMISSION_PREFIXES = ("INSUFFICIENT_ACCESS", "API_DISABLED")
# Names of exceptions the retry loop gives up on after its attempts (errors.classify RETRY).
NETWORK_CODES = frozenset({"ConnectionError", "ConnectTimeout", "ReadTimeout", "Timeout",
                           "ChunkedEncodingError", "ContentDecodingError", "SSLError"})

CA_BUNDLE_FIX = ("the server's certificate is not trusted — set SALESFORCE_CA_BUNDLE to the "
                 "CA file that signed it (the emulator writes it to its env file)")


def one_line(text: str, limit: int = 400) -> str:
    """``text`` on one line, at most ``limit`` characters."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def redact_url(url: str) -> str:
    """A URL without the password it may carry."""
    return re.sub(r"//[^@/]*@", "//***@", url)


def _host(error: requests.RequestException) -> str:
    request = getattr(error, "request", None)
    url = getattr(request, "url", None) or ""
    match = re.match(r"https?://[^/]+", url)
    return match.group(0) if match else "Salesforce"


def diagnose(error: BaseException) -> Problem:
    """The kind of ``error`` and one line naming the fix.

    Args:
        error: any exception a command or job ended with.
    Returns:
        A `Problem`; unknown errors are ``Kind.FAILURE`` with the exception's own text.
    """
    from service.settings import SettingsError  # noqa: PLC0415 - service depends on us

    if isinstance(error, OperatorError | SettingsError):
        kind = getattr(error, "kind", Kind.CONFIGURATION)
        return Problem(kind, one_line(str(error)))
    if isinstance(error, redis.exceptions.AuthenticationError):
        return Problem(Kind.CONFIGURATION,
                       f"Redis refused the credentials ({one_line(str(error), 120)}) — check "
                       "the user and password in REDIS_URL")
    if isinstance(error, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return Problem(Kind.UNREACHABLE, f"Redis does not answer ({one_line(str(error), 160)}) "
                                         "— start Redis or point REDIS_URL at one that runs")
    if isinstance(error, requests.exceptions.SSLError):
        return Problem(Kind.CONFIGURATION, f"TLS to {_host(error)} failed: {CA_BUNDLE_FIX}")
    if isinstance(error, requests.ConnectionError | requests.Timeout):
        return Problem(Kind.UNREACHABLE,
                       f"Salesforce at {_host(error)} could not be reached "
                       f"({type(error).__name__}) — check SALESFORCE_LOGIN_URL / "
                       "SALESFORCE_INSTANCE_URL and the network")
    if isinstance(error, SalesforceFailure):
        return _salesforce_problem(error)
    try:
        verdict = classify(error)  # simple-salesforce errors and requests.HTTPError
    except Exception:  # noqa: BLE001 - diagnosing must never raise
        verdict = None
    if verdict is not None and type(error).__module__.startswith(("simple_salesforce",
                                                                   "requests")):
        return _salesforce_problem(SalesforceFailure(verdict.code, verdict.message))
    return Problem(Kind.FAILURE, one_line(f"{type(error).__name__}: {error}"))


def _salesforce_problem(error: SalesforceFailure) -> Problem:
    code = error.code
    message = one_line(f"Salesforce {code}: {error.message}")
    if code == "TLS_VERIFICATION_FAILED":
        return Problem(Kind.CONFIGURATION, f"TLS to Salesforce failed: {CA_BUNDLE_FIX}")
    if code in NETWORK_CODES or code in UNAVAILABLE_CODES or code.startswith("HTTP_5"):
        return Problem(Kind.UNREACHABLE, one_line(
            f"Salesforce could not be reached ({code}: {error.message}", 300)
            + ") — check SALESFORCE_LOGIN_URL / SALESFORCE_INSTANCE_URL and the network")
    if code in OWN_CODES:  # our own checks: the message already names the variable
        return Problem(Kind.CONFIGURATION, one_line(error.message))
    if isinstance(error, AuthenticationFailed):
        return Problem(Kind.CONFIGURATION, one_line(f"Salesforce refused the login ({code}): "
                                                    f"{error.message}"))
    if code in CONFIGURATION_CODES:
        return Problem(Kind.CONFIGURATION, message)
    if code.startswith(PERMISSION_PREFIXES):
        return Problem(Kind.PERMISSION, message)
    return Problem(Kind.FAILURE, message)
