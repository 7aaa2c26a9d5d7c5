"""Raw Salesforce records -> the domain's AccountSnapshot / OrgContext, through a mapping.

A ``Translator`` is built once per mapping (``translator_for``): for every logical
object it holds a list of (attribute, getter) pairs whose getters already know the API
name and the converter, so translating a record is one dict comprehension with no schema
look-ups. Values the org cannot give (unmapped, or the key absent from the records) are
None and listed in ``AccountSnapshot.unavailable``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crm_mapping import convert
from field_specs.catalog import fields_of
from field_specs.model import LogicalField

if TYPE_CHECKING:
    from crm_mapping.model import FieldMapping

Getter = Callable[[dict[str, Any]], Any]

# Logical field attribute -> dataclass attribute where the names differ.
_RENAMES = {"account.white_space": "white_space_text", "opportunity.stage_name": "stage",
            "task.expansion_signal_type": "signal_type",
            "event.expansion_signal_type": "signal_type"}
# Attributes each domain class takes (the rest of the logical fields are used for grouping).
_TARGETS: dict[str, tuple[str, ...]] = {
    "account": ("id", "name", "industry", "employees", "annual_revenue", "owner_id", "csm_id",
                "tier", "health_score", "arr", "renewal_date", "nps_score", "nps_comment",
                "nps_date", "next_qbr_date", "contracted_departments", "website",
                "white_space_text", "white_space_json", "white_space_potential", "expansion_readiness",
                "last_expansion_scan"),
    "contact": ("id", "first_name", "last_name", "title", "department", "email", "created_date",
                "last_activity_date", "email_bounced_date", "left_company", "linkedin_url",
                "meddicc_role"),
    "opportunity": ("id", "name", "stage", "is_closed", "is_won", "amount", "close_date",
                    "created_date", "type", "lead_source", "owner_id", "expansion_key"),
    "opportunity_line_item": ("id", "opportunity_id", "product_id", "quantity", "unit_price",
                              "total_price"),
    "opportunity_contact_role": ("opportunity_id", "contact_id", "role", "is_primary"),
    "opportunity_competitor": ("opportunity_id", "competitor_name"),
    "case": ("id", "subject", "description", "type", "status", "priority", "created_date",
             "contact_id", "product_id", "is_closed"),
    "task": ("id", "subject", "type", "status", "activity_date", "created_date", "who_id",
             "what_id", "owner_id", "description", "priority", "radar_action", "signal_type",
             "signal_strength", "expansion_key", "qual_pain", "qual_metrics", "qual_timeline",
             "qual_decision_maker", "qual_budget", "handoff_confirmed"),
    "event": ("id", "subject", "type", "status", "activity_date", "created_date", "who_id", "what_id",
              "owner_id", "description", "signal_type", "radar_action", "expansion_key"),
    "product_usage": ("id", "product_id", "period_start", "active_users", "licensed_units",
                      "usage_units", "feature"),
    "asset": ("id", "product_id", "quantity", "status", "usage_end_date"),
    "account_contact_relation": ("contact_id", "roles"),
    "account_history": ("account_id", "field", "old_value", "new_value", "created_date"),
    "contact_history": ("contact_id", "field", "old_value", "new_value", "created_date"),
    "product": ("id", "name", "code", "family", "is_active", "keywords"),
    "pricebook_entry": ("product_id", "unit_price", "is_active"),
    "user": ("id", "name", "email", "role", "is_active", "manager_id"),
    "organization": ("id", "time_zone"),
}
# Product references may hold a product name or code instead of an id (resolved per org).
_PRODUCT_REFS = frozenset({"case.product_id", "product_usage.product_id",
                           "opportunity_line_item.product_id", "asset.product_id"})


@dataclass(frozen=True)
class TranslationIssue:
    """A value the translation could not use (reported, never fatal)."""

    logical: str
    record_id: str | None
    value: Any
    message: str


@dataclass
class OrgIndex:
    """Look-ups built once per scan from OrgData (``build_org_index``)."""

    product_ids: set[str] = field(default_factory=set)
    product_by_name: dict[str, str] = field(default_factory=dict)  # lower name/code -> id

    def product(self, value: Any) -> str | None:
        ident = convert.record_id(value)
        if ident is not None and (not self.product_ids or ident in self.product_ids):
            return ident
        if isinstance(value, str):
            return self.product_by_name.get(value.strip().lower(), ident)
        return ident


def _path_getter(api: str) -> Getter:
    """Reads a plain field, or a parent path nested ({"Opportunity": {"AccountId": ..}}) or
    flat ("Opportunity.AccountId" as Bulk API CSV headers name it)."""
    if "." not in api:
        return lambda rec: rec.get(api)
    parts = api.split(".")

    def get(rec: dict[str, Any]) -> Any:
        if api in rec:
            return rec[api]
        value: Any = rec
        for part in parts:
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    return get


def translator_for(mapping: FieldMapping) -> Translator:
    """The mapping's Translator, built on first use and kept on the (immutable) mapping."""
    translator = mapping.__dict__.get("_translator")
    if translator is None:
        translator = Translator(mapping)
        object.__setattr__(mapping, "_translator", translator)  # frozen: cache beside the fields
    return translator


class Translator:
    """Per-mapping accessors (see the module docstring)."""

    def __init__(self, mapping: FieldMapping) -> None:
        self.mapping = mapping
        self.getters: dict[str, dict[str, Getter]] = {}
        self.apis: dict[str, dict[str, str]] = {}  # object -> attribute -> API name
        self.unmapped: dict[str, frozenset[str]] = {}  # object -> logical names unmapped
        self.history_names: dict[str, dict[str, str]] = {}  # sobject lower -> api lower -> logical
        self.closed: dict[str, tuple[str, dict[str, str]]] = {}  # attr key -> (logical, map)
        for logical_object, targets in _TARGETS.items():
            self._compile(logical_object, targets)
        for parent in ("account", "contact"):
            names = {}
            for entry in fields_of(parent):
                api = mapping.api(entry.name)
                if api:
                    names[api.lower()] = entry.name
            self.history_names[parent] = names

    def _compile(self, logical_object: str, targets: tuple[str, ...]) -> None:
        getters: dict[str, Getter] = {}
        apis: dict[str, str] = {}
        unmapped = set()
        for entry in fields_of(logical_object):
            attr = _RENAMES.get(entry.name, entry.attribute)
            if attr not in targets:
                continue
            api = self.mapping.api(entry.name)
            if api is None:
                unmapped.add(entry.name)
                continue
            getters[attr] = self._getter(entry, api)
            apis[attr] = api
        for attr in targets:  # the domain classes need every attribute, mapped or not
            getters.setdefault(attr, _none)
        self.getters[logical_object] = getters
        self.apis[logical_object] = apis
        self.unmapped[logical_object] = frozenset(unmapped)

    def _getter(self, entry: LogicalField, api: str) -> Getter:
        raw = _path_getter(api)
        kind = entry.type
        binding = self.mapping.binding(entry.name)
        if kind in ("id", "reference"):
            if entry.name in _PRODUCT_REFS:
                return raw  # resolved against the OrgIndex by the caller
            return lambda rec: convert.record_id(raw(rec))
        if kind in ("number", "currency", "percent"):
            return lambda rec: convert.number(raw(rec))
        if kind == "integer":
            return lambda rec: convert.integer(raw(rec))
        if kind == "boolean":
            return lambda rec: convert.boolean(raw(rec))
        if kind == "date":
            return lambda rec: convert.parse_date(raw(rec))
        if kind == "datetime":
            return lambda rec: convert.parse_datetime(raw(rec))
        if kind == "multipicklist":
            return lambda rec: convert.split_multi(raw(rec))
        if kind == "picklist" and binding.values:
            table = binding.to_logical
            if entry.closed_values:
                # unknown values of a closed picklist (tier) are reported by the caller
                return lambda rec: _closed(table, convert.text(raw(rec)))
            return lambda rec: (lambda v: table.get(v, v) if v is not None else None)(
                convert.text(raw(rec)))
        return lambda rec: convert.text(raw(rec))

    def read(self, logical_object: str, record: dict[str, Any]) -> dict[str, Any]:
        """attribute -> converted value for one record."""
        return {attr: get(record) for attr, get in self.getters[logical_object].items()}

    def missing(self, logical_object: str, record: dict[str, Any] | None) -> set[str]:
        """Logical names unmapped, or mapped but absent from ``record``'s keys."""
        names = set(self.unmapped[logical_object])
        if record is None:
            return names
        for attr, api in self.apis[logical_object].items():
            if "." not in api and api not in record:
                names.add(f"{logical_object}.{_reverse_rename(logical_object, attr)}")
        return names


def _none(record: dict[str, Any]) -> None:
    return None


class UnknownValue(str):
    """Marks a closed-picklist value with no translation (kept for the issue report)."""


def _closed(table: dict[str, str], value: str | None) -> str | None:
    if value is None:
        return None
    found = table.get(value)
    return found if found is not None else UnknownValue(value)


def _reverse_rename(logical_object: str, attr: str) -> str:
    for logical, renamed in _RENAMES.items():
        if renamed == attr and logical.startswith(logical_object + "."):
            return logical.split(".", 1)[1]
    return attr


def build_org_index(org_data: Any, mapping: FieldMapping) -> OrgIndex:
    """Product look-ups (id, lower-case name and code) from OrgData's product records."""
    index = OrgIndex()
    translator = translator_for(mapping)
    for record in getattr(org_data, "records", {}).get("product", []):
        values = translator.read("product", record)
        ident = convert.record_id(values.get("id"))
        if ident is None:
            continue
        index.product_ids.add(ident)
        for key in ("name", "code"):
            if values.get(key):
                index.product_by_name.setdefault(str(values[key]).strip().lower(), ident)
    return index


def last_written_of(record: dict[str, Any], mapping: FieldMapping,
                    logical_object: str) -> dict[str, Any]:
    """The ``Radar_Last_Written__c`` JSON of an account or contact record (API name -> value
    the service last wrote); {} when absent or unreadable."""
    api = mapping.api(f"{logical_object}.radar_last_written")
    raw = record.get(api) if api else None
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def history_change(translator: Translator, parent: str, values: dict[str, Any],
                   record_id_attr: str) -> tuple[str | None, str | None]:
    """(record id, logical field name) of a history row; field None when not in the catalog."""
    api_field = values.get("field")
    logical = translator.history_names[parent].get(str(api_field).lower()) if api_field else None
    return values.get(record_id_attr), logical


