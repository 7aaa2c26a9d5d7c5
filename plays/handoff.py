"""Play 04 step 3: the CS -> AE handoff, once CS has qualified the signal.

When a `follow_up` Task carries at least 4 of its 5 qualification fields, the service
creates the S2 Opportunity (keyed on the Task, so replays upsert the same record), its
contact roles, the AE's 15-minute alignment Task, and completes the follow-up.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from detection.deal_sizing import DealSize
from detection.documents.handoff import (
    HandoffContacts,
    Qualification,
    handoff_document,
    pick_handoff_contacts,
)
from detection.findings import AccountFindings
from detection.meddicc import map_meddicc
from detection.snapshot import AccountSnapshot, Activity, Contact
from plays import fields as F
from plays import keys
from plays.config import PlaysConfig
from plays.plan import PlannedWrite, WritePlan
from plays.tasks import COMPLETED, clip, task


def ready_for_handoff(follow_up: Activity, config: PlaysConfig | None = None) -> bool:
    """A follow-up Task CS has qualified enough (4 of 5 fields) and not yet handed off."""
    config = config or PlaysConfig()
    return (follow_up.radar_action == "follow_up" and follow_up.status != COMPLETED
            and Qualification.from_task(follow_up).filled() >= config.handoff_min_qualification)


def pick_contacts(snapshot: AccountSnapshot, findings: AccountFindings,
                  follow_up: Activity) -> HandoffContacts:
    """The stakeholder map's picks, with the decision maker CS named on the Task winning
    when it matches a contact of the account."""
    picked = pick_handoff_contacts(snapshot, findings.stakeholders)
    named = (follow_up.qual_decision_maker or "").strip().lower()
    if named:
        match = next((c for c in snapshot.contacts
                      if not c.left_company and c.full_name.lower() in named), None)
        if match is not None:
            return replace(picked, decision_maker=match)
    return picked


def plan_handoff(
    snapshot: AccountSnapshot,
    findings: AccountFindings,
    follow_up: Activity,
    now: datetime,
    config: PlaysConfig | None = None,
    *,
    estimated_deal_size: float,
    cs_owner_name: str = "",
    competitors: tuple[str, ...] = (),
    deal: DealSize | None = None,
) -> WritePlan:
    """The writes of one handoff (empty when the Task is not qualified enough or was
    already handed off).

    Args:
        estimated_deal_size: the Opportunity amount (top hypothesis / white-space estimate).
        cs_owner_name: shown in the handoff document.
        competitors: competitors seen at the account, for the Competition MEDDICC field.
        deal: product, type and bounded amount from the customer's ask
            (detection.deal_sizing); when given it wins over ``estimated_deal_size`` and
            its arithmetic goes into the handoff document.
    """
    config = config or PlaysConfig()
    plan = WritePlan(account_id=snapshot.id)
    if not ready_for_handoff(follow_up, config):
        return plan
    today: date = now.date()
    contacts = pick_contacts(snapshot, findings, follow_up)
    amount = deal.amount if deal is not None else estimated_deal_size
    document = handoff_document(
        snapshot, findings, qualification=Qualification.from_task(follow_up), contacts=contacts,
        deal_size=amount, handoff_date=today, cs_owner_name=cs_owner_name,
        last_qbr=_last_qbr(snapshot, today),
        amount_basis=deal.basis if deal is not None else None,
        expansion_type=deal.deal_type if deal is not None else None)
    opp_key = keys.handoff_opportunity(follow_up.id)
    if deal is not None:
        product = f"{deal.deal_type}: {deal.product_name}"
    else:
        product = findings.hypotheses[0].title if findings.hypotheses else "Expansion"
    meddicc = map_meddicc(
        pain=follow_up.qual_pain, metrics=follow_up.qual_metrics,
        timeline=follow_up.qual_timeline, decision_maker=follow_up.qual_decision_maker,
        economic_buyer_contact=_name(contacts.decision_maker),
        champion=_name(contacts.champion), competitors=competitors)
    plan.add(PlannedWrite(
        object="opportunity", op="upsert", key=opp_key,
        fields={
            F.OPP_KEY: opp_key,
            F.OPP_NAME: f"{snapshot.name} — {product}"[:120],
            F.OPP_ACCOUNT_ID: snapshot.id,
            F.OPP_OWNER_ID: snapshot.owner_id,
            F.OPP_STAGE: F.STAGE_S2,
            F.OPP_CLOSE_DATE: today + timedelta(days=config.handoff_close_days),
            F.OPP_AMOUNT: round(amount, 2),
            F.OPP_TYPE: deal.deal_type if deal is not None else F.OPP_TYPE_EXPANSION,
            F.OPP_LEAD_SOURCE: F.LEAD_SOURCE_CS_EXPANSION,
            F.OPP_DESCRIPTION: clip(document, config.task_description_limit),
            # each qualification field in the MEDDICC field it means (detection.meddicc)
            F.OPP_METRICS: meddicc.metrics,
            F.OPP_PAIN: meddicc.identified_pain,
            F.OPP_ECONOMIC_BUYER: meddicc.economic_buyer,
            F.OPP_CHAMPION: meddicc.champion,
            F.OPP_DECISION_CRITERIA: meddicc.decision_criteria,
            F.OPP_DECISION_PROCESS: meddicc.decision_process,
            F.OPP_COMPETITION: meddicc.competition,
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


def _last_qbr(snapshot: AccountSnapshot, today: date) -> date | None:
    dates = [a.activity_date for a in snapshot.activities
             if a.activity_date and a.activity_date <= today and a.subject
             and "qbr" in a.subject.lower() and not a.radar_action]
    return max(dates) if dates else None


def _name(contact: Contact | None) -> str | None:
    if contact is None:
        return None
    return f"{contact.full_name}, {contact.title}" if contact.title else contact.full_name
