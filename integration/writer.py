"""Apply ``RecordWrite``s: diff against the org, write only what changed, never twice.

Per (operation, object): updates diff against ``current`` (or the org's values, queried
200 ids a call) and skip fields a human changed (guard); upserts first look their
external ids up, so existing records are diffed like updates and only new ones go to
``PATCH composite/sobjects/{Obj}/{ExtField}``; create-once writes query their dedupe keys
(``SELECT Id, Key FROM Task WHERE Key IN (...)``, 200 keys a query) and create only the
missing; plain creates with a ``natural_key`` are looked up the same way. The lookups of a
dependency stage are sent together, five queries to a ``POST composite`` call, and its
writes in sObject Collections of 200 (allOrNone false), five to a composite call
(``write_send``), or one Bulk API 2.0 ingest job above the bulk threshold. Record-level
RETRY errors (UNABLE_TO_LOCK_ROW) are re-sent for those records only. Replaying the same
writes therefore writes nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from simple_salesforce import format_soql

from integration.budget import BudgetExhausted
from integration.composite import composite_queries
from integration.contracts import Record, RecordError, RecordWrite, WriteOutcome
from integration.gateway import SalesforceGateway, check_api_name
from integration.write_plan import (
    chunks,
    dependency_stages,
    diff_fields,
    diff_outcome,
    human_edit_error,
    link_parents_by_external_id,
    resolve_refs,
    same_value,
    twin_key,
)
from integration.write_send import CollectionSender, Send, WaitingCollection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WriteOptions:
    collection_size: int = 200  # sObject Collections maximum
    # More records than this of one kind go to a Bulk API 2.0 ingest job. Measured cost:
    # a job takes create + upload + close + >= 2 polls (the org processes it
    # asynchronously) + successful + failed results = 8 calls or more, while composite
    # writes take ceil(n / 1,000); the job is cheaper only above ~8,000 records.
    bulk_threshold: int = 8000
    record_retry_attempts: int = 5
    in_chunk: int = 200  # keys per lookup query (URI length stays ~5 KB)


@dataclass(frozen=True)
class KnownKeys:
    """Dedupe keys of one object already known, so create-once writes need no lookup.

    Attributes:
        sobject, key_field: the writes it answers (e.g. Task, Expansion_Key__c).
        existing: key -> record id of records known to exist.
        complete_for: record ids (15-character form) of parents whose records the caller
            read in full *and* re-checked for creations since that read; a key absent
            from ``existing`` whose write hangs off one of these parents (``parent_field``)
            is known not to exist. Any other write is looked up as usual.
        parent_field: the field of the write that names the parent (WhatId).
    """

    sobject: str
    key_field: str
    existing: Mapping[str, str]
    complete_for: frozenset[str] = frozenset()
    parent_field: str = "WhatId"

    def answers(self, sobject: str, key_field: str) -> bool:
        return (sobject.lower(), key_field.lower()) == (self.sobject.lower(),
                                                       self.key_field.lower())

    def knows(self, write: RecordWrite) -> bool:
        """True when the existence of ``write``'s key needs no lookup."""
        if write.dedupe_key in self.existing:
            return True
        parent = write.fields.get(self.parent_field)
        return isinstance(parent, str) and parent[:15] in self.complete_for


def _id_key(value: str) -> str:
    return value[:15]  # the 15-character form is the case-sensitive identity


def _covers(current: Mapping[str, Any] | None, fields: Mapping[str, Any]) -> bool:
    if current is None:
        return False
    known = {k.lower() for k in current}
    return all(f.lower() in known for f in fields)


def _matches(record: Record, fields: Mapping[str, Any], key: Sequence[str]) -> bool:
    lowered = {k.lower(): v for k, v in record.items()}
    return all(same_value(lowered.get(f.lower()), fields.get(f)) for f in key)


class RecordWriter:
    """Applies writes through the gateway. ``exhausted`` is set when the budget stopped it."""

    def __init__(self, gateway: SalesforceGateway, options: WriteOptions = WriteOptions()) -> None:
        self.gateway = gateway
        self.options = options
        self.exhausted: BudgetExhausted | None = None
        self._created: set[str] = set()  # ids created by the current apply()
        self._known: KnownKeys | None = None
        self._prefetched: dict[str, list[Record]] = {}  # lookup SOQL -> rows (this stage)
        self._sender = CollectionSender(gateway, options.record_retry_attempts)

    def apply(self, writes: Sequence[RecordWrite],
              known: KnownKeys | None = None) -> list[WriteOutcome]:
        """Apply ``writes``; one outcome per write, in the order given.

        ``known`` answers create-once lookups from data the caller already holds (a full
        scan's read of every Task of the chunk's accounts); the rest are looked up.

        Writes the budget did not allow come back ``deferred`` (their parent refs resolved
        where possible) and ``self.exhausted`` holds the reason.
        """
        self.exhausted = None
        self._created = set()
        self._known = known
        originals = writes
        writes = link_parents_by_external_id(writes)
        outcomes: dict[int, WriteOutcome] = {}
        ids_by_ref: dict[str, str] = {}
        try:
            for stage in dependency_stages(writes):
                ready: list[tuple[int, RecordWrite]] = []
                for i in stage:
                    fields = resolve_refs(writes[i].fields, ids_by_ref)
                    if fields is None:
                        outcomes[i] = WriteOutcome(writes[i], "failed", errors=(RecordError(
                            "PARENT_NOT_WRITTEN", "the record it refers to was not written"),))
                    else:
                        ready.append((i, replace(writes[i], fields=fields)))
                self._apply_stage(ready, outcomes)
                for i in stage:
                    outcome = outcomes.get(i)
                    ref = writes[i].ref
                    if ref and outcome and outcome.record_id:
                        ids_by_ref[ref] = outcome.record_id
                    if outcome and outcome.status == "created" and outcome.record_id:
                        self._created.add(_id_key(outcome.record_id))
        except BudgetExhausted as exc:
            self.exhausted = exc
        result = []
        for i, write in enumerate(writes):
            if i in outcomes:
                result.append(replace(outcomes[i], write=originals[i]))
            else:
                fields = resolve_refs(write.fields, ids_by_ref)
                result.append(WriteOutcome(replace(write, fields=fields) if fields else write,
                                           "deferred"))
        return result

    # -- grouping ---------------------------------------------------------------------------

    def _apply_stage(self, ready: list[tuple[int, RecordWrite]],
                     outcomes: dict[int, WriteOutcome]) -> None:
        groups: dict[tuple[str, str, str], list[tuple[int, RecordWrite]]] = {}
        for i, w in ready:
            key_field = w.external_id_field or w.dedupe_field or ",".join(w.natural_key)
            groups.setdefault((w.op, check_api_name(w.sobject), key_field), []).append((i, w))
        self._prefetched = {}
        self._sender.queued = []
        self._after_flush: list[Callable[[], None]] = []
        self._prefetch(groups)
        for (op, sobject, key_field), items in groups.items():
            if op == "update":
                self._updates(sobject, items, outcomes)
            elif op == "upsert":
                self._upserts(sobject, key_field, items, outcomes)
            elif op == "create_once":
                self._create_once(sobject, key_field, items, outcomes)
            elif op == "create":
                self._creates(sobject, items, outcomes)
            else:
                raise ValueError(f"unknown write op {op!r}")
        self._prefetched = {}
        self._sender.flush(outcomes)
        for settle in self._after_flush:
            settle()

    def _lookup_soqls(self, sobject: str, key_field: str, values: Sequence[Any],
                      fields: Sequence[str]) -> list[str]:
        """The queries of one lookup: <= ``in_chunk`` keys each."""
        select = ", ".join(dict.fromkeys(check_api_name(f) for f in ("Id", key_field, *fields)))
        distinct = list(dict.fromkeys(v for v in values if v is not None))
        return [format_soql("SELECT {:literal} FROM {:literal} WHERE {:literal} IN {}",
                            select, sobject, check_api_name(key_field), list(chunk))
                for chunk in chunks(distinct, self.options.in_chunk)]

    def _lookup(self, sobject: str, key_field: str, values: Sequence[Any],
                fields: Sequence[str], unique: bool = True) -> Any:
        """Existing records whose ``key_field`` is in ``values`` (<= in_chunk per query).

        Queries the stage prefetched in composite calls are answered from there (once);
        others (re-checks after a lost reply) are sent on their own.
        Returns key -> record when ``unique``, else the list of records.
        """
        found: dict[Any, Record] = {}
        rows: list[Record] = []
        for soql in self._lookup_soqls(sobject, key_field, values, fields):
            records = self._prefetched.pop(soql, None)
            for record in records if records is not None else self.gateway.iter_records(soql):
                value = record.get(key_field)
                found[_id_key(value) if key_field == "Id" else value] = record
                rows.append(record)
        return found if unique else rows

    def _prefetch(self, groups: Mapping[tuple[str, str, str], list[tuple[int, RecordWrite]]]
                  ) -> None:
        """Send every lookup the stage's groups will make, five queries per composite call."""
        soqls: list[str] = []
        for (op, sobject, key_field), items in groups.items():
            for lookup in self._lookups_of(op, sobject, key_field, items):
                soqls.extend(self._lookup_soqls(sobject, *lookup))
        soqls = list(dict.fromkeys(soqls))
        if len(soqls) > 1:
            self._prefetched.update(zip(soqls, composite_queries(self.gateway, soqls),
                                        strict=True))

    def _lookups_of(self, op: str, sobject: str, key_field: str,
                    items: list[tuple[int, RecordWrite]]
                    ) -> list[tuple[str, list[Any], list[str]]]:
        """(key field, values, fields) of the lookups ``op`` will make (see the ops below)."""
        if op == "update":
            unknown = [w for _, w in items if not _covers(w.current, w.fields)]
            if not unknown:
                return []
            return [("Id", [w.record_id for w in unknown],
                     sorted({f for w in unknown for f in w.fields}))]
        if op == "upsert":
            return [(key_field, [w.external_id for _, w in items],
                     sorted({f for _, w in items for f in w.fields}))]
        if op == "create_once":
            return [(key_field, [w.dedupe_key for w in self._unknown(sobject, key_field, items)],
                     [])]
        if op == "create":
            return [(lead, values, fields)
                    for lead, (values, fields) in self._twin_lookups(items).items()]
        return []

    def _unknown(self, sobject: str, key_field: str,
                 items: list[tuple[int, RecordWrite]]) -> list[RecordWrite]:
        """The create-once writes whose key must be looked up in the org."""
        known = self._known
        if known is None or not known.answers(sobject, key_field):
            return [w for _, w in items]
        return [w for _, w in items if not known.knows(w)]

    def _twin_lookups(self, items: list[tuple[int, RecordWrite]]
                      ) -> dict[str, tuple[list[Any], list[str]]]:
        """Lookup field -> (parent values, fields to match) for twins of plain creates."""
        lookups: dict[str, set[str]] = {}
        for _, w in items:
            lead, key = twin_key(w)
            parent = w.fields.get(lead) if lead else None
            # A parent created moments ago in this apply cannot have children yet.
            if lead and parent is not None and _id_key(str(parent)) not in self._created:
                lookups.setdefault(lead, set()).update(key)
        return {lead: ([w.fields.get(lead) for _, w in items if twin_key(w)[0] == lead],
                       sorted(key_fields)) for lead, key_fields in lookups.items()}

    # -- operations --------------------------------------------------------------------------

    def _updates(self, sobject: str, items: list[tuple[int, RecordWrite]],
                 outcomes: dict[int, WriteOutcome]) -> None:
        # A write whose ``current`` lacks a field it writes cannot be diffed locally.
        unknown = [w for _, w in items if not _covers(w.current, w.fields)]
        current: dict[Any, Record] = {}
        if unknown:
            fields = sorted({f for w in unknown for f in w.fields})
            current = self._lookup(sobject, "Id", [w.record_id for w in unknown], fields)
        sends: list[Send] = []
        for i, w in items:
            if not w.record_id:
                outcomes[i] = WriteOutcome(w, "failed", errors=(RecordError(
                    "MISSING_ID", "update without record_id"),))
                continue
            org = w.current if _covers(w.current, w.fields) else current.get(_id_key(w.record_id))
            if org is None:
                outcomes[i] = WriteOutcome(w, "failed", errors=(RecordError(
                    "ENTITY_IS_DELETED", "the record no longer exists"),))
                continue
            diff = diff_fields(w.fields, org, w.guard, w.memo_field)
            done = diff_outcome(w, diff, w.record_id)
            if done is not None:
                outcomes[i] = done
                continue
            note = (human_edit_error(diff.skipped_human_edit),) if diff.skipped_human_edit else ()
            sends.append(Send(i, w, {"Id": w.record_id, **diff.changed}, note))
        self._send("update", sobject, sends, outcomes)

    def _upserts(self, sobject: str, ext_field: str, items: list[tuple[int, RecordWrite]],
                 outcomes: dict[int, WriteOutcome]) -> None:
        fields = sorted({f for _, w in items for f in w.fields})
        existing = self._lookup(sobject, ext_field, [w.external_id for _, w in items], fields)
        updates: list[Send] = []
        inserts: list[Send] = []
        for i, w in items:
            org = existing.get(w.external_id)
            if org is None:
                inserts.append(Send(i, w, {**w.fields, ext_field: w.external_id}))
                continue
            diff = diff_fields(w.fields, org, w.guard, w.memo_field)
            done = diff_outcome(w, diff, org["Id"])
            if done is not None:
                outcomes[i] = done
            else:
                note = (human_edit_error(diff.skipped_human_edit),) if diff.skipped_human_edit \
                    else ()
                updates.append(Send(i, w, {"Id": org["Id"], **diff.changed}, note))
        self._send("update", sobject, updates, outcomes)
        self._send("upsert", sobject, inserts, outcomes, ext_field=ext_field)

    def _create_once(self, sobject: str, key_field: str, items: list[tuple[int, RecordWrite]],
                     outcomes: dict[int, WriteOutcome]) -> None:
        unknown = self._unknown(sobject, key_field, items)
        existing = self._lookup(sobject, key_field, [w.dedupe_key for w in unknown], ())
        if self._known is not None and self._known.answers(sobject, key_field):
            existing.update({k: {"Id": v} for k, v in self._known.existing.items()})
        first: dict[Any, int] = {}
        sends: list[Send] = []
        duplicates: list[tuple[int, RecordWrite]] = []
        for i, w in items:
            if w.dedupe_key in existing:
                outcomes[i] = WriteOutcome(w, "unchanged", existing[w.dedupe_key]["Id"])
            elif w.dedupe_key in first:
                duplicates.append((i, w))  # same key twice in one plan: create it once
            else:
                first[w.dedupe_key] = i
                sends.append(Send(i, w, {**w.fields, key_field: w.dedupe_key}))

        def recheck(pending: list[Send]) -> list[Send]:
            # A create whose reply was lost may have happened: look before sending again.
            found = self._lookup(sobject, key_field, [s.write.dedupe_key for s in pending], ())
            for s in pending:
                if s.write.dedupe_key in found:
                    outcomes[s.index] = WriteOutcome(s.write, "created",
                                                     found[s.write.dedupe_key]["Id"])
            return [s for s in pending if s.write.dedupe_key not in found]

        self._send("create", sobject, sends, outcomes, key_field=key_field, recheck=recheck)

        def settle_duplicates() -> None:
            for i, w in duplicates:
                twin = outcomes.get(first[w.dedupe_key])
                if twin is not None:
                    outcomes[i] = WriteOutcome(w, "unchanged", twin.record_id, twin.errors)

        self._after_flush.append(settle_duplicates)

    def _creates(self, sobject: str, items: list[tuple[int, RecordWrite]],
                 outcomes: dict[int, WriteOutcome]) -> None:
        """Plain inserts; a twin already in the org (same parent, same values) is kept."""
        existing: list[Record] = []
        for lead, (values, key_fields) in self._twin_lookups(items).items():
            existing.extend(self._lookup(sobject, lead, values, key_fields, unique=False))
        sends: list[Send] = []
        for i, w in items:
            lead, key = twin_key(w)
            match = next((r for r in existing if lead and _matches(r, w.fields, key)), None)
            if match is not None:
                outcomes[i] = WriteOutcome(w, "unchanged", match["Id"])
            else:
                sends.append(Send(i, w, dict(w.fields)))
        self._send("create", sobject, sends, outcomes)

    # -- sending -----------------------------------------------------------------------------

    def _send(self, mode: str, sobject: str, sends: list[Send],
              outcomes: dict[int, WriteOutcome], *, ext_field: str | None = None,
              key_field: str | None = None,
              recheck: Callable[[list[Send]], list[Send]] | None = None) -> None:
        """Large groups go to a Bulk API 2.0 job now; the rest is queued in collections of
        200 for the sender to pack into composite calls."""
        if not sends:
            return
        bulk_key = "Id" if mode == "update" else ext_field or key_field
        if len(sends) > self.options.bulk_threshold and bulk_key:
            sends = self._sender.send_bulk(mode, sobject, sends, outcomes, bulk_key, ext_field)
        for chunk in chunks(sends, self.options.collection_size):
            self._sender.queued.append(WaitingCollection(mode, sobject, list(chunk), ext_field, recheck))
