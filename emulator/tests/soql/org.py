"""A small hand-built org for the SOQL tests: schema, tables and a few records.

Objects: User, Account, Contact, Opportunity, OpportunityLineItem, Task (polymorphic WhatId /
WhoId) and the custom Product_Usage__c (Account__c lookup, Account__r / Product_Usages__r).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from emulator.ids import make_id
from emulator.schema import ChildRelationship, FieldDef, ObjectDef, Schema
from emulator.soql import prepare
from emulator.soql.ddl import create_tables

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)

PREFIX = {"User": "005", "Account": "001", "Contact": "003", "Opportunity": "006",
          "OpportunityLineItem": "00k", "Task": "00T", "Product_Usage__c": "a0U"}


def _f(name: str, ftype: str, *targets: str, rel: str | None = None, custom: bool = False) -> FieldDef:
    return FieldDef(name=name, type=ftype, reference_to=targets, relationship_name=rel,
                    custom=custom)


def _object(name: str, *fields: FieldDef, owner: bool = True) -> ObjectDef:
    obj = ObjectDef(name=name, key_prefix=PREFIX[name], custom=name.endswith("__c"))
    base = [_f("Id", "id"), _f("IsDeleted", "boolean"), _f("CreatedDate", "datetime"),
            _f("SystemModstamp", "datetime")]
    if owner:
        base.append(_f("OwnerId", "reference", "User", rel="Owner"))
    for definition in [*base, *fields]:
        obj.add_field(definition)
    return obj


def build_schema() -> Schema:
    """The test org's schema."""
    schema = Schema()
    schema.add(_object("User", _f("Name", "string"), _f("Email", "email"),
                       _f("IsActive", "boolean"), _f("ManagerId", "reference", "User", rel="Manager"),
                       owner=False))
    schema.add(_object(
        "Account", _f("Name", "string"), _f("Industry", "picklist"), _f("AnnualRevenue", "currency"),
        _f("NumberOfEmployees", "int"), _f("Rating", "double"),
        _f("Products__c", "multipicklist", custom=True), _f("Is_Partner__c", "boolean", custom=True),
        _f("Last_Review__c", "date", custom=True), _f("ParentId", "reference", "Account", rel="Parent")))
    schema.add(_object(
        "Contact", _f("FirstName", "string"), _f("LastName", "string"), _f("Name", "string"),
        _f("Email", "email"), _f("Title", "string"), _f("Birthdate", "date"),
        _f("AccountId", "reference", "Account", rel="Account")))
    schema.add(_object(
        "Opportunity", _f("Name", "string"), _f("StageName", "picklist"), _f("Amount", "currency"),
        _f("CloseDate", "date"), _f("IsWon", "boolean"), _f("Probability", "percent"),
        _f("AccountId", "reference", "Account", rel="Account")))
    schema.add(_object(
        "OpportunityLineItem", _f("Name", "string"), _f("Quantity", "double"),
        _f("UnitPrice", "currency"),
        _f("OpportunityId", "reference", "Opportunity", rel="Opportunity"), owner=False))
    schema.add(_object(
        "Task", _f("Subject", "string"), _f("Status", "picklist"), _f("ActivityDate", "date"),
        _f("Description", "textarea"),
        _f("WhatId", "reference", "Account", "Opportunity", rel="What"),
        _f("WhoId", "reference", "Contact", "Lead", rel="Who")))
    schema.add(_object(
        "Product_Usage__c", _f("Name", "string"), _f("Month__c", "date", custom=True),
        _f("Active_Users__c", "double", custom=True),
        _f("Account__c", "reference", "Account", rel="Account__r", custom=True)))
    links = {
        "Account": [("Contacts", "Contact", "AccountId"), ("Opportunities", "Opportunity", "AccountId"),
                    ("Tasks", "Task", "WhatId"), ("Product_Usages__r", "Product_Usage__c", "Account__c"),
                    ("ChildAccounts", "Account", "ParentId")],
        "Contact": [("Tasks", "Task", "WhoId")],
        "Opportunity": [("OpportunityLineItems", "OpportunityLineItem", "OpportunityId"),
                        ("Tasks", "Task", "WhatId")],
    }
    for parent, rels in links.items():
        for name, child, field in rels:
            schema.object(parent).child_relationships[name.lower()] = ChildRelationship(name, child, field)
    return schema


class Org:
    """An in-memory SQLite org with helpers to insert rows and run queries."""

    def __init__(self) -> None:
        self.schema = build_schema()
        self.conn = sqlite3.connect(":memory:")
        create_tables(self.conn, self.schema)
        self.counters: dict[str, int] = {}
        self.ids: dict[str, str] = {}

    def insert(self, sobject: str, key: str | None = None, **values: object) -> str:
        """Insert a row (values already in storage encoding except bools); returns its Id."""
        number = self.counters.get(sobject, 0) + 1
        self.counters[sobject] = number
        record_id = str(values.pop("Id", None) or make_id(PREFIX[sobject], number))
        values = {"IsDeleted": 0, **values}
        row = {"Id": record_id, **{k: (int(v) if isinstance(v, bool) else v) for k, v in values.items()}}
        columns = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join("?" for _ in row)
        self.conn.execute(f'INSERT INTO "{sobject}" ({columns}) VALUES ({marks})', list(row.values()))  # noqa: S608
        if key:
            self.ids[key] = record_id
        return record_id

    def query(self, soql: str, **kw: object) -> list[dict]:
        """All records of a query, fetched in one page."""
        pq = prepare(soql, self.schema, now=kw.pop("now", NOW), **kw)  # type: ignore[arg-type]
        return pq.fetch(self.conn, 0, 100_000)

    def names(self, soql: str, key: str = "Name", **kw: object) -> list[object]:
        return [r[key] for r in self.query(soql, **kw)]


def seeded() -> Org:
    """The shared test data set."""
    org = Org()
    u1 = org.insert("User", "u1", Name="Ada Admin", Email="ada@example.com", IsActive=True)
    u2 = org.insert("User", "u2", Name="Bob Boss", Email="bob@example.com", IsActive=False,
                    ManagerId=u1)
    a1 = org.insert("Account", "acme", Name="Acme", Industry="Tech", AnnualRevenue=1000.0,
                    NumberOfEmployees=10, Rating=4.5, Products__c="Analytics;Billing",
                    Is_Partner__c=True, OwnerId=u1, Last_Review__c="2026-03-01",
                    CreatedDate="2026-01-10T10:00:00.000+0000",
                    SystemModstamp="2026-03-14T23:59:59.000+0000")
    a2 = org.insert("Account", "corp", Name="acme corp", Industry="Retail", AnnualRevenue=500.5,
                    NumberOfEmployees=50, Rating=3.0, Products__c="Billing;CRM", Is_Partner__c=False,
                    OwnerId=u2, ParentId=a1, Last_Review__c="2026-03-15",
                    CreatedDate="2025-12-31T23:00:00.000+0000",
                    SystemModstamp="2026-03-15T00:00:00.000+0000")
    org.insert("Account", "beta", Name="Beta", OwnerId=u1,
               CreatedDate="2026-03-15T11:00:00.000+0000", SystemModstamp="2026-03-15T11:00:00.000+0000")
    org.insert("Account", "obrien", Name="O'Brien & Co", Industry="Tech", AnnualRevenue=2000.0,
               NumberOfEmployees=10, Products__c="CRM", OwnerId=u2, Last_Review__c="2025-12-31",
               CreatedDate="2025-06-01T00:00:00.000+0000", SystemModstamp="2026-02-28T12:00:00.000+0000")
    org.insert("Account", "pct", Name="100%_Real\\Deal", Industry="Finance", AnnualRevenue=10.0,
               NumberOfEmployees=1, OwnerId=u1, CreatedDate="2026-03-16T00:00:00.000+0000",
               SystemModstamp="2026-03-16T00:00:00.000+0000")
    org.insert("Account", "gone", Name="Gone", Industry="Tech", IsDeleted=True, OwnerId=u1,
               CreatedDate="2026-01-01T00:00:00.000+0000", SystemModstamp="2026-03-01T00:00:00.000+0000")
    c1 = org.insert("Contact", "c1", FirstName="Cy", LastName="Able", Name="Cy Able",
                    Email="cy@acme.test", Title="CTO", AccountId=a1, OwnerId=u1)
    org.insert("Contact", "c2", FirstName="Di", LastName="Baker", Name="Di Baker", Title="VP",
               AccountId=a1, OwnerId=u2)
    org.insert("Contact", "c3", FirstName="Ed", LastName="Cole", Name="Ed Cole", AccountId=a2,
               OwnerId=u1)
    org.insert("Contact", "c4", FirstName="Fi", LastName="Dunn", Name="Fi Dunn", OwnerId=u1)
    org.insert("Contact", "cdel", FirstName="Xx", LastName="Del", Name="Xx Del", AccountId=a1,
               IsDeleted=True, OwnerId=u1)
    o1 = org.insert("Opportunity", "o1", Name="Acme Renewal", StageName="Closed Won", Amount=5000.0,
                    CloseDate="2026-02-01", IsWon=True, Probability=100.0, AccountId=a1, OwnerId=u1)
    org.insert("Opportunity", "o2", Name="Corp New", StageName="Prospecting", Amount=None,
               CloseDate="2026-04-01", IsWon=False, Probability=10.0, AccountId=a2, OwnerId=u2)
    org.insert("OpportunityLineItem", "li1", Name="Seats", Quantity=10.0, UnitPrice=100.0,
               OpportunityId=o1)
    org.insert("Task", "t1", Subject="Call", Status="Completed", ActivityDate="2026-03-14",
               WhatId=a1, WhoId=c1, OwnerId=u1)
    org.insert("Task", "t2", Subject="Email", Status="Not Started", ActivityDate="2026-03-20",
               WhatId=o1, OwnerId=u2)
    org.insert("Task", "t3", Subject="Demo", Status="Completed", ActivityDate="2026-03-10",
               WhatId=a1, OwnerId=u1)
    org.insert("Task", "t4", Subject="Lonely", Status="Deferred", OwnerId=u1)
    org.insert("Product_Usage__c", "pu1", Name="Acme Feb", Month__c="2026-02-01",
               Active_Users__c=40.0, Account__c=a1, OwnerId=u1)
    org.insert("Product_Usage__c", "pu2", Name="Acme Mar", Month__c="2026-03-01",
               Active_Users__c=42.0, Account__c=a1, OwnerId=u1)
    org.conn.commit()
    return org
