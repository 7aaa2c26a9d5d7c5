"""One definition of a run's API calls: the sync page and `radar status` print the same
number, logins (OAuth token requests) shown by kind but never added in."""

from __future__ import annotations

import re
from datetime import datetime

import redis
from click.testing import CliRunner

from integration.budget import CallLedger
from integration.state import RunStore
from service.admin.sources import RedisStatusSource
from tests.admin.conftest import log_in
from workers.cli import status


def test_given_a_run_with_logins_then_sync_page_and_radar_status_count_the_same_calls(
        redis_sources_app, redis_conn: redis.Redis, redis_url: str, monkeypatch) -> None:
    store = RunStore(redis_conn, "default")
    store.start_run("r9", "full", datetime(2026, 12, 1, 6, 0))
    store.save_ledger("r9", CallLedger({"auth": 4, "query_page": 80, "composite": 9}))
    store.finish_run("r9", "succeeded", datetime(2026, 12, 1, 6, 5), "")
    redis_conn.hset(store.run_key("r9"), mapping={"allowance": "1000"})
    client = redis_sources_app.test_client()
    log_in(client)
    page = client.get("/admin/sync").text
    cell = re.search(r'<tr id="run-r9">.*?<td class="num calls" data-value="(\d+)">', page, re.S)
    monkeypatch.setenv("REDIS_URL", redis_url)
    printed = CliRunner().invoke(status, [])

    assert cell and cell.group(1) == "89"
    assert RedisStatusSource(redis_conn).recent_runs()[0].logins == 4
    assert "auth 4" in page  # logins listed by kind
    assert printed.exit_code == 0, printed.output
    assert re.search(r"r9\s+full\s+succeeded.*API calls 89\b", printed.output)
