"""The Metadata REST deploy: ``POST /services/data/vXX.X/metadata/deployRequest`` (multipart:
the zip as ``file``, the options as JSON ``{"deployOptions": {...}}`` in the ``json`` part,
which jsforce names ``entity_content``) and ``GET .../deployRequest/{id}[?includeDetails=true]``
(https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_rest_deploy.htm).
The Salesforce CLI uses it when ``SF_ORG_METADATA_REST_DEPLOY=true``.
"""

from __future__ import annotations

import email
import email.policy
import json
from typing import Any

from emulator.api import ROUTER, ApiCall, ApiResponse
from emulator.errors import ApiError

_ID = r"(?P<job_id>0Af[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)"


def _parts(call: ApiCall) -> tuple[dict[str, Any], bytes]:
    content_type = call.header("Content-Type") or ""
    if not content_type.lower().startswith("multipart/"):
        raise ApiError(400, "INVALID_MULTIPART_REQUEST", "A deploy request is multipart/form-data: file and json")
    message = email.message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + call.raw_body,
                                       policy=email.policy.HTTP)
    options: dict[str, Any] = {}
    zip_bytes = b""
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition") or ""
        payload = part.get_payload(decode=True) or b""
        if name in ("json", "entity_content") or part.get_content_type() == "application/json":
            try:
                options = json.loads(payload or b"{}").get("deployOptions") or {}
            except (ValueError, AttributeError):
                raise ApiError(400, "JSON_PARSER_ERROR", "The json part is not a JSON object") from None
        elif name == "file" or part.get_content_type() == "application/zip":
            zip_bytes = payload
    if not zip_bytes:
        raise ApiError(400, "INVALID_MULTIPART_REQUEST", "The deploy request has no zip file part")
    return options, zip_bytes


def _body(call: ApiCall, job: Any, include_details: bool) -> dict[str, Any]:
    return {"id": job.id, "validatedDeployRequestId": None, "deployOptions": job.options,
            "url": call.url(f"metadata/deployRequest/{job.id}"), "deployResult": job.result(include_details)}


@ROUTER.add("POST", r"metadata/deployRequest", "metadata_rest")
def deploy_request(call: ApiCall) -> ApiResponse:
    """Start a deploy (201 with the request's id and its first status)."""
    options, zip_bytes = _parts(call)
    job = call.org.deploys.start(zip_bytes, options, call.user_id)
    return ApiResponse(201, _body(call, job, False))


@ROUTER.add("GET", rf"metadata/deployRequest/{_ID}", "metadata_rest")
def deploy_status(call: ApiCall, job_id: str) -> ApiResponse:
    """A deploy's status (details with ``includeDetails=true``)."""
    job = call.org.deploys.get(job_id)
    if job is None:
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
    return ApiResponse(200, _body(call, job, call.args.get("includeDetails", "").lower() == "true"))
