"""Deterministic plain-text documents built from findings: the CS->AE handoff (seed 001),
the QBR agenda and value story (seed 000), the account plan (seed 002) and outreach drafts
(seed 003 prompt 5)."""

from detection.documents.account_plan import account_plan, engagement_calendar
from detection.documents.handoff import (
    HandoffContacts,
    Qualification,
    handoff_document,
    pick_handoff_contacts,
)
from detection.documents.outreach import outreach_draft
from detection.documents.qbr import peer_benchmark_lines, qbr_agenda, value_story

__all__ = [
    "HandoffContacts",
    "Qualification",
    "account_plan",
    "engagement_calendar",
    "handoff_document",
    "outreach_draft",
    "peer_benchmark_lines",
    "pick_handoff_contacts",
    "qbr_agenda",
    "value_story",
]
