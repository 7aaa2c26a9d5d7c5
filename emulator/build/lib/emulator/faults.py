"""Faults on demand: a share of data calls answered 503 SERVER_UNAVAILABLE or, for writes,
UNABLE_TO_LOCK_ROW; added latency; forced session expiry every N calls. Decisions come
from a seeded generator so a run with the same seed and call order fails the same way.
A fault is decided before the call touches the store, so it never leaves a partial write.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    """What to do to one call: nothing, a 503, lock errors, or an expired session."""

    kind: str  # "none" | "unavailable" | "lock" | "expire"
    latency_ms: int = 0


class FaultInjector:
    """Decides, call by call, whether to inject a fault."""

    def __init__(self, rate: float = 0.0, latency_ms: int = 0, expire_every: int = 0, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self.configure(rate=rate, latency_ms=latency_ms, expire_every=expire_every, seed=seed)

    def configure(self, rate: float | None = None, latency_ms: int | None = None,
                  expire_every: int | None = None, seed: int | None = None) -> None:
        """Change settings; a new seed restarts the sequence of decisions."""
        with self._lock:
            if rate is not None:
                if not 0.0 <= rate <= 1.0:
                    raise ValueError("fault rate must be between 0 and 1")
                self.rate = rate
            if latency_ms is not None:
                self.latency_ms = max(0, int(latency_ms))
            if expire_every is not None:
                self.expire_every = max(0, int(expire_every))
            if seed is not None or not hasattr(self, "_random"):
                self.seed = seed or 0
                self._random = random.Random(self.seed)
                self._calls = 0

    def decide(self, is_write: bool) -> Fault:
        """The fault for the next data call."""
        with self._lock:
            self._calls += 1
            if self.expire_every and self._calls % self.expire_every == 0:
                return Fault("expire", self.latency_ms)
            if self.rate and self._random.random() < self.rate:
                if is_write and self._random.random() < 0.5:
                    return Fault("lock", self.latency_ms)
                return Fault("unavailable", self.latency_ms)
            return Fault("none", self.latency_ms)

    def settings(self) -> dict[str, object]:
        """Current settings (control endpoint)."""
        with self._lock:
            return {"rate": self.rate, "latency_ms": self.latency_ms, "expire_every": self.expire_every,
                    "seed": self.seed, "calls": self._calls}
