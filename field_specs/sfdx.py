"""Export the catalog's custom fields as SFDX source metadata (``sf project deploy start``).

Layout written below ``out_dir`` (https://developer.salesforce.com/docs/atlas.en-us.sfdx_dev.meta/sfdx_dev/sfdx_dev_source_file_format.htm):

    sfdx-project.json
    manifest/package.xml
    force-app/main/default/objects/<Object>/fields/<Field>.field-meta.xml
    force-app/main/default/objects/Product_Usage__c/Product_Usage__c.object-meta.xml
    force-app/main/default/permissionsets/Expansion_Radar_Integration.permissionset-meta.xml

Formats follow the Metadata API reference: CustomField
(https://developer.salesforce.com/docs/platform/api-metadata/references/meta-types/metadata-customfield.html;
picklists use ``valueSet/valueSetDefinition/value`` since API 38.0, replacing ``Picklist``,
https://developer.salesforce.com/docs/atlas.en-us.260.0.api_meta.meta/api_meta/meta_picklist.htm),
CustomObject (nameField, sharingModel, deploymentStatus:
https://developer.salesforce.com/docs/platform/api-metadata/references/meta-types/metadata-customobject.html)
and PermissionSet (fieldPermissions editable/field/readable, objectPermissions). Elements are
written in alphabetical order after ``fullName``, as ``sf project retrieve`` writes them.

Task and Event custom fields are one Activity field in Salesforce: they are authored under
``objects/Activity/fields`` and appear on both objects; field-level security is granted on
``Task.X`` *and* ``Event.X`` because the two share it and a missing entry means "disabled".
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405 - building XML only; parsing goes through defusedxml
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from field_specs.catalog import all_fields
from field_specs.metadata_xml import API_VERSION, NS, manifest
from field_specs.metadata_xml import el as _el
from field_specs.metadata_xml import write as _write
from field_specs.model import LogicalField

PERMISSION_SET = "Expansion_Radar_Integration"
ACTIVITY_OBJECTS = ("Task", "Event")

# SFDX <type> per logical type, with the default size attributes.
_TYPES = {
    "string": "Text", "text": "LongTextArea", "picklist": "Picklist",
    "multipicklist": "MultiselectPicklist", "number": "Number", "integer": "Number",
    "currency": "Currency", "percent": "Percent", "boolean": "Checkbox", "date": "Date",
    "datetime": "DateTime", "email": "Email", "url": "Url", "reference": "Lookup",
}

# What the integration user may do with each object the product touches. Task and Event are
# governed by the "Edit Tasks"/"Edit Events" user permissions, not objectPermissions.
_OBJECT_ACCESS: dict[str, tuple[bool, bool]] = {  # object -> (create, edit); read always
    "Account": (False, True), "Contact": (False, True), "Opportunity": (True, True),
    "Case": (False, False), "Product2": (False, False), "Asset": (False, False),
    "Product_Usage__c": (False, False),
}
# SendCustomNotifications: REST calls of customNotificationAction run in user context and
# need it in orgs created in Winter '21 or later
# (https://developer.salesforce.com/docs/atlas.en-us.api_action.meta/api_action/actions_obj_custom_notification.htm).
_USER_PERMISSIONS = ("ApiEnabled", "EditEvent", "EditTask", "SendCustomNotifications")
NOTIFICATION_TYPE = "Expansion_Radar_Alert"  # integration.notifications looks it up by this name


@dataclass(frozen=True)
class CustomFieldSpec:
    """One custom field to deploy: the metadata object folder and its catalog entry."""

    metadata_object: str  # "Account", "Activity", "Product_Usage__c"
    field: LogicalField
    writable: bool  # any logical field bound to it by default is written


def custom_fields() -> list[CustomFieldSpec]:
    """Every custom field of the default schema, once per (metadata object, API name)."""
    specs: dict[tuple[str, str], CustomFieldSpec] = {}
    for entry in all_fields():
        if not entry.custom or entry.api_name is None:
            continue
        folder = "Activity" if entry.sobject in ACTIVITY_OBJECTS else entry.sobject
        key = (folder, entry.api_name)
        previous = specs.get(key)
        writable = entry.writes or (previous.writable if previous else False)
        chosen = previous.field if previous else entry
        specs[key] = CustomFieldSpec(folder, chosen, writable)
    return sorted(specs.values(), key=lambda s: (s.metadata_object, s.field.api_name or ""))


def field_element(spec: CustomFieldSpec) -> ET.Element:
    """The CustomField element for one field (children in retrieve order)."""
    entry = spec.field
    sf_type = _TYPES[entry.type]
    props: dict[str, object] = {"label": entry.label[:40]}
    if entry.help:
        props["inlineHelpText"] = entry.help[:510]
        props["description"] = entry.help[:1000]
    if sf_type == "Checkbox":
        props["defaultValue"] = "false"  # required for Checkbox fields
    elif sf_type == "Lookup":
        props["referenceTo"] = entry.reference_to
        props["relationshipName"] = entry.relationship_name or entry.api_name.removesuffix("__c")
        props["relationshipLabel"] = (entry.relationship_name or entry.label).replace("_", " ")
        if entry.reference_to != "User":  # lookups to User take no delete constraint
            props["deleteConstraint"] = "SetNull"
    props["externalId"] = entry.external_id
    if sf_type != "Checkbox":
        props["required"] = False
    if sf_type == "Text":
        props["length"] = entry.length or 255
    elif sf_type == "LongTextArea":
        props["length"] = entry.length or 32768
        props["visibleLines"] = 5
    elif sf_type == "MultiselectPicklist":
        props["visibleLines"] = 4
    elif sf_type in ("Number", "Currency", "Percent"):
        props["precision"] = entry.precision or 18
        props["scale"] = entry.scale if entry.scale is not None else (
            0 if entry.type == "integer" else 2)
    if entry.unique:
        props["unique"] = True
        props["caseSensitive"] = entry.case_sensitive
    props["trackHistory"] = False
    props["type"] = sf_type

    root = ET.Element(f"{{{NS}}}CustomField")
    _el(root, "fullName", entry.api_name)
    for tag in sorted(props):
        _el(root, tag, props[tag])  # type: ignore[arg-type]
    if sf_type in ("Picklist", "MultiselectPicklist"):
        _value_set(root, entry)
        # valueSet sorts after type but before visibleLines in retrieved files
        visible = root.find(f"{{{NS}}}visibleLines")
        if visible is not None:
            root.remove(visible)
            root.append(visible)
    return root


def _value_set(root: ET.Element, entry: LogicalField) -> None:
    value_set = _el(root, "valueSet")
    _el(value_set, "restricted", entry.restricted)
    definition = _el(value_set, "valueSetDefinition")
    _el(definition, "sorted", False)
    seen: set[str] = set()
    for value in entry.values:
        if value.org_value in seen:
            continue
        seen.add(value.org_value)
        item = _el(definition, "value")
        _el(item, "fullName", value.org_value)
        _el(item, "default", False)
        _el(item, "label", value.label)


def _product_usage_object() -> ET.Element:
    root = ET.Element(f"{{{NS}}}CustomObject")
    props = {
        "deploymentStatus": "Deployed", "description": "Monthly product usage per account "
        "(read by Expansion Radar for usage spikes, capacity limits and adoption).",
        "enableActivities": False, "enableBulkApi": True, "enableHistory": False,
        "enableReports": True, "enableSearch": False, "enableSharing": True,
        "enableStreamingApi": True, "label": "Product Usage", "pluralLabel": "Product Usages",
        "sharingModel": "ReadWrite", "visibility": "Public",
    }
    for tag in sorted(props):
        _el(root, tag, props[tag])  # type: ignore[arg-type]
    name_field = ET.Element(f"{{{NS}}}nameField")
    _el(name_field, "displayFormat", "PU-{00000000}")
    _el(name_field, "label", "Product Usage Number")
    _el(name_field, "trackHistory", False)
    _el(name_field, "type", "AutoNumber")
    # nameField sorts between label and pluralLabel
    index = [child.tag for child in root].index(f"{{{NS}}}pluralLabel")
    root.insert(index, name_field)
    return root


def _permission_set(specs: Iterable[CustomFieldSpec]) -> ET.Element:
    root = ET.Element(f"{{{NS}}}PermissionSet")
    _el(root, "description", "Access the Expansion Radar integration user needs: read the "
        "fields it analyses, edit the fields it writes.")
    grants: list[tuple[str, bool]] = []
    for spec in specs:
        objects = ACTIVITY_OBJECTS if spec.metadata_object == "Activity" else (
            spec.metadata_object,)
        grants += [(f"{obj}.{spec.field.api_name}", spec.writable) for obj in objects]
    for name, editable in sorted(grants):
        grant = _el(root, "fieldPermissions")
        _el(grant, "editable", editable)
        _el(grant, "field", name)
        _el(grant, "readable", True)
    _el(root, "hasActivationRequired", False)
    _el(root, "label", "Expansion Radar Integration")
    for obj, (create, edit) in sorted(_OBJECT_ACCESS.items()):
        grant = _el(root, "objectPermissions")
        _el(grant, "allowCreate", create)
        _el(grant, "allowDelete", False)
        _el(grant, "allowEdit", edit)
        _el(grant, "allowRead", True)
        _el(grant, "modifyAllRecords", False)
        _el(grant, "object", obj)
        _el(grant, "viewAllRecords", True)
    for permission in _USER_PERMISSIONS:
        grant = _el(root, "userPermissions")
        _el(grant, "enabled", True)
        _el(grant, "name", permission)
    return root


def _notification_type() -> ET.Element:
    """The bell and mobile push for Strong signals and SLA escalations (seed 001: "CS에게
    즉시 알림")."""
    root = ET.Element(f"{{{NS}}}CustomNotificationType")
    _el(root, "customNotifTypeName", "Expansion Radar alert")
    _el(root, "description", "Strong expansion signals and missed follow-up SLAs.")
    _el(root, "desktop", True)
    _el(root, "masterLabel", "Expansion Radar alert")
    _el(root, "mobile", True)
    return root


def _package(specs: Iterable[CustomFieldSpec]) -> ET.Element:
    return manifest({
        "CustomField": sorted(f"{s.metadata_object}.{s.field.api_name}" for s in specs),
        "CustomObject": ["Product_Usage__c"],
        "PermissionSet": [PERMISSION_SET],
        "CustomNotificationType": [NOTIFICATION_TYPE],
    })


def export_metadata(out_dir: Path) -> Path:
    """Write the SFDX project for the product's custom fields into ``out_dir``.

    Returns:
        ``out_dir/force-app/main/default``: the directory holding ``objects/`` (what the
        emulator loads with ``metadata_dir=``).
    """
    out_dir = Path(out_dir)
    source = out_dir / "force-app" / "main" / "default"
    specs = custom_fields()
    for spec in specs:
        path = source / "objects" / spec.metadata_object / "fields" / (
            f"{spec.field.api_name}.field-meta.xml")
        _write(field_element(spec), path)
    _write(_product_usage_object(),
           source / "objects" / "Product_Usage__c" / "Product_Usage__c.object-meta.xml")
    _write(_permission_set(specs),
           source / "permissionsets" / f"{PERMISSION_SET}.permissionset-meta.xml")
    _write(_notification_type(),
           source / "notificationtypes" / f"{NOTIFICATION_TYPE}.notiftype-meta.xml")
    _write(_package(specs), out_dir / "manifest" / "package.xml")
    project = {
        "packageDirectories": [{"path": "force-app", "default": True}],
        "name": "expansion-radar-fields",
        "namespace": "",
        "sfdcLoginUrl": "https://login.salesforce.com",
        "sourceApiVersion": API_VERSION,
    }
    (out_dir / "sfdx-project.json").write_text(json.dumps(project, indent=2) + "\n",
                                               encoding="utf-8")
    return source
