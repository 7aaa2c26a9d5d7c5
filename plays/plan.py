"""A plan of writes in the product's logical vocabulary, produced by the plays (pure) and
translated into `integration.contracts.RecordWrite`s by crm_mapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class PlannedWrite:
    """One intended change.

    Attributes:
        object: logical object ("account", "contact", "task", "opportunity",
            "opportunity_contact_role", "content_version").
        op: "update" an existing record (``record_id``), "upsert" on the object's
            idempotency key field, "create_once" deduplicated on ``key``, or "create".
        key: deterministic idempotency key, stable across replays and overlapping runs
            (e.g. "sig:001xx:usage_spike:2026-10").
        fields: logical field name -> value (e.g. {"task.radar_action": "follow_up"}).
        record_id: for updates.
        parent_key: for children of a record created by this plan (contact roles of a
            new Opportunity), the key of that parent.
    """

    object: str
    op: Literal["update", "upsert", "create_once", "create"]
    key: str
    fields: Mapping[str, Any]
    record_id: str | None = None
    parent_key: str | None = None
    reason: str = ""


@dataclass
class WritePlan:
    account_id: str
    writes: list[PlannedWrite] = field(default_factory=list)

    def add(self, write: PlannedWrite) -> None:
        self.writes.append(write)
