"""Planning writes — pure: value equality, diff with the human-edit guard, parent references,
sObject Collections payloads and per-record results.

sObject Collections (REST API Developer Guide, "sObject Collections"): up to 200 records a
call; with ``allOrNone: false`` the reply lists one result per record, in request order,
``{"id", "success", "errors": [{"statusCode", "message", "fields"}]}`` (upsert adds
``created``), so one bad record never sinks its batch.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from dateutil import parser as dateparser

from integration.contracts import RecordError, RecordWrite, WriteOutcome

COLLECTION_SIZE = 200  # records per sObject Collections call
T = TypeVar("T")
_REF = re.compile(r"^@\{([^}]+)\.id\}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
SKIPPED_HUMAN_EDIT = "SKIPPED_HUMAN_EDIT"


def chunks(items: Sequence[T], size: int = COLLECTION_SIZE) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def collection_calls(n: int, size: int = COLLECTION_SIZE) -> int:
    """Calls to write ``n`` records in sObject Collections of ``size``."""
    return math.ceil(n / size)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATETIME.match(value):
        try:
            return dateparser.isoparse(value)
        except ValueError:
            return None
    return None


def same_value(org: Any, ours: Any) -> bool:
    """True when writing ``ours`` over ``org`` would change nothing.

    Salesforce returns numbers as JSON numbers (5 vs 5.0), dates as ISO text, datetimes as
    ``2024-05-01T10:00:00.000+0000``, and empty text as null; compare accordingly.
    """
    if org in (None, "") or ours in (None, ""):
        return org in (None, "") and ours in (None, "")
    if isinstance(org, bool) or isinstance(ours, bool):
        return org is ours or str(org).lower() == str(ours).lower()
    a, b = _number(org), _number(ours)
    if a is not None or b is not None:
        try:
            a = float(org) if a is None else a
            b = float(ours) if b is None else b
        except (TypeError, ValueError):
            return False
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    ta, tb = _instant(org), _instant(ours)
    if ta is not None and tb is not None and (ta.tzinfo is None) == (tb.tzinfo is None):
        return ta == tb
    if isinstance(ours, date | datetime):
        ours = ours.isoformat()
    if isinstance(org, date | datetime):
        org = org.isoformat()
    return str(org) == str(ours)


@dataclass(frozen=True)
class Diff:
    """What an update would send."""

    changed: dict[str, Any]
    skipped_human_edit: tuple[str, ...]


def diff_fields(fields: Mapping[str, Any], current: Mapping[str, Any],
                guard: Mapping[str, Any] | None, memo_field: str | None = None) -> Diff:
    """Fields whose value differs from the org's, minus those a human changed.

    A field listed in ``guard`` is written only while the org still holds the value the
    service wrote last time; otherwise a person edited it since, and it is left alone.
    ``memo_field`` (a JSON object of the last-written guarded values, among ``fields``)
    keeps the previous value of every skipped field, and is sent only if it then differs.
    Field names compare case-insensitively, as Salesforce does.
    """
    lowered = {k.lower(): v for k, v in current.items()}
    changed: dict[str, Any] = {}
    skipped: list[str] = []
    guard_lower = {k.lower(): v for k, v in (guard or {}).items()}
    memo_name = memo_field.lower() if memo_field else None
    for name, value in fields.items():
        if name.lower() == memo_name:
            continue  # decided once the skipped fields are known
        org_value = lowered.get(name.lower())
        if same_value(org_value, value):
            continue
        if name.lower() in guard_lower and not same_value(org_value, guard_lower[name.lower()]):
            skipped.append(name)
            continue
        changed[name] = value
    if memo_field and memo_field in fields:
        memo = _memo_keeping(fields[memo_field], skipped, guard_lower)
        held = lowered.get(memo_name)
        if not same_value(held, memo) and not _same_memo(held, memo):
            changed[memo_field] = memo
    return Diff(changed, tuple(skipped))


def _memo_keeping(memo_json: Any, skipped: Sequence[str], guard_lower: Mapping[str, Any]) -> Any:
    """The memo with each skipped field's entry put back to what the service last wrote."""
    if not skipped:
        return memo_json
    try:
        memo = json.loads(memo_json) if isinstance(memo_json, str) else None
    except ValueError:
        memo = None
    if not isinstance(memo, dict):
        return memo_json
    for name in skipped:
        key = next((k for k in memo if k.lower() == name.lower()), name)
        previous = guard_lower.get(name.lower())
        if previous is None:
            memo.pop(key, None)
        else:
            memo[key] = previous
    return json.dumps(memo, sort_keys=True, default=str)


def _same_memo(org_memo: Any, memo: Any) -> bool:
    """Equal as JSON objects (the org may hold the same memo serialised differently; an
    empty field is an empty memo)."""
    try:
        return json.loads(org_memo or "{}") == json.loads(memo or "{}")
    except (TypeError, ValueError):
        return False


def diff_outcome(write: RecordWrite, diff: Diff, record_id: str | None) -> WriteOutcome | None:
    """The outcome when nothing is sent (unchanged / skipped_human_edit), else None."""
    if diff.changed:
        return None
    if diff.skipped_human_edit:
        return WriteOutcome(write, "skipped_human_edit", record_id,
                            (human_edit_error(diff.skipped_human_edit),))
    return WriteOutcome(write, "unchanged", record_id)


def human_edit_error(fields: Sequence[str]) -> RecordError:
    return RecordError(SKIPPED_HUMAN_EDIT,
                       "left as is: a person changed it since the service last wrote it",
                       tuple(fields))


def ref_name(value: Any) -> str | None:
    """The ``ref`` a ``parent_ref(...)`` value points at, else None."""
    if isinstance(value, str):
        match = _REF.match(value)
        if match:
            return match.group(1)
    return None


def references(write: RecordWrite) -> set[str]:
    """Refs of other writes this write's fields depend on."""
    return {r for r in (ref_name(v) for v in write.fields.values()) if r}


def resolve_refs(fields: Mapping[str, Any], ids: Mapping[str, str]) -> dict[str, Any] | None:
    """``fields`` with parent refs replaced by ids; None when a parent has no id."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        ref = ref_name(value)
        if ref is None:
            out[name] = value
        elif ref in ids:
            out[name] = ids[ref]
        else:
            return None
    return out


def json_value(value: Any) -> Any:
    """A JSON body value: dates as ISO text, Decimals as numbers."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def collection_body(sobject: str, records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``{"allOrNone": false, "records": [...]}`` for sObject Collections."""
    return {
        "allOrNone": False,
        "records": [{"attributes": {"type": sobject},
                     **{k: json_value(v) for k, v in r.items()}} for r in records],
    }


def result_errors(result: Mapping[str, Any]) -> tuple[RecordError, ...]:
    """RecordErrors of one sObject Collections result entry."""
    return tuple(
        RecordError(status_code=str(e.get("statusCode") or e.get("errorCode") or "UNKNOWN"),
                    message=str(e.get("message", "")), fields=tuple(e.get("fields") or ()))
        for e in result.get("errors") or ())


def dependency_stages(writes: Sequence[RecordWrite]) -> list[list[int]]:
    """Indexes of ``writes`` in stages: a write comes after every write it references.

    Raises:
        ValueError: a reference to an unknown ref, or a cycle.
    """
    by_ref = {w.ref: i for i, w in enumerate(writes) if w.ref}
    depth: dict[int, int] = {}

    def level(i: int, seen: frozenset[int]) -> int:
        if i in depth:
            return depth[i]
        if i in seen:
            raise ValueError(f"reference cycle through write {writes[i].ref!r}")
        parents = references(writes[i])
        for ref in parents:
            if ref not in by_ref:
                raise ValueError(f"write refers to unknown ref {ref!r}")
        depth[i] = 1 + max((level(by_ref[r], seen | {i}) for r in parents), default=-1)
        return depth[i]

    for i in range(len(writes)):
        level(i, frozenset())
    stages: list[list[int]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for i in range(len(writes)):
        stages[depth[i]].append(i)
    return stages


_ID = re.compile(r"^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")


def relationship_field(relationship: str) -> str:
    """The lookup field behind a relationship name: Opportunity -> OpportunityId,
    Foo__r -> Foo__c."""
    return relationship[:-1] + "c" if relationship.endswith("__r") else relationship + "Id"


def relationship_sobject(relationship: str) -> str:
    """The object a relationship most likely points at (standard naming)."""
    return relationship[:-1] + "c" if relationship.endswith("__r") else relationship


def link_parents_by_external_id(writes: Sequence[RecordWrite]) -> list[RecordWrite]:
    """Turn ``{"Opportunity": {"Expansion_Key__c": key}}`` (the REST way to set a lookup by
    external id) into ``{"OpportunityId": parent_ref(ref)}`` when the parent is upserted in
    the same batch, so the child is written after it with its real id (and can be
    checked for an existing twin). Links to parents outside the batch stay as they are.
    """
    upserts: dict[tuple[str, str, str], str] = {}
    for w in writes:
        if w.op in ("upsert", "create_once") and w.ref:
            key_field = w.external_id_field or w.dedupe_field or ""
            key = w.external_id if w.op == "upsert" else w.dedupe_key
            upserts[(w.sobject.lower(), key_field.lower(), str(key))] = w.ref
    out: list[RecordWrite] = []
    for w in writes:
        fields = dict(w.fields)
        changed = False
        for name, value in w.fields.items():
            if isinstance(value, Mapping) and len(value) == 1:
                ((ext_field, ext_value),) = value.items()
                parent = upserts.get((relationship_sobject(name).lower(), ext_field.lower(),
                                      str(ext_value)))
                if parent is not None:
                    del fields[name]
                    fields[relationship_field(name)] = "@{" + parent + ".id}"
                    changed = True
        out.append(replace(w, fields=fields) if changed else w)
    return out


def looks_like_id(value: Any) -> bool:
    return isinstance(value, str) and bool(_ID.match(value))


def twin_key(write: RecordWrite) -> tuple[str | None, tuple[str, ...]]:
    """(lookup field, fields that must match) identifying an existing twin of a create.

    An explicit ``natural_key`` wins (its first field is looked up). Otherwise a child
    create (a field ending in Id/__c holding an id) is matched on all its scalar fields
    under the same parent; a create without a parent reference has no twin key.
    """
    if write.natural_key:
        return write.natural_key[0], tuple(write.natural_key)
    lead = next((name for name, value in write.fields.items()
                 if (name.endswith("Id") or name.endswith("__c")) and looks_like_id(value)), None)
    if lead is None:
        return None, ()
    scalars = tuple(n for n, v in write.fields.items() if not isinstance(v, Mapping | list))
    return lead, scalars
