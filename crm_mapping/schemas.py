"""Validation of mapping documents: marshmallow for the shape, then the catalog's rules.

Every problem becomes one ``MappingProblem`` with a dotted path and a message that names
the fix; a document with problems is never half-applied.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from crm_mapping.model import (
    DEFAULT_SETTINGS,
    FORMAT,
    FieldBinding,
    FieldMapping,
    MappingInvalid,
    MappingProblem,
    default_mapping,
)
from field_specs.catalog import CATALOG
from field_specs.model import LOGICAL_OBJECTS, PLAYS

# Salesforce API names: letters, digits and single underscores, starting with a letter, an
# optional namespace prefix ("ns__") and suffix ("__c", "__r", ...). Paths join names by dots.
_SEGMENT = re.compile(
    r"^(?:[A-Za-z][A-Za-z0-9]*__)?[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)(?:__[a-z]{1,3})?$")
REQUIRED_OBJECTS = ("account",)


def valid_api_name(name: str, *, path: bool = False) -> bool:
    """True for a syntactically valid API name (or dotted relationship path if ``path``)."""
    parts = name.split(".") if path else [name]
    return all(_SEGMENT.match(part) for part in parts) and len(name) <= 255


class _Binding(fields.Field):
    """A field binding: an API name string, null, or {field, values, aliases}."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value is None or isinstance(value, str):
            return {"field": value} if value is not None else {"field": None}
        if isinstance(value, dict):
            return _BindingSchema().load(value)
        raise ValidationError("must be an API name, null (unmapped) or {field, values, aliases}")


class _BindingSchema(Schema):
    class Meta:
        unknown = RAISE

    field = fields.String(allow_none=True)
    values = fields.Dict(keys=fields.String(), values=fields.String())
    aliases = fields.Dict(keys=fields.String(), values=fields.String())


class MappingDocumentSchema(Schema):
    """The document's shape (see crm_mapping.document for an example)."""

    class Meta:
        unknown = RAISE

    format = fields.Integer(validate=validate.Equal(FORMAT))
    enabled_plays = fields.List(fields.String(validate=validate.OneOf(PLAYS)))
    settings = fields.Dict(keys=fields.String(validate=validate.OneOf(tuple(DEFAULT_SETTINGS))))
    objects = fields.Dict(keys=fields.String(validate=validate.OneOf(LOGICAL_OBJECTS)),
                          values=fields.String(allow_none=True))
    # "fields" would shadow Schema.fields, hence the attribute name
    bindings = fields.Dict(keys=fields.String(), values=_Binding(allow_none=True),
                           data_key="fields")


def _flatten(messages: Any, path: str) -> list[MappingProblem]:
    """marshmallow's nested error dict -> one problem per leaf message."""
    if isinstance(messages, dict):
        problems = []
        for key, value in messages.items():
            if key == "key":
                # error on the dict key itself
                problems += _flatten(value, path)
            elif key == "value":
                problems += _flatten(value, path)
            else:
                problems += _flatten(value, f"{path}.{key}" if path else str(key))
        return problems
    if isinstance(messages, list):
        return [p for m in messages for p in _flatten(m, path)]
    return [MappingProblem(path or "(document)", str(messages))]


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name, list(CATALOG), n=1)
    return f"; did you mean {close[0]!r}?" if close else "; see `radar fields list`"


def _check_field(name: str, raw: Mapping[str, Any], objects: Mapping[str, str | None],
                 problems: list[MappingProblem]) -> FieldBinding | None:
    path = f"fields.{name}"
    entry = CATALOG.get(name)
    if entry is None:
        problems.append(MappingProblem(path, f"unknown logical field {name!r}{_suggest(name)}"))
        return None
    default = default_mapping().fields[name]
    api = raw["field"] if "field" in raw else default.api
    if api is not None:
        dotted = "." in api
        if not valid_api_name(api, path=True):
            problems.append(MappingProblem(
                f"{path}.field", f"{api!r} is not a Salesforce API name (letters, digits and "
                "single underscores, starting with a letter, e.g. Customer_Tier__c)"))
        elif dotted and entry.writes:
            problems.append(MappingProblem(
                f"{path}.field", f"{name} is written by the service, so it must be a field of "
                f"{objects.get(entry.object)} itself, not the path {api!r}"))
    known = {v.value for v in entry.values}
    values = dict(default.values)
    for logical, org in (raw.get("values") or {}).items():
        if logical not in known:
            hint = f"one of {sorted(known)}" if known else "nothing: the field has no values"
            problems.append(MappingProblem(f"{path}.values.{logical}",
                                           f"{logical!r} is not a value of {name}; expected "
                                           f"{hint}"))
        elif not org.strip():
            problems.append(MappingProblem(f"{path}.values.{logical}",
                                           "the org value must not be empty"))
        else:
            values[logical] = org
    aliases = {}
    for org, logical in (raw.get("aliases") or {}).items():
        if logical not in known:
            problems.append(MappingProblem(f"{path}.aliases.{org}",
                                           f"{logical!r} is not a value of {name}; expected "
                                           f"one of {sorted(known)}"))
        else:
            aliases[org] = logical
    return FieldBinding(name, api, values, aliases)


def resolve_document(document: Mapping[str, Any]) -> FieldMapping:
    """Validate ``document`` and merge it over the defaults (see ``load_mapping``)."""
    try:
        data = MappingDocumentSchema().load(dict(document))
    except ValidationError as exc:
        raise MappingInvalid(_flatten(exc.messages, "")) from None
    problems: list[MappingProblem] = []
    base = default_mapping()
    objects = dict(base.objects)
    for logical, sobject in (data.get("objects") or {}).items():
        if sobject is None and logical in REQUIRED_OBJECTS:
            problems.append(MappingProblem(f"objects.{logical}",
                                           f"{logical} cannot be unmapped: every scan reads it"))
        elif sobject is not None and not valid_api_name(sobject):
            problems.append(MappingProblem(f"objects.{logical}",
                                           f"{sobject!r} is not a Salesforce object API name"))
        else:
            objects[logical] = sobject
    bindings = dict(base.fields)
    for name, raw in (data.get("bindings") or {}).items():
        binding = _check_field(name, raw or {"field": None}, objects, problems)
        if binding is not None:
            bindings[name] = binding
    _check_duplicates(bindings, objects, set(data.get("bindings") or {}), problems)
    settings = {**DEFAULT_SETTINGS, **(data.get("settings") or {})}
    if settings["owned_products_from"] not in ("opportunities", "assets"):
        problems.append(MappingProblem("settings.owned_products_from",
                                       "must be 'opportunities' or 'assets'"))
    if problems:
        raise MappingInvalid(problems)
    plays = tuple(data["enabled_plays"]) if "enabled_plays" in data else base.enabled_plays
    return FieldMapping(objects=objects, fields=bindings, enabled_plays=plays, settings=settings)


def _check_duplicates(bindings: Mapping[str, FieldBinding], objects: Mapping[str, str | None],
                      changed: set[str], problems: list[MappingProblem]) -> None:
    seen: dict[tuple[str, str], str] = {}
    # bindings the document did not touch first, so the problem lands on the one it changed
    ordered = sorted(bindings.items(), key=lambda item: item[0] in changed)
    for name, binding in ordered:
        sobject = objects.get(name.split(".", 1)[0])
        if binding.api is None or sobject is None:
            continue
        key = (sobject.lower(), binding.api.lower())
        if key in seen:
            problems.append(MappingProblem(
                f"fields.{name}.field", f"{sobject}.{binding.api} is already bound to "
                f"{seen[key]}; one org field can hold only one logical field"))
        else:
            seen[key] = name


def _binding_json_schema(name: str) -> dict[str, Any]:
    """One logical field's binding as JSON Schema: an API name, null, or {field, values,
    aliases} whose value keys are the field's own logical values."""
    entry = CATALOG[name]
    segment = _SEGMENT.pattern.strip("^$")
    # a field the service writes must be on the object itself; read fields may follow paths
    pattern = f"^{segment}$" if entry.writes else f"^{segment}(?:\\.{segment})*$"
    api = {"type": "string", "pattern": pattern, "maxLength": 255}
    known = sorted(v.value for v in entry.values)
    org_value = {"type": "string", "pattern": "\\S"}
    values: dict[str, Any] = {"type": "object", "additionalProperties": False,
                              "properties": {v: org_value for v in known}}
    aliases: dict[str, Any] = {"type": "object",
                               "additionalProperties": {"type": "string", "enum": known}}
    if not known:
        aliases = {"type": "object", "maxProperties": 0}
    binding = {"type": "object", "additionalProperties": False, "properties": {
        "field": {**api, "nullable": True}, "values": values, "aliases": aliases}}
    return {"nullable": True, "oneOf": [api, binding]}


def document_json_schema() -> dict[str, Any]:
    """The mapping document as OpenAPI 3.0 JSON Schema, for the admin API's spec.

    It states every rule that is about one value (names, logical values, plays); what
    concerns two at once (two logical fields bound to one org field) is checked by
    ``resolve_document`` only, and answered 400 with the problem's path.
    """
    object_names = {"type": "string", "pattern": _SEGMENT.pattern, "maxLength": 255}
    return {
        "type": "object", "additionalProperties": False,
        "description": "a mapping document (see crm_mapping/document.py); only what differs "
                       "from the catalog's defaults",
        "properties": {
            "format": {"type": "integer", "enum": [FORMAT]},
            "enabled_plays": {"type": "array", "items": {"type": "string", "enum": list(PLAYS)}},
            "settings": {"type": "object", "additionalProperties": False, "properties": {
                "owned_products_from": {"type": "string",
                                        "enum": ["opportunities", "assets"]}}},
            "objects": {"type": "object", "additionalProperties": False, "properties": {
                name: object_names if name in REQUIRED_OBJECTS
                else {**object_names, "nullable": True} for name in LOGICAL_OBJECTS}},
            "fields": {"type": "object", "additionalProperties": False,
                       "properties": {name: _binding_json_schema(name) for name in CATALOG}},
        },
    }
