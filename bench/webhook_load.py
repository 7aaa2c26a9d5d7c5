"""Load benchmark of ``POST /webhooks/salesforce/events`` under gunicorn with a real Redis.

``run_load(redis_url)`` starts ``radar serve`` on a free port, pre-signs enough distinct
events (unique event ids, so replay protection does not turn them into 409s) and drives
them with ``wrk`` (Debian package ``wrk``) through ``webhook_load_wrk.lua``; it returns
requests/s and latency percentiles. Signing happens up front because per-request HMAC in
wrk's Lua is awkward; the timestamps stay inside the 300 s tolerance for runs of a few
minutes.

The run enqueues one job per distinct record into the ``events`` queue of that Redis: use
a throwaway Redis (``python -m bench.webhook_load`` starts one when no URL is given).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import redis
import requests

from emulator.ids import make_id
from service.redis_server import free_port, redis_url_for_run
from service.web_cli import gunicorn_options
from webhooks.signing import sign

BENCH_SECRET = "bench-secret-9d4f"  # noqa: S105 - only for the throwaway bench server
BENCH_ORG_ID = "00D5g000004fXtWEAU"
LUA_SCRIPT = Path(__file__).with_name("webhook_load_wrk.lua")


def _write_requests(path: Path, count: int, records: int, timestamp: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            body = json.dumps(
                {
                    "eventId": f"bench-{timestamp}-{n}",
                    "orgId": BENCH_ORG_ID,
                    "object": "Account",
                    "recordId": make_id("001", n % records),
                    "changeType": "UPDATE",
                    "changedFields": ["Health_Score__c"],
                    "occurredAt": "2024-05-29T16:26:40Z",
                    "fields": {"Health_Score__c": n % 100},
                },
                separators=(",", ":"),
            )
            headers = sign(body.encode(), BENCH_SECRET, timestamp)
            out.write(f"{timestamp}\t{headers['X-Radar-Signature']}\t{body}\n")


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Wait until the web service started as ``process`` answers ``/healthz``.

    Raises:
        RuntimeError: the process exited first, or no answer within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the web service exited with {process.returncode} before serving")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError("the web service did not answer /healthz in time")


def run_load(
    redis_url: str,
    *,
    duration: int = 10,
    connections: int = 16,
    wrk_threads: int = 1,
    workers: int | None = None,
    threads: int | None = None,
    records: int = 5000,
) -> dict[str, Any]:
    """Drive the events endpoint for ``duration`` seconds and measure it.

    Args:
        redis_url: a Redis the service may write jobs and keys into.
        duration: seconds of load.
        connections: concurrent keep-alive connections wrk holds open.
        wrk_threads: wrk threads (1 leaves the second core to the service).
        workers: gunicorn processes (default from service/gunicorn_conf.py).
        threads: threads per gunicorn process (default from service/gunicorn_conf.py).
        records: distinct Account ids the events cycle through.

    Returns:
        ``requests_per_s``, ``p50_ms``, ``p90_ms``, ``p99_ms``, ``max_ms``, ``requests``,
        ``non_2xx``, ``socket_errors``, ``jobs_queued`` and the configuration used.

    Raises:
        RuntimeError: wrk is not installed, or gunicorn did not start.
    """
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "RADAR_WEBHOOK_SECRETS": BENCH_SECRET,
        "RADAR_ALLOWED_ORG_IDS": BENCH_ORG_ID,
        "RADAR_ORG_KEY": "bench",
        "RADAR_LOG_LEVEL": "warning",
    }
    command = [sys.executable, "-m", "service.cli", "serve", "--bind", f"127.0.0.1:{port}"]
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    with tempfile.TemporaryDirectory(prefix="radar-bench-") as tmp:
        requests_file = Path(tmp) / "requests.tsv"
        # Enough distinct events for ~5,000 req/s; beyond that ids repeat (409s, reported).
        _write_requests(requests_file, max(20_000, duration * 5_000), records, int(time.time()))
        server = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parent.parent)
        try:
            wait_healthy(base_url, server)
            completed = subprocess.run(
                [
                    wrk,
                    f"-t{wrk_threads}",
                    f"-c{connections}",
                    f"-d{duration}s",
                    "-s",
                    str(LUA_SCRIPT),
                    base_url,
                ],
                env={
                    **env,
                    "RADAR_BENCH_REQUESTS": str(requests_file),
                    "RADAR_BENCH_THREADS": str(wrk_threads),
                },
                capture_output=True,
                text=True,
                timeout=duration + 60,
                check=True,
            )
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    summary = json.loads(
        next(line for line in completed.stdout.splitlines() if line.startswith("{"))
    )
    seconds = summary["duration_us"] / 1e6
    defaults = gunicorn_options()
    conn = redis.Redis.from_url(redis_url)
    try:
        jobs_queued = int(conn.llen("rq:queue:events"))
    finally:
        conn.close()
    return {
        "endpoint": "POST /webhooks/salesforce/events",
        "tool": "wrk 4.1 (pre-signed requests, bench/webhook_load_wrk.lua)",
        "duration_s": round(seconds, 2),
        "requests": summary["requests"],
        "requests_per_s": round(summary["requests"] / seconds, 1),
        "p50_ms": summary["p50_us"] / 1000,
        "p90_ms": summary["p90_us"] / 1000,
        "p99_ms": summary["p99_us"] / 1000,
        "max_ms": summary["max_us"] / 1000,
        "non_2xx": summary["non_2xx"],
        "socket_errors": summary["connect_errors"]
        + summary["read_errors"]
        + summary["write_errors"]
        + summary["timeouts"],
        "jobs_queued": jobs_queued,
        "connections": connections,
        "wrk_threads": wrk_threads,
        "gunicorn_workers": workers or defaults["workers"],
        "gunicorn_threads": threads or defaults["threads"],
        "gunicorn_worker_class": defaults["worker_class"],
        "cpu_count": os.cpu_count(),
    }


def main() -> None:
    """``python -m bench.webhook_load [--redis-url URL] [--out FILE]``: print the result JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default=None, help="default: a private redis-server")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    # An empty string (not None) makes redis_url_for_run start a private server.
    with redis_url_for_run(args.redis_url or "") as url:
        result = run_load(
            url, duration=args.duration, connections=args.connections,
            workers=args.workers, threads=args.threads,
        )  # fmt: skip
    text = json.dumps(result, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
