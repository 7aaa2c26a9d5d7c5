"""Our write-back's echo is recognised by when we wrote, not by who wrote last: edits by
another user, or by the integration user outside the service, between two of our writes
come back in the next incremental sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from integration.contracts import RecordWrite
from integration.own_writes import merge_spans
from integration.state import RunStore
from integration.sync import SyncRun
from integration.writer import RecordWriter
from tests.integration.conftest import make_gateway
from tests.integration.planner import plan_writes
from tests.integration.specs import default_spec


def _edit(emu, table: str, record_id: str, user_id: str, **fields) -> None:
    """An edit committed two seconds ago by ``user_id`` (not through the service)."""
    stamp = (emu.org.clock.now() - timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    sets = ", ".join(f"{name} = ?" for name in fields)
    with emu.store.connection() as conn:
        conn.execute(f'UPDATE "{table}" SET {sets}, SystemModstamp = ?, LastModifiedById = ? '  # noqa: S608
                     "WHERE Id = ?", (*fields.values(), stamp, user_id, record_id))


def test_given_outside_edits_between_our_writes_when_incremental_then_both_accounts_rescanned(
        seeded, redis_conn) -> None:
    emu, _ = seeded
    store = RunStore(redis_conn, "acme")
    full = SyncRun(make_gateway(emu), default_spec(), store, plan_writes).run("full")
    assert full.status == "completed" and full.outcomes["updated"] > 0
    accounts = [r["Id"] for r in emu.store.query("SELECT Id FROM Account ORDER BY Id")]
    contact = next(c for c in emu.store.query(
        "SELECT Id, AccountId FROM Contact WHERE AccountId != null ORDER BY Id")
        if c["AccountId"] != accounts[0])
    emu.advance_clock(seconds=60)
    # Another integration running as our own user edits an account ...
    _edit(emu, "Account", accounts[0], emu.store.integration_user_id, NPS_Score__c=10)
    # ... a person edits a contact of another account ...
    _edit(emu, "Contact", contact["Id"], emu.store.admin_user_id, Title="VP Operations")
    emu.advance_clock(seconds=30)
    # ... and the service writes again elsewhere (an event's write-back) before the sync.
    gateway = make_gateway(emu)
    writer = RecordWriter(gateway)
    outcome = writer.apply([RecordWrite("Account", "update", {"Expansion_Readiness__c": "None"},
                                        record_id=accounts[-1])])
    assert outcome[0].status == "updated"
    store.own_writes.add(gateway.write_spans)
    seen: list[str] = []

    def planner(bundle, org_data):
        seen.append(bundle.account_id)
        return plan_writes(bundle, org_data)

    report = SyncRun(make_gateway(emu), default_spec(), store, planner).run()
    assert report.status == "completed"
    # The last account was written by the service only: its echo is no news.
    assert sorted(seen) == sorted([accounts[0], contact["AccountId"]])


def test_given_no_change_after_our_writes_when_incremental_then_nothing_read_or_written(
        seeded, redis_conn) -> None:
    emu, _ = seeded
    store = RunStore(redis_conn, "acme")
    SyncRun(make_gateway(emu), default_spec(), store, plan_writes).run("full")
    report = SyncRun(make_gateway(emu), default_spec(), store, plan_writes).run()
    assert report.accounts == 0 and sum(report.outcomes.values()) == 0
    # the change probes of every object, five to a composite call
    assert report.calls.get("composite") == -(-len(default_spec().objects) // 5)


def test_given_many_spans_when_merged_then_near_ones_joined_and_count_capped() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    spans = [(t0 + timedelta(seconds=10 * i), t0 + timedelta(seconds=10 * i + 3))
             for i in range(50)] + [(t0, t0 + timedelta(seconds=4))]
    merged = merge_spans(spans, max_spans=10)
    assert len(merged) == 10
    assert merged[0][0] == t0 and merged[-1][1] == t0 + timedelta(seconds=493)
    assert all(a[1] < b[0] for a, b in zip(merged, merged[1:], strict=False))
    near = merge_spans([(t0, t0 + timedelta(seconds=1)),
                        (t0 + timedelta(seconds=2), t0 + timedelta(seconds=3))])
    assert near == [(t0, t0 + timedelta(seconds=3))]
