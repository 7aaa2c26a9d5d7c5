"""Element names the Metadata API expects, per type, from the Metadata WSDL.

jsforce ships the WSDL as data (``lib/api/metadata/schema.js``: every type with its
properties, their types and the type it extends); the tests read it through Node rather
than keep a hand-written list. Types and properties newer than that WSDL are added from
the Metadata API reference below (each with its page).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from xml.etree.ElementTree import Element  # noqa: S405 - only the type; parsing is defusedxml

from tests.node_tools import node_env, npm_tool

JSFORCE = "jsforce@3.10.26"
NS = "{http://soap.sforce.com/2006/04/metadata}"
# Not in jsforce 3.10's WSDL (Winter '23+ named credentials):
# https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_externalcredential.htm
# https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_namedcredential.htm
# https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_permissionset.htm
_NEWER: dict[str, dict[str, object]] = {
    "ExternalCredential": {"type": "ExternalCredential", "extends": "Metadata", "props": {
        "authenticationProtocol": "string", "description": "?string",
        "externalCredentialParameters": ["ExternalCredentialParameter"], "label": "string"}},
    "ExternalCredentialParameter": {"type": "ExternalCredentialParameter", "props": {
        "authProvider": "?string", "certificate": "?string", "description": "?string",
        "parameterGroup": "string", "parameterName": "string", "parameterType": "string",
        "parameterValue": "?string", "sequenceNumber": "?number"}},
    "NamedCredentialParameter": {"type": "NamedCredentialParameter", "props": {
        "certificate": "?string", "description": "?string", "externalCredential": "?string",
        "parameterName": "?string", "parameterType": "string", "parameterValue": "?string",
        "sequenceNumber": "?number"}},
    "ExternalCredentialPrincipalAccess": {"type": "ExternalCredentialPrincipalAccess",
                                          "props": {"enabled": "boolean",
                                                    "externalCredentialPrincipal": "string"}},
}
# Newer than that WSDL, as the current reference pages define them:
# FlexiPage (itemInstances replaced componentInstances in API 47.0)
# https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_flexipage.htm
# Flow (record-triggered flows: start.recordTriggerType, filterFormula, scheduledPaths)
# https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_visual_workflow.htm
_NEWER.update({
    "ItemInstance": {"type": "ItemInstance", "props": {
        "componentInstance": "?ComponentInstance", "fieldInstance": "?FieldInstance"}},
    "FlowScheduledPath": {"type": "FlowScheduledPath", "props": {
        "connector": "?FlowConnector", "label": "?string", "maxBatchSize": "?number",
        "name": "?string", "offsetNumber": "?number", "offsetUnit": "?string",
        "pathType": "?string", "recordField": "?string", "timeSource": "?string"}},
})
_NEWER_PROPS = {
    "FlexiPageRegion": {"itemInstances": ["ItemInstance"]},
    "ComponentInstance": {"identifier": "?string"},
    "Flow": {"apiVersion": "?number", "environments": ["string"]},
    "FlowActionCall": {"flowTransactionModel": "?string", "nameSegment": "?string"},
    "FlowStart": {"filterFormula": "?string", "recordTriggerType": "?string",
                  "scheduledPaths": ["FlowScheduledPath"], "triggerType": "?string",
                  "object": "?string"},
    "NamedCredential": {"calloutStatus": "?string",
                        "namedCredentialParameters": ["NamedCredentialParameter"],
                        "namedCredentialType": "?string"},
    "PermissionSet": {"externalCredentialPrincipalAccesses": ["ExternalCredentialPrincipalAccess"]},
}
# Properties the WSDL types as a string but that source files write as nested XML.
_OPAQUE = {("LightningComponentBundle", "targetConfigs")}


@cache
def schemas() -> dict[str, dict]:
    prefix = npm_tool("jsforce", [JSFORCE])
    module = prefix / "node_modules" / "jsforce" / "lib" / "api" / "metadata" / "schema.js"
    out = subprocess.run(
        ["node", "-e", f"process.stdout.write(JSON.stringify(require({json.dumps(str(module))}).ApiSchemas))"],
        env=node_env(), capture_output=True, text=True, check=True, timeout=120)
    data = json.loads(out.stdout)
    data.update(_NEWER)
    for type_name, props in _NEWER_PROPS.items():
        data[type_name]["props"].update(props)
    return data


def _props(type_name: str) -> dict[str, object]:
    data = schemas()
    props: dict[str, object] = {}
    while type_name:
        entry = data[type_name]
        props.update(entry["props"])
        type_name = entry.get("extends", "")
    return props


def _type_of(declared: object) -> str:
    name = declared[0] if isinstance(declared, list) else declared
    return str(name).lstrip("?")


def unknown_elements(root: Element, path: Path) -> Iterator[str]:
    """Every element of ``root`` whose name its metadata type does not define."""
    type_name = root.tag.removeprefix(NS)
    if type_name not in schemas():
        yield f"{path.name}: unknown metadata type {type_name}"
        return
    yield from _walk(root, type_name, f"{path.name}:{type_name}")


def _walk(element: Element, type_name: str, where: str) -> Iterator[str]:
    props = _props(type_name)
    for child in element:
        name = child.tag.removeprefix(NS)
        if name not in props:
            yield f"{where}: <{name}> is not a {type_name} element"
            continue
        child_type = _type_of(props[name])
        if (type_name, name) in _OPAQUE:
            continue
        if child_type in schemas():
            yield from _walk(child, child_type, f"{where}/{name}")
        elif len(child):
            yield f"{where}/{name}: {child_type} takes text, not elements"
