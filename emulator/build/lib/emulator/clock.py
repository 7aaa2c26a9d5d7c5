"""The emulator's clock: real UTC time plus an offset tests can move forward, so relative
SOQL dates (TODAY, LAST_N_DAYS:n) and CreatedDate on new records follow it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock UTC time shifted by an adjustable offset (thread-safe)."""

    def __init__(self, offset: timedelta | None = None) -> None:
        self._offset = offset or timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The emulated current time (aware, UTC)."""
        with self._lock:
            offset = self._offset
        return datetime.now(UTC) + offset

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward (or back with a negative delta); returns the new now."""
        with self._lock:
            self._offset += delta
        return self.now()

    def set(self, moment: datetime) -> datetime:
        """Make ``now()`` return ``moment`` from here on (time keeps running)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        with self._lock:
            self._offset = moment - datetime.now(UTC)
        return self.now()

    @property
    def offset(self) -> timedelta:
        """How far the clock is from real time."""
        with self._lock:
            return self._offset
