"""Build AccountSnapshot and OrgContext from integration's raw records (see translate.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from crm_mapping import convert
from crm_mapping.document import FieldMapping
from crm_mapping.translate import (
    OrgIndex,
    TranslationIssue,
    Translator,
    UnknownValue,
    history_change,
    translator_for,
)
from detection.snapshot import (
    AccountSnapshot,
    Activity,
    Asset,
    Case,
    Contact,
    ContactRole,
    FieldChange,
    LineItem,
    Opportunity,
    OrgContext,
    Product,
    UsageRow,
    User,
)
from integration.contracts import AccountBundle, OrgData

_EMPTY_INDEX = OrgIndex()


def to_snapshot(bundle: AccountBundle, mapping: FieldMapping, org_data_index: OrgIndex | None,
                now: datetime, issues: list[TranslationIssue] | None = None) -> AccountSnapshot:
    """Translate one account's raw records into the domain's snapshot.

    Args:
        bundle: the account record and its children keyed by logical object name.
        mapping: the org's active mapping (its translator is built once and cached).
        org_data_index: ``build_org_index(org_data, mapping)``, resolves product references
            given as names or codes; None when there is no OrgData.
        now: the scan clock; usage rows for periods starting after it are dropped.
        issues: when given, values that could not be used are appended (unknown tier
            values, usage rows without a period, ...).
    """
    tr = translator_for(mapping)
    index = org_data_index or _EMPTY_INDEX
    children = bundle.children
    account = tr.read("account", bundle.account)
    unavailable = tr.missing("account", bundle.account)
    account_id = convert.record_id(bundle.account.get("Id")) or str(bundle.account.get("Id"))
    account["id"] = account_id
    account["name"] = account.get("name") or ""
    tier = account.get("tier")
    if isinstance(tier, UnknownValue):
        _report(issues, "account.tier", account_id, str(tier),
                "tier value has no T1/T2/T3 translation in the mapping")
        account["tier"] = None
        unavailable.add("account.tier")
    if account.get("employees") is not None:
        account["employees"] = int(account["employees"])
    for name in ("contact", "opportunity", "opportunity_line_item", "opportunity_contact_role",
                 "opportunity_competitor", "case", "task", "event", "product_usage", "asset",
                 "account_contact_relation", "account_history", "contact_history"):
        rows = children.get(name)
        unavailable |= tr.missing(name, rows[0] if rows else None)
        if rows is None or mapping.sobject(name) is None:
            # integration drops the key of an object it skipped (missing in the org)
            unavailable.add(name)

    contacts = _contacts(tr, children)
    opportunities = _opportunities(tr, children, index)
    cases = tuple(_case(tr.read("case", rec), index) for rec in children.get("case", ()))
    activities = tuple(
        Activity(kind="Task", **tr.read("task", rec)) for rec in children.get("task", ())
    ) + tuple(Activity(kind="Event", **tr.read("event", rec)) for rec in children.get("event", ()))
    usage = _usage(tr, children, index, now, account_id, issues)
    assets = tuple(_asset(tr.read("asset", rec), index) for rec in children.get("asset", ()))
    history = _history(tr, children)
    return AccountSnapshot(
        **account, contacts=contacts, opportunities=opportunities, cases=cases,
        activities=activities, usage=usage, assets=assets, history=history,
        unavailable=frozenset(unavailable))


def _report(issues: list[TranslationIssue] | None, logical: str, record_id: str | None,
            value: Any, message: str) -> None:
    if issues is not None:
        issues.append(TranslationIssue(logical, record_id, value, message))


def _contacts(tr: Translator, children: dict[str, list[dict[str, Any]]]) -> tuple[Contact, ...]:
    roles: dict[str, tuple[str, ...]] = {}
    for rec in children.get("account_contact_relation", ()):
        values = tr.read("account_contact_relation", rec)
        if values.get("contact_id"):
            roles[values["contact_id"]] = values.get("roles") or ()
    contacts = []
    for rec in children.get("contact", ()):
        values = tr.read("contact", rec)
        values["last_name"] = values.get("last_name") or ""
        values["left_company"] = bool(values.get("left_company"))
        contacts.append(Contact(**values, account_roles=roles.get(values.get("id") or "", ())))
    return tuple(contacts)


def _opportunities(tr: Translator, children: dict[str, list[dict[str, Any]]],
                   index: OrgIndex) -> tuple[Opportunity, ...]:
    items: dict[str, list[LineItem]] = defaultdict(list)
    for rec in children.get("opportunity_line_item", ()):
        values = tr.read("opportunity_line_item", rec)
        opp_id = values.pop("opportunity_id", None)
        values["product_id"] = index.product(values.get("product_id")) or ""
        values["quantity"] = values.get("quantity") or 0.0
        values.setdefault("unit_price", None)
        values.setdefault("total_price", None)
        if opp_id:
            items[opp_id].append(LineItem(**values))
    roles: dict[str, list[ContactRole]] = defaultdict(list)
    for rec in children.get("opportunity_contact_role", ()):
        values = tr.read("opportunity_contact_role", rec)
        opp_id = values.pop("opportunity_id", None)
        if opp_id and values.get("contact_id"):
            values["is_primary"] = bool(values.get("is_primary"))
            roles[opp_id].append(ContactRole(**values))
    competitors: dict[str, list[str]] = defaultdict(list)
    for rec in children.get("opportunity_competitor", ()):
        values = tr.read("opportunity_competitor", rec)
        if values.get("opportunity_id") and values.get("competitor_name"):
            competitors[values["opportunity_id"]].append(values["competitor_name"])
    result = []
    for rec in children.get("opportunity", ()):
        values = tr.read("opportunity", rec)
        opp_id = values.get("id") or ""
        values["name"] = values.get("name") or ""
        won = values.get("is_won")
        if won is None:  # IsWon unmapped: fall back on the stage
            won = values.get("stage") == "Closed Won"
        values["is_won"] = bool(won)
        closed = values.get("is_closed")
        values["is_closed"] = bool(closed) if closed is not None else values["is_won"]
        result.append(Opportunity(
            **values, line_items=tuple(items.get(opp_id, ())),
            contact_roles=tuple(roles.get(opp_id, ())),
            competitors=tuple(competitors.get(opp_id, ()))))
    return tuple(result)


def _case(values: dict[str, Any], index: OrgIndex) -> Case:
    values["product_id"] = index.product(values.get("product_id"))
    values["is_closed"] = bool(values.get("is_closed"))
    return Case(**values)


def _asset(values: dict[str, Any], index: OrgIndex) -> Asset:
    values["product_id"] = index.product(values.get("product_id"))
    return Asset(**values)


def _usage(tr: Translator, children: dict[str, list[dict[str, Any]]], index: OrgIndex,
           now: datetime, account_id: str,
           issues: list[TranslationIssue] | None) -> tuple[UsageRow, ...]:
    today: date = now.date()
    rows = []
    for rec in children.get("product_usage", ()):
        values = tr.read("product_usage", rec)
        period = values.get("period_start")
        if period is None:
            _report(issues, "product_usage.period_start", values.get("id"), None,
                    "usage row without a period start was skipped")
            continue
        if period > today:
            continue  # a period that has not started yet is not data
        values["product_id"] = index.product(values.get("product_id"))
        rows.append(UsageRow(**values))
    return tuple(rows)


def _history(tr: Translator, children: dict[str, list[dict[str, Any]]]) -> tuple[FieldChange, ...]:
    changes = []
    for parent, id_attr in (("account", "account_id"), ("contact", "contact_id")):
        name = f"{parent}_history"
        for rec in children.get(name, ()):
            values = tr.read(name, rec)
            record_id, logical = history_change(tr, parent, values, id_attr)
            changed_at = values.get("created_date")
            if record_id is None or logical is None or changed_at is None:
                continue  # "created" rows and fields outside the catalog say nothing to us
            changes.append(FieldChange(record_id=record_id, field=logical,
                                       old_value=_history_text(values.get("old_value")),
                                       new_value=_history_text(values.get("new_value")),
                                       changed_at=changed_at))
    return tuple(changes)


def _history_text(value: Any) -> str | None:
    return None if value is None else str(value)


def to_org_context(org_data: OrgData, mapping: FieldMapping,
                   competitors: tuple[str, ...] = ()) -> OrgContext:
    """Portfolio-wide context: products (with standard list price), users, org id and time
    zone, and the configured competitor names."""
    tr = translator_for(mapping)
    records = org_data.records
    prices: dict[str, float] = {}
    for rec in records.get("pricebook_entry", ()):
        values = tr.read("pricebook_entry", rec)
        product_id = convert.record_id(values.get("product_id"))
        if product_id and values.get("unit_price") is not None and values.get("is_active", True) \
                is not False:
            prices.setdefault(product_id, values["unit_price"])
    products = []
    for rec in records.get("product", ()):
        values = tr.read("product", rec)
        if not values.get("id"):
            continue
        keywords = values.get("keywords") or ""
        products.append(Product(
            id=values["id"], name=values.get("name") or "", code=values.get("code"),
            family=values.get("family"),
            is_active=values.get("is_active") is not False,
            keywords=tuple(k.strip() for k in keywords.replace(";", ",").split(",") if k.strip()),
            list_price=prices.get(values["id"])))
    users = []
    for rec in records.get("user", ()):
        values = tr.read("user", rec)
        if values.get("id"):
            users.append(User(id=values["id"], name=values.get("name") or "",
                              email=values.get("email"), role=values.get("role"),
                              is_active=values.get("is_active") is not False,
                              manager_id=values.get("manager_id")))
    org = (records.get("organization") or [{}])[0]
    org_values = tr.read("organization", org) if org else {}
    return OrgContext(org_id=org_values.get("id") or "",
                      time_zone=org_values.get("time_zone") or "America/Los_Angeles",
                      products=tuple(products), users=tuple(users),
                      competitors=tuple(competitors))
