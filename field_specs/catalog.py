"""Every logical field the product reads or writes, as data (DESIGN.md "Default org schema").

Look-ups: ``CATALOG`` (name -> LogicalField), ``fields_of(object)``, ``field(name)``.
Default API names are exactly DESIGN.md's, standard fields included (Account.Name,
Contact.Title, ...). Task custom fields are Activity fields in Salesforce, so the same API
names exist on Event (field_specs.sfdx writes them under ``objects/Activity``).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from field_specs import values as V
from field_specs.model import LogicalField

_ALL_PLAYS = ("play04", "play02", "renewal_rescue")
_USAGE = ("usage_spike", "capacity_limit", "new_use_case")
_FIELDS: list[LogicalField] = []


def _f(name: str, type_: str, direction: str, sobject: str, api: str | None, label: str,
       **kw: Any) -> None:
    _FIELDS.append(LogicalField(name=name, type=type_, direction=direction,  # type: ignore[arg-type]
                                sobject=sobject, api_name=api, label=label, **kw))


# --- Account -------------------------------------------------------------------------------
A = "Account"
_f("account.id", "id", "read", A, "Id", "Account ID", required_for=("signal_log",))
_f("account.name", "string", "read", A, "Name", "Account Name", length=255,
   required_for=("signal_log",))
_f("account.industry", "string", "read", A, "Industry", "Industry",
   help="Groups comparable customers for white-space estimates.", plays=("play02",))
_f("account.employees", "integer", "read", A, "NumberOfEmployees", "Employees",
   signals=("org_growth",))
_f("account.annual_revenue", "currency", "read", A, "AnnualRevenue", "Annual Revenue")
_f("account.website", "url", "read", A, "Website", "Website",
   help="Domain used to match a departed champion at another account.")
_f("account.owner_id", "reference", "read", A, "OwnerId", "Account Owner (AE)",
   reference_to="User", required_for=("signal_log",))
_f("account.csm_id", "reference", "read", A, "CSM__c", "Customer Success Manager",
   reference_to="User", relationship_name="CSM_Accounts", plays=("play04", "renewal_rescue"),
   help="The CS owner: gets follow-ups, rescue tasks and the weekly digest.")
_f("account.tier", "picklist", "read", A, "Tier__c", "Tier", values=V.TIER_VALUES,
   closed_values=True, required_for=("play02",), plays=_ALL_PLAYS,
   help="Customer tier. T1 accounts are eligible for the strategic white-space play (Play 02).")
_f("account.health_score", "number", "read", A, "Health_Score__c", "Health Score",
   precision=5, scale=1, plays=_ALL_PLAYS, signals=("health_decline",),
   help="0-100. Green >= 70, Yellow 60-69, Red < 60. Computed from usage when unmapped.")
_f("account.arr", "currency", "read", A, "ARR__c", "ARR", precision=18, scale=2,
   plays=("play02",), help="Current annual contract value (ACV).")
_f("account.renewal_date", "date", "read", A, "Renewal_Date__c", "Renewal Date",
   signals=("renewal_window",), help="Next renewal; within 180 days opens the renewal window.")
_f("account.nps_score", "number", "read", A, "NPS_Score__c", "NPS Score", precision=2, scale=0,
   signals=("nps_promoter",), help="Latest NPS answer, 0-10.")
_f("account.nps_comment", "text", "read", A, "NPS_Comment__c", "NPS Comment", length=32768,
   signals=("nps_promoter",), help="Verbatim comment of the latest NPS answer.")
_f("account.nps_date", "date", "read", A, "NPS_Date__c", "NPS Date", signals=("nps_promoter",))
_f("account.next_qbr_date", "date", "read", A, "Next_QBR_Date__c", "Next QBR Date",
   signals=("qbr_upcoming",), plays=("play02",), help="Next quarterly business review.")
_f("account.contracted_departments", "multipicklist", "read", A, "Contracted_Departments__c",
   "Contracted Departments", values=V.DEPARTMENT_VALUES, restricted=False,
   signals=("new_department",), help="Departments the current contract covers.")
_f("account.white_space", "text", "read_write", A, "White_Space__c", "White Space", length=131072,
   guarded=True, plays=("play02", "play04"),
   help="Written by Expansion Radar: catalog x current contract with $ potential.")
_f("account.white_space_json", "text", "read_write", A, "White_Space_Json__c",
   "White Space Data", length=131072, plays=("play02", "play04"),
   help="Written by Expansion Radar: the white-space map, signals and open follow-up as JSON "
   "for the Radar Account Panel (Lightning component). Not for editing.")
_f("account.white_space_potential", "currency", "read_write", A, "White_Space_Potential__c",
   "White Space Potential", precision=18, scale=2, guarded=True, plays=("play02", "play04"),
   help="Written by Expansion Radar: estimated ACV of products the account does not own.")
_f("account.expansion_readiness", "picklist", "read_write", A, "Expansion_Readiness__c",
   "Expansion Readiness", values=V.READINESS_VALUES, guarded=True, plays=_ALL_PLAYS,
   help="Written by Expansion Radar from signal strength, health and timing.")
_f("account.last_expansion_scan", "datetime", "read_write", A, "Last_Expansion_Scan__c",
   "Last Expansion Scan", guarded=True, help="When Expansion Radar last analysed the account.")
_f("account.radar_last_written", "text", "read_write", A, "Radar_Last_Written__c",
   "Radar Last Written", length=32768, plays=_ALL_PLAYS,
   help="JSON of field -> value Expansion Radar last wrote; it never overwrites a human edit.")

# --- Contact -------------------------------------------------------------------------------
C = "Contact"
_f("contact.id", "id", "read", C, "Id", "Contact ID")
_f("contact.account_id", "reference", "read", C, "AccountId", "Account ID", reference_to=A)
_f("contact.first_name", "string", "read", C, "FirstName", "First Name", length=40)
_f("contact.last_name", "string", "read", C, "LastName", "Last Name", length=80)
_f("contact.title", "string", "read", C, "Title", "Title", length=128,
   signals=("leadership_change", "champion_promoted"))
_f("contact.department", "string", "read", C, "Department", "Department", length=80,
   signals=("new_department",))
_f("contact.email", "email", "read", C, "Email", "Email", signals=("champion_departed",))
_f("contact.created_date", "datetime", "read", C, "CreatedDate", "Created Date",
   signals=("new_department", "leadership_change"))
_f("contact.last_activity_date", "date", "read", C, "LastActivityDate", "Last Activity",
   signals=("thin_threading",))
_f("contact.email_bounced_date", "datetime", "read", C, "EmailBouncedDate", "Email Bounced Date",
   signals=("champion_departed",))
_f("contact.left_company", "boolean", "read", C, "Left_Company__c", "Left Company",
   signals=("champion_departed",), help="Checked when the person no longer works there.")
_f("contact.linkedin_url", "url", "read", C, "LinkedIn_URL__c", "LinkedIn URL",
   signals=("champion_departed",), help="Profile URL: finds a departed champion elsewhere.")
_f("contact.meddicc_role", "picklist", "read_write", C, "MEDDICC_Role__c", "MEDDICC Role",
   values=V.MEDDICC_VALUES, guarded=True, plays=("play02", "play04", "handoff"),
   help="Stakeholder role; Expansion Radar fills it only when empty.")
_f("contact.radar_last_written", "text", "read_write", C, "Radar_Last_Written__c",
   "Radar Last Written", length=32768, plays=("play02", "play04"),
   help="JSON of field -> value Expansion Radar last wrote; it never overwrites a human edit.")

# --- Opportunity and children -------------------------------------------------------------
OPP = "Opportunity"
_f("opportunity.id", "id", "read", OPP, "Id", "Opportunity ID")
_f("opportunity.account_id", "reference", "read_write", OPP, "AccountId", "Account ID",
   reference_to=A, required_for=("handoff",))
_f("opportunity.name", "string", "read_write", OPP, "Name", "Opportunity Name", length=120,
   required_for=("handoff",))
_f("opportunity.stage_name", "picklist", "read_write", OPP, "StageName", "Stage",
   values=V.STAGE_VALUES, required_for=("handoff",),
   help="The handoff creates Opportunities at S2; Closed Won marks the current contract.")
_f("opportunity.is_closed", "boolean", "read", OPP, "IsClosed", "Closed")
_f("opportunity.is_won", "boolean", "read", OPP, "IsWon", "Won")
_f("opportunity.amount", "currency", "read_write", OPP, "Amount", "Amount", plays=("handoff",))
_f("opportunity.close_date", "date", "read_write", OPP, "CloseDate", "Close Date",
   required_for=("handoff",))
_f("opportunity.created_date", "datetime", "read", OPP, "CreatedDate", "Created Date")
_f("opportunity.type", "picklist", "read_write", OPP, "Type", "Type", values=V.OPP_TYPE_VALUES,
   plays=("handoff",))
_f("opportunity.lead_source", "picklist", "read_write", OPP, "LeadSource", "Lead Source",
   values=V.LEAD_SOURCE_VALUES, plays=("handoff",), help="CS-driven pipeline is counted on it.")
_f("opportunity.owner_id", "reference", "read_write", OPP, "OwnerId", "Owner", reference_to="User")
_f("opportunity.description", "text", "write", OPP, "Description", "Description", length=32000,
   plays=("handoff",), help="The CS -> AE handoff document.")
_f("opportunity.expansion_key", "string", "read_write", OPP, "Expansion_Key__c", "Expansion Key",
   length=255, external_id=True, unique=True, case_sensitive=True, required_for=("handoff",),
   help="Idempotency key of Opportunities Expansion Radar creates (External ID, unique).")
for _attr, _api, _label, _len in (
    ("metrics", "Metrics__c", "Metrics", 32768),
    ("economic_buyer", "Economic_Buyer__c", "Economic Buyer", 255),
    ("identified_pain", "Identified_Pain__c", "Identified Pain", 32768),
    ("champion", "Champion__c", "Champion", 255),
    ("decision_criteria", "Decision_Criteria__c", "Decision Criteria", 32768),
    ("decision_process", "Decision_Process__c", "Decision Process", 32768),
    ("competition", "Competition__c", "Competition", 32768),
):
    _f(f"opportunity.{_attr}", "string" if _len == 255 else "text", "write", OPP, _api, _label,
       length=_len, plays=("handoff",), help=f"MEDDICC: {_label.lower()}, prefilled at handoff.")

OLI = "OpportunityLineItem"
_f("opportunity_line_item.id", "id", "read", OLI, "Id", "Line Item ID")
_f("opportunity_line_item.account_id", "reference", "read", OLI, "Opportunity.AccountId",
   "Account ID (via Opportunity)", reference_to=A)
_f("opportunity_line_item.opportunity_id", "reference", "read", OLI, "OpportunityId",
   "Opportunity ID", reference_to=OPP)
_f("opportunity_line_item.product_id", "reference", "read", OLI, "Product2Id", "Product",
   reference_to="Product2", plays=("play02", "play04"))
_f("opportunity_line_item.quantity", "number", "read", OLI, "Quantity", "Quantity")
_f("opportunity_line_item.unit_price", "currency", "read", OLI, "UnitPrice", "Sales Price")
_f("opportunity_line_item.total_price", "currency", "read", OLI, "TotalPrice", "Total Price")

OCR = "OpportunityContactRole"
_f("opportunity_contact_role.id", "id", "read", OCR, "Id", "Contact Role ID")
_f("opportunity_contact_role.account_id", "reference", "read", OCR, "Opportunity.AccountId",
   "Account ID (via Opportunity)", reference_to=A)
_f("opportunity_contact_role.opportunity_id", "reference", "read_write", OCR, "OpportunityId",
   "Opportunity ID", reference_to=OPP, relationship_name="Opportunity", required_for=("handoff",))
_f("opportunity_contact_role.contact_id", "reference", "read_write", OCR, "ContactId", "Contact",
   reference_to=C, required_for=("handoff",))
_f("opportunity_contact_role.role", "picklist", "read_write", OCR, "Role", "Role",
   values=V.CONTACT_ROLE_VALUES, plays=("handoff",))
_f("opportunity_contact_role.is_primary", "boolean", "read_write", OCR, "IsPrimary", "Primary")
# Custom fields on OpportunityContactRole exist since Winter '20
# (https://releasenotes.docs.salesforce.com/en-us/winter20/release-notes/rn_sales_opportunity_contact_roles_customize.htm).
_f("opportunity_contact_role.expansion_key", "string", "read_write", OCR, "Expansion_Key__c",
   "Expansion Key", length=255, required_for=("handoff",),
   help="Dedupe key of contact roles Expansion Radar adds.")

OC = "OpportunityCompetitor"
_f("opportunity_competitor.id", "id", "read", OC, "Id", "Competitor ID")
_f("opportunity_competitor.account_id", "reference", "read", OC, "Opportunity.AccountId",
   "Account ID (via Opportunity)", reference_to=A)
_f("opportunity_competitor.opportunity_id", "reference", "read", OC, "OpportunityId",
   "Opportunity ID", reference_to=OPP)
_f("opportunity_competitor.competitor_name", "string", "read", OC, "CompetitorName",
   "Competitor Name", signals=("competitive_threat",))

# --- Case ----------------------------------------------------------------------------------
CS = "Case"
_SUPPORT = ("support_request_unpurchased", "competitive_threat")
_f("case.id", "id", "read", CS, "Id", "Case ID")
_f("case.account_id", "reference", "read", CS, "AccountId", "Account ID", reference_to=A)
_f("case.subject", "string", "read", CS, "Subject", "Subject", length=255, signals=_SUPPORT)
_f("case.description", "text", "read", CS, "Description", "Description", signals=_SUPPORT)
_f("case.type", "string", "read", CS, "Type", "Type")
_f("case.status", "string", "read", CS, "Status", "Status")
_f("case.priority", "string", "read", CS, "Priority", "Priority")
_f("case.created_date", "datetime", "read", CS, "CreatedDate", "Created Date", signals=_SUPPORT)
_f("case.contact_id", "reference", "read", CS, "ContactId", "Contact", reference_to=C)
_f("case.product_id", "reference", "read", CS, "Product__c", "Product", reference_to="Product2",
   relationship_name="Cases", signals=("support_request_unpurchased",),
   help="The product the case is about (a lookup, or a product name/code).")
_f("case.is_closed", "boolean", "read", CS, "IsClosed", "Closed")

# --- Task and Event (Activity) --------------------------------------------------------------
T = "Task"
_LOG = ("signal_log",)
_f("task.id", "id", "read", T, "Id", "Task ID")
_f("task.account_id", "reference", "read", T, "AccountId", "Account ID", reference_to=A)
_f("task.subject", "string", "read_write", T, "Subject", "Subject", length=255,
   required_for=_LOG)
_f("task.type", "string", "read_write", T, "Type", "Type")
_f("task.status", "picklist", "read_write", T, "Status", "Status", values=V.TASK_STATUS_VALUES,
   required_for=_LOG)
_f("task.priority", "picklist", "read_write", T, "Priority", "Priority",
   values=V.PRIORITY_VALUES, plays=("play04",))
_f("task.activity_date", "date", "read_write", T, "ActivityDate", "Due Date", required_for=_LOG)
_f("task.created_date", "datetime", "read", T, "CreatedDate", "Created Date")
_f("task.who_id", "reference", "read_write", T, "WhoId", "Name (Contact)", reference_to=C)
_f("task.what_id", "reference", "read_write", T, "WhatId", "Related To", reference_to=A,
   required_for=_LOG)
_f("task.owner_id", "reference", "read_write", T, "OwnerId", "Assigned To", reference_to="User")
_f("task.description", "text", "read_write", T, "Description", "Comments", length=32000,
   signals=("competitive_threat",))
_f("task.radar_action", "picklist", "read_write", T, "Radar_Action__c", "Radar Action",
   values=V.RADAR_ACTION_VALUES, required_for=_LOG,
   help="What the task is (set by Expansion Radar): signal_log, follow_up, qbr_prep, ...")
_f("task.expansion_signal_type", "picklist", "read_write", T, "Expansion_Signal_Type__c",
   "Expansion Signal Type", values=V.SIGNAL_TYPE_VALUES, required_for=_LOG,
   signals=("reference_offer", "qbr_mention", "direct_request", "business_event"),
   help="The signal a task logs; CS may record reference offers, QBR mentions, requests.")
_f("task.signal_strength", "picklist", "read_write", T, "Signal_Strength__c", "Signal Strength",
   values=V.STRENGTH_VALUES, plays=("play04",), help="Strong / Moderate / Weak (Play 04).")
_f("task.expansion_key", "string", "read_write", T, "Expansion_Key__c", "Expansion Key",
   length=255, required_for=_LOG,
   help="Dedupe key of tasks Expansion Radar writes (queried before each create).")
for _attr, _api, _label in (
    ("qual_pain", "Qual_Pain__c", "Pain"), ("qual_metrics", "Qual_Metrics__c", "Desired Metrics"),
    ("qual_timeline", "Qual_Timeline__c", "Timeline"),
    ("qual_decision_maker", "Qual_Decision_Maker__c", "Decision Maker"),
    ("qual_budget", "Qual_Budget__c", "Budget"),
):
    _f(f"task.{_attr}", "string", "read", T, _api, f"Qualification: {_label}", length=255,
       required_for=("handoff",),
       help="Filled by CS on the follow-up task; 4 of 5 filled starts the handoff to the AE.")
_f("task.handoff_confirmed", "boolean", "read", T, "Handoff_Confirmed__c", "Handoff Confirmed",
   help="Confirm-first orgs (RADAR_HANDOFF_MODE=confirm_first): CS ticks it on the follow-up "
        "after reading the handoff draft; only then is the opportunity created.")

E = "Event"
_f("event.id", "id", "read", E, "Id", "Event ID")
_f("event.account_id", "reference", "read", E, "AccountId", "Account ID", reference_to=A)
_f("event.subject", "string", "read_write", E, "Subject", "Subject", length=255)
_f("event.type", "string", "read", E, "Type", "Type")
_f("event.activity_date", "date", "read_write", E, "ActivityDate", "Date")
_f("event.created_date", "datetime", "read", E, "CreatedDate", "Created Date")
_f("event.who_id", "reference", "read", E, "WhoId", "Name (Contact)", reference_to=C)
_f("event.what_id", "reference", "read_write", E, "WhatId", "Related To", reference_to=A)
_f("event.owner_id", "reference", "read_write", E, "OwnerId", "Assigned To", reference_to="User")
_f("event.description", "text", "read_write", E, "Description", "Description", length=32000)
# Meetings the service books (the QBR, the CS+AE alignment): an Event needs its start and
# duration (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_event.htm).
_f("event.start_datetime", "datetime", "write", E, "StartDateTime", "Start")
_f("event.duration_minutes", "integer", "write", E, "DurationInMinutes", "Duration")
_f("event.radar_action", "picklist", "read_write", E, "Radar_Action__c", "Radar Action",
   values=V.RADAR_ACTION_VALUES, help="What the meeting is (set by Expansion Radar).")
_f("event.expansion_key", "string", "read_write", E, "Expansion_Key__c", "Expansion Key",
   length=255, help="Dedupe key of meetings Expansion Radar books (queried before each create).")
# Invitees of an Event (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_eventrelation.htm):
# the owner organises, each other attendee is one EventRelation row.
ER = "EventRelation"
_f("event_relation.event_id", "reference", "write", ER, "EventId", "Event", reference_to=E)
_f("event_relation.relation_id", "reference", "write", ER, "RelationId", "Attendee",
   reference_to="User")
_f("event.expansion_signal_type", "picklist", "read", E, "Expansion_Signal_Type__c",
   "Expansion Signal Type", values=V.SIGNAL_TYPE_VALUES)

# --- Product usage, assets, relations, history ---------------------------------------------
PU = "Product_Usage__c"
_f("product_usage.id", "id", "read", PU, "Id", "Product Usage ID")
_f("product_usage.account_id", "reference", "read", PU, "Account__c", "Account", reference_to=A,
   relationship_name="Product_Usages", signals=_USAGE)
_f("product_usage.product_id", "reference", "read", PU, "Product__c", "Product",
   reference_to="Product2", relationship_name="Product_Usages", signals=_USAGE)
_f("product_usage.period_start", "date", "read", PU, "Period_Start__c", "Period Start",
   signals=_USAGE, help="First day of the month the row covers.")
_f("product_usage.active_users", "number", "read", PU, "Active_Users__c", "Active Users",
   precision=18, scale=0, signals=("new_use_case",))
_f("product_usage.licensed_units", "number", "read", PU, "Licensed_Units__c", "Licensed Units",
   precision=18, scale=2, signals=("capacity_limit",))
_f("product_usage.usage_units", "number", "read", PU, "Usage_Units__c", "Usage Units",
   precision=18, scale=2, signals=_USAGE)
_f("product_usage.feature", "string", "read", PU, "Feature__c", "Feature", length=255,
   signals=_USAGE)

AS = "Asset"
_f("asset.id", "id", "read", AS, "Id", "Asset ID")
_f("asset.account_id", "reference", "read", AS, "AccountId", "Account ID", reference_to=A)
_f("asset.product_id", "reference", "read", AS, "Product2Id", "Product", reference_to="Product2")
_f("asset.quantity", "number", "read", AS, "Quantity", "Quantity")
_f("asset.status", "string", "read", AS, "Status", "Status")
_f("asset.usage_end_date", "date", "read", AS, "UsageEndDate", "Usage End Date")

ACR = "AccountContactRelation"
_f("account_contact_relation.id", "id", "read", ACR, "Id", "Relation ID")
_f("account_contact_relation.account_id", "reference", "read", ACR, "AccountId", "Account ID",
   reference_to=A)
_f("account_contact_relation.contact_id", "reference", "read", ACR, "ContactId", "Contact ID",
   reference_to=C)
_f("account_contact_relation.roles", "multipicklist", "read", ACR, "Roles", "Roles")

for _parent, _obj in (("account", "AccountHistory"), ("contact", "ContactHistory")):
    _h = f"{_parent}_history"
    _f(f"{_h}.id", "id", "read", _obj, "Id", "History ID")
    _f(f"{_h}.account_id", "reference", "read", _obj,
       "AccountId" if _parent == "account" else "Contact.AccountId", "Account ID", reference_to=A)
    if _parent == "contact":
        _f(f"{_h}.contact_id", "reference", "read", _obj, "ContactId", "Contact ID",
           reference_to=C)
    _f(f"{_h}.field", "string", "read", _obj, "Field", "Changed Field")
    _f(f"{_h}.old_value", "string", "read", _obj, "OldValue", "Old Value")
    _f(f"{_h}.new_value", "string", "read", _obj, "NewValue", "New Value")
    _f(f"{_h}.created_date", "datetime", "read", _obj, "CreatedDate", "Changed At")

# --- Portfolio-wide objects -----------------------------------------------------------------
P = "Product2"
_f("product.id", "id", "read", P, "Id", "Product ID", required_for=("play02",))
_f("product.name", "string", "read", P, "Name", "Product Name", required_for=("play02",))
_f("product.code", "string", "read", P, "ProductCode", "Product Code")
_f("product.family", "string", "read", P, "Family", "Product Family")
_f("product.is_active", "boolean", "read", P, "IsActive", "Active")
_f("product.keywords", "string", "read", P, "Keywords__c", "Keywords", length=255,
   signals=("support_request_unpurchased",),
   help="Comma-separated words that identify the product in case subjects and descriptions.")
PBE = "PricebookEntry"
_f("pricebook_entry.id", "id", "read", PBE, "Id", "Price Book Entry ID")
_f("pricebook_entry.product_id", "reference", "read", PBE, "Product2Id", "Product",
   reference_to=P)
_f("pricebook_entry.unit_price", "currency", "read", PBE, "UnitPrice", "List Price",
   plays=("play02",))
_f("pricebook_entry.is_active", "boolean", "read", PBE, "IsActive", "Active")
U = "User"
_f("user.id", "id", "read", U, "Id", "User ID")
_f("user.name", "string", "read", U, "Name", "Full Name")
_f("user.email", "email", "read", U, "Email", "Email")
_f("user.role", "string", "read", U, "Title", "Role (AE, CSM, ...)")
_f("user.is_active", "boolean", "read", U, "IsActive", "Active")
_f("user.manager_id", "reference", "read", U, "ManagerId", "Manager", reference_to="User",
   help="Who hears about a missed follow-up SLA (else RADAR_ESCALATION_USER_ID).")
ORG = "Organization"
_f("organization.id", "id", "read", ORG, "Id", "Organization ID")
_f("organization.time_zone", "string", "read", ORG, "TimeZoneSidKey", "Time Zone")
CV = "ContentVersion"
_f("content_version.title", "string", "write", CV, "Title", "Title", length=255)
_f("content_version.path_on_client", "string", "write", CV, "PathOnClient", "File Name",
   length=500)
_f("content_version.version_data", "text", "write", CV, "VersionData", "File Content")
_f("content_version.first_publish_location_id", "reference", "write", CV,
   "FirstPublishLocationId", "Linked Record", reference_to=A)

CATALOG: MappingProxyType[str, LogicalField] = MappingProxyType({f.name: f for f in _FIELDS})
if len(CATALOG) != len(_FIELDS):  # pragma: no cover - a typo in the table above
    raise RuntimeError("duplicate logical field name in the catalog")

# Default object API name per logical object.
DEFAULT_OBJECTS: MappingProxyType[str, str] = MappingProxyType(
    {f.object: f.sobject for f in _FIELDS})


def field(name: str) -> LogicalField:
    """The catalog entry for ``name``; KeyError naming it when unknown."""
    try:
        return CATALOG[name]
    except KeyError:
        raise KeyError(f"unknown logical field {name!r}") from None


def fields_of(logical_object: str) -> tuple[LogicalField, ...]:
    """Catalog entries of one logical object, in catalog order."""
    return tuple(f for f in _FIELDS if f.object == logical_object)


def all_fields() -> tuple[LogicalField, ...]:
    return tuple(_FIELDS)
