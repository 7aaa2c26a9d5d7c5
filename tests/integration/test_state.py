"""Run ledgers, checkpoints and watermarks in a real Redis."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from integration.budget import CallLedger
from integration.contracts import RecordWrite, parent_ref
from integration.state import Checkpoint, RunStore


def test_given_watermark_when_moved_back_then_stays_forward(redis_conn) -> None:
    store = RunStore(redis_conn, "acme")
    t0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert store.watermark("Case") is None
    assert store.advance_watermark("Case", t0) == t0
    assert store.advance_watermark("Case", t0 - timedelta(hours=1)) == t0
    assert store.watermark("Case") == t0
    assert redis_conn.exists("radar:acme:watermark:Case")


def test_given_checkpoint_with_pending_writes_when_reloaded_then_identical(redis_conn) -> None:
    store = RunStore(redis_conn, "acme")
    write = RecordWrite("OpportunityContactRole", "create",
                        {"OpportunityId": parent_ref("o1"), "CloseDate": date(2024, 6, 1)},
                        natural_key=("OpportunityId", "ContactId"), ref="r1")
    store.save_checkpoint(Checkpoint("run1", "full", "2024-05-01T00:00:00+00:00", "001X",
                                     [write], "budget"))
    loaded = store.load_checkpoint()
    assert loaded is not None and loaded.after_account_id == "001X"
    assert loaded.pending_writes[0].natural_key == ("OpportunityId", "ContactId")
    assert loaded.pending_writes[0].fields["CloseDate"] == "2024-06-01"
    store.clear_checkpoint()
    assert store.load_checkpoint() is None


def test_given_run_when_ledger_saved_then_status_reads_calls_by_kind(redis_conn) -> None:
    store = RunStore(redis_conn, "acme")
    store.start_run("r1", "full", datetime(2024, 5, 1, tzinfo=UTC))
    store.save_ledger("r1", CallLedger({"query_page": 7, "auth": 1}))
    store.finish_run("r1", "completed", datetime(2024, 5, 1, 0, 5, tzinfo=UTC),
                     extra={"accounts": 3})
    run = store.recent_runs()[0]
    assert run["status"] == "completed" and run["calls"]["query_page"] == 7
    assert run["accounts"] == "3"
    assert redis_conn.exists("radar:acme:runs:r1")
