"""Play 04 step 3: the CS -> AE handoff, once CS has qualified the signal.

When a `follow_up` Task carries at least 4 of its 5 qualification fields, the service
creates the S2 Opportunity (keyed on the Task, so replays upsert the same record), its
contact roles, the AE's 15-minute alignment Task, and completes the follow-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from detection.findings import AccountFindings
from detection.snapshot import AccountSnapshot, Activity, Contact
from plays import fields as F
from plays import keys
from plays.config import PlaysConfig
from plays.plan import PlannedWrite, WritePlan
from plays.tasks import COMPLETED, clip, task

QUALIFICATION = ("qual_pain", "qual_metrics", "qual_timeline", "qual_decision_maker",
                 "qual_budget")


def qualification_count(follow_up: Activity) -> int:
    return sum(1 for name in QUALIFICATION if (getattr(follow_up, name) or "").strip())


def ready_for_handoff(follow_up: Activity, config: PlaysConfig | None = None) -> bool:
    config = config or PlaysConfig()
    return (follow_up.radar_action == "follow_up"
            and qualification_count(follow_up) >= config.handoff_min_qualification)


@dataclass(frozen=True)
class HandoffContacts:
    decision_maker: Contact | None
    champion: Contact | None
    day_to_day: Contact | None


def pick_contacts(snapshot: AccountSnapshot, findings: AccountFindings,
                  follow_up: Activity) -> HandoffContacts:
    """Decision maker, champion and day-to-day contact, from recorded and inferred roles."""
    by_id = {c.id: c for c in snapshot.contacts if not c.left_company}
    roles = {r.contact_id: r for r in findings.stakeholders.roles}

    def first(*wanted: str) -> Contact | None:
        for name in wanted:
            for contact in by_id.values():
                role = contact.meddicc_role or (roles[contact.id].role
                                                if contact.id in roles else None)
                if role == name:
                    return contact
        return None

    named = (follow_up.qual_decision_maker or "").strip().lower()
    decision_maker = next((c for c in by_id.values() if named and c.full_name.lower() in named),
                          None) or first("Decision Maker", "Economic Buyer")
    champion = first("Champion")
    recent = sorted(
        (c for c in by_id.values() if c.last_activity_date),
        key=lambda c: (c.last_activity_date, c.id), reverse=True)
    day_to_day = by_id.get(follow_up.who_id or "") or (recent[0] if recent else None)
    return HandoffContacts(decision_maker, champion, day_to_day)


def plan_handoff(
    snapshot: AccountSnapshot,
    findings: AccountFindings,
    follow_up: Activity,
    now: datetime,
    render_document: Callable[..., str],
    config: PlaysConfig | None = None,
    *,
    estimated_deal_size: float,
    competitors: tuple[str, ...] = (),
) -> WritePlan:
    """The writes of one handoff (empty when the Task is not qualified enough).

    Args:
        render_document: detection.documents.handoff_document (passed in to keep this pure
            and testable); called with keyword arguments snapshot, findings, follow_up,
            contacts, deal_size, handoff_date.
        estimated_deal_size: the Opportunity amount (top hypothesis / white-space estimate).
    """
    config = config or PlaysConfig()
    plan = WritePlan(account_id=snapshot.id)
    if not ready_for_handoff(follow_up, config):
        return plan
    today: date = now.date()
    contacts = pick_contacts(snapshot, findings, follow_up)
    document = render_document(snapshot=snapshot, findings=findings, follow_up=follow_up,
                               contacts=contacts, deal_size=estimated_deal_size,
                               handoff_date=today)
    opp_key = keys.handoff_opportunity(follow_up.id)
    product = findings.hypotheses[0].title if findings.hypotheses else "Expansion"
    plan.add(PlannedWrite(
        object="opportunity", op="upsert", key=opp_key,
        fields={
            F.OPP_KEY: opp_key,
            F.OPP_NAME: f"{snapshot.name} — {product}"[:120],
            F.OPP_ACCOUNT_ID: snapshot.id,
            F.OPP_OWNER_ID: snapshot.owner_id,
            F.OPP_STAGE: F.STAGE_S2,
            F.OPP_CLOSE_DATE: today + timedelta(days=config.handoff_close_days),
            F.OPP_AMOUNT: round(estimated_deal_size, 2),
            F.OPP_TYPE: F.OPP_TYPE_EXPANSION,
            F.OPP_LEAD_SOURCE: F.LEAD_SOURCE_CS_EXPANSION,
            F.OPP_DESCRIPTION: clip(document, config.task_description_limit),
            F.OPP_METRICS: follow_up.qual_metrics,
            F.OPP_PAIN: follow_up.qual_pain,
            F.OPP_ECONOMIC_BUYER: _name(contacts.decision_maker) or follow_up.qual_decision_maker,
            F.OPP_CHAMPION: _name(contacts.champion),
            F.OPP_DECISION_CRITERIA: follow_up.qual_budget,
            F.OPP_DECISION_PROCESS: follow_up.qual_timeline,
            F.OPP_COMPETITION: ", ".join(competitors) or None,
        },
        reason="CS qualified the follow-up"))
    roles = [(contacts.decision_maker, "Decision Maker", True),
             (contacts.champion, "Champion", False),
             (contacts.day_to_day, "Day-to-day", False)]
    seen: set[str] = set()
    for contact, role, primary in roles:
        if contact is None or contact.id in seen:
            continue
        seen.add(contact.id)
        plan.add(PlannedWrite(
            object="opportunity_contact_role", op="create_once",
            key=keys.contact_role(opp_key, contact.id, role), parent_key=opp_key,
            fields={F.OCR_CONTACT_ID: contact.id, F.OCR_ROLE: role, F.OCR_IS_PRIMARY: primary},
            reason="handoff contact"))
    plan.add(task(
        key=keys.handoff_alignment(follow_up.id),
        action="handoff_alignment",
        subject=f"15-min CS+AE alignment: {snapshot.name} expansion handoff",
        owner_id=snapshot.owner_id,
        account_id=snapshot.id,
        due=today + timedelta(days=2),
        priority="High",
        description=("Agenda: context transfer, account politics, joint approach, meeting "
                     "plan, role clarity (seed 001 step 4).\n\n" + document),
        limit=config.task_description_limit,
    ))
    plan.add(PlannedWrite(object="task", op="update", key=f"complete:{follow_up.id}",
                          record_id=follow_up.id, fields={F.TASK_STATUS: COMPLETED},
                          reason="handed off to the AE"))
    return plan


def _name(contact: Contact | None) -> str | None:
    if contact is None:
        return None
    return f"{contact.full_name}, {contact.title}" if contact.title else contact.full_name
