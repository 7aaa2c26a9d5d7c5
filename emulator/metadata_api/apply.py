"""Validate a deploy's components and apply them to the org's schema.

CustomObject, CustomField and PermissionSet change what the org *is*: objects and fields
appear in describe and SOQL at once (a ``--no-metadata`` org becomes the product's org).
Every other type is kept as deployed, for ``listMetadata``/``readMetadata``.

``apply_components`` runs the same way on a scratch copy of the schema (to validate: a
check-only deploy, or one whose failures roll everything back) and on the live schema (to
deploy the components that passed). Problems read as Salesforce words them in a deploy's
``componentFailures`` (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_deployresult.htm#deploymessage);
where the exact wording could not be confirmed the text says plainly what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emulator.metadata import _TYPE_MAP, NS, MetadataError, custom_object, field_definition
from emulator.metadata_api.package import CHILD_TYPES, KNOWN_TYPES, Component, Package
from emulator.schema import ChildRelationship, Schema
from emulator.standard_objects import finalize

ACTIVITY_OBJECTS = ("Task", "Event")
_NEEDS_LENGTH = {"Text", "LongTextArea", "Html", "EncryptedText"}
_NEEDS_PRECISION = {"Number", "Currency", "Percent"}
_FIELD_NAME_RULE = ("The Field Name can only contain underscores and alphanumeric characters. It must be unique, "
                    "begin with a letter, not include spaces, not end with an underscore, and not contain two "
                    "consecutive underscores.")


@dataclass
class Outcome:
    """The deploy messages of one run: one per component (and child) with its result."""

    successes: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    deployed: list[Component] = field(default_factory=list)

    def ok(self, component: Component, created: bool) -> None:
        self.successes.append(_message(component, success=True, created=created))
        self.deployed.append(component)

    def fail(self, component: Component, problem: str) -> None:
        self.failures.append(_message(component, success=False, problem=problem))


def _message(component: Component, success: bool, created: bool = False, problem: str | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"changed": success and not created, "componentType": component.type,
                               "created": success and created, "deleted": False,
                               "fileName": component.file_name, "fullName": component.full_name,
                               "id": "", "success": success}
    if problem is not None:
        message.update(problem=problem, problemType="Error")
    return message


def _text(node: Any, tag: str) -> str:
    return (node.findtext(NS + tag) or "").strip()


def package_failures(package: Package) -> list[dict[str, Any]]:
    """package.xml problems: types the Metadata API does not know."""
    return [{"changed": False, "componentType": "", "created": False, "deleted": False, "fileName": "package.xml",
             "fullName": "package.xml", "success": False, "problemType": "Error",
             "problem": f"Unknown type name '{name}' specified in package.xml"}
            for name in package.members if name not in KNOWN_TYPES]


def apply_components(package: Package, schema: Schema) -> Outcome:
    """Apply every component of ``package`` to ``schema``; returns what passed and failed."""
    outcome = Outcome()
    objects = [c for c in package.components if c.type == "CustomObject" and not c.parse_error]
    for component in package.components:
        if component.parse_error:
            outcome.fail(component, component.parse_error)
    for component in objects:
        _object(component, schema, outcome)
    pending: list[tuple[str, Any, str]] = []
    for component in objects:
        for child in component.children:
            if child.type == "CustomField":
                _field(component.full_name, child, schema, outcome, pending)
            else:
                outcome.ok(child, created=True)
    for child_object, definition_name, relationship in pending:
        _link_child(schema, child_object, definition_name, relationship)
    finalize(schema)
    for component in package.components:
        if component.parse_error or component.type == "CustomObject":
            continue
        if component.type == "PermissionSet":
            _permission_set(component, schema, outcome)
        else:
            outcome.ok(component, created=True)
            outcome.deployed.extend(component.children)
    return outcome


# Custom objects, custom metadata types and platform events: the suffixes a deploy may create.
CUSTOM_SUFFIXES = ("__c", "__mdt", "__e")


def _object(component: Component, schema: Schema, outcome: Outcome) -> None:
    name = component.full_name
    if name == "Activity" or (schema.has_object(name) and not name.endswith(CUSTOM_SUFFIXES)):
        # A standard object's own settings: nothing to build. A file holding only child
        # components (the CLI's fields of Account) reports only those children.
        if any(c.tag.rpartition("}")[2] not in CHILD_TYPES["CustomObject"] for c in component.xml):
            outcome.ok(component, created=False)
        else:
            outcome.deployed.append(component)
        return
    if not name.endswith(CUSTOM_SUFFIXES):
        outcome.fail(component, f"Cannot create a new standard object '{name}': custom object names end in __c")
        return
    if not _text(component.xml, "label"):
        outcome.fail(component, "Must specify a non-empty label for the CustomObject")
        return
    if schema.has_object(name):
        outcome.ok(component, created=False)
        return
    schema.add(custom_object(name, component.xml, schema))
    outcome.ok(component, created=True)


def _field_problem(node: Any, targets: list[str], schema: Schema) -> str | None:
    md_type = _text(node, "type")
    name = _text(node, "fullName")
    if not name.endswith("__c") or "__" in name[:-3] or name.startswith("_"):
        return _FIELD_NAME_RULE
    if md_type not in _TYPE_MAP:
        return f"Error parsing file: '{md_type}' is not a valid value for the enum 'FieldType'"
    if not _text(node, "label") and not _text(node, "formula"):
        return "Must specify a non-empty label for the CustomField"
    if md_type in _NEEDS_LENGTH and not _text(node, "length").isdigit():
        return f"Must specify the length of a {md_type} field"
    if md_type in _NEEDS_PRECISION and not _text(node, "formula") and not _text(node, "precision"):
        return f"Must specify the precision of a {md_type} field"
    if md_type in ("Picklist", "MultiselectPicklist") and node.find(NS + "valueSet") is None:
        return "Picklist fields must have a valueSet"
    if md_type in ("Lookup", "MasterDetail"):
        target = _text(node, "referenceTo")
        if not target or not schema.has_object(target):
            return f"referenceTo value of '{target}' does not resolve to a valid sObject type"
        if not _text(node, "relationshipName"):
            return "Must specify a relationship name for a lookup field"
    return None


def _field(object_name: str, child: Component, schema: Schema, outcome: Outcome,
           pending: list[tuple[str, Any, str]]) -> None:
    targets = list(ACTIVITY_OBJECTS) if object_name == "Activity" else [object_name]
    if not all(schema.has_object(t) for t in targets):
        outcome.fail(child, f"Entity of type 'CustomObject' named '{object_name}' cannot be found")
        return
    problem = _field_problem(child.xml, targets, schema)
    if problem is None:
        try:
            definition, relationship = field_definition(child.xml, child.file_name)
        except MetadataError as exc:
            problem = str(exc)
    if problem is not None:
        outcome.fail(child, problem)
        return
    created = not schema.object(targets[0]).has_field(definition.name)
    for target in targets:
        schema.object(target).add_field(definition)
        if relationship:
            pending.append((target, definition.name, relationship))
    outcome.ok(child, created=created)


def _link_child(schema: Schema, child_object: str, field_name: str, relationship: str) -> None:
    definition = schema.object(child_object).field(field_name)
    for parent_name in definition.reference_to:
        if schema.has_object(parent_name):
            schema.object(parent_name).child_relationships[relationship.lower()] = ChildRelationship(
                name=relationship, child_sobject=child_object, field=definition.name)


def _permission_set(component: Component, schema: Schema, outcome: Outcome) -> None:
    xml = component.xml
    if not _text(xml, "label"):
        outcome.fail(component, "Must specify a non-empty label for the PermissionSet")
        return
    for permission in xml.findall(NS + "fieldPermissions"):
        name = _text(permission, "field")
        object_name, _, field_name = name.partition(".")
        if not (schema.has_object(object_name) and schema.object(object_name).has_field(field_name)):
            outcome.fail(component, f"In field: field - no CustomField named {name} found")
            return
    for permission in xml.findall(NS + "objectPermissions"):
        name = _text(permission, "object")
        if not schema.has_object(name):
            outcome.fail(component, f"In field: object - no CustomObject named {name} found")
            return
    outcome.ok(component, created=True)
