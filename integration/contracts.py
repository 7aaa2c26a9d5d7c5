"""Data shapes shared by integration (which talks to Salesforce), crm_mapping (which knows
the org's names) and workers. Physical Salesforce names only; no business rules.

Read side: crm_mapping turns the active mapping into a `ReadSpec`; integration streams
`AccountBundle`s (raw records grouped per account) and `OrgData` (portfolio-wide records).
Write side: crm_mapping turns planned writes into `RecordWrite`s; integration applies them
and returns one `WriteOutcome` per write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Record = dict[str, Any]  # a Salesforce record as JSON, without "attributes"


@dataclass(frozen=True)
class ObjectRead:
    """One object to read for the scan.

    Attributes:
        logical: the product's name for it ("account", "contact", "opportunity",
            "opportunity_line_item", "opportunity_contact_role", "opportunity_competitor",
            "case", "task", "event", "product_usage", "asset", "account_contact_relation",
            "account_history", "contact_history", "product", "pricebook_entry", "user",
            "organization").
        sobject: the org's API name ("Account", "Product_Usage__c").
        fields: API names (or parent paths like "Opportunity.AccountId") to select; Id is
            always read.
        account_path: the field (or parent path) holding the Account id, None for
            portfolio-wide objects (product, pricebook_entry, user, organization) and for
            the account itself.
        where: extra SOQL condition, already built with format_soql (may be None).
        required: False when the object may be missing in an org (then it is skipped and
            reported, not fatal).
    """

    logical: str
    sobject: str
    fields: tuple[str, ...]
    account_path: str | None = None
    where: str | None = None
    required: bool = True


@dataclass(frozen=True)
class ReadSpec:
    objects: tuple[ObjectRead, ...]

    def get(self, logical: str) -> ObjectRead | None:
        return next((o for o in self.objects if o.logical == logical), None)


@dataclass
class AccountBundle:
    """One account's record and its children, keyed by logical object name."""

    account: Record
    children: dict[str, list[Record]] = field(default_factory=dict)

    @property
    def account_id(self) -> str:
        return self.account["Id"]


@dataclass
class OrgData:
    """Portfolio-wide records keyed by logical object name (product, pricebook_entry, ...)."""

    records: dict[str, list[Record]] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordWrite:
    """One write to apply.

    op:
        "update": ``record_id`` set; ``fields`` are the changed fields only.
        "upsert": ``external_id_field`` + ``external_id`` set (e.g. Opportunity.Expansion_Key__c).
        "create_once": create unless a record of ``sobject`` already has
            ``dedupe_field`` = ``dedupe_key`` (Tasks: Activity custom fields cannot be
            relied on as External IDs, so the key is queried before writing).
        "create": a plain insert (children of a record created in the same plan).
    guard: for "update", field -> value the service wrote last time; the write of that
        field is skipped (and reported) if the org now holds something else, because a
        human changed it.
    current: for "update" (and "upsert"), field -> value the org held when it was read
        (from the bundle). The writer sends only fields whose value differs; when None it
        queries the current values itself (one query per 200 records).
    memo_field: for a guarded "update", the field in ``fields`` holding the JSON memo of
        the values the service wrote to guarded fields (e.g. Radar_Last_Written__c). A
        field skipped for a human edit keeps its previous memo entry, so the memo never
        claims a value that was not written.
    natural_key: for "create", fields that identify an equal existing record (e.g.
        ("OpportunityId", "ContactId", "Role") for OpportunityContactRole); the writer
        queries them first so that replays create nothing twice.
    A field value ``parent_ref("KEY")`` stands for the id of the record written by the
    write whose ``ref`` is "KEY" in the same batch (e.g. the Opportunity of a contact role).
    """

    sobject: str
    op: Literal["update", "upsert", "create_once", "create"]
    fields: Mapping[str, Any]
    record_id: str | None = None
    external_id_field: str | None = None
    external_id: str | None = None
    dedupe_field: str | None = None
    dedupe_key: str | None = None
    guard: Mapping[str, Any] | None = None
    ref: str | None = None  # caller's handle for the outcome (e.g. the plan key)
    current: Mapping[str, Any] | None = None
    natural_key: tuple[str, ...] = ()
    memo_field: str | None = None


def parent_ref(ref: str) -> str:
    """A field value meaning "the id of the record written by the write with this ref"."""
    return "@{" + ref + ".id}"


@dataclass(frozen=True)
class RecordError:
    status_code: str
    message: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class WriteOutcome:
    write: RecordWrite
    status: Literal["created", "updated", "unchanged", "skipped_human_edit", "failed", "deferred"]
    record_id: str | None = None
    errors: tuple[RecordError, ...] = ()
