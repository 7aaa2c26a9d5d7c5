"""The sections that need no generated org: generator, detection and webhooks.

Each calls the measurement function its area owns and adds the run's parameters.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
from typing import Any

from bench.ui import Ui


def generator(ui: Ui, accounts: int, memory_accounts: int) -> dict[str, Any]:
    """Generation time for ``accounts`` accounts (into a null sink) and peak memory.

    The heap peak is traced on ``memory_accounts`` (tracemalloc slows allocation ~2x, and
    the peak depends on the 200-account chunk, not on the org size).
    """
    from emulator.generator.bench import measure  # noqa: PLC0415 - heavy import

    task = ui.task(f"generator: {accounts:,} accounts", total=None)
    result = measure(accounts, memory_accounts=memory_accounts)
    ui.done(task, f"generator: {accounts:,} accounts in {result['seconds']} s")
    return result


def detection(ui: Ui, accounts: int, runs: int = 3) -> dict[str, Any]:
    """scan_account over ``accounts`` synthetic snapshots on one core (CPU time).

    ``runs`` independent measurements (each builds its own portfolio benchmark, so no run
    reuses another's caches); the figures reported are those of the median run, and each
    run's accounts/s is kept under ``runs``.
    """
    from detection.bench import measure, synthetic_context, synthetic_portfolio  # noqa: PLC0415

    task = ui.task(f"detection: {accounts:,} snapshots x {runs} runs", total=None)
    ctx = synthetic_context()
    snapshots = synthetic_portfolio(accounts, ctx)
    results = sorted((measure(snapshots, ctx) for _ in range(runs)),
                     key=lambda r: r["accounts_per_s"])
    result = results[len(results) // 2]
    ui.done(task, f"detection: {result['accounts_per_s']:,} accounts/s (median of {runs})")
    return {**result, "runs": [r["accounts_per_s"] for r in results],
            "aggregation": f"median of {runs} independent runs", "cores_used": 1}


def ensure_wrk(ui: Ui) -> str | None:
    """The wrk binary, installing Debian's package when missing and we may (root)."""
    found = shutil.which("wrk")
    if found:
        return found
    ui.log("wrk is missing: apt-get install -y wrk")
    try:
        subprocess.run(["apt-get", "update"], check=True, capture_output=True, timeout=600)  # noqa: S607
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True,  # noqa: S607
                       capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        ui.log(f"could not install wrk: {exc}")
        return None
    return shutil.which("wrk")


def webhooks(ui: Ui, duration: int, connections: int = 16, runs: int = 3) -> dict[str, Any]:
    """wrk against ``POST /webhooks/salesforce/events`` under gunicorn, private Redis.

    ``runs`` separate runs (a fresh service each); requests/s and every latency percentile
    reported are the medians over the runs (a shared 2-core VM varies by a third from
    minute to minute), and each run's own figures are kept under ``runs``.
    """
    from bench.webhook_load import run_load  # noqa: PLC0415
    from service.redis_server import BundledRedis  # noqa: PLC0415

    if ensure_wrk(ui) is None:
        return {"error": "wrk is not installed and could not be installed"}
    results = []
    for n in range(runs):
        task = ui.task(f"webhooks: wrk for {duration} s (run {n + 1} of {runs})", total=None)
        server = BundledRedis()  # the load enqueues jobs: never into a shared Redis
        try:
            result = run_load(server.url, duration=duration, connections=connections)
        finally:
            server.stop()
        ui.done(task, f"webhooks: {result['requests_per_s']:,} req/s, p99 {result['p99_ms']} ms")
        results.append(result)
    summary = dict(results[0])
    for key in ("requests_per_s", "p50_ms", "p90_ms", "p99_ms", "max_ms"):
        summary[key] = round(statistics.median(r[key] for r in results), 3)
    for key in ("requests", "non_2xx", "socket_errors", "jobs_queued"):
        summary[key] = sum(r[key] for r in results)
    summary["duration_s"] = round(sum(r["duration_s"] for r in results), 2)
    summary["runs"] = [{k: r[k] for k in ("requests_per_s", "p50_ms", "p99_ms", "max_ms",
                                          "requests", "non_2xx")} for r in results]
    summary["aggregation"] = f"median of {runs} runs of {duration} s"
    return {**summary, "salesforce_api_calls": 0}
