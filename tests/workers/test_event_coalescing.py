"""Events about one account coalesce into one waiting scan, but a change that arrives while
that account's scan is already running gets a scan of its own after it."""

from __future__ import annotations

from rq import Queue

from workers.jobs import handle_record_event
from workers.queues import SCAN
from workers.runtime import reset_runtimes

ACCOUNT = "0015g0000000001AAA"


def _jobs(conn) -> list[str]:
    return Queue(SCAN, connection=conn).get_job_ids()


def test_given_burst_of_events_when_handled_then_one_waiting_scan(redis_conn, redis_url,
                                                                   monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    reset_runtimes()
    for _ in range(5):
        handle_record_event("default", "Account", ACCOUNT, account_id=ACCOUNT)
    assert len(_jobs(redis_conn)) == 1


def test_given_scan_already_running_when_event_arrives_then_a_second_scan_is_queued(
        redis_conn, redis_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    reset_runtimes()
    first = handle_record_event("default", "Account", ACCOUNT, account_id=ACCOUNT)["scan_job"]
    queue = Queue(SCAN, connection=redis_conn)
    running = queue.fetch_job(first)
    queue.remove(running)
    running.set_status("started")  # a worker picked it up and may have read the record
    second = handle_record_event("default", "Account", ACCOUNT, account_id=ACCOUNT)["scan_job"]
    third = handle_record_event("default", "Account", ACCOUNT, account_id=ACCOUNT)["scan_job"]
    assert second != first and third == second
    assert _jobs(redis_conn) == [second]
    reset_runtimes()


def test_given_no_portfolio_state_when_accounts_scanned_then_one_full_scan_is_queued(
        redis_conn, redis_url, monkeypatch):
    from workers.jobs import scan_accounts

    monkeypatch.setenv("REDIS_URL", redis_url)
    reset_runtimes()
    first = scan_accounts("default", [ACCOUNT])
    second = scan_accounts("default", [ACCOUNT])
    assert "deferred" in first and "deferred" in second
    assert _jobs(redis_conn) == ["radar-fullscan-default"]
    job = Queue(SCAN, connection=redis_conn).fetch_job("radar-fullscan-default")
    assert job.func_name == "workers.jobs.full_scan"
    reset_runtimes()
