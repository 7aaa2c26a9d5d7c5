"""What a scan reads: the active mapping as an ``integration.contracts.ReadSpec``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm_mapping.document import FieldMapping
from field_specs.catalog import fields_of
from integration.contracts import ObjectRead, ReadSpec

# Logical objects in read order, whether the scan needs them, and their account path
# (a logical field whose API name holds the Account id; None for portfolio-wide objects).
READ_OBJECTS: tuple[tuple[str, bool, str | None], ...] = (
    ("account", True, None),
    ("contact", True, "contact.account_id"),
    ("opportunity", True, "opportunity.account_id"),
    ("opportunity_line_item", True, "opportunity_line_item.account_id"),
    ("opportunity_contact_role", True, "opportunity_contact_role.account_id"),
    ("opportunity_competitor", False, "opportunity_competitor.account_id"),
    ("case", True, "case.account_id"),
    ("task", True, "task.account_id"),
    ("event", False, "event.account_id"),
    ("product_usage", False, "product_usage.account_id"),
    ("asset", False, "asset.account_id"),
    ("account_contact_relation", False, "account_contact_relation.account_id"),
    ("account_history", False, "account_history.account_id"),
    ("contact_history", False, "contact_history.account_id"),
    ("product", True, None),
    ("pricebook_entry", True, None),
    ("user", True, None),
    ("organization", True, None),
)
# Only the standard price book's entries carry list prices.
_WHERE = {"pricebook_entry": "Pricebook2.IsStandard = true"}


def read_spec(mapping: FieldMapping,
              describes: Mapping[str, Mapping[str, Any] | None] | None = None) -> ReadSpec:
    """The objects and fields a scan selects under ``mapping``.

    Args:
        mapping: the org's mapping.
        describes: optional describe results per object API name; when given, fields the
            org lacks are left out of the SELECT (they then show up as unavailable in the
            snapshots) and objects it lacks are skipped. Preflight reports both.
    """
    known = _known_fields(describes) if describes is not None else None
    objects = []
    for logical, required, account_logical in READ_OBJECTS:
        sobject = mapping.sobject(logical)
        if sobject is None:
            continue
        available = known.get(sobject.lower()) if known is not None else None
        if known is not None and available is None:
            continue
        selected: list[str] = []
        for entry in fields_of(logical):
            api = mapping.api(entry.name)
            if api is None or not entry.reads or api == "Id" or api in selected:
                continue
            if available is not None and "." not in api and api.lower() not in available:
                continue
            selected.append(api)
        account_path = mapping.api(account_logical) if account_logical else None
        if account_logical and account_path is None:
            continue  # a child we cannot tie to an account cannot be read per account
        objects.append(ObjectRead(logical=logical, sobject=sobject, fields=tuple(selected),
                                  account_path=account_path, where=_WHERE.get(logical),
                                  required=required))
    return ReadSpec(objects=tuple(objects))


def _known_fields(describes: Mapping[str, Mapping[str, Any] | None]) -> dict[str, set[str]]:
    return {name.lower(): {f["name"].lower() for f in (describe.get("fields") or [])}
            for name, describe in describes.items() if describe}
