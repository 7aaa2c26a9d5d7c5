"""query/ and queryAll/ with paging: pages of min(2000, Sforce-Query-Options batchSize),
``nextRecordsUrl`` root-relative with a server-side locator
(https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm:
batchSize 200..2000, default 2000, not guaranteed)."""

from __future__ import annotations

import re
from typing import Any

from emulator.api import ROUTER, ApiCall, ApiResponse
from emulator.errors import ApiError
from emulator.store import fill_version

DEFAULT_BATCH = 2000
_BATCH_RE = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)


def batch_size(call: ApiCall) -> int:
    """The page size asked for with Sforce-Query-Options, clamped to 200..2000."""
    header = call.header("Sforce-Query-Options") or ""
    found = _BATCH_RE.search(header)
    if not found:
        return DEFAULT_BATCH
    return min(max(int(found.group(1)), 200), DEFAULT_BATCH)


def prepare_query(call: ApiCall, soql: str, include_deleted: bool) -> Any:
    """Prepare SOQL with the emulator's clock; SoqlError becomes 400 with its error code."""
    from emulator.soql import SoqlError, prepare

    try:
        return prepare(soql, call.org.schema, now=call.org.clock.now(),
                       include_deleted=include_deleted, tz=call.org.store.time_zone)
    except SoqlError as error:
        raise ApiError(400, error.error_code, error.message) from None


def _page(call: ApiCall, cursor_id: str | None, prepared: Any, total: int, start: int, size: int,
          include_deleted: bool) -> ApiResponse:
    records = [] if prepared.is_count else prepared.fetch(call.conn, start, size)
    for record in records:
        fill_version(record, call.version)
    body: dict[str, Any] = {"totalSize": total, "done": True, "records": records}
    end = start + len(records)
    if not prepared.is_count and end < total:
        if cursor_id is None:
            cursor_id = call.org.locators.add(prepared, total, size, include_deleted)
        endpoint = "queryAll" if include_deleted else "query"
        body["done"] = False
        body["nextRecordsUrl"] = call.url(f"{endpoint}/{cursor_id}-{end}")
    return ApiResponse(200, body)


def _start(call: ApiCall, include_deleted: bool) -> ApiResponse:
    soql = call.args.get("q")
    if not soql:
        raise ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
    prepared = prepare_query(call, soql, include_deleted)
    if call.args.get("columns", "").lower() == "true":
        from emulator.query_columns import column_metadata

        return ApiResponse(200, column_metadata(call.org.schema, soql))
    total = prepared.total(call.conn)
    return _page(call, None, prepared, total, 0, batch_size(call), include_deleted)


def _more(call: ApiCall, locator: str, offset: str, include_deleted: bool) -> ApiResponse:
    cursor = call.org.locators.get(locator)
    if cursor is None:
        raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    return _page(call, locator, cursor.prepared, cursor.total, int(offset), cursor.batch_size,
                 cursor.include_deleted)


@ROUTER.add("GET", r"query", "query")
def query(call: ApiCall) -> ApiResponse:
    """GET query/?q=."""
    return _start(call, include_deleted=False)


@ROUTER.add("GET", r"queryAll", "query")
def query_all(call: ApiCall) -> ApiResponse:
    """GET queryAll/?q= (deleted records included)."""
    return _start(call, include_deleted=True)


@ROUTER.add("GET", r"query/(?P<locator>01g[A-Za-z0-9]{12,15})-(?P<offset>\d+)", "query_more")
def query_more(call: ApiCall, locator: str, offset: str) -> ApiResponse:
    """GET query/{locator}-{offset}."""
    return _more(call, locator, offset, include_deleted=False)


@ROUTER.add("GET", r"queryAll/(?P<locator>01g[A-Za-z0-9]{12,15})-(?P<offset>\d+)", "query_more")
def query_all_more(call: ApiCall, locator: str, offset: str) -> ApiResponse:
    """GET queryAll/{locator}-{offset}."""
    return _more(call, locator, offset, include_deleted=True)
