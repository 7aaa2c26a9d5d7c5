"""Prometheus metrics shared through Redis by every process."""

from __future__ import annotations

import time

import redis
from flask.testing import FlaskClient

from service.app import create_app
from service.metrics import SIGNALS, MetricSpec, MetricsRegistry
from tests.webhooks.builders import account_id, callout_body, signed


def _samples(text: str) -> dict[str, float]:
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }


def test_given_accepted_and_rejected_events_when_scraped_then_counted_by_reason(
    client: FlaskClient,
) -> None:
    ok = callout_body("evt-m1", account_id(1))
    signed_now = signed(ok, timestamp=int(time.time()))
    client.post("/webhooks/salesforce/events", data=ok, headers=signed_now)
    client.post("/webhooks/salesforce/events", data=ok, headers=signed_now)  # replay
    client.post("/webhooks/salesforce/events", data=ok, headers=signed(ok, "wrong", 1))

    response = client.get("/metrics")

    assert response.mimetype == "text/plain"
    samples = _samples(response.get_data(as_text=True))
    assert samples['radar_webhook_events_accepted_total{source="callout"}'] == 1
    assert samples['radar_jobs_enqueued_total{queue="events"}'] == 1
    assert (
        samples['radar_webhook_requests_rejected_total{endpoint="events",reason="replayed_event"}']
        == 1
    )
    assert (
        samples['radar_webhook_requests_rejected_total{endpoint="events",reason="stale_timestamp"}']
        == 1
    )
    assert samples['radar_queue_depth{queue="events"}'] == 1
    assert "# TYPE radar_queue_depth gauge" in response.get_data(as_text=True)


def test_given_two_processes_when_each_counts_then_one_scrape_shows_the_sum(
    settings, redis_conn: redis.Redis
) -> None:
    worker_a = MetricsRegistry(redis.Redis.from_url(settings.redis_url))
    worker_b = MetricsRegistry(redis.Redis.from_url(settings.redis_url))
    worker_a.inc(SIGNALS, type="usage_spike", strength="strong")
    worker_b.inc(SIGNALS, 2, type="usage_spike", strength="strong")
    custom = MetricSpec("radar_custom_total", 'help with "quotes"\nand lines', ("k",))
    worker_b.inc(custom, k='va"l\\ue')

    app = create_app(settings, redis_client=redis_conn, salesforce_probe=lambda: True)
    text = app.test_client().get("/metrics").get_data(as_text=True)

    assert 'radar_signals_total{type="usage_spike",strength="strong"} 3' in text
    assert 'radar_custom_total{k="va\\"l\\\\ue"} 1' in text
    assert '# HELP radar_custom_total help with "quotes" and lines' in text


def test_given_wrong_labels_when_counting_then_refused(redis_conn: redis.Redis) -> None:
    registry = MetricsRegistry(redis_conn)

    try:
        registry.inc(SIGNALS, type="x")
    except ValueError as exc:
        assert "takes labels" in str(exc)
    else:
        raise AssertionError("missing label accepted")
    assert registry.value(SIGNALS, type="x", strength="weak") == 0
