"""Raw records as integration hands them over (REST JSON without "attributes")."""

from __future__ import annotations

from typing import Any

from emulator.ids import make_id
from integration.contracts import AccountBundle, OrgData

ACCOUNT = make_id("001", 1)
CONTACT = make_id("003", 1)
CONTACT_2 = make_id("003", 2)
OPP = make_id("006", 1)
PRODUCT = make_id("01t", 1)
PRODUCT_2 = make_id("01t", 2)
USER = make_id("005", 1)
CSM = make_id("005", 2)
TASK = make_id("00T", 1)


def account_record(**overrides: Any) -> dict[str, Any]:
    record = {
        "Id": ACCOUNT[:15], "Name": "Acme Corp", "Industry": "Technology",
        "NumberOfEmployees": 1200, "AnnualRevenue": 5e7, "Website": "https://acme.example",
        "OwnerId": USER, "CSM__c": CSM, "Tier__c": "T1", "Health_Score__c": 78.0,
        "ARR__c": 120000.0, "Renewal_Date__c": "2026-12-31", "NPS_Score__c": 9,
        "NPS_Comment__c": "Love it", "NPS_Date__c": "2026-09-01",
        "Next_QBR_Date__c": "2026-11-15", "Contracted_Departments__c": "Sales;Marketing",
        "White_Space__c": None, "White_Space_Potential__c": None,
        "Expansion_Readiness__c": None, "Last_Expansion_Scan__c": None,
        "Radar_Last_Written__c": None,
    }
    record.update(overrides)
    return record


def bundle(account: dict[str, Any] | None = None, **children: list[dict[str, Any]]) -> AccountBundle:
    default_children: dict[str, list[dict[str, Any]]] = {
        "contact": [
            {"Id": CONTACT, "AccountId": ACCOUNT, "FirstName": "Ada", "LastName": "Lovelace",
             "Title": "VP Engineering", "Department": "Engineering", "Email": "ada@acme.example",
             "CreatedDate": "2026-01-05T10:00:00.000+0000", "LastActivityDate": "2026-10-01",
             "EmailBouncedDate": None, "Left_Company__c": False,
             "LinkedIn_URL__c": "https://linkedin.com/in/ada", "MEDDICC_Role__c": "Champion",
             "Radar_Last_Written__c": None},
        ],
        "opportunity": [
            {"Id": OPP, "AccountId": ACCOUNT, "Name": "Acme renewal", "StageName": "Closed Won",
             "IsClosed": True, "IsWon": True, "Amount": "120,000", "CloseDate": "2026-01-31",
             "CreatedDate": "2025-12-01T00:00:00.000+0000", "Type": "New Customer",
             "LeadSource": "Web", "OwnerId": USER, "Expansion_Key__c": None},
        ],
        "opportunity_line_item": [
            {"Id": make_id("00k", 1), "Opportunity": {"AccountId": ACCOUNT},
             "OpportunityId": OPP, "Product2Id": PRODUCT, "Quantity": 50, "UnitPrice": 2400,
             "TotalPrice": 120000},
        ],
        "opportunity_contact_role": [
            {"Id": make_id("00K", 1), "Opportunity": {"AccountId": ACCOUNT},
             "OpportunityId": OPP, "ContactId": CONTACT, "Role": "Decision Maker",
             "IsPrimary": True},
        ],
        "opportunity_competitor": [
            {"Id": make_id("00J", 1), "Opportunity.AccountId": ACCOUNT, "OpportunityId": OPP,
             "CompetitorName": "Globex"},
        ],
        "case": [
            {"Id": make_id("500", 1), "AccountId": ACCOUNT, "Subject": "Need analytics",
             "Description": "Can we get the analytics add-on?", "Type": "Question",
             "Status": "New", "Priority": "Medium",
             "CreatedDate": "2026-10-02T09:00:00.000+0000", "ContactId": CONTACT,
             "Product__c": "Analytics", "IsClosed": False},
        ],
        "task": [
            {"Id": TASK, "AccountId": ACCOUNT, "Subject": "Follow up", "Type": "Call",
             "Status": "Not Started", "Priority": "High", "ActivityDate": "2026-10-10",
             "CreatedDate": "2026-10-01T00:00:00.000+0000", "WhoId": CONTACT,
             "WhatId": ACCOUNT, "OwnerId": CSM, "Description": "Talked about Globex",
             "Radar_Action__c": "follow_up", "Expansion_Signal_Type__c": "usage_spike",
             "Signal_Strength__c": "Strong", "Expansion_Key__c": "fu:x",
             "Qual_Pain__c": "slow reports", "Qual_Metrics__c": None, "Qual_Timeline__c": "Q1",
             "Qual_Decision_Maker__c": "Ada", "Qual_Budget__c": "50k"},
        ],
        "event": [
            {"Id": make_id("00U", 1), "AccountId": ACCOUNT, "Subject": "QBR", "Type": "Meeting",
             "ActivityDate": "2026-09-15", "CreatedDate": "2026-09-01T00:00:00.000+0000",
             "WhoId": None, "WhatId": ACCOUNT, "OwnerId": USER, "Description": None,
             "Expansion_Signal_Type__c": None},
        ],
        "product_usage": [
            {"Id": make_id("a00", 1), "Account__c": ACCOUNT, "Product__c": PRODUCT,
             "Period_Start__c": "2026-09-01", "Active_Users__c": "45",
             "Licensed_Units__c": "50", "Usage_Units__c": "n/a", "Feature__c": None},
            {"Id": make_id("a00", 2), "Account__c": ACCOUNT, "Product__c": PRODUCT,
             "Period_Start__c": "2099-01-01", "Active_Users__c": 1, "Licensed_Units__c": 50,
             "Usage_Units__c": 1, "Feature__c": None},
        ],
        "asset": [],
        "account_contact_relation": [
            {"Id": make_id("07k", 1), "AccountId": ACCOUNT, "ContactId": CONTACT,
             "Roles": "Economic Buyer;Influencer"},
        ],
        "account_history": [
            {"Id": make_id("017", 1), "AccountId": ACCOUNT, "Field": "NumberOfEmployees",
             "OldValue": 900, "NewValue": 1200, "CreatedDate": "2026-03-01T00:00:00.000+0000"},
            {"Id": make_id("017", 2), "AccountId": ACCOUNT, "Field": "created",
             "OldValue": None, "NewValue": None, "CreatedDate": "2025-01-01T00:00:00.000+0000"},
        ],
        "contact_history": [
            {"Id": make_id("017", 3), "Contact": {"AccountId": ACCOUNT}, "ContactId": CONTACT,
             "Field": "Title", "OldValue": "Director", "NewValue": "VP Engineering",
             "CreatedDate": "2026-06-01T00:00:00.000+0000"},
        ],
    }
    default_children.update(children)
    return AccountBundle(account=account if account is not None else account_record(),
                         children=default_children)


def org_data() -> OrgData:
    return OrgData(records={
        "product": [
            {"Id": PRODUCT, "Name": "Seats", "ProductCode": "SEAT", "Family": "Core",
             "IsActive": True, "Keywords__c": "seat, license"},
            {"Id": PRODUCT_2, "Name": "Analytics", "ProductCode": "ANL", "Family": "Add-on",
             "IsActive": True, "Keywords__c": "analytics; dashboards"},
        ],
        "pricebook_entry": [
            {"Id": make_id("01u", 1), "Product2Id": PRODUCT, "UnitPrice": 2400, "IsActive": True},
            {"Id": make_id("01u", 2), "Product2Id": PRODUCT_2, "UnitPrice": "1,000",
             "IsActive": True},
        ],
        "user": [{"Id": USER, "Name": "Alex AE", "Email": "alex@vendor.example", "Title": "AE",
                  "IsActive": True}],
        "organization": [{"Id": make_id("00D", 1), "TimeZoneSidKey": "Europe/London"}],
    })
