"""Planned writes (logical vocabulary) -> RecordWrites (the org's objects, fields, values).

- Logical objects and fields become the mapping's API names; logical picklist values
  become the org's (stage "S2" -> "S2 - Qualification" or whatever the org calls it).
- Keys: "upsert" goes on ``<object>.expansion_key`` (Opportunity.Expansion_Key__c, an
  External ID); "create_once" dedupes on the same field, whose value is the key.
- Children of a record created in the same plan (contact roles of a new Opportunity) point
  at the parent with ``integration.contracts.parent_ref(parent key)``: the writer
  substitutes the id of the record written under that ref.
- An object without a key field in this org (e.g. no Expansion_Key__c on
  OpportunityContactRole) falls back to "create" with a ``natural_key`` the writer
  queries first, so replays still create nothing twice.
- Human-edit guard: an update of a guarded account/contact field carries ``guard[api] =``
  the value the service last wrote (None when it never wrote one, so a human's value is
  never replaced), and the write also stores the new values in ``Radar_Last_Written__c``
  so the guard survives a Redis loss.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm_mapping import convert
from crm_mapping.document import FieldMapping
from field_specs.catalog import CATALOG
from integration.contracts import Record, RecordWrite, parent_ref
from plays.plan import PlannedWrite, WritePlan

LastWritten = Mapping[str, Mapping[str, Any]]  # record id -> {API name: value last written}


@dataclass(frozen=True)
class WriteIssue:
    """Part of a planned write the mapping could not express (the rest is still written)."""

    key: str
    logical: str
    message: str


# Fields that identify an equal existing record when an object has no key field.
NATURAL_KEYS: Mapping[str, tuple[str, ...]] = {
    "opportunity_contact_role": ("opportunity_contact_role.opportunity_id",
                                 "opportunity_contact_role.contact_id",
                                 "opportunity_contact_role.role"),
    "event_relation": ("event_relation.event_id", "event_relation.relation_id"),
}


def _value(mapping: FieldMapping, logical: str, value: Any) -> Any:
    entry = CATALOG[logical]
    binding = mapping.fields[logical]
    if binding.values and isinstance(value, str):
        value = binding.values.get(value, value)
    elif binding.values and isinstance(value, list | tuple | set | frozenset):
        value = [binding.values.get(v, v) for v in value]
    if entry.type in ("id", "reference") and isinstance(value, str):
        value = convert.record_id(value) or value
    return convert.to_salesforce(value, entry.type, entry.length)


def to_record_writes(plan: WritePlan, mapping: FieldMapping,
                     last_written: LastWritten | None = None,
                     issues: list[WriteIssue] | None = None,
                     current: Mapping[str, Record] | None = None) -> list[RecordWrite]:
    """Translate a plan into writes for this org.

    Args:
        plan: the plays' WritePlan for one account.
        mapping: the org's active mapping.
        last_written: record id -> {API name: value the service last wrote}, from
            ``crm_mapping.translate.last_written_of`` over the records read this scan.
            Records missing from it are treated as never written by the service.
        issues: when given, logical fields or objects the mapping cannot write are
            appended (the write goes ahead without them).
        current: record id -> the raw record read this scan; updates then carry
            ``RecordWrite.current`` (the org's values of the written fields) so the writer
            sends only what changed without querying.
    """
    parents = {w.key: w for w in plan.writes if w.op in ("upsert", "create_once")}
    result = []
    for write in plan.writes:
        record = _translate(write, mapping, last_written or {}, parents, issues, current or {})
        if record is not None:
            result.append(record)
    return result


def _note(issues: list[WriteIssue] | None, key: str, logical: str, message: str) -> None:
    if issues is not None:
        issues.append(WriteIssue(key, logical, message))


def _translate(write: PlannedWrite, mapping: FieldMapping, last_written: LastWritten,
               parents: Mapping[str, PlannedWrite], issues: list[WriteIssue] | None,
               current: Mapping[str, Record]) -> RecordWrite | None:
    sobject = mapping.sobject(write.object)
    if sobject is None:
        _note(issues, write.key, write.object, f"object {write.object} is not mapped")
        return None
    body: dict[str, Any] = {}
    logical_of: dict[str, str] = {}
    for logical, value in write.fields.items():
        if logical not in CATALOG or not logical.startswith(write.object + "."):
            _note(issues, write.key, logical, f"{logical} is not a field of {write.object}")
            continue
        api = mapping.api(logical)
        if api is None:
            _note(issues, write.key, logical, f"{logical} is unmapped in this org; not written")
            continue
        body[api] = _value(mapping, logical, value)
        logical_of[api] = logical
    key_api = mapping.api(f"{write.object}.expansion_key")
    common = {"sobject": sobject, "ref": write.key}
    if write.parent_key and write.parent_key in parents:
        _link_parent(write, mapping, parents[write.parent_key], body, issues)
    if write.op == "update":
        if not write.record_id:
            _note(issues, write.key, write.object, "update without a record id")
            return None
        record_id = convert.record_id(write.record_id) or write.record_id
        guard = _guard(write, mapping, record_id, body, logical_of, last_written)
        seen = current.get(record_id) or current.get(write.record_id)
        held = {api: seen.get(api) for api in body if api in seen} if seen else None
        memo_api = mapping.api(f"{write.object}.radar_last_written") if guard else None
        return RecordWrite(op="update", fields=body, record_id=record_id, guard=guard,
                           current=held, memo_field=memo_api, **common)
    if write.op == "create_once" and key_api is None and write.object in NATURAL_KEYS:
        natural = tuple(api for api in (mapping.api(n) for n in NATURAL_KEYS[write.object]) if api)
        return RecordWrite(op="create", fields=body, natural_key=natural, **common)
    if write.op in ("upsert", "create_once"):
        if key_api is None:
            _note(issues, write.key, f"{write.object}.expansion_key",
                  f"{write.op} needs {write.object}.expansion_key mapped; not written")
            return None
        body[key_api] = write.key  # stored on the record: the next run finds it
        if write.op == "upsert":
            return RecordWrite(op="upsert", fields=body, external_id_field=key_api,
                               external_id=write.key, **common)
        return RecordWrite(op="create_once", fields=body, dedupe_field=key_api,
                           dedupe_key=write.key, **common)
    return RecordWrite(op="create", fields=body, **common)


def _link_parent(write: PlannedWrite, mapping: FieldMapping, parent: PlannedWrite,
                 body: dict[str, Any], issues: list[WriteIssue] | None) -> None:
    link = f"{write.object}.{parent.object}_id"
    link_api = mapping.api(link) if link in CATALOG else None
    if link_api is None:
        _note(issues, write.key, link, f"cannot point {write.object} at its new {parent.object}")
        return
    body[link_api] = parent_ref(parent.key)


def _guard(write: PlannedWrite, mapping: FieldMapping, record_id: str, body: dict[str, Any],
           logical_of: Mapping[str, str], last_written: LastWritten) -> dict[str, Any] | None:
    memo_api = mapping.api(f"{write.object}.radar_last_written")
    guarded = [api for api, logical in logical_of.items() if CATALOG[logical].guarded]
    if not guarded:
        return None
    previous = dict(last_written.get(record_id, {}))
    guard = {api: previous.get(api) for api in guarded}
    if memo_api is not None:
        memo = {**previous, **{api: body[api] for api in guarded}}
        body[memo_api] = json.dumps(memo, sort_keys=True, default=str)
    return guard
