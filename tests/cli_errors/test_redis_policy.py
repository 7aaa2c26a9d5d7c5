"""Acceptance (issue 18): the test suite never flushes a Redis it did not start, unless
RADAR_TEST_REDIS_URL names one — and then only that database. A private redis-server
stands in for "a shared Redis holding keys the tests did not write"."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
import redis

from service.redis_server import BundledRedis
from tests.cli_errors.harness import ROOT, base_env

# A test that flushes its database around itself (through the redis_conn fixture).
FLUSHING_TEST = ("tests/crm_mapping/test_cli.py::"
                 "test_given_invalid_yaml_when_imported_then_exit_2_listing_problems")


@pytest.fixture
def shared_redis() -> Iterator[BundledRedis]:
    server = BundledRedis()
    try:
        yield server
    finally:
        server.stop()


def _db(server: BundledRedis, db: int) -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=server.port, db=db)


def _run_suite(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           FLUSHING_TEST], env=base_env(**env), cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_given_redis_url_with_foreign_keys_when_tests_run_then_keys_intact(
        shared_redis: BundledRedis) -> None:
    production = _db(shared_redis, 0)
    production.set("customer:42", "precious")
    production.rpush("rq:queue:scan", "a production job")
    result = _run_suite(REDIS_URL=f"redis://127.0.0.1:{shared_redis.port}/0")
    assert result.returncode == 0, result.stdout[-3000:]
    assert production.get("customer:42") == b"precious"
    assert production.lrange("rq:queue:scan", 0, -1) == [b"a production job"]


def test_given_radar_test_redis_url_when_tests_run_then_only_that_database_is_flushed(
        shared_redis: BundledRedis) -> None:
    production, scratch = _db(shared_redis, 0), _db(shared_redis, 1)
    production.set("customer:42", "precious")
    scratch.set("left-over", "from an earlier run")
    result = _run_suite(REDIS_URL=f"redis://127.0.0.1:{shared_redis.port}/0",
                        RADAR_TEST_REDIS_URL=f"redis://127.0.0.1:{shared_redis.port}/1")
    assert result.returncode == 0, result.stdout[-3000:]
    assert production.get("customer:42") == b"precious"
    assert scratch.get("left-over") is None  # the named database was the one used


def test_given_radar_test_redis_url_down_when_tests_run_then_they_stop_with_the_reason(
        ) -> None:
    from service.redis_server import free_port

    result = _run_suite(RADAR_TEST_REDIS_URL=f"redis://127.0.0.1:{free_port()}/1")
    assert result.returncode == 3
    assert "RADAR_TEST_REDIS_URL: no Redis answers at" in result.stdout + result.stderr
