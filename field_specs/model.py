"""The shape of a catalog entry: one logical field the product reads or writes.

Logical names are ``<logical object>.<snake_case>`` (``account.tier``); logical objects are
the names of ``integration.contracts.ObjectRead.logical``. Everything org-specific (API
names, picklist spellings) is only a *default* here; ``crm_mapping`` binds it per org.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

LogicalType = Literal[
    "id", "reference", "string", "text", "picklist", "multipicklist", "number", "integer",
    "currency", "percent", "boolean", "date", "datetime", "email", "url",
]
Direction = Literal["read", "write", "read_write"]

LOGICAL_TYPES: tuple[str, ...] = (
    "id", "reference", "string", "text", "picklist", "multipicklist", "number", "integer",
    "currency", "percent", "boolean", "date", "datetime", "email", "url",
)

# Plays a mapping can enable; a field ``required_for`` an enabled play must be mapped.
PLAYS: tuple[str, ...] = ("signal_log", "play04", "play02", "renewal_rescue", "handoff")

LOGICAL_OBJECTS: tuple[str, ...] = (
    "account", "contact", "opportunity", "opportunity_line_item", "opportunity_contact_role",
    "opportunity_competitor", "case", "task", "event", "event_relation", "product_usage", "asset",
    "account_contact_relation", "account_history", "contact_history", "product",
    "pricebook_entry", "user", "organization", "content_version",
)

_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class LogicalValue:
    """One value of a logical picklist and the org value it has by default."""

    value: str  # the product's own value ("T1", "S2", "usage_spike")
    org_value: str  # the default org value / picklist API name ("T1", "S2 - Qualification")
    label: str  # the label SFDX metadata gives the org value


@dataclass(frozen=True, slots=True)
class LogicalField:
    """A field of the catalog.

    Attributes:
        name: logical name, ``account.tier``.
        type: the logical type (what the product does with the value).
        direction: read, write or read_write (the service writes it and reads it back).
        sobject: default object API name ("Account", "Task", "Product_Usage__c").
        api_name: default field API name ("Tier__c", "Name", or a parent path
            "Opportunity.AccountId" for read-only relationship paths).
        label / help: label and inline help text used in SFDX metadata and the admin UI.
        length: characters for string/text fields.
        precision / scale: digits for number/currency/percent fields.
        values: logical picklist values with their default org spelling.
        closed_values: reading an org value the mapping cannot translate gives None (and is
            reported) instead of passing the raw value through (e.g. tier).
        restricted: SFDX picklists are restricted (only the listed values are accepted).
        plays / signals: what uses the field (documentation and preflight messages).
        required_for: plays that cannot run without it; an enabled play with one of these
            unmapped fails preflight.
        reference_to / relationship_name: for lookups (SFDX Lookup, and writes that set a
            parent through its external id).
        external_id / unique / case_sensitive: External ID flags (Opportunity.Expansion_Key__c).
        guarded: the service never overwrites a human's later edit of this field (the
            value it last wrote is kept in ``<object>.radar_last_written``).
    """

    name: str
    type: LogicalType
    direction: Direction
    sobject: str
    api_name: str | None
    label: str
    help: str = ""
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    values: tuple[LogicalValue, ...] = ()
    closed_values: bool = False
    restricted: bool = True
    plays: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()
    required_for: tuple[str, ...] = ()
    reference_to: str | None = None
    relationship_name: str | None = None
    external_id: bool = False
    unique: bool = False
    case_sensitive: bool = False
    guarded: bool = False

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"logical field name {self.name!r} is not <object>.<snake_case>")
        if self.object not in LOGICAL_OBJECTS:
            raise ValueError(f"{self.name}: unknown logical object {self.object!r}")
        if self.type not in LOGICAL_TYPES:
            raise ValueError(f"{self.name}: unknown logical type {self.type!r}")
        if self.type in ("picklist", "multipicklist") and self.closed_values and not self.values:
            raise ValueError(f"{self.name}: closed picklist needs values")
        unknown = set(self.required_for) - set(PLAYS)
        if unknown:
            raise ValueError(f"{self.name}: unknown plays {sorted(unknown)}")

    @property
    def object(self) -> str:
        """The logical object ("account" for "account.tier")."""
        return self.name.split(".", 1)[0]

    @property
    def attribute(self) -> str:
        """The part after the dot ("tier")."""
        return self.name.split(".", 1)[1]

    @property
    def writes(self) -> bool:
        return self.direction in ("write", "read_write")

    @property
    def reads(self) -> bool:
        return self.direction in ("read", "read_write")

    @property
    def custom(self) -> bool:
        """True when the default field is one the product's metadata creates (``__c``)."""
        return bool(self.api_name) and self.api_name.endswith("__c") and "." not in self.api_name

    def default_org_value(self, logical_value: str) -> str | None:
        return next((v.org_value for v in self.values if v.value == logical_value), None)
