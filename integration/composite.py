"""Many REST requests in one API call: ``POST composite``.

"Executes a series of REST API requests in a single call ... The entire series of requests
counts as a single call toward your API limits" (REST API Developer Guide, "Send Multiple
Requests Using Composite",
https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-composite-post.html).
A composite holds up to 25 subrequests, of which at most 5 may be queries (Query,
QueryAll, Query More) or sObject Collections (supported in composite since API 43.0), so
one call carries five 200-record collection writes (1,000 records) or five lookups.

``allOrNone`` stays false: each subrequest commits on its own and answers with its own
status, so one failing subrequest loses nothing of the others. Query subrequests whose
result has more pages, or that fail, are finished one by one through the gateway (its
retry policy applies there); collection subrequests that fail as a whole come back as
``SubResult`` errors for the caller to classify per record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from integration.contracts import RecordError
from integration.errors import SalesforceFailure
from integration.gateway import Record, SalesforceGateway, check_api_name, strip_attributes

MAX_SUBREQUESTS = 25
MAX_QUERY_OR_COLLECTION = 5  # per composite: Query/QueryAll/QueryMore + sObject Collections


@dataclass
class CollectionRequest:
    """One sObject Collections request to carry inside a composite.

    ``body()`` is called for every attempt (a lost reply may shrink what is left to send).
    """

    method: str
    path: str  # relative to /services/data/vXX.X/, e.g. composite/sobjects
    body: Callable[[], dict[str, Any]]


@dataclass
class SubResult:
    """A subrequest's answer: its HTTP status and body."""

    status: int
    body: Any = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def errors(self) -> tuple[RecordError, ...]:
        """The errors of a failed subrequest (``[{"errorCode","message","fields"}]``)."""
        items = self.body if isinstance(self.body, list) else [self.body]
        out = []
        for item in items:
            if isinstance(item, dict):
                out.append(RecordError(str(item.get("errorCode") or item.get("statusCode")
                                           or f"HTTP_{self.status}"),
                                       str(item.get("message", "")),
                                       tuple(item.get("fields") or ())))
        return tuple(out) or (RecordError(f"HTTP_{self.status}", "subrequest failed"),)


def _batches(items: Sequence[Any], size: int = MAX_QUERY_OR_COLLECTION) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _url(gateway: SalesforceGateway, path: str) -> str:
    version = gateway.connection.settings.api_version
    return f"/services/data/v{version}/{path}"


def _send(gateway: SalesforceGateway, build: Callable[[], list[dict[str, Any]]],
          before_retry: Callable[[], None] | None = None,
          kind: str = "composite") -> dict[str, SubResult]:
    """One ``POST composite`` (one API call, retried as a whole on transient failure);
    the answers by reference id. ``build`` runs once per attempt."""
    def send(sf: Any) -> dict[str, SubResult]:
        subrequests = build()
        if not subrequests:
            return {}
        reply = sf.restful("composite", method="POST",
                           json={"allOrNone": False, "compositeRequest": subrequests})
        answers = {str(a.get("referenceId")): a for a in (reply or {}).get("compositeResponse", [])}
        return {s["referenceId"]: SubResult(
            int(answers.get(s["referenceId"], {}).get("httpStatusCode", 500)),
            answers.get(s["referenceId"], {}).get("body")) for s in subrequests}

    return gateway.call(kind, send, before_retry=before_retry)


def composite_pages(gateway: SalesforceGateway, soqls: Sequence[str],
                    include_deleted: bool = False) -> list[dict[str, Any] | None]:
    """The first result page of each query (``totalSize``, ``records``, ``nextRecordsUrl``),
    five queries a composite call; None for a query the composite could not run."""
    endpoint = "queryAll" if include_deleted else "query"
    pages: list[dict[str, Any] | None] = []
    for batch in _batches(list(soqls)):
        subrequests = [{"method": "GET", "referenceId": f"q{i}",
                        "url": _url(gateway, f"{endpoint}/?q=" + quote(soql, safe=""))}
                       for i, soql in enumerate(batch)]
        answers = _send(gateway, lambda subs=subrequests: subs)
        for i in range(len(batch)):
            answer = answers.get(f"q{i}", SubResult(500))
            pages.append(answer.body if answer.ok and isinstance(answer.body, dict) else None)
    return pages


def composite_queries(gateway: SalesforceGateway, soqls: Sequence[str],
                      include_deleted: bool = False) -> list[list[Record]]:
    """The records of each SOQL query, five queries a call; attributes stripped.

    A query with more pages continues with ``query_more`` (one call a page, as any read);
    a query the composite could not run is run alone, so its error is classified (and
    retried or raised) by the gateway like any other read.
    """
    results: list[list[Record]] = []
    for soql, page in zip(soqls, composite_pages(gateway, soqls, include_deleted),
                          strict=True):
        if page is None:
            results.append(list(gateway.iter_records(soql, include_deleted=include_deleted)))
            continue
        rows = [strip_attributes(r) for r in page.get("records", [])]
        for _ in range(1_000_000):  # bounded: one page per call
            if page.get("done", True) or not page.get("nextRecordsUrl"):
                break
            page = gateway.query_more(page["nextRecordsUrl"])
            rows.extend(strip_attributes(r) for r in page.get("records", []))
        results.append(rows)
    return results


def composite_collections(gateway: SalesforceGateway, requests: Sequence[CollectionRequest],
                          before_retry: Callable[[Sequence[int]], None] | None = None,
                          ) -> list[SubResult]:
    """Send collection requests five a composite call; one ``SubResult`` per request.

    ``before_retry(indexes)`` runs before a composite is re-sent after a transient
    failure of the whole call, with the indexes (into ``requests``) it carried, so the
    caller can look up what a lost reply may have written before the bodies are rebuilt.
    A request whose ``body()`` has no records left is answered ``SubResult(200, [])``.
    """
    out: list[SubResult] = []
    indexes = list(range(len(requests)))
    for batch in _batches(indexes):
        def build(batch: Sequence[int] = batch) -> list[dict[str, Any]]:
            subs = []
            for i in batch:
                body = requests[i].body()
                if body.get("records"):
                    subs.append({"method": requests[i].method, "referenceId": f"c{i}",
                                 "url": _url(gateway, requests[i].path), "body": body})
            return subs

        def again(batch: Sequence[int] = batch) -> None:
            if before_retry is not None:
                before_retry(batch)

        # Ledger kind collection_write: the composite carries writes (reads are "composite").
        answers = _send(gateway, build, before_retry=again, kind="collection_write")
        # A request left out of the last attempt had nothing left to send.
        out.extend(answers.get(f"c{i}", SubResult(200, [])) for i in batch)
    return out


def composite_describes(gateway: SalesforceGateway, sobjects: Sequence[str],
                        missing_codes: frozenset[str] = frozenset({"NOT_FOUND", "INVALID_TYPE"}),
                        ) -> dict[str, dict[str, Any] | None]:
    """``sobjects/{Obj}/describe`` of each object, 25 to a composite call (describes are
    sObject resources, not queries, so the five-query cap does not apply).

    Returns None for an object the org does not have (an error code in ``missing_codes``).

    Raises:
        SalesforceFailure: any other refusal (a missing permission, a server error).
    """
    out: dict[str, dict[str, Any] | None] = {}
    names = [check_api_name(s) for s in sobjects]
    for batch in _batches(names, MAX_SUBREQUESTS):
        subrequests = [{"method": "GET", "referenceId": f"d{i}",
                        "url": _url(gateway, f"sobjects/{name}/describe")}
                       for i, name in enumerate(batch)]
        answers = _send(gateway, lambda subs=subrequests: subs)
        for i, name in enumerate(batch):
            answer = answers.get(f"d{i}", SubResult(500))
            if answer.ok and isinstance(answer.body, dict):
                out[name] = answer.body
                continue
            error = answer.errors()[0]
            if error.status_code not in missing_codes:
                raise SalesforceFailure(error.status_code, f"describe {name}: {error.message}",
                                        answer.status)
            out[name] = None
    return out
