"""The Redis-backed sources read exactly the keys the workers write (real Redis, real RQ)."""

from __future__ import annotations

import dataclasses
import json

import redis
from rq import Queue, SimpleWorker

from service.admin.sources import (
    RedisInsightsSource,
    RedisStatusSource,
    decode_funnel,
    encode_insights,
    insights_key,
)
from tests.admin.jobs import explode, succeed
from tests.admin.seed import SIGNALS, known_funnel, seed_insights, seed_runs
from workers.insights import portfolio_rows


def _fail_one(conn: redis.Redis, queue: str = "writeback") -> str:
    q = Queue(queue, connection=conn)
    job = q.enqueue(explode, "001A")
    q.enqueue(succeed)
    SimpleWorker([q], connection=conn).work(burst=True)
    return job.id


def test_given_run_records_when_read_then_newest_first_with_calls_and_allowance(
        redis_conn: redis.Redis) -> None:
    seed_runs(redis_conn)
    runs = RedisStatusSource(redis_conn, queue_names=("scan",)).recent_runs()
    assert [r.run_id for r in runs] == ["r2", "r1"]
    assert runs[0].calls == {"query_page": 40, "composite": 12} and runs[0].calls_total == 52
    assert runs[0].allowance == 1500 and runs[0].accounts == 25
    assert runs[1].budget_used == 920 / 800  # over budget shows as over 100%
    assert "RequestLimitExceeded" in runs[1].error


def test_given_run_id_without_hash_when_read_then_skipped(redis_conn: redis.Redis) -> None:
    seed_runs(redis_conn)
    redis_conn.zadd("radar:default:run_ids", {"gone": 4102444800})  # newest, hash missing
    runs = RedisStatusSource(redis_conn, queue_names=()).recent_runs()
    assert [r.run_id for r in runs] == ["r2", "r1"]


def test_given_failed_job_when_listed_and_retried_then_it_is_queued_again(
        redis_conn: redis.Redis) -> None:
    job_id = _fail_one(redis_conn)
    source = RedisStatusSource(redis_conn, queue_names=("events", "writeback", "scan"))
    depths = {d.name: d for d in source.queue_depths()}
    assert depths["writeback"].failed == 1 and depths["writeback"].queued == 0
    failed = source.failed_jobs()
    assert [(f.job_id, f.queue, f.function) for f in failed] == \
        [(job_id, "writeback", "tests.admin.jobs.explode")]
    assert "Salesforce said no for 001A" in failed[0].error_tail
    assert source.retry(job_id) is True
    depths = {d.name: d for d in source.queue_depths()}
    assert depths["writeback"].queued == 1 and depths["writeback"].failed == 0
    assert source.retry(job_id) is False  # no longer failed


def test_given_id_of_a_job_that_did_not_fail_when_retried_then_refused(
        redis_conn: redis.Redis) -> None:
    q = Queue("scan", connection=redis_conn)
    job = q.enqueue(succeed)
    assert RedisStatusSource(redis_conn, queue_names=("scan",)).retry(job.id) is False
    assert RedisStatusSource(redis_conn, queue_names=("scan",)).retry("no-such-job") is False


def test_given_insights_key_when_read_then_funnel_round_trips_exactly(
        redis_conn: redis.Redis) -> None:
    funnel = seed_insights(redis_conn)
    insights = RedisInsightsSource(redis_conn).insights()
    assert insights.funnel == funnel
    assert insights.signals == SIGNALS
    assert (insights.written.tasks, insights.written.opportunities) == (17, 3)
    assert [r.name for r in insights.at_risk] == ["Initech"]
    assert insights.at_risk[0].risk_reasons == (
        "health Red (38)", "health decline: down 14 points since the last scan")
    assert insights.at_risk[0].acv == 80000.0
    assert list(insights.digest_by_owner()) == ["Dana CS", "Lee CS"]


def test_given_funnel_written_by_a_newer_worker_when_decoded_then_extra_keys_ignored() -> None:
    data = json.loads(json.dumps(dataclasses.asdict(known_funnel()), default=str))
    data["overall"]["some_new_metric"] = 1
    data["brand_new"] = {}
    assert decode_funnel(data).overall == known_funnel().overall


def test_given_no_or_malformed_insights_when_read_then_empty(redis_conn: redis.Redis) -> None:
    source = RedisInsightsSource(redis_conn, "acme")
    assert source.insights().funnel is None
    redis_conn.set(insights_key("acme"), "{not json")
    assert source.insights().portfolio == ()
    redis_conn.set(insights_key("acme"), encode_insights(portfolio=[], funnel=None, digest=[],
                                                         signals={}, written={}))
    assert source.insights().written.tasks == 0


def test_given_portfolio_ranking_when_converted_then_rows_match_the_ranking() -> None:
    from detection.portfolio import AtRiskAccount, PortfolioEntry, PortfolioRanking

    entry = PortfolioEntry(1, "001A", "Acme", "T1", 100.0, "High", "Strong signals", None,
                           5000.0, 0.65, 3250.0, "Schedule an expansion conversation")
    risk = AtRiskAccount("001B", "Initech", "T2", 80.0, ("health Red (30)",))
    ranking = PortfolioRanking((entry,), (risk,), 5000.0, 3250.0,
                               {"High": 1, "Medium": 0, "Low": 0})
    rows = portfolio_rows(ranking)
    assert rows[0] == {"account_id": "001A", "name": "Acme", "tier": "T1", "acv": 100.0,
                       "readiness": "High", "readiness_reason": "Strong signals",
                       "action": "Schedule an expansion conversation", "pipeline_value": 5000.0,
                       "expected_value": 3250.0, "at_risk": False}
    assert rows[1]["at_risk"] == ["health Red (30)"]
    assert rows[1]["acv"] == 80.0 and rows[1]["action"] == "Stabilise first (renewal rescue)"
