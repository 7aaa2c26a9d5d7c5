"""Validation of signed JSON event bodies into record changes (pure: dict in, values out).

Two shapes are accepted on ``POST /webhooks/salesforce/events``:

Callout (Flow HTTP Callout / Apex), one record::

    {"eventId": "evt-123", "orgId": "00D...", "object": "Account", "recordId": "001...",
     "changeType": "UPDATE", "changedFields": ["Tier__c"], "occurredAt": "2024-05-01T12:00:00Z",
     "fields": {"Tier__c": "T1"}}

Change Data Capture, one or several records (header fields from the CDC developer guide,
https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_event_fields_header.htm)::

    {"ChangeEventHeader": {"entityName": "Account", "recordIds": ["001..."],
     "changeType": "UPDATE", "changedFields": ["Name"], "commitTimestamp": 1714564800000,
     "transactionKey": "0002a1b3-...", "sequenceNumber": 1}, "Name": "Acme"}

``recordIds`` may hold a wildcard such as ``001*`` (custom field type conversions) and is
empty for ``GAP_OVERFLOW`` events; both are accepted and left to the scheduled back-sync.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from integration.ids import to18
from webhooks.outbound_xml import ORG_ID_RE, RECORD_ID_RE, SOBJECT_RE

CHANGE_TYPES = ("CREATE", "UPDATE", "DELETE", "UNDELETE")
GAP_TYPES = ("GAP_CREATE", "GAP_UPDATE", "GAP_DELETE", "GAP_UNDELETE", "GAP_OVERFLOW")
MAX_RECORD_IDS = 1000
MAX_CHANGED_FIELDS = 1000


def _whole(pattern: str, error: str) -> validate.Regexp:
    # marshmallow's Regexp uses re.match (a prefix match); anchor both ends, and use \Z
    # because $ would also accept a trailing newline.
    return validate.Regexp(rf"\A(?:{pattern})\Z", error=error)


_FIELD_NAME = _whole(r"[A-Za-z][A-Za-z0-9_.]{0,254}", "not a field API name")
_EVENT_ID = _whole(r"[A-Za-z0-9_.:-]{1,200}", "1-200 characters of A-Z a-z 0-9 _ . : -")
_RECORD_ID = _whole(rf"{RECORD_ID_RE.pattern}|[A-Za-z0-9]{{3}}\*", "not a record id")
_RECORD_ID_ONLY = _whole(RECORD_ID_RE.pattern, "not a record id")
_ORG_ID = _whole(ORG_ID_RE.pattern, "not a 00D... organization id")
_SOBJECT = _whole(SOBJECT_RE.pattern, "not an sObject API name")


class EventPayloadError(ValueError):
    """The body failed validation; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("event body failed validation")
        self.errors = errors


@dataclass(frozen=True)
class RecordChange:
    """One record change a webhook body described."""

    sobject: str
    record_id: str
    change_type: str
    changed_fields: tuple[str, ...]


@dataclass(frozen=True)
class EventBody:
    """A validated event body."""

    event_id: str
    source: str  # "callout" | "cdc"
    org_id: str | None
    changes: tuple[RecordChange, ...]


class CalloutEventSchema(Schema):
    """A Flow/Apex callout body describing one record change."""

    class Meta:
        unknown = EXCLUDE

    eventId = fields.String(required=True, validate=_EVENT_ID)
    orgId = fields.String(load_default=None, allow_none=True, validate=_ORG_ID)
    object = fields.String(required=True, validate=_SOBJECT)
    recordId = fields.String(required=True, validate=_RECORD_ID_ONLY)
    changeType = fields.String(required=True, validate=validate.OneOf(CHANGE_TYPES + GAP_TYPES))
    changedFields = fields.List(
        fields.String(validate=_FIELD_NAME),
        load_default=list,
        validate=validate.Length(max=MAX_CHANGED_FIELDS),
    )
    occurredAt = fields.DateTime(required=True)
    fields_ = fields.Dict(data_key="fields", load_default=dict)


class ChangeEventHeaderSchema(Schema):
    """``ChangeEventHeader`` of a Change Data Capture event."""

    class Meta:
        unknown = EXCLUDE

    entityName = fields.String(required=True, validate=_SOBJECT)
    recordIds = fields.List(
        fields.String(validate=_RECORD_ID),
        required=True,
        validate=validate.Length(max=MAX_RECORD_IDS),
    )
    changeType = fields.String(required=True, validate=validate.OneOf(CHANGE_TYPES + GAP_TYPES))
    changedFields = fields.List(
        fields.String(validate=_FIELD_NAME),
        load_default=list,
        validate=validate.Length(max=MAX_CHANGED_FIELDS),
    )
    commitTimestamp = fields.Integer(required=True, strict=True)
    transactionKey = fields.String(required=True, validate=_EVENT_ID)
    sequenceNumber = fields.Integer(load_default=None, allow_none=True, strict=True)

    @validates_schema
    def _record_ids_present(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("recordIds") and data.get("changeType") != "GAP_OVERFLOW":
            raise ValidationError("at least one record id is required", "recordIds")


class ChangeEventSchema(Schema):
    """A CDC event: the header plus the changed fields at the top level."""

    class Meta:
        unknown = EXCLUDE

    ChangeEventHeader = fields.Nested(ChangeEventHeaderSchema, required=True)
    orgId = fields.String(load_default=None, allow_none=True, validate=_ORG_ID)


_CALLOUT = CalloutEventSchema()
_CDC = ChangeEventSchema()


def _cdc_event_id(header: dict[str, Any]) -> str:
    # Several events of one transaction share the transaction key; sequenceNumber tells
    # them apart. Without it, the content identifies the event.
    if header.get("sequenceNumber") is not None:
        return f"{header['transactionKey']}:{header['sequenceNumber']}"
    content = "|".join([header["entityName"], header["changeType"], *sorted(header["recordIds"])])
    return f"{header['transactionKey']}:{hashlib.sha256(content.encode()).hexdigest()[:16]}"


def parse_event_body(payload: object) -> EventBody:
    """Validate a decoded JSON body.

    Raises:
        EventPayloadError: not an object, or a field failed validation.
    """
    if not isinstance(payload, dict):
        raise EventPayloadError({"_schema": ["body must be a JSON object"]})
    try:
        if "ChangeEventHeader" in payload:
            data = _CDC.load(payload)
        else:
            data = _CALLOUT.load(payload)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise EventPayloadError(messages) from exc
    if "ChangeEventHeader" in data:
        header = data["ChangeEventHeader"]
        changed = tuple(header["changedFields"])
        changes = tuple(
            RecordChange(header["entityName"], to18(record_id), header["changeType"], changed)
            for record_id in dict.fromkeys(header["recordIds"])
            if not record_id.endswith("*")
        )
        return EventBody(_cdc_event_id(header), "cdc", data["orgId"], changes)
    change = RecordChange(
        data["object"], to18(data["recordId"]), data["changeType"], tuple(data["changedFields"])
    )
    return EventBody(data["eventId"], "callout", data["orgId"], (change,))
