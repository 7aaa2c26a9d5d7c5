"""The chaos run's yardstick: org state read from a store, compared without ids of created
records, duplicates and lost writes counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.chaos_state import compare, duplicates_of, read_state
from emulator.org import EmulatorOptions, build_schema
from emulator.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    schema = build_schema(EmulatorOptions(state_dir=tmp_path))
    return Store(schema, tmp_path / "org.sqlite3")


def _seed(store: Store, *, padding_tasks: int = 0, status: str = "Not Started") -> str:
    account = store.insert("Account", {"Name": "Acme", "Expansion_Readiness__c": "High",
                                       "White_Space_Potential__c": 1200.0})
    contact = store.insert("Contact", {"LastName": "Ng", "AccountId": account,
                                       "MEDDICC_Role__c": "Champion"})
    for n in range(padding_tasks):  # shifts the ids the org gives the next Tasks
        store.insert("Task", {"Subject": f"call {n}", "WhatId": account})
    follow_up = store.insert("Task", {"Subject": "Follow up", "WhatId": account,
                                      "Radar_Action__c": "follow_up", "Status": status,
                                      "Expansion_Key__c": f"fu:{account}:abc"})
    opp = store.insert("Opportunity", {
        "Name": "Acme expansion", "AccountId": account, "StageName": "S2 - Qualification",
        "CloseDate": "2025-07-19", "Amount": 50000.0, "LeadSource": "CS-driven Expansion",
        "Expansion_Key__c": f"opp:{follow_up}"})
    store.insert("OpportunityContactRole", {
        "OpportunityId": opp, "ContactId": contact, "Role": "Decision Maker", "IsPrimary": True,
        "Expansion_Key__c": f"ocr:opp:{follow_up}:{contact}:Decision Maker"})
    return account


def test_given_same_writes_with_other_record_ids_when_compared_then_states_match(
        tmp_path: Path) -> None:
    first = Store(build_schema(EmulatorOptions(state_dir=tmp_path / "a")), tmp_path / "a.db")
    second = Store(build_schema(EmulatorOptions(state_dir=tmp_path / "b")), tmp_path / "b.db")
    _seed(first)
    _seed(second, padding_tasks=3)

    result = compare(read_state(first), read_state(second))

    assert result.same and result.summary() == {
        "lost_writes": 0, "unexpected_writes": 0, "duplicates": 0}
    opportunities = next(iter(read_state(second).accounts.values()))["opportunities"]
    assert {key for key, _, _ in opportunities} == {
        "opp:{fu:" + next(iter(read_state(second).accounts)) + ":abc}"}


def test_given_a_missing_completion_when_compared_then_counted_as_lost(store: Store,
                                                                      tmp_path: Path) -> None:
    other = Store(build_schema(EmulatorOptions(state_dir=tmp_path / "b")), tmp_path / "b.db")
    _seed(store, status="Completed")
    _seed(other)

    result = compare(read_state(store), read_state(other))

    assert not result.same
    assert len(result.lost) == 1 and "Completed" in result.lost[0]
    assert len(result.extra) == 1 and "Not Started" in result.extra[0]


def test_given_a_key_written_twice_when_checked_then_duplicate_reported(store: Store) -> None:
    account = _seed(store)
    store.insert("Task", {"Subject": "Follow up again", "WhatId": account,
                          "Radar_Action__c": "follow_up",
                          "Expansion_Key__c": f"fu:{account}:abc"})

    found = duplicates_of(read_state(store))

    assert found == [f"Task Expansion_Key__c 'fu:{account}:abc' x2"]
