"""Play 04 / Play 02 / routing rules: one account's findings -> the writes they call for.

Pure: takes the snapshot (what the org holds now) and the findings, returns a WritePlan.
Every write has a deterministic key (plays.keys), and account/contact updates carry only
values that differ from what the org holds, so a second scan of an unchanged org plans
nothing but no-ops.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from detection.documents.account_plan import engagement_calendar
from detection.documents.champions import (
    arrival_brief,
    departure_brief,
    departure_risk,
    new_logo_brief,
)
from detection.documents.follow_up import follow_up_brief, play02_brief
from detection.findings import AccountFindings, ExpansionSignal
from detection.snapshot import AccountSnapshot, OrgContext
from plays import fields as F
from plays import keys
from plays.config import PlaysConfig
from plays.panel import panel_json
from plays.plan import PlannedWrite, WritePlan
from plays.tasks import COMPLETED, clip, end_of_week, evidence_lines, meeting, task, title

MEETING_TIME = time(16, 0)  # UTC: a working hour in the Americas and Europe; moved at will
ALERT_ACTIONS = {
    "health_decline": "health_decline",
    "champion_departed": "champion_departed",
    "competitive_threat": "competitive_threat",
    "thin_threading": "thin_threading",
}


def plan_account(
    snapshot: AccountSnapshot,
    findings: AccountFindings,
    ctx: OrgContext,
    now: datetime,
    config: PlaysConfig | None = None,
    *,
    white_space_text: str | None = None,
    qbr_brief: str | None = None,
    outreach: str | None = None,
) -> WritePlan:
    """Plan the writes one scan of one account calls for.

    Args:
        snapshot: the account as the org holds it now (current field values, radar Tasks).
        findings: detection's result for it.
        ctx: portfolio context (users, products).
        now: scan time (UTC).
        config: plays settings.
        white_space_text: the rendered white-space map (detection.whitespace), if any.
        qbr_brief: QBR agenda + value story text, for the qbr_prep Task.
        outreach: an outreach draft for the AE, for Strong accounts.

    Returns:
        The plan; empty writes when nothing needs to change.
    """
    config = config or PlaysConfig()
    today = now.date()
    plan = WritePlan(account_id=snapshot.id)
    cs_owner = snapshot.csm_id or snapshot.owner_id
    ae = snapshot.owner_id
    routing = findings.routing
    rescue = routing.play == "renewal_rescue"

    panel = panel_json(snapshot, findings, config.long_text_limit)
    _plan_account_fields(plan, snapshot, findings, now, white_space_text, panel, config)
    _plan_roles(plan, snapshot, findings)

    logged = [s for s in findings.signals if not (rescue and s.category == "expansion")]
    log_strength = findings.strength if findings.strength != "None" else None
    for signal in logged:
        plan.add(task(
            key=keys.signal_log(snapshot.id, signal.type, signal.episode),
            action="signal_log",
            subject=f"Signal: {title(signal.type)} — {snapshot.name}",
            owner_id=cs_owner,
            account_id=snapshot.id,
            due=signal.observed_on,
            status=COMPLETED,
            description=evidence_lines([signal]),
            signal_type=signal.type,
            strength=log_strength if signal.category == "expansion" else None,
            limit=config.task_description_limit,
        ))

    if rescue:
        plan.add(task(
            key=keys.renewal_rescue(snapshot.id, today),
            action="renewal_rescue",
            subject=f"Renewal rescue: {snapshot.name} ({findings.health.band} health)",
            owner_id=cs_owner,
            account_id=snapshot.id,
            due=today + timedelta(days=7),
            priority="High",
            description=_rescue_text(snapshot, findings),
            limit=config.task_description_limit,
        ))
    elif routing.play == "play04" and findings.strength in ("Strong", "Moderate"):
        _plan_follow_up(plan, snapshot, findings, today, cs_owner, config,
                        _name(ctx, snapshot.owner_id))
    elif routing.play == "play02" and findings.strength != "None" and ae:
        _plan_play02_alert(plan, snapshot, findings, today, ae, config)

    _plan_alerts(plan, snapshot, findings, today, cs_owner, ae, config)
    _plan_qbr(plan, snapshot, findings, today, ae, qbr_brief, config)
    if snapshot.tier == "T1" and not rescue:
        _plan_calendar(plan, snapshot, findings, today, cs_owner, ae, config)
    if (outreach and config.write_outreach_drafts and ae
            and findings.strength == "Strong" and not rescue and findings.hypotheses):
        top = findings.hypotheses[0]
        plan.add(task(
            key=keys.alert("outreach", snapshot.id,
                           f"{'+'.join(top.product_ids)}:{keys.quarter_of(today)}"),
            action="outreach_draft",
            subject=f"Approve outreach draft: {top.title}",
            owner_id=ae,
            account_id=snapshot.id,
            due=today + timedelta(days=config.strong_due_days),
            description=outreach,
            limit=config.task_description_limit,
        ))
    return plan


def _plan_account_fields(plan: WritePlan, snapshot: AccountSnapshot, findings: AccountFindings,
                         now: datetime, white_space_text: str | None, panel: str | None,
                         config: PlaysConfig) -> None:
    wanted: dict[str, object] = {F.ACCOUNT_READINESS: findings.routing.readiness}
    current: dict[str, object] = {F.ACCOUNT_READINESS: snapshot.expansion_readiness}
    if findings.white_space is not None:
        wanted[F.ACCOUNT_WHITE_SPACE_POTENTIAL] = round(findings.white_space.potential, 2)
        current[F.ACCOUNT_WHITE_SPACE_POTENTIAL] = (
            None if snapshot.white_space_potential is None
            else round(snapshot.white_space_potential, 2))
    if white_space_text is not None:
        wanted[F.ACCOUNT_WHITE_SPACE] = clip(white_space_text, config.long_text_limit)
        current[F.ACCOUNT_WHITE_SPACE] = snapshot.white_space_text
    if panel is not None and F.ACCOUNT_WHITE_SPACE_JSON not in snapshot.unavailable:
        wanted[F.ACCOUNT_WHITE_SPACE_JSON] = panel
        current[F.ACCOUNT_WHITE_SPACE_JSON] = snapshot.white_space_json
    changed = {name: value for name, value in wanted.items() if current.get(name) != value}
    if not changed:
        return
    # Last_Expansion_Scan__c marks when the analysis in the CRM last changed; writing it on
    # every scan would turn an unchanged scan into 1 write per account.
    changed[F.ACCOUNT_LAST_SCAN] = now
    plan.add(PlannedWrite(object="account", op="update", key=f"acct:{snapshot.id}",
                          record_id=snapshot.id, fields=changed, reason="analysis changed"))


def _plan_roles(plan: WritePlan, snapshot: AccountSnapshot, findings: AccountFindings) -> None:
    recorded = {c.id: c.meddicc_role for c in snapshot.contacts}
    for role in findings.stakeholders.roles:
        if role.role is None or recorded.get(role.contact_id):
            continue  # only fill empty roles; a recorded role is a human's judgement
        plan.add(PlannedWrite(object="contact", op="update", key=f"role:{role.contact_id}",
                              record_id=role.contact_id,
                              fields={F.CONTACT_MEDDICC_ROLE: role.role},
                              reason=role.role_reason))


def _plan_follow_up(plan: WritePlan, snapshot: AccountSnapshot, findings: AccountFindings,
                    today, cs_owner: str | None, config: PlaysConfig, ae_name: str) -> None:
    expansion = [s for s in findings.signals if s.category == "expansion"]
    open_follow_ups = [a for a in snapshot.activities
                       if a.radar_action == "follow_up" and a.status != COMPLETED]
    if open_follow_ups:
        return  # one open follow-up per account: CS is already on it
    strong = findings.strength == "Strong"
    due = today + timedelta(days=config.strong_due_days) if strong else end_of_week(today)
    plan.add(task(
        key=keys.follow_up(snapshot.id, [f"{s.type}:{s.episode}" for s in expansion]),
        action="follow_up",
        subject=f"{'Strong' if strong else 'Moderate'} expansion signal: {snapshot.name}",
        owner_id=cs_owner,
        account_id=snapshot.id,
        due=due,
        priority="High" if strong else "Normal",
        strength=findings.strength,
        description=follow_up_brief(snapshot, findings, due=due, ae_name=ae_name),
        limit=config.task_description_limit,
    ))


def _plan_alerts(plan: WritePlan, snapshot: AccountSnapshot, findings: AccountFindings, today,
                 cs_owner: str | None, ae: str | None, config: PlaysConfig) -> None:
    for signal in findings.signals:
        action = ALERT_ACTIONS.get(signal.type)
        if action is None:
            continue
        owners = _alert_owners(signal, snapshot, cs_owner, ae)
        for owner in owners:
            subject, text = _alert_text(snapshot, findings, signal, today)
            plan.add(task(
                key=keys.alert(action, snapshot.id, signal.episode, owner),
                action=action,
                subject=subject,
                owner_id=owner,
                account_id=snapshot.id,
                due=today + timedelta(days=1),
                priority="High" if signal.category == "risk" else "Normal",
                description=text,
                limit=config.task_description_limit,
            ))
    for move in findings.stakeholders.departed_champions:
        if not move.new_account_id or move.new_account is None:
            continue
        plan.add(task(
            key=keys.alert("new_logo_lead", snapshot.id, move.contact_id),
            action="new_logo_lead",
            subject=f"{'Champion lead' if move.new_account.is_customer else 'New-logo lead'}: "
                    f"{move.name} moved from {snapshot.name} to {move.new_account.name}",
            owner_id=ae,
            account_id=move.new_account_id,
            who_id=move.new_contact_id,
            due=today + timedelta(days=7),
            description=new_logo_brief(snapshot, move, today),
        ))
    for move in findings.stakeholders.arrived_champions:
        plan.add(task(
            key=keys.alert("champion_arrived", snapshot.id, move.contact_id),
            action="champion_arrived",
            subject=f"{move.name}, a champion at {move.from_account_name or 'another customer'}, "
                    f"joined {snapshot.name}",
            owner_id=ae,
            account_id=snapshot.id,
            due=today + timedelta(days=7),
            who_id=move.new_contact_id,
            description=arrival_brief(snapshot, move),
        ))


def _alert_text(snapshot: AccountSnapshot, findings: AccountFindings,
                signal: ExpansionSignal, today) -> tuple[str, str]:
    """(subject, description) of a risk or recommendation alert."""
    if signal.type == "champion_departed":
        move = next((m for m in findings.stakeholders.departed_champions
                     if m.contact_id == signal.contact_id), None)
        if move is not None:
            risk = departure_risk(snapshot, findings, move, today)
            return (f"Champion left {snapshot.name}: {move.name} ({risk.level} risk)",
                    departure_brief(snapshot, findings, move, today))
    return f"{title(signal.type)}: {snapshot.name}", evidence_lines([signal])


def _alert_owners(signal: ExpansionSignal, snapshot: AccountSnapshot, cs_owner: str | None,
                  ae: str | None) -> list[str]:
    if signal.type == "thin_threading":
        owners = [ae]  # a multi-threading recommendation is the AE's
    elif signal.type == "health_decline" and snapshot.tier != "T1":
        owners = [cs_owner]
    else:
        owners = [cs_owner, ae]
    seen: list[str] = []
    for owner in owners:
        if owner and owner not in seen:
            seen.append(owner)
    return seen


def _plan_qbr(plan: WritePlan, snapshot: AccountSnapshot, findings: AccountFindings, today,
              ae: str | None, qbr_brief: str | None, config: PlaysConfig) -> None:
    qbr = snapshot.next_qbr_date
    if qbr is None or not findings.routing.play02_eligible:
        return
    days = (qbr - today).days
    if not 0 <= days <= config.qbr_prep_lead_days:
        return
    booked = any(a.kind == "Event" and a.activity_date == qbr and a.radar_action is None
                 and a.subject and "qbr" in a.subject.lower() for a in snapshot.activities)
    if not booked:  # seed 000: the QBR is a Meeting; the AE owns it, CS attends
        for write in meeting(
            key=keys.qbr_meeting(snapshot.id, qbr), action="qbr_meeting",
            subject=f"QBR: {snapshot.name}", owner_id=ae, account_id=snapshot.id,
            start=datetime.combine(qbr, MEETING_TIME, tzinfo=UTC), minutes=50,
            attendees=(snapshot.csm_id,),
            description=("Quarterly business review (50 minutes): partnership results, "
                         "utilisation, strategic growth, next quarter plan, executive "
                         "alignment. The agenda and value story are on the QBR preparation "
                         "Task and in the QBR brief file."),
            limit=config.task_description_limit):
            plan.add(write)
    plan.add(task(
        key=keys.qbr_prep(snapshot.id, qbr),
        action="qbr_prep",
        subject=f"QBR prep (D-{days}): {snapshot.name} on {qbr.isoformat()}",
        owner_id=ae,
        account_id=snapshot.id,
        due=max(today, qbr - timedelta(days=config.qbr_materials_due_days)),
        priority="High",
        description=qbr_brief or "QBR agenda and value story: see the account plan file.",
        limit=config.task_description_limit,
    ))


def _plan_calendar(plan: WritePlan, snapshot: AccountSnapshot, findings: AccountFindings,
                   today, cs_owner: str | None, ae: str | None, config: PlaysConfig) -> None:
    """The account plan's engagement calendar (seed 002) as Tasks for their owners. Keys
    hold the item and the quarter, not the day: a rescan tomorrow finds the same items
    and writes nothing; the QBR itself is the Event above."""
    for day, text in engagement_calendar(snapshot, findings, today):
        if "quarterly business review" in text.lower():
            continue
        owner = cs_owner if text.startswith("CS:") else ae
        plan.add(task(
            key=keys.alert("plan", snapshot.id, f"{keys.quarter_of(today)}:{keys.digest_of([text])}"),
            action="account_plan_item",
            subject=f"Account plan: {text.removeprefix('CS: ')}"[:255],
            owner_id=owner, account_id=snapshot.id, due=day,
            description=(f"From the account plan of {snapshot.name} (engagement calendar, "
                         f"next 90 days): {text.removeprefix('CS: ')}."),
            limit=config.task_description_limit))


def _name(ctx: OrgContext, user_id: str | None) -> str:
    """A user's name ("" when unknown: a text then says "the AE", never an id)."""
    return next((u.name for u in ctx.users if u.id == user_id), "") if user_id else ""


def _plan_play02_alert(plan: WritePlan, snapshot: AccountSnapshot, findings: AccountFindings,
                       today, ae: str, config: PlaysConfig) -> None:
    """Seed 000: on a T1 Play 02 account a signal episode alerts the AE (one Task per
    episode). The AE qualifies on it with the same five fields as CS's follow-up, and the
    same handoff turns it into the S2 opportunity."""
    expansion = [s for s in findings.signals if s.category == "expansion"]
    if not expansion:
        return
    open_tasks = [a for a in snapshot.activities if a.radar_action in ("play02_alert", "follow_up")
                  and a.status != COMPLETED]
    if open_tasks:
        return  # one open qualification Task per account
    plan.add(task(
        key=keys.alert("play02", snapshot.id, keys.digest_of(f"{s.type}:{s.episode}" for s in expansion)),
        action="play02_alert",
        subject=f"Play 02 signal for the AE: {snapshot.name}",
        owner_id=ae,
        account_id=snapshot.id,
        due=today + timedelta(days=config.strong_due_days),
        priority="High" if findings.strength == "Strong" else "Normal",
        strength=findings.strength,
        description=play02_brief(snapshot, findings, due=today + timedelta(days=config.strong_due_days)),
        limit=config.task_description_limit,
    ))


def _rescue_text(snapshot: AccountSnapshot, findings: AccountFindings) -> str:
    health = findings.health
    score = f" (health {health.score:.0f})" if health.score is not None else ""
    why = "" if health.band == "Red" else f", and {snapshot.name} is not a T1 account"
    factors = "\n".join(f"- {f.name[:1].upper()}{f.name[1:]}: {f.note}" for f in health.top_factors)
    return (f"{snapshot.name} is {health.band}{score}{why}: stabilise the relationship before "
            "any upsell, so it goes to renewal rescue, not to an expansion follow-up.\n"
            + (f"Top factors:\n{factors}\n" if factors else "")
            + (f"Renewal date: {snapshot.renewal_date.isoformat()}\n"
               if snapshot.renewal_date else ""))
