"""The mapping editor's form view: one logical object at a time, each logical field with a
picker of the org's fields of a compatible type (from describe) and, for picklist-valued
fields, a picker per logical value from the chosen field's active values.

Submitting turns the choices into a YAML draft over the version it started from and runs
the editor's own validation (the same org check as the validate API), then shows the YAML
view with the result, where it can be saved. No script: the pickers are a plain form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from flask import Blueprint, abort, render_template, request

from crm_mapping.preflight import COMPATIBLE
from crm_mapping.store import VersionNotFound
from field_specs.catalog import CATALOG
from field_specs.model import LOGICAL_OBJECTS, LogicalField

UNMAPPED = ""  # the picker's "not mapped" choice


@dataclass(frozen=True)
class FieldPicker:
    """One logical field's row of the form."""

    entry: LogicalField
    current: str | None
    choices: Sequence[tuple[str, str]]  # (API name, "Label (API name, type)")
    value_choices: Sequence[str]  # active picklist values of the current field
    current_values: Mapping[str, str]  # logical value -> org value


def _fields_by_name(describe: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    return {f["name"]: f for f in (describe or {}).get("fields") or []}


def pickers(logical_object: str, document: Mapping[str, Any],
            describe: Mapping[str, Any] | None) -> list[FieldPicker]:
    """The rows for ``logical_object`` under ``document`` (a full stored document)."""
    described = _fields_by_name(describe)
    rows = []
    for entry in CATALOG.values():
        if entry.object != logical_object:
            continue
        raw = (document.get("fields") or {}).get(entry.name, entry.api_name)
        current = raw.get("field") if isinstance(raw, dict) else raw
        values = dict(raw.get("values") or {}) if isinstance(raw, dict) else {}
        choices = sorted((name, f"{f.get('label') or name} ({name}, {f.get('type')})")
                         for name, f in described.items()
                         if f.get("type") in COMPATIBLE[entry.type])
        field = described.get(current or "")
        active = sorted(v.get("value") for v in (field or {}).get("picklistValues") or []
                        if v.get("active", True) and v.get("value"))
        rows.append(FieldPicker(entry, current, choices, active, values))
    return rows


def draft_from_form(document: Mapping[str, Any], logical_object: str,
                    form: Mapping[str, str]) -> str:
    """The YAML draft: ``document`` with this object's fields set as the form chose."""
    fields = dict(document.get("fields") or {})
    for entry in CATALOG.values():
        if entry.object != logical_object or f"field:{entry.name}" not in form:
            continue
        api = form.get(f"field:{entry.name}") or None
        values = {v.value: form[f"value:{entry.name}:{v.value}"] for v in entry.values
                  if form.get(f"value:{entry.name}:{v.value}")}
        old = fields.get(entry.name)
        aliases = old.get("aliases") if isinstance(old, dict) else None
        if values or aliases:
            fields[entry.name] = {"field": api, "values": values,
                                  **({"aliases": aliases} if aliases else {})}
        else:
            fields[entry.name] = api
    return yaml.safe_dump({**document, "fields": fields}, sort_keys=False, allow_unicode=True)


def register_form_routes(bp: Blueprint, _source: Callable[[], Any],
                         _editor: Callable[..., tuple[str, int]]) -> None:
    """Add ``/admin/mapping/form`` (GET the pickers, POST them into the YAML view).

    Args:
        bp: the admin blueprint.
        _source: returns the MappingSource (the editor's).
        _editor: renders the YAML view with a draft and its validation (the editor's).
    """

    def base_document() -> tuple[int, Mapping[str, Any]]:
        source = _source()
        wanted = request.values.get("draft_from", type=int)
        try:
            version = source.get(wanted) if wanted is not None else source.active()
        except VersionNotFound:
            abort(404, f"Mapping version {wanted} does not exist.")
        return version.version, version.document

    def chosen_object() -> str:
        name = request.values.get("object") or "account"
        if name not in LOGICAL_OBJECTS:
            abort(404, f"There is no logical object {name!r}.")
        return name

    @bp.route("/mapping/form")
    def mapping_form() -> str:
        """Pickers for one logical object's fields, fed by the org's describe."""
        version, document = base_document()
        logical = chosen_object()
        sobject = (document.get("objects") or {}).get(logical)
        describe, problem = None, ""
        provider = getattr(_source(), "describe_provider", None)
        if provider is None:
            problem = "No org connection is configured: the pickers cannot list fields."
        elif sobject:
            try:
                describe = provider([sobject]).get(sobject)
            except Exception:  # noqa: BLE001 - an unreachable org is a note, not a 500
                problem = "The org could not be reached: use the YAML view for now."
            if describe is None and not problem:
                problem = f"The org has no object {sobject} (or the integration user cannot see it)."
        return render_template("admin_mapping_form.html", version=version, logical=logical,
                               sobject=sobject, objects=LOGICAL_OBJECTS, problem=problem,
                               rows=pickers(logical, document, describe))

    @bp.route("/mapping/form", methods=["POST"])
    def mapping_form_apply() -> tuple[str, int]:
        """The form's choices as a YAML draft, validated, in the YAML view."""
        _, document = base_document()
        text = draft_from_form(document, chosen_object(), request.form)
        validation = _source().validate(text)
        outcome = "Valid: no errors." if validation.ok else \
            f"{len(validation.errors)} error(s): the draft cannot be saved as it is."
        return _editor(text, validation=validation, outcome=outcome)
