"""Full and incremental scans through the real product path, measured.

A full scan is `workers.jobs.full_scan` enqueued in Redis and run by a real RQ worker in a
subprocess (``bench.worker_probe``: `radar worker --burst` plus resource accounting), so
the figures include everything a deployment pays: phase 1 reads the org and caches
bundles in Redis, phase 2 runs the ``writeback_chunk`` jobs (detect, plan, write in
collections of 200). An incremental back-sync (`workers.jobs.incremental_sync`) follows
immediately, with nothing changed in the org.

API calls are counted twice: by the product (its call ledger, stored per run in Redis) and
by the emulator (its metered daily counter, by kind). The planned minimum is
``integration.read_plan.planned_calls`` over the rows the scan reads (counted directly in
the emulator's store, which costs no API call); the naive count is
``integration.read_plan.naive_calls``: one query per account per child object read, plus
one write call per record written.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import redis
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry

from bench.orgs import ORG_KEY, BenchOrg
from bench.ui import Ui
from integration.read_plan import build_count, naive_calls, planned_calls
from workers.queues import ALL_QUEUES, SCAN, WRITEBACK

POLL_SECONDS = 0.25
SCAN_TIMEOUT = 3 * 3600
READ_KINDS = ("count", "query_page", "bulk_job_step", "describe")


def _per_1000(value: float, accounts: int) -> float | None:
    return round(value * 1000 / accounts, 3) if accounts else None


def _run_worker(org: BenchOrg, label: str, ui: Ui, watch: Any = None) -> dict[str, Any]:
    """Run one burst worker until the queues are empty; its usage JSON plus wall time.

    ``watch(elapsed)`` is called every poll while the worker runs (progress, phase times).
    """
    usage_path = org.workdir / f"usage-{label}.json"
    log_path = org.workdir / f"worker-{label}.log"
    started = time.perf_counter()
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [sys.executable, "-m", "bench.worker_probe", "--usage-out", str(usage_path)],
            env=org.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            while process.poll() is None:
                if watch is not None:
                    watch(time.perf_counter() - started)
                if time.perf_counter() - started > SCAN_TIMEOUT:
                    raise TimeoutError(f"the {label} worker ran over {SCAN_TIMEOUT} s")
                time.sleep(POLL_SECONDS)
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
    wall = time.perf_counter() - started
    if process.returncode != 0 or not usage_path.exists():
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"the {label} worker exited with {process.returncode}:\n{tail}")
    usage = json.loads(usage_path.read_text(encoding="utf-8"))
    return {**usage, "wall_s": round(wall, 3)}


def _failed_jobs(conn: redis.Redis) -> list[str]:
    failed = []
    for name in ALL_QUEUES:
        registry = FailedJobRegistry(name, connection=conn)
        for job_id in registry.get_job_ids():
            job = Job.fetch(job_id, connection=conn)
            result = job.latest_result()
            tail = (result.exc_string or "").strip().splitlines()[-1:] if result else []
            failed.append(f"{job.func_name}: {' '.join(tail)}")
    return failed


def _spec_counts(org: BenchOrg, conn: redis.Redis) -> tuple[Any, dict[str, int], list[str]]:
    """The read spec the worker used (describes come from its Redis cache: no API call)
    and the rows of each object, counted in the emulator's store (not metered)."""
    from service.settings import Settings  # noqa: PLC0415 - heavy imports, once per run
    from workers.runtime import Runtime  # noqa: PLC0415

    rt = Runtime(settings=Settings.from_env(org.env), redis=conn, org_key=ORG_KEY)
    gateway = rt.gateway()
    spec, _ = rt.checked_spec(gateway, rt.mappings.active_mapping())
    counts: dict[str, int] = {}
    skipped: list[str] = []
    for obj in spec.objects:
        try:
            counts[obj.logical] = int(org.emu.store.query(build_count(obj))[0]["expr0"])
        except Exception:  # noqa: BLE001 - an object the org lacks is skipped by the reader too
            skipped.append(obj.logical)
    return spec, counts, skipped


def _delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: after.get(k, 0) - before.get(k, 0) for k in sorted(after)
            if after.get(k, 0) - before.get(k, 0)}


def _writes_of(run: dict[str, Any]) -> dict[str, int]:
    return {k.split(":", 1)[1]: int(v) for k, v in run.items() if k.startswith("writes:")}


def full_scan(org: BenchOrg, ui: Ui) -> dict[str, Any]:
    """A full scan of ``org`` by a real worker; wall, CPU, memory and calls."""
    from integration.state import RunStore  # noqa: PLC0415
    from workers import jobs  # noqa: PLC0415

    conn = redis.Redis.from_url(org.redis_url)
    runs = RunStore(conn, ORG_KEY)
    accounts = org.accounts
    before_api, before_kind = org.api_used(), org.calls_by_kind()
    # RQ drops a job's result after 500 s: a 100,000-account write-back outlasts that.
    job = Queue(SCAN, connection=conn).enqueue(jobs.full_scan, org_key=ORG_KEY,
                                               job_timeout=6 * 3600, result_ttl=24 * 3600)
    read_task = ui.task(f"{accounts:,} accounts: phase 1 read + cache", total=accounts)
    write_task = ui.task(f"{accounts:,} accounts: phase 2 write-back chunks", total=None)
    phase: dict[str, float] = {}

    def watch(elapsed: float) -> None:
        if "read_end" not in phase:
            current = conn.get(f"radar:{ORG_KEY}:fullscan:current")
            if current:
                done = conn.llen(f"radar:{ORG_KEY}:fullscan:{current.decode()}:ids")
                ui.update(read_task, completed=done)
            if job.get_status(refresh=True) in ("finished", "failed"):
                phase["read_end"] = elapsed
                ui.done(read_task)
                chunks = math.ceil(accounts / jobs.CHUNK)
                ui.update(write_task, total=chunks)
        else:
            left = Queue(WRITEBACK, connection=conn).count
            ui.update(write_task, completed=max(0, math.ceil(accounts / jobs.CHUNK) - left - 1))

    usage = _run_worker(org, f"full-{accounts}", ui, watch)
    ui.done(write_task)
    failed = _failed_jobs(conn)
    job.refresh()
    result = job.return_value() or {}
    if result.get("status") != "read":
        raise RuntimeError(f"full scan did not complete: {result} {failed}")
    run = runs.run(result["scan_id"])
    after_kind = org.calls_by_kind()
    spec, counts, skipped = _spec_counts(org, conn)
    present = type(spec)(tuple(o for o in spec.objects if o.logical not in skipped))
    read_minimum = planned_calls(counts, present)
    preflight = len(conn.keys(f"radar:{ORG_KEY}:describe:*"))
    read_calls = {k: v for k, v in result["calls"].items() if k != "auth"}
    read_total = sum(read_calls.values())
    read_scan = read_total - preflight  # preflight describes are cached 6 h, not per scan
    writes = _writes_of(run)
    written = writes.get("created", 0) + writes.get("updated", 0)
    children = sum(1 for o in present.objects if o.account_path and o.logical != "account")
    total_calls = sum(v for k, v in run["calls"].items() if k != "auth")
    write_calls = total_calls - read_total
    wall = usage["wall_s"]
    cpu = usage["worker"]["cpu_s"] + usage["work_horses"]["cpu_s"]
    # Phase 1 streams the org in a work horse; the worker's own figure is its VmHWM
    # (its ru_maxrss would include this benchmark process's RSS from before the exec).
    own = usage["worker"].get("own_peak_rss_mb") or 0.0
    peak = max(own, usage["work_horses"]["max_rss_mb"])
    return {
        "accounts": accounts,
        "records_in_org": org.generation.get("records"),
        "wall_s": round(wall, 2),
        "read_phase_s": round(phase.get("read_end", wall), 2),
        "writeback_phase_s": round(wall - phase.get("read_end", wall), 2),
        "worker_cpu_s": round(cpu, 2),
        "wall_s_per_1000_accounts": _per_1000(wall, accounts),
        "worker_cpu_s_per_1000_accounts": _per_1000(cpu, accounts),
        "worker_peak_rss_mb": peak,
        "worker_process_rss_mb": own or None,
        "work_horse_peak_rss_mb": usage["work_horses"]["max_rss_mb"],
        "api_calls": org.api_used() - before_api,
        "api_calls_by_kind_emulator": _delta(after_kind, before_kind),
        "api_calls_by_kind_product": {k: v for k, v in run["calls"].items() if v},
        "read_phase": {
            "calls": read_total,
            "calls_by_kind": {k: v for k, v in read_calls.items() if v},
            "preflight_describes": preflight,
            "scan_calls": read_scan,
            "planned_minimum": read_minimum,
            "ratio": round(read_scan / read_minimum, 3) if read_minimum else None,
            "rows_by_object": counts,
            "apis": "REST <= 20,000 rows per object, Bulk API 2.0 above (integration/read_plan.py)",
        },
        "write_phase": {
            "calls": write_calls,
            "records_written": written,
            "writes": writes,
            "minimum_collection_calls": math.ceil(written / 200),
        },
        "naive_calls": naive_calls(accounts, children, written),
        "naive_formula": (f"ceil(accounts / 2000) + accounts x {children} child objects "
                          f"+ {written} records written"),
        "failed_jobs": failed,
    }


def incremental_scan(org: BenchOrg, ui: Ui, objects: int) -> dict[str, Any]:
    """`incremental_sync` right after a full scan, with nothing changed in the org."""
    from workers import jobs  # noqa: PLC0415

    conn = redis.Redis.from_url(org.redis_url)
    before_api, before_kind = org.api_used(), org.calls_by_kind()
    job = Queue(SCAN, connection=conn).enqueue(jobs.incremental_sync, org_key=ORG_KEY,
                                               result_ttl=24 * 3600)
    task = ui.task(f"{org.accounts:,} accounts: incremental back-sync", total=None)
    usage = _run_worker(org, f"incremental-{org.accounts}", ui)
    ui.done(task)
    job.refresh()
    result = job.return_value() or {}
    calls = {k: v for k, v in (result.get("calls") or {}).items() if k != "auth" and v}
    writes = {k: v for k, v in (result.get("writes") or {}).items() if k != "unchanged"}
    return {
        "status": result.get("status"),
        "accounts_rescanned": result.get("accounts"),
        "api_calls": org.api_used() - before_api,
        "api_calls_by_kind_product": calls,
        "api_calls_by_kind_emulator": _delta(org.calls_by_kind(), before_kind),
        "objects_read": objects,
        "writes": sum(writes.values()),
        "wall_s": usage["wall_s"],
        "worker_cpu_s": round(usage["worker"]["cpu_s"] + usage["work_horses"]["cpu_s"], 2),
        "failed_jobs": _failed_jobs(conn),
    }


def scan_pair(org: BenchOrg, ui: Ui) -> dict[str, Any]:
    """A full scan, then an incremental one with nothing changed."""
    full = full_scan(org, ui)
    objects = len(full["read_phase"]["rows_by_object"])
    return {"full": full, "incremental": incremental_scan(org, ui, objects)}


def save_log_tail(org: BenchOrg, label: str, out: Path) -> None:
    """Copy a worker log out of the scratch directory (for a failed run's post-mortem)."""
    source = org.workdir / f"worker-{label}.log"
    if source.exists():
        out.write_bytes(source.read_bytes()[-200_000:])


def streaming_memory(org: BenchOrg, ui: Ui) -> dict[str, Any]:
    """Peak RSS of a worker process that streams every account bundle of ``org``.

    This is the issue-3 memory figure: ``integration.bench.streaming_peak_memory`` reads
    the whole org through ``OrgReader`` (REST and Bulk API 2.0, merged per account) in a
    freshly spawned process and keeps nothing, so the figure is the reader's own working
    set. The read spec is the active mapping's, after preflight (describes come from the
    Redis cache a scan left, or cost one call each).
    """
    from integration.bench import streaming_peak_memory  # noqa: PLC0415 - heavy imports
    from service.settings import Settings  # noqa: PLC0415
    from workers.runtime import Runtime  # noqa: PLC0415

    conn = redis.Redis.from_url(org.redis_url)
    rt = Runtime(settings=Settings.from_env(org.env), redis=conn, org_key=ORG_KEY)
    spec, _ = rt.checked_spec(rt.gateway(), rt.mappings.active_mapping())
    task = ui.task(f"{org.accounts:,} accounts: worker streaming every bundle", total=None)
    before = org.api_used()
    result = streaming_peak_memory(org.env, spec)
    ui.done(task)
    return {**result, "api_calls_emulator": org.api_used() - before,
            "measured_by": "integration.bench.streaming_peak_memory: OrgReader in a freshly "
                           "spawned process, every bundle streamed and dropped"}
