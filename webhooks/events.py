"""``POST /webhooks/salesforce/events``: signed JSON from Flow/Apex callouts and relayed
Change Data Capture events.

Order of checks (stripe's: verify first, then parse): signature and timestamp over the raw
bytes (401), media type (415), JSON and schema (400), org allow-list when the body names
an org (403), replayed event id (409). Then one job per record is enqueued and the answer
is 202 ``{"eventId", "enqueued", "coalesced"}``.

Status codes: 401 for every signature failure (missing/malformed headers, stale
timestamp, no matching secret) with the reason in ``errors.headers``; 503 when no secret
is configured (the service cannot verify anything, which is its own fault, not the
sender's) or Redis is down.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request

from service.metrics import EVENTS_ACCEPTED, JOBS_COALESCED, JOBS_ENQUEUED
from webhooks.errors import Rejection
from webhooks.event_payloads import EventPayloadError, parse_event_body
from webhooks.runtime import counted, envelope_errors, read_body, runtime
from webhooks.signing import SignatureVerificationError, verify
from webhooks.sink import EVENTS_QUEUE, RecordEvent

bp = Blueprint("events", __name__)

ENDPOINT = "events"
JSON_MEDIA_TYPE = "application/json"


@bp.post("/webhooks/salesforce/events")
@counted(ENDPOINT)
def receive_event() -> tuple[Response, int]:
    """Verify, validate, de-replay and enqueue one signed event."""
    rt = runtime()
    if not rt.settings.webhook_secrets:
        raise Rejection(503, "not_configured", "RADAR_WEBHOOK_SECRETS is not configured")
    body = read_body("RADAR_EVENTS_MAX_BYTES")
    try:
        verify(
            body,
            request.headers.get("X-Radar-Timestamp"),
            request.headers.get("X-Radar-Signature"),
            rt.settings.webhook_secrets,
            now=rt.clock(),
        )
    except SignatureVerificationError as exc:
        raise Rejection(
            401, exc.reason, str(exc), envelope_errors("headers", {exc.header: [str(exc)]})
        ) from exc
    if request.mimetype != JSON_MEDIA_TYPE:
        raise Rejection(
            415,
            "unsupported_media_type",
            f"Content-Type must be {JSON_MEDIA_TYPE}",
            envelope_errors("headers", {"Content-Type": [f"got {request.mimetype or 'none'!r}"]}),
        )
    try:
        # Decoded strictly as UTF-8 first: json.loads(bytes) would also take UTF-16/32 and
        # a BOM, which RFC 8259 section 8.1 says senders must not use and the docs refuse.
        payload = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise Rejection(400, "invalid_json", "body is not valid UTF-8 JSON") from exc
    try:
        event = parse_event_body(payload)
    except EventPayloadError as exc:
        raise Rejection(
            400, "invalid_payload", "event body failed validation", {"json": exc.errors}
        ) from exc
    if event.org_id is not None and not rt.org_allowed(event.org_id):
        raise Rejection(
            403,
            "org_not_allowed",
            "orgId is not on the allow-list",
            envelope_errors("json", {"orgId": ["not allowed"]}),
        )
    received_at = datetime.fromtimestamp(rt.clock(), UTC)
    records = [
        RecordEvent(
            org_key=rt.settings.org_key,
            sobject=change.sobject,
            record_id=change.record_id,
            change_type=change.change_type,
            source=event.source,
            event_id=event.event_id,
            received_at=received_at,
            changed_fields=change.changed_fields,
        )
        for change in event.changes
    ]
    # The replay check and the jobs are one atomic step: a replay enqueues nothing, and a
    # failure leaves the id unclaimed so the sender's retry counts.
    result = rt.sink.submit(records, claim=rt.event_ledger.claim_of(event.event_id))
    if result.replayed:
        raise Rejection(
            409,
            "replayed_event",
            "this event id was already received",
            envelope_errors("json", {"eventId": [event.event_id]}),
        )
    rt.count(
        [
            (EVENTS_ACCEPTED, len(records), {"source": event.source}),
            (JOBS_ENQUEUED, len(result.enqueued), {"queue": EVENTS_QUEUE}),
            (JOBS_COALESCED, len(result.coalesced), {"queue": EVENTS_QUEUE}),
        ],
    )
    return (
        jsonify(
            eventId=event.event_id,
            enqueued=len(result.enqueued),
            coalesced=len(result.coalesced),
        ),
        202,
    )
