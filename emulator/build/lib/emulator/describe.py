"""describeGlobal and describeSObject bodies built from the Schema, shaped as a real org
reports them (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm)."""

from __future__ import annotations

from typing import Any

from emulator.schema import FieldDef, ObjectDef, Schema

_SOAP_TYPES = {"id": "tns:ID", "reference": "tns:ID", "boolean": "xsd:boolean", "int": "xsd:int",
               "double": "xsd:double", "currency": "xsd:double", "percent": "xsd:double",
               "date": "xsd:date", "datetime": "xsd:dateTime", "base64": "xsd:base64Binary",
               "time": "xsd:time", "long": "xsd:long"}
_NOT_WRITABLE = ("Organization", "AccountHistory", "ContactHistory", "ContentDocument")


def object_urls(obj: ObjectDef, version: str) -> dict[str, str]:
    """The ``urls`` block of an object."""
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    return {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"}


def global_entry(obj: ObjectDef, version: str) -> dict[str, Any]:
    """One object in describeGlobal."""
    writable = obj.name not in _NOT_WRITABLE
    return {"name": obj.name, "label": obj.label, "labelPlural": obj.label + "s", "keyPrefix": obj.key_prefix,
            "custom": obj.custom, "queryable": obj.queryable, "createable": writable, "updateable": writable,
            "deletable": writable, "retrieveable": True, "searchable": True, "layoutable": writable,
            "triggerable": writable, "replicateable": True, "urls": object_urls(obj, version)}


def describe_global(schema: Schema, version: str) -> dict[str, Any]:
    """GET sobjects/."""
    objects = sorted(schema.objects.values(), key=lambda o: o.name)
    return {"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": [global_entry(o, version) for o in objects]}


def describe_field(definition: FieldDef) -> dict[str, Any]:
    """One entry of describe's ``fields``."""
    numeric = definition.type in ("double", "currency", "percent")
    return {
        "name": definition.name, "label": definition.label or definition.name, "type": definition.type,
        "length": definition.length if definition.type not in ("int", "double", "currency", "percent",
                                                                 "boolean", "date", "datetime") else 0,
        "byteLength": definition.length * 3, "precision": definition.precision if numeric else 0,
        "scale": definition.scale if numeric else 0, "digits": 9 if definition.type == "int" else 0,
        "nillable": definition.nillable, "createable": definition.createable,
        "updateable": definition.updateable, "unique": definition.unique,
        "externalId": definition.external_id, "idLookup": definition.id_lookup,
        "calculated": definition.calculated, "custom": definition.custom,
        "defaultedOnCreate": definition.default_value is not None or definition.name in (
            "Id", "CreatedDate", "OwnerId", "IsDeleted"),
        "filterable": definition.type != "textarea" or definition.length <= 255,
        "sortable": definition.type not in ("textarea", "multipicklist"),
        "groupable": definition.type not in ("textarea", "double", "currency", "percent", "datetime"),
        "nameField": definition.name == "Name", "autoNumber": False,
        "restrictedPicklist": definition.restricted_picklist,
        "picklistValues": [{"value": p.value, "label": p.label, "active": p.active, "defaultValue": p.default,
                            "validFor": None} for p in definition.picklist_values],
        "referenceTo": list(definition.reference_to), "relationshipName": definition.relationship_name,
        "polymorphicForeignKey": len(definition.reference_to) > 1,
        "soapType": _SOAP_TYPES.get(definition.type, "xsd:string"),
        "defaultValue": definition.default_value if definition.type == "boolean" else None,
        "htmlFormatted": False, "caseSensitive": False, "cascadeDelete": False,
    }


def describe_object(schema: Schema, obj: ObjectDef, version: str) -> dict[str, Any]:
    """GET sobjects/{Obj}/describe."""
    children = []
    for child_obj in schema.objects.values():
        for definition in child_obj.fields.values():
            if definition.type != "reference" or obj.name not in definition.reference_to:
                continue
            rel = next((c for c in obj.child_relationships.values()
                        if c.child_sobject == child_obj.name and c.field == definition.name), None)
            children.append({"childSObject": child_obj.name, "field": definition.name,
                             "relationshipName": rel.name if rel else None, "cascadeDelete": False,
                             "restrictedDelete": False, "deprecatedAndHidden": False})
    body = global_entry(obj, version)
    body.update({"fields": [describe_field(f) for f in obj.fields.values()], "childRelationships": children,
                 "recordTypeInfos": [], "supportedScopes": [{"label": "All", "name": "everything"}]})
    return body
