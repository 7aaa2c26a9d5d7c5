"""Where the admin pages get their numbers: three small Protocols and their Redis versions.

Pages only talk to ``MappingSource``, ``StatusSource`` and ``InsightsSource``, so a test
can hand them plain objects and the service hands them Redis-backed ones.

Redis keys read here (the workers write them; ``{org}`` is ``Settings.org_key``):

Runs: integration's ``RunStore`` (``radar:{org}:run_ids`` sorted set and
``radar:{org}:runs:{run_id}`` hashes with ``calls:<kind>`` counters, plus ``allowance`` and
``accounts_written`` added by the workers).
``radar:{org}:insights``
    JSON string written after each scan (``encode_insights`` builds it)::

        {"portfolio": [{"account_id", "name", "tier", "readiness", "action",
                        "pipeline_value", "at_risk"}],   # at_risk: bool or list of reasons
         "funnel": dataclasses.asdict(FunnelMetrics),    # dates as ISO strings
         "digest": [{"owner", "account", "strength", "summary"}],
         "signals": {signal type: {strength: count}},      # detected in the last scan
         "signal_logs": {signal type: {strength: count}},  # signal_log Tasks it read
         "written": {"tasks": n, "opportunities": n, "account_updates": n},
         "generated_at": ISO 8601 (optional)}

RQ's own keys (queues, the failed-job registries) are read through rq's API.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import redis
from rq import Queue
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job

from detection.funnel import FunnelMetrics, FunnelSlice
from integration.budget import CallLedger
from service.admin.mapping_source import MappingSource, StoreMappingSource

__all__ = [
    "DigestLine", "FailedJob", "Insights", "InsightsSource", "MappingSource", "PortfolioRow",
    "QueueDepth", "RedisInsightsSource", "RedisStatusSource", "RunRecord", "StatusSource",
    "StoreMappingSource", "WrittenCounts", "encode_insights", "insights_key",
]

log = logging.getLogger(__name__)
ERROR_TAIL_CHARS = 400  # the exception line and the frames just above it


def insights_key(org_key: str) -> str:
    return f"radar:{org_key}:insights"


# --- sync status --------------------------------------------------------------------------


@dataclass(frozen=True)
class RunRecord:
    """One scan or sync run as the worker recorded it."""

    run_id: str
    mode: str = ""
    status: str = ""
    started_at: str = ""
    finished_at: str = ""
    accounts: int | None = None
    calls: Mapping[str, int] = field(default_factory=dict)
    allowance: int | None = None
    error: str = ""

    @property
    def calls_total(self) -> int:
        """API calls counted against the org's daily allowance: one definition for every
        page and ``radar status`` (``CallLedger.api_calls``; logins are not metered)."""
        return CallLedger(self.calls).api_calls

    @property
    def logins(self) -> int:
        """Token requests of the run (shown beside the calls, never added to them)."""
        return int(self.calls.get("auth", 0))

    @property
    def budget_used(self) -> float | None:
        """Share of the run's allowance spent (None without an allowance)."""
        return self.calls_total / self.allowance if self.allowance else None


@dataclass(frozen=True)
class QueueDepth:
    name: str
    queued: int
    started: int
    scheduled: int
    failed: int


@dataclass(frozen=True)
class FailedJob:
    job_id: str
    queue: str
    function: str
    error_tail: str
    ended_at: str = ""


class StatusSource(Protocol):
    """Runs, queues and failed jobs of the org served."""

    def recent_runs(self, limit: int = 20) -> Sequence[RunRecord]: ...

    def queue_depths(self) -> Sequence[QueueDepth]: ...

    def failed_jobs(self, limit: int = 50) -> Sequence[FailedJob]: ...

    def retry(self, job_id: str) -> bool:
        """Requeue a failed job; False when it is not (or no longer) a failed job."""
        ...


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _int(value: bytes | str | None) -> int | None:
    try:
        return int(float(_text(value))) if _text(value) else None
    except ValueError:
        return None


def _tail(text: str, limit: int = ERROR_TAIL_CHARS) -> str:
    text = text.strip()
    return text if len(text) <= limit else "..." + text[-limit:]


class RedisStatusSource:
    """Run records from ``radar:{org}:run*`` and queue state from RQ."""

    def __init__(self, conn: redis.Redis, org_key: str = "default",
                 queue_names: Iterable[str] | None = None) -> None:
        if queue_names is None:
            from workers.queues import ALL_QUEUES

            queue_names = ALL_QUEUES
        self.conn = conn
        self.org_key = org_key
        self.queue_names = tuple(queue_names)

    def _queues(self) -> list[Queue]:
        return [Queue(name, connection=self.conn) for name in self.queue_names]

    def recent_runs(self, limit: int = 20) -> list[RunRecord]:
        """The newest ``limit`` runs, as integration's RunStore recorded them."""
        from integration.state import RunStore

        runs = []
        for raw in RunStore(self.conn, self.org_key).recent_runs(limit):
            if not raw.get("run_id"):
                continue  # an id whose record has expired
            runs.append(RunRecord(
                run_id=str(raw.get("run_id", "")), mode=str(raw.get("mode", "")),
                status=str(raw.get("status", "")), started_at=str(raw.get("started_at", "")),
                finished_at=str(raw.get("finished_at", "")),
                accounts=_int(raw.get("accounts_written") or raw.get("accounts")),
                calls={k: v for k, v in raw.get("calls", {}).items() if v},
                allowance=_int(raw.get("allowance")), error=str(raw.get("message", ""))))
        return runs

    def queue_depths(self) -> list[QueueDepth]:
        return [QueueDepth(name=q.name, queued=q.count, started=q.started_job_registry.count,
                           scheduled=q.scheduled_job_registry.count,
                           failed=q.failed_job_registry.count)
                for q in self._queues()]

    def failed_jobs(self, limit: int = 50) -> list[FailedJob]:
        """Failed jobs of every queue, newest failure first."""
        found: list[FailedJob] = []
        for q in self._queues():
            ids = q.failed_job_registry.get_job_ids(0, limit - 1, desc=True)
            for job in Job.fetch_many(ids, connection=self.conn):
                if job is None:
                    continue
                result = job.latest_result()
                error = _text(result.exc_string) if result is not None else ""
                # The worker's one-line diagnosis (workers/radar_worker.py) names the fix;
                # the traceback's end is the fallback for jobs run by another worker.
                problem = job.meta.get("problem")
                found.append(FailedJob(
                    job_id=job.id, queue=q.name, function=job.func_name or "?",
                    error_tail=problem or _tail(error or "(no traceback recorded)"),
                    ended_at=job.ended_at.isoformat(timespec="seconds") if job.ended_at else ""))
        found.sort(key=lambda j: j.ended_at, reverse=True)
        return found[:limit]

    def retry(self, job_id: str) -> bool:
        """Requeue ``job_id`` if it is in one of our queues' failed registries (only those:
        an id from a form is never trusted to name an arbitrary job)."""
        for q in self._queues():
            registry = q.failed_job_registry
            if self.conn.zscore(registry.key, job_id) is None:
                continue
            try:
                registry.requeue(job_id)
            except (InvalidJobOperation, NoSuchJobError):
                return False
            log.info("admin requeued failed job %s on queue %s", job_id, q.name)
            return True
        return False


# --- insights -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioRow:
    account_id: str
    name: str
    tier: str | None
    readiness: str
    action: str
    pipeline_value: float
    at_risk: bool = False
    risk_reasons: tuple[str, ...] = ()
    acv: float = 0.0  # the current contract value: what an at-risk account puts at stake
    strength: str = ""  # the account's signal strength in the last scan
    owner: str = ""  # the CS owner (or AE) by name
    play: str = ""  # where the scan routed it: play02, play04, renewal_rescue, none


@dataclass(frozen=True)
class DigestLine:
    owner: str
    account: str
    strength: str
    summary: str


@dataclass(frozen=True)
class WrittenCounts:
    tasks: int = 0
    opportunities: int = 0
    account_updates: int = 0


@dataclass(frozen=True)
class Insights:
    """What the last scan found, as the dashboard and digest show it."""

    portfolio: tuple[PortfolioRow, ...] = ()
    funnel: FunnelMetrics | None = None
    digest: tuple[DigestLine, ...] = ()
    signals: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # the signal_log Tasks the org held when the last scan read each account ("-": blank
    # strength), as opposed to ``signals``, what that scan detected
    signal_logs: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    written: WrittenCounts = field(default_factory=WrittenCounts)
    generated_at: str = ""
    people: Mapping[str, str] = field(default_factory=dict)  # user id -> name

    def person(self, user_id: str) -> str:
        """A user's name for display (the id only when the scan saw no name for it)."""
        return self.people.get(user_id) or user_id

    @property
    def at_risk(self) -> tuple[PortfolioRow, ...]:
        return tuple(r for r in self.portfolio if r.at_risk)

    @property
    def ranked(self) -> tuple[PortfolioRow, ...]:
        return tuple(r for r in self.portfolio if not r.at_risk)

    def digest_by_owner(self) -> dict[str, list[DigestLine]]:
        grouped: dict[str, list[DigestLine]] = {}
        for line in self.digest:
            grouped.setdefault(line.owner, []).append(line)
        return dict(sorted(grouped.items()))


class InsightsSource(Protocol):
    """Portfolio ranking, funnel metrics, digest, signal counts and writes of the last scan."""

    def insights(self) -> Insights:
        """The latest insights; an empty ``Insights`` before the first scan."""
        ...


def _slice(data: Mapping[str, Any]) -> FunnelSlice:
    names = {f.name for f in dataclasses.fields(FunnelSlice)}
    values = {k: v for k, v in data.items() if k in names}
    values["signals_by_month"] = tuple(
        (str(m), int(n)) for m, n in data.get("signals_by_month") or ())
    return FunnelSlice(**values)


def decode_funnel(data: Mapping[str, Any]) -> FunnelMetrics:
    """``dataclasses.asdict(FunnelMetrics)`` after a JSON round trip -> FunnelMetrics.

    Unknown keys are ignored so a newer worker does not break an older web process.
    """
    return FunnelMetrics(
        period_start=date.fromisoformat(str(data["period_start"])[:10]),
        period_end=date.fromisoformat(str(data["period_end"])[:10]),
        overall=_slice(data.get("overall") or {}),
        by_tier={str(k): _slice(v) for k, v in (data.get("by_tier") or {}).items()},
        by_owner={str(k): _slice(v) for k, v in (data.get("by_owner") or {}).items()},
        goals=dict(data.get("goals") or {}),
        not_detectable=tuple(data.get("not_detectable") or ()),
    )


def _portfolio_row(item: Mapping[str, Any]) -> PortfolioRow:
    risk = item.get("at_risk")
    reasons = (risk,) if isinstance(risk, str) else tuple(str(r) for r in risk) \
        if isinstance(risk, list | tuple) else ()
    return PortfolioRow(
        account_id=str(item.get("account_id", "")), name=str(item.get("name", "")),
        tier=item.get("tier"), readiness=str(item.get("readiness", "")),
        action=str(item.get("action", "")), pipeline_value=float(item.get("pipeline_value") or 0),
        at_risk=bool(risk), risk_reasons=reasons, acv=float(item.get("acv") or 0),
        strength=str(item.get("strength") or ""), owner=str(item.get("owner") or ""),
        play=str(item.get("play") or ""))


def _counts(data: Mapping[str, Mapping[str, Any]] | None) -> dict[str, dict[str, int]]:
    return {str(t): {str(s): int(n) for s, n in by.items()} for t, by in (data or {}).items()}


def decode_insights(text: str | bytes) -> Insights:
    """Parse the ``radar:{org}:insights`` JSON (see the module docstring)."""
    data = json.loads(text)
    written = data.get("written") or {}
    return Insights(
        portfolio=tuple(_portfolio_row(i) for i in data.get("portfolio") or ()),
        funnel=decode_funnel(data["funnel"]) if data.get("funnel") else None,
        digest=tuple(DigestLine(owner=str(d.get("owner") or "unassigned"),
                                account=str(d.get("account", "")),
                                strength=str(d.get("strength", "")),
                                summary=str(d.get("summary", "")))
                     for d in data.get("digest") or ()),
        signals=_counts(data.get("signals")),
        signal_logs=_counts(data.get("signal_logs")),
        written=WrittenCounts(tasks=int(written.get("tasks", 0)),
                              opportunities=int(written.get("opportunities", 0)),
                              account_updates=int(written.get("account_updates", 0))),
        generated_at=str(data.get("generated_at") or ""),
        people={str(k): str(v) for k, v in (data.get("people") or {}).items()},
    )


def encode_insights(*, portfolio: Iterable[Mapping[str, Any]], funnel: FunnelMetrics | None,
                    digest: Iterable[Mapping[str, Any]],
                    signals: Mapping[str, Mapping[str, int]], written: Mapping[str, int],
                    generated_at: str = "",
                    signal_logs: Mapping[str, Mapping[str, int]] | None = None,
                    people: Mapping[str, str] | None = None) -> str:
    """The JSON the workers store at ``radar:{org}:insights`` (the reader's exact format).

    ``portfolio`` rows come from ``workers.insights.portfolio_rows(rank_portfolio(...))``.
    """
    return json.dumps({
        "portfolio": list(portfolio),
        "funnel": dataclasses.asdict(funnel) if funnel is not None else None,
        "digest": list(digest),
        "signals": {t: dict(by) for t, by in signals.items()},
        "signal_logs": {t: dict(by) for t, by in (signal_logs or {}).items()},
        "written": dict(written),
        "generated_at": generated_at,
        "people": dict(people or {}),
    }, default=str)


class RedisInsightsSource:
    """Reads ``radar:{org}:insights``, rebuilding it from the workers' summaries when it is
    missing: every scan deletes it and a rebuilt one lives 5 minutes (workers.insights), so
    reading the key alone showed an empty dashboard after each scan."""

    def __init__(self, conn: redis.Redis, org_key: str = "default") -> None:
        self.conn = conn
        self.org_key = org_key

    def insights(self) -> Insights:
        raw = self.conn.get(insights_key(self.org_key))
        try:
            if raw is None:
                from workers.insights import load  # noqa: PLC0415 - the workers' format

                return decode_insights(json.dumps(load(self.conn, self.org_key), default=str))
            return decode_insights(raw)
        except (ValueError, KeyError, TypeError) as exc:
            # a malformed record must not take the admin pages down; the log says why
            log.warning("ignoring malformed %s: %s", insights_key(self.org_key), exc)
            return Insights()
