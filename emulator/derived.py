"""Fields Salesforce derives on save: Name of people, IsClosed/IsWon of Opportunity from its
stage, line item prices from the price book entry, Case/Task closure, the Account of an
activity, autonumbers. Each rule works on the full storage row before it is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from emulator.errors import RecordError

Lookup = Callable[[str, str], dict[str, Any] | None]
ACCOUNT_PARENTS = {"006": "Opportunity", "500": "Case", "800": "Contract", "02i": "Asset"}


@dataclass
class DeriveContext:
    """What derivation rules may consult: other rows, the time, the standard price book."""

    lookup: Lookup
    now: str  # storage datetime
    standard_pricebook_id: str | None
    autonumber: Callable[[str], int]
    find_standard_entry: Callable[[str], dict[str, Any] | None]


def stage_flags(stage: str | None) -> tuple[int, int]:
    """(IsClosed, IsWon) for a stage name; the default stages and variants like "Closed/Won"."""
    lowered = (stage or "").lower()
    closed = lowered.startswith("closed")
    return int(closed), int(closed and "won" in lowered)


def person_name(row: dict[str, Any]) -> str | None:
    """'First Last' as Salesforce composes Name for Contact and User."""
    parts = [row.get("FirstName"), row.get("LastName")]
    return " ".join(p for p in parts if p) or None


def derive(sobject: str, row: dict[str, Any], old: dict[str, Any] | None, ctx: DeriveContext) -> None:
    """Fill derived fields of ``row`` in place (RecordError when the record cannot be saved)."""
    rule = _RULES.get(sobject)
    if rule is not None:
        rule(row, old, ctx)


def derive_trusted(sobject: str, row: dict[str, Any]) -> None:
    """The cheap derivations for bulk-loaded rows that do not need other records."""
    if sobject in ("Contact", "User") and not row.get("Name"):
        row["Name"] = person_name(row)
    elif sobject == "Opportunity" and "IsClosed" not in row:
        row["IsClosed"], row["IsWon"] = stage_flags(row.get("StageName"))
    elif sobject == "OpportunityLineItem" and row.get("TotalPrice") is None:
        if row.get("Quantity") is not None and row.get("UnitPrice") is not None:
            row["TotalPrice"] = round(float(row["Quantity"]) * float(row["UnitPrice"]), 2)
    elif sobject == "Case" and "IsClosed" not in row:
        row["IsClosed"] = int((row.get("Status") or "").lower().startswith("closed"))
    elif sobject == "Task" and "IsClosed" not in row:
        row["IsClosed"] = int(row.get("Status") == "Completed")


def _person(row: dict[str, Any], old: dict[str, Any] | None, ctx: DeriveContext) -> None:
    row["Name"] = person_name(row)


def _opportunity(row: dict[str, Any], old: dict[str, Any] | None, ctx: DeriveContext) -> None:
    row["IsClosed"], row["IsWon"] = stage_flags(row.get("StageName"))


def _line_item(row: dict[str, Any], old: dict[str, Any] | None, ctx: DeriveContext) -> None:
    entry = None
    if row.get("PricebookEntryId"):
        entry = ctx.lookup("PricebookEntry", row["PricebookEntryId"])
        if entry is None:
            raise RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["PricebookEntryId"])
    elif row.get("Product2Id"):
        entry = ctx.find_standard_entry(row["Product2Id"])
        if entry is None:
            raise RecordError("FIELD_INTEGRITY_EXCEPTION",
                              "field integrity exception: PricebookEntryId (pricebook entry is missing)",
                              ["PricebookEntryId"])
        row["PricebookEntryId"] = entry["Id"]
    else:
        raise RecordError("REQUIRED_FIELD_MISSING", "Required fields are missing: [PricebookEntryId]",
                          ["PricebookEntryId"])
    row["Product2Id"] = entry["Product2Id"]
    row["ListPrice"] = entry["UnitPrice"]
    row["ProductCode"] = entry.get("ProductCode")
    # A client sets UnitPrice or TotalPrice, never both; Salesforce derives the other
    # (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunitylineitem.htm).
    given_total = _changed(row, old, "TotalPrice")
    if given_total and _changed(row, old, "UnitPrice"):
        raise RecordError("FIELD_INTEGRITY_EXCEPTION",
                          "field integrity exception: TotalPrice (cannot specify both UnitPrice and TotalPrice)",
                          ["TotalPrice"])
    discount = float(row.get("Discount") or 0)
    quantity = float(row.get("Quantity") or 0)
    if given_total and quantity:
        row["UnitPrice"] = round(float(row["TotalPrice"]) / (quantity * (1 - discount / 100)), 2)
    if row.get("UnitPrice") is None:
        row["UnitPrice"] = entry["UnitPrice"]
    product = ctx.lookup("Product2", entry["Product2Id"])
    opportunity = ctx.lookup("Opportunity", row["OpportunityId"]) if row.get("OpportunityId") else None
    if product is not None:
        row["Name"] = f"{opportunity['Name'] if opportunity else ''} {product['Name']}".strip()
    if not given_total:
        row["TotalPrice"] = round(quantity * float(row["UnitPrice"]) * (1 - discount / 100), 2)


def _changed(row: dict[str, Any], old: dict[str, Any] | None, name: str) -> bool:
    return row.get(name) is not None and (old is None or row.get(name) != old.get(name))


def _pricebook_entry(row: dict[str, Any], old: dict[str, Any] | None, ctx: DeriveContext) -> None:
    product = ctx.lookup("Product2", row["Product2Id"]) if row.get("Product2Id") else None
    if product is not None:
        row["Name"] = product["Name"]
        row["ProductCode"] = product.get("ProductCode")
    if old is None and row.get("Pricebook2Id") != ctx.standard_pricebook_id:
        # A custom price needs a standard price first, as in a real org.
        if ctx.find_standard_entry(row["Product2Id"]) is None:
            raise RecordError("STANDARD_PRICE_NOT_DEFINED",
                              "No standard price defined for this product", ["Product2Id"])


def _case(row: dict[str, Any], old: dict[str, Any] | None, ctx: DeriveContext) -> None:
    closed = int((row.get("Status") or "").lower().startswith("closed"))
    row["IsClosed"] = closed
    if closed and not (old and old.get("IsClosed")):
        row["ClosedDate"] = ctx.now
    elif not closed:
        row["ClosedDate"] = None
    if old is None:
        row["CaseNumber"] = f"{ctx.autonumber('Case'):08d}"


def _activity_account(row: dict[str, Any], ctx: DeriveContext) -> None:
    what = row.get("WhatId")
    account = None
    if what and what.startswith("001"):
        account = what
    elif what and what[:3] in ACCOUNT_PARENTS:
        parent = ctx.lookup(ACCOUNT_PARENTS[what[:3]], what)
        account = parent.get("AccountId") if parent else None
    if account is None and row.get("WhoId"):
        contact = ctx.lookup("Contact", row["WhoId"])
        account = contact.get("AccountId") if contact else None
    row["AccountId"] = account


def _task(row: dict[str, Any], old: dict[str, Any] | None, ctx: DeriveContext) -> None:
    closed = int(row.get("Status") == "Completed")
    row["IsClosed"] = closed
    if closed and not (old and old.get("IsClosed")):
        row["CompletedDateTime"] = ctx.now
    elif not closed:
        row["CompletedDateTime"] = None
    _activity_account(row, ctx)


def _event(row: dict[str, Any], old: dict[str, Any] | None, ctx: DeriveContext) -> None:
    start = row.get("StartDateTime") or row.get("ActivityDateTime")
    if start:
        row["ActivityDateTime"] = start
        row["ActivityDate"] = start[:10]
        if row.get("EndDateTime") and row.get("DurationInMinutes") is None:
            from emulator.values import parse_datetime

            delta = parse_datetime(row["EndDateTime"]) - parse_datetime(start)
            row["DurationInMinutes"] = int(delta.total_seconds() // 60)
    row["IsChild"] = 0
    _activity_account(row, ctx)


def _contract(row: dict[str, Any], old: dict[str, Any] | None, ctx: DeriveContext) -> None:
    if row.get("StartDate") and row.get("ContractTerm"):
        start = date.fromisoformat(row["StartDate"])
        months = start.month - 1 + int(row["ContractTerm"])
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, 28)
        row["EndDate"] = (date(year, month, day) - timedelta(days=1)).isoformat()
    if old is None:
        row["ContractNumber"] = f"{ctx.autonumber('Contract'):08d}"


def _relation(row: dict[str, Any], old: dict[str, Any] | None, ctx: DeriveContext) -> None:
    contact = ctx.lookup("Contact", row["ContactId"]) if row.get("ContactId") else None
    row["IsDirect"] = int(bool(contact and contact.get("AccountId") == row.get("AccountId")))


_RULES: dict[str, Callable[[dict[str, Any], dict[str, Any] | None, DeriveContext], None]] = {
    "Contact": _person, "User": _person, "Opportunity": _opportunity,
    "OpportunityLineItem": _line_item, "PricebookEntry": _pricebook_entry, "Case": _case,
    "Task": _task, "Event": _event, "Contract": _contract, "AccountContactRelation": _relation,
}
