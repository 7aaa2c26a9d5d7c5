"""The strategic account plan of seed 002: health assessment (score, risk indicators,
relationship strength by stakeholder), objectives, expansion opportunities, stakeholder
map, growth strategy, resources, a 90-day engagement calendar and success metrics."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from detection.documents.common import bullet, heading, iso, join_lines, money, pct, wrap
from detection.findings import AccountFindings
from detection.hypotheses import explain_score, red_flags
from detection.snapshot import AccountSnapshot

ROLE_ORDER = (
    "Economic Buyer",
    "Decision Maker",
    "Champion",
    "Coach",
    "Influencer",
    "End User",
    "Blocker",
)
_OBJECTIVE_SIGNALS = {
    "org_growth": "Growing headcount",
    "business_event": "Business event",
    "new_department": "New team engaging",
    "leadership_change": "New leadership",
    "champion_promoted": "Champion's influence grew",
}


def engagement_calendar(
    snapshot: AccountSnapshot, findings: AccountFindings, today: date, days: int = 90
) -> list[tuple[date, str]]:
    """Dated touchpoints for the next ``days`` days, by date then text."""
    items: list[tuple[date, str]] = []
    names = {r.contact_id: r.name for r in findings.stakeholders.roles}
    champions = [names.get(c, c) for c in findings.stakeholders.champions]
    if any(
        c.priority and c.priority.lower() in ("high", "critical", "urgent") and not c.is_closed
        for c in snapshot.cases
    ):
        items.append(
            (
                today + timedelta(days=1),
                "CS: resolve the open high-priority cases before any expansion conversation",
            )
        )
    if champions:
        items.append(
            (
                today + timedelta(days=3),
                f"Champion 1:1 ({champions[0]}): priorities, satisfaction, appetite for expansion",
            )
        )
    if findings.stakeholders.thin_threading:
        items.append(
            (
                today + timedelta(days=7),
                "Multi-threading: ask for introductions to "
                "two more stakeholders (fewer than 3 active contacts)",
            )
        )
    depts = sorted(
        {s.department for s in findings.signals if s.type == "new_department" and s.department}
    )
    for dept in depts:
        items.append(
            (
                today + timedelta(days=10),
                f"Intro meeting with {dept} (new department), through the champion",
            )
        )
    qbr = snapshot.next_qbr_date
    if qbr is not None and 0 <= (qbr - today).days <= days:
        for offset, text in (
            (30, "QBR preparation starts (D-30): white-space map, value story"),
            (7, "QBR materials due (D-7)"),
            (0, "Quarterly business review"),
        ):
            when = qbr - timedelta(days=offset)
            if when >= today:
                items.append((when, text))
    else:
        items.append((today + timedelta(days=14), "Schedule the quarterly business review"))
    eb = [r.name for r in findings.stakeholders.roles if r.active and r.role == "Economic Buyer"]
    items.append(
        (
            today + timedelta(days=30),
            f"Executive sponsor meeting ({eb[0]})"
            if eb
            else "Identify and meet the economic buyer",
        )
    )
    renewal = snapshot.renewal_date
    if renewal is not None and 0 <= (renewal - today).days <= 180:
        start = max(today + timedelta(days=5), renewal - timedelta(days=90))
        if (start - today).days <= days:
            items.append((start, f"Renewal + expansion conversation (renewal {iso(renewal)})"))
    for week in (4, 8, 12):
        items.append((today + timedelta(weeks=week), "Usage and health review (CS)"))
    return sorted(i for i in items if 0 <= (i[0] - today).days <= days)


def account_plan(
    snapshot: AccountSnapshot,
    findings: AccountFindings,
    now: datetime,
    *,
    user_names: Mapping[str, str] | None = None,
) -> str:
    """The account plan as plain text (seed 002 "Expected Outputs").

    Args:
        snapshot: the account.
        findings: this scan's findings.
        now: scan time (dates of the calendar count from its day).
        user_names: user id -> name, for the AE and CS owner.
    """
    today = now.date()
    names = user_names or {}
    ws = findings.white_space
    acv = ws.current_acv if ws else (snapshot.arr or 0.0)
    health = findings.health
    lines = heading(f"Account plan: {snapshot.name} ({snapshot.tier or 'no tier'}), {iso(today)}")
    renewal = (
        f"{iso(snapshot.renewal_date)} ({(snapshot.renewal_date - today).days} days)"
        if snapshot.renewal_date
        else "n/a"
    )
    lines.append(
        f"AE: {names.get(snapshot.owner_id or '', snapshot.owner_id or 'n/a')} | "
        f"CS: {names.get(snapshot.csm_id or '', snapshot.csm_id or 'n/a')} | "
        f"ACV: {money(acv)} | Renewal: {renewal}"
    )

    lines += ["", "1. Account health assessment"]
    score = "n/a" if health.score is None else f"{health.score:.0f}"
    lines += bullet(f"Overall score: {score} ({health.band}, {health.source} score)", "   ", "-")
    for factor in health.top_factors:
        lines += bullet(f"{factor.name}: {factor.score:.0f} ({factor.note})", "     ", "-")
    lines.append("   Risk indicators and red flags:")
    flags = red_flags(snapshot, findings.signals, health, findings.stakeholders)
    for flag in flags or ("none found",):
        lines += bullet(flag, "     ", "-")
    sm = findings.stakeholders
    lines.append(f"   Relationship strength by stakeholder ({sm.active_contacts} active contacts):")
    for r in sorted(
        sm.roles, key=lambda r: ("Strong Medium Weak None".split().index(r.relationship), r.name)
    ):
        last = iso(r.last_activity) if r.last_activity else "no activity"
        lines += bullet(
            f"{r.name}{', ' + r.title if r.title else ''}: {r.relationship} "
            f"(last activity {last}; {r.role or 'no role'})",
            "     ",
            "-",
        )

    lines += ["", "2. Customer objectives and vision"]
    seen = [s for s in findings.signals if s.type in _OBJECTIVE_SIGNALS]
    for s in seen:
        lines += bullet(f"{_OBJECTIVE_SIGNALS[s.type]}: {s.evidence.summary}", "   ", "-")
    lines += bullet(
        "[AE: confirm the customer's top priorities for the next 12 months]", "   ", "-"
    )

    lines += ["", "3. Expansion opportunities"]
    if ws is not None:
        share = ws.potential / ws.current_acv if ws.current_acv else None
        lines += bullet(
            f"Weighted white-space potential {money(ws.potential)} ({pct(share)} of ACV);"
            f" total addressable {money(ws.total_addressable)}", "   ", "-"
        )
        for cell in ws.cells:
            if cell.status == "Active" and (cell.adoption or "adoption risk" in
                                            (cell.upgrade_room or "")):
                detail = "; ".join(x for x in (cell.adoption, cell.upgrade_room) if x)
                lines += bullet(f"Adoption, {cell.product_name}: {detail}", "   ", "-")
    for h in findings.hypotheses:
        lines += bullet(
            f"#{h.rank} {h.title} ({h.approach}), est. {money(h.estimated_value)}"
            f"/yr; {explain_score(h)}",
            "   ",
            "-",
        )
        for ev in h.evidence:
            lines += bullet(ev, "     ", "·")
    if not findings.hypotheses:
        lines += bullet("No evidence-backed hypothesis yet", "   ", "-")

    lines += ["", "4. Stakeholder map (MEDDICC)"]
    for role in ROLE_ORDER:
        people = [r.name for r in sm.roles if r.role == role and r.active]
        lines += bullet(
            f"{role}: {', '.join(people) if people else '[gap: none identified]'}", "   ", "-"
        )

    lines += ["", "5. Growth strategy recommendation"]
    lines += wrap(f"Play: {findings.routing.play} ({findings.routing.reason})", "   ")
    if findings.hypotheses:
        top = findings.hypotheses[0]
        lines += wrap(f"Lead with {top.approach}: {top.outreach_angle}", "   ")

    lines += ["", "6. Resource allocation"]
    lines += bullet("AE: owns the expansion strategy, QBR and commercial conversations", "   ", "-")
    lines += bullet(
        "CS: usage reviews, adoption plan, relationship with day-to-day users", "   ", "-"
    )
    if snapshot.tier == "T1":
        lines += bullet("Executive sponsor: meets the economic buyer once a quarter", "   ", "-")

    lines += ["", "7. Engagement calendar (next 90 days)"]
    for when, text in engagement_calendar(snapshot, findings, today):
        lines += wrap(f"{iso(when)}  {text}", "   ", "               ")

    lines += ["", "8. Success metrics"]
    target_contacts = 5 if snapshot.tier == "T1" else 3
    lines += bullet(f"Health stays Green (>= 70); now {score}", "   ", "-")
    lines += bullet(f"Active contacts >= {target_contacts}; now {sm.active_contacts}", "   ", "-")
    lines += bullet("QBR held this quarter (T1 goal: 100%)", "   ", "-")
    lines += bullet(f"Expansion revenue >= 20% of ACV a year: {money(0.2 * acv)}", "   ", "-")
    lines += bullet("Signal -> handoff < 14 days; handoff -> close < 45 days", "   ", "-")
    return join_lines(lines)
