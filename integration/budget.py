"""API budget and call ledger: the calls a run spends are the product's first cost metric.

Every Salesforce response carries ``Sforce-Limit-Info: api-usage=USED/MAX`` (REST API
Developer Guide, "Limit Info Header"); the whole org shares MAX per rolling 24 hours. A
run may spend at most ``RADAR_API_BUDGET_PERCENT`` of MAX, and never pushes the org's
usage past ``org_ceiling_percent`` of MAX (so other apps and people keep working). The
guard is checked *before* each call (as MeltanoLabs/tap-salesforce's quota guard does
after each one), so a run stops before, never after, its share.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

CALL_KINDS = (
    "auth",
    "query_page",
    "count",
    "describe",
    "collection_write",
    "composite",
    "bulk_job_step",
    "other",
)

_LIMIT_INFO = re.compile(r"api-usage=(\d+)/(\d+)")


def parse_limit_info(header: str | None) -> tuple[int, int] | None:
    """(used, max) from a ``Sforce-Limit-Info`` header value, or None."""
    if not header:
        return None
    match = _LIMIT_INFO.search(header)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2))


class BudgetExhausted(Exception):
    """The next call would pass this run's share of the org's daily API allowance.

    Raised before the call is made. The run turns it into a checkpoint and one log line;
    ``str(exc)`` is that line.
    """

    def __init__(self, spent: int, allowance: int | None, used: int | None, limit: int | None,
                 reason: str) -> None:
        self.spent = spent
        self.allowance = allowance
        self.used = used
        self.limit = limit
        self.reason = reason
        super().__init__(
            f"API budget reached ({reason}): this run spent {spent} calls of its allowance "
            f"{allowance if allowance is not None else '?'}; org usage "
            f"{used if used is not None else '?'}/{limit if limit is not None else '?'}. "
            "Stopped cleanly; the next run resumes from the checkpoint."
        )


class ApiBudget:
    """Decides whether the next call may proceed.

    Args:
        percent: share (0-100] of the org's daily allowance this run may spend
            (``RADAR_API_BUDGET_PERCENT``).
        org_ceiling_percent: never let the org's total usage pass this share of MAX.
        max_calls: an explicit cap for the run (benchmarks, tests); None for none.
    """

    def __init__(self, percent: float, org_ceiling_percent: float = 95.0,
                 max_calls: int | None = None) -> None:
        if not 0 < percent <= 100 or not 0 < org_ceiling_percent <= 100:
            raise ValueError("budget percentages must be in (0, 100]")
        self.percent = percent
        self.org_ceiling_percent = org_ceiling_percent
        self.max_calls = max_calls
        self.spent = 0  # API calls this run made (auth excluded: OAuth is not metered)
        self.used: int | None = None  # org usage from the last Sforce-Limit-Info
        self.limit: int | None = None  # org daily maximum from the last Sforce-Limit-Info

    def observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        """A ``requests`` response hook: remember the latest org usage."""
        parsed = parse_limit_info(response.headers.get("Sforce-Limit-Info"))
        if parsed:
            self.used, self.limit = parsed
        return response

    @property
    def allowance(self) -> int | None:
        """Calls this run may spend, once the org's maximum is known."""
        caps = []
        if self.limit is not None:
            caps.append(math.floor(self.limit * self.percent / 100))
        if self.max_calls is not None:
            caps.append(self.max_calls)
        return min(caps) if caps else None

    @property
    def org_ceiling(self) -> int | None:
        if self.limit is None:
            return None
        return math.floor(self.limit * self.org_ceiling_percent / 100)

    def remaining(self) -> int | None:
        """Calls left before either cap; None while nothing is known yet."""
        left = []
        if self.allowance is not None:
            left.append(self.allowance - self.spent)
        if self.org_ceiling is not None and self.used is not None:
            left.append(self.org_ceiling - self.used)
        return max(0, min(left)) if left else None

    def check(self, calls: int = 1) -> None:
        """Raise ``BudgetExhausted`` if ``calls`` more calls would pass a cap.

        Before the first response the org's maximum is unknown and only ``max_calls``
        applies (one call is enough to learn it).
        """
        allowance = self.allowance
        if allowance is not None and self.spent + calls > allowance:
            raise BudgetExhausted(self.spent, allowance, self.used, self.limit,
                                  f"{self.percent:g}% run share")
        ceiling = self.org_ceiling
        if ceiling is not None and self.used is not None and self.used + calls > ceiling:
            raise BudgetExhausted(self.spent, allowance, self.used, self.limit,
                                  f"org usage ceiling {self.org_ceiling_percent:g}%")

    def record_call(self) -> None:
        """Count one metered call this run made."""
        self.spent += 1


@dataclass
class CallLedger:
    """Calls a run spent, by kind (see ``CALL_KINDS``)."""

    counts: Counter[str]

    def __init__(self, counts: Mapping[str, int] | None = None) -> None:
        self.counts = Counter(counts or {})

    def add(self, kind: str, n: int = 1) -> None:
        if kind not in CALL_KINDS:
            raise ValueError(f"unknown call kind {kind!r}")
        self.counts[kind] += n

    @property
    def total(self) -> int:
        """Every HTTP request, auth included."""
        return sum(self.counts.values())

    @property
    def api_calls(self) -> int:
        """Requests metered against the org's daily allowance (auth excluded)."""
        return self.total - self.counts.get("auth", 0)

    def as_dict(self) -> dict[str, int]:
        return {kind: self.counts.get(kind, 0) for kind in CALL_KINDS}

    def since(self, earlier: Mapping[str, int]) -> dict[str, int]:
        """Calls by kind spent after the snapshot ``earlier`` (from ``as_dict``)."""
        return {k: self.counts.get(k, 0) - earlier.get(k, 0) for k in CALL_KINDS}
