"""Fixtures: the real app on the test Redis, with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue

from service.app import create_app
from service.settings import Settings
from tests.webhooks.builders import NOW, OLD_SECRET, ORG_ID, SECRET, TOKEN


class Clock:
    """A settable clock (unix seconds) the app reads instead of time.time."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def settings(redis_url: str) -> Settings:
    return Settings(
        redis_url=redis_url,
        webhook_secrets=(SECRET, OLD_SECRET),
        allowed_org_ids=(ORG_ID[:15],),  # 15-character form on purpose
        outbound_path_token=TOKEN,
    )


@pytest.fixture
def app(settings: Settings, redis_conn: redis.Redis, clock: Clock) -> Iterator[Flask]:
    app = create_app(
        settings,
        redis_client=redis_conn,
        test_config={"TESTING": True, "RADAR_CLOCK": clock},
        salesforce_probe=lambda: True,
    )
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def events_queue(redis_conn: redis.Redis) -> Queue:
    return Queue("events", connection=redis_conn)
