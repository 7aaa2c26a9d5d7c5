"""The admin mapping API's request and response schemas (marshmallow, documented in the
OpenAPI spec by flask-smorest): strict booleans, the mapping document's JSON Schema, the
problem list of an invalid document."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from crm_mapping.schemas import document_json_schema


class StrictBoolean(fields.Boolean):
    """A JSON boolean and nothing else: ``0``, ``"yes"`` or ``"true"`` are refused (marshmallow's
    Boolean would read them as booleans, and ``0 in {False}`` holds in Python)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def _force_field() -> StrictBoolean:
    return StrictBoolean(load_default=False, metadata={
        "description": "activate even when the org check finds errors (logged)"})


class ProblemSchema(Schema):
    path = fields.String(metadata={"description": "where in the document, dotted"})
    message = fields.String()


_PROBLEM_LIST = {"type": "array", "items": {"type": "object", "properties": {
    "path": {"type": "string", "description": "where in the document, dotted"},
    "message": {"type": "string"}}}}


class InvalidDocumentSchema(Schema):
    code = fields.Integer()
    status = fields.String()
    message = fields.String()
    # one {path, message} per problem; a body that is not JSON at all gets webargs' object
    errors = fields.Raw(metadata={"oneOf": [_PROBLEM_LIST, {"type": "object"}]})


class VersionSummarySchema(Schema):
    version = fields.Integer()
    saved_at = fields.String()
    author = fields.String()
    comment = fields.String()
    source = fields.String()
    based_on = fields.Integer(allow_none=True)
    active = fields.Boolean()


class VersionSchema(VersionSummarySchema):
    document = fields.Dict()


def _document_field() -> fields.Dict:
    return fields.Dict(required=True, metadata=document_json_schema())


class SaveArgsSchema(Schema):
    document = _document_field()
    comment = fields.String(load_default="")
    author = fields.String(load_default="admin")
    activate = StrictBoolean(load_default=False)
    force = _force_field()


class DraftArgsSchema(Schema):
    document = _document_field()


class RollbackArgsSchema(Schema):
    comment = fields.String(load_default="")
    author = fields.String(load_default="admin")
    force = _force_field()


class ActivateArgsSchema(Schema):
    force = _force_field()


class DiffArgsSchema(Schema):
    from_version = fields.Integer(required=True, data_key="from", metadata={"example": 1})
    to_version = fields.Integer(required=True, data_key="to", metadata={"example": 1})


class DiffSchema(Schema):
    added = fields.Dict()
    removed = fields.Dict()
    changed = fields.Dict()
    other = fields.Dict()


class PreflightProblemSchema(Schema):
    severity = fields.String()
    logical = fields.String()
    object = fields.String(allow_none=True)
    field = fields.String(allow_none=True)
    message = fields.String()
    fix = fields.String()
    text = fields.String()


class PreflightSchema(Schema):
    ok = fields.Boolean()
    problems = fields.List(fields.Nested(PreflightProblemSchema))


class ValidationResultSchema(Schema):
    ok = fields.Boolean(metadata={"description": "no errors in the document or preflight"})
    preflight = fields.Nested(PreflightSchema, allow_none=True)
    preflight_error = fields.String(allow_none=True)
    samples_error = fields.String(allow_none=True, metadata={
        "description": "why no sample accounts could be read (the org unreachable)"})
    samples = fields.List(fields.Dict(), metadata={"description": "dry-run snapshots"})
    translation_issues = fields.List(fields.Dict())
