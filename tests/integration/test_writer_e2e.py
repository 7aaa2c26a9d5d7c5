"""Writes against the emulator: diff, guard, dedupe, upsert, child links, per-record errors."""

from __future__ import annotations

import json

from integration.contracts import RecordWrite
from integration.writer import RecordWriter, WriteOptions
from tests.integration.conftest import make_gateway


def _accounts(store, n: int) -> list[str]:
    store.insert_many("Account", [{"Name": f"W{i}"} for i in range(n)])
    return [r["Id"] for r in store.query("SELECT Id FROM Account ORDER BY Id")]


def _readiness(account_id: str, value: str, **kw) -> RecordWrite:
    return RecordWrite("Account", "update", {"Expansion_Readiness__c": value},
                       record_id=account_id, ref=account_id, **kw)


def test_given_updates_when_applied_twice_then_second_run_writes_nothing(emu) -> None:
    ids = _accounts(emu.store, 3)
    writes = [_readiness(i, "High") for i in ids]
    gateway = make_gateway(emu)
    first = RecordWriter(gateway).apply(writes)
    assert [o.status for o in first] == ["updated"] * 3
    before = gateway.ledger.counts["collection_write"]
    second = RecordWriter(gateway).apply(writes)
    assert [o.status for o in second] == ["unchanged"] * 3
    assert gateway.ledger.counts["collection_write"] == before
    assert emu.store.get_row("Account", ids[0])["Expansion_Readiness__c"] == "High"


def test_given_current_values_passed_when_equal_then_no_call_at_all(emu) -> None:
    ids = _accounts(emu.store, 1)
    gateway = make_gateway(emu)
    outcome = RecordWriter(gateway).apply(
        [_readiness(ids[0], "Low", current={"Expansion_Readiness__c": "Low"})])
    assert outcome[0].status == "unchanged" and gateway.ledger.api_calls == 0


def test_given_partial_current_values_when_updated_then_org_values_fetched(emu) -> None:
    ids = _accounts(emu.store, 1)
    emu.store.update("Account", ids[0], {"Tier__c": "T1"})
    gateway = make_gateway(emu)
    write = RecordWrite("Account", "update", {"Tier__c": "T1", "Expansion_Readiness__c": "Low"},
                        record_id=ids[0], current={"Expansion_Readiness__c": None})
    outcome = RecordWriter(gateway).apply([write])
    assert outcome[0].status == "updated" and gateway.ledger.counts["query_page"] == 1


def test_given_human_changed_field_when_updated_then_skipped_and_reported(emu) -> None:
    ids = _accounts(emu.store, 1)
    emu.store.update("Account", ids[0], {"Expansion_Readiness__c": "Low"})  # a person's edit
    outcome = RecordWriter(make_gateway(emu)).apply(
        [_readiness(ids[0], "High", guard={"Expansion_Readiness__c": "Medium"})])
    assert outcome[0].status == "skipped_human_edit"
    assert outcome[0].errors[0].fields == ("Expansion_Readiness__c",)
    assert emu.store.get_row("Account", ids[0])["Expansion_Readiness__c"] == "Low"


def test_given_human_edit_then_memo_keeps_what_was_really_written(emu) -> None:
    ids = _accounts(emu.store, 1)
    old_memo = '{"Expansion_Readiness__c": "Medium", "White_Space__c": "old map"}'
    emu.store.update("Account", ids[0], {"Expansion_Readiness__c": "Low",  # a person's edit
                                         "White_Space__c": "old map",
                                         "Radar_Last_Written__c": old_memo})
    guard = {"Expansion_Readiness__c": "Medium", "White_Space__c": "old map"}
    new_memo = '{"Expansion_Readiness__c": "High", "White_Space__c": "new map"}'
    write = RecordWrite("Account", "update",
                        {"Expansion_Readiness__c": "High", "White_Space__c": "new map",
                         "Radar_Last_Written__c": new_memo},
                        record_id=ids[0], guard=guard, memo_field="Radar_Last_Written__c")
    gateway = make_gateway(emu)
    outcome = RecordWriter(gateway).apply([write])
    assert outcome[0].status == "updated"
    row = emu.store.get_row("Account", ids[0])
    assert (row["Expansion_Readiness__c"], row["White_Space__c"]) == ("Low", "new map")
    assert json.loads(row["Radar_Last_Written__c"]) == {"Expansion_Readiness__c": "Medium",
                                                        "White_Space__c": "new map"}
    # the next run computes another value for the field the person owns: no memo-only write
    calls = gateway.ledger.counts["collection_write"]
    again = RecordWrite("Account", "update",
                        {"Expansion_Readiness__c": "High", "White_Space__c": "new map",
                         "Radar_Last_Written__c": new_memo},
                        record_id=ids[0], guard={"Expansion_Readiness__c": "Medium",
                                                 "White_Space__c": "new map"},
                        memo_field="Radar_Last_Written__c")
    assert RecordWriter(gateway).apply([again])[0].status == "skipped_human_edit"
    assert gateway.ledger.counts["collection_write"] == calls


def test_given_create_once_tasks_when_replayed_then_created_once(emu) -> None:
    ids = _accounts(emu.store, 2)
    writes = [RecordWrite("Task", "create_once", {"Subject": f"Signal {i}", "WhatId": a,
                                                  "Status": "Completed"},
                          dedupe_field="Expansion_Key__c", dedupe_key=f"sig-{i}")
              for i, a in enumerate(ids)]
    writes.append(writes[0])  # the same key twice in one plan
    gateway = make_gateway(emu)
    first = RecordWriter(gateway).apply(writes)
    assert [o.status for o in first] == ["created", "created", "unchanged"]
    assert first[2].record_id == first[0].record_id
    second = RecordWriter(gateway).apply(writes)
    assert {o.status for o in second} == {"unchanged"}
    assert emu.store.count("Task") == 2


def test_given_opportunity_upsert_with_contact_role_when_replayed_then_nothing_twice(emu) -> None:
    ids = _accounts(emu.store, 1)
    contact = emu.store.insert("Contact", {"LastName": "Buyer", "AccountId": ids[0]})
    writes = [
        RecordWrite("Opportunity", "upsert",
                    {"Name": "Expansion", "AccountId": ids[0], "StageName": "Prospecting",
                     "CloseDate": "2024-07-01", "Amount": 5000, "Expansion_Key__c": "exp-1"},
                    external_id_field="Expansion_Key__c", external_id="exp-1", ref="exp-1"),
        RecordWrite("OpportunityContactRole", "create",
                    {"Opportunity": {"Expansion_Key__c": "exp-1"}, "ContactId": contact,
                     "Role": "Economic Buyer"}, ref="ocr-1"),
    ]
    gateway = make_gateway(emu)
    first = RecordWriter(gateway).apply(writes)
    assert [o.status for o in first] == ["created", "created"]
    role = emu.store.get_row("OpportunityContactRole", first[1].record_id)
    assert role["OpportunityId"] == first[0].record_id
    assert first[1].write is writes[1]
    second = RecordWriter(gateway).apply(writes)
    assert [o.status for o in second] == ["unchanged", "unchanged"]
    assert emu.store.count("OpportunityContactRole") == 1
    changed = [RecordWrite("Opportunity", "upsert", {**writes[0].fields, "Amount": 7000},
                           external_id_field="Expansion_Key__c", external_id="exp-1")]
    assert RecordWriter(gateway).apply(changed)[0].status == "updated"
    assert emu.store.get_row("Opportunity", first[0].record_id)["Amount"] == 7000


def test_given_invalid_record_in_batch_when_written_then_only_it_fails(emu) -> None:
    ids = _accounts(emu.store, 3)
    writes = [_readiness(ids[0], "High"), _readiness(ids[1], "Not A Value"),
              _readiness(ids[2], "Low")]
    outcomes = RecordWriter(make_gateway(emu)).apply(writes)
    assert [o.status for o in outcomes] == ["updated", "failed", "updated"]
    error = outcomes[1].errors[0]
    assert error.status_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert outcomes[1].record_id == ids[1] and error.message


def test_given_lock_errors_when_written_then_only_locked_records_retried(emu) -> None:
    ids = _accounts(emu.store, 30)
    emu.set_faults(rate=0.5, seed=3)
    gateway = make_gateway(emu)
    outcomes = RecordWriter(gateway).apply([_readiness(i, "Medium") for i in ids])
    emu.set_faults(rate=0.0)
    assert {o.status for o in outcomes} == {"updated"}
    assert all(emu.store.get_row("Account", i)["Expansion_Readiness__c"] == "Medium" for i in ids)
    assert emu.stats()["faults"]


def test_given_many_records_when_above_bulk_threshold_then_one_ingest_job(emu) -> None:
    ids = _accounts(emu.store, 30)
    gateway = make_gateway(emu)
    writer = RecordWriter(gateway, WriteOptions(bulk_threshold=10))
    writes = [_readiness(i, "High") for i in ids[:-1]] + [_readiness(ids[-1], "Bogus")]
    outcomes = writer.apply(writes)
    assert [o.status for o in outcomes[:-1]] == ["updated"] * 29
    assert outcomes[-1].status == "failed"
    assert outcomes[-1].errors[0].status_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert gateway.ledger.counts["collection_write"] == 0
    assert gateway.ledger.counts["bulk_job_step"] >= 6
