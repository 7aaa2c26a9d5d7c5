"""Bulk API 2.0 through simple-salesforce's sf.bulk2."""

from __future__ import annotations

import csv
import io

from simple_salesforce import Salesforce

from emulator.ids import make_id
from emulator.testing import EmulatorHandle

WAIT = 0.05  # simple-salesforce sleeps this long before its first status poll


def test_given_accounts_when_bulk_queried_in_pages_then_all_rows_as_csv(emu: EmulatorHandle, sf: Salesforce) -> None:
    emu.store.insert_many("Account", ({"Id": make_id("001", i + 1), "Name": f"Bulk {i:04d}",
                                       "Tier__c": "T2"} for i in range(1200)))
    pages = list(sf.bulk2.Account.query("SELECT Id, Name, Tier__c FROM Account ORDER BY Name", max_records=500,
                                        wait=WAIT))
    assert len(pages) == 3
    rows = [row for page in pages for row in csv.DictReader(io.StringIO(page))]
    assert len(rows) == 1200 and rows[0] == {"Id": make_id("001", 1), "Name": "Bulk 0000", "Tier__c": "T2"}


def test_given_upsert_with_a_bad_row_when_bulk_loaded_then_failed_results_name_it(
        emu: EmulatorHandle, sf: Salesforce) -> None:
    records = [{"Name": "Good", "StageName": "S2 - Qualification", "CloseDate": "2024-07-01",
                "Expansion_Key__c": "k1"},
               {"Name": "x" * 200, "StageName": "S2 - Qualification", "CloseDate": "2024-07-01",
                "Expansion_Key__c": "k2"},
               {"Name": "Also good", "StageName": "Closed Won", "CloseDate": "2024-07-01", "Expansion_Key__c": "k3"}]
    results = sf.bulk2.Opportunity.upsert(records=records, external_id_field="Expansion_Key__c", wait=WAIT)
    assert results[0]["numberRecordsProcessed"] == 3 and results[0]["numberRecordsFailed"] == 1
    job_id = results[0]["job_id"]
    failed = list(csv.DictReader(io.StringIO(sf.bulk2.Opportunity.get_failed_records(job_id))))
    assert len(failed) == 1 and failed[0]["Expansion_Key__c"] == "k2"
    assert failed[0]["sf__Error"].startswith("STRING_TOO_LONG")
    succeeded = list(csv.DictReader(io.StringIO(sf.bulk2.Opportunity.get_successful_records(job_id))))
    assert [(r["Expansion_Key__c"], r["sf__Created"]) for r in succeeded] == [("k1", "true"), ("k3", "true")]
    again = sf.bulk2.Opportunity.upsert(records=[{**records[0], "Amount": "10"}],
                                        external_id_field="Expansion_Key__c", wait=WAIT)
    rows = list(csv.DictReader(io.StringIO(sf.bulk2.Opportunity.get_successful_records(again[0]["job_id"]))))
    assert rows[0]["sf__Created"] == "false" and emu.store.count("Opportunity") == 2
