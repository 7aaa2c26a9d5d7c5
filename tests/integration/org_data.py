"""A small deterministic org for the integration tests, seeded straight into the emulator's
store (seeding costs no API calls, so the tests count only what the product spends)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from emulator.store import Store

PRODUCTS = ("Analytics", "Seats", "Storage", "API Access", "Support Plus")


def seed_org(store: Store, accounts: int = 24, seed: int = 7) -> dict[str, int]:
    """Accounts with contacts, opportunities + line items, cases, usage, tasks; a catalog.

    Returns the number of rows per logical object.
    """
    rng = random.Random(seed)
    products = [store.insert("Product2", {"Name": n, "ProductCode": f"P-{i}", "Family": "Core",
                                          "IsActive": True, "Keywords__c": n.lower()})
                for i, n in enumerate(PRODUCTS)]
    pricebook = store.query("SELECT Id FROM Pricebook2 WHERE IsStandard = true")
    pricebook_id = pricebook[0]["Id"] if pricebook else store.insert(
        "Pricebook2", {"Name": "Standard Price Book", "IsActive": True, "IsStandard": True})
    entries = [store.insert("PricebookEntry", {"Pricebook2Id": pricebook_id, "Product2Id": p,
                                               "UnitPrice": 100.0 * (i + 1), "IsActive": True})
               for i, p in enumerate(products)]
    counts = {"product": len(products), "account": 0, "contact": 0, "opportunity": 0,
              "opportunity_line_item": 0, "case": 0, "product_usage": 0, "task": 0}
    today = date(2024, 5, 15)
    account_rows: list[dict[str, Any]] = [
        {"Name": f"Account {i:03d}", "Industry": rng.choice(["Tech", "Retail", "Health"]),
         "NumberOfEmployees": rng.randint(10, 5000), "Tier__c": rng.choice(["T1", "T2", "T3"]),
         "Health_Score__c": rng.randint(40, 95), "ARR__c": rng.randint(10, 500) * 1000.0,
         "NPS_Score__c": rng.randint(0, 10), "Renewal_Date__c": str(today + timedelta(days=90))}
        for i in range(accounts)]
    store.insert_many("Account", account_rows)
    account_ids = [r["Id"] for r in store.query("SELECT Id FROM Account ORDER BY Id")]
    counts["account"] = len(account_ids)
    contacts, opps, cases, usage, tasks = [], [], [], [], []
    for account_id in account_ids:
        for j in range(rng.randint(0, 4)):
            contacts.append({"AccountId": account_id, "LastName": f"Person {j}",
                             "FirstName": "Pat", "Title": rng.choice(["VP Sales", "CTO", "Analyst"]),
                             "Department": rng.choice(["Sales", "IT", "Finance"]),
                             "Email": f"p{j}.{account_id}@example.com"})
        for k in range(rng.randint(0, 3)):
            opps.append({"AccountId": account_id, "Name": f"Deal {k}", "StageName": "Closed Won",
                         "CloseDate": str(today - timedelta(days=30 * k)), "Amount": 1000.0 * (k + 1)})
        for _ in range(rng.randint(0, 3)):
            cases.append({"AccountId": account_id, "Subject": "Need more storage",
                          "Status": "New", "Priority": "Medium"})
        for m in range(rng.randint(0, 4)):
            usage.append({"Account__c": account_id, "Product__c": rng.choice(products),
                          "Period_Start__c": str(date(2024, 1 + m, 1)), "Licensed_Units__c": 100,
                          "Usage_Units__c": rng.randint(10, 120), "Active_Users__c": rng.randint(1, 90)})
        for _ in range(rng.randint(0, 2)):
            tasks.append({"WhatId": account_id, "AccountId": account_id, "Subject": "Call",
                          "Status": "Completed", "ActivityDate": str(today)})
    cases.append({"Subject": "No account", "Status": "New", "Priority": "Low"})  # orphan case
    for sobject, rows, logical in (("Contact", contacts, "contact"), ("Opportunity", opps, "opportunity"),
                                   ("Case", cases, "case"), ("Product_Usage__c", usage, "product_usage"),
                                   ("Task", tasks, "task")):
        if rows:
            store.insert_many(sobject, rows)
        counts[logical] = len(rows)
    items = []
    for opp in store.query("SELECT Id FROM Opportunity ORDER BY Id"):
        for _ in range(rng.randint(0, 2)):
            index = rng.randrange(len(products))
            items.append({"OpportunityId": opp["Id"], "Product2Id": products[index],
                          "PricebookEntryId": entries[index], "Quantity": rng.randint(1, 20),
                          "UnitPrice": 100.0 * (index + 1)})
    if items:
        store.insert_many("OpportunityLineItem", items)
    counts["opportunity_line_item"] = len(items)
    counts["case"] -= 1  # the orphan belongs to no bundle
    return counts
