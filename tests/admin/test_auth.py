"""Token login, session cookie, CSRF and the redirect guard of the admin pages."""

from __future__ import annotations

import logging
import time

import pytest
from flask import Flask

from service.admin import AdminSources, init_admin
from service.settings import Settings
from tests.admin.conftest import ADMIN_TOKEN, FakeStatus, csrf_of, log_in

PAGES = ["/admin", "/admin/", "/admin/sync", "/admin/digest", "/admin/mapping",
         "/admin/mapping/show/1", "/admin/mapping/compare?a=1&b=1"]


@pytest.mark.parametrize("path", PAGES)
def test_given_no_session_when_page_requested_then_redirected_to_login(admin_app: Flask,
                                                                       path: str) -> None:
    response = admin_app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


def test_given_wrong_token_when_logging_in_then_error_shown_and_token_not_logged(
        admin_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    client = admin_app.test_client()
    with caplog.at_level(logging.DEBUG):
        response = log_in(client, token="wrong-guess-1234")
    assert response.status_code == 403
    assert "That token is not the admin token." in response.text
    assert "wrong-guess-1234" not in caplog.text and ADMIN_TOKEN not in caplog.text
    assert "admin login refused" in caplog.text
    assert client.get("/admin/sync").status_code == 302


def test_given_right_token_when_logging_in_then_redirected_to_next_with_cookie_flags(
        admin_app: Flask) -> None:
    client = admin_app.test_client()
    page = client.get("/admin/login?next=/admin/sync")
    response = client.post("/admin/login", data={"csrf_token": csrf_of(page.text),
                                                 "token": ADMIN_TOKEN, "next": "/admin/sync"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/sync"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie  # plain http here
    assert ADMIN_TOKEN not in cookie
    assert client.get("/admin/sync").status_code == 200


def test_given_https_when_logging_in_then_cookie_is_secure(admin_app: Flask) -> None:
    client = admin_app.test_client()
    page = client.get("/admin/login", base_url="https://radar.example")
    response = client.post("/admin/login", base_url="https://radar.example",
                           data={"csrf_token": csrf_of(page.text), "token": ADMIN_TOKEN})
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("target", ["https://evil.example/admin", "//evil.example/admin",
                                    "/webhooks/x", "/admin\\@evil"])
def test_given_foreign_next_when_logging_in_then_redirected_to_dashboard(admin_app: Flask,
                                                                         target: str) -> None:
    client = admin_app.test_client()
    page = client.get("/admin/login")
    response = client.post("/admin/login", data={"csrf_token": csrf_of(page.text),
                                                 "token": ADMIN_TOKEN, "next": target})
    assert response.headers["Location"] == "/admin/"


def test_given_login_form_without_csrf_when_posted_then_rejected(admin_app: Flask) -> None:
    client = admin_app.test_client()
    client.get("/admin/login")
    response = client.post("/admin/login", data={"token": ADMIN_TOKEN})
    assert response.status_code == 400
    assert "did not come from this site" in response.text
    assert client.get("/admin/sync").status_code == 302


def test_given_session_when_form_posted_with_wrong_csrf_then_nothing_happens(
        client, fake_status: FakeStatus) -> None:
    response = client.post("/admin/sync/retry", data={"job_id": "j1", "csrf_token": "forged"})
    assert response.status_code == 400
    assert fake_status.retried == []
    response = client.post("/admin/mapping/activate/1", data={})
    assert response.status_code == 400


def test_given_session_when_logged_out_then_pages_redirect_again(client) -> None:
    page = client.get("/admin/")
    response = client.post("/admin/logout", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302


def test_given_session_older_than_max_age_when_page_requested_then_login_again(client) -> None:
    with client.session_transaction() as session:
        session["login_at"] = int(time.time()) - 13 * 3600
    assert client.get("/admin/sync").status_code == 302


def test_given_no_admin_token_configured_when_logging_in_then_everyone_refused(
        redis_url: str, mapping_source, fake_status, fake_insights) -> None:
    app = Flask("no_token")
    init_admin(app, AdminSources(mapping_source, fake_status, fake_insights),
               Settings(redis_url=redis_url, admin_token=None))
    client = app.test_client()
    page = client.get("/admin/login")
    assert "RADAR_ADMIN_TOKEN is not set" in page.text
    response = client.post("/admin/login", data={"csrf_token": csrf_of(page.text), "token": ""})
    assert response.status_code == 403
    assert client.get("/admin/").status_code == 302


def test_given_any_admin_page_then_hardening_headers_are_sent(client) -> None:
    response = client.get("/admin/")
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_given_static_css_then_served_without_login(admin_app: Flask) -> None:
    response = admin_app.test_client().get("/admin/static/admin.css")
    assert response.status_code == 200
    assert "svg.chart" in response.text
    response.close()
