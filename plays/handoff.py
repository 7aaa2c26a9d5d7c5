"""Play 04 step 3: the CS -> AE handoff, once CS (or the AE on a Play 02 alert) has
qualified the signal.

When a `follow_up` or `play02_alert` Task carries at least 4 of its 5 qualification fields,
the service creates the S2 Opportunity (keyed on the Task, so replays upsert the same
record), its contact roles, the 15-minute CS+AE alignment within two business days, asks the
CS owner to review the handoff document (seed 001: "Agent 자동 생성, CS 검토"), and completes
the Task. In confirm-first orgs the CS owner first gets the draft and ticks Handoff
Confirmed on the follow-up; only then does the handoff happen.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from detection.deal_sizing import DealSize
from detection.documents.handoff import (
    HandoffContacts,
    Qualification,
    handoff_document,
    pick_handoff_contacts,
)
from detection.documents.outcomes import last_qbr, measured_outcomes, relationship_since
from detection.findings import AccountFindings
from detection.meddicc import map_meddicc
from detection.snapshot import AccountSnapshot, Activity, Contact
from plays import fields as F
from plays import keys
from plays.config import PlaysConfig
from plays.plan import PlannedWrite, WritePlan
from plays.tasks import COMPLETED, clip, meeting, task

QUALIFYING_ACTIONS = ("follow_up", "play02_alert")
# 16:00 UTC: morning in the Americas, afternoon in Europe; the AE moves it as they like.
ALIGNMENT_TIME = time(16, 0)


def qualified(task_: Activity, config: PlaysConfig | None = None) -> bool:
    """A follow-up (or AE Play 02 alert) qualified enough (4 of 5 fields), still open."""
    config = config or PlaysConfig()
    return (task_.radar_action in QUALIFYING_ACTIONS and task_.status != COMPLETED
            and Qualification.from_task(task_).filled() >= config.handoff_min_qualification)


def ready_for_handoff(follow_up: Activity, config: PlaysConfig | None = None) -> bool:
    """Qualified, and — in confirm-first orgs — confirmed by CS after reading the draft."""
    config = config or PlaysConfig()
    if not qualified(follow_up, config):
        return False
    return config.handoff_mode != "confirm_first" or bool(follow_up.handoff_confirmed)


def needs_draft(follow_up: Activity, config: PlaysConfig | None = None) -> bool:
    """Confirm-first: qualified but not confirmed yet, so CS gets the draft to read."""
    config = config or PlaysConfig()
    return (config.handoff_mode == "confirm_first" and qualified(follow_up, config)
            and not follow_up.handoff_confirmed)


def add_business_days(day: date, days: int) -> date:
    """``day`` plus ``days`` working days (Saturday and Sunday skipped)."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


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


def _document(snapshot: AccountSnapshot, findings: AccountFindings, follow_up: Activity,
              contacts: HandoffContacts, today: date, *, deal_size: float, cs_name: str,
              amount_basis: str | None, review_note: str,
              expansion_type: str | None = None) -> str:
    return handoff_document(
        snapshot, findings, qualification=Qualification.from_task(follow_up), contacts=contacts,
        deal_size=deal_size, handoff_date=today, cs_owner_name=cs_name,
        account_since=relationship_since(snapshot), last_qbr=last_qbr(snapshot, today),
        key_wins=[o.text for o in measured_outcomes(snapshot, findings, today)],
        amount_basis=amount_basis, review_note=review_note, expansion_type=expansion_type)


def plan_handoff_draft(
    snapshot: AccountSnapshot,
    findings: AccountFindings,
    follow_up: Activity,
    now: datetime,
    config: PlaysConfig | None = None,
    *,
    estimated_deal_size: float,
    cs_owner_name: str = "",
    amount_basis: str | None = None,
    deal: DealSize | None = None,
) -> WritePlan:
    """Confirm-first: the draft handoff for the CS owner to read (one Task per follow-up);
    ticking Handoff Confirmed on the follow-up then creates the opportunity."""
    config = config or PlaysConfig()
    plan = WritePlan(account_id=snapshot.id)
    if not needs_draft(follow_up, config):
        return plan
    today = now.date()
    contacts = pick_contacts(snapshot, findings, follow_up)
    cs = cs_owner_name or "the CS owner"
    document = _document(snapshot, findings, follow_up, contacts, today,
                         deal_size=deal.amount if deal is not None else estimated_deal_size,
                         cs_name=cs_owner_name,
                         amount_basis=deal.basis if deal is not None else amount_basis,
                         review_note=f"draft for {cs} to confirm; no opportunity exists yet.",
                         expansion_type=deal.deal_type if deal is not None else None)
    plan.add(task(
        key=keys.handoff_draft(follow_up.id),
        action="handoff_review",
        subject=f"Review the handoff draft: {snapshot.name}",
        owner_id=follow_up.owner_id or snapshot.csm_id or snapshot.owner_id,
        account_id=snapshot.id,
        due=today + timedelta(days=1),
        priority="High",
        description=("Read the draft below. If it is right, tick Handoff Confirmed on the "
                     "follow-up Task and the AE gets the S2 opportunity with this document; "
                     "if not, correct the qualification fields first.\n\n" + document),
        limit=config.task_description_limit,
    ))
    return plan


def plan_handoff(
    snapshot: AccountSnapshot,
    findings: AccountFindings,
    follow_up: Activity,
    now: datetime,
    config: PlaysConfig | None = None,
    *,
    estimated_deal_size: float,
    cs_owner_name: str = "",
    ae_name: str = "",
    competitors: tuple[str, ...] = (),
    amount_basis: str | None = None,
    deal: DealSize | None = None,
) -> WritePlan:
    """The writes of one handoff (empty when the Task is not ready or was already handed
    off).

    Args:
        estimated_deal_size: the Opportunity amount (top hypothesis / white-space estimate).
        cs_owner_name: shown in the handoff document.
        ae_name: the AE, named in the alignment and review Tasks.
        competitors: competitors seen at the account, for the Competition MEDDICC field.
        amount_basis: how the amount was reached, shown under the deal size.
        deal: product, type and bounded amount from the customer's ask
            (detection.deal_sizing); when given it wins over ``estimated_deal_size`` and
            its arithmetic goes into the handoff document.
    """
    config = config or PlaysConfig()
    plan = WritePlan(account_id=snapshot.id)
    if not ready_for_handoff(follow_up, config):
        return plan
    today: date = now.date()
    meet_by = add_business_days(today, config.alignment_business_days)
    cs = cs_owner_name or "the CS owner"
    ae = ae_name or "the AE"
    if config.handoff_mode == "confirm_first":
        review = f"confirmed by {cs} before the handoff."
    else:
        review = (f"drafted by Expansion Radar from the CRM and the qualification; {cs} reviews "
                  f"and edits it here before the CS+AE alignment (by {meet_by.isoformat()}).")
    contacts = pick_contacts(snapshot, findings, follow_up)
    amount = deal.amount if deal is not None else estimated_deal_size
    document = _document(snapshot, findings, follow_up, contacts, today,
                         deal_size=amount, cs_name=cs_owner_name,
                         amount_basis=deal.basis if deal is not None else amount_basis,
                         review_note=review,
                         expansion_type=deal.deal_type if deal is not None else None)
    opp_key = keys.handoff_opportunity(follow_up.id)
    if deal is not None:
        product = f"{deal.deal_type}: {deal.product_name}"
    else:
        product = findings.hypotheses[0].title if findings.hypotheses else "Expansion"
    opp_name = f"{snapshot.name} — {product}"[:120]
    meddicc = map_meddicc(
        pain=follow_up.qual_pain, metrics=follow_up.qual_metrics,
        timeline=follow_up.qual_timeline, decision_maker=follow_up.qual_decision_maker,
        economic_buyer_contact=_name(contacts.decision_maker),
        champion=_name(contacts.champion), competitors=competitors)
    plan.add(PlannedWrite(
        object="opportunity", op="upsert", key=opp_key,
        fields={
            F.OPP_KEY: opp_key,
            F.OPP_NAME: opp_name,
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
    # The 15-minute CS+AE alignment (seed 001 step 4) is a meeting with both of them: the
    # AE owns the Event, the CS owner is invited through an EventRelation.
    for write in meeting(
        key=keys.handoff_alignment(follow_up.id),
        action="handoff_alignment",
        subject=f"15-min CS+AE alignment: {snapshot.name} expansion handoff",
        owner_id=snapshot.owner_id,
        account_id=snapshot.id,
        start=datetime.combine(meet_by, ALIGNMENT_TIME, tzinfo=UTC),
        minutes=15,
        attendees=(_cs_user(snapshot, follow_up),),
        description=(f"{cs[:1].upper()}{cs[1:]} and {ae}, 15 minutes (seed 001 step 4). "
                     "Agenda: context transfer (relationship history, communication style, "
                     "sensitivities); account politics (internal dynamics, blockers, competing "
                     f"vendors); joint approach ({cs} introduces {ae} as the specialist); meeting "
                     "plan (first meeting date, attendees, agenda); role clarity (CS and AE from "
                     "here on).\n\n" + document),
        limit=config.task_description_limit,
    ):
        plan.add(write)
    if config.handoff_mode != "confirm_first":
        plan.add(task(
            key=keys.handoff_review(follow_up.id),
            action="handoff_review",
            subject=f"Review the handoff document: {opp_name}"[:255],
            owner_id=_cs_user(snapshot, follow_up),
            account_id=snapshot.id,
            due=meet_by,
            description=(f"{ae[:1].upper()}{ae[1:]} got the S2 opportunity \"{opp_name}\". Read its handoff "
                         "document (the opportunity's Description) before the CS+AE alignment "
                         f"on {meet_by.isoformat()} and correct anything that is off, above all "
                         "the CS recommendation; Radar never overwrites an edit."),
            limit=config.task_description_limit,
        ))
    plan.add(PlannedWrite(object="task", op="update", key=f"complete:{follow_up.id}",
                          record_id=follow_up.id, fields={F.TASK_STATUS: COMPLETED},
                          reason="handed off to the AE"))
    return plan


def _cs_user(snapshot: AccountSnapshot, follow_up: Activity) -> str | None:
    """The CS owner: whoever holds the follow-up, or the account's CSM when the AE
    qualified their own Play 02 alert."""
    if follow_up.radar_action == "follow_up" and follow_up.owner_id:
        return follow_up.owner_id
    return snapshot.csm_id or follow_up.owner_id


def _name(contact: Contact | None) -> str | None:
    if contact is None:
        return None
    return f"{contact.full_name}, {contact.title}" if contact.title else contact.full_name
