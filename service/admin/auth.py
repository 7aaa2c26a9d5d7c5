"""Token login for the admin pages: a signed session cookie and a CSRF token per session.

The admin token (RADAR_ADMIN_TOKEN) is compared in constant time and never stored in the
session or logged. The session cookie is Flask's signed cookie: HttpOnly, SameSite=Lax,
scoped to /admin, and Secure whenever the request came over https (so a plain-http
development server still works). The signing key is derived from the admin token when the
app has none, so every gunicorn worker agrees on it and rotating the token ends every
session.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from urllib.parse import urlsplit

from flask import Flask, Response, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

log = logging.getLogger(__name__)

SESSION_MAX_AGE_SECONDS = 12 * 3600
COOKIE_NAME = "radar_admin"
COOKIE_PATH = "/admin"
CSRF_FIELD = "csrf_token"
_SIGNING_CONTEXT = b"expansion-radar admin session v1"


class AdminSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, Secure when the request is https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def configure_sessions(app: Flask, admin_token: str | None) -> None:
    """Give the app a session cookie fit for the admin pages (keeping explicit config)."""
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
    app.session_interface = AdminSessionInterface()


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
    """Replace whatever session there was (no fixation) with a logged-in one."""
    session.clear()
    session["login_at"] = int(time.time())
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


def safe_next(target: str | None) -> str:
    """Only a local /admin path may be a post-login destination (no open redirect)."""
    default = url_for("admin.dashboard")
    if not target:
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
