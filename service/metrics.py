"""Prometheus metrics shared by every process through Redis, plus the ops endpoints.

gunicorn runs several worker processes and RQ workers run elsewhere, so in-process
counters (prometheus_client's default) would each see a fraction. Counters live in Redis
instead: one hash per metric (``radar:metrics:<name>``, field = rendered label set) and a
metadata hash (``radar:metrics:meta``) so the process that serves ``/metrics`` can render
metrics that only other processes declared.

Any process can count:

    registry = MetricsRegistry(redis_conn)
    registry.inc(SIGNALS, type="usage_spike", strength="strong")

Endpoints (blueprint ``ops``): ``/metrics`` (text format 0.0.4), ``/healthz`` (process up,
no I/O) and ``/readyz`` (Redis ping + the injected Salesforce probe).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import redis
from flask import Blueprint, Flask, Response, current_app, jsonify
from werkzeug.exceptions import ServiceUnavailable

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_PREFIX = "radar:metrics"


@dataclass(frozen=True)
class MetricSpec:
    """A metric's name, help text, kind (``counter`` | ``gauge``) and label names."""

    name: str
    help: str
    labels: tuple[str, ...] = ()
    kind: str = "counter"

    def __post_init__(self) -> None:
        if self.kind not in ("counter", "gauge"):
            raise ValueError(f"kind must be counter or gauge, got {self.kind!r}")


# Declared here so every area counts under the same names.
EVENTS_ACCEPTED = MetricSpec(
    "radar_webhook_events_accepted_total",
    "Record-change events accepted by the webhooks (including ones folded into a queued job).",
    ("source",),
)
EVENTS_DUPLICATE = MetricSpec(
    "radar_webhook_events_duplicate_total",
    "Outbound Message notifications already seen (acknowledged, nothing enqueued).",
    ("source",),
)
REQUESTS_REJECTED = MetricSpec(
    "radar_webhook_requests_rejected_total",
    "Webhook requests refused, by endpoint and reason.",
    ("endpoint", "reason"),
)
JOBS_ENQUEUED = MetricSpec(
    "radar_jobs_enqueued_total", "RQ jobs enqueued by the webhooks.", ("queue",)
)
JOBS_COALESCED = MetricSpec(
    "radar_jobs_coalesced_total",
    "Events folded into a job for the same record that was still queued.",
    ("queue",),
)
API_CALLS = MetricSpec(
    "radar_salesforce_api_calls_total", "Salesforce API calls spent by jobs, by kind and org.",
    ("kind", "org"),
)
SIGNALS = MetricSpec(
    "radar_signals_total",
    "Signals newly found on an account (not seen by its previous scan), by type and the "
    "account's strength.", ("type", "strength"),
)
JOBS = MetricSpec(
    "radar_jobs_total", "RQ jobs run by the workers, by queue and outcome "
    "(finished, retrying: failed with a retry scheduled, failed).", ("queue", "outcome"),
)
JOB_OUTCOMES = ("finished", "retrying", "failed")
SIGNAL_STRENGTHS = ("Strong", "Moderate", "Weak", "none")
QUEUE_DEPTH = MetricSpec("radar_queue_depth", "Jobs waiting in an RQ queue.", ("queue",), "gauge")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render_labels(spec: MetricSpec, labels: dict[str, str]) -> str:
    """``a="x",b="y"`` in the spec's label order.

    Raises:
        ValueError: labels differ from the spec's label names.
    """
    if set(labels) != set(spec.labels):
        raise ValueError(f"{spec.name} takes labels {spec.labels}, got {sorted(labels)}")
    return ",".join(f'{name}="{_escape(str(labels[name]))}"' for name in spec.labels)


def _text(value: bytes | str) -> str:
    # Works with clients made with or without decode_responses=True.
    return value.decode() if isinstance(value, bytes) else value


Sample = tuple[MetricSpec, dict[str, str], float]


class MetricsRegistry:
    """Counters and gauges in Redis, rendered in Prometheus text format."""

    def __init__(self, connection: redis.Redis, prefix: str = _PREFIX) -> None:
        self.connection = connection
        self.prefix = prefix
        self._collectors: list[Callable[[], Iterable[Sample]]] = []
        self._declared: set[str] = set()

    def _meta(self, spec: MetricSpec) -> str:
        return json.dumps({"help": spec.help, "kind": spec.kind, "labels": list(spec.labels)})

    def inc(self, spec: MetricSpec, amount: float = 1, **labels: str) -> None:
        """Add ``amount`` to a counter."""
        self.inc_many([(spec, amount, labels)])

    def inc_many(
        self,
        increments: Iterable[tuple[MetricSpec, float, dict[str, str]]],
        pipeline: redis.client.Pipeline | None = None,
    ) -> None:
        """Several increments in one round trip.

        Args:
            increments: (spec, amount, labels) triples; zero amounts are skipped.
            pipeline: add the commands to this pipeline and leave executing it to the
                caller (so they share its round trip); by default they run at once.
        """
        pipe = pipeline if pipeline is not None else self.connection.pipeline(transaction=False)
        count = 0
        for spec, amount, labels in increments:
            if amount == 0:
                continue
            # The metadata only needs writing once per process and metric.
            if spec.name not in self._declared:
                pipe.hsetnx(f"{self.prefix}:meta", spec.name, self._meta(spec))
                self._declared.add(spec.name)
            pipe.hincrbyfloat(f"{self.prefix}:{spec.name}", render_labels(spec, labels), amount)
            count += 1
        if count and pipeline is None:
            pipe.execute()

    def declare(self, spec: MetricSpec, label_sets: Iterable[dict[str, str]]) -> None:
        """Make a counter's series exist at 0 (existing values are kept), so a scrape right
        after start-up shows every series and rate() has a starting point."""
        pipe = self.connection.pipeline(transaction=False)
        pipe.hsetnx(f"{self.prefix}:meta", spec.name, self._meta(spec))
        for labels in label_sets:
            pipe.hincrbyfloat(f"{self.prefix}:{spec.name}", render_labels(spec, labels), 0)
        pipe.execute()
        self._declared.add(spec.name)

    def set_gauge(self, spec: MetricSpec, value: float, **labels: str) -> None:
        """Store the current value of a gauge shared between processes."""
        pipe = self.connection.pipeline(transaction=False)
        pipe.hsetnx(f"{self.prefix}:meta", spec.name, self._meta(spec))
        pipe.hset(f"{self.prefix}:{spec.name}", render_labels(spec, labels), value)
        pipe.execute()

    def add_collector(self, collector: Callable[[], Iterable[Sample]]) -> None:
        """Register a function computed at scrape time (e.g. queue depths)."""
        self._collectors.append(collector)

    def value(self, spec: MetricSpec, **labels: str) -> float:
        """Current value of one series (0 when never counted)."""
        raw = self.connection.hget(f"{self.prefix}:{spec.name}", render_labels(spec, labels))
        return float(raw) if raw is not None else 0.0

    def render(self) -> str:
        """All metrics in Prometheus text exposition format 0.0.4."""
        series: dict[str, tuple[dict[str, object], dict[str, float]]] = {}
        meta = {
            _text(k): _text(v) for k, v in self.connection.hgetall(f"{self.prefix}:meta").items()
        }
        names = sorted(meta)
        pipe = self.connection.pipeline(transaction=False)
        for name in names:
            pipe.hgetall(f"{self.prefix}:{name}")
        for name, values in zip(names, pipe.execute(), strict=True):
            series[name] = (
                json.loads(meta[name]),
                {_text(k): float(v) for k, v in values.items()},
            )
        for collector in self._collectors:
            try:
                samples = list(collector())
            except Exception:  # a broken collector must not hide the other metrics
                log.exception("metrics collector failed")
                continue
            for spec, labels, value in samples:
                info = {"help": spec.help, "kind": spec.kind, "labels": list(spec.labels)}
                series.setdefault(spec.name, (info, {}))[1][render_labels(spec, labels)] = value
        lines: list[str] = []
        for name in sorted(series):
            info, values = series[name]
            lines.append(f"# HELP {name} {str(info['help']).replace(chr(10), ' ')}")
            lines.append(f"# TYPE {name} {info['kind']}")
            for label_text in sorted(values):
                value = values[label_text]
                shown = int(value) if float(value).is_integer() else value
                lines.append(f"{name}{{{label_text}}} {shown}" if label_text else f"{name} {shown}")
        return "\n".join(lines) + "\n"


SalesforceProbe = Callable[[], object]

ops = Blueprint("ops", __name__)


@ops.get("/healthz")
def healthz() -> Response:
    """The process is up and serving requests; touches nothing else."""
    return jsonify(status="ok")


@ops.get("/readyz")
def readyz() -> Response:
    """Ready when Redis answers PING and the Salesforce probe succeeds."""
    checks: dict[str, dict[str, object]] = {}
    try:
        current_app.extensions["radar.redis"].ping()
        checks["redis"] = {"ok": True}
    except (redis.RedisError, OSError) as exc:
        checks["redis"] = {"ok": False, "error": type(exc).__name__}
    probe: SalesforceProbe = current_app.extensions["radar.salesforce_probe"]
    try:
        ok = bool(probe())
        checks["salesforce"] = {"ok": ok} if ok else {"ok": False, "error": "probe failed"}
    except Exception as exc:  # the probe is injected; any failure means "not ready"
        checks["salesforce"] = {"ok": False, "error": type(exc).__name__}
    failing = sorted(name for name, check in checks.items() if not check["ok"])
    if failing:
        error = ServiceUnavailable(f"not ready: {', '.join(failing)}")
        error.errors = {"checks": checks}  # type: ignore[attr-defined]
        raise error
    return jsonify(status="ready", checks=checks)


@ops.get("/metrics")
def metrics() -> Response:
    """Prometheus scrape endpoint."""
    registry: MetricsRegistry = current_app.extensions["radar.metrics"]
    return Response(registry.render(), content_type=CONTENT_TYPE)


def declare_counters(registry: MetricsRegistry, org_key: str) -> None:
    """Every counter with the label values known in advance, at 0."""
    from detection.findings import ALL_SIGNALS  # noqa: PLC0415
    from integration.budget import CALL_KINDS  # noqa: PLC0415
    from workers.queues import ALL_QUEUES  # noqa: PLC0415

    registry.declare(API_CALLS, ({"kind": k, "org": org_key} for k in CALL_KINDS))
    registry.declare(JOBS, ({"queue": q, "outcome": o} for q in ALL_QUEUES for o in JOB_OUTCOMES))
    registry.declare(SIGNALS, ({"type": t, "strength": s} for t in ALL_SIGNALS
                               for s in SIGNAL_STRENGTHS))
    for spec in (EVENTS_ACCEPTED, EVENTS_DUPLICATE):
        registry.declare(spec, [{"source": "outbound"}])
    for spec in (JOBS_ENQUEUED, JOBS_COALESCED):
        registry.declare(spec, ({"queue": q} for q in ALL_QUEUES))
    registry.declare(REQUESTS_REJECTED, ())  # labels known only when a request is refused


def init_app(app: Flask, org_key: str = "default") -> None:
    """Register the ops endpoints and the queue-depth gauge (needs ``radar.redis``); declare
    the counters at 0 when Redis answers (a scrape shows them from the start)."""
    connection: redis.Redis = app.extensions["radar.redis"]
    registry = MetricsRegistry(connection)
    try:
        declare_counters(registry, org_key)
    except (redis.RedisError, OSError) as exc:  # Redis down: the service still starts
        log.warning("metrics: counters not declared at start-up (%s)", exc)

    def queue_depths() -> Iterable[Sample]:
        from rq import Queue  # local: only needed at scrape time

        for queue in Queue.all(connection=connection):
            yield QUEUE_DEPTH, {"queue": queue.name}, float(queue.count)

    registry.add_collector(queue_depths)
    app.extensions["radar.metrics"] = registry
    app.register_blueprint(ops)
