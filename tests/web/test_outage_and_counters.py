"""Issue 18: /admin/* answer 503 with a page that says what is wrong when Redis is down;
every declared counter exists at 0 from start-up; workers count jobs by outcome."""

from __future__ import annotations

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue

from service.app import create_app
from service.metrics import JOBS, SIGNALS, MetricsRegistry
from service.settings import Settings
from workers.radar_worker import RadarWorker


def _dead() -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2,
                       retry=Retry(NoBackoff(), 0))


def test_given_redis_down_when_admin_pages_requested_then_503_page_naming_redis(
        settings: Settings) -> None:
    app = create_app(Settings(redis_url=settings.redis_url, admin_token="tok-123"),
                     redis_client=_dead(), salesforce_probe=lambda: True)
    client = app.test_client()
    for path in ("/admin/login", "/admin/sync", "/admin/"):
        response = client.get(path, follow_redirects=True)  # (logged out: to the login page)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "30"
        assert "Redis does not answer" in response.get_data(as_text=True)


def test_given_fresh_start_when_scraped_then_every_counter_is_there_at_zero(
        settings: Settings, redis_conn: redis.Redis) -> None:
    app = create_app(settings, redis_client=redis_conn, salesforce_probe=lambda: True)
    text = app.test_client().get("/metrics").get_data(as_text=True)
    for line in ('radar_salesforce_api_calls_total{kind="query_page",org="default"} 0',
                 'radar_jobs_total{queue="scan",outcome="failed"} 0',
                 'radar_signals_total{type="usage_spike",strength="Strong"} 0',
                 'radar_webhook_events_accepted_total{source="outbound"} 0',
                 "# TYPE radar_webhook_requests_rejected_total counter"):
        assert line in text, line


def test_given_counts_when_app_restarts_then_declaring_keeps_them(
        settings: Settings, redis_conn: redis.Redis) -> None:
    MetricsRegistry(redis_conn).inc(SIGNALS, 4, type="usage_spike", strength="Strong")
    create_app(settings, redis_client=redis_conn, salesforce_probe=lambda: True)
    assert MetricsRegistry(redis_conn).value(SIGNALS, type="usage_spike", strength="Strong") == 4


def test_given_jobs_run_by_worker_then_counted_by_outcome(redis_conn: redis.Redis) -> None:
    queue = Queue("scan", connection=redis_conn)
    queue.enqueue("os.getpid")
    queue.enqueue("service.settings.Settings.from_env", {"SALESFORCE_AUTH": "oauth"})
    RadarWorker([queue], connection=redis_conn).work(burst=True)
    registry = MetricsRegistry(redis_conn)
    assert registry.value(JOBS, queue="scan", outcome="finished") == 1
    assert registry.value(JOBS, queue="scan", outcome="failed") == 1  # configuration: no retry
