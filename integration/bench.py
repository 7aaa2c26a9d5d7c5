"""Benchmark functions for the lead's benchmark run (10,000 / 100,000-account orgs).

Each function returns a JSON-able dict. Call counts are API calls metered against the
org's daily allowance (authentication excluded, as Salesforce does not meter OAuth).

- ``full_and_incremental_calls``: a full scan (+ write-back when a planner is given),
  then an incremental scan with nothing changed; actual calls beside the planned minimum
  (``read_plan.planned_calls`` over the rows read, plus ceil(writes / 200) collection
  calls) and the naive count (one query per account per child object + one write per
  record).
- ``streaming_peak_memory``: a worker process streams every bundle of the org; its peak
  RSS (getrusage / psutil samples) and optionally its Python heap peak (tracemalloc).
"""

from __future__ import annotations

import math
import multiprocessing
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping
from typing import Any

import psutil

from integration.contracts import ReadSpec
from integration.gateway import SalesforceGateway
from integration.read_plan import ReadOptions, naive_calls
from integration.reader import OrgReader
from integration.state import RunStore
from integration.sync import Planner, SyncRun


def no_writes(bundle: Any, org_data: Any) -> list[Any]:
    """A planner that writes nothing (read-only benchmark)."""
    return []


def full_and_incremental_calls(gateway_factory: Callable[[], SalesforceGateway], spec: ReadSpec,
                               store: RunStore, planner: Planner = no_writes,
                               read_options: ReadOptions | None = None) -> dict[str, Any]:
    """Full scan then an incremental scan with nothing changed, with their call counts.

    Args:
        gateway_factory: a fresh gateway per run (each run has its own ledger).
        store: Redis state of the org (watermarks are set by the full scan).
        planner: the writes per bundle (``no_writes`` for a read-only figure).
    """
    options = read_options or ReadOptions()
    started = time.perf_counter()
    full = SyncRun(gateway_factory(), spec, store, planner, read_options=options).run("full")
    full_seconds = time.perf_counter() - started
    written = full.outcomes.get("created", 0) + full.outcomes.get("updated", 0)
    children = sum(1 for o in spec.objects if o.account_path and o.logical != "account")
    read_minimum = full.planned_minimum or 0
    minimum = read_minimum + math.ceil(sum(full.outcomes.values()) / 200)
    started = time.perf_counter()
    incremental = SyncRun(gateway_factory(), spec, store, planner,
                          read_options=options).run("incremental")
    return {
        "accounts": full.accounts,
        "full_scan": {
            "status": full.status,
            "actual_calls": full.api_calls,
            "planned_minimum": minimum,
            "planned_read_minimum": read_minimum,
            "ratio": round(full.api_calls / minimum, 3) if minimum else None,
            "naive_calls": naive_calls(full.accounts, children, written),
            "by_kind": full.calls,
            "outcomes": dict(full.outcomes),
            "seconds": round(full_seconds, 2),
        },
        "incremental_no_change": {
            "status": incremental.status,
            "actual_calls": incremental.api_calls,
            "objects": len(spec.objects),
            "writes": sum(v for k, v in incremental.outcomes.items() if k != "unchanged"),
            "by_kind": incremental.calls,
            "seconds": round(time.perf_counter() - started, 2),
        },
    }


def _stream_and_measure(env: dict[str, str], spec: ReadSpec, read_options: ReadOptions | None,
                        trace_heap: bool, sample_every: int) -> dict[str, Any]:
    """Runs in a fresh process: stream every bundle of the org, keep nothing, measure."""
    from integration.errors import no_sleep  # noqa: PLC0415 - child process entry point
    from service.settings import Settings  # noqa: PLC0415

    gateway = SalesforceGateway.from_settings(Settings.from_env(env), sleep=no_sleep)
    process = psutil.Process()
    reader = OrgReader(gateway, spec, read_options or ReadOptions())
    rss_before = process.memory_info().rss
    peak_rss = rss_before
    if trace_heap:
        tracemalloc.start()
    started = time.perf_counter()
    accounts = rows = 0
    reader.plan()
    reader.read_org_data()
    for bundle in reader.stream_bundles():
        accounts += 1
        rows += 1 + sum(len(v) for v in bundle.children.values())
        if accounts % sample_every == 0:
            peak_rss = max(peak_rss, process.memory_info().rss)
    heap_peak = tracemalloc.get_traced_memory()[1] if trace_heap else 0
    if trace_heap:
        tracemalloc.stop()
    peak_rss = max(peak_rss, process.memory_info().rss)
    # ru_maxrss is the process-lifetime peak: KB on Linux, bytes on macOS.
    ru_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ru_peak_mb = ru_peak / (1024 * 1024) if sys.platform == "darwin" else ru_peak / 1024
    mb = 1024 * 1024
    return {
        "accounts": accounts,
        "rows": rows,
        "apis": dict(reader.stats.apis),
        "python_heap_peak_mb": round(heap_peak / mb, 1) if trace_heap else None,
        "rss_before_mb": round(rss_before / mb, 1),
        "rss_peak_sampled_mb": round(peak_rss / mb, 1),
        "process_max_rss_mb": round(ru_peak_mb, 1),
        "api_calls": gateway.ledger.api_calls,
        "seconds": round(time.perf_counter() - started, 2),
    }


def streaming_peak_memory(env: Mapping[str, str], spec: ReadSpec,
                          read_options: ReadOptions | None = None, trace_heap: bool = False,
                          sample_every: int = 1000) -> dict[str, Any]:
    """Peak memory of a worker that streams every bundle of the org (MB, JSON-able).

    The worker runs in a freshly spawned process, so the figure is the worker's own
    (``process_max_rss_mb``), not the benchmark's or an in-process emulator's.

    Args:
        env: SALESFORCE_* settings of the org (e.g. ``EmulatorHandle.env``).
        trace_heap: also report the Python heap peak (tracemalloc; slows the run ~2x).
    """
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(_stream_and_measure,
                          (dict(env), spec, read_options, trace_heap, sample_every))
