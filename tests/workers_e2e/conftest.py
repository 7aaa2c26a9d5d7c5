from __future__ import annotations

import pytest
import redis as redis_lib


@pytest.fixture
def clean_redis(redis_url):
    conn = redis_lib.Redis.from_url(redis_url)
    conn.flushdb()
    yield conn
    conn.flushdb()
    conn.close()
