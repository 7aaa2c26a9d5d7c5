"""Fixtures for the web service tests: the real app on the test Redis."""

from __future__ import annotations

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.settings import Settings
from tests.webhooks.builders import OLD_SECRET, ORG_ID, SECRET, TOKEN


@pytest.fixture
def settings(redis_url: str) -> Settings:
    return Settings(
        redis_url=redis_url,
        webhook_secrets=(SECRET, OLD_SECRET),
        allowed_org_ids=(ORG_ID,),
        outbound_path_token=TOKEN,
    )


@pytest.fixture
def app(settings: Settings, redis_conn: redis.Redis) -> Flask:
    return create_app(
        settings,
        redis_client=redis_conn,
        test_config={"TESTING": True},
        salesforce_probe=lambda: True,
    )


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
