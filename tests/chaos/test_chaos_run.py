"""The chaos run, small: 100 accounts through control and chaos (faults, a worker SIGKILLed
mid write-back, Redis restarted twice, webhooks delivered three times out of order)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.chaos import parse_args, run


@pytest.mark.slow
def test_given_faults_kill_redis_restarts_and_replayed_webhooks_when_run_then_same_state_as_control(
        tmp_path: Path) -> None:
    args = parse_args(["--accounts", "100", "--seed", "42", "--redis-downtime", "1",
                       "--expire-every", "40",
                       "--skip-without-persistence"])
    report = run(args, tmp_path)

    faults = {row["kind"].split(" (")[0]: row["injected"] for row in report["faults"]}
    assert faults["API 503 SERVER_UNAVAILABLE"] > 0
    assert faults["session expired every 40 calls"] > 0
    assert faults["worker + work-horse SIGKILLed mid write-back"] == 1
    assert faults["Redis restarted"] == 2
    relay = report["chaos"]["relay"]
    assert relay["follow_ups"] >= 1 and relay["sent"] == 3 * relay["captured"]
    assert relay["out_of_order"] > 0 and relay["unanswered"] == 0
    assert report["recovery"]["killed_chunk_finished_after_s"] is not None
    assert report["failed_jobs"] == [] and report["control_problems"] == []
    # The handoff happened in both orgs, once.
    assert report["control"]["state"]["opportunities"] == relay["follow_ups"]
    assert report["chaos"]["state"] == report["control"]["state"]
    for checkpoint in ("after_writeback", "final"):
        result = report[checkpoint]
        assert result["same_state"], result
        assert result["duplicates"] == 0 and result["lost_writes"] == 0
    assert report["ok"]
