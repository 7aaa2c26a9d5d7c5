"""``init_app`` for the webhooks: the per-app runtime and both blueprints."""

from __future__ import annotations

import time

import redis
from flask import Flask

from service.settings import Settings
from webhooks.events import bp as events_bp
from webhooks.outbound import bp as outbound_bp
from webhooks.runtime import (
    EVENT_REPLAY_TTL_SECONDS,
    OUTBOUND_DEDUPE_TTL_SECONDS,
    WebhookRuntime,
    normalised_orgs,
)
from webhooks.sink import DeliveryLedger, RecordEventSink


def init_app(app: Flask) -> None:
    """Build the webhook runtime from ``RADAR_SETTINGS``, ``radar.redis`` and
    ``radar.metrics``, and register both webhook blueprints."""
    settings: Settings = app.config["RADAR_SETTINGS"]
    connection: redis.Redis = app.extensions["radar.redis"]
    org = settings.org_key
    app.extensions["radar.webhooks"] = WebhookRuntime(
        settings=settings,
        connection=connection,
        sink=RecordEventSink(
            connection, bucket_seconds=int(app.config.get("RADAR_COALESCE_SECONDS", 5))
        ),
        outbound_ledger=DeliveryLedger(
            connection, f"radar:{org}:seen:outbound", OUTBOUND_DEDUPE_TTL_SECONDS
        ),
        event_ledger=DeliveryLedger(
            connection, f"radar:{org}:seen:event", EVENT_REPLAY_TTL_SECONDS
        ),
        metrics=app.extensions["radar.metrics"],
        clock=app.config.get("RADAR_CLOCK") or time.time,
        allowed_org_ids=normalised_orgs(settings.allowed_org_ids),
    )
    app.register_blueprint(outbound_bp)
    app.register_blueprint(events_bp)
