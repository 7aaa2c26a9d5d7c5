"""Describe JSON built from our own SFDX export (custom fields) plus the catalog's standard
fields, shaped like ``GET sobjects/<Object>/describe`` — for the pure preflight tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from field_specs.catalog import all_fields
from field_specs.sfdx import NS

_SFDX_TO_DESCRIBE = {
    "Text": "string", "LongTextArea": "textarea", "Picklist": "picklist",
    "MultiselectPicklist": "multipicklist", "Number": "double", "Currency": "currency",
    "Percent": "percent", "Checkbox": "boolean", "Date": "date", "DateTime": "datetime",
    "Email": "email", "Url": "url", "Lookup": "reference",
}
_LOGICAL_TO_DESCRIBE = {
    "id": "id", "reference": "reference", "string": "string", "text": "textarea",
    "picklist": "picklist", "multipicklist": "multipicklist", "number": "double",
    "integer": "int", "currency": "currency", "percent": "percent", "boolean": "boolean",
    "date": "date", "datetime": "datetime", "email": "email", "url": "url",
}
_READ_ONLY = {"Id", "IsClosed", "IsWon", "CreatedDate", "LastActivityDate", "TotalPrice",
              "Field", "OldValue", "NewValue", "Name"}
# standard picklist values a fresh org has (what the default mapping writes)
_STANDARD_VALUES = {
    ("Opportunity", "StageName"): ["Prospecting", "S2 - Qualification", "Closed Won",
                                   "Closed Lost"],
    ("Opportunity", "LeadSource"): ["Web", "CS-driven Expansion", "Other"],
    ("Opportunity", "Type"): ["Existing Customer - Upgrade", "New Customer"],
    ("Task", "Status"): ["Not Started", "In Progress", "Completed"],
    ("Task", "Priority"): ["High", "Normal", "Low"],
    ("OpportunityContactRole", "Role"): ["Business User", "Decision Maker", "Economic Buyer",
                                         "Influencer", "Other"],
}


def _field(name: str, type_: str, **extra: Any) -> dict[str, Any]:
    base = {"name": name, "type": type_, "createable": True, "updateable": True,
            "calculated": False, "externalId": False, "length": 0, "picklistValues": [],
            "restrictedPicklist": False, "referenceTo": [], "relationshipName": None}
    base.update(extra)
    return base


def describes_from_export(source_dir: Path) -> dict[str, dict[str, Any]]:
    """{object API name: describe JSON} for the catalog's objects and the exported fields."""
    result: dict[str, dict[str, Any]] = {}

    def obj(name: str) -> dict[str, Any]:
        return result.setdefault(name, {"name": name, "fields": []})

    for entry in all_fields():
        if entry.custom or not entry.api_name or "." in entry.api_name:
            continue
        described = obj(entry.sobject)
        if any(f["name"] == entry.api_name for f in described["fields"]):
            continue
        writable = entry.api_name not in _READ_ONLY or (entry.sobject, entry.api_name) in {
            ("Opportunity", "Name"), ("ContentVersion", "Title")}
        values = _STANDARD_VALUES.get((entry.sobject, entry.api_name), [])
        extra: dict[str, Any] = {
            "createable": writable, "updateable": writable,
            "picklistValues": [{"value": v, "label": v, "active": True} for v in values],
            "restrictedPicklist": entry.sobject == "Task" and bool(values),
            "length": entry.length or (255 if entry.type == "string" else 32000 if entry.type == "text" else 0),
        }
        if entry.type in ("reference", "id") and entry.api_name.endswith("Id") and \
                entry.api_name != "Id":
            extra["relationshipName"] = entry.api_name[:-2]
            extra["referenceTo"] = [entry.reference_to or "Account"]
        described["fields"].append(_field(entry.api_name, _LOGICAL_TO_DESCRIBE[entry.type],
                                          **extra))
    objects = source_dir / "objects"
    for folder in sorted(objects.iterdir()):
        targets = ("Task", "Event") if folder.name == "Activity" else (folder.name,)
        for path in sorted((folder / "fields").glob("*.field-meta.xml")):
            root = ElementTree.parse(path).getroot()
            described_field = _from_xml(root)
            for target in targets:
                obj(target)["fields"].append(dict(described_field))
    return result


def _text(root: Any, tag: str) -> str | None:
    found = root.find(f"{{{NS}}}{tag}")
    return found.text if found is not None else None


def _from_xml(root: Any) -> dict[str, Any]:
    sfdx_type = _text(root, "type") or "Text"
    values = [{"value": v.find(f"{{{NS}}}fullName").text, "active": True,
               "label": v.find(f"{{{NS}}}label").text}
              for v in root.iter(f"{{{NS}}}value")]
    restricted = _text(root, "restricted") == "true"
    reference = _text(root, "referenceTo")
    name = _text(root, "fullName") or ""
    return _field(
        name, _SFDX_TO_DESCRIBE[sfdx_type],
        length=int(_text(root, "length") or 0), externalId=_text(root, "externalId") == "true",
        picklistValues=values, restrictedPicklist=restricted,
        referenceTo=[reference] if reference else [],
        relationshipName=name[:-1] + "r" if reference else None)
