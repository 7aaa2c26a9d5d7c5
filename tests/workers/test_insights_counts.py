"""Write outcomes reach the dashboard totals from every path: outcome objects (full scans,
event scans) and per-object counts (the incremental back-sync's SyncReport)."""

from integration.contracts import RecordWrite, WriteOutcome
from workers import insights


def test_given_outcomes_and_counts_when_recorded_then_totals_add_up(redis_conn):
    task = RecordWrite(sobject="Task", op="create_once", fields={})
    insights.record(redis_conn, "default", [], [WriteOutcome(task, "created")], "run1")
    insights.record(redis_conn, "default", [], None, "run2",
                    counts={"Task:created": 2, "Opportunity:created": 1, "Account:updated": 3})
    written = insights.rebuild(redis_conn, "default")["written"]
    assert written["tasks"] == 3
    assert written["opportunities"] == 1
    assert written["account_updates"] == 3


def test_given_accounts_deleted_in_salesforce_when_forgotten_then_dashboard_drops_them(
        redis_conn):
    redis_conn.hset("radar:default:accounts", mapping={"001A": "{}", "001B": "{}"})
    redis_conn.set("radar:default:insights", "{}")
    insights.forget(redis_conn, "default", ["001B"])
    assert redis_conn.hkeys("radar:default:accounts") == [b"001A"]
    assert redis_conn.get("radar:default:insights") is None  # rebuilt on the next read
    insights.forget(redis_conn, "default", [])  # nothing deleted: nothing to do
    assert redis_conn.hlen("radar:default:accounts") == 1
