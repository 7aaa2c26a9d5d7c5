"""``SalesforceGateway``: the one door through which the service calls Salesforce.

It holds the authenticated client, the API budget, the call ledger and the retry policy.
Each gateway method sends exactly one HTTP request per attempt, so the ledger counts API
calls precisely (tests and benchmarks compare it with the planned minimum).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError

from integration.budget import ApiBudget, CallLedger
from integration.connection import Connection, make_session
from integration.errors import (
    ADMIN_HINTS,
    DEFAULT_SLEEP,
    Action,
    AuthenticationFailed,
    RetryPolicy,
    SalesforceFailure,
    classify,
    fail_fast,
)
from integration.own_writes import padded
from integration.token_cache import SharedTokenCache
from service.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
Record = dict[str, Any]

DOWNLOAD_CHUNK_BYTES = 1 << 20  # body chunk written to disk by download()
PAGE_SIZE = 2000  # REST query page: default and maximum batchSize (Sforce-Query-Options)
API_NAME = re.compile(r"^[A-Za-z0-9_.]+$")


def check_api_name(name: str) -> str:
    """Return ``name`` if it is a plain API name or parent path; raise otherwise.

    Field and object names go into SOQL as literals (they cannot be quoted), so anything
    else than letters, digits, ``_`` and ``.`` is refused before it reaches a query.
    """
    if not API_NAME.match(name):
        raise ValueError(f"not an API name: {name!r}")
    return name


def strip_attributes(record: dict[str, Any]) -> Record:
    """A REST record without ``attributes``, parents flattened likewise, children as lists."""
    out: Record = {}
    for key, value in record.items():
        if key == "attributes":
            continue
        if isinstance(value, dict):
            if "records" in value and "totalSize" in value:
                out[key] = value  # child subquery: resolved by the reader (may have more pages)
            else:
                out[key] = strip_attributes(value)
        else:
            out[key] = value
    return out


class SalesforceGateway:
    """Client + budget + ledger + retry policy.

    Args:
        connection: the authenticated client factory (re-authenticates on expiry).
        budget: decides before every metered call whether the run may spend it.
        ledger: calls by kind; a fresh one when None.
        policy: back-off for RETRY verdicts.
        sleep: how to wait between retries (``errors.no_sleep`` in tests).
        poll_sleep: how to wait between Bulk API job polls.
    """

    def __init__(self, connection: Connection, budget: ApiBudget,
                 ledger: CallLedger | None = None, policy: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = DEFAULT_SLEEP,
                 poll_sleep: Callable[[float], None] = time.sleep) -> None:
        self.connection = connection
        self.budget = budget
        self.ledger = ledger or CallLedger()
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.poll_sleep = poll_sleep
        self.server_time: datetime | None = None
        # Spans (org clock) of this gateway's write calls: see integration.own_writes.
        self.write_spans: list[tuple[datetime, datetime]] = []
        self._describes: dict[str, dict[str, Any]] = {}
        self.connection._on_auth = lambda: self.ledger.add("auth")
        hooks = self.connection.session.hooks.setdefault("response", [])
        hooks.append(self.budget.observe)
        hooks.append(self._observe_date)

    @classmethod
    def from_settings(cls, settings: Settings, *, session: requests.Session | None = None,
                      policy: RetryPolicy | None = None,
                      sleep: Callable[[float], None] = DEFAULT_SLEEP,
                      poll_sleep: Callable[[float], None] = time.sleep,
                      max_calls: int | None = None,
                      token_cache: SharedTokenCache | None = None) -> SalesforceGateway:
        """A gateway for the org of ``settings`` (nothing is sent until the first call);
        with ``token_cache`` it shares the org's OAuth token with other processes."""
        connection = Connection(settings.salesforce, session or make_session(settings.salesforce),
                                token_cache=token_cache)
        budget = ApiBudget(settings.api_budget_percent, max_calls=max_calls)
        return cls(connection, budget, policy=policy, sleep=sleep, poll_sleep=poll_sleep)

    # -- the one call path ---------------------------------------------------------------

    def _observe_date(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        value = response.headers.get("Date")
        if value:
            try:
                self.server_time = parsedate_to_datetime(value).astimezone(UTC)
            except (TypeError, ValueError):
                pass

    def _client(self) -> Salesforce:
        """The client, authenticating first when needed (transient auth errors retried)."""
        attempt = 0
        while True:
            try:
                return self.connection.client
            except AuthenticationFailed:
                raise
            except (requests.RequestException, SalesforceError) as exc:
                verdict = classify(exc)
                if verdict.action is not Action.RETRY or attempt + 1 >= self.policy.max_attempts:
                    raise fail_fast(verdict) from exc
                self.sleep(self.policy.delay(attempt))
                attempt += 1

    def call(self, kind: str, fn: Callable[[Salesforce], T], *,
             before_retry: Callable[[], None] | None = None) -> T:
        """Run ``fn(client)`` (exactly one HTTP request) under budget, retry and re-auth.

        Args:
            kind: ledger kind of the call (``budget.CALL_KINDS``).
            fn: sends one request with the client and returns its result.
            before_retry: run before each retry (e.g. re-check what a lost write did).
        Raises:
            BudgetExhausted: before sending, when the call would pass the budget.
            SalesforceFailure: FAIL_FAST verdicts and retries exhausted.
        """
        attempt = 0
        reauthenticated = False
        while True:
            client = self._client()
            self.budget.check()
            self.ledger.add(kind)
            self.budget.record_call()
            try:
                return fn(client)
            except (requests.RequestException, SalesforceError) as exc:
                verdict = classify(exc)
                if (verdict.action is Action.REAUTH and not reauthenticated
                        and self.connection.can_reauthenticate):
                    # One re-authentication per call: a second 401 means bad credentials.
                    reauthenticated = True
                    log.info("session expired; re-authenticating once and replaying")
                    self.connection.invalidate()
                    continue
                if verdict.action is Action.RETRY and attempt + 1 < self.policy.max_attempts:
                    delay = self.policy.delay(attempt)
                    log.info("transient %s on %s; retry %d in %.2fs", verdict.code, kind,
                             attempt + 1, delay)
                    self.sleep(delay)
                    attempt += 1
                    if before_retry is not None:
                        before_retry()
                    continue
                status = getattr(exc, "status", None)
                if verdict.action is Action.REAUTH:
                    raise SalesforceFailure(verdict.code, f"{verdict.message} — "
                                            f"{ADMIN_HINTS['INVALID_SESSION_ID']}", status) from exc
                raise fail_fast(verdict, status) from exc

    # -- REST helpers --------------------------------------------------------------------

    def query_page(self, soql: str, kind: str = "query_page",
                   batch_size: int = PAGE_SIZE, include_deleted: bool = False) -> dict[str, Any]:
        """The first page of a SOQL query (``GET query/?q=``; ``queryAll/`` with
        ``include_deleted``: deleted and archived rows too, one call as well)."""
        headers = {"Sforce-Query-Options": f"batchSize={batch_size}"}
        return self.call(kind, lambda sf: sf.query(soql, include_deleted=include_deleted,
                                                   headers=headers))

    def query_more(self, next_url: str, batch_size: int = PAGE_SIZE) -> dict[str, Any]:
        """The page behind ``nextRecordsUrl``."""
        headers = {"Sforce-Query-Options": f"batchSize={batch_size}"}
        return self.call("query_page",
                         lambda sf: sf.query_more(next_url, identifier_is_url=True,
                                                  headers=headers))

    def iter_pages(self, soql: str, batch_size: int = PAGE_SIZE,
                   max_pages: int = 1_000_000,
                   include_deleted: bool = False) -> Iterator[list[Record]]:
        """Each page of records of ``soql``, attributes stripped (bounded loop)."""
        page = self.query_page(soql, batch_size=batch_size, include_deleted=include_deleted)
        for _ in range(max_pages):
            yield [strip_attributes(r) for r in page.get("records", [])]
            if page.get("done", True) or not page.get("nextRecordsUrl"):
                return
            page = self.query_more(page["nextRecordsUrl"], batch_size=batch_size)
        raise SalesforceFailure("TOO_MANY_PAGES", f"more than {max_pages} pages for one query")

    def iter_records(self, soql: str, batch_size: int = PAGE_SIZE,
                     include_deleted: bool = False) -> Iterator[Record]:
        """Records of ``soql``, one page in memory at a time."""
        for page in self.iter_pages(soql, batch_size=batch_size,
                                    include_deleted=include_deleted):
            yield from page

    def count(self, soql: str) -> int:
        """``totalSize`` of a ``SELECT COUNT() ...`` query (one call)."""
        return int(self.query_page(soql, kind="count").get("totalSize", 0))

    def describe(self, sobject: str) -> dict[str, Any]:
        """``sobjects/{Obj}/describe``, cached for the gateway's lifetime."""
        key = check_api_name(sobject).lower()
        if key not in self._describes:
            self._describes[key] = self.call(
                "describe", lambda sf: sf.restful(f"sobjects/{sobject}/describe"))
        return self._describes[key]

    def prime_describes(self, describes: Mapping[str, Any]) -> None:
        """Seed the describe cache with results kept elsewhere (the Redis cache of the
        preflight), so a Bulk API read does not describe its object again."""
        for sobject, described in describes.items():
            if described:
                self._describes.setdefault(sobject.lower(), described)

    def rest(self, method: str, path: str, kind: str, *,
             before_retry: Callable[[], None] | None = None, **kwargs: Any) -> Any:
        """A JSON REST call relative to ``/services/data/vXX.X/`` (composite, jobs...)."""
        return self.call(kind, lambda sf: sf.restful(path, method=method, **kwargs),
                         before_retry=before_retry)

    def raw(self, method: str, path: str, kind: str, **kwargs: Any) -> requests.Response:
        """A call returning the raw response (Bulk API CSV bodies).

        Uses the client's ``_call_salesforce`` (simple-salesforce is pinned at 1.12.10) so
        the same exception mapping and Sforce-Limit-Info parsing apply.
        """
        return self.call(kind, lambda sf: sf._call_salesforce(  # noqa: SLF001
            method, sf.base_url + path, name=path, **kwargs))

    def download(self, path: str, kind: str, **kwargs: Any) -> tuple[str, Mapping[str, str]]:
        """GET ``path`` and write its body to a temporary file, chunk by chunk; the file's
        path and the response headers. The body is read inside the retried call, so a
        connection lost mid-body is retried like any other transient failure, and memory
        holds one chunk, not the body (a Bulk API result page can be hundreds of MB).
        The caller deletes the file.
        """
        def fetch(sf: Salesforce) -> tuple[str, Mapping[str, str]]:
            response = sf._call_salesforce(  # noqa: SLF001 - as in raw()
                "GET", sf.base_url + path, name=path, stream=True, **kwargs)
            handle, target = tempfile.mkstemp(prefix="radar-download-")
            try:
                with os.fdopen(handle, "wb") as out:
                    for chunk in response.iter_content(DOWNLOAD_CHUNK_BYTES):
                        out.write(chunk)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(target)
                raise
            finally:
                response.close()
            return target, response.headers

        return self.call(kind, fetch)

    def writing(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` (write calls) and remember its span on the org's clock."""
        self.ensure_authenticated()  # the token reply's Date sets the org's clock
        before = self.now()
        try:
            return fn()
        finally:
            self.write_spans.append(padded(before, self.now()))

    def ensure_authenticated(self) -> None:
        """Authenticate now if needed (unmetered), so ``user_id`` and ``now`` are the org's."""
        self._client()
        if self.server_time is None:
            self._read_org_clock()

    def _read_org_clock(self) -> None:
        """A token from the shared cache brings no response, so no ``Date`` header: read the
        org's clock from the Versions resource (``GET /services/data/``, which needs no
        authentication and counts toward no limit — REST API Developer Guide, "Versions")."""
        instance = self.connection.instance_url
        if not instance:
            return
        try:
            self.connection.session.get(instance + "/services/data/",
                                        headers={"Accept": "application/json"})
        except requests.RequestException as exc:
            log.info("could not read the org's clock: %s", exc)

    @property
    def user_id(self) -> str | None:
        """The integration user's id (known after authentication; None in session mode)."""
        return self.connection.user_id

    def now(self) -> datetime:
        """The org's clock as last seen in a response ``Date`` header (else ours)."""
        return self.server_time or datetime.now(UTC)
