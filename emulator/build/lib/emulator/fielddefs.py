"""Small constructors for FieldDef/ObjectDef so object definitions read like describe output.

Lengths and flags follow what a real org's describe reports for standard fields (Name 255,
Description 32000, Phone 40, Email 80, Url 255, picklists 255, ids 18).
"""

from __future__ import annotations

from emulator.schema import ChildRelationship, FieldDef, ObjectDef, PicklistValue, Schema

# Audit fields a user with "Set Audit Fields upon Record Creation" may set on insert.
AUDIT_FIELDS = frozenset({"createddate", "createdbyid", "lastmodifieddate", "lastmodifiedbyid"})


def text(name: str, length: int = 255, *, required: bool = False, label: str = "", **kw: object) -> FieldDef:
    """A string field."""
    return FieldDef(name=name, type="string", length=length, nillable=not required,
                    label=label or _label(name), **kw)  # type: ignore[arg-type]


def textarea(name: str, length: int = 32000, **kw: object) -> FieldDef:
    """A long text (textarea) field."""
    return FieldDef(name=name, type="textarea", length=length, label=_label(name), **kw)  # type: ignore[arg-type]


def typed(name: str, ftype: str, **kw: object) -> FieldDef:
    """A field of a scalar type with describe's usual length for that type."""
    lengths = {"email": 80, "phone": 40, "url": 255}
    kw.setdefault("length", lengths.get(ftype, 0))
    if ftype in ("double", "currency", "percent"):
        kw.setdefault("precision", 18)
        kw.setdefault("scale", 2)
    if ftype == "boolean":
        kw.setdefault("nillable", False)
        kw.setdefault("default_value", False)
    return FieldDef(name=name, type=ftype, label=str(kw.pop("label", "") or _label(name)), **kw)  # type: ignore[arg-type]


def readonly(name: str, ftype: str, **kw: object) -> FieldDef:
    """A field the API never lets a client write (derived or system-maintained)."""
    kw.setdefault("createable", False)
    kw.setdefault("updateable", False)
    if ftype == "string":
        kw.setdefault("length", 255)
    return typed(name, ftype, **kw)


def picklist(name: str, values: list[str] | tuple[str, ...], *, restricted: bool = False,
             multi: bool = False, default: str | None = None, required: bool = False,
             **kw: object) -> FieldDef:
    """A picklist (or multi-select picklist) field."""
    pvs = tuple(PicklistValue(value=v, label=v, default=(v == default)) for v in values)
    return FieldDef(name=name, type="multipicklist" if multi else "picklist",
                    length=4099 if multi else 255, label=str(kw.pop("label", "") or _label(name)),
                    picklist_values=pvs, restricted_picklist=restricted,
                    nillable=not required, default_value=default, **kw)  # type: ignore[arg-type]


def ref(name: str, *targets: str, relationship: str | None = None, required: bool = False,
        **kw: object) -> FieldDef:
    """A reference (lookup) field; relationship name defaults to the name minus 'Id'."""
    rel = relationship or (name[:-2] if name.endswith("Id") else name)
    return FieldDef(name=name, type="reference", length=18, reference_to=targets,
                    relationship_name=rel, nillable=not required, label=_label(name),
                    **kw)  # type: ignore[arg-type]


def new_object(name: str, key_prefix: str, *, owner: bool = True, label: str = "",
               custom: bool = False, name_field: FieldDef | None = None) -> ObjectDef:
    """An object with the system fields every record has (and OwnerId for owned objects)."""
    obj = ObjectDef(name=name, key_prefix=key_prefix, label=label or _label(name), custom=custom)
    obj.add_field(FieldDef(name="Id", type="id", length=18, nillable=False, createable=False,
                           updateable=False, id_lookup=True, label=f"{obj.label} ID"))
    obj.add_field(readonly("IsDeleted", "boolean", label="Deleted"))
    # CreatedDate & co. are createable as with "Set Audit Fields upon Record Creation".
    obj.add_field(typed("CreatedDate", "datetime", updateable=False, label="Created Date"))
    obj.add_field(ref("CreatedById", "User", relationship="CreatedBy", updateable=False))
    obj.add_field(typed("LastModifiedDate", "datetime", updateable=False, label="Last Modified Date"))
    obj.add_field(ref("LastModifiedById", "User", relationship="LastModifiedBy", updateable=False))
    obj.add_field(readonly("SystemModstamp", "datetime", label="System Modstamp"))
    if owner:
        obj.add_field(ref("OwnerId", "User", relationship="Owner"))
    if name_field is not None:
        obj.add_field(name_field)
    return obj


def add(obj: ObjectDef, *fields: FieldDef) -> ObjectDef:
    """Add fields to an object; returns it for chaining."""
    for definition in fields:
        obj.add_field(definition)
    return obj


def link_child_relationships(schema: Schema, names: dict[tuple[str, str], str] | None = None) -> None:
    """Fill each object's child relationships from the reference fields pointing at it.

    ``names`` maps (child object, field) to the relationship name ("Contacts", "" for none);
    standard fields not named there get ``<Child>s``. Custom lookups are linked by the
    metadata loader from their ``relationshipName``. Existing entries are kept.
    """
    names = names or {}
    for child in schema.objects.values():
        for definition in child.fields.values():
            if definition.type != "reference" or definition.name in ("CreatedById", "LastModifiedById"):
                continue
            if definition.name == "OwnerId":
                continue
            rel_name = names.get((child.name, definition.name))
            if rel_name is None:
                if definition.custom:
                    continue  # custom lookups name their relationship in metadata
                rel_name = f"{child.name}s"
            if not rel_name:
                continue
            for target in definition.reference_to:
                if schema.has_object(target):
                    parent = schema.object(target)
                    key = rel_name.lower()
                    if key not in parent.child_relationships:
                        parent.child_relationships[key] = ChildRelationship(
                            name=rel_name, child_sobject=child.name, field=definition.name)


def _label(name: str) -> str:
    base = name[:-3] if name.endswith("__c") else name
    if base.endswith("Id") and len(base) > 2:
        base = base[:-2] + " ID"
    return base.replace("_", " ")
