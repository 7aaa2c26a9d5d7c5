"""Load SFDX source-format metadata (custom objects and fields) into a Schema.

Layout: ``objects/<Obj>/<Obj>.object-meta.xml`` and ``objects/<Obj>/fields/*.field-meta.xml``
(https://developer.salesforce.com/docs/atlas.en-us.sfdx_dev.meta/sfdx_dev/sfdx_dev_source_file_format.htm).
Fields under ``objects/Activity`` apply to Task and Event, as Activity custom fields do.
Describe types follow the Metadata API mapping (custom Number is "double" whatever its scale).
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import logging
import re
import shutil
import tempfile
from pathlib import Path
from xml.etree.ElementTree import Element  # noqa: S405 - only the type; parsing is defusedxml

from defusedxml import ElementTree

from emulator.fielddefs import new_object
from emulator.schema import ChildRelationship, FieldDef, ObjectDef, PicklistValue, Schema
from emulator.standard_objects import finalize

log = logging.getLogger(__name__)
NS = "{http://soap.sforce.com/2006/04/metadata}"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

_TYPE_MAP = {
    "Text": "string", "TextArea": "textarea", "LongTextArea": "textarea", "Html": "textarea",
    "EncryptedText": "encryptedstring", "Number": "double", "Currency": "currency",
    "Percent": "percent", "Checkbox": "boolean", "Date": "date", "DateTime": "datetime",
    "Time": "time", "Picklist": "picklist", "MultiselectPicklist": "multipicklist",
    "Lookup": "reference", "MasterDetail": "reference", "Email": "email", "Url": "url",
    "Phone": "phone", "AutoNumber": "string",
}
# Custom objects whose Name is an autonumber -> displayFormat ("PU-{000000}").
AUTONUMBER_FORMATS: dict[str, str] = {}
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_DEFAULT_LENGTH = {"TextArea": 255, "Email": 80, "Phone": 40, "Url": 255, "Picklist": 255,
                   "MultiselectPicklist": 4099, "AutoNumber": 30, "Lookup": 18, "MasterDetail": 18}


class MetadataError(ValueError):
    """A metadata file is malformed or names an unknown type."""


@functools.cache
def default_metadata_dir() -> Path:
    """The product's own metadata, exported from field_specs (the single source of it) into
    a private temp dir once per process, so starting many emulators stays fast."""
    from field_specs.sfdx import export_metadata  # noqa: PLC0415 - only when an org needs it

    target = Path(tempfile.mkdtemp(prefix="radar-field-specs-"))
    atexit.register(shutil.rmtree, target, True)
    return Path(export_metadata(target))


def load_metadata(schema: Schema, root: Path) -> list[str]:
    """Add the custom objects and fields found under ``root`` to ``schema``.

    Returns the names of the objects touched. Raises MetadataError on malformed files.
    """
    objects_dir = _objects_dir(root)
    touched: list[str] = []
    folders = sorted(p for p in objects_dir.iterdir() if p.is_dir())
    # Objects first, so lookups between custom objects resolve in any order.
    for folder in folders:
        if not _NAME_RE.match(folder.name):
            raise MetadataError(f"{folder}: invalid object name")
        if folder.name.endswith("__c") and not schema.has_object(folder.name):
            schema.add(_custom_object(folder, schema))
    pending_children: list[tuple[ObjectDef, FieldDef, str]] = []
    for folder in folders:
        targets = ["Task", "Event"] if folder.name == "Activity" else [folder.name]
        for target in targets:
            if not schema.has_object(target):
                log.warning("metadata for unknown object %s ignored", target)
                continue
            obj = schema.object(target)
            for field_file in sorted((folder / "fields").glob("*.field-meta.xml")):
                definition, child_name = _field(_parse(field_file), field_file)
                obj.add_field(definition)
                if child_name:
                    pending_children.append((obj, definition, child_name))
            touched.append(obj.name)
    for child, definition, child_name in pending_children:
        for parent_name in definition.reference_to:
            if schema.has_object(parent_name):
                parent = schema.object(parent_name)
                parent.child_relationships[child_name.lower()] = ChildRelationship(
                    name=child_name, child_sobject=child.name, field=definition.name)
    finalize(schema)
    return touched


def _objects_dir(root: Path) -> Path:
    if (root / "objects").is_dir():
        return root / "objects"
    if root.name == "objects" and root.is_dir():
        return root
    found = sorted(root.rglob("objects"))
    if not found:
        raise MetadataError(f"no objects/ folder under {root}")
    return found[0]


def _parse(path: Path) -> Element:
    return _parse_cached(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _parse_cached(path: str, mtime_ns: int) -> Element:
    # Keyed by modification time: repeated starts reuse parsed files, edits are re-read.
    try:
        return ElementTree.parse(path).getroot()
    except ElementTree.ParseError as exc:
        raise MetadataError(f"{path}: {exc}") from exc


def _text(node: Element, tag: str, default: str = "") -> str:
    child = node.find(NS + tag)
    if child is None:
        child = node.find(tag)
    return (child.text or "").strip() if child is not None else default


def _flag(node: Element, tag: str) -> bool:
    return _text(node, tag).lower() == "true"


def key_prefix_for(name: str, schema: Schema) -> str:
    """A deterministic custom-object key prefix ``a..`` derived from the object's name."""
    digest = int(hashlib.sha256(name.lower().encode()).hexdigest(), 16)
    for attempt in range(62 * 62):
        value = (digest + attempt) % (62 * 62)
        prefix = "a" + _ALPHABET[value // 62] + _ALPHABET[value % 62]
        if schema.by_prefix(prefix) is None:
            return prefix
    raise MetadataError("no custom key prefix left")


def _custom_object(folder: Path, schema: Schema) -> ObjectDef:
    meta_file = folder / f"{folder.name}.object-meta.xml"
    return custom_object(folder.name, _parse(meta_file) if meta_file.exists() else None, schema)


def custom_object(name: str, root: Element | None, schema: Schema) -> ObjectDef:
    """The ObjectDef of custom object ``name`` from its CustomObject element (None: defaults)."""
    label = name[:-3].replace("_", " ")
    name_label, name_type = "Name", "Text"
    detail_only = False
    if root is not None:
        label = _text(root, "label", label)
        name_node = root.find(NS + "nameField")
        if name_node is not None:
            name_label = _text(name_node, "label", name_label)
            name_type = _text(name_node, "type", name_type)
            if name_type == "AutoNumber":
                AUTONUMBER_FORMATS[name] = _text(name_node, "displayFormat", "{000000}")
        detail_only = _text(root, "sharingModel") == "ControlledByParent"
    auto = name_type == "AutoNumber"
    name_field = FieldDef(name="Name", type="string", length=30 if auto else 80, label=name_label,
                          nillable=auto, createable=not auto, updateable=not auto, id_lookup=True)
    return new_object(name, key_prefix_for(name, schema), owner=not detail_only,
                      label=label, custom=True, name_field=name_field)


def field_definition(node: Element, where: object) -> tuple[FieldDef, str | None]:
    """A CustomField element as a FieldDef plus its child relationship name (lookups).

    Raises MetadataError naming ``where`` when the element is invalid."""
    return _field(node, Path(str(where)))


def _field(node: Element, path: Path) -> tuple[FieldDef, str | None]:
    name = _text(node, "fullName") or path.name.split(".")[0]
    if not _NAME_RE.match(name):
        raise MetadataError(f"{path}: invalid field name {name!r}")
    md_type = _text(node, "type")
    if md_type not in _TYPE_MAP:
        raise MetadataError(f"{path}: unsupported field type {md_type!r}")
    formula = _text(node, "formula")
    writable = not formula and md_type != "AutoNumber"
    ftype = _TYPE_MAP[md_type]
    length = int(_text(node, "length") or _DEFAULT_LENGTH.get(md_type, 0))
    picklist_values, restricted, default = _value_set(node)
    if md_type == "Checkbox":
        default = _text(node, "defaultValue", "false").lower() == "true"
    required = _flag(node, "required") or md_type == "MasterDetail"
    relationship = _text(node, "relationshipName") or None
    definition = FieldDef(
        name=name, type=ftype, label=_text(node, "label", name), length=length,
        precision=int(_text(node, "precision") or 0), scale=int(_text(node, "scale") or 0),
        nillable=not required and md_type != "Checkbox", createable=writable,
        updateable=writable and not (md_type == "MasterDetail" and not _flag(node, "reparentableMasterDetail")),
        unique=_flag(node, "unique"), external_id=_flag(node, "externalId"),
        id_lookup=_flag(node, "externalId") or _flag(node, "unique"),
        calculated=bool(formula), custom=True,
        reference_to=(_text(node, "referenceTo"),) if ftype == "reference" else (),
        relationship_name=f"{name[:-3]}__r" if ftype == "reference" else None,
        picklist_values=picklist_values, restricted_picklist=restricted, default_value=default)
    child_name = f"{relationship}__r" if relationship else None
    return definition, child_name


def _value_set(node: Element) -> tuple[tuple[PicklistValue, ...], bool, object]:
    value_set = node.find(NS + "valueSet")
    if value_set is None:
        return (), False, None
    restricted = _flag(value_set, "restricted")
    definition = value_set.find(NS + "valueSetDefinition")
    values: list[PicklistValue] = []
    default = None
    if definition is not None:
        for value in definition.findall(NS + "value"):
            api_name = _text(value, "fullName")
            is_default = _flag(value, "default")
            values.append(PicklistValue(value=api_name, label=_text(value, "label", api_name),
                                        active=_text(value, "isActive", "true").lower() != "false",
                                        default=is_default))
            if is_default:
                default = api_name
    return tuple(values), restricted, default
