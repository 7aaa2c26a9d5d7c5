"""The two payloads a trigger delivers.

Outbound Message: the SOAP envelope Salesforce posts
(https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_wsdl.htm),
up to 100 notifications per message, acknowledged by ``<Ack>true</Ack>``.

Signed JSON callout (what a Flow/Apex HTTP callout of the product's design sends):
HMAC-SHA256 hex over ``f"{timestamp}.{body}"`` in ``X-Radar-Signature: v1=<hex>`` with
``X-Radar-Timestamp``; webhooks/ verifies exactly this format.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from xml.sax.saxutils import escape

from defusedxml import ElementTree

from emulator.schema import ObjectDef

MAX_NOTIFICATIONS = 100
SIGNATURE_HEADER = "X-Radar-Signature"
TIMESTAMP_HEADER = "X-Radar-Timestamp"


def _xml_value(value: Any, ftype: str) -> str:
    if ftype == "boolean":
        return "true" if value else "false"
    return escape(str(value))


def notification_xml(notification_id: str, obj: ObjectDef, record: dict[str, Any],
                     fields: tuple[str, ...] | None) -> str:
    """One ``<Notification>`` with the record's fields (null fields left out, as Salesforce does)."""
    names = [obj.field(f).name for f in fields] if fields else [f.name for f in obj.fields.values()]
    if "Id" not in names:
        names.insert(0, "Id")
    parts = []
    for name in names:
        value = record.get(name)
        if value is None:
            continue
        parts.append(f"<sf:{name}>{_xml_value(value, obj.field(name).type)}</sf:{name}>")
    return (f"<Notification><Id>{notification_id}</Id>"
            f'<sObject xsi:type="sf:{obj.name}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">'
            f"{''.join(parts)}</sObject></Notification>")


def outbound_envelope(org_id: str, action_id: str, instance_url: str, version: str,
                      notifications: list[str]) -> str:
    """The SOAP envelope of one Outbound Message (SessionId nil: no session is sent)."""
    if len(notifications) > MAX_NOTIFICATIONS:
        raise ValueError("an Outbound Message carries at most 100 notifications")
    org15 = org_id[:15]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">'
        f"<OrganizationId>{org_id}</OrganizationId><ActionId>{action_id}</ActionId>"
        '<SessionId xsi:nil="true"/>'
        f"<EnterpriseUrl>{escape(instance_url)}/services/Soap/c/{version}/{org15}</EnterpriseUrl>"
        f"<PartnerUrl>{escape(instance_url)}/services/Soap/u/{version}/{org15}</PartnerUrl>"
        f"{''.join(notifications)}</notifications></soapenv:Body></soapenv:Envelope>")


def is_acknowledged(body: bytes) -> bool:
    """True when a SOAP answer carries ``<Ack>true</Ack>``."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return False
    return any(el.tag.rpartition("}")[2] == "Ack" and (el.text or "").strip().lower() == "true"
               for el in root.iter())


def sign(secret: str, timestamp: str, body: str) -> str:
    """The X-Radar-Signature value: ``v1=`` + hex HMAC-SHA256 over ``timestamp.body``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"v1={digest}"


def callout_body(event_id: str, org_id: str, sobject: str, record_id: str, change_type: str,
                 changed_fields: list[str], occurred_at: str) -> str:
    """The JSON callout body (serialized once, so retries carry identical bytes)."""
    return json.dumps({"eventId": event_id, "orgId": org_id, "object": sobject, "recordId": record_id,
                       "changeType": change_type, "changedFields": changed_fields, "occurredAt": occurred_at})
