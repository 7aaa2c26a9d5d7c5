"""RQ job functions. Each takes ids (never live objects) and reloads what it needs.

Full scan, in two phases so every account is judged against the whole portfolio:
  1. ``full_scan`` reads the org once (integration's SyncRun, budget-aware, resumable),
     caches each account's records in Redis and builds the comparable-customer benchmark
     and the departed-champion index; then it enqueues write-back chunks.
  2. ``writeback_chunk`` (at most one per org at a time, RQ rate limit) reloads 1,000
     accounts from the cache, detects, plans and writes them in composite calls of five 200-record collections.
Incremental back-sync and event-driven scans are single-pass: they reuse the portfolio
state of the last full scan.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from rq import get_current_job
from rq.exceptions import DuplicateJobError
from simple_salesforce import format_soql

from detection.benchmark import BenchmarkBuilder
from detection.stakeholders import build_champion_index
from integration import notifications
from integration.composite import MAX_QUERY_OR_COLLECTION, composite_queries
from integration.contracts import AccountBundle, OrgData, RecordWrite
from integration.gateway import check_api_name
from integration.reader import OrgReader
from integration.sync import SyncRun
from integration.writer import RecordWriter
from workers import insights
from workers.champion_spill import ChampionSpill
from workers.files import file_writes, link_queries, sync_files
from workers.notify import alerts_from
from workers.pipeline import ScanContext, process_bundle, snapshot_of
from workers.queues import (
    DEFAULT_RETRY,
    SCAN,
    WRITEBACK,
    coalescing_job_id,
    org_write_limit,
    queue,
)
from workers.runtime import Runtime, runtime
from workers.task_keys import task_keys_of

log = logging.getLogger(__name__)

# Accounts per write-back job: ~5 records are written per account, so a chunk fills about
# five composite calls of five 200-record collections, and its lookups ride in as few.
CHUNK = 1000


# -- full scan ------------------------------------------------------------------------------


def full_scan(org_key: str = "default", wait: bool = False) -> dict:
    """Phase 1 of a full scan: read and cache, build the portfolio, enqueue write-back."""
    rt = runtime(org_key)
    gateway = rt.gateway()
    gateway.ensure_authenticated()
    mapping = rt.mappings.active_mapping()
    spec, _ = rt.checked_spec(gateway, mapping)
    scan_id = (rt.redis.get(f"radar:{org_key}:fullscan:current") or b"").decode() \
        or uuid.uuid4().hex[:12]
    rt.redis.set(f"radar:{org_key}:fullscan:current", scan_id)
    # When this scan's read began (kept across resumes): the write-back re-checks only
    # what was created since (see workers.task_keys).
    rt.redis.set(f"radar:{org_key}:fullscan:{scan_id}:read_from", gateway.now().isoformat(),
                 nx=True, ex=7 * 24 * 3600)
    state: dict = {}

    def cache(bundle: AccountBundle, org_data: OrgData) -> Iterable[RecordWrite]:
        if "sc" not in state:
            sc = ScanContext(mapping=mapping, org_data=org_data, now=gateway.now(),
                             plays=rt.settings.plays())
            state.update(sc=sc, builder=BenchmarkBuilder(sc.ctx, sc.now), thin=ChampionSpill(),
                         buffer=[])
            rt.portfolio.save_org_data(org_data)
        sc: ScanContext = state["sc"]
        snapshot = snapshot_of(bundle, sc)
        state["builder"].add(snapshot)
        state["thin"].add(snapshot)  # on local disk: bounded memory at 100,000 accounts
        state["buffer"].append(bundle)
        if len(state["buffer"]) >= CHUNK:
            _flush_cache(rt, scan_id, state)
        return ()

    report = SyncRun(gateway, spec, rt.runs, cache).run("full", run_id=scan_id)
    _flush_cache(rt, scan_id, state)
    if report.status != "completed":
        log.warning("full scan %s stopped in the read phase: %s", scan_id, report.message)
        return {"scan_id": scan_id, "status": report.status, "message": report.message}
    if "sc" in state:
        sc = state["sc"]
        rt.portfolio.save_portfolio(state["builder"].build(),
                                    build_champion_index(state["thin"].relevant()))
        state["thin"].close()
        rt.redis.set(f"radar:{org_key}:fullscan:{scan_id}:now", sc.now.isoformat())
    rt.redis.delete(f"radar:{org_key}:fullscan:current")
    chunks = enqueue_writeback(rt, scan_id)
    rt.runs.finish_run(scan_id, "reading-done", gateway.now(),
                       extra={"chunks": chunks, "accounts": report.accounts})
    return {"scan_id": scan_id, "status": "read", "accounts": report.accounts, "chunks": chunks,
            "calls": report.calls}


def _flush_cache(rt: Runtime, scan_id: str, state: dict) -> None:
    buffer = state.get("buffer") or []
    if buffer:
        rt.portfolio.cache_bundles(scan_id, buffer)
        rt.redis.rpush(f"radar:{rt.org_key}:fullscan:{scan_id}:ids",
                       *[b.account_id for b in buffer])
        state["buffer"] = []


def enqueue_writeback(rt: Runtime, scan_id: str) -> int:
    """Enqueue the write-back chunks of a scan (deterministic job ids: enqueuing twice is
    harmless) and return how many there are."""
    ids = [i.decode() for i in rt.redis.lrange(f"radar:{rt.org_key}:fullscan:{scan_id}:ids", 0, -1)]
    q = queue(WRITEBACK, rt.redis)
    limit = org_write_limit(rt.org_key)
    count = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        job_id = f"radar-chunk-{rt.org_key}-{scan_id}-{start // CHUNK}"
        q.enqueue(writeback_chunk, org_key=rt.org_key, scan_id=scan_id, account_ids=chunk,
                  job_id=job_id, retry=DEFAULT_RETRY, rate_limit=limit, job_timeout=3600)
        count += 1
    return count


def writeback_chunk(org_key: str, scan_id: str, account_ids: Sequence[str]) -> dict:
    """Phase 2: detect, plan and write up to ``CHUNK`` accounts of a full scan."""
    rt = runtime(org_key)
    bundles = rt.portfolio.cached_bundles(scan_id, account_ids)
    if not bundles:
        return {"accounts": 0, "note": "already written"}
    raw_now = rt.redis.get(f"radar:{org_key}:fullscan:{scan_id}:now")
    gateway = rt.gateway()
    now = datetime.fromisoformat(raw_now.decode()) if raw_now else gateway.now()
    sc = _context(rt, gateway, now)
    outcome = _detect_and_write(rt, gateway, sc, bundles, run_id=scan_id,
                                task_keys=lambda writes: task_keys_of(rt, gateway, scan_id,
                                                                    bundles, writes))
    if outcome["status"] == "completed":
        rt.portfolio.drop_cached(scan_id, [b.account_id for b in bundles])
        if rt.portfolio.cached_count(scan_id) == 0:
            rt.runs.finish_run(scan_id, "completed", gateway.now(),
                               "read and written back")  # the last chunk of the scan
    return outcome


def _context(rt: Runtime, gateway, now: datetime) -> ScanContext:
    mapping = rt.mappings.active_mapping()
    org_data = rt.portfolio.org_data()
    if org_data is None:
        spec, _ = rt.checked_spec(gateway, mapping)
        org_data = OrgReader(gateway, spec).read_org_data()
        rt.portfolio.save_org_data(org_data)
    return ScanContext(mapping=mapping, org_data=org_data, now=now,
                       benchmark=rt.portfolio.benchmark(), champions=rt.portfolio.champions(),
                       plays=rt.settings.plays())


def _detect_and_write(rt: Runtime, gateway, sc: ScanContext, bundles: Sequence[AccountBundle],
                      run_id: str, task_keys=None) -> dict:
    priors = rt.portfolio.priors([b.account_id for b in bundles])
    writes: list[RecordWrite] = []
    results = []
    for bundle in bundles:
        result = process_bundle(bundle, sc, priors.get(bundle.account_id))
        writes.extend(result.writes)
        results.append(result)
    writer = RecordWriter(gateway)
    # The Task keys' created-since check and the files' lookups travel in one composite
    # call; the files' creates share the composite calls of the other writes.
    files = [f for r in results for f in r.files]
    plan = task_keys(writes) if task_keys is not None else None
    soqls = ([plan.since_soql] if plan else []) + link_queries([f.account_id for f in files])
    # The notification type's id rides along when it fits in a composite call made anyway
    # (five queries a call), so the bell costs no lookup of its own per chunk.
    ride = bool(soqls) and len(soqls) % MAX_QUERY_OR_COLLECTION != 0
    if ride:
        soqls.append(notifications.TYPE_SOQL)
    answers = composite_queries(gateway, soqls) if soqls else []
    type_rows = answers.pop() if ride else None
    keys = plan.known(answers.pop(0)) if plan else None
    writes.extend(file_writes(gateway, files, [row for rows in answers for row in rows]))
    outcomes = [o for o in writer.apply(writes, keys) if o.status != "deferred"
                or o.write.sobject != "ContentVersion"]  # a deferred file is re-planned
    if writer.exhausted is None:
        notifications.send(gateway, alerts_from(outcomes, sc.mapping), type_rows)
    counts = Counter(o.status for o in outcomes)
    failures = [o for o in outcomes if o.status == "failed"]
    for failure in failures:
        log.warning("write failed: %s %s %s: %s", failure.write.sobject, failure.write.op,
                    failure.record_id or failure.write.dedupe_key or failure.write.record_id,
                    "; ".join(f"{e.status_code} {e.message} {e.fields}" for e in failure.errors))
    status = "completed"
    if writer.exhausted is not None:
        status = "checkpointed"
        log.warning("%s", writer.exhausted)
        rt.redis.sadd(f"radar:{rt.org_key}:pending_chunks", run_id)
    else:
        rt.portfolio.save_priors((r.account_id, r.prior) for r in results)
    insights.record(rt.redis, rt.org_key, results, outcomes, run_id)
    rt.runs.own_writes.add(gateway.write_spans)  # our echoes, for the next change probe
    gateway.write_spans.clear()
    key = rt.runs.run_key(run_id)
    pipe = rt.redis.pipeline()
    for name, n in counts.items():
        pipe.hincrby(key, f"writes:{name}", n)
    for kind, n in gateway.ledger.as_dict().items():
        pipe.hincrby(key, f"calls:{kind}", n)
    pipe.hincrby(key, "accounts_written", len(bundles))
    if gateway.budget.allowance is not None:
        pipe.hset(key, "allowance", gateway.budget.allowance)
    pipe.execute()
    return {"status": status, "accounts": len(bundles), "writes": dict(counts),
            "failed": len(failures), "calls": gateway.ledger.as_dict()}


# -- incremental and targeted scans ---------------------------------------------------------


def incremental_sync(org_key: str = "default") -> dict:
    """Back-sync: read only what changed since the watermark and write its consequences.

    Without portfolio state (no full scan yet) it runs a full scan instead.
    """
    rt = runtime(org_key)
    _resume_pending(rt)
    if rt.portfolio.benchmark() is None:
        return full_scan(org_key)
    gateway = rt.gateway()
    gateway.ensure_authenticated()
    mapping = rt.mappings.active_mapping()
    spec, _ = rt.checked_spec(gateway, mapping)
    state: dict = {}

    def planner(bundle: AccountBundle, org_data: OrgData) -> Iterable[RecordWrite]:
        if "sc" not in state:
            state["sc"] = ScanContext(mapping=mapping, org_data=org_data, now=gateway.now(),
                                      benchmark=rt.portfolio.benchmark(),
                                      champions=rt.portfolio.champions(),
                                      plays=rt.settings.plays())
        sc = state["sc"]
        prior = rt.portfolio.priors([bundle.account_id]).get(bundle.account_id)
        result = process_bundle(bundle, sc, prior)
        rt.portfolio.save_priors([(result.account_id, result.prior)])
        state.setdefault("results", []).append(result)
        return result.writes

    report = SyncRun(gateway, spec, rt.runs, planner).run("incremental")
    files = sync_files(gateway, [f for r in state.get("results", []) for f in r.files])
    insights.record(rt.redis, org_key, state.get("results", []), files, report.run_id,
                    counts=report.by_object)
    insights.forget(rt.redis, org_key, report.deleted_accounts)
    return {"run_id": report.run_id, "status": report.status, "accounts": report.accounts,
            "writes": dict(report.outcomes), "calls": report.calls,
            "deleted_accounts": report.deleted_accounts}


def scan_accounts(org_key: str, account_ids: Sequence[str]) -> dict:
    """Read, detect and write a few accounts now (events, `radar sync --account`).

    Without portfolio state (no full scan yet, or Redis lost it) the accounts cannot be
    judged against comparable customers — a handoff would carry a wrong deal size, once and
    for ever — so a full scan is queued instead; it covers these accounts too.
    """
    rt = runtime(org_key)
    if rt.portfolio.benchmark() is None:
        _enqueue_once(rt, f"radar-fullscan-{org_key}", full_scan, job_timeout=6 * 3600)
        return {"deferred": "no portfolio state yet: a full scan was queued",
                "accounts": list(account_ids)}
    gateway = rt.gateway()
    gateway.ensure_authenticated()
    mapping = rt.mappings.active_mapping()
    spec, _ = rt.checked_spec(gateway, mapping)
    sc = _context(rt, gateway, gateway.now())
    run_id = uuid.uuid4().hex[:12]
    rt.runs.start_run(run_id, "accounts", gateway.now())
    bundles = list(OrgReader(gateway, spec).bundles_for(account_ids))
    outcome = _detect_and_write(rt, gateway, sc, bundles, run_id)
    rt.runs.finish_run(run_id, outcome["status"], gateway.now(),
                       extra={"accounts": len(bundles)})
    return outcome


def _resume_pending(rt: Runtime) -> None:
    for scan_id in rt.redis.smembers(f"radar:{rt.org_key}:pending_chunks"):
        rt.redis.srem(f"radar:{rt.org_key}:pending_chunks", scan_id)
        enqueue_writeback(rt, scan_id.decode())


# -- events ---------------------------------------------------------------------------------


ACCOUNT_FIELD = {"Account": "Id", "Product_Usage__c": "Account__c"}


def handle_record_event(org_key: str, sobject: str, record_id: str, change_type: str = "UPDATE",
                        changed_fields: Sequence[str] | None = None, source: str = "",
                        event_id: str | None = None, received_at: str | None = None,
                        account_id: str | None = None) -> dict:
    """An inbound event about one record: find its account, then scan that account
    (one coalesced job per account, whatever the number of events)."""
    rt = runtime(org_key)
    if account_id is None:
        account_id = _account_of(rt, sobject, record_id)
    if account_id is None:
        return {"ignored": f"no account for {sobject} {record_id}"}
    job_id = _enqueue_account_scan(rt, account_id)
    parent = get_current_job()
    return {"account_id": account_id, "scan_job": job_id,
            "event_job": parent.id if parent else None}


PENDING = ("queued", "deferred", "scheduled")


def _enqueue_once(rt: Runtime, job_id: str, func, **kwargs) -> str:
    """Enqueue ``func`` as ``job_id`` on the scan queue unless that job is already waiting
    or running; returns the status it found ("queued", "started", ...) or "enqueued"."""
    q = queue(SCAN, rt.redis)
    job = q.fetch_job(job_id)
    found = job.get_status(refresh=True) if job is not None else None
    status = getattr(found, "value", found)  # JobStatus is a str Enum
    if status in PENDING or status == "started":
        return status
    if job is not None:
        job.delete()  # a finished run of the same id: start a new one
    try:
        q.enqueue(func, org_key=rt.org_key, job_id=job_id, retry=DEFAULT_RETRY, unique=True,
                  **kwargs)
    except DuplicateJobError:
        return "queued"  # another process enqueued it a moment ago
    return "enqueued"


def _enqueue_account_scan(rt: Runtime, account_id: str) -> str:
    """Make sure a scan of the account starts after this event: join a scan still waiting
    in the queue (it will read the change), or queue one behind a scan already running
    (which may have read the record before the change)."""
    base = coalescing_job_id(rt.org_key, "account", account_id)
    for generation in range(4):
        job_id = base if generation == 0 else f"{base}-{generation}"
        status = _enqueue_once(rt, job_id, scan_accounts, account_ids=[account_id])
        if status != "started":
            return job_id
    return job_id  # several scans of this account running at once: the last one will do


def _account_of(rt: Runtime, sobject: str, record_id: str) -> str | None:
    field = ACCOUNT_FIELD.get(sobject, "AccountId")
    if field == "Id":
        return record_id
    gateway = rt.gateway()
    soql = format_soql("SELECT {:literal} FROM {:literal} WHERE Id = {}",
                       check_api_name(field), check_api_name(sobject), record_id)
    page = gateway.query_page(soql, kind="query_page")
    records = page.get("records") or []
    return records[0].get(field) if records else None
