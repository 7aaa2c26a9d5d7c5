"""Streaming reads: per-account ``AccountBundle``s and portfolio-wide ``OrgData``.

See ``read_plan`` for the strategy and its call formulas. Memory: the merge holds one REST
page (<= 2,000 rows) per object, or one Bulk result page while it is copied to disk.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from integration.bulk_query import bulk_records, bulk_sorted_records
from integration.composite import composite_pages
from integration.contracts import AccountBundle, ObjectRead, OrgData, ReadSpec, Record
from integration.errors import SalesforceFailure
from integration.gateway import SalesforceGateway, strip_attributes
from integration.read_plan import (
    FOLDABLE,
    Api,
    ReadOptions,
    account_relationship,
    build_changes,
    build_count,
    build_query,
    build_subquery,
    choose_api,
    fold_parent,
    keyed,
    merge_by_account,
    normalize_stamp,
    path_value,
    planned_calls,
    stamp_field,
    unfold_children,
)

log = logging.getLogger(__name__)
MISSING_OBJECT_CODES = frozenset({"INVALID_TYPE", "INVALID_FIELD", "NOT_FOUND"})


@dataclass
class ScanStats:
    """What a scan read: rows per object, API per object, objects skipped as missing."""

    records: Counter[str] = field(default_factory=Counter)
    apis: dict[str, Api] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def planned_minimum(self, spec: ReadSpec, options: ReadOptions) -> int:
        """``planned_calls`` for the rows actually read (folded children included)."""
        counts = {o.logical: self.records.get(o.logical, 0) for o in spec.objects
                  if o.logical not in self.skipped}
        present = ReadSpec(tuple(o for o in spec.objects if o.logical not in self.skipped))
        return planned_calls(counts, present, options)


class OrgReader:
    """Reads one ``ReadSpec`` through a gateway.

    Args:
        gateway: the one door to Salesforce (budget, retries, ledger).
        spec: what to read (built by crm_mapping from the active mapping).
        options: REST/Bulk threshold, page sizes, subquery folding.
    """

    def __init__(self, gateway: SalesforceGateway, spec: ReadSpec,
                 options: ReadOptions | None = None) -> None:
        self.gateway = gateway
        # Every read also selects the row's change stamp: rows seen recently are remembered
        # so the next incremental window's look-back margin does not re-read them as news.
        spec = ReadSpec(tuple(replace(o, fields=tuple(dict.fromkeys((*o.fields, stamp_field(o)))))
                              for o in spec.objects))
        self.spec = spec
        self.options = options or ReadOptions()
        self.stats = ScanStats()
        self.recent_since: datetime | None = None
        self.recent: dict[str, dict[str, str]] = {}  # sobject -> id -> stamp (>= recent_since)
        self.deleted_account_ids: set[str] = set()  # found deleted by changed_account_ids
        self._first_pages: dict[str, dict] = {}  # SOQL -> first page fetched in a composite
        account = spec.get("account")
        if account is None:
            raise ValueError("the ReadSpec has no 'account' object")
        self.account = account
        self.children = [o for o in spec.objects if o.account_path and o.logical != "account"]
        self.portfolio = [o for o in spec.objects if not o.account_path and o.logical != "account"]

    # -- helpers ------------------------------------------------------------------------

    def _optional(self, obj: ObjectRead, exc: SalesforceFailure) -> bool:
        """True (and remembered) when ``obj`` may be missing and the org says it is."""
        if obj.required or exc.code not in MISSING_OBJECT_CODES:
            return False
        log.warning("skipping optional %s (%s): %s", obj.logical, obj.sobject, exc.message)
        self.stats.skipped[obj.logical] = exc.code
        return True

    def _count(self, obj: ObjectRead, after: str | None = None) -> int | None:
        try:
            n = self.gateway.count(build_count(obj, after=after))
        except SalesforceFailure as exc:
            if self._optional(obj, exc):
                return None
            raise
        self.stats.counts[obj.logical] = n
        return n

    def _folded(self) -> dict[str, list[ObjectRead]]:
        """Parent logical -> children folded into its REST query (decided after counts)."""
        folded: dict[str, list[ObjectRead]] = {}
        if not self.options.fold_children:
            return folded
        for child in self.children:
            parent = fold_parent(child, self.spec)
            if parent is not None and self.stats.apis.get(parent.logical) == "rest":
                folded.setdefault(parent.logical, []).append(child)
                self.stats.apis[child.logical] = "folded"
        return folded

    def _with_parent_fields(self, parent: ObjectRead, kids: Sequence[ObjectRead]) -> ObjectRead:
        prefix = parent.sobject + "."
        extra = [f[len(prefix):] for k in kids for f in (*k.fields, k.account_path or "")
                 if f.startswith(prefix)]
        return replace(parent, fields=(*parent.fields, *extra))

    def _rest_soql(self, obj: ObjectRead, kids: Sequence[ObjectRead], after: str | None,
                   account_ids: Sequence[str] | None) -> str:
        subqueries = [build_subquery(k, self._relationship(obj, k), obj) for k in kids]
        return build_query(self._with_parent_fields(obj, kids) if kids else obj, after=after,
                           account_ids=account_ids, subqueries=subqueries)

    def _rest_stream(self, obj: ObjectRead, kids: Sequence[ObjectRead], after: str | None,
                     account_ids: Sequence[str] | None) -> Iterator[Record]:
        soql = self._rest_soql(obj, kids, after, account_ids)
        first = self._first_pages.pop(soql, None)
        records = (self._probe_rows(soql, first, include_deleted=False) if first is not None
                   else self.gateway.iter_records(soql, batch_size=self.options.page_size))
        for record in records:
            for kid in kids:
                self._resolve_nested(record, self._relationship(obj, kid))
            yield record

    def _resolve_nested(self, record: Record, relationship: str) -> None:
        """Replace a subquery result by its full row list (following its next pages)."""
        nested = record.get(relationship)
        rows: list[Record] = []
        pages = 0
        while isinstance(nested, dict):
            rows.extend({k: v for k, v in r.items() if k != "attributes"}
                        for r in nested.get("records", []))
            pages += 1
            if nested.get("done", True) or not nested.get("nextRecordsUrl") or pages > 10_000:
                break
            nested = self.gateway.query_more(nested["nextRecordsUrl"])
        record[relationship] = rows

    def _stream(self, obj: ObjectRead, kids: Sequence[ObjectRead], *, after: str | None = None,
                account_ids: Sequence[str] | None = None) -> Iterator[Record]:
        api = self.stats.apis.get(obj.logical, "rest")
        if api == "bulk" and account_ids is None:
            soql = build_query(obj, after=after, ordered=False)
            key = obj.account_path or "Id"
            records: Iterable[Record] = bulk_sorted_records(
                self.gateway, obj.sobject, soql, key, self.options.bulk_max_records)
        else:
            records = self._rest_stream(obj, kids, after, account_ids)
        for record in records:
            self.stats.records[obj.logical] += 1
            self._note_recent(obj, record)
            for kid in kids:
                nested = record.get(self._relationship(obj, kid), [])
                self.stats.records[kid.logical] += len(nested)
                for row in nested:
                    self._note_recent(kid, row)
            yield record

    def _note_recent(self, obj: ObjectRead, record: Record) -> None:
        if self.recent_since is None:
            return
        stamp = normalize_stamp(record.get(stamp_field(obj)))
        if stamp is not None and stamp >= self.recent_since.isoformat():
            self.recent.setdefault(obj.sobject, {})[record["Id"]] = stamp

    def _relationship(self, parent: ObjectRead, child: ObjectRead) -> str:
        if parent is self.account:
            relationship = account_relationship(child)
            assert relationship is not None
            return relationship
        return FOLDABLE[(parent.sobject, child.sobject)]

    def _account_kids(self, account_ids: Sequence[str] | None) -> list[ObjectRead]:
        """Children folded into the Account query: only when reading a few accounts (a
        full scan reads each child object in its own sorted stream or Bulk job)."""
        if account_ids is None or not self.options.fold_children:
            return []
        folded = {k.logical for kids in self._folded().values() for k in kids}
        return [c for c in self.children if account_relationship(c) is not None
                and c.logical not in folded and c.logical not in self.stats.skipped]

    def _bundles(self, after: str | None, account_ids: Sequence[str] | None
                 ) -> Iterator[AccountBundle]:
        folded = self._folded()
        account_kids = self._account_kids(account_ids)
        folded_logicals = {k.logical for kids in folded.values() for k in kids}
        folded_logicals |= {k.logical for k in account_kids}
        streams = {
            child.logical: keyed(self._stream(child, folded.get(child.logical, ()), after=after,
                                              account_ids=account_ids), child.account_path or "")
            for child in self.children
            if child.logical not in folded_logicals and child.logical not in self.stats.skipped
        }
        accounts = self._stream(self.account, account_kids, after=after, account_ids=account_ids)
        for bundle in merge_by_account(accounts, streams):
            for kid in account_kids:
                bundle.children[kid.logical] = bundle.account.pop(account_relationship(kid), [])
            for parent_logical, kids in folded.items():
                parent = self.spec.get(parent_logical)
                assert parent is not None
                for kid in kids:
                    relationship = FOLDABLE[(parent.sobject, kid.sobject)]
                    nested = {r["Id"]: r.get(relationship, [])
                              for r in bundle.children.get(parent_logical, [])}
                    unfold_children(bundle, parent, kid, relationship, nested)
            for skipped in self.stats.skipped:
                bundle.children.pop(skipped, None)
            yield bundle

    # -- public -------------------------------------------------------------------------

    def plan(self, after: str | None = None) -> dict[str, Api]:
        """COUNT() each object that is not folded and choose REST or Bulk.

        The counts travel five to a composite call. Folding is decided from the parent's
        count, so folded children are not counted (a foldable child whose parent goes to
        Bulk is counted on its own afterwards).
        """
        objects = [self.account, *self.children, *self.portfolio]
        foldable = {o.logical for o in objects
                    if self.options.fold_children and fold_parent(o, self.spec) is not None}
        first = [o for o in objects if o.logical not in foldable]
        soqls = [build_count(o, after=self._count_after(o, after)) for o in first]
        for obj, page in zip(first, composite_pages(self.gateway, soqls), strict=True):
            n = int(page.get("totalSize", 0)) if page is not None else \
                self._count(obj, after=self._count_after(obj, after))
            if n is not None:
                self.stats.counts[obj.logical] = n
                self.stats.apis[obj.logical] = choose_api(n, self.options)
        for obj in objects:
            if obj.logical not in foldable:
                continue
            parent = fold_parent(obj, self.spec)
            if parent is not None and self.stats.apis.get(parent.logical) == "rest":
                self.stats.apis[obj.logical] = "folded"
                continue
            n = self._count(obj, after=self._count_after(obj, after))
            if n is not None:
                self.stats.apis[obj.logical] = choose_api(n, self.options)
        return dict(self.stats.apis)

    def _count_after(self, obj: ObjectRead, after: str | None) -> str | None:
        return after if obj.account_path or obj is self.account else None

    def read_org_data(self) -> OrgData:
        """Every portfolio-wide object (product, pricebook_entry, user, ...) in full."""
        data = OrgData()
        for obj in self.portfolio:
            if obj.logical in self.stats.skipped:
                continue
            api = self.stats.apis.get(obj.logical) or "rest"
            try:
                if api == "bulk":
                    rows = list(bulk_records(self.gateway, obj.sobject,
                                             build_query(obj, ordered=False),
                                             self.options.bulk_max_records))
                else:
                    rows = list(self.gateway.iter_records(build_query(obj),
                                                          batch_size=self.options.page_size))
            except SalesforceFailure as exc:
                if self._optional(obj, exc):
                    continue
                raise
            self.stats.records[obj.logical] += len(rows)
            data.records[obj.logical] = rows
        return data

    def stream_bundles(self, after_account_id: str | None = None) -> Iterator[AccountBundle]:
        """Full scan: every account (after ``after_account_id``) with its children, in id
        order. Call ``plan`` first (it counts and chooses REST or Bulk per object)."""
        if not self.stats.apis:
            self.plan(after=after_account_id)
        return self._bundles(after_account_id, None)

    def bundles_for(self, account_ids: Iterable[str]) -> Iterator[AccountBundle]:
        """Bundles of the given accounts only, REST, ``IN`` lists of <= ``in_chunk`` ids.

        Calls: per chunk, one query per object (children folded as in a full scan).
        """
        ids = sorted(set(account_ids))
        for obj in [self.account, *self.children]:
            parent = fold_parent(obj, self.spec) if self.options.fold_children else None
            self.stats.apis[obj.logical] = "folded" if parent is not None else "rest"
        for start in range(0, len(ids), self.options.in_chunk):
            chunk = ids[start:start + self.options.in_chunk]
            self._prefetch_first_pages(chunk)
            yield from self._bundles(None, chunk)

    def _prefetch_first_pages(self, account_ids: Sequence[str]) -> None:
        """The first page of every object's query for these accounts, five queries per
        composite call. Account children fold into the Account query as subqueries, so the
        product's default read of one account (Account with contacts, cases, usage,
        assets, contact relations and history; opportunities with their line items, roles
        and competitors; tasks; events; contact history) is five queries: one call."""
        folded = self._folded()
        account_kids = self._account_kids(account_ids)
        folded_logicals = {k.logical for kids in folded.values() for k in kids}
        folded_logicals |= {k.logical for k in account_kids}
        soqls = [self._rest_soql(self.account, account_kids, None, account_ids)]
        soqls += [self._rest_soql(c, folded.get(c.logical, ()), None, account_ids)
                  for c in self.children
                  if c.logical not in folded_logicals and c.logical not in self.stats.skipped]
        for soql, page in zip(soqls, composite_pages(self.gateway, soqls), strict=True):
            if page is not None:
                self._first_pages[soql] = page

    def changed_account_ids(self, windows: Mapping[str, tuple[datetime, datetime]],
                            ignore_user: str | None = None,
                            seen: Mapping[str, Mapping[str, str]] | None = None,
                            own_spans: Sequence[tuple[datetime, datetime]] = (),
                            ) -> tuple[set[str], set[str]]:
        """Accounts touched in each object's window, and portfolio objects that changed.

        One query per object (``SELECT AccountId FROM Case WHERE SystemModstamp >= :from
        AND SystemModstamp < :to``), five to a composite call; with nothing changed an org
        of 18 objects costs 4 calls. The
        queries go to ``queryAll``, so a deleted child (a Case, a Contact) brings its
        account back as well; deleted accounts are collected in ``deleted_account_ids``
        (nothing left to scan: the caller forgets them).

        Args:
            windows: logical object -> half-open [from, to) window of SystemModstamp.
            ignore_user: the integration user: its rows stamped inside ``own_spans`` (the
                service's own write calls) are echoes and skipped; at other moments, news.
            seen: sobject -> id -> stamp of rows the previous scan already read; a row
                found again with the same stamp (inside the look-back margin) is no news.
        """
        changed: set[str] = set()
        portfolio_changed: set[str] = set()
        probes = [(obj, build_changes(obj, *windows[obj.logical], ignore_user,
                                      deleted_flag=obj is self.account, own_spans=own_spans))
                  for obj in self.spec.objects
                  if obj.logical in windows and obj.logical not in self.stats.skipped]
        # Every object's probe in composite calls of five: an unchanged org of 18 objects
        # costs 4 calls instead of 18.
        pages = composite_pages(self.gateway, [soql for _, soql in probes], include_deleted=True)
        for (obj, soql), page in zip(probes, pages, strict=True):
            is_account = obj is self.account
            key = obj.account_path or "Id"
            known = (seen or {}).get(obj.sobject, {})
            try:
                for record in self._probe_rows(soql, page):
                    stamp = normalize_stamp(record.get(stamp_field(obj)))
                    if stamp is not None and known.get(record["Id"]) == stamp:
                        continue
                    if is_account and record.get("IsDeleted"):
                        self.deleted_account_ids.add(record["Id"])
                        continue
                    self._note_recent(obj, record)
                    if obj.account_path or obj is self.account:
                        value = path_value(record, key)
                        if value:
                            changed.add(value)
                    else:
                        portfolio_changed.add(obj.logical)
            except SalesforceFailure as exc:
                if self._optional(obj, exc):
                    continue
                raise
        return changed, portfolio_changed

    def _probe_rows(self, soql: str, page: dict | None,
                    include_deleted: bool = True) -> Iterator[Record]:
        """Rows of a change probe: its composite page and the pages after it (or the query
        alone when the composite could not run it, so its error is classified)."""
        if page is None:
            yield from self.gateway.iter_records(soql, include_deleted=include_deleted)
            return
        for _ in range(1_000_000):  # bounded: one page per call
            yield from (strip_attributes(r) for r in page.get("records", []))
            if page.get("done", True) or not page.get("nextRecordsUrl"):
                return
            page = self.gateway.query_more(page["nextRecordsUrl"])
