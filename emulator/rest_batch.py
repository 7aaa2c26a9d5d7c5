"""Composite Batch (``POST composite/batch``): up to 25 independent subrequests, each in its
own transaction, answered ``{"hasErrors", "results": [{"statusCode", "result"}]}``; with
``haltOnError`` the ones after a failure answer 412 BATCH_PROCESSING_HALTED
(https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_batch.htm).
Subrequest urls are relative to /services/data/ (``v59.0/sobjects/Account/001...``).
"""

from __future__ import annotations

from typing import Any

from emulator.api import ROUTER, ApiCall, ApiResponse, run_subrequest
from emulator.errors import ApiError

MAX_BATCH = 25
_HALTED = [{"errorCode": "BATCH_PROCESSING_HALTED",
            "message": "Batch processing halted per request"}]


def _url(raw: str) -> str:
    url = raw.strip()
    if url.startswith("/services/data/"):
        return url
    return "/services/data/" + url.lstrip("/")


@ROUTER.add("POST", r"composite/batch", "composite", writes=True)
def composite_batch(call: ApiCall) -> ApiResponse:
    """Run each batch subrequest on its own (no references between them)."""
    body = call.json()
    requests_ = body.get("batchRequests") if isinstance(body, dict) else None
    if not isinstance(requests_, list) or not requests_:
        raise ApiError(400, "JSON_PARSER_ERROR", "batchRequests is required")
    if len(requests_) > MAX_BATCH:
        raise ApiError(400, "INVALID_API_INPUT", f"A batch may hold at most {MAX_BATCH} subrequests")
    halt = bool(body.get("haltOnError", False))
    results: list[dict[str, Any]] = []
    failed = False
    for sub in requests_:
        if failed and halt:
            results.append({"statusCode": 412, "result": _HALTED})
            continue
        if not isinstance(sub, dict):
            raise ApiError(400, "JSON_PARSER_ERROR", "Each batch request is an object")
        try:
            response = run_subrequest(call, str(sub.get("method", "GET")).upper(), _url(str(sub.get("url", ""))),
                                      sub.get("richInput"), None)
        except ApiError as error:
            response = ApiResponse(error.status, error.body())
        results.append({"statusCode": response.status, "result": response.body})
        failed = failed or response.status >= 400
    return ApiResponse(200, {"hasErrors": any(r["statusCode"] >= 400 for r in results), "results": results})
