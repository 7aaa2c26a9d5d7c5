"""The emulated org's schema: objects, fields and relationships, as describe reports them.

Shared by the REST server (describe, write validation), the SOQL engine (name resolution,
joins) and the org generator. Names are case-insensitive as in Salesforce: look-ups go
through lower-cased keys, while each definition keeps its canonical spelling.

Storage convention (SQLite, see emulator/store.py): one table per object named exactly as
``ObjectDef.name``; one column per field named exactly as ``FieldDef.name``; ``Id`` is the
primary key (18-character id). Encodings: date 'YYYY-MM-DD'; datetime
'YYYY-MM-DDTHH:MM:SS.000+0000' in UTC (so text order is time order); boolean 0/1;
int/double/currency/percent as numbers; multipicklist values joined by ';'; everything
else text. NULL is null.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FIELD_TYPES = frozenset(
    {
        "id", "string", "textarea", "picklist", "multipicklist", "double", "currency",
        "percent", "int", "boolean", "date", "datetime", "reference", "email", "url",
        "phone", "base64", "combobox", "encryptedstring", "time", "long", "address",
    }
)


class UnknownObject(KeyError):
    """No object of that name in the org (REST answers NOT_FOUND / INVALID_TYPE)."""


class UnknownField(KeyError):
    """No field of that name on the object (REST answers INVALID_FIELD)."""


@dataclass(frozen=True)
class PicklistValue:
    value: str
    label: str
    active: bool = True
    default: bool = False


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str
    label: str = ""
    length: int = 0
    precision: int = 0
    scale: int = 0
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    unique: bool = False
    external_id: bool = False
    id_lookup: bool = False
    calculated: bool = False  # formula fields are read-only
    custom: bool = False
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None  # "Account" for AccountId, "Account__r" for Account__c
    picklist_values: tuple[PicklistValue, ...] = ()
    restricted_picklist: bool = False
    default_value: object = None

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"unknown field type {self.type!r} for {self.name}")


@dataclass(frozen=True)
class ChildRelationship:
    name: str  # "Contacts", "Product_Usages__r"
    child_sobject: str  # "Contact"
    field: str  # "AccountId"


@dataclass
class ObjectDef:
    name: str
    key_prefix: str
    label: str = ""
    custom: bool = False
    queryable: bool = True
    fields: dict[str, FieldDef] = field(default_factory=dict)  # lower-case name -> def
    child_relationships: dict[str, ChildRelationship] = field(default_factory=dict)

    def add_field(self, definition: FieldDef) -> None:
        self.fields[definition.name.lower()] = definition

    def field(self, name: str) -> FieldDef:
        try:
            return self.fields[name.lower()]
        except KeyError:
            raise UnknownField(name) from None

    def has_field(self, name: str) -> bool:
        return name.lower() in self.fields

    def relationship(self, name: str) -> FieldDef | None:
        """The reference field whose relationship name is ``name`` ("Account", "Owner")."""
        lowered = name.lower()
        for definition in self.fields.values():
            if definition.relationship_name and definition.relationship_name.lower() == lowered:
                return definition
        return None


@dataclass
class Schema:
    objects: dict[str, ObjectDef] = field(default_factory=dict)  # lower-case name -> def

    def add(self, obj: ObjectDef) -> None:
        self.objects[obj.name.lower()] = obj

    def object(self, name: str) -> ObjectDef:
        try:
            return self.objects[name.lower()]
        except KeyError:
            raise UnknownObject(name) from None

    def has_object(self, name: str) -> bool:
        return name.lower() in self.objects

    def by_prefix(self, key_prefix: str) -> ObjectDef | None:
        return next((o for o in self.objects.values() if o.key_prefix == key_prefix), None)
