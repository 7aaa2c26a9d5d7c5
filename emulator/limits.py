"""The org's daily API allowance and call statistics.

Every REST and Bulk API call counts one request against DailyApiRequests; OAuth calls do
not (https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm).
The counter restarts when the emulated day changes.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

from emulator.clock import Clock


class ApiUsage:
    """Requests used today against a maximum, plus counts by kind of call."""

    def __init__(self, clock: Clock, maximum: int = 15000) -> None:
        self.clock = clock
        self.maximum = maximum
        self._used = 0
        self._day: date = clock.now().date()
        self._lock = threading.Lock()
        self.by_kind: Counter[str] = Counter()
        # Composite subrequests by kind ("collections:write", "query:read"...): they
        # cost no call of their own but show what a composite carried.
        self.subrequests: Counter[str] = Counter()
        self.refused = 0
        self.faults: Counter[str] = Counter()

    def _roll(self) -> None:
        today = self.clock.now().date()
        if today != self._day:
            self._day, self._used = today, 0

    def take(self, kind: str) -> bool:
        """Count one call of ``kind``; False when the allowance is spent (nothing counted)."""
        with self._lock:
            self._roll()
            if self._used >= self.maximum:
                self.refused += 1
                return False
            self._used += 1
            self.by_kind[kind] += 1
            return True

    @property
    def used(self) -> int:
        """Requests used today."""
        with self._lock:
            self._roll()
            return self._used

    def note_subrequest(self, kind: str, writes: bool) -> None:
        """Count one composite subrequest (no allowance: the composite was the call)."""
        with self._lock:
            self.subrequests[f"{kind}:{'write' if writes else 'read'}"] += 1

    def set(self, used: int | None = None, maximum: int | None = None) -> None:
        """Adjust the counter (control endpoint)."""
        with self._lock:
            if used is not None:
                self._used = max(0, used)
            if maximum is not None:
                self.maximum = max(0, maximum)

    def header(self) -> str:
        """The Sforce-Limit-Info value."""
        return f"api-usage={self.used}/{self.maximum}"

    def snapshot(self) -> dict[str, object]:
        """Counts for the stats endpoint."""
        with self._lock:
            return {"api_used": self._used, "api_max": self.maximum, "by_kind": dict(self.by_kind),
                    "subrequests": dict(self.subrequests),
                    "refused": self.refused, "faults": dict(self.faults)}
