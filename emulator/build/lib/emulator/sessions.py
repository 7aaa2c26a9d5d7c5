"""Access tokens (sessions) and refresh tokens of the emulated org."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Session:
    """An issued access token and whom it belongs to."""

    token: str
    user_id: str
    username: str
    issued_at: float
    expires_at: float


class SessionRegistry:
    """Issues and checks tokens; a session expires ``ttl`` seconds after issue."""

    def __init__(self, org_id: str, ttl: float = 7200.0, now: Callable[[], float] = time.time) -> None:
        self.org_id = org_id
        self._now = now  # the emulator clock, so moving it forward expires sessions
        self.ttl = ttl
        self._sessions: dict[str, Session] = {}
        self._refresh: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()

    def issue(self, user_id: str, username: str) -> Session:
        """A new access token shaped like Salesforce's (org id, '!', opaque part)."""
        now = self._now()
        token = f"{self.org_id[:15]}!{secrets.token_urlsafe(72)}"
        session = Session(token, user_id, username, now, now + self.ttl)
        with self._lock:
            self._sessions[token] = session
        return session

    def issue_refresh_token(self, user_id: str, username: str) -> str:
        """A long-lived refresh token for the refresh_token grant."""
        token = "5Aep" + secrets.token_urlsafe(60)
        with self._lock:
            self._refresh[token] = (user_id, username)
        return token

    def redeem_refresh_token(self, token: str) -> tuple[str, str] | None:
        """(user id, username) of a refresh token, or None."""
        with self._lock:
            return self._refresh.get(token)

    def check(self, token: str | None) -> Session | None:
        """The live session of ``token``, or None (unknown or expired)."""
        if not token:
            return None
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if self._now() >= session.expires_at:
                del self._sessions[token]
                return None
            return session

    def expire(self, token: str) -> None:
        """End one session now."""
        with self._lock:
            self._sessions.pop(token, None)

    def expire_all(self) -> int:
        """End every session; returns how many there were."""
        with self._lock:
            count = len(self._sessions)
            self._sessions.clear()
            return count
