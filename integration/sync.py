"""One sync run: read -> plan writes -> write back, under the API budget, resumable.

``SyncRun.run`` streams bundles (full scan or incremental), asks the caller's planner for
the writes of each account, and flushes them in batches. When the budget would be passed
it stops cleanly: writes not yet applied and the last account handled go into a
checkpoint in Redis, one log line says why, and the next run resumes from there (pending
writes first, then accounts after the checkpoint). Watermarks move only when a scan
completes, and never backwards.

Incremental windows are half-open [watermark - look-back, now) on SystemModstamp, ``now``
from the org's own clock (the ``Date`` header), so client clock skew cannot skip rows;
the look-back margin re-reads rows committed late with an earlier stamp.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from integration.budget import BudgetExhausted
from integration.contracts import AccountBundle, OrgData, ReadSpec, RecordWrite, WriteOutcome
from integration.errors import SalesforceFailure
from integration.gateway import SalesforceGateway
from integration.read_plan import ReadOptions
from integration.reader import OrgReader
from integration.state import Checkpoint, RunStore
from integration.writer import RecordWriter, WriteOptions

log = logging.getLogger(__name__)

Planner = Callable[[AccountBundle, OrgData], Iterable[RecordWrite]]
LOOKBACK = timedelta(minutes=5)


@dataclass
class SyncReport:
    """How a run went: status, what it read and wrote, calls by kind."""

    run_id: str
    mode: str
    status: str = "running"  # completed | checkpointed | failed
    accounts: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    by_object: Counter[str] = field(default_factory=Counter)  # "Task:created" -> n
    failures: list[WriteOutcome] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    planned_minimum: int | None = None
    message: str = ""
    deleted_accounts: list[str] = field(default_factory=list)  # incremental: deleted since

    @property
    def api_calls(self) -> int:
        return sum(v for k, v in self.calls.items() if k != "auth")


class _Stop(Exception):
    """Internal: the budget stopped the run after the checkpoint was saved."""


class SyncRun:
    """Runs one sync of an org.

    Args:
        gateway: the one door to Salesforce.
        spec: what to read.
        store: Redis persistence (ledger, checkpoint, watermarks).
        planner: account bundle + org data -> the writes for that account.
        flush_writes: apply writes once this many are buffered (a multiple of 200 keeps
            collections full).
        lookback: margin subtracted from the watermark for incremental windows.
        ignore_own_changes: incremental scans skip rows the integration user stamped
            while the service itself was writing (``integration.own_writes``): the
            write-back's echo. Rows it stamped at any other moment, and rows of any other
            user, are news. Trade-off: a person's edit of a record the service writes
            moments later (between our read and our write) carries our stamp; the next
            full scan sees it — schedule one periodically (e.g. nightly).
    """

    def __init__(self, gateway: SalesforceGateway, spec: ReadSpec, store: RunStore,
                 planner: Planner, *, read_options: ReadOptions | None = None,
                 write_options: WriteOptions | None = None, flush_writes: int = 1000,
                 lookback: timedelta = LOOKBACK, ignore_own_changes: bool = True) -> None:
        self.gateway = gateway
        self.spec = spec
        self.store = store
        self.planner = planner
        self.read_options = read_options or ReadOptions()
        self.writer = RecordWriter(gateway, write_options or WriteOptions())
        self.flush_writes = flush_writes
        self.lookback = lookback
        self.ignore_own_changes = ignore_own_changes

    def run(self, mode: str = "incremental", run_id: str | None = None) -> SyncReport:
        """Run (or resume) a sync; ``mode`` is "full" or "incremental".

        A stored checkpoint wins over ``mode``: the interrupted run is finished first.
        """
        checkpoint = self.store.load_checkpoint()
        if checkpoint is not None:
            mode = checkpoint.mode
        run_id = run_id or uuid.uuid4().hex[:12]
        report = SyncReport(run_id=run_id, mode=mode)
        self.store.start_run(run_id, mode, self.gateway.now())
        reader = OrgReader(self.gateway, self.spec, self.read_options)
        try:
            if checkpoint is not None and checkpoint.pending_writes:
                self._apply(checkpoint.pending_writes, report, checkpoint)
            if mode == "full" or not self._has_watermarks():
                report.mode = "full"
                self._full(reader, report, checkpoint)
            else:
                self._incremental(reader, report, checkpoint)
            report.status = "completed"
            self.store.clear_checkpoint()
        except _Stop:
            report.status = "checkpointed"
        except SalesforceFailure as exc:
            # Retrying cannot help (mapping, permissions, credentials): stop loudly. The
            # checkpoint of the last flush stays, so the run after the fix resumes there.
            report.status = "failed"
            report.message = str(exc)
            log.error("sync failed: %s", exc)
            raise
        finally:
            self.store.own_writes.add(self.gateway.write_spans)
            self.gateway.write_spans.clear()
            report.calls = self.gateway.ledger.as_dict()
            self.store.save_ledger(run_id, self.gateway.ledger)
            self.store.finish_run(run_id, report.status, self.gateway.now(), report.message,
                                  extra={"outcomes": dict(report.outcomes),
                                         "accounts": report.accounts})
        return report

    # -- modes ----------------------------------------------------------------------------

    def _has_watermarks(self) -> bool:
        return all(self.store.watermark(o.sobject) is not None for o in self.spec.objects)

    def _full(self, reader: OrgReader, report: SyncReport, checkpoint: Checkpoint | None) -> None:
        after = checkpoint.after_account_id if checkpoint else None
        try:
            reader.plan(after=after)
        except BudgetExhausted as exc:
            self._stop(report, exc, checkpoint, after, [])
        started = (datetime.fromisoformat(checkpoint.started_at) if checkpoint
                   else self.gateway.now())
        state = checkpoint or Checkpoint(report.run_id, "full", started.isoformat(), after)
        reader.recent_since = started - self.lookback
        self._process(reader, reader.stream_bundles(after), report, state)
        report.planned_minimum = reader.stats.planned_minimum(self.spec, self.read_options)
        self._complete(reader, started)

    def _complete(self, reader: OrgReader, to: datetime) -> None:
        """A finished scan: remember the rows inside the margin, move watermarks forward."""
        sobjects = [o.sobject for o in self.spec.objects]
        self.store.save_recent(reader.recent, sobjects)
        for sobject in sobjects:
            self.store.advance_watermark(sobject, to)

    def _incremental(self, reader: OrgReader, report: SyncReport,
                     checkpoint: Checkpoint | None) -> None:
        self.gateway.ensure_authenticated()  # the token reply's Date header is the org's clock
        now = self.gateway.now()
        windows = {}
        for obj in self.spec.objects:
            mark = self.store.watermark(obj.sobject)
            assert mark is not None
            windows[obj.logical] = (mark - self.lookback, now)
        state = Checkpoint(report.run_id, "incremental", now.isoformat())
        reader.recent_since = now - self.lookback
        seen = self.store.recent([o.sobject for o in self.spec.objects])
        try:
            own = self.gateway.user_id if self.ignore_own_changes else None
            earliest = min(start for start, _ in windows.values())
            spans = self.store.own_writes.overlapping(earliest, now)
            changed, _portfolio = reader.changed_account_ids(windows, own, seen, spans)
            report.deleted_accounts = sorted(reader.deleted_account_ids)
            if changed:
                self._process(reader, reader.bundles_for(changed), report, state)
        except BudgetExhausted as exc:
            self._stop(report, exc, state, None, [])
        self._complete(reader, now)

    # -- the loop --------------------------------------------------------------------------

    def _process(self, reader: OrgReader, bundles: Iterator[AccountBundle], report: SyncReport,
                 state: Checkpoint) -> None:
        org_data: OrgData | None = None
        buffer: list[RecordWrite] = []
        last_account: str | None = state.after_account_id
        try:
            for bundle in bundles:
                if org_data is None:
                    org_data = reader.read_org_data()
                report.accounts += 1
                buffer.extend(self.planner(bundle, org_data))
                last_account = bundle.account_id
                if len(buffer) >= self.flush_writes:
                    self._apply(buffer, report, state, last_account)
                    buffer = []
            if buffer:
                self._apply(buffer, report, state, last_account)
        except BudgetExhausted as exc:
            self._stop(report, exc, state, last_account, buffer)

    def _apply(self, writes: list[RecordWrite], report: SyncReport, state: Checkpoint,
               last_account: str | None = None) -> None:
        outcomes = self.writer.apply(writes)
        deferred = [o.write for o in outcomes if o.status == "deferred"]
        for outcome in outcomes:
            if outcome.status != "deferred":
                report.outcomes[outcome.status] += 1
                report.by_object[f"{outcome.write.sobject}:{outcome.status}"] += 1
            if outcome.status == "failed":
                report.failures.append(outcome)
        if self.writer.exhausted is not None:
            self._stop(report, self.writer.exhausted, state, last_account or
                       state.after_account_id, deferred)
        state.pending_writes = []
        if last_account is not None:
            state.after_account_id = last_account
        self.store.save_checkpoint(state)
        self.store.save_ledger(report.run_id, self.gateway.ledger)

    def _stop(self, report: SyncReport, exc: BudgetExhausted, state: Checkpoint | None,
              after: str | None, pending: list[RecordWrite]) -> None:
        state = state or Checkpoint(report.run_id, report.mode, self.gateway.now().isoformat())
        state.after_account_id = after
        state.pending_writes = list(pending)
        state.reason = str(exc)
        self.store.save_checkpoint(state)
        report.message = str(exc)
        log.warning("%s", exc)  # the one line an operator needs
        raise _Stop from exc
