"""Failed admin authentications are throttled per client address (service/throttle.py)."""

from __future__ import annotations

import logging

import pytest
import redis
from flask import Flask

from service.app import create_app
from service.settings import Settings
from service.throttle import EXTENSION_KEY, FailureThrottle
from tests.admin.conftest import csrf_of

TOKEN = "admin-token-7d2f0c1b9e"
LIMIT = 3


@pytest.fixture
def app(redis_conn: redis.Redis, redis_url: str) -> Flask:
    settings = Settings.from_env({"REDIS_URL": redis_url, "RADAR_ADMIN_TOKEN": TOKEN,
                                  "RADAR_WEBHOOK_SECRETS": "s1"})
    app = create_app(settings, redis_client=redis_conn, test_config={"TESTING": True},
                     salesforce_probe=lambda: True)
    assert isinstance(app.extensions[EXTENSION_KEY], FailureThrottle)
    app.extensions[EXTENSION_KEY] = FailureThrottle(redis_conn, settings.org_key, limit=LIMIT,
                                                    window_seconds=120)
    return app


def _versions(client, token: str, address: str = "203.0.113.7"):
    return client.get("/admin/mapping/versions", headers={"Authorization": f"Bearer {token}"},
                      environ_base={"REMOTE_ADDR": address})


def test_given_repeated_wrong_bearer_tokens_then_the_address_is_refused_even_with_the_right_one(
        app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        statuses = [_versions(client, f"guess-{i}").status_code for i in range(LIMIT)]
    assert statuses == [401] * LIMIT
    blocked = _versions(client, TOKEN)
    assert blocked.status_code == 429
    assert blocked.get_json()["code"] == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 120
    assert "authentication blocked for 203.0.113.7" in caplog.text
    assert "guess-" not in caplog.text and TOKEN not in caplog.text
    # another address is not affected
    assert _versions(client, TOKEN, address="198.51.100.4").status_code == 200


def test_given_requests_without_a_token_then_they_do_not_count(app: Flask) -> None:
    client = app.test_client()
    for _ in range(LIMIT + 2):
        assert client.get("/admin/mapping/versions",
                          environ_base={"REMOTE_ADDR": "203.0.113.8"}).status_code == 401
    assert _versions(client, TOKEN, address="203.0.113.8").status_code == 200


def test_given_repeated_wrong_logins_then_the_login_page_answers_429(app: Flask) -> None:
    client = app.test_client()
    env = {"REMOTE_ADDR": "203.0.113.9"}
    for i in range(LIMIT):
        page = client.get("/admin/login", environ_base=env)
        answer = client.post("/admin/login", environ_base=env,
                             data={"csrf_token": csrf_of(page.text), "token": f"nope-{i}"})
        assert answer.status_code == 403
    page = client.get("/admin/login", environ_base=env)
    answer = client.post("/admin/login", environ_base=env,
                         data={"csrf_token": csrf_of(page.text), "token": TOKEN})
    assert answer.status_code == 429
    assert "Too many failed logins" in answer.text
    assert int(answer.headers["Retry-After"]) > 0
    assert client.get("/admin/sync", environ_base=env).status_code == 302  # not logged in


def test_window_ends_the_block(redis_conn: redis.Redis) -> None:
    throttle = FailureThrottle(redis_conn, "org-t", limit=2, window_seconds=60)
    throttle.record_failure("192.0.2.1")
    assert throttle.retry_after("192.0.2.1") is None
    throttle.record_failure("192.0.2.1")
    assert 0 < throttle.retry_after("192.0.2.1") <= 60
    redis_conn.delete("radar:org-t:auth_failures:192.0.2.1")  # what expiry does
    assert throttle.retry_after("192.0.2.1") is None
