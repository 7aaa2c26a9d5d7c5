"""Preflight: does the org have what the mapping promises? Pure, over describe JSON.

Input is ``GET sobjects/<Object>/describe`` per object (``fields[]`` with name, type,
createable, updateable, calculated, externalId, length, restrictedPicklist,
picklistValues[{value, active}], relationshipName, referenceTo). One ``PreflightProblem``
per problem, naming object, field and the fix. A scan refuses to start on errors
(``PreflightReport.ok``); warnings are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from crm_mapping.document import FieldMapping
from crm_mapping.reading import READ_OBJECTS
from field_specs.catalog import CATALOG
from field_specs.model import LogicalField

Severity = Literal["error", "warning"]
Describe = Mapping[str, Any]

# Describe types a logical type accepts (a logical number reads double/currency/percent/int).
COMPATIBLE: Mapping[str, frozenset[str]] = {
    "id": frozenset({"id"}),
    "reference": frozenset({"reference", "id", "string", "picklist", "combobox"}),
    "string": frozenset({"string", "textarea", "picklist", "combobox", "email", "url", "phone",
                         "id", "reference", "multipicklist", "anyType"}),
    "text": frozenset({"textarea", "string", "base64"}),
    "picklist": frozenset({"picklist", "string", "combobox", "multipicklist"}),
    "multipicklist": frozenset({"multipicklist", "picklist", "string", "textarea"}),
    "number": frozenset({"double", "currency", "percent", "int", "long"}),
    "integer": frozenset({"int", "double", "long"}),
    "currency": frozenset({"currency", "double", "int", "long"}),
    "percent": frozenset({"percent", "double"}),
    "boolean": frozenset({"boolean"}),
    "date": frozenset({"date", "datetime"}),
    "datetime": frozenset({"datetime", "date"}),
    "email": frozenset({"email", "string"}),
    "url": frozenset({"url", "string"}),
}
# How the service writes each logical object: creates need createable, updates updateable.
WRITE_MODES: Mapping[str, tuple[str, ...]] = {
    "account": ("update",), "contact": ("update",), "task": ("create", "update"),
    "opportunity": ("create", "update"), "opportunity_contact_role": ("create",),
    "content_version": ("create",), "event": ("create",), "event_relation": ("create",),
}
_REQUIRED_OBJECTS = {logical for logical, required, _ in READ_OBJECTS if required}


@dataclass(frozen=True)
class PreflightProblem:
    severity: Severity
    logical: str  # logical field or object name
    sobject: str | None
    field: str | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = ".".join(p for p in (self.sobject, self.field) if p) or "-"
        return f"{self.severity.upper()} {where} ({self.logical}): {self.message}. Fix: {self.fix}"


@dataclass
class PreflightReport:
    problems: list[PreflightProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[PreflightProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[PreflightProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when a scan may start (warnings allowed)."""
        return not self.errors

    def add(self, severity: Severity, logical: str, sobject: str | None, field_name: str | None,
            message: str, fix: str) -> None:
        self.problems.append(PreflightProblem(severity, logical, sobject, field_name, message, fix))

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": [
            {"severity": p.severity, "logical": p.logical, "object": p.sobject,
             "field": p.field, "message": p.message, "fix": p.fix, "text": str(p)}
            for p in self.problems]}


def _index(describes: Mapping[str, Describe | None]) -> dict[str, dict[str, Mapping[str, Any]]]:
    return {name.lower(): {f["name"].lower(): f for f in (d.get("fields") or [])}
            for name, d in describes.items() if d}


def _used(entry: LogicalField, plays: tuple[str, ...]) -> bool:
    """Whether an enabled play uses the field (fields no play claims are always used)."""
    if not entry.required_for and not entry.plays:
        return True
    return bool(set(entry.required_for) & set(plays)) or bool(set(entry.plays) & set(plays))


def preflight(mapping: FieldMapping, describes: Mapping[str, Describe | None]) -> PreflightReport:
    """Check ``mapping`` against the org's describe results (keyed by object API name)."""
    report = PreflightReport()
    index = _index(describes)
    missing_objects: set[str] = set()
    for logical_object, sobject in mapping.objects.items():
        if sobject is None or sobject.lower() in index:
            continue
        needed = logical_object in _REQUIRED_OBJECTS or any(
            set(entry.required_for) & set(mapping.enabled_plays)
            for entry in CATALOG.values() if entry.object == logical_object)
        missing_objects.add(logical_object)
        report.add("error" if needed else "warning", logical_object, sobject, None,
                   f"object {sobject} does not exist in the org (or the integration user "
                   "cannot see it)",
                   f"deploy it (radar fields export), grant access, or map {logical_object} "
                   "to another object" + ("" if needed else " / null to skip it"))
    for entry in CATALOG.values():
        if entry.object in missing_objects:
            continue
        _check_field(report, mapping, index, entry)
    return report


def _check_field(report: PreflightReport, mapping: FieldMapping,
                 index: dict[str, dict[str, Mapping[str, Any]]], entry: LogicalField) -> None:
    sobject = mapping.sobject(entry.object)
    api = mapping.api(entry.name)
    plays = mapping.enabled_plays
    if api is None:
        required = set(entry.required_for) & set(plays)
        if required:
            report.add("error", entry.name, sobject, None,
                       f"unmapped, but the enabled play(s) {', '.join(sorted(required))} need it",
                       f"map {entry.name} to a field of {sobject}, or disable "
                       f"{', '.join(sorted(required))}")
        elif set(entry.plays) & set(plays) and entry.writes:
            report.add("warning", entry.name, sobject, None,
                       "unmapped: the service will not write it",
                       f"map {entry.name} to a field of {sobject} to have it written")
        return
    if sobject is None:
        return
    described = _resolve(index, sobject, api)
    if described is None:
        report.add("error", entry.name, sobject, api,
                   f"field {api} does not exist on {sobject} (or is hidden from the "
                   "integration user by field-level security)",
                   f"deploy it (radar fields export) and assign the permission set, or map "
                   f"{entry.name} to an existing field, or to null")
        return
    sf_type = described.get("type")
    if sf_type not in COMPATIBLE[entry.type]:
        report.add("error", entry.name, sobject, api,
                   f"type {sf_type} cannot hold a logical {entry.type}",
                   f"map {entry.name} to a field of type "
                   f"{' / '.join(sorted(COMPATIBLE[entry.type]))}")
        return
    if entry.writes and "." not in api and _used(entry, plays):
        _check_writable(report, entry, sobject, api, described)
        _check_write_values(report, mapping, entry, sobject, api, described)
    if entry.closed_values and sf_type in ("picklist", "multipicklist"):
        _check_read_values(report, mapping, entry, sobject, api, described)


def _resolve(index: dict[str, dict[str, Mapping[str, Any]]], sobject: str,
             api: str) -> Mapping[str, Any] | None:
    """The describe of ``api`` on ``sobject``, following a parent path when dotted."""
    fields = index.get(sobject.lower(), {})
    parts = api.split(".")
    for position, part in enumerate(parts[:-1]):
        relation = next((f for f in fields.values()
                         if (f.get("relationshipName") or "").lower() == part.lower()), None)
        if relation is None:
            return None
        targets = relation.get("referenceTo") or []
        target = next((t for t in targets if t.lower() in index), None)
        if target is None:
            # parent object not described: trust the relationship exists; type from a stub
            return {"name": ".".join(parts[position:]), "type": "reference"} if \
                parts[-1].lower().endswith("id") else None
        fields = index[target.lower()]
    return fields.get(parts[-1].lower())


def _check_writable(report: PreflightReport, entry: LogicalField, sobject: str, api: str,
                    described: Mapping[str, Any]) -> None:
    modes = WRITE_MODES.get(entry.object, ("update",))
    if described.get("calculated"):
        report.add("error", entry.name, sobject, api,
                   f"{api} is a formula (calculated) field; the service writes {entry.name}",
                   f"map {entry.name} to a plain field, not a formula")
        return
    if "create" in modes and not described.get("createable", False):
        report.add("error", entry.name, sobject, api, f"{api} is not createable",
                   "grant edit access to the field (permission set) or map another field")
    elif "update" in modes and not described.get("updateable", False) and \
            entry.object not in ("opportunity_contact_role",):
        report.add("error", entry.name, sobject, api, f"{api} is read-only (not updateable)",
                   "grant edit access to the field (permission set) or map another field")
    length = described.get("length") or 0
    if entry.length and entry.type in ("string", "text") and 0 < length < entry.length \
            and entry.attribute != "expansion_key":
        report.add("warning", entry.name, sobject, api,
                   f"{api} holds {length} characters; the service may write up to "
                   f"{entry.length}, longer values are cut",
                   "use a longer field")
    if entry.attribute == "expansion_key" and entry.object == "opportunity" and \
            not described.get("externalId", False):
        report.add("error", entry.name, sobject, api,
                   f"{api} is not an External ID, so replays cannot upsert on it",
                   "mark the field External ID and Unique")


def _active_values(described: Mapping[str, Any]) -> set[str]:
    return {v.get("value") for v in described.get("picklistValues") or [] if v.get("active", True)}


def _check_write_values(report: PreflightReport, mapping: FieldMapping, entry: LogicalField,
                        sobject: str, api: str, described: Mapping[str, Any]) -> None:
    if described.get("type") not in ("picklist", "multipicklist"):
        return
    binding = mapping.binding(entry.name)
    active = _active_values(described)
    restricted = described.get("restrictedPicklist", False)
    for logical, org in binding.values.items():
        if org in active:
            continue
        report.add("error" if restricted else "warning", entry.name, sobject, api,
                   f"picklist value {org!r} (for {entry.name} = {logical!r}) is not an active "
                   f"value of {api}",
                   f"add {org!r} to the picklist, or map {logical!r} to one of "
                   f"{sorted(active)[:8]}")


def _check_read_values(report: PreflightReport, mapping: FieldMapping, entry: LogicalField,
                       sobject: str, api: str, described: Mapping[str, Any]) -> None:
    table = mapping.binding(entry.name).to_logical
    for value in sorted(_active_values(described) - set(table)):
        report.add("warning", entry.name, sobject, api,
                   f"org value {value!r} of {api} translates to no {entry.name} value; "
                   "records holding it get none",
                   f"add it to fields.{entry.name}.aliases (e.g. {value}: "
                   f"{entry.values[0].value})")
