"""The targets the issues set, checked against a results document.

A target whose figure was not measured in this run (section skipped or failed) is reported
with ``"pass": null``, never as a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MEMORY_TARGET_ACCOUNTS = 100_000
MEMORY_LIMIT_MB = 400.0
READ_RATIO_LIMIT = 1.1
DETECTION_MIN = 5_000.0
WEBHOOK_MIN_RPS = 1_000.0
WEBHOOK_MAX_P99_MS = 50.0
LATENCY_MAX_P95_S = 2.0

# Assertions of issue 3: a violated one makes the run exit non-zero.
HARD = ("scan_read_calls", "incremental_calls", "incremental_writes")


def _get(doc: dict[str, Any], *path: str) -> Any:
    value: Any = doc
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _check(target: str, value: Any, ok: Callable[[Any], bool], issue: int,
           note: str = "") -> dict[str, Any]:
    entry: dict[str, Any] = {"target": target, "value": value, "issue": issue,
                             "pass": None if value is None else bool(ok(value))}
    if note:
        entry["note"] = note
    return entry


def evaluate(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every target with its measured value and pass/fail (None: not measured)."""
    calls = doc.get("scan_api_calls") or {}
    read = _get(calls, "full_scan", "read_phase") or {}
    incremental = calls.get("incremental_no_change") or {}
    objects = incremental.get("objects_read")
    streaming = doc.get("streaming_memory") or {}
    size = streaming.get("accounts")
    peak = streaming.get("process_max_rss_mb")
    memory_note = (f"measured at {size:,} accounts, not {MEMORY_TARGET_ACCOUNTS:,}"
                   if size and size != MEMORY_TARGET_ACCOUNTS else "")
    if size == MEMORY_TARGET_ACCOUNTS:
        memory_note = (f"integration reader streaming {size:,} accounts "
                       f"({streaming.get('rows', 0):,} rows) in {streaming.get('seconds')} s "
                       f"with {streaming.get('api_calls')} API calls")
    return {
        "scan_read_calls": _check(
            f"full-scan read calls <= {READ_RATIO_LIMIT} x planned minimum", read.get("ratio"),
            lambda r: r <= READ_RATIO_LIMIT, 3,
            f"{read.get('scan_calls')} calls vs minimum {read.get('planned_minimum')} "
            f"at {calls.get('accounts')} accounts" if read else ""),
        "incremental_calls": _check(
            "incremental scan, nothing changed: <= 1 call per object read",
            incremental.get("api_calls"), lambda c: objects is not None and c <= objects, 3,
            f"{objects} objects read" if objects is not None else ""),
        "incremental_writes": _check(
            "incremental scan, nothing changed: 0 writes", incremental.get("writes"),
            lambda w: w == 0, 3),
        "worker_peak_memory": _check(
            f"worker streaming {MEMORY_TARGET_ACCOUNTS:,} accounts: peak RSS < "
            f"{MEMORY_LIMIT_MB:.0f} MB",
            peak if size == MEMORY_TARGET_ACCOUNTS else None,
            lambda mb: mb < MEMORY_LIMIT_MB, 3, memory_note),
        **_frugal_targets(doc),
        "detection_throughput": _check(
            f"detection >= {DETECTION_MIN:,.0f} accounts/s on one core",
            _get(doc, "detection", "accounts_per_s"), lambda v: v >= DETECTION_MIN, 5),
        "webhook_throughput": _check(
            f"events endpoint >= {WEBHOOK_MIN_RPS:,.0f} requests/s",
            _get(doc, "webhooks", "requests_per_s"), lambda v: v >= WEBHOOK_MIN_RPS, 7),
        "webhook_p99": _check(
            f"events endpoint p99 <= {WEBHOOK_MAX_P99_MS:.0f} ms",
            _get(doc, "webhooks", "p99_ms"), lambda v: v <= WEBHOOK_MAX_P99_MS, 7),
        "whitespace_quiet_accounts": _check(
            "no account without a HIGH or MED white-space cell has a weighted potential above"
            " its ACV", _get(doc, "whitespace", "of_which_weighted_above_acv"),
            lambda n: n == 0, 15,
            "weighted potential / ACV: median "
            f"{_get(doc, 'whitespace', 'weighted_potential_over_acv', 'median')}, p95 "
            f"{_get(doc, 'whitespace', 'weighted_potential_over_acv', 'p95')}"
            if _get(doc, "whitespace") else ""),
        "event_latency_p95": _check(
            f"event to write-back p95 <= {LATENCY_MAX_P95_S:.0f} s",
            _get(doc, "event_latency", "p95_s"), lambda v: v <= LATENCY_MAX_P95_S, 8),
    }


def _frugal_targets(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Issue 14: API calls of each path against its goal (the CLI around the emulator)."""
    from bench.frugal import GOALS  # noqa: PLC0415 - one table of goals

    out: dict[str, dict[str, Any]] = {}
    sizes = doc.get("frugal") or {}
    for size in sorted(int(s) for s in sizes):
        rows = sizes[str(size)]["rows"]
        full = rows.get(f"full@{size}") or {}
        if f"full@{size}" in GOALS:
            out[f"frugal_full_{size}"] = _check(
                f"full scan of {size:,} accounts: <= {GOALS[f'full@{size}']} API calls",
                full.get("calls"), lambda c, g=GOALS[f"full@{size}"]: c <= g, 14,
                f"minimum {full.get('minimum')}; by kind {full.get('by_kind')}")
        for path, label in (("incremental", "incremental sync, nothing changed"),
                            ("account", "one account (an event)")):
            row = rows.get(path) or {}
            out[f"frugal_{path}_{size}"] = _check(
                f"{label} at {size:,} accounts: <= {GOALS[path]} API calls", row.get("calls"),
                lambda c, g=GOALS[path]: c <= g, 14, f"by kind {row.get('by_kind')}")
    return out


def failed(targets: dict[str, dict[str, Any]], hard_only: bool = False) -> list[str]:
    """Names of the targets that failed (only the hard assertions with ``hard_only``)."""
    return [name for name, entry in targets.items()
            if entry["pass"] is False and (not hard_only or name in HARD)]
