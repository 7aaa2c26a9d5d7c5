"""Parsing of Salesforce Outbound Message SOAP envelopes (pure: bytes in, values out).

Shape (Outbound Messaging WSDL,
https://developer.salesforce.com/docs/platform/api/guide/sforce-api-om-outboundmessaging-wsdl.html):
``<notifications xmlns="http://soap.sforce.com/2005/09/outbound">`` with OrganizationId,
ActionId, SessionId (nillable), EnterpriseUrl, PartnerUrl and up to 100 ``Notification``
elements, each an ``Id`` (04l...) and an ``sObject`` typed ``xsi:type="sf:Account"`` whose
children are ``sf:``-prefixed fields. "A single SOAP message can include up to 100
notifications" (sforce_api_om_outboundmessaging_notifications.htm).

XML goes through defusedxml with DTDs forbidden, so entity expansion (billion laughs) and
external entities are refused before anything is expanded or fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

OUTBOUND_NS = "http://soap.sforce.com/2005/09/outbound"
SOBJECT_NS = "urn:sobject.enterprise.soap.sforce.com"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
MAX_NOTIFICATIONS = 100

# The acknowledgement Salesforce waits for; anything else makes it retry.
ACK_ENVELOPE = (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
    "<soapenv:Body>"
    '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">'
    "<Ack>true</Ack>"
    "</notificationsResponse>"
    "</soapenv:Body>"
    "</soapenv:Envelope>"
)

NOTIFICATION_ID_RE = re.compile(r"04l[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?")
RECORD_ID_RE = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
ORG_ID_RE = re.compile(r"00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?")
SOBJECT_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}")


class OutboundParseError(ValueError):
    """The body is not an acceptable Outbound Message.

    ``reason`` is a metric label (``xml_forbidden``, ``xml_malformed``, ``not_outbound``,
    ``invalid_notification``, ``too_many_notifications``); ``errors`` maps an element path
    to messages.
    """

    def __init__(self, reason: str, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.reason = reason
        self.errors = errors or {}


@dataclass(frozen=True)
class Notification:
    """One ``Notification``: its id and the record it carries."""

    notification_id: str
    sobject: str
    record_id: str | None
    fields: dict[str, str | None]


@dataclass(frozen=True)
class OutboundMessage:
    """A parsed ``notifications`` element."""

    organization_id: str
    action_id: str | None
    notifications: tuple[Notification, ...]


def _text(parent: Element, tag: str) -> str | None:
    child = parent.find(f"{{{OUTBOUND_NS}}}{tag}")
    if child is None or child.get(f"{{{XSI_NS}}}nil") == "true":
        return None
    return (child.text or "").strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _fields(sobject: Element) -> dict[str, str | None]:
    fields: dict[str, str | None] = {}
    for child in sobject:
        if not isinstance(child.tag, str) or not child.tag.startswith(f"{{{SOBJECT_NS}}}"):
            continue
        name = _local(child.tag)
        if child.get(f"{{{XSI_NS}}}nil") == "true":
            fields[name] = None
        elif len(child):
            # A related record (e.g. sf:Account under a Contact): flatten one level.
            for grandchild in child:
                if isinstance(grandchild.tag, str):
                    fields[f"{name}.{_local(grandchild.tag)}"] = grandchild.text
        else:
            fields[name] = child.text or ""
    return fields


def _notification(index: int, element: Element) -> Notification:
    where = f"Notification[{index}]"
    notification_id = _text(element, "Id")
    if not notification_id or not NOTIFICATION_ID_RE.fullmatch(notification_id):
        raise OutboundParseError(
            "invalid_notification",
            "notification Id must be a 04l... id",
            {f"{where}.Id": ["must be a 15 or 18 character 04l... id"]},
        )
    sobject = element.find(f"{{{OUTBOUND_NS}}}sObject")
    if sobject is None:
        raise OutboundParseError(
            "invalid_notification", "notification has no sObject", {f"{where}.sObject": ["missing"]}
        )
    xsi_type = sobject.get(f"{{{XSI_NS}}}type") or ""
    type_name = xsi_type.rsplit(":", 1)[-1]
    if not SOBJECT_RE.fullmatch(type_name):
        raise OutboundParseError(
            "invalid_notification",
            "sObject needs an xsi:type such as sf:Account",
            {f"{where}.sObject": ["xsi:type must name an sObject, e.g. sf:Account"]},
        )
    fields = _fields(sobject)
    record_id = fields.get("Id")
    if record_id is not None and not RECORD_ID_RE.fullmatch(record_id):
        raise OutboundParseError(
            "invalid_notification",
            "sf:Id is not a record id",
            {f"{where}.sObject.Id": ["must be a 15 or 18 character id"]},
        )
    return Notification(notification_id, type_name, record_id, fields)


def parse_outbound_message(body: bytes) -> OutboundMessage:
    """Parse an Outbound Message body.

    Raises:
        OutboundParseError: forbidden or malformed XML, not a ``notifications`` message, a
            notification without a valid id/type, or more than 100 notifications.
    """
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise OutboundParseError(
            "xml_forbidden", f"XML with DTDs or entities is not accepted ({type(exc).__name__})"
        ) from exc
    # LookupError: an XML declaration naming an unknown encoding (found by the fuzz test).
    except (ParseError, ValueError, UnicodeError, LookupError, RecursionError) as exc:
        raise OutboundParseError("xml_malformed", "body is not well-formed XML") from exc
    if root.tag not in (f"{{{SOAP11_NS}}}Envelope", f"{{{SOAP12_NS}}}Envelope"):
        raise OutboundParseError("not_outbound", "root element must be a SOAP Envelope")
    soap_ns = root.tag[1:].split("}", 1)[0]
    notifications = root.find(f"{{{soap_ns}}}Body/{{{OUTBOUND_NS}}}notifications")
    if notifications is None:
        raise OutboundParseError(
            "not_outbound", f"SOAP Body must hold a notifications element of {OUTBOUND_NS}"
        )
    organization_id = _text(notifications, "OrganizationId")
    if not organization_id or not ORG_ID_RE.fullmatch(organization_id):
        raise OutboundParseError(
            "invalid_notification",
            "OrganizationId must be a 00D... id",
            {"OrganizationId": ["must be a 15 or 18 character 00D... id"]},
        )
    elements = notifications.findall(f"{{{OUTBOUND_NS}}}Notification")
    if len(elements) > MAX_NOTIFICATIONS:
        raise OutboundParseError(
            "too_many_notifications",
            f"at most {MAX_NOTIFICATIONS} notifications per message",
            {"Notification": [f"{len(elements)} given, at most {MAX_NOTIFICATIONS}"]},
        )
    parsed = tuple(_notification(i, e) for i, e in enumerate(elements))
    return OutboundMessage(organization_id, _text(notifications, "ActionId"), parsed)
