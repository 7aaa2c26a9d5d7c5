"""``POST /webhooks/salesforce/outbound/<token>``: Salesforce Outbound Messages.

Outbound Messages carry no signature, so the endpoint is guarded by a secret path token
(``RADAR_OUTBOUND_TOKEN``, compared in constant time), the OrganizationId allow-list
(``RADAR_ALLOWED_ORG_IDS``) and TLS in front of the service. A wrong or missing token
answers **404** with the same envelope as an unknown URL, so the endpoint's existence is
not confirmed to a caller without the token; when no token is configured the endpoint
is disabled (404 for every call).

Salesforce retries until it gets the Ack and may deliver a notification twice and out of
order, so notification ids are remembered for 48 hours and a delivery made only of
duplicates is still acknowledged (enqueuing nothing) to stop the retries. The Ack is sent
only after the jobs are in Redis; if enqueueing fails the ids are forgotten again and the
answer is 503, so the retry is processed.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

from flask import Blueprint, Response, request

from integration.ids import to18
from service.metrics import EVENTS_ACCEPTED, EVENTS_DUPLICATE, JOBS_COALESCED, JOBS_ENQUEUED
from webhooks.errors import Rejection
from webhooks.outbound_xml import ACK_ENVELOPE, OutboundParseError, parse_outbound_message
from webhooks.runtime import counted, envelope_errors, read_body, runtime
from webhooks.sink import EVENTS_QUEUE, RecordEvent

bp = Blueprint("outbound", __name__)

XML_MEDIA_TYPES = ("text/xml", "application/soap+xml")
# Outbound Messages name neither create nor update.
OUTBOUND_CHANGE_TYPE = "UPSERT"
ENDPOINT = "outbound"


def _token_matches(token: str, expected: str | None) -> bool:
    if not expected:
        return False
    return hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))


@bp.post("/webhooks/salesforce/outbound/<token>")
@counted(ENDPOINT)
def receive_outbound_message(token: str) -> Response:
    """Verify, dedupe and enqueue an Outbound Message, then acknowledge it."""
    rt = runtime()
    if not _token_matches(token, rt.settings.outbound_path_token):
        raise Rejection(
            404,
            "bad_path_token",
            "The requested URL was not found on the server.",
        )
    if request.mimetype not in XML_MEDIA_TYPES:
        raise Rejection(
            415,
            "unsupported_media_type",
            f"Content-Type must be one of {', '.join(XML_MEDIA_TYPES)}",
            envelope_errors("headers", {"Content-Type": [f"got {request.mimetype or 'none'!r}"]}),
        )
    body = read_body()
    try:
        message = parse_outbound_message(body)
    except OutboundParseError as exc:
        raise Rejection(400, exc.reason, str(exc), envelope_errors("xml", exc.errors)) from exc
    if not rt.org_allowed(message.organization_id):
        raise Rejection(
            403,
            "org_not_allowed",
            "OrganizationId is not on the allow-list",
            envelope_errors("xml", {"OrganizationId": ["not allowed"]}),
        )

    received_at = datetime.fromtimestamp(rt.clock(), UTC)
    notifications = message.notifications
    claims = rt.outbound_ledger.claim([n.notification_id for n in notifications])
    fresh = [n for n, first in zip(notifications, claims, strict=True) if first]
    events = [
        RecordEvent(
            org_key=rt.settings.org_key,
            sobject=n.sobject,
            record_id=to18(n.record_id),
            change_type=OUTBOUND_CHANGE_TYPE,
            source="outbound",
            event_id=n.notification_id,
            received_at=received_at,
            changed_fields=tuple(name for name in n.fields if name != "Id"),
        )
        for n in fresh
        # A record deleted before delivery arrives without data; the back-sync sees it.
        if n.record_id
    ]
    try:
        result = rt.sink.submit(events)
    except Exception:
        rt.outbound_ledger.release([n.notification_id for n in fresh])
        raise
    rt.count(
        [
            (EVENTS_ACCEPTED, len(events), {"source": "outbound"}),
            (EVENTS_DUPLICATE, len(notifications) - len(fresh), {"source": "outbound"}),
            (JOBS_ENQUEUED, len(result.enqueued), {"queue": EVENTS_QUEUE}),
            (JOBS_COALESCED, len(result.coalesced), {"queue": EVENTS_QUEUE}),
        ],
    )
    return Response(ACK_ENVELOPE, status=200, content_type="text/xml; charset=utf-8")
