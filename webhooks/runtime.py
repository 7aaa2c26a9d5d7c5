"""What the webhook blueprints share: settings, Redis-backed sink and ledgers, metrics, and
the request helpers that turn low-level failures into ``Rejection``s."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import redis
from flask import current_app, request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from integration.ids import to18
from service.metrics import REQUESTS_REJECTED, MetricsRegistry
from service.settings import Settings
from webhooks.errors import Rejection
from webhooks.sink import DeliveryLedger, RecordEventSink

log = logging.getLogger(__name__)

# Salesforce retries an Outbound Message for 24 hours (outbound messaging notifications
# doc); remembering ids twice as long covers a delivery that straddles the limit.
OUTBOUND_DEDUPE_TTL_SECONDS = 48 * 3600
# Callout replays outside the signature tolerance window fail verification anyway; the
# longer TTL also absorbs a sender that re-signs and retries the same event id for a day.
EVENT_REPLAY_TTL_SECONDS = 24 * 3600

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class WebhookRuntime:
    """Per-app state of the webhooks, built once by ``init_app``."""

    settings: Settings
    connection: redis.Redis
    sink: RecordEventSink
    outbound_ledger: DeliveryLedger
    event_ledger: DeliveryLedger
    metrics: MetricsRegistry
    clock: Callable[[], float]
    allowed_org_ids: frozenset[str]

    def count(self, increments: list[tuple[Any, float, dict[str, str]]]) -> None:
        """Count accepted work in one round trip; a failure here must not fail the request
        (the sender would retry an event that is already queued)."""
        try:
            pipe = self.connection.pipeline(transaction=False)
            self.metrics.inc_many(increments, pipeline=pipe)
            pipe.execute()
        except redis.RedisError:
            log.warning("could not update webhook metrics")

    def org_allowed(self, org_id: str) -> bool:
        """True when ``org_id`` (15 or 18 characters) is on RADAR_ALLOWED_ORG_IDS."""
        try:
            return to18(org_id) in self.allowed_org_ids
        except ValueError:
            return False


def normalised_orgs(org_ids: tuple[str, ...]) -> frozenset[str]:
    normalised = set()
    for org_id in org_ids:
        try:
            normalised.add(to18(org_id))
        except ValueError:
            log.warning(
                "ignoring malformed entry in RADAR_ALLOWED_ORG_IDS (length %d)", len(org_id)
            )
    return frozenset(normalised)


def runtime() -> WebhookRuntime:
    """The runtime of the current app."""
    return current_app.extensions["radar.webhooks"]


def read_body(limit_key: str | None = None) -> bytes:
    """The raw body, with the size limit reported as a counted rejection.

    Args:
        limit_key: an app config key holding this endpoint's limit in bytes, which then
            replaces ``MAX_CONTENT_LENGTH`` for the request.
    """
    if limit_key and current_app.config.get(limit_key):
        request.max_content_length = int(current_app.config[limit_key])
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge as exc:
        limit = request.max_content_length
        raise Rejection(413, "body_too_large", f"body larger than {limit} bytes") from exc
    except ClientDisconnected as exc:
        raise Rejection(400, "client_disconnected", "the body was not received in full") from exc


def counted(endpoint: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Count every ``Rejection`` a view raises under ``endpoint`` and its reason; turn a
    Redis outage into a 503 so the sender retries (nothing was acknowledged)."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return view(*args, **kwargs)
            except redis.RedisError as exc:
                log.error("webhook %s: Redis unavailable (%s)", endpoint, type(exc).__name__)
                raise Rejection(
                    503, "redis_unavailable", "event store unavailable; retry later"
                ) from exc
            except Rejection as rejection:
                _count_rejection(endpoint, rejection)
                raise

        return wrapper

    return decorate


def _count_rejection(endpoint: str, rejection: Rejection) -> None:
    try:
        runtime().metrics.inc(REQUESTS_REJECTED, endpoint=endpoint, reason=rejection.reason)
    except redis.RedisError:  # the rejection stands even when it cannot be counted
        log.warning("could not count a %s rejection", endpoint)


def envelope_errors(location: str, errors: dict[str, Any]) -> dict[str, Any]:
    """Errors keyed by where they were found, as flask-smorest does."""
    return {location: errors} if errors else {}
