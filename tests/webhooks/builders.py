"""Builders for webhook requests: Outbound Message envelopes as Salesforce sends them and
signed JSON events."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape

from emulator.ids import make_id
from webhooks.signing import sign

ORG_ID = "00D5g000004fXtWEAU"
OTHER_ORG_ID = "00D5g000009zzzzEAA"
TOKEN = "om-path-token-3f9a1c"
SECRET = "whsec_new_2b7e151628aed2a6"
OLD_SECRET = "whsec_old_8a3c9d0e1f2a3b4c"
NOW = 1_717_000_000


def notification_id(n: int) -> str:
    """An 18-character 04l... notification id."""
    return make_id("04l", n)


def account_id(n: int) -> str:
    return make_id("001", n)


def outbound_envelope(
    notifications: Iterable[tuple[str, str, Mapping[str, str | None]]],
    org_id: str = ORG_ID,
) -> bytes:
    """A SOAP Outbound Message as Salesforce posts it.

    Args:
        notifications: (notification id, sObject type, fields) triples; a None field value
            is sent as xsi:nil.
    """
    parts = []
    for nid, sobject, fields in notifications:
        field_xml = "".join(
            f'<sf:{name} xsi:nil="true"/>'
            if value is None
            else f"<sf:{name}>{escape(value)}</sf:{name}>"
            for name, value in fields.items()
        )
        parts.append(
            f"<Notification><Id>{nid}</Id>"
            f'<sObject xsi:type="sf:{sobject}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">'
            f"{field_xml}</sObject></Notification>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body>"
        '<notifications xmlns="http://soap.sforce.com/2005/09/outbound">'
        f"<OrganizationId>{org_id}</OrganizationId>"
        "<ActionId>04k5g000000Abc1AAC</ActionId>"
        '<SessionId xsi:nil="true"/>'
        "<EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/59.0/00D5g000004fXtW</EnterpriseUrl>"
        "<PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/59.0/00D5g000004fXtW</PartnerUrl>"
        + "".join(parts)
        + "</notifications></soapenv:Body></soapenv:Envelope>"
    ).encode("utf-8")


def account_notifications(
    count: int, start: int = 0
) -> list[tuple[str, str, dict[str, str | None]]]:
    """``count`` notifications, each for a different Account."""
    return [
        (
            notification_id(start + i),
            "Account",
            {"Id": account_id(start + i), "Name": f"Account {start + i} & Co", "Tier__c": "T1"},
        )
        for i in range(count)
    ]


def callout_body(event_id: str, record_id: str, **overrides: object) -> bytes:
    """A Flow/Apex callout body."""
    payload: dict[str, object] = {
        "eventId": event_id,
        "orgId": ORG_ID,
        "object": "Account",
        "recordId": record_id,
        "changeType": "UPDATE",
        "changedFields": ["Tier__c"],
        "occurredAt": "2024-05-29T16:26:40Z",
        "fields": {"Tier__c": "T1"},
    }
    payload.update(overrides)
    return json.dumps(payload).encode()


def signed(body: bytes, secret: str = SECRET, timestamp: int = NOW) -> dict[str, str]:
    """Headers for a signed JSON POST."""
    return {**sign(body, secret, timestamp), "Content-Type": "application/json"}


XML_HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
