"""A deterministic stand-in for plays + crm_mapping: per account, a readiness update, a
signal-log Task (create once), and for accounts with cases an expansion Opportunity (upsert)
with a contact role linked through the Opportunity's external id."""

from __future__ import annotations

from integration.contracts import AccountBundle, OrgData, RecordWrite


def plan_writes(bundle: AccountBundle, org_data: OrgData) -> list[RecordWrite]:
    account = bundle.account
    account_id = account["Id"]
    cases = bundle.children.get("case", [])
    readiness = "High" if len(cases) >= 2 else "Medium" if cases else "Low"
    potential = float(sum(r.get("TotalPrice") or 0
                          for r in bundle.children.get("opportunity_line_item", [])))
    writes = [
        RecordWrite("Account", "update",
                    {"Expansion_Readiness__c": readiness, "White_Space_Potential__c": potential},
                    record_id=account_id, current=account, ref=f"acct-{account_id}"),
        RecordWrite("Task", "create_once",
                    {"Subject": f"Signal log {len(cases)} cases", "WhatId": account_id,
                     "Status": "Completed", "Radar_Action__c": "signal_log"},
                    dedupe_field="Expansion_Key__c", dedupe_key=f"log-{account_id}"),
    ]
    if cases:
        key = f"exp-{account_id}"
        writes.append(RecordWrite(
            "Opportunity", "upsert",
            {"Name": f"Expansion {account['Name']}", "AccountId": account_id,
             "StageName": "Prospecting", "CloseDate": "2024-07-01",
             "Amount": 1000.0 * len(cases), "Expansion_Key__c": key},
            external_id_field="Expansion_Key__c", external_id=key, ref=key))
        contacts = bundle.children.get("contact", [])
        if contacts:
            writes.append(RecordWrite(
                "OpportunityContactRole", "create",
                {"Opportunity": {"Expansion_Key__c": key}, "ContactId": contacts[0]["Id"],
                 "Role": "Economic Buyer"}, ref=f"ocr-{account_id}"))
    return writes


def org_state(store) -> dict[str, object]:
    """What the write-back produced, independent of the ids the org assigned."""
    accounts = sorted((r["Id"], r["Expansion_Readiness__c"], r["White_Space_Potential__c"])
                      for r in store.query(
                          "SELECT Id, Expansion_Readiness__c, White_Space_Potential__c FROM Account"))
    tasks = sorted((r["Expansion_Key__c"], r["Subject"], r["WhatId"]) for r in store.query(
        "SELECT Expansion_Key__c, Subject, WhatId FROM Task WHERE Expansion_Key__c != null"))
    opps = sorted((r["Expansion_Key__c"], r["Amount"], r["AccountId"]) for r in store.query(
        "SELECT Expansion_Key__c, Amount, AccountId FROM Opportunity WHERE Expansion_Key__c != null"))
    roles = sorted((r["Opportunity"]["Expansion_Key__c"], r["ContactId"], r["Role"])
                   for r in store.query("SELECT Opportunity.Expansion_Key__c, ContactId, Role "
                                        "FROM OpportunityContactRole"))
    return {"accounts": accounts, "tasks": tasks, "opportunities": opps, "roles": roles}
