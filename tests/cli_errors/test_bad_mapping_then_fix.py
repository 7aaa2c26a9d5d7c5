"""Acceptance (issue 18): a mapping naming a field the org lacks fails each scan at once,
with nothing queued for retry; after the fix exactly one scan runs — not a backlog of
retries. `mapping import --activate` checks the org first (``--force`` skips, said aloud)."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
import yaml

from emulator.testing import running_emulator
from integration.state import RunStore
from service.metrics import API_CALLS, JOBS, MetricsRegistry
from tests.cli_errors.harness import base_env, run_radar
from tests.workers_e2e.harness import seed_org

pytestmark = pytest.mark.slow

BAD = {"fields": {"account.health_score": "CS_Health__c"}}  # not in the org


def _runs(conn: redis.Redis) -> list[dict]:
    return RunStore(conn, "default").recent_runs(50)


def test_given_bad_mapping_then_fix_when_syncing_then_one_scan_after_the_fix(
        tmp_path: Path, redis_url: str, redis_conn: redis.Redis) -> None:
    bad, good = tmp_path / "bad.yaml", tmp_path / "good.yaml"
    bad.write_text(yaml.safe_dump(BAD))
    good.write_text("{}\n")
    with running_emulator(tmp_path / "org") as org:
        seed_org(org, 40, seed=7, tmp=tmp_path)
        env = base_env(**org.env, REDIS_URL=redis_url)

        refused = run_radar(env, "mapping", "import", str(bad), "--activate")
        assert refused.code == 1, refused.stderr
        assert "Account.CS_Health__c" in refused.stderr
        assert "not activated: 1 preflight error(s)" in refused.stderr
        forced = run_radar(env, "mapping", "import", str(bad), "--activate", "--force")
        assert forced.code == 0, forced.stderr
        assert "activating without checking the org (--force)" in forced.stderr

        for _ in range(3):  # the operator (or cron) tries again and again
            failed = run_radar(env, "sync", "--full", "--inline", timeout=120)
            assert failed.code == 2, failed.stderr[-3000:]
            (line,) = failed.error_lines
            assert "the org does not match the active mapping" in line
            assert "CS_Health__c" in line and "not retried" in line
        assert redis_conn.zcard("rq:scheduled:scan") == 0  # no retries waiting

        fixed = run_radar(env, "mapping", "import", str(good), "--activate")
        assert fixed.code == 0, fixed.stderr
        before = {r["run_id"] for r in _runs(redis_conn)}
        idle = run_radar(env, "worker", "--burst")  # nothing left over to run
        assert idle.code == 0, idle.stderr[-2000:]
        assert {r["run_id"] for r in _runs(redis_conn)} == before

        scan = run_radar(env, "sync", "--full", "--inline", timeout=300)
        assert scan.code == 0, scan.stderr[-3000:]
        after = [r for r in _runs(redis_conn) if r["run_id"] not in before]
        assert [(r["mode"], r["status"]) for r in after] == [("full", "completed")]

        # the workers' counters: jobs by outcome, API calls by kind and org, signals found
        metrics = MetricsRegistry(redis_conn)
        assert metrics.value(JOBS, queue="scan", outcome="failed") == 3
        assert metrics.value(JOBS, queue="scan", outcome="retrying") == 0
        assert metrics.value(JOBS, queue="scan", outcome="finished") == 1
        assert metrics.value(API_CALLS, kind="query_page", org="default") > 0
        signals = redis_conn.hgetall("radar:metrics:radar_signals_total")
        assert sum(float(v) for v in signals.values()) > 0
