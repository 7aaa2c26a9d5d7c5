"""Server-side query cursors behind ``nextRecordsUrl`` (``/services/data/v59.0/query/01g...-2000``).

Salesforce keeps a cursor per query for a while (15 minutes of inactivity); the emulator
keeps the most recent ones, bounded so a long run cannot grow memory without limit.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from emulator.ids import to18

MAX_LOCATORS = 2000
IDLE_SECONDS = 15 * 60


@dataclass
class Cursor:
    """A prepared query, its total and page size."""

    prepared: Any
    total: int
    batch_size: int
    include_deleted: bool
    touched: float


class LocatorCache:
    """Locator id -> cursor, least recently used first out."""

    def __init__(self) -> None:
        self._cursors: OrderedDict[str, Cursor] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, prepared: Any, total: int, batch_size: int, include_deleted: bool) -> str:
        """Keep a cursor; returns its locator id (an 18-character 01g id)."""
        locator = to18("01g" + secrets.token_hex(6)[:12].upper())
        with self._lock:
            self._cursors[locator] = Cursor(prepared, total, batch_size, include_deleted, time.time())
            while len(self._cursors) > MAX_LOCATORS:
                self._cursors.popitem(last=False)
        return locator

    def get(self, locator: str) -> Cursor | None:
        """The cursor of a locator, or None when unknown or idle too long."""
        with self._lock:
            cursor = self._cursors.get(locator)
            if cursor is None:
                return None
            if time.time() - cursor.touched > IDLE_SECONDS:
                del self._cursors[locator]
                return None
            cursor.touched = time.time()
            self._cursors.move_to_end(locator)
            return cursor
