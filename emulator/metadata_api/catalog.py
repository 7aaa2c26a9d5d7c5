"""What the org holds, as ``listMetadata``, ``readMetadata`` and ``describeMetadata`` tell it.

Objects and custom fields come from the live schema (whatever put them there: the product's
metadata at start or a deploy); every other type from the components deployed
(``DeployJobs.components``). Shapes follow FileProperties and the Metadata records
(https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_listmetadata.htm).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from defusedxml import ElementTree

from emulator.metadata import _TYPE_MAP
from emulator.metadata_api.package import CHILD_TYPES, FOLDERS
from emulator.values import format_datetime

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element  # noqa: S405 - only the type

    from emulator.org import Org

_SCHEMA_TYPES = {v: k for k, v in reversed(list(_TYPE_MAP.items()))}  # describe type -> CustomField type
_ACTIVITY = ("task", "event")


def _file_properties(org: Org, mdtype: str, full_name: str, file_name: str, modified: str | None) -> dict[str, Any]:
    now = modified or format_datetime(org.clock.now())
    admin = org.store.admin_user_id
    return {"createdById": admin, "createdByName": "Org Admin", "createdDate": now, "fileName": file_name,
            "fullName": full_name, "id": "", "lastModifiedById": admin, "lastModifiedByName": "Org Admin",
            "lastModifiedDate": now, "manageableState": "unmanaged", "type": mdtype}


def _schema_fields(org: Org) -> dict[str, tuple[str, Any]]:
    """Custom fields by full name ("Activity.X__c" once for Task and Event)."""
    found: dict[str, tuple[str, Any]] = {}
    for key, obj in sorted(org.schema.objects.items()):
        folder = "Activity" if key in _ACTIVITY else obj.name
        for definition in obj.fields.values():
            if definition.custom and definition.name.endswith("__c"):
                found[f"{folder}.{definition.name}"] = (folder, definition)
    return found


def list_components(org: Org, mdtype: str) -> list[dict[str, Any]]:
    """FileProperties of every component of ``mdtype``."""
    stored = {c["fullName"]: c for c in org.deploys.components(mdtype)}
    if mdtype == "CustomObject":
        names = sorted({obj.name for obj in org.schema.objects.values()} | set(stored))
        return [_file_properties(org, mdtype, n, f"objects/{n}.object", stored.get(n, {}).get("lastModifiedDate"))
                for n in names]
    if mdtype == "CustomField":
        names = sorted(set(_schema_fields(org)) | set(stored))
        return [_file_properties(org, mdtype, n, f"objects/{n.split('.')[0]}.object",
                                 stored.get(n, {}).get("lastModifiedDate")) for n in names]
    return [_file_properties(org, mdtype, c["fullName"], c["fileName"], c["lastModifiedDate"])
            for c in stored.values()]


def element_values(element: Element) -> dict[str, Any]:
    """A metadata element as nested dicts (repeated children become lists, order kept)."""
    values: dict[str, Any] = {}
    for child in element:
        key = child.tag.rpartition("}")[2]
        value: Any = element_values(child) if len(child) else (child.text or "").strip()
        if key in values:
            values[key] = values[key] if isinstance(values[key], list) else [values[key]]
            values[key].append(value)
        else:
            values[key] = value
    return values


def read_component(org: Org, mdtype: str, full_name: str) -> dict[str, Any]:
    """The record of one component (only ``xsi:type`` when the org has none of that name)."""
    stored = next((c for c in org.deploys.components(mdtype) if c["fullName"].lower() == full_name.lower()), None)
    if stored is not None and stored["xml"]:
        values = element_values(ElementTree.fromstring(stored["xml"]))
        values.pop("fullName", None)
        return {"@type": mdtype, "fullName": stored["fullName"], **values}
    if mdtype == "CustomField":
        entry = _schema_fields(org).get(next((n for n in _schema_fields(org) if n.lower() == full_name.lower()), ""))
        if entry is not None:
            folder, definition = entry
            record: dict[str, Any] = {"@type": mdtype, "fullName": f"{folder}.{definition.name}",
                                      "label": definition.label, "type": _SCHEMA_TYPES.get(definition.type, "Text")}
            if definition.type == "string":
                record["length"] = definition.length
            return record
    if mdtype == "CustomObject" and org.schema.has_object(full_name):
        obj = org.schema.object(full_name)
        return {"@type": mdtype, "fullName": obj.name, "label": obj.label}
    return {"@type": mdtype}


def describe() -> dict[str, Any]:
    """describeMetadata: the types this org deploys, lists and reads."""
    objects = []
    for folder, (mdtype, suffix) in sorted(FOLDERS.items(), key=lambda item: item[1][0]):
        entry: dict[str, Any] = {"childXmlNames": list(CHILD_TYPES.get(mdtype, {}).values()),
                                 "directoryName": folder, "inFolder": mdtype in ("Report", "Dashboard"),
                                 "metaFile": mdtype in ("ApexClass", "ApexTrigger", "ApexPage", "ApexComponent",
                                                        "StaticResource"),
                                 "xmlName": mdtype}
        if suffix:
            entry["suffix"] = suffix
        objects.append(entry)
    return {"metadataObjects": objects, "organizationNamespace": "", "partialSaveAllowed": True,
            "testRequired": False}
