"""The Metadata API's SOAP endpoint, ``POST /services/Soap/m/{version}[/{orgId}]``.

Operations: ``deploy``, ``checkDeployStatus``, ``cancelDeploy``, ``listMetadata``,
``readMetadata``, ``describeMetadata``
(https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_calls_intro.htm).
The session comes from ``SessionHeader/sessionId``; a bad one is the fault
``sf:INVALID_SESSION_ID`` with status 500, which jsforce and the CLI recognise. Requests are
parsed with defusedxml; answers are built with escaping, elements in the metadata namespace.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from defusedxml import ElementTree
from flask import Blueprint, Response, current_app, request

from emulator.metadata_api import catalog
from emulator.metadata_api.package import NS

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element  # noqa: S405 - only the type

    from emulator.org import Org

bp = Blueprint("emulator_metadata_soap", __name__)
_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


class SoapFault(Exception):
    """A fault to answer (code like ``sf:INVALID_SESSION_ID``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def to_xml(name: str, value: Any) -> str:
    """``value`` as elements named ``name`` (lists repeat the element; None is left out)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "".join(to_xml(name, item) for item in value)
    if isinstance(value, dict):
        attrs = f' xsi:type="{escape(value["@type"])}"' if "@type" in value else ""
        inner = "".join(to_xml(k, v) for k, v in value.items() if k != "@type")
        return f"<{name}{attrs}>{inner}</{name}>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{name}>{escape(str(value))}</{name}>"


def _envelope(operation: str, result: Any) -> Response:
    body = (f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{_ENV}" '
            f'xmlns="{NS[1:-1]}" xmlns:xsi="{_XSI}"><soapenv:Body><{operation}Response>'
            f"{to_xml('result', result)}</{operation}Response></soapenv:Body></soapenv:Envelope>")
    return Response(body, 200, content_type="text/xml; charset=utf-8")


def _fault(fault: SoapFault) -> Response:
    body = (f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{_ENV}" '
            'xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault>'
            f"<faultcode>{escape(fault.code)}</faultcode><faultstring>{escape(fault.message)}</faultstring>"
            "</soapenv:Fault></soapenv:Body></soapenv:Envelope>")
    return Response(body, 500, content_type="text/xml; charset=utf-8")


def _local(element: Element) -> str:
    return element.tag.rpartition("}")[2]


def _child(element: Element, name: str) -> Element | None:
    return next((c for c in element if _local(c) == name), None)


def _session(org: Org, envelope: Element) -> str:
    header = _child(envelope, "Header")
    session = _child(header, "SessionHeader") if header is not None else None
    token = (_child(session, "sessionId").text or "").strip() if session is not None and _child(
        session, "sessionId") is not None else ""
    found = org.sessions.check(token)
    if found is None:
        raise SoapFault("sf:INVALID_SESSION_ID",
                        "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session")
    if not org.usage.take("metadata"):
        raise SoapFault("sf:REQUEST_LIMIT_EXCEEDED", "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.")
    return found.user_id


@bp.post("/services/Soap/m/<version>")
@bp.post("/services/Soap/m/<version>/<org_id>")
def metadata_soap(version: str, org_id: str | None = None) -> Response:
    """Dispatch one Metadata API call."""
    org: Org = current_app.config["EMULATOR_ORG"]
    try:
        try:
            envelope = ElementTree.fromstring(request.get_data())
        except ElementTree.ParseError as exc:
            raise SoapFault("soapenv:Client", f"Element type is malformed: {exc}") from None
        user_id = _session(org, envelope)
        body = _child(envelope, "Body")
        call = body[0] if body is not None and len(body) else None
        if call is None:
            raise SoapFault("soapenv:Client", "No operation in the SOAP body")
        operation = _local(call)
        handler = _OPERATIONS.get(operation)
        if handler is None:
            raise SoapFault("sf:INVALID_OPERATION", f"INVALID_OPERATION: {operation} is not emulated")
        return _envelope(operation, handler(org, call, user_id, version))
    except SoapFault as fault:
        return _fault(fault)


def _deploy(org: Org, call: Element, user_id: str, version: str) -> Any:
    zip_node = _child(call, "ZipFile")
    try:
        data = base64.b64decode((zip_node.text or "") if zip_node is not None else "", validate=True)
    except (binascii.Error, ValueError):
        raise SoapFault("sf:INVALID_ZIP", "ZipFile is not valid base64") from None
    options_node = _child(call, "DeployOptions")
    options = catalog.element_values(options_node) if options_node is not None else {}
    job = org.deploys.start(data, options, user_id)
    return {"done": False, "id": job.id, "state": "Queued"}


def _check_deploy_status(org: Org, call: Element, user_id: str, version: str) -> Any:
    values = catalog.element_values(call)
    job = org.deploys.get(str(values.get("asyncProcessId", "")))
    if job is None:
        raise SoapFault("sf:INVALID_ID_FIELD", "INVALID_ID_FIELD: invalid deploy id")
    return job.result(str(values.get("includeDetails", "")).lower() == "true")


def _cancel_deploy(org: Org, call: Element, user_id: str, version: str) -> Any:
    job = org.deploys.get(str(catalog.element_values(call).get("String", catalog.element_values(call).get("id", ""))))
    if job is None:
        raise SoapFault("sf:INVALID_ID_FIELD", "INVALID_ID_FIELD: invalid deploy id")
    return {"done": job.done, "id": job.id}


def _list_metadata(org: Org, call: Element, user_id: str, version: str) -> Any:
    queries = [catalog.element_values(q) for q in call if _local(q) == "queries"]
    if len(queries) > 3:
        raise SoapFault("sf:INVALID_TYPE", "INVALID_TYPE: at most 3 queries per listMetadata call")
    return [entry for query in queries for entry in catalog.list_components(org, str(query.get("type", "")))]


def _read_metadata(org: Org, call: Element, user_id: str, version: str) -> Any:
    values = catalog.element_values(call)
    names = values.get("fullNames", [])
    names = names if isinstance(names, list) else [names]
    mdtype = str(values.get("type", ""))
    return {"records": [catalog.read_component(org, mdtype, name) for name in names]}


def _describe_metadata(org: Org, call: Element, user_id: str, version: str) -> Any:
    return catalog.describe()


_OPERATIONS = {"deploy": _deploy, "checkDeployStatus": _check_deploy_status, "cancelDeploy": _cancel_deploy,
               "listMetadata": _list_metadata, "readMetadata": _read_metadata,
               "describeMetadata": _describe_metadata}
