"""The standard objects of the emulated org with their real key prefixes and the fields the
product uses, typed and sized as a real org's describe reports them.

Key prefixes: 001 Account, 003 Contact, 005 User, 006 Opportunity, 00D Organization,
00J OpportunityCompetitor, 00K OpportunityContactRole, 00k OpportunityLineItem, 00T Task,
00U Event, 01s Pricebook2, 01t Product2, 01u PricebookEntry, 02i Asset, 500 Case,
800 Contract (http://www.fishofprey.com/2011/09/obscure-salesforce-object-key-prefixes.html);
068 ContentVersion, 069 ContentDocument, 06A ContentDocumentLink, 07k
AccountContactRelation, 017 field history.
"""

from __future__ import annotations

from emulator.fielddefs import (
    add,
    link_child_relationships,
    new_object,
    picklist,
    readonly,
    ref,
    text,
    textarea,
    typed,
)
from emulator.schema import ObjectDef, Schema

INDUSTRIES = ("Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications",
              "Construction", "Consulting", "Education", "Electronics", "Energy", "Engineering",
              "Entertainment", "Environmental", "Finance", "Food & Beverage", "Government",
              "Healthcare", "Hospitality", "Insurance", "Machinery", "Manufacturing", "Media",
              "Not For Profit", "Recreation", "Retail", "Shipping", "Technology",
              "Telecommunications", "Transportation", "Utilities", "Other")
OPPORTUNITY_STAGES = ("Prospecting", "Qualification", "S2 - Qualification", "Needs Analysis",
                      "Value Proposition", "Id. Decision Makers", "Perception Analysis",
                      "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost")
TASK_STATUSES = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
PRIORITIES = ("High", "Normal", "Low")
CASE_STATUSES = ("New", "Working", "Escalated", "Closed")
CONTACT_ROLES = ("Business User", "Decision Maker", "Economic Buyer", "Economic Decision Maker",
                 "Evaluator", "Executive Sponsor", "Influencer", "Technical Buyer", "Other")
ACTIVITY_PARENTS = ("Account", "Opportunity", "Case", "Contract", "Asset", "Product2")
AUDIT_ONLY_ON_CHANGE = ("LastModifiedDate", "LastModifiedById", "SystemModstamp")

# Fields whose changes the store records in <Object>History (Field History Tracking).
TRACKED_FIELDS: dict[str, tuple[str, ...]] = {
    "Account": ("NumberOfEmployees", "Health_Score__c"),
    "Contact": ("Title",),
}

# Child relationship names as real describe reports them; "" means no relationship name.
CHILD_RELATIONSHIP_NAMES: dict[tuple[str, str], str] = {
    ("Contact", "AccountId"): "Contacts", ("Opportunity", "AccountId"): "Opportunities",
    ("Case", "AccountId"): "Cases", ("Case", "ContactId"): "Cases",
    ("Task", "WhatId"): "Tasks", ("Task", "WhoId"): "Tasks", ("Task", "AccountId"): "",
    ("Event", "WhatId"): "Events", ("Event", "WhoId"): "Events", ("Event", "AccountId"): "",
    ("Asset", "AccountId"): "Assets", ("Asset", "ContactId"): "Assets",
    ("Asset", "Product2Id"): "Assets", ("Contract", "AccountId"): "Contracts",
    ("Account", "ParentId"): "ChildAccounts",
    ("AccountContactRelation", "AccountId"): "AccountContactRelations",
    ("AccountContactRelation", "ContactId"): "AccountContactRelations",
    ("AccountHistory", "AccountId"): "Histories", ("ContactHistory", "ContactId"): "Histories",
    ("OpportunityLineItem", "OpportunityId"): "OpportunityLineItems",
    ("OpportunityLineItem", "Product2Id"): "", ("OpportunityLineItem", "PricebookEntryId"): "OpportunityLineItems",
    ("OpportunityContactRole", "OpportunityId"): "OpportunityContactRoles",
    ("OpportunityContactRole", "ContactId"): "OpportunityContactRoles",
    ("OpportunityCompetitor", "OpportunityId"): "OpportunityCompetitors",
    ("PricebookEntry", "Pricebook2Id"): "PricebookEntries",
    ("PricebookEntry", "Product2Id"): "PricebookEntries",
    ("Opportunity", "Pricebook2Id"): "Opportunities", ("Opportunity", "ContractId"): "",
    ("Contact", "ReportsToId"): "", ("User", "ManagerId"): "ManagedUsers",
    ("ContentVersion", "ContentDocumentId"): "ContentVersions",
    ("ContentVersion", "FirstPublishLocationId"): "",
    ("ContentDocument", "LatestPublishedVersionId"): "",
    ("ContentDocumentLink", "ContentDocumentId"): "ContentDocumentLinks",
    ("ContentDocumentLink", "LinkedEntityId"): "ContentDocumentLinks",
}


def _address(prefix: str) -> list:
    return [text(f"{prefix}Street", 255), text(f"{prefix}City", 40), text(f"{prefix}State", 80),
            text(f"{prefix}PostalCode", 20), text(f"{prefix}Country", 80)]


def _organization() -> ObjectDef:
    obj = new_object("Organization", "00D", owner=False, name_field=readonly("Name", "string", length=80))
    return add(obj, readonly("TimeZoneSidKey", "picklist"), readonly("OrganizationType", "picklist"),
               readonly("InstanceName", "string", length=5), readonly("IsSandbox", "boolean"),
               readonly("DefaultLocaleSidKey", "picklist"), readonly("LanguageLocaleKey", "picklist"),
               # Every Salesforce CLI command reads these (sfdx-core org.ts OrganizationInformation).
               readonly("TrialExpirationDate", "datetime"), readonly("NamespacePrefix", "string", length=15),
               readonly("PrimaryContact", "string"), readonly("Division", "string", length=80))


def _user() -> ObjectDef:
    obj = new_object("User", "005", owner=False, name_field=readonly("Name", "string", length=121))
    return add(obj, text("Username", 80, required=True, unique=True, id_lookup=True),
               text("FirstName", 40), text("LastName", 80, required=True),
               typed("Email", "email", nillable=False), text("Alias", 8), typed("IsActive", "boolean"),
               text("Title", 80), text("Department", 80), ref("ManagerId", "User", relationship="Manager"),
               picklist("TimeZoneSidKey", ("America/Los_Angeles", "America/New_York", "Europe/London",
                                           "Asia/Seoul", "Asia/Shanghai"), default="America/Los_Angeles"),
               text("CompanyName", 80))


def _account() -> ObjectDef:
    obj = new_object("Account", "001", name_field=text("Name", 255, required=True, id_lookup=True))
    return add(obj, picklist("Type", ("Prospect", "Customer - Direct", "Customer - Channel",
                                      "Channel Partner / Reseller", "Installation Partner",
                                      "Technology Partner", "Other")),
               picklist("Industry", INDUSTRIES), typed("NumberOfEmployees", "int"),
               typed("AnnualRevenue", "currency"), ref("ParentId", "Account", relationship="Parent"),
               typed("Phone", "phone"), typed("Fax", "phone"), typed("Website", "url"),
               textarea("Description"), text("AccountNumber", 40), text("Site", 80),
               picklist("Rating", ("Hot", "Warm", "Cold")), picklist("Ownership", ("Public", "Private", "Subsidiary", "Other")),
               readonly("LastActivityDate", "date"), *_address("Billing"), *_address("Shipping"))


def _contact() -> ObjectDef:
    obj = new_object("Contact", "003", name_field=readonly("Name", "string", length=121))
    return add(obj, ref("AccountId", "Account"), text("FirstName", 40), text("LastName", 80, required=True),
               picklist("Salutation", ("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.")), text("Title", 128),
               text("Department", 80), typed("Email", "email", id_lookup=True), typed("Phone", "phone"),
               typed("MobilePhone", "phone"), ref("ReportsToId", "Contact", relationship="ReportsTo"),
               picklist("LeadSource", ("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other")),
               typed("Birthdate", "date"), textarea("Description"), typed("EmailBouncedDate", "datetime"),
               text("EmailBouncedReason", 255), typed("HasOptedOutOfEmail", "boolean"),
               readonly("LastActivityDate", "date"), *_address("Mailing"))


def _opportunity() -> ObjectDef:
    obj = new_object("Opportunity", "006", name_field=text("Name", 120, required=True))
    return add(obj, ref("AccountId", "Account"), picklist("StageName", OPPORTUNITY_STAGES, required=True),
               typed("CloseDate", "date", nillable=False), typed("Amount", "currency"),
               typed("Probability", "percent", precision=3, scale=0), picklist("Type", (
                   "Existing Customer - Upgrade", "Existing Customer - Replacement",
                   "Existing Customer - Downgrade", "New Customer")),
               picklist("LeadSource", ("Web", "Phone Inquiry", "Partner Referral", "Purchased List",
                                       "CS-driven Expansion", "Other")),
               textarea("Description"), text("NextStep", 255), readonly("IsClosed", "boolean"),
               readonly("IsWon", "boolean"), picklist("ForecastCategoryName", (
                   "Omitted", "Pipeline", "Best Case", "Commit", "Closed")),
               ref("Pricebook2Id", "Pricebook2"), ref("ContractId", "Contract"),
               readonly("LastActivityDate", "date"), readonly("HasOpportunityLineItem", "boolean"))


def _line_item() -> ObjectDef:
    obj = new_object("OpportunityLineItem", "00k", owner=False, name_field=readonly("Name", "string", length=376))
    return add(obj, ref("OpportunityId", "Opportunity", required=True, updateable=False),
               ref("PricebookEntryId", "PricebookEntry", updateable=False),
               ref("Product2Id", "Product2", updateable=False), text("ProductCode", 255, createable=False, updateable=False),
               typed("Quantity", "double", nillable=False), typed("UnitPrice", "currency"),
               readonly("ListPrice", "currency"), typed("TotalPrice", "currency"),
               typed("Discount", "percent"), typed("ServiceDate", "date"), text("Description", 255))


def _products() -> list[ObjectDef]:
    product = add(new_object("Product2", "01t", owner=False, name_field=text("Name", 255, required=True)),
                  text("ProductCode", 255), picklist("Family", ("None",)), typed("IsActive", "boolean"),
                  textarea("Description", 4000), picklist("QuantityUnitOfMeasure", ("Each",)))
    book = add(new_object("Pricebook2", "01s", owner=False, name_field=text("Name", 255, required=True)),
               typed("IsActive", "boolean"), readonly("IsStandard", "boolean"), text("Description", 255))
    entry = add(new_object("PricebookEntry", "01u", owner=False, name_field=readonly("Name", "string")),
                ref("Pricebook2Id", "Pricebook2", required=True, updateable=False),
                ref("Product2Id", "Product2", required=True, updateable=False),
                typed("UnitPrice", "currency", nillable=False), typed("IsActive", "boolean"),
                typed("UseStandardPrice", "boolean"), readonly("ProductCode", "string"))
    return [product, book, entry]


def _opportunity_children() -> list[ObjectDef]:
    role = add(new_object("OpportunityContactRole", "00K", owner=False),
               ref("OpportunityId", "Opportunity", required=True, updateable=False),
               ref("ContactId", "Contact", required=True), picklist("Role", CONTACT_ROLES),
               typed("IsPrimary", "boolean"))
    competitor = add(new_object("OpportunityCompetitor", "00J", owner=False),
                     ref("OpportunityId", "Opportunity", required=True, updateable=False),
                     text("CompetitorName", 40), text("Strengths", 1000), text("Weaknesses", 1000))
    return [role, competitor]


def _case() -> ObjectDef:
    obj = new_object("Case", "500")
    return add(obj, readonly("CaseNumber", "string", length=30), ref("AccountId", "Account"),
               ref("ContactId", "Contact"), ref("AssetId", "Asset"), text("Subject", 255),
               textarea("Description"), picklist("Status", CASE_STATUSES, required=True, default="New"),
               picklist("Priority", ("High", "Medium", "Low"), default="Medium"),
               picklist("Type", ("Mechanical", "Electrical", "Electronic", "Structural", "Question",
                                 "Problem", "Feature Request", "Other")),
               picklist("Origin", ("Phone", "Email", "Web")), picklist("Reason", ("Installation", "Performance",
                                                                                 "Breakdown", "Other")),
               readonly("IsClosed", "boolean"), readonly("ClosedDate", "datetime"), typed("IsEscalated", "boolean"))


def _activity(name: str, prefix: str) -> ObjectDef:
    obj = new_object(name, prefix)
    fields = [ref("WhoId", "Contact", relationship="Who"), ref("WhatId", *ACTIVITY_PARENTS, relationship="What"),
              readonly("AccountId", "reference", reference_to=("Account",), relationship_name="Account", length=18),
              text("Subject", 255), textarea("Description"), typed("ActivityDate", "date"),
              picklist("Type", ("Call", "Email", "Meeting", "Other")),
              picklist("TaskSubtype" if name == "Task" else "EventSubtype",
                       ("Task", "Email", "Call") if name == "Task" else ("Event",)),
              readonly("IsClosed" if name == "Task" else "IsChild", "boolean")]
    if name == "Task":
        fields += [picklist("Status", TASK_STATUSES, restricted=True, required=True, default="Not Started"),
                   picklist("Priority", PRIORITIES, restricted=True, required=True, default="Normal"),
                   readonly("CompletedDateTime", "datetime"), typed("ReminderDateTime", "datetime"),
                   typed("CallDurationInSeconds", "int")]
    else:
        fields += [typed("StartDateTime", "datetime"), typed("EndDateTime", "datetime"),
                   typed("ActivityDateTime", "datetime"), typed("DurationInMinutes", "int"),
                   text("Location", 255), typed("IsAllDayEvent", "boolean")]
    return add(obj, *fields)


def _notification_type() -> ObjectDef:
    """CustomNotificationType: what a custom notification is (bell, mobile push)."""
    return add(new_object("CustomNotificationType", "0ML", owner=False),
               text("DeveloperName", 80, required=True), text("MasterLabel", 80),
               text("CustomNotifTypeName", 80), typed("Desktop", "boolean"),
               typed("Mobile", "boolean"), textarea("Description", 255))


def _event_relation() -> ObjectDef:
    """An Event's invitee (a User or Contact), one row each; the owner is the organiser."""
    return add(new_object("EventRelation", "0RE", owner=False),
               ref("EventId", "Event", required=True, updateable=False),
               ref("RelationId", "User", "Contact", relationship="Relation", required=True,
                   updateable=False),
               typed("IsInvitee", "boolean", default_value=True),
               picklist("Status", ("New", "Accepted", "Declined"), default="New"),
               typed("RespondedDate", "datetime"), text("Response", 255))


def _asset_contract() -> list[ObjectDef]:
    asset = add(new_object("Asset", "02i", name_field=text("Name", 255, required=True)),
                ref("AccountId", "Account"), ref("ContactId", "Contact"), ref("Product2Id", "Product2"),
                typed("Quantity", "double"), typed("Price", "currency"),
                picklist("Status", ("Purchased", "Shipped", "Installed", "Registered", "Obsolete")),
                typed("PurchaseDate", "date"), typed("InstallDate", "date"), typed("UsageEndDate", "date"),
                text("SerialNumber", 80), textarea("Description"))
    contract = add(new_object("Contract", "800"), readonly("ContractNumber", "string", length=30),
                   ref("AccountId", "Account", required=True), typed("StartDate", "date"),
                   typed("EndDate", "date", createable=False, updateable=False), typed("ContractTerm", "int"),
                   picklist("Status", ("Draft", "In Approval Process", "Activated"), required=True, default="Draft"),
                   textarea("Description"))
    return [asset, contract]


def _content() -> list[ObjectDef]:
    version = add(new_object("ContentVersion", "068"), text("Title", 255, required=True),
                  textarea("Description", 1000), text("PathOnClient", 500),
                  typed("VersionData", "base64", length=0), readonly("FileExtension", "string", length=40),
                  readonly("FileType", "string", length=20), readonly("ContentSize", "int"),
                  ref("ContentDocumentId", "ContentDocument", updateable=False),
                  ref("FirstPublishLocationId", "Account", "Opportunity", "Case", "Contact", "User",
                      relationship="FirstPublishLocation", updateable=False),
                  readonly("IsLatest", "boolean"), readonly("VersionNumber", "string", length=20),
                  text("ReasonForChange", 1000))
    document = add(new_object("ContentDocument", "069"), readonly("Title", "string"),
                   readonly("FileExtension", "string", length=40), readonly("FileType", "string", length=20),
                   readonly("LatestPublishedVersionId", "reference", reference_to=("ContentVersion",),
                            relationship_name="LatestPublishedVersion", length=18),
                   readonly("ContentSize", "int"), textarea("Description", 1000))
    link = add(new_object("ContentDocumentLink", "06A", owner=False),
               ref("ContentDocumentId", "ContentDocument", required=True, updateable=False),
               ref("LinkedEntityId", "Account", "Opportunity", "Case", "Contact", "User",
                   relationship="LinkedEntity", required=True, updateable=False),
               picklist("ShareType", ("V", "C", "I"), restricted=True, default="V"),
               picklist("Visibility", ("AllUsers", "InternalUsers", "SharedUsers"), default="AllUsers"))
    return [version, document, link]


def _relation_and_history() -> list[ObjectDef]:
    relation = add(new_object("AccountContactRelation", "07k", owner=False),
                   ref("AccountId", "Account", required=True, updateable=False),
                   ref("ContactId", "Contact", required=True, updateable=False),
                   picklist("Roles", CONTACT_ROLES, multi=True), typed("IsDirect", "boolean", createable=False,
                                                                      updateable=False),
                   typed("IsActive", "boolean", default_value=True), typed("StartDate", "date"),
                   typed("EndDate", "date"))
    histories = []
    for parent in ("Account", "Contact"):
        history = new_object(f"{parent}History", "017", owner=False)
        # Field history rows are never modified: Salesforce's AccountHistory/ContactHistory have
        # CreatedDate/CreatedById but no LastModifiedDate, LastModifiedById or SystemModstamp
        # (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_accounthistory.htm),
        # so a reader must take CreatedDate as its cursor.
        for audit in AUDIT_ONLY_ON_CHANGE:
            del history.fields[audit.lower()]
        add(history, readonly(f"{parent}Id", "reference", reference_to=(parent,), relationship_name=parent, length=18),
            readonly("Field", "picklist"), readonly("OldValue", "string"), readonly("NewValue", "string"),
            readonly("DataType", "picklist"))
        histories.append(history)
    return [relation, *histories]


def standard_schema() -> Schema:
    """A fresh Schema holding every standard object (custom metadata is added by metadata.py)."""
    schema = Schema()
    objects = [_organization(), _user(), _account(), _contact(), _opportunity(), _line_item(),
               *_products(), *_opportunity_children(), _case(), _activity("Task", "00T"),
               _activity("Event", "00U"), _event_relation(), _notification_type(),
               *_asset_contract(), *_content(),
               *_relation_and_history()]
    for obj in objects:
        schema.add(obj)
    finalize(schema)
    return schema


def finalize(schema: Schema) -> None:
    """Recompute child relationships after objects or fields were added."""
    link_child_relationships(schema, CHILD_RELATIONSHIP_NAMES)
