"""Acceptance of issue 3 against the emulator: call counts, faults, budget checkpoints."""

from __future__ import annotations

import logging
from datetime import timedelta

from integration.bench import no_writes
from integration.read_plan import ReadOptions
from integration.state import RunStore
from integration.sync import SyncRun
from tests.integration.conftest import make_gateway
from tests.integration.org_data import seed_org
from tests.integration.planner import org_state, plan_writes
from tests.integration.specs import default_spec


def test_given_full_scan_when_run_then_reads_all_within_planned_minimum(seeded, redis_conn) -> None:
    emu, counts = seeded
    store = RunStore(redis_conn, "acme")
    report = SyncRun(make_gateway(emu), default_spec(), store, no_writes).run("full")
    assert report.status == "completed" and report.accounts == counts["account"]
    assert report.planned_minimum is not None
    assert report.api_calls <= 1.1 * report.planned_minimum
    run = store.recent_runs()[0]
    assert run["status"] == "completed" and run["calls"]["query_page"] > 0


def test_given_full_scan_with_writes_when_incremental_follows_then_one_call_per_object_no_writes(
        seeded, redis_conn) -> None:
    emu, _ = seeded
    store = RunStore(redis_conn, "acme")
    full = SyncRun(make_gateway(emu), default_spec(), store, plan_writes).run("full")
    assert full.status == "completed" and full.outcomes["created"] > 0
    incremental = SyncRun(make_gateway(emu), default_spec(), store, plan_writes).run()
    assert incremental.mode == "incremental" and incremental.status == "completed"
    assert incremental.api_calls <= len(default_spec().objects)
    assert incremental.accounts == 0 and sum(incremental.outcomes.values()) == 0


def test_given_changed_case_when_incremental_then_its_account_comes_back(seeded, redis_conn) -> None:
    emu, _ = seeded
    store = RunStore(redis_conn, "acme")
    SyncRun(make_gateway(emu), default_spec(), store, plan_writes).run("full")
    case = emu.store.query("SELECT Id, AccountId FROM Case WHERE AccountId != null LIMIT 1")[0]
    # A person's edit committed two seconds ago (the window ends at the org's current
    # second, so an edit within this very second belongs to the next window).
    stamp = (emu.org.clock.now() - timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    with emu.store.connection() as conn:
        conn.execute('UPDATE "Case" SET Subject = ?, SystemModstamp = ?, LastModifiedById = ? '
                     "WHERE Id = ?", ("Asked about Analytics", stamp, emu.store.admin_user_id,
                                      case["Id"]))
    seen: list[str] = []

    def planner(bundle, org_data):
        seen.append(bundle.account_id)
        return plan_writes(bundle, org_data)

    report = SyncRun(make_gateway(emu), default_spec(), store, planner).run()
    assert seen == [case["AccountId"]]
    assert report.outcomes and set(report.outcomes) == {"unchanged"}


def test_given_deleted_case_and_account_when_incremental_then_rescanned_and_reported(
        seeded, redis_conn) -> None:
    emu, _ = seeded
    store = RunStore(redis_conn, "acme")
    SyncRun(make_gateway(emu), default_spec(), store, plan_writes).run("full")
    case = emu.store.query("SELECT Id, AccountId FROM Case WHERE AccountId != null "
                           "ORDER BY Id LIMIT 1")[0]
    accounts = [r["Id"] for r in emu.store.query("SELECT Id FROM Account ORDER BY Id")]
    gone = next(a for a in reversed(accounts) if a != case["AccountId"])
    stamp = (emu.org.clock.now() - timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    deleted = (stamp, emu.store.admin_user_id)
    with emu.store.connection() as conn:  # a person deleted both, two seconds ago
        conn.execute('UPDATE "Case" SET IsDeleted = 1, SystemModstamp = ?, LastModifiedById = ? '
                     "WHERE Id = ?", (*deleted, case["Id"]))
        conn.execute('UPDATE "Account" SET IsDeleted = 1, SystemModstamp = ?, '
                     "LastModifiedById = ? WHERE Id = ?", (*deleted, gone))
    seen: list[str] = []

    def planner(bundle, org_data):
        seen.append(bundle.account_id)
        assert case["Id"] not in {c["Id"] for c in bundle.children.get("case", [])}
        return plan_writes(bundle, org_data)

    assert "case" in {o.logical for o in default_spec().objects}
    report = SyncRun(make_gateway(emu), default_spec(), store, planner).run()
    assert seen == [case["AccountId"]]
    assert report.deleted_accounts == [gone]
    assert report.status == "completed"


def test_given_faults_and_session_expiry_when_synced_then_same_state_as_without(
        tmp_path, redis_url) -> None:
    import redis

    from emulator.testing import running_emulator

    states = []
    for faults in (False, True):
        conn = redis.Redis.from_url(redis_url)
        conn.flushdb()
        with running_emulator(tmp_path / f"faults-{faults}") as emu:
            seed_org(emu.store, accounts=50)
            if faults:
                emu.set_faults(rate=0.10, expire_every=60, seed=11)
            store = RunStore(conn, "acme")
            # Small pages, a low bulk threshold and one flush per account: > 120 calls
            # through REST, Bulk API and collections, so sessions expire mid-run.
            options = ReadOptions(page_size=200, bulk_threshold=40)
            report = SyncRun(make_gateway(emu), default_spec(), store, plan_writes,
                             read_options=options, flush_writes=1).run("full")
            assert report.status == "completed" and not report.failures
            if faults:
                injected = emu.stats()["faults"]
                assert injected.get("unavailable", 0) >= 10 and injected.get("lock", 0) >= 3
                assert injected.get("expire", 0) >= 1
                assert report.calls["auth"] == 1 + injected["expire"]
                assert report.api_calls > 120, report.calls
            states.append(org_state(emu.store))
        conn.flushdb()
    assert states[0] == states[1]
    assert states[0]["opportunities"] and states[0]["roles"] and states[0]["tasks"]


def test_given_budget_runs_out_mid_run_when_resumed_then_finishes_without_rewrites(
        tmp_path, redis_url, caplog) -> None:
    import redis

    from emulator.testing import running_emulator

    conn = redis.Redis.from_url(redis_url)
    conn.flushdb()
    with running_emulator(tmp_path / "reference") as emu:
        seed_org(emu.store, accounts=30)
        reference = SyncRun(make_gateway(emu), default_spec(), RunStore(conn, "ref"),
                            plan_writes, flush_writes=20).run("full")
        expected_state = org_state(emu.store)
    needed = reference.api_calls
    with running_emulator(tmp_path / "limited") as emu:
        seed_org(emu.store, accounts=30)
        limit = int(needed * 1.5)
        emu.set_api_usage(used=0, maximum=limit)
        store = RunStore(conn, "acme")
        with caplog.at_level(logging.WARNING, logger="integration.sync"):
            first = SyncRun(make_gateway(emu, budget_percent=50), default_spec(), store,
                            plan_writes, flush_writes=20).run("full")
        assert first.status == "checkpointed"
        stop_lines = [r for r in caplog.records if "API budget reached" in r.getMessage()]
        assert len(stop_lines) == 1
        assert emu.stats()["api_used"] < limit and emu.stats()["refused"] == 0
        assert store.load_checkpoint() is not None
        second = SyncRun(make_gateway(emu, budget_percent=50), default_spec(), store,
                         plan_writes, flush_writes=20).run("full")
        assert second.status == "completed", second.message
        assert store.load_checkpoint() is None
        assert emu.stats()["refused"] == 0
        written = lambda r: r.outcomes["created"] + r.outcomes["updated"]  # noqa: E731
        assert written(first) + written(second) == written(reference)
        assert org_state(emu.store) == expected_state
    conn.flushdb()


def test_given_unmapped_field_when_synced_then_run_fails_fast_and_is_recorded(seeded, redis_conn) -> None:
    import pytest

    from integration.contracts import ObjectRead, ReadSpec
    from integration.errors import SalesforceFailure

    emu, _ = seeded
    spec = ReadSpec((ObjectRead("account", "Account", ("Name", "Not_There__c")),))
    store = RunStore(redis_conn, "acme")
    gateway = make_gateway(emu)
    with pytest.raises(SalesforceFailure) as info:
        SyncRun(gateway, spec, store, no_writes).run("full")
    assert info.value.code == "INVALID_FIELD"
    run = store.recent_runs()[0]
    assert run["status"] == "failed" and "mapping" in run["message"]
    # the COUNT() probe (one composite) passes; the query fails fast: no retries
    assert gateway.ledger.counts["composite"] == 1 and gateway.ledger.counts["query_page"] == 1
