"""Failed admin authentications, counted per client address in Redis.

An admin token is a long random secret, so guessing it is hopeless; the throttle makes
sure nobody can try at machine speed anyway, and that each address that tries is logged
once when it is blocked. After ``limit`` failures from one address within ``window``
seconds, that address is refused (429 with ``Retry-After``) until the window ends, even
with the right token: a success does not reset the count, or a guesser would learn the
token from which attempt got in.

Behind a reverse proxy every client shares the proxy's address: wrap the app in
werkzeug's ``ProxyFix``: set RADAR_TRUSTED_PROXY_HOPS (service/web_security.py) so the real
client is counted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis

log = logging.getLogger(__name__)

EXTENSION_KEY = "radar.auth_throttle"
DEFAULT_LIMIT = 20
DEFAULT_WINDOW_SECONDS = 600


@dataclass(frozen=True)
class FailureThrottle:
    """Counts failed token checks per address; ``retry_after`` says when one may try again."""

    redis: redis.Redis
    org_key: str
    limit: int = DEFAULT_LIMIT
    window_seconds: int = DEFAULT_WINDOW_SECONDS

    def _key(self, address: str | None) -> str:
        return f"radar:{self.org_key}:auth_failures:{address or 'unknown'}"

    def retry_after(self, address: str | None) -> int | None:
        """Seconds until ``address`` may try again, or None when it is not blocked."""
        key = self._key(address)
        failures = self.redis.get(key)
        if failures is None or int(failures) < self.limit:
            return None
        ttl = int(self.redis.ttl(key))
        return max(ttl, 1)

    def record_failure(self, address: str | None) -> None:
        """One more failure from ``address``; the window starts at its first failure."""
        key = self._key(address)
        pipe = self.redis.pipeline()  # MULTI: the window's expiry is set with the key
        pipe.set(key, 0, ex=self.window_seconds, nx=True)
        pipe.incr(key)
        _, failures = pipe.execute()
        if int(failures) == self.limit:
            log.warning("admin authentication blocked for %s for %d s after %d failures",
                        address, self.window_seconds, self.limit)
