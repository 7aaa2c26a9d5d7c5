"""The default org schema of DESIGN.md as a hand-built ReadSpec (crm_mapping builds the real
one from the active mapping)."""

from __future__ import annotations

from integration.contracts import ObjectRead, ReadSpec

ACCOUNT_FIELDS = ("Name", "Industry", "NumberOfEmployees", "AnnualRevenue", "OwnerId", "CSM__c",
                  "Tier__c", "Health_Score__c", "ARR__c", "Renewal_Date__c", "NPS_Score__c",
                  "NPS_Comment__c", "NPS_Date__c", "Next_QBR_Date__c",
                  "Contracted_Departments__c", "White_Space__c", "Expansion_Readiness__c",
                  "White_Space_Potential__c")


def default_spec() -> ReadSpec:
    """Accounts with contacts, opportunities (+ line items), cases, usage, tasks; catalog."""
    return ReadSpec((
        ObjectRead("account", "Account", ACCOUNT_FIELDS),
        ObjectRead("contact", "Contact",
                   ("FirstName", "LastName", "Title", "Department", "Email", "CreatedDate",
                    "LastActivityDate", "EmailBouncedDate", "Left_Company__c",
                    "LinkedIn_URL__c", "MEDDICC_Role__c"), account_path="AccountId"),
        ObjectRead("opportunity", "Opportunity",
                   ("Name", "StageName", "CloseDate", "Amount", "Type", "IsWon", "IsClosed",
                    "LeadSource", "Expansion_Key__c"), account_path="AccountId"),
        ObjectRead("opportunity_line_item", "OpportunityLineItem",
                   ("OpportunityId", "Product2Id", "Quantity", "UnitPrice", "TotalPrice",
                    "Opportunity.AccountId"), account_path="Opportunity.AccountId"),
        ObjectRead("case", "Case",
                   ("Subject", "Description", "Type", "Status", "Priority", "CreatedDate",
                    "ContactId", "Product__c"), account_path="AccountId"),
        ObjectRead("product_usage", "Product_Usage__c",
                   ("Product__c", "Period_Start__c", "Active_Users__c", "Licensed_Units__c",
                    "Usage_Units__c", "Feature__c"), account_path="Account__c"),
        ObjectRead("task", "Task",
                   ("Subject", "Type", "Status", "ActivityDate", "WhoId", "OwnerId",
                    "Radar_Action__c", "Expansion_Key__c"), account_path="AccountId"),
        ObjectRead("product", "Product2", ("Name", "ProductCode", "Family", "IsActive",
                                           "Keywords__c")),
    ))
