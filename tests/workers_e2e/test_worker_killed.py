"""Acceptance (issue 6): SIGKILL of a worker in the middle of a write-back batch, then a new
worker, ends in the same org state as an uninterrupted run: nothing lost, nothing duplicated."""

from __future__ import annotations

import time
from collections import Counter

from emulator.testing import running_emulator
from tests.workers_e2e.harness import (
    kill_group,
    org_state,
    radar,
    radar_env,
    seed_org,
    start_worker,
)

ACCOUNTS, SEED = 400, 777


def _scan(org, redis_conn, redis_url) -> None:
    redis_conn.flushdb()
    env = radar_env(org, redis_url)
    radar(env, "sync", "--full")
    worker = start_worker(env, "--burst")
    assert worker.wait(timeout=300) == 0, worker.stderr.read()[-4000:]


def test_given_worker_killed_mid_write_back_when_new_worker_runs_then_same_state(
        tmp_path, redis_conn, redis_url):
    with running_emulator(tmp_path / "control") as control:
        seed_org(control, ACCOUNTS, SEED, tmp_path)
        _scan(control, redis_conn, redis_url)
        expected = org_state(control)

    with running_emulator(tmp_path / "chaos", latency_ms=150) as org:
        seed_org(org, ACCOUNTS, SEED, tmp_path)
        redis_conn.flushdb()
        env = radar_env(org, redis_url)
        radar(env, "sync", "--full")
        worker = start_worker(env)
        deadline = time.monotonic() + 300  # a chunk detects 1,000 accounts before it writes
        # writes travel as collection subrequests inside composite calls
        while org.stats()["subrequests"].get("collections:write", 0) < 1:
            assert worker.poll() is None, worker.stderr.read()[-4000:]
            assert time.monotonic() < deadline, "write-back never started"
            time.sleep(0.02)
        kill_group(worker)  # the worker and its work-horse, mid-batch
        interrupted = org_state(org)
        assert interrupted != expected, "the kill came too late to interrupt anything"

        replacement = start_worker(env, "--burst")
        assert replacement.wait(timeout=300) == 0, replacement.stderr.read()[-4000:]
        assert "recovered 1 job" in replacement.stderr.read()
        final = org_state(org)

    assert final["accounts"] == expected["accounts"]
    assert final["roles"] == expected["roles"]
    assert final["opportunities"] == expected["opportunities"]
    assert final["tasks"] == expected["tasks"]
    duplicates = [key for key, n in Counter(t[0] for t in final["tasks"]).items() if n > 1]
    assert duplicates == []
