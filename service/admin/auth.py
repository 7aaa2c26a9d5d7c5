"""Token login for the admin pages: a server-side session in Redis and a CSRF token per
session.

The admin token (RADAR_ADMIN_TOKEN) is compared in constant time and never stored in the
session or logged. Sessions live in Redis (Flask-Session); the cookie carries only a random
session id: HttpOnly, SameSite=Lax, scoped to /admin, and Secure whenever the request came
over https (so a plain-http development server still works). Logging out deletes the
session from Redis, so a copied cookie is worthless afterwards; the Redis keys are prefixed
with a fingerprint of the admin token, so rotating the token ends every session at once.
A login gets a new session id (no fixation).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import redis
from flask import Flask, Response, current_app, redirect, request, session, url_for
from flask_session.redis import RedisSessionInterface

log = logging.getLogger(__name__)

SESSION_MAX_AGE_SECONDS = 12 * 3600
# A visitor who never logs in still gets a session for the login form's CSRF token; it need
# not outlive the form.
ANONYMOUS_SESSION_SECONDS = 3600
COOKIE_NAME = "radar_admin"
COOKIE_PATH = "/admin"
CSRF_FIELD = "csrf_token"
_SIGNING_CONTEXT = b"expansion-radar admin session v1"


class AdminSessionInterface(RedisSessionInterface):
    """Flask-Session's Redis sessions; the cookie is Secure when the request is https and
    a session that never logged in expires after ANONYMOUS_SESSION_SECONDS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure

    def open_session(self, app: Flask, request: Any) -> Any:
        # Redis down: an empty, anonymous session, so the page can answer its own 503
        # ("Redis does not answer") instead of failing before any view runs.
        try:
            return super().open_session(app, request)
        except redis.RedisError as exc:
            log.warning("admin session unavailable: %s", exc)
            return self.session_class(sid=self._generate_sid(self.sid_length),
                                      permanent=self.permanent)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        try:
            super().save_session(app, session, response)
        except redis.RedisError as exc:
            log.warning("admin session not saved: %s", exc)

    def _upsert_session(self, session_lifetime: Any, session: Any, store_id: str) -> None:
        if "login_at" not in session:
            session_lifetime = timedelta(seconds=ANONYMOUS_SESSION_SECONDS)
        super()._upsert_session(session_lifetime, session, store_id)


def session_key_prefix(org_key: str, admin_token: str | None) -> str:
    """Redis key prefix of the admin sessions: per org and per admin token (an HMAC of the
    token, never the token), so a new token finds none of the old sessions."""
    fingerprint = hmac.new((admin_token or "").encode(), _SIGNING_CONTEXT,
                           hashlib.sha256).hexdigest()[:16]
    return f"radar:{org_key}:admin_session:{fingerprint}:"


def configure_sessions(app: Flask, admin_token: str | None, conn: redis.Redis,
                       org_key: str = "default") -> None:
    """Give the app server-side sessions fit for the admin pages (keeping explicit config).

    Args:
        app: the Flask app.
        admin_token: the admin token (only its fingerprint is used, in the key prefix).
        conn: the Redis that stores the sessions.
        org_key: the org served, so two orgs sharing a Redis keep their sessions apart.
    """
    if not app.secret_key:
        if admin_token:
            app.secret_key = hmac.new(admin_token.encode(), _SIGNING_CONTEXT,
                                      hashlib.sha256).hexdigest()
        else:
            # no token: nobody can log in, so per-process sessions lose nothing
            app.secret_key = secrets.token_hex(32)
    if app.config.get("SESSION_COOKIE_NAME") in (None, "session"):
        app.config["SESSION_COOKIE_NAME"] = COOKIE_NAME
    if app.config.get("SESSION_COOKIE_PATH") is None:
        app.config["SESSION_COOKIE_PATH"] = COOKIE_PATH
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.permanent_session_lifetime = timedelta(seconds=SESSION_MAX_AGE_SECONDS)
    app.session_interface = AdminSessionInterface(
        app, client=conn, key_prefix=session_key_prefix(org_key, admin_token),
        permanent=True, sid_length=32)


def token_matches(given: str, expected: str | None) -> bool:
    """Constant-time comparison; no configured token means nobody gets in (fail closed)."""
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def csrf_token() -> str:
    """This session's CSRF token (made on first use)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def csrf_valid() -> bool:
    """Whether the POSTed form carries this session's CSRF token."""
    expected = session.get(CSRF_FIELD)
    given = request.form.get(CSRF_FIELD, "")
    return isinstance(expected, str) and hmac.compare_digest(given.encode(), expected.encode())


def logged_in() -> bool:
    """A session from a login within the last SESSION_MAX_AGE_SECONDS."""
    since = session.get("login_at")
    return isinstance(since, int | float) and 0 <= time.time() - since < SESSION_MAX_AGE_SECONDS


def start_session() -> None:
    """Replace whatever session there was with a logged-in one under a new id (no
    fixation: an id planted before the login is deleted, not promoted)."""
    current_app.session_interface.regenerate(session)  # type: ignore[attr-defined]
    session.clear()
    session["login_at"] = int(time.time())
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


def safe_next(target: str | None) -> str:
    """Only a local /admin path may be a post-login destination (no open redirect)."""
    default = url_for("admin.dashboard")
    if not target:
        return default
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):  # CR/LF: header injection
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(COOKIE_PATH) or \
            target.startswith("//") or "\\" in target:
        return default
    return target


def login_redirect() -> Response:
    """Send an anonymous visitor to the login page, remembering where they were going."""
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("admin.login", next=target))


def note_failed_login() -> None:
    # The client address only: never the token given, which may be a near-miss of the real one.
    log.warning("admin login refused for %s", request.remote_addr)
