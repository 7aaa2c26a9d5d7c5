"""The CS -> AE handoff document in seed 001's layout (Opportunity.Description).

Plain text with the seed's sections and labels; the seed's box is left out because
Salesforce shows the description in a proportional font, where right borders never line up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from detection.documents.common import (
    WIDTH,
    bullet,
    contact_label,
    iso,
    join_lines,
    money,
    wrap,
)
from detection.findings import AccountFindings, StakeholderMap
from detection.formatting import signal_label
from detection.snapshot import AccountSnapshot, Activity, Contact

_EXPANSION_TYPE = {
    "upsell": "Upsell",
    "cross-sell": "Cross-sell",
    "land & expand": "New Dept",
    "platform": "Cross-sell (platform bundle)",
}
NOT_CONFIRMED = "[not confirmed yet]"


@dataclass(frozen=True, slots=True)
class Qualification:
    """The five fields CS fills on the follow_up Task (seed 001 step 2)."""

    pain: str | None = None
    metrics: str | None = None
    timeline: str | None = None
    decision_maker: str | None = None
    budget: str | None = None

    @classmethod
    def from_task(cls, task: Activity) -> Qualification:
        return cls(
            task.qual_pain,
            task.qual_metrics,
            task.qual_timeline,
            task.qual_decision_maker,
            task.qual_budget,
        )

    def filled(self) -> int:
        """How many of the five carry text (4 or more trigger the handoff)."""
        values = (self.pain, self.metrics, self.timeline, self.decision_maker, self.budget)
        return sum(1 for v in values if v and v.strip())


@dataclass(frozen=True, slots=True)
class HandoffContacts:
    decision_maker: Contact | None = None
    champion: Contact | None = None
    day_to_day: Contact | None = None


def pick_handoff_contacts(
    snapshot: AccountSnapshot, stakeholders: StakeholderMap | None
) -> HandoffContacts:
    """Decision maker (Economic Buyer, else Decision Maker), the first active champion,
    and the most recently active other contact as the day-to-day one."""
    if stakeholders is None:
        return HandoffContacts()
    by_id = {c.id: c for c in snapshot.contacts}
    active = [r for r in stakeholders.roles if r.active]
    dm = next((r for r in active if r.role == "Economic Buyer"), None) or next(
        (r for r in active if r.role == "Decision Maker"), None
    )
    champ_id = stakeholders.champions[0] if stakeholders.champions else None
    taken = {champ_id, dm.contact_id if dm else None}
    others = sorted(
        (r for r in active if r.contact_id not in taken),
        key=lambda r: (-(r.last_activity.toordinal() if r.last_activity else 0), r.name),
    )
    return HandoffContacts(
        decision_maker=by_id.get(dm.contact_id) if dm else None,
        champion=by_id.get(champ_id) if champ_id else None,
        day_to_day=by_id.get(others[0].contact_id) if others else None,
    )


def _expansion_type(findings: AccountFindings) -> str:
    if findings.hypotheses:
        return _EXPANSION_TYPE[findings.hypotheses[0].approach]
    types = {s.type for s in findings.signals}
    if "new_department" in types:
        return "New Dept"
    if "support_request_unpurchased" in types:
        return "Cross-sell"
    return "Upsell"


def _recommendation(findings: AccountFindings, contacts: HandoffContacts) -> str:
    parts = []
    if contacts.champion is not None:
        parts.append(
            f"Have {contacts.champion.full_name} introduce the AE as the specialist; keep CS "
            "in the first meeting."
        )
    else:
        parts.append("No active champion on record: CS introduces the AE directly.")
    if findings.hypotheses:
        parts.append(f"Angle: {findings.hypotheses[0].outreach_angle}")
        flags = findings.hypotheses[0].red_flags
        if flags:
            parts.append("Watch: " + "; ".join(flags) + ".")
    return " ".join(parts) + " (Draft: CS to review and edit.)"


def handoff_document(
    snapshot: AccountSnapshot,
    findings: AccountFindings,
    *,
    qualification: Qualification,
    contacts: HandoffContacts,
    deal_size: float | None,
    handoff_date: date,
    cs_owner_name: str,
    account_since: int | None = None,
    last_qbr: date | None = None,
    key_wins: Sequence[str] = (),
    recommendation: str | None = None,
    amount_basis: str | None = None,
    expansion_type: str | None = None,
) -> str:
    """The handoff document of seed 001 step 3, as plain text.

    Args:
        snapshot: the account.
        findings: this scan's findings (signals, health, hypotheses).
        qualification: what CS confirmed on the follow-up Task.
        contacts: decision maker, champion and day-to-day contact.
        deal_size: estimated deal size (the Opportunity amount).
        handoff_date: the day of the handoff.
        cs_owner_name: the CS owner's name.
        account_since: year the relationship began.
        last_qbr: date of the last QBR.
        key_wins: successes with this account, in CS's words.
        recommendation: CS's advice; a draft is written from the findings when omitted.
        amount_basis: how the deal size was reached ("50 seats x $300 list = $15,000").
        expansion_type: the deal type read from the customer's ask (wins over the
            hypothesis' approach).
    """
    q = qualification
    health = findings.health.score
    lines = [
        "EXPANSION OPPORTUNITY HANDOFF",
        "=" * 50,
        f"Account: {snapshot.name} | Tier: {snapshot.tier or 'n/a'}",
        f"Current ACV: {money(findings.white_space.current_acv if findings.white_space else snapshot.arr)}"
        f" | Health Score: {'n/a' if health is None else f'{health:.0f}'}",
        f"CS Owner: {cs_owner_name} | Handoff Date: {iso(handoff_date)}",
        "-" * 50,
        f"EXPANSION TYPE: {expansion_type or _expansion_type(findings)}",
        "",
        "SIGNAL DETECTED:",
    ]
    expansion = sorted(
        (s for s in findings.signals if s.category == "expansion"),
        key=lambda s: (s.observed_on, s.type, s.episode),
    )
    for sig in expansion:
        lines += bullet(f"{signal_label(sig.type)}: {sig.evidence.summary}")
    if not expansion:
        lines += bullet("No expansion signal in this scan (qualified by CS directly)")
    lines += ["", "CUSTOMER NEED:"]
    lines += bullet(f"Pain: {q.pain or NOT_CONFIRMED}")
    lines += bullet(f"Desired Outcome: {q.metrics or NOT_CONFIRMED}")
    lines += bullet(f"Timeline: {q.timeline or NOT_CONFIRMED}")
    lines += bullet(f"Budget: {q.budget or NOT_CONFIRMED}")
    lines += ["", "KEY CONTACTS:"]
    dm = contacts.decision_maker
    dm_text = contact_label(dm.full_name if dm else None, dm.title if dm else None)
    if q.decision_maker:
        dm_text += f" (CS notes: {q.decision_maker})"
    lines += bullet(f"Decision Maker: {dm_text}")
    for label, person in (("Champion", contacts.champion), ("Day-to-day", contacts.day_to_day)):
        lines += bullet(
            f"{label}: {contact_label(person.full_name if person else None, person.title if person else None)}"
        )
    lines += ["", f"ESTIMATED DEAL SIZE: {money(deal_size)}"]
    if amount_basis:
        lines += wrap(f"How: {amount_basis}", "  ", "  ", width=WIDTH)
    lines += ["", "RELATIONSHIP CONTEXT:"]
    lines += bullet(f"Account relationship since: {account_since if account_since else 'n/a'}")
    lines += bullet(f"Last QBR: {iso(last_qbr)}")
    lines += bullet("Key wins/successes with this account:")
    for win in key_wins or ("[CS to add]",):
        lines += wrap(win, "  - ", "    ")
    lines += ["", "CS RECOMMENDATION:"]
    lines += wrap(recommendation or _recommendation(findings, contacts), width=WIDTH)
    return join_lines(lines)
