"""How a scan reads the org, and what it costs — pure functions, no I/O.

Strategy (per object of the ReadSpec):

1. One ``SELECT COUNT() FROM Obj`` decides the API; the probes of all objects travel
   five to a ``POST composite`` call (the whole composite counts as one API call).
2. REST when count <= ``bulk_threshold``: one SOQL ordered by the account path
   (``ORDER BY AccountId, Id``), paged at 2,000 (``Sforce-Query-Options: batchSize=2000``,
   the default and maximum page, SOQL and SOSL Reference "Change the Batch Size in
   Queries"). Calls = 1 count + max(1, ceil(n / 2000)).
3. Bulk API 2.0 above the threshold: a result page can hold ``maxRecords`` rows (we ask
   for 50,000). Calls = 1 count + 1 describe (CSV carries no types) + 1 create + polls
   (>= 1) + max(1, ceil(n / 50,000)). Bulk queries support no ORDER BY and no subqueries
   (Bulk API 2.0 Developer Guide, "Understanding Bulk API 2.0 Query"), so its rows are
   sorted on local disk before the merge.
4. Children with a parent-to-child relationship (OpportunityLineItem under Opportunity)
   are folded into the parent's REST query as a subquery: no COUNT and no query of their
   own, so the parent costs 1 count + max(1, ceil(n_parent / 2000)) and the child nothing.
   That is the floor: Salesforce counts child rows toward the page ("Child objects count
   toward the number of records for the batch size", REST API "Query Options Header"), so
   a real org may cut pages earlier — at most ceil((n_parent + n_child) / 2000) pages.

The minimum number of calls of a full scan is the sum of those formulas over the objects
(``planned_calls``). The streams are merged per account (a k-way merge of streams sorted
by account id), so memory holds about one page per object, not the org.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from simple_salesforce import format_soql

from integration.contracts import AccountBundle, ObjectRead, ReadSpec, Record
from integration.gateway import PAGE_SIZE, check_api_name

BULK_THRESHOLD = 20_000  # above this count an object is read with Bulk API 2.0
BULK_MAX_RECORDS = 50_000  # rows per Bulk API 2.0 result page (maxRecords)
COUNTS_PER_CALL = 5  # COUNT() probes per composite call (at most 5 query subrequests)
IN_CHUNK = 200  # ids per `IN (...)` list: ~4 KB of URI, far below the 16 KB limit

# (parent sobject, child sobject) -> child relationship name, for subquery folding.
FOLDABLE: Mapping[tuple[str, str], str] = {
    ("Opportunity", "OpportunityLineItem"): "OpportunityLineItems",
    ("Opportunity", "OpportunityContactRole"): "OpportunityContactRoles",
    ("Opportunity", "OpportunityCompetitor"): "OpportunityCompetitors",
}
# Account children a few accounts' read (events, `radar sync --account`) folds into the
# Account query as subqueries: child sobject -> (relationship, lookup field to Account).
# Tasks and Events are not among them: their Account relationship is WhatId, while the
# scan ties them to an account by AccountId.
ACCOUNT_FOLDABLE: Mapping[str, tuple[str, str]] = {
    "Contact": ("Contacts", "AccountId"),
    "Case": ("Cases", "AccountId"),
    "Asset": ("Assets", "AccountId"),
    "AccountContactRelation": ("AccountContactRelations", "AccountId"),
    "AccountHistory": ("Histories", "AccountId"),
    "Product_Usage__c": ("Product_Usages__r", "Account__c"),
}
# Objects without SystemModstamp: history rows are immutable, CreatedDate tells their age.
MODSTAMP_OVERRIDES: Mapping[str, str] = {"AccountHistory": "CreatedDate",
                                         "ContactHistory": "CreatedDate",
                                         "OpportunityFieldHistory": "CreatedDate"}

Api = Literal["rest", "bulk", "folded"]


@dataclass(frozen=True)
class ReadOptions:
    """Tunables of the read strategy (defaults are the documented Salesforce maxima)."""

    bulk_threshold: int = BULK_THRESHOLD
    page_size: int = PAGE_SIZE
    bulk_max_records: int = BULK_MAX_RECORDS
    fold_children: bool = True
    in_chunk: int = IN_CHUNK

    def __post_init__(self) -> None:
        if not 200 <= self.page_size <= 2000:
            raise ValueError("page_size must be 200..2000 (Sforce-Query-Options batchSize)")
        if not 1 <= self.in_chunk <= 200:
            raise ValueError("in_chunk must be 1..200")


def choose_api(count: int, options: ReadOptions = ReadOptions()) -> Api:
    """REST up to the bulk threshold, Bulk API 2.0 above it."""
    return "bulk" if count > options.bulk_threshold else "rest"


def rest_pages(n: int, options: ReadOptions = ReadOptions()) -> int:
    """Query calls for ``n`` rows over REST (an empty result still costs one call)."""
    return max(1, math.ceil(n / options.page_size))


def bulk_steps(n: int, options: ReadOptions = ReadOptions()) -> int:
    """Minimum Bulk API 2.0 calls: describe + create + 1 poll + result pages."""
    return 3 + max(1, math.ceil(n / options.bulk_max_records))


def fold_parent(child: ObjectRead, spec: ReadSpec) -> ObjectRead | None:
    """The object whose REST query can carry ``child`` as a subquery, if any."""
    for parent in spec.objects:
        relationship = FOLDABLE.get((parent.sobject, child.sobject))
        if relationship is None or parent.account_path is None:
            continue
        prefix = parent.sobject + "."
        if child.account_path != prefix + parent.account_path:
            continue
        if all(not f.count(".") or f.startswith(prefix) and f.count(".") == 1
               for f in child.fields):
            return parent
    return None


def account_relationship(child: ObjectRead) -> str | None:
    """The Account child relationship that can carry ``child`` as a subquery, if any."""
    fold = ACCOUNT_FOLDABLE.get(child.sobject)
    if fold is None or child.account_path != fold[1]:
        return None
    if any("." in f and not f.startswith("Account.") for f in child.fields):
        return None  # other parent paths cannot be restored from the Account
    return fold[0]


def strategies(spec: ReadSpec, counts: Mapping[str, int],
               options: ReadOptions = ReadOptions()) -> dict[str, Api]:
    """The API per logical object given the parents' counts (folded children need none)."""
    apis: dict[str, Api] = {}
    for obj in spec.objects:
        parent = fold_parent(obj, spec) if options.fold_children else None
        if parent is not None and choose_api(counts.get(parent.logical, 0), options) == "rest":
            apis[obj.logical] = "folded"
        else:
            apis[obj.logical] = choose_api(counts.get(obj.logical, 0), options)
    return apis


def planned_calls(counts: Mapping[str, int], spec: ReadSpec | None = None,
                  options: ReadOptions = ReadOptions()) -> int:
    """Fewest API calls a full scan of objects with ``counts`` rows can spend.

    Sum over objects: REST max(1, ceil(n/2000)); Bulk 3 + max(1, ceil(n/50000)); folded
    child 0 (its rows ride in its parent's pages); plus the COUNT() probes of the objects
    not folded, five to a composite call. Without ``spec`` every key of ``counts`` is read
    on its own (no folding). Authentication is not metered.
    """
    if spec is None:
        spec = ReadSpec(tuple(ObjectRead(k, k, ("Id",)) for k in counts))
    apis = strategies(spec, counts, options)
    total = 0
    counted = 0
    for obj in spec.objects:
        n = counts.get(obj.logical, 0)
        api = apis[obj.logical]
        if api == "rest":
            total += rest_pages(n, options)
            counted += 1
        elif api == "bulk":
            total += bulk_steps(n, options)
            counted += 1
    return total + math.ceil(counted / COUNTS_PER_CALL)


def naive_calls(accounts: int, child_objects: int, records_written: int) -> int:
    """What a per-account integration spends: one query per account per child object
    (plus the account query pages) and one write call per record."""
    return math.ceil(accounts / PAGE_SIZE) + accounts * child_objects + records_written


# -- SOQL -------------------------------------------------------------------------------


def select_fields(obj: ObjectRead) -> list[str]:
    """Id, the account path and the requested fields, each validated, without repeats."""
    wanted = ["Id", *([obj.account_path] if obj.account_path else []), *obj.fields]
    seen: set[str] = set()
    out: list[str] = []
    for name in wanted:
        check_api_name(name)
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out


def _key_field(obj: ObjectRead) -> str:
    return obj.account_path or "Id"


def build_query(obj: ObjectRead, *, after: str | None = None,
                account_ids: Sequence[str] | None = None,
                subqueries: Sequence[str] = (), ordered: bool = True) -> str:
    """The SOQL that reads ``obj``; values quoted by ``format_soql``, names validated.

    Args:
        after: resume point; only rows whose account key is greater are read.
        account_ids: only rows of these accounts (incremental reads, <= 200 ids).
        subqueries: folded child subqueries (already built by ``build_subquery``).
        ordered: ORDER BY the account key then Id (REST); False for Bulk API queries.
    """
    key = check_api_name(_key_field(obj))
    sobject = check_api_name(obj.sobject)
    select = ", ".join([*select_fields(obj), *subqueries])
    conditions = [f"({obj.where})"] if obj.where else []
    if after is not None:
        conditions.append(format_soql("{:literal} > {}", key, after))
    if account_ids is not None:
        conditions.append(format_soql("{:literal} IN {}", key, list(account_ids)))
    soql = format_soql("SELECT {:literal} FROM {:literal}", select, sobject)
    if conditions:
        soql += " WHERE " + " AND ".join(conditions)
    if ordered and obj.logical != "account" and obj.account_path:
        soql += format_soql(" ORDER BY {:literal}, Id", key)
    elif ordered and obj.account_path is None:
        soql += " ORDER BY Id"
    return soql


def build_subquery(child: ObjectRead, relationship: str, parent: ObjectRead) -> str:
    """``(SELECT ... FROM Relationship)`` for a folded child; parent paths are dropped and
    restored from the parent record by ``unfold_children``."""
    prefix = parent.sobject + "."
    fields = [f for f in select_fields(child) if not f.startswith(prefix)]
    check_api_name(relationship)
    soql = format_soql("(SELECT {:literal} FROM {:literal}", ", ".join(fields), relationship)
    if child.where:
        soql += f" WHERE ({child.where})"
    return soql + " ORDER BY Id)"


def build_count(obj: ObjectRead, *, after: str | None = None) -> str:
    """``SELECT COUNT() FROM Obj`` with the same filters as the read."""
    soql = format_soql("SELECT COUNT() FROM {:literal}", check_api_name(obj.sobject))
    conditions = [f"({obj.where})"] if obj.where else []
    if after is not None:
        conditions.append(format_soql("{:literal} > {}", check_api_name(_key_field(obj)), after))
    if conditions:
        soql += " WHERE " + " AND ".join(conditions)
    return soql


def stamp_field(obj: ObjectRead) -> str:
    """The field that tells when a row last changed (SystemModstamp, else CreatedDate)."""
    return MODSTAMP_OVERRIDES.get(obj.sobject, "SystemModstamp")


def normalize_stamp(value: Any) -> str | None:
    """A SystemModstamp as ISO-8601 UTC text, whatever format REST or Bulk CSV used."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value)).astimezone(UTC).isoformat()
    except ValueError:
        return str(value)


def build_changes(obj: ObjectRead, window_from: datetime, window_to: datetime,
                  own_user: str | None = None, deleted_flag: bool = False,
                  own_spans: Sequence[tuple[datetime, datetime]] = ()) -> str:
    """Id, account key and stamp of ``obj`` rows changed in the half-open window [from, to).

    ``own_user`` and ``own_spans``: the integration user's id and the spans of the
    service's own write calls (``integration.own_writes``); rows that user stamped inside
    one of the spans are the write-back's echo, not news, and are left out. Rows it
    stamped at any other moment (another integration as the same user, a script) are
    news. ``deleted_flag``: select ``IsDeleted`` too (for a ``queryAll`` that returns
    deleted rows; not every object has the field, User has not).
    """
    stamp = stamp_field(obj)
    key = check_api_name(_key_field(obj))
    select = ", ".join(dict.fromkeys(["Id", key, stamp, *(["IsDeleted"] if deleted_flag else [])]))
    soql = format_soql(
        "SELECT {:literal} FROM {:literal} WHERE {:literal} >= {} AND {:literal} < {}",
        select, check_api_name(obj.sobject), stamp, window_from, stamp, window_to)
    spans = [(s, e) for s, e in own_spans if s < window_to and e >= window_from]
    if own_user and spans:
        by = "CreatedById" if stamp == "CreatedDate" else "LastModifiedById"
        outside = " AND ".join(
            format_soql("({:literal} < {} OR {:literal} > {})", stamp, start, stamp, end)
            for start, end in spans)
        soql += format_soql(" AND ({:literal} != {}", by, own_user) + f" OR ({outside}))"
    if obj.where:
        soql += f" AND ({obj.where})"
    return soql


# -- merge ------------------------------------------------------------------------------


def path_value(record: Mapping[str, Any], path: str) -> Any:
    """The value at a field or parent path (``Opportunity.AccountId``) of a REST record."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


class StreamOrderError(RuntimeError):
    """A stream was not sorted by account id as the merge requires."""


def keyed(records: Iterable[Record], path: str) -> Iterator[tuple[str | None, Record]]:
    """(account key, record) pairs, checking the stream stays sorted by key."""
    previous: str | None = None
    for record in records:
        key = path_value(record, path)
        if key is not None:
            if previous is not None and key < previous:
                raise StreamOrderError(f"{path} went from {previous} back to {key}")
            previous = key
        yield key, record


def merge_by_account(accounts: Iterable[Record],
                     children: Mapping[str, Iterator[tuple[str | None, Record]]],
                     ) -> Iterator[AccountBundle]:
    """K-way merge of streams sorted by account id into one bundle per account.

    Ids compare as plain strings: Salesforce ids are base-62 in the alphabet 0-9A-Za-z,
    whose ASCII order is the order ``ORDER BY Id`` returns. Child rows of accounts not in
    ``accounts`` (or with no account) are skipped.
    """
    heads: dict[str, tuple[str | None, Record] | None] = {
        logical: next(stream, None) for logical, stream in children.items()}
    for account in accounts:
        account_id = account["Id"]
        bundle = AccountBundle(account=account, children={k: [] for k in children})
        for logical, stream in children.items():
            head = heads[logical]
            while head is not None and (head[0] is None or head[0] < account_id):
                head = next(stream, None)
            while head is not None and head[0] == account_id:
                bundle.children[logical].append(head[1])
                head = next(stream, None)
            heads[logical] = head
        yield bundle


def unfold_children(bundle: AccountBundle, parent: ObjectRead, child: ObjectRead,
                    relationship: str, nested: Mapping[str, list[Record]]) -> None:
    """Move folded subquery rows of ``parent`` records into ``bundle.children[child]``.

    ``nested`` maps parent record id -> its child rows (all pages already fetched). Parent
    paths the child asked for (``Opportunity.AccountId``) are restored from the parent.
    """
    prefix = parent.sobject + "."
    wanted = [f[len(prefix):] for f in child.fields if f.startswith(prefix)]
    if child.account_path and child.account_path.startswith(prefix):
        wanted.append(child.account_path[len(prefix):])
    rows = bundle.children.setdefault(child.logical, [])
    for record in bundle.children.get(parent.logical, []):
        record.pop(relationship, None)
        for row in nested.get(record["Id"], []):
            row[parent.sobject] = {name: record.get(name) for name in wanted}
            rows.append(row)
