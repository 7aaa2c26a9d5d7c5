"""Stalled uploads cannot starve the web service: the real gunicorn config (`radar serve`,
two workers as in docker-compose.yml) keeps answering /healthz while clients hold
connections open mid-body."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from service.redis_server import free_port
from tests.web.test_serve import _wait_for

ROOT = Path(__file__).resolve().parents[2]
STALLED = 8


def _stall(port: int) -> socket.socket:
    """Headers announcing 1,000 body bytes, then 5 of them, then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"POST /webhooks/salesforce/events HTTP/1.1\r\nHost: radar\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"ev")
    return sock


def test_given_eight_stalled_uploads_then_healthz_still_answers_within_two_seconds(
        redis_url: str) -> None:
    port = free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "RADAR_WEBHOOK_SECRETS": "stall-secret"}
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "2"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stalled: list[socket.socket] = []
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz", server)
        stalled = [_stall(port) for _ in range(STALLED)]
        time.sleep(1.0)  # every stalled request has reached a worker and is reading its body

        timings = []
        for _ in range(6):  # fresh connections, so both workers get asked
            started = time.monotonic()
            response = requests.get(f"{base}/healthz", timeout=5,
                                    headers={"Connection": "close"})
            timings.append(time.monotonic() - started)
            assert response.status_code == 200

        assert max(timings) < 2.0, timings
    finally:
        for sock in stalled:
            sock.close()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
