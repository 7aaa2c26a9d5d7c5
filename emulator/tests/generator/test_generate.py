"""The generated org: deterministic, shaped like Salesforce records, quiet where nothing was
planted, and carrying every planted signal and boundary case in its truth."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime

from emulator.generator import catalog
from emulator.generator.boundaries import SCENARIOS
from emulator.generator.draft import FIELDS, PREFIX
from emulator.generator.truth import EXPANSION_SIGNALS, OTHER_SIGNALS

from .conftest import NOW, ORG_ACCOUNTS, GeneratedOrg, generate_org

OUTCOME_KEYS = {"strength": "strength", "band": "health_band", "play": "play",
                "play02_eligible": "play02_eligible", "play04_eligible": "play04_eligible"}
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EXTRA_PREFIX = {"Organization": "00D", "User": "005", "Product2": "01t", "Pricebook2": "01s",
                "PricebookEntry": "01u"}


def test_given_same_seed_and_now_when_generated_twice_then_records_and_truth_identical() -> None:
    first, second = generate_org(60, seed=5), generate_org(60, seed=5)
    assert first.records == second.records
    assert first.truth_text == second.truth_text
    other = generate_org(60, seed=6)
    assert other.truth_text != first.truth_text


def test_given_different_hash_seeds_when_generated_in_fresh_processes_then_identical_output() -> None:
    script = ("import hashlib, io, sys; from datetime import datetime, UTC; from emulator.generator import generate; "
              "t = io.StringIO(); h = hashlib.sha256(); "
              "[h.update(repr(b).encode()) for b in generate(60, 11, datetime(2026, 3, 15, tzinfo=UTC), t)]; "
              "h.update(t.getvalue().encode()); print(h.hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(digests) == 1


def test_given_a_different_chunk_size_then_the_same_org(org: GeneratedOrg) -> None:
    small = generate_org(40, seed=20260315, chunk_size=7)
    big = generate_org(40, seed=20260315, chunk_size=500)
    assert small.truth_text == big.truth_text
    assert small.records == big.records


def test_given_the_truth_file_then_meta_first_and_one_line_per_account(org: GeneratedOrg) -> None:
    assert org.meta == {"seed": 20260315, "accounts": ORG_ACCOUNTS, "now": NOW.isoformat(), "rules_version": 1}
    truth = org.truth
    assert [t["account_id"] for t in truth] == [a["Id"] for a in org.records["Account"]]
    for line in truth[:50]:
        assert list(line) == ["account_id", "tier", "health_band", "signals", "strength", "play",
                              "play02_eligible", "play04_eligible", "readiness", "planted"]
        assert line["signals"] == sorted(set(line["signals"]))


def test_given_every_boundary_case_then_truth_shows_the_expected_outcome(org: GeneratedOrg) -> None:
    by_case = {t["planted"]["boundary"]: t for t in org.truth[: len(SCENARIOS)]}
    assert set(by_case) == {s.name for s in SCENARIOS}
    wrong = []
    for scenario in SCENARIOS:
        line = by_case[scenario.name]
        for key, expected in scenario.expect.items():
            got = line[OUTCOME_KEYS[key]] if key in OUTCOME_KEYS else key in line["signals"]
            if got != expected:
                wrong.append((scenario.name, key, expected, got))
    assert wrong == []


def test_given_boundary_pairs_then_both_sides_of_each_threshold_are_planted() -> None:
    expectations = Counter((signal, fires) for s in SCENARIOS for signal, fires in s.expect.items()
                           if signal in EXPANSION_SIGNALS + OTHER_SIGNALS)
    # The CS-recorded types share one rule: reference_offer carries its 30/31-day pair.
    assert [sig for sig in EXPANSION_SIGNALS + OTHER_SIGNALS if not expectations[(sig, True)]] == []
    assert [sig for sig in EXPANSION_SIGNALS + OTHER_SIGNALS
            if sig not in ("direct_request", "business_event") and not expectations[(sig, False)]] == []
    strengths = Counter(s.expect.get("strength") for s in SCENARIOS)
    plays = Counter(s.expect.get("play") for s in SCENARIOS)
    assert all(strengths[k] for k in ("None", "Weak", "Moderate", "Strong"))
    assert all(plays[k] for k in ("renewal_rescue", "play02", "play04", "none"))


def test_given_baseline_only_accounts_then_no_signal_fires(org: GeneratedOrg) -> None:
    quiet = [t for t in org.truth if t["planted"]["baseline_only"]]
    assert len(quiet) > 50
    assert [t["account_id"] for t in quiet if t["signals"] or t["strength"] != "None"] == []


def test_given_planted_signals_then_each_appears_in_the_truth(org: GeneratedOrg) -> None:
    missing = []
    for line in org.truth:
        for plant in line["planted"].get("plants", []):
            if plant["signal"] != "prior_signal" and "skipped" not in plant and plant["signal"] not in line["signals"]:
                missing.append((line["account_id"], plant))
    assert missing == []


def test_given_an_org_then_every_signal_type_and_routing_branch_occurs(org: GeneratedOrg) -> None:
    seen = Counter(s for t in org.truth for s in t["signals"])
    assert set(seen) == set(EXPANSION_SIGNALS + OTHER_SIGNALS)
    assert set(Counter(t["play"] for t in org.truth)) == {"renewal_rescue", "play02", "play04", "none"}
    tiers = Counter(t["tier"] for t in org.truth[len(SCENARIOS):])
    assert 0.03 < tiers["T1"] / sum(tiers.values()) < 0.2 and tiers["T3"] > tiers["T2"] > tiers["T1"]


def test_given_t1_accounts_whose_eligibility_hangs_on_potential_then_potential_has_a_wide_margin(
        org: GeneratedOrg) -> None:
    for line in org.truth:
        planted = line["planted"]
        if line["tier"] == "T1" and planted["health_score"] >= 60 and planted["potential_ratio"] is not None:
            # weighted at LOW (5%), capped at 1.0 x ACV: a narrow foothold reaches the cap
            assert planted["potential_ratio"] < 0.25 or planted["potential_ratio"] >= 1.0, line["account_id"]


def test_given_records_then_ids_prefixes_keys_and_encodings_are_salesforce_like(org: GeneratedOrg) -> None:
    ids: set[str] = set()
    for sobject, records in org.records.items():
        prefix = PREFIX.get(sobject) or EXTRA_PREFIX[sobject]
        keys = set(records[0])
        for record in records:
            assert set(record) == keys, sobject
            assert len(record["Id"]) == 18 and record["Id"].startswith(prefix) and record["Id"] not in ids
            ids.add(record["Id"])
            assert DATETIME.match(record["CreatedDate"]) and record["IsDeleted"] is False
            assert record["CreatedDate"] <= "2026-03-15T12:00:00.000+0000"
        if sobject in FIELDS:
            assert keys >= set(FIELDS[sobject]) | {"Id", "CreatedDate", "LastModifiedDate", "SystemModstamp"}
    for account in org.records["Account"]:
        assert account["Tier__c"] in ("T1", "T2", "T3") and 0 <= account["Health_Score__c"] <= 100
        assert DATE.match(account["Renewal_Date__c"]) and account["ARR__c"] > 0
        assert 50 <= account["NumberOfEmployees"] <= 50_000 and account["OwnerId"] and account["CSM__c"]


def test_given_records_then_every_reference_points_at_a_generated_parent(org: GeneratedOrg) -> None:
    ids = {r["Id"] for records in org.records.values() for r in records}
    references = ("AccountId", "ContactId", "OpportunityId", "Product2Id", "PricebookEntryId", "Pricebook2Id",
                  "WhoId", "WhatId", "OwnerId", "CSM__c", "Account__c", "Product__c")
    dangling = [(sobject, key, r[key]) for sobject, records in org.records.items() for r in records
                for key in references if r.get(key) and r[key] not in ids]
    assert dangling == []


def test_given_batches_then_parents_come_before_children_and_batches_stay_small(org: GeneratedOrg) -> None:
    order = [sobject for sobject, _ in org.batches]
    assert order[:5] == ["Organization", "User", "Product2", "Pricebook2", "PricebookEntry"]
    first_account = order.index("Account")
    assert order.index("Contact") > first_account and order.index("OpportunityLineItem") > order.index("Opportunity")
    assert max(size for sobject, size in org.batches if sobject == "Account") == 97


def test_given_the_catalog_then_twelve_active_products_and_an_inactive_one_with_price_entries(
        org: GeneratedOrg) -> None:
    products = org.records["Product2"]
    assert sum(p["IsActive"] for p in products) == 12 and len(products) == 13
    assert {p["Family"] for p in products} >= {"Seats", "Storage", "API", "Add-on Modules", "Services"}
    entries = {e["Product2Id"]: e["UnitPrice"] for e in org.records["PricebookEntry"]}
    assert all(entries[p["Id"]] > 0 for p in products) and all(p["Keywords__c"] for p in products)
    assert org.records["Pricebook2"][0]["Id"] == "01s5g0000000000AAA"
    users = Counter(u["Title"] for u in org.records["User"])
    assert users == {"Account Executive": 10, "Customer Success Manager": 10}


def test_given_a_departed_champion_with_an_arrival_then_the_next_account_has_the_matching_contact(
        org: GeneratedOrg) -> None:
    contacts = {c["Id"]: c for c in org.records["Contact"]}
    arrivals = [t["planted"]["champion_arrived"] for t in org.truth if "champion_arrived" in t["planted"]]
    assert {a["matched_on"] for a in arrivals} == {"email", "linkedin", "name"}
    for arrival in arrivals:
        old, new = contacts[arrival["from_contact"]], contacts[arrival["contact_id"]]
        assert old["MEDDICC_Role__c"] == "Champion" and (old["Left_Company__c"] or old["EmailBouncedDate"])
        assert old["AccountId"] != new["AccountId"]
        if arrival["matched_on"] == "email":
            assert new["Email"] == old["Email"]
        elif arrival["matched_on"] == "linkedin":
            norm = [re.sub(r"^(https?://)?(www\.)?", "", c["LinkedIn_URL__c"].lower()).rstrip("/") for c in (old, new)]
            assert norm[0] == norm[1] and new["FirstName"] != old["FirstName"]
        else:
            assert (new["FirstName"], new["LastName"]) == (old["FirstName"], old["LastName"])
            assert new["Email"].split("@")[1] != old["Email"].split("@")[1]
    departed_names = Counter((c["FirstName"], c["LastName"]) for c in contacts.values()
                             if c["FirstName"] in catalog.DEPARTED_FIRST and "-" in c["LastName"])
    assert max(departed_names.values()) <= 2  # only the champion and its planted arrival share a name


def test_given_usage_then_fifteen_complete_months_per_series_and_utilisation_of_quiet_accounts_below_70(
        org: GeneratedOrg) -> None:
    quiet = {t["account_id"] for t in org.truth if t["planted"]["baseline_only"]}
    per_series = Counter((u["Account__c"], u["Product__c"], u["Feature__c"]) for u in org.records["Product_Usage__c"]
                         if u["Account__c"] in quiet)
    assert set(per_series.values()) == {15}
    latest = max(u["Period_Start__c"] for u in org.records["Product_Usage__c"] if u["Account__c"] in quiet)
    assert latest == "2026-02-01"
    for row in org.records["Product_Usage__c"]:
        if row["Account__c"] in quiet and row["Licensed_Units__c"]:
            assert row["Usage_Units__c"] / row["Licensed_Units__c"] <= 0.7


def test_given_another_now_then_the_org_moves_with_it() -> None:
    later = generate_org(len(SCENARIOS), seed=3, now=datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC))
    wrong = [(s.name, k) for s, t in zip(SCENARIOS, later.truth, strict=True) for k, v in s.expect.items()
             if (t[OUTCOME_KEYS[k]] if k in OUTCOME_KEYS else k in t["signals"]) != v]
    assert wrong == []
