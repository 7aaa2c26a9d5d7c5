"""`radar serve`: the real app under gunicorn, reached over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
import requests
from rq import Queue

from service.redis_server import free_port
from service.web_cli import gunicorn_options
from tests.webhooks.builders import ORG_ID, SECRET, account_id, callout_body, signed

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.1)
    raise AssertionError("gunicorn never became healthy")


def test_given_radar_serve_when_a_signed_event_is_posted_then_job_in_redis(
    redis_url: str, redis_conn: redis.Redis
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "RADAR_WEBHOOK_SECRETS": SECRET,
        "RADAR_ALLOWED_ORG_IDS": ORG_ID,
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz", server)
        body = callout_body("evt-served", account_id(3))

        response = requests.post(
            f"{base}/webhooks/salesforce/events",
            data=body,
            headers=signed(body, timestamp=int(time.time())),
            timeout=5,
        )

        assert response.status_code == 202, response.text
        assert Queue("events", connection=redis_conn).count == 1
        assert requests.get(f"{base}/nowhere", timeout=5).json()["code"] == 404
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0


def test_given_overrides_when_gunicorn_options_built_then_config_file_defaults_kept() -> None:
    options = gunicorn_options(bind="0.0.0.0:9000", workers=None)

    assert options["bind"] == "0.0.0.0:9000"
    assert options["worker_class"] == "gevent"
    assert options["workers"] >= 2
