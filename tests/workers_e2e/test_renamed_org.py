"""Acceptance (issue 4): an org whose fields carry other names and picklist values — tier on
Customer_Tier__c valued Strategic/Growth/Scale, health on CS_Health__c, and stage
"Qualification" for S2 — works end to end after only a mapping change (proved through a
full scan, and a handoff that writes the org's own stage name)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from simple_salesforce import format_soql

from emulator.generator import generate_into
from emulator.testing import running_emulator
from field_specs.sfdx import export_metadata
from tests.workers_e2e.harness import FIXED_NOW, RADAR, radar, radar_env, start_worker

TIERS = {"T1": "Strategic", "T2": "Growth", "T3": "Scale"}
NAMING = {"Account.Tier__c": "Customer_Tier__c", "Tier__c": TIERS,
          "Account.Health_Score__c": "CS_Health__c"}
ORG_MAPPING = """\
format: 1
fields:
  account.tier: {field: Customer_Tier__c, values: {T1: Strategic, T2: Growth, T3: Scale}}
  account.health_score: CS_Health__c
  opportunity.stage_name: {values: {S2: Qualification}}
"""
QUALIFICATION = {"Qual_Pain__c": "Manual renewals", "Qual_Metrics__c": "2 days saved",
                 "Qual_Timeline__c": "Q1", "Qual_Budget__c": "Approved"}


def _renamed_metadata(tmp: Path) -> Path:
    """Our exported metadata, with the org's own names for tier and health."""
    root = export_metadata(tmp / "metadata")
    fields = root / "objects" / "Account" / "fields"
    tier = (fields / "Tier__c.field-meta.xml").read_text()
    for logical, org_value in TIERS.items():
        tier = re.sub(rf"<fullName>{logical}</fullName>", f"<fullName>{org_value}</fullName>", tier)
        tier = re.sub(rf"<label>{logical}</label>", f"<label>{org_value}</label>", tier)
    tier = tier.replace("<fullName>Tier__c</fullName>", "<fullName>Customer_Tier__c</fullName>")
    (fields / "Customer_Tier__c.field-meta.xml").write_text(tier)
    (fields / "Tier__c.field-meta.xml").unlink()
    health = (fields / "Health_Score__c.field-meta.xml").read_text()
    (fields / "CS_Health__c.field-meta.xml").write_text(
        health.replace("<fullName>Health_Score__c</fullName>", "<fullName>CS_Health__c</fullName>"))
    (fields / "Health_Score__c.field-meta.xml").unlink()
    return root


def test_given_org_with_other_names_when_only_the_mapping_changes_then_full_scan_works(
        tmp_path, redis_conn, redis_url):
    with running_emulator(tmp_path / "org", metadata=_renamed_metadata(tmp_path)) as org:
        org.store.clock.set(FIXED_NOW)
        truth_path = tmp_path / "truth.jsonl"
        generate_into(org.store, accounts=150, seed=17, truth_path=truth_path,
                      now=org.store.clock.now(), naming=NAMING)
        import json

        truth = [json.loads(line) for line in truth_path.read_text().splitlines()[1:]]
        env = radar_env(org, redis_url)

        # the default mapping does not fit this org: preflight names the missing fields
        check = subprocess.run([*RADAR, "mapping", "check"], env=env, capture_output=True,
                               text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
        assert check.returncode == 1
        assert "Tier__c" in check.stdout + check.stderr
        assert "Health_Score__c" in check.stdout + check.stderr

        # the admin's only change: the org's mapping
        mapping_file = tmp_path / "org-mapping.yaml"
        mapping_file.write_text(ORG_MAPPING)
        radar(env, "mapping", "import", str(mapping_file), "--activate")
        radar(env, "mapping", "check")

        radar(env, "sync", "--full")
        worker = start_worker(env, "--burst")
        assert worker.wait(timeout=300) == 0, worker.stderr.read()[-3000:]
        readiness = {r["Id"]: r["Expansion_Readiness__c"]
                     for r in org.store.query("SELECT Id, Expansion_Readiness__c FROM Account")}
        assert {row["account_id"]: row["readiness"] for row in truth} == readiness
        rescue = {row["account_id"] for row in truth if row["play"] == "renewal_rescue"}
        rescued = {t["WhatId"] for t in org.store.query(
            "SELECT WhatId FROM Task WHERE Radar_Action__c = 'renewal_rescue'")}
        assert rescued == rescue  # health and tier were read from the org's own fields

        [follow_up] = org.store.query("SELECT Id, WhatId FROM Task WHERE Radar_Action__c = "
                                      "'follow_up' AND Priority = 'High' ORDER BY Id LIMIT 1")
        org.salesforce().Task.update(follow_up["Id"], QUALIFICATION)
        radar(env, "sync", "--account", follow_up["WhatId"])
        worker = start_worker(env, "--burst")
        assert worker.wait(timeout=300) == 0, worker.stderr.read()[-3000:]
        [opportunity] = org.store.query(format_soql(
            "SELECT StageName, LeadSource FROM Opportunity WHERE Expansion_Key__c = {}",
            f"opp:{follow_up['Id']}"))
        assert opportunity == {**opportunity, "StageName": "Qualification",
                               "LeadSource": "CS-driven Expansion"}
