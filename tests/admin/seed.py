"""Known insights and run records, written to Redis exactly as the workers write them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import redis

from detection.funnel import (
    AccountRecord,
    FollowUpRecord,
    FunnelMetrics,
    OpportunityRecord,
    SignalLogRecord,
    funnel_metrics,
)
from integration.budget import CallLedger
from integration.state import RunStore
from service.admin.sources import encode_insights, insights_key

ORG = "default"


def known_funnel() -> FunnelMetrics:
    """Two accounts, five signals over three months, one qualified follow-up and handoff."""
    accounts = [AccountRecord("001A", "T1", "005X", 120_000.0, 6, True),
                AccountRecord("001B", "T2", "005Y", 40_000.0, 2, False)]
    signals = [SignalLogRecord("001A", "usage_growth", date(2024, 1, 5)),
               SignalLogRecord("001A", "new_department", date(2024, 1, 20)),
               SignalLogRecord("001B", "support_case", date(2024, 2, 2)),
               SignalLogRecord("001A", "usage_growth", date(2024, 3, 1)),
               SignalLogRecord("001B", "nps_promoter", date(2024, 3, 15))]
    follow_ups = [FollowUpRecord("001A", date(2024, 1, 10), 5)]
    opps = [OpportunityRecord("006A", "001A", date(2024, 1, 15), 30_000.0, "CS-driven Expansion",
                              is_closed=True, is_won=True, close_date=date(2024, 2, 20)),
            OpportunityRecord("006B", "001B", date(2024, 2, 1), 90_000.0, "Web")]
    return funnel_metrics(accounts=accounts, signals=signals, follow_ups=follow_ups,
                          opportunities=opps, period_start=date(2024, 1, 1),
                          period_end=date(2024, 3, 31))


PORTFOLIO: list[dict[str, Any]] = [
    {"account_id": "001A", "name": "Acme <Holdings>", "tier": "T1", "readiness": "High",
     "action": "Schedule an expansion conversation", "pipeline_value": 48000.0,
     "at_risk": False},
    {"account_id": "001C", "name": "Globex", "tier": "T2", "readiness": "Medium",
     "action": "Put it on the QBR agenda", "pipeline_value": 12500.0, "at_risk": False},
    {"account_id": "001B", "name": "Initech", "tier": "T2", "readiness": "",
     "action": "Stabilise first (renewal rescue)", "pipeline_value": 0.0,
     "at_risk": ["health Red (38)", "health decline: down 14 points since the last scan"],
     "acv": 80000.0},
]
DIGEST: list[dict[str, str]] = [
    {"owner": "Dana CS", "account": "Acme <Holdings>", "strength": "Strong",
     "summary": "Usage up 40% in 60 days; Finance asked for seats"},
    {"owner": "Lee CS", "account": "Globex", "strength": "Moderate",
     "summary": "Promoter NPS 9 mentions reporting"},
    {"owner": "Dana CS", "account": "Initech", "strength": "Weak", "summary": "One new admin"},
]
SIGNALS: dict[str, dict[str, int]] = {"usage_growth": {"Strong": 2, "Moderate": 1},
                                      "new_department": {"Strong": 1},
                                      "support_case": {"Weak": 3, "Moderate": 1}}
WRITTEN = {"tasks": 17, "opportunities": 3, "account_updates": 42}
RUNS: list[dict[str, str]] = [
    {"id": "r2", "mode": "incremental", "status": "succeeded", "started_at": "2024-04-02T06:00:00",
     "finished_at": "2024-04-02T06:03:10", "accounts": "25",
     "calls": {"query_page": 40, "composite": 12}, "allowance": "1500", "error": ""},
    {"id": "r1", "mode": "full", "status": "failed", "started_at": "2024-04-01T06:00:00",
     "finished_at": "2024-04-01T06:20:00", "accounts": "120",
     "calls": {"query_page": 900, "bulk_job_step": 20}, "allowance": "800",
     "error": "Traceback ...\nRequestLimitExceeded: TotalRequests Limit exceeded"},
]


def seed_insights(conn: redis.Redis, org: str = ORG) -> FunnelMetrics:
    funnel = known_funnel()
    conn.set(insights_key(org), encode_insights(
        portfolio=PORTFOLIO, funnel=funnel, digest=DIGEST, signals=SIGNALS, written=WRITTEN,
        generated_at="2024-04-02T06:03:10+00:00"))
    return funnel


def seed_runs(conn: redis.Redis, org: str = ORG) -> None:
    """Record the runs through integration's RunStore, as the workers do."""
    store = RunStore(conn, org)
    for run in reversed(RUNS):
        store.start_run(run["id"], run["mode"], datetime.fromisoformat(run["started_at"]))
        store.save_ledger(run["id"], CallLedger(run["calls"]))
        store.finish_run(run["id"], run["status"], datetime.fromisoformat(run["finished_at"]),
                         run["error"])
        conn.hset(store.run_key(run["id"]),
                  mapping={"accounts": run["accounts"], "allowance": run["allowance"]})
