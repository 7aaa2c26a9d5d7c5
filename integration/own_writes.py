"""Our own writes, recognised by when we wrote them rather than by who wrote last.

An incremental scan must not take the echo of its own write-back for news, or every write
would bring its account back. Skipping every row the integration user modified last hides
too much: another integration (or a script) running as the same user, and a person's edit
of a field the service does not write, made while the service was not writing. So the
service keeps the moments it was writing — each write call's span on the org's clock,
from the ``Date`` of the response before it to the ``Date`` of its own response, padded by
the header's one-second resolution — and the change probe skips only rows the integration
user stamped inside one of those spans:

    ... AND (LastModifiedById != :integration_user
             OR ((SystemModstamp < :s1 OR SystemModstamp > :e1) AND ...))

A row the integration user changed outside our write spans is news; with no spans
recorded nothing is skipped. Spans close together are merged (at most ``MAX_SPANS`` go
into one probe, keeping the SOQL short); the price of a merge is a few seconds more
during which an outside edit by the integration user looks like ours.

Redis: ``radar:{org_key}:own_writes`` sorted set of ``start|end`` (ISO UTC) by end time,
trimmed to ``KEEP``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

import redis

Span = tuple[datetime, datetime]

PAD = timedelta(seconds=1)  # the Date header's resolution
MERGE_GAP = timedelta(seconds=2)
MAX_SPANS = 40
KEEP = timedelta(days=7)


def merge_spans(spans: Iterable[Span], max_spans: int = MAX_SPANS,
                gap: timedelta = MERGE_GAP) -> list[Span]:
    """Sorted, overlapping or near spans joined; then the closest ones joined until at
    most ``max_spans`` remain."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    while len(merged) > max_spans:
        i = min(range(len(merged) - 1), key=lambda k: merged[k + 1][0] - merged[k][1])
        merged[i:i + 2] = [(merged[i][0], max(merged[i][1], merged[i + 1][1]))]
    return merged


def padded(start: datetime, end: datetime) -> Span:
    """The span of one write call, widened by the Date header's resolution."""
    return start - PAD, end + PAD


class OwnWriteLog:
    """The spans during which this service wrote to the org."""

    def __init__(self, conn: redis.Redis, org_key: str) -> None:
        self.conn = conn
        self.key = f"radar:{org_key}:own_writes"

    def add(self, spans: Sequence[Span]) -> None:
        if not spans:
            return
        pipe = self.conn.pipeline()
        for start, end in merge_spans(spans, max_spans=len(spans)):
            pipe.zadd(self.key, {f"{_iso(start)}|{_iso(end)}": end.timestamp()})
        newest = max(end for _, end in spans)
        pipe.zremrangebyscore(self.key, "-inf", (newest - KEEP).timestamp())
        pipe.execute()

    def overlapping(self, window_from: datetime, window_to: datetime) -> list[Span]:
        """Merged spans that touch [window_from, window_to)."""
        spans = []
        for raw in self.conn.zrangebyscore(self.key, window_from.timestamp(), "+inf"):
            start, _, end = raw.decode().partition("|")
            span = (datetime.fromisoformat(start), datetime.fromisoformat(end))
            if span[0] < window_to:
                spans.append(span)
        return merge_spans(spans)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()
