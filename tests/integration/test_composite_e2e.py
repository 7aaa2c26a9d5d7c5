"""Composite packing against the emulator: calls spent, and failures kept to their own
subrequest."""

from __future__ import annotations

import pytest

from integration.composite import composite_queries
from integration.contracts import RecordWrite
from integration.writer import RecordWriter
from tests.integration.conftest import make_gateway


def _accounts(store, n: int) -> list[str]:
    store.insert_many("Account", [{"Name": f"C{i:04d}"} for i in range(n)])
    return [r["Id"] for r in store.query("SELECT Id FROM Account ORDER BY Id")]


def test_given_1000_updates_when_applied_then_one_composite_call_of_five_collections(emu) -> None:
    ids = _accounts(emu.store, 1000)
    gateway = make_gateway(emu)
    writes = [RecordWrite("Account", "update", {"Expansion_Readiness__c": "High"}, record_id=i,
                          current={"Expansion_Readiness__c": None}) for i in ids]
    before = emu.stats()["api_used"]
    outcomes = RecordWriter(gateway).apply(writes)
    assert {o.status for o in outcomes} == {"updated"}
    assert emu.stats()["api_used"] - before == 1  # 5 x 200 records in one composite
    assert gateway.ledger.counts["collection_write"] == 1  # a composite carrying writes
    high = emu.store.query("SELECT COUNT() FROM Account WHERE Expansion_Readiness__c = 'High'")
    assert high[0]["expr0"] == 1000


def test_given_create_once_tasks_when_applied_then_lookups_and_creates_ride_in_composites(
        emu) -> None:
    ids = _accounts(emu.store, 10)
    gateway = make_gateway(emu)
    # 450 Tasks: three 200-key lookups in one composite, three collections in another.
    writes = [RecordWrite("Task", "create_once", {"Subject": f"Signal {n}", "WhatId": ids[n % 10],
                                                  "Status": "Completed"},
                          dedupe_field="Expansion_Key__c", dedupe_key=f"key-{n}")
              for n in range(450)]
    first = RecordWriter(gateway).apply(writes)
    assert {o.status for o in first} == {"created"}
    assert gateway.ledger.api_calls == 2
    again = RecordWriter(gateway).apply(writes)
    assert {o.status for o in again} == {"unchanged"}
    assert gateway.ledger.api_calls == 3  # the lookups only
    assert emu.store.query("SELECT COUNT() FROM Task")[0]["expr0"] == 450


def test_given_one_subrequest_failing_when_applied_then_the_others_results_are_kept(emu) -> None:
    ids = _accounts(emu.store, 3)
    gateway = make_gateway(emu)
    # Upserting on Name fails as a whole subrequest (Name is no external id); the account
    # updates travel in the same composite call and must land.
    writes = [RecordWrite("Account", "update", {"Expansion_Readiness__c": "Low"}, record_id=i,
                          current={"Expansion_Readiness__c": None}) for i in ids]
    writes += [RecordWrite("Opportunity", "upsert", {"StageName": "S2 - Qualification",
                                                     "CloseDate": "2030-01-01", "AccountId": ids[0]},
                           external_id_field="Name", external_id=f"Deal {n}") for n in range(2)]
    outcomes = RecordWriter(gateway).apply(writes)
    assert [o.status for o in outcomes] == ["updated"] * 3 + ["failed"] * 2
    assert {o.errors[0].status_code for o in outcomes[3:]} == {"INVALID_FIELD"}
    # the upsert's one lookup query, then one composite carrying both kinds of writes
    assert gateway.ledger.counts["query_page"] == 1
    assert gateway.ledger.counts["collection_write"] == 1
    assert all(emu.store.get_row("Account", i)["Expansion_Readiness__c"] == "Low" for i in ids)
    assert emu.store.query("SELECT COUNT() FROM Opportunity")[0]["expr0"] == 0


def test_given_a_bad_query_among_five_when_packed_then_the_others_answer_and_it_raises(emu) -> None:
    from integration.errors import SalesforceFailure

    _accounts(emu.store, 3)
    gateway = make_gateway(emu)
    good = composite_queries(gateway, ["SELECT Id FROM Account", "SELECT Id FROM Contact"])
    assert [len(rows) for rows in good] == [3, 0]
    with pytest.raises(SalesforceFailure) as info:
        composite_queries(gateway, ["SELECT Id FROM Account", "SELECT Nope__c FROM Account"])
    assert info.value.code == "INVALID_FIELD"


def test_given_six_query_subrequests_when_sent_then_the_emulator_refuses_as_salesforce(emu) -> None:
    sf = emu.salesforce()
    url = f"/services/data/v{emu.api_version}/query/?q=SELECT+Id+FROM+Account"
    five = [{"method": "GET", "url": url, "referenceId": f"q{i}"} for i in range(5)]
    ok = sf.restful("composite", method="POST", json={"compositeRequest": five})
    assert [r["httpStatusCode"] for r in ok["compositeResponse"]] == [200] * 5
    before = emu.stats()["api_used"]
    with pytest.raises(Exception) as info:
        sf.restful("composite", method="POST", json={"compositeRequest": [
            *five, {"method": "GET", "url": url, "referenceId": "q5"}]})
    assert "INVALID_API_INPUT" in str(info.value)
    # the five-query composite counted one call
    assert emu.stats()["by_kind"]["composite"] == 2 and emu.stats()["api_used"] == before + 1


def test_given_known_task_keys_when_create_once_then_only_unknown_parents_looked_up(emu) -> None:
    from integration.writer import KnownKeys

    ids = _accounts(emu.store, 2)
    done = emu.store.insert("Task", {"Subject": "Logged", "WhatId": ids[0],
                                     "Expansion_Key__c": "k1"})
    gateway = make_gateway(emu)

    def task(key: str, account: str) -> RecordWrite:
        return RecordWrite("Task", "create_once", {"Subject": key, "WhatId": account},
                           dedupe_field="Expansion_Key__c", dedupe_key=key)

    # Account 0's tasks were read in full (k1 exists); account 1's were not.
    known = KnownKeys("Task", "Expansion_Key__c", {"k1": done}, frozenset({ids[0][:15]}))
    outcomes = RecordWriter(gateway).apply([task("k1", ids[0]), task("k2", ids[0]),
                                            task("k3", ids[1])], known)
    assert [o.status for o in outcomes] == ["unchanged", "created", "created"]
    assert outcomes[0].record_id == done
    # one lookup (k3's key alone), one composite of writes
    assert gateway.ledger.counts["query_page"] == 1 and gateway.ledger.api_calls == 2
    assert emu.store.query("SELECT COUNT() FROM Task")[0]["expr0"] == 3
