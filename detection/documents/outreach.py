"""Outreach drafts of seed 003 prompt 5, addressed to the AE for approval.

The service never sends anything to a customer contact (DESIGN.md write rules; seed 000:
"NEVER send outbound messages to T1 contacts without AE approval"): the draft is written
into a Task for the AE and says so in its first line.
"""

from __future__ import annotations

from datetime import date, datetime

from detection.documents.common import (
    DRAFT_BANNER,
    bullet,
    contact_label,
    iso,
    join_lines,
    money,
    wrap,
)
from detection.findings import AccountFindings, Hypothesis
from detection.hypotheses import explain_score
from detection.snapshot import AccountSnapshot, Contact

_QUESTIONS = {
    "upsell": (
        "What is driving the growth in how your team uses {product} right now?",
        "If usage keeps this pace, where would you expect to hit limits first?",
        "Who else would need to weigh in if you wanted more headroom this quarter?",
    ),
    "cross-sell": (
        "How does your team handle the work {product} would cover today, and what does "
        "that cost you?",
        "What would a good outcome look like six months from now?",
        "Who owns that problem internally, and how do they usually evaluate tools?",
    ),
    "land & expand": (
        "What is {department} trying to achieve this year?",
        "What has your own team's experience been that {department} should hear about?",
        "Would it help if we put together a short session for {department}?",
    ),
    "platform": (
        "Which of your current tools feel most disconnected from each other?",
        "What would consolidating on one platform change for your team?",
        "How does your company usually decide on platform-level investments?",
    ),
}


def _first_name(contact: Contact | None) -> str:
    if contact is None:
        return "[first name]"
    return contact.first_name or contact.last_name


def outreach_draft(
    snapshot: AccountSnapshot,
    findings: AccountFindings,
    hypothesis: Hypothesis,
    contact: Contact | None,
    *,
    ae_name: str,
    now: datetime,
    meeting_date: date | None = None,
) -> str:
    """Pre-meeting email, opening talking points, how to present the hypothesis, three
    discovery questions and a follow-up message, marked DRAFT — NOT SENT.

    Args:
        snapshot: the account.
        findings: this scan's findings (relationship strength, ACV).
        hypothesis: the expansion hypothesis to open.
        contact: the customer contact the AE would write to.
        ae_name: the AE who approves and sends it.
        now: when the draft is written.
        meeting_date: proposed meeting day, if one is planned.
    """
    role = next(
        (
            r
            for r in findings.stakeholders.roles
            if contact is not None and r.contact_id == contact.id
        ),
        None,
    )
    relationship = role.relationship if role else "unknown"
    product = hypothesis.title.split(": ", 1)[-1]
    department = product.rsplit(" for ", 1)[-1] if hypothesis.approach == "land & expand" else ""
    insight = customer_phrase(hypothesis.evidence[0])
    name = _first_name(contact)
    acv = findings.white_space.current_acv if findings.white_space else snapshot.arr
    who = contact_label(contact.full_name if contact else None, contact.title if contact else None)
    lines = [DRAFT_BANNER]
    lines += wrap(
        f"For approval by {ae_name} (AE). Nothing has been sent to the customer; review, "
        "edit and send it yourself if you agree."
    )
    lines += [
        "",
        *wrap(f"Account: {snapshot.name} | Contact: {who} | Relationship: {relationship}"),
    ]
    lines += wrap(
        f"Current ACV: {money(acv)} | Hypothesis: {hypothesis.title} "
        f"(est. {money(hypothesis.estimated_value)}/yr)"
    )
    lines += [f"Score: {explain_score(hypothesis)} | Written {iso(now)}", "Evidence:"]
    for ev in hypothesis.evidence:
        lines += bullet(ev, "  ", "-")

    when = f" on {iso(meeting_date)}" if meeting_date else " in the next two weeks"
    lines += [
        "",
        "1. Pre-meeting email",
        f"Subject: An idea from your {product} numbers",
        "",
        f"Hi {name},",
        "",
    ]
    lines += wrap(
        f"While preparing for our next conversation I noticed something worth sharing: "
        f"{insight}. Teams in a similar position often use that moment to "
        f"{_benefit(hypothesis)}."
    )
    lines.append("")
    lines += wrap(
        f"Would you have 30 minutes{when} to look at it together? I will bring the data "
        "and a couple of options; there is no decision to make in that meeting."
    )
    lines += ["", "Best regards,", ae_name]

    lines += ["", "2. Opening talking points (first 3-5 minutes)"]
    lines += bullet(
        f"Thank them for the partnership; name one concrete result they reached "
        f"(relationship {relationship.lower()}).",
        "  ",
        "-",
    )
    lines += bullet(f"Share what the data shows: {insight}.", "  ", "-")
    lines += bullet(
        "Ask whether that matches what they see on their side before proposing anything.", "  ", "-"
    )

    lines += ["", "3. Presenting the hypothesis as an evidence-based insight"]
    lines += bullet(
        f"Frame it as an observation, not a quota ask: {hypothesis.outreach_angle}", "  ", "-"
    )
    lines += bullet(
        "Show the numbers behind it (the evidence above) and how comparable "
        "customers approached it.",
        "  ",
        "-",
    )

    lines += ["", "4. Three discovery questions"]
    for i, q in enumerate(_QUESTIONS[hypothesis.approach], start=1):
        lines += wrap(q.format(product=product, department=department), f"  {i}) ", "     ")

    lines += [
        "",
        "5. Follow-up (interested, needs time to evaluate internally)",
        f"Subject: Following up on {product}",
        "",
        f"Hi {name},",
        "",
    ]
    lines += wrap(
        "Thank you for the open conversation. As promised, here is a short summary you can "
        f"share internally: what we observed ({insight}), the options we discussed, and an "
        f"estimate of {money(hypothesis.estimated_value)} a year. Happy to join a call with "
        "anyone else who should weigh in; no rush on our side."
    )
    lines += ["", "Best regards,", ae_name]
    return join_lines(lines)


def customer_phrase(evidence: str) -> str:
    """An evidence line without the map's internal label ("support case: ...")."""
    head, sep, rest = evidence.partition(": ")
    if sep and (head in _INTERNAL_LABELS or head.startswith("new department ")):
        return rest
    return evidence


_INTERNAL_LABELS = frozenset(
    (
        "support case",
        "new usage",
        "usage growth",
        "usage at capacity",
        "direct request",
        "mentioned in QBR",
        "Peers",
    )
)


def _benefit(h: Hypothesis) -> str:
    return {
        "upsell": "add headroom before limits slow their team down",
        "cross-sell": "solve the adjacent need with a tool that already fits their setup",
        "land & expand": "bring a second team onto what already works for the first",
        "platform": "bring several tools together on one platform",
    }[h.approach]
