"""Defaults of the plays: who gets which Task, when it is due, how often it may repeat."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlaysConfig:
    """Every knob of the plays in one object (validated on creation).

    Attributes:
        strong_due_days: a Strong follow-up is due this many days after detection (48 h).
        qbr_prep_lead_days: the QBR preparation Task is created this many days before the QBR.
        qbr_materials_due_days: materials are due this many days before the QBR (D-7).
        handoff_min_qualification: qualification fields CS must fill before the handoff (4 of 5).
        handoff_close_days: the new Opportunity's close date, days after the handoff.
        sla_follow_up_hours: a Strong follow-up still open after this long escalates.
        sla_signal_to_handoff_days / sla_handoff_to_close_days: stalled-opportunity limits.
        write_outreach_drafts: give the AE an outreach draft for Strong accounts.
        long_text_limit: the org's long text area limit (White_Space__c, Description).
        handoff_mode: "review" (default, seed 001's trigger: the handoff happens at 4 of 5
            fields and the CS owner reviews the document on the Opportunity before the
            alignment meeting) or "confirm_first" (CS gets the draft first and ticks Handoff
            Confirmed on the follow-up; only then is the Opportunity created).
        digest_cadence: "daily" (seed 001: daily signal digest) or "weekly".
        alignment_business_days: the CS+AE alignment is due within this many business days.
    """

    strong_due_days: int = 2
    qbr_prep_lead_days: int = 30
    qbr_materials_due_days: int = 7
    handoff_min_qualification: int = 4
    handoff_close_days: int = 45
    sla_follow_up_hours: int = 48
    sla_signal_to_handoff_days: int = 14
    sla_handoff_to_close_days: int = 45
    write_outreach_drafts: bool = True
    long_text_limit: int = 131072
    task_description_limit: int = 32000
    handoff_mode: str = "review"
    digest_cadence: str = "daily"
    alignment_business_days: int = 2

    def __post_init__(self) -> None:
        if not 1 <= self.handoff_min_qualification <= 5:
            raise ValueError("handoff_min_qualification must be between 1 and 5")
        for name in ("strong_due_days", "qbr_prep_lead_days", "qbr_materials_due_days",
                     "handoff_close_days", "sla_follow_up_hours"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.handoff_mode not in ("review", "confirm_first"):
            raise ValueError("handoff_mode must be 'review' or 'confirm_first'")
        if self.digest_cadence not in ("daily", "weekly"):
            raise ValueError("digest_cadence must be 'daily' or 'weekly'")
        if self.qbr_materials_due_days > self.qbr_prep_lead_days:
            raise ValueError("QBR materials cannot be due before the preparation starts")
