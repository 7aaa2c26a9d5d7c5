"""The web surface through the real app (create_app, real Redis): client identity behind a
proxy, Redis sessions revoked at logout and on token rotation, hardening headers on every
response, the API's problem list, odd input answered 4xx, strict UTF-8 events."""

from __future__ import annotations

import json
import time

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.settings import Settings
from service.throttle import DEFAULT_LIMIT
from tests.admin.conftest import csrf_of
from tests.webhooks.builders import ORG_ID, SECRET, account_id, callout_body, signed

TOKEN = "admin-token-4c1e8a77d2"
PROXY = "10.0.0.2"  # the reverse proxy every request arrives from


def _app(redis_conn: redis.Redis, redis_url: str, **env: str) -> Flask:
    settings = Settings.from_env({"REDIS_URL": redis_url, "RADAR_ADMIN_TOKEN": TOKEN,
                                  "RADAR_WEBHOOK_SECRETS": SECRET,
                                  "RADAR_ALLOWED_ORG_IDS": ORG_ID, **env})
    return create_app(settings, redis_client=redis_conn, test_config={"TESTING": True},
                      salesforce_probe=lambda: True)


@pytest.fixture
def app(redis_conn: redis.Redis, redis_url: str) -> Flask:
    return _app(redis_conn, redis_url, RADAR_TRUSTED_PROXY_HOPS="1")


def _login(client: FlaskClient, token: str, client_address: str | None = None) -> int:
    env = {"REMOTE_ADDR": PROXY}
    headers = {"X-Forwarded-For": client_address} if client_address else {}
    page = client.get("/admin/login", environ_base=env, headers=headers)
    return client.post("/admin/login", data={"csrf_token": csrf_of(page.text), "token": token},
                       environ_base=env, headers=headers).status_code


def test_given_one_proxy_hop_when_one_client_is_locked_out_then_another_still_logs_in(
        app: Flask) -> None:
    attacker, colleague = app.test_client(), app.test_client()
    for i in range(DEFAULT_LIMIT):
        assert _login(attacker, f"guess-{i}", "203.0.113.50") == 403
    assert _login(attacker, TOKEN, "203.0.113.50") == 429  # locked out, right token or not

    assert _login(colleague, TOKEN, "198.51.100.23") == 302
    assert colleague.get("/admin/sync", environ_base={"REMOTE_ADDR": PROXY},
                         headers={"X-Forwarded-For": "198.51.100.23"}).status_code == 200


def test_given_no_trusted_proxy_when_client_sends_forwarded_for_then_it_is_ignored(
        redis_conn: redis.Redis, redis_url: str) -> None:
    client = _app(redis_conn, redis_url).test_client()
    for i in range(DEFAULT_LIMIT):
        _login(client, f"guess-{i}", f"192.0.2.{i}")  # a new spoofed address each time
    assert _login(client, TOKEN, "192.0.2.200") == 429  # all counted against the peer


def _logged_in_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    page = client.get("/admin/login")
    assert client.post("/admin/login", data={"csrf_token": csrf_of(page.text),
                                             "token": TOKEN}).status_code == 302
    return client


def _cookie(client: FlaskClient) -> str:
    found = client.get_cookie("radar_admin", path="/admin")
    assert found is not None
    return found.value


def test_given_logout_when_old_session_cookie_replayed_then_it_is_refused(app: Flask) -> None:
    client = _logged_in_client(app)
    stolen = _cookie(client)
    assert client.get("/admin/sync").status_code == 200
    page = client.get("/admin/sync")

    client.post("/admin/logout", data={"csrf_token": csrf_of(page.text)})

    replay = app.test_client()
    replay.set_cookie("radar_admin", stolen, path="/admin")
    response = replay.get("/admin/sync")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_given_token_rotated_then_sessions_of_the_old_token_are_void(
        app: Flask, redis_conn: redis.Redis, redis_url: str) -> None:
    cookie = _cookie(_logged_in_client(app))
    rotated = Settings.from_env({"REDIS_URL": redis_url, "RADAR_ADMIN_TOKEN": TOKEN + "-new"})
    new_app = create_app(rotated, redis_client=redis_conn, test_config={"TESTING": True},
                         salesforce_probe=lambda: True)
    client = new_app.test_client()
    client.set_cookie("radar_admin", cookie, path="/admin")
    assert client.get("/admin/sync").status_code == 302


def test_given_login_then_session_id_is_new_and_holds_no_token(
        app: Flask, redis_conn: redis.Redis) -> None:
    client = app.test_client()
    page = client.get("/admin/login")
    before = _cookie(client)
    client.post("/admin/login", data={"csrf_token": csrf_of(page.text), "token": TOKEN})
    after = _cookie(client)
    assert after != before  # no fixation
    keys = [k.decode() for k in redis_conn.scan_iter("radar:default:admin_session:*")]
    assert len(keys) == 1 and keys[0].endswith(after)
    assert TOKEN.encode() not in redis_conn.get(keys[0])


HARDENING = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}


def _assert_hardened(response) -> None:
    for name, value in HARDENING.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers.get("Referrer-Policy")


def test_given_any_endpoint_then_hardening_headers_present(app: Flask) -> None:
    client = app.test_client()
    body = callout_body("evt-headers", account_id(1))
    responses = [
        client.get("/healthz"), client.get("/metrics"), client.get("/api/openapi.json"),
        client.get("/nowhere"), client.get("/admin/login"),
        client.get("/admin/mapping/versions"),  # 401
        client.post("/webhooks/salesforce/events", data=body,
                    headers=signed(body, timestamp=int(time.time()))),  # 202
        client.post("/webhooks/salesforce/events", data=body, headers=signed(body)),  # 401 stale
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 200, 401, 202, 401]
    for response in responses:
        _assert_hardened(response)
        assert "Strict-Transport-Security" not in response.headers  # plain http


def test_given_https_then_hsts_sent(app: Flask) -> None:
    response = app.test_client().get("/healthz", base_url="https://radar.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    behind_proxy = app.test_client().get("/healthz", environ_base={"REMOTE_ADDR": PROXY},
                                         headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in behind_proxy.headers


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_given_invalid_mapping_when_saved_through_the_app_then_400_lists_each_problem(
        app: Flask) -> None:
    document = {"fields": {"account.name": {"field": "not an api name"},
                           "account.tier": "also bad"}}
    response = app.test_client().post("/admin/mapping/versions", json={"document": document},
                                      headers=AUTH)
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert isinstance(errors, list) and len(errors) == 2
    assert [e["path"] for e in errors] == ["fields.account.name.field",
                                           "fields.account.tier.field"]
    assert "'not an api name' is not a Salesforce API name" in errors[0]["message"]


def test_given_deeply_nested_json_then_400_not_500(app: Flask) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    api = app.test_client().post("/admin/mapping/validate", data=deep,
                                 headers={**AUTH, "Content-Type": "application/json"})
    assert api.status_code == 400
    body = deep.encode()
    event = app.test_client().post("/webhooks/salesforce/events", data=body,
                                   headers=signed(body, timestamp=int(time.time())))
    assert event.status_code == 400 and event.get_json()["message"].startswith("body is not")


@pytest.mark.parametrize("target", ["/admin/%0D%0AX", "/admin/\r\nSet-Cookie: x=1",
                                    "/admin/\x00", "//evil.example/admin"])
def test_given_odd_next_then_login_page_and_redirect_stay_local(app: Flask, target: str) -> None:
    client = app.test_client()
    page = client.get("/admin/login", query_string={"next": target})
    assert page.status_code == 200
    response = client.post("/admin/login", data={"csrf_token": csrf_of(page.text),
                                                 "token": TOKEN, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/admin/", target)
    assert "\n" not in response.headers["Location"] and "evil" not in response.headers["Location"]


def test_given_huge_draft_then_413_page(app: Flask) -> None:
    client = _logged_in_client(app)
    page = client.get("/admin/mapping")
    response = client.post("/admin/mapping/draft", data={
        "csrf_token": csrf_of(page.text), "draft": "x" * (5 * 1024 * 1024)})
    assert response.status_code == 413
    assert response.mimetype == "text/html"


def test_given_unknown_admin_url_then_browser_gets_html_404_and_api_client_json(
        app: Flask) -> None:
    client = _logged_in_client(app)
    page = client.get("/admin/no-such-page", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Back to the dashboard" in page.text
    assert "style-src 'self'" in page.headers["Content-Security-Policy"]
    api = client.get("/admin/no-such-page", headers={"Accept": "*/*"})
    assert api.status_code == 404 and api.get_json()["code"] == 404


@pytest.mark.parametrize("encode", [
    lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),  # UTF-8 with a BOM
    lambda text: text.encode("utf-16"),
    lambda text: text.encode("utf-16-le"),
    lambda text: text.encode("utf-32"),
])
def test_given_event_not_in_plain_utf8_then_400(app: Flask, encode) -> None:
    text = json.loads(callout_body("evt-enc", account_id(2)))
    body = encode(json.dumps(text))
    response = app.test_client().post("/webhooks/salesforce/events", data=body,
                                      headers=signed(body, timestamp=int(time.time())))
    assert response.status_code == 400
    assert response.get_json()["message"] == "body is not valid UTF-8 JSON"
