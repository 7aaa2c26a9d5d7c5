"""One OAuth token per org, shared through Redis by every worker process.

Token requests do not count toward the daily API allowance, but Salesforce limits logins
per user per hour ("Login rate exceeded" — Salesforce Help, "Monitor Login Activity";
e.g. 3,600 logins per user per hour) and every login is a round trip to the login
server. So the service logs in once per org and shares the token until it expires (the
org's session timeout, ``ttl``) or is refused: then the first process to see the refusal
drops exactly that token (compare-and-delete, so a token another process has just
obtained survives), logs in under a short lock, and the others pick the new one up.
The token sits in Redis like the job payloads do; it is never logged.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis


@dataclass(frozen=True)
class Token:
    """An access token and the instance it is valid for."""

    access_token: str = field(repr=False)
    instance_url: str
    user_id: str | None = None  # last segment of the identity URL ("id"), when given


DEFAULT_TTL_SECONDS = 2 * 3600 - 300  # Salesforce's default session timeout is 2 hours
LOCK_SECONDS = 30

# Delete the key only while it still holds the refused token.
_DROP_IF_SAME = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class SharedTokenCache:
    """The org's current token in Redis.

    Args:
        conn: Redis.
        key: e.g. ``radar:{org}:oauth:token``.
        ttl: seconds a token is trusted before a fresh login (the session timeout).
    """

    def __init__(self, conn: redis.Redis, key: str, ttl: float = DEFAULT_TTL_SECONDS,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.conn = conn
        self.key = key
        self.ttl = ttl
        self.sleep = sleep

    @staticmethod
    def _dump(token: Token) -> str:
        return json.dumps({"access_token": token.access_token,
                           "instance_url": token.instance_url, "user_id": token.user_id},
                          sort_keys=True)

    def get(self) -> Token | None:
        """The shared token, if one is stored and not expired."""
        raw = self.conn.get(self.key)
        if raw is None:
            return None
        data = json.loads(raw)
        return Token(data["access_token"], data["instance_url"], data.get("user_id"))

    def put(self, token: Token) -> None:
        self.conn.set(self.key, self._dump(token), px=int(self.ttl * 1000))

    def drop(self, token: Token) -> None:
        """Forget ``token`` (refused by the org) unless another one replaced it already."""
        self.conn.eval(_DROP_IF_SAME, 1, self.key, self._dump(token))

    def fetch(self, login: Callable[[], Token], refused: Token | None = None) -> Token:
        """The shared token; logs in (once across processes) when there is none.

        Args:
            login: runs the OAuth flow.
            refused: a token the org just refused: never handed out again.
        """
        lock = self.conn.lock(self.key + ":lock", timeout=LOCK_SECONDS,
                              blocking_timeout=LOCK_SECONDS)
        token = self.get()
        if token is not None and token != refused:
            return token
        if not lock.acquire():
            return self._login_and_store(login)  # a stuck holder: do not wait for ever
        try:
            token = self.get()  # another process may have logged in while we waited
            if token is not None and token != refused:
                return token
            return self._login_and_store(login)
        finally:
            try:
                lock.release()
            except redis.exceptions.LockError:
                pass  # expired while logging in: nothing to release

    def _login_and_store(self, login: Callable[[], Token]) -> Token:
        token = login()
        self.put(token)
        return token
