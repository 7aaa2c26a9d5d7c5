"""Outreach drafts of seed 003 prompt 5, addressed to the AE for approval.

Everything meant for the customer is written for the customer: no internal statistics,
no record ids, the customer's own ask first when CS recorded one. The service never sends
anything to a customer contact (DESIGN.md write rules; seed 000: "NEVER send outbound
messages to T1 contacts without AE approval"): the draft is written into a Task for the AE
and says so in its first line.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from detection.documents.common import DRAFT_BANNER, iso, join_lines, money
from detection.documents.facts import (
    CustomerAsk,
    contact_to_call,
    customer_ask,
    first_name,
    person,
    product_names,
)
from detection.documents.outcomes import measured_outcomes
from detection.findings import AccountFindings, Hypothesis
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
        "What is the {department} team trying to achieve this year?",
        "What has your own team's experience been that {department} should hear about?",
        "Would it help if we put together a short session for the {department} team?",
    ),
    "platform": (
        "Which of your current tools feel most disconnected from each other?",
        "What would consolidating on one platform change for your team?",
        "How does your company usually decide on platform-level investments?",
    ),
    "ask": (
        "Who would use it first, and what should they be able to do that they cannot today?",
        "What timing would work for you, and what needs to happen internally before then?",
        "Who else should be part of the conversation on your side?",
    ),
}
_RELATIONSHIP = {"Strong": "regular contact", "Medium": "good contact",
                 "Weak": "limited contact", "None": "needs re-activating"}
_BENEFIT = {
    "upsell": "add headroom before limits slow the team down",
    "cross-sell": "cover the adjacent need with a tool that already fits their setup",
    "land & expand": "bring a second team onto what already works for the first",
    "platform": "bring several tools together on one platform",
}


def pick_recipient(snapshot: AccountSnapshot, findings: AccountFindings,
                   hypothesis: Hypothesis | None) -> Contact | None:
    """Who the AE would write to: a contact the hypothesis involves, else the contact CS
    would call, else anyone still at the account; always someone with a first name."""
    present = {c.id: c for c in snapshot.contacts if not c.left_company and first_name(c)}
    for contact_id in hypothesis.contacts if hypothesis else ():
        if contact_id in present:
            return present[contact_id]
    call = contact_to_call(snapshot, findings)
    if call is not None and call.contact.id in present:
        return present[call.contact.id]
    return min(present.values(), key=lambda c: c.full_name) if present else None


def _topic(hypothesis: Hypothesis, products: dict[str, str]) -> tuple[str, str]:
    """(product words, department) the hypothesis is about, from the catalog names."""
    names = [products[p] for p in hypothesis.product_ids if p in products]
    title = hypothesis.title.split(": ", 1)[-1]
    department = title.rsplit(" for ", 1)[-1] if hypothesis.approach == "land & expand" else ""
    if not names:
        names = [title.rsplit(" for ", 1)[0].removeprefix("more ")]
    product = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return product, department


def _observation(findings: AccountFindings, hypothesis: Hypothesis, product: str,
                 department: str, products: dict[str, str]) -> str:
    """What the customer can recognise in their own situation, without internal numbers."""
    kinds = {s.type for s in findings.signals if s.product_id in hypothesis.product_ids}
    if hypothesis.approach == "land & expand" and department:
        return f"colleagues in {department} have started reaching out to us"
    if hypothesis.approach == "platform":
        return f"your team now uses {product} side by side"
    if hypothesis.approach == "upsell":
        if "capacity_limit" in kinds:
            return f"your team is now using most of its {product} licences"
        if "usage_spike" in kinds:
            return f"your team's use of {product} has grown quickly over the last months"
        return f"your team is getting a lot of use out of {product}"
    if "support_request_unpurchased" in kinds:
        return f"your team asked us about {product} recently"
    owned = [c.product_name for c in (findings.white_space.cells if findings.white_space else ())
             if c.status == "Active" and c.product_name != product]
    if owned:
        return f"teams that work with {owned[0]} the way you do often add {product} next"
    return f"{product} could fit well with how your team works today"


_ASKED = re.compile(r"^(?:the )?customer asked (?:us )?(for|about) (.+)$", re.I)
_MENTIONED = re.compile(r"^(?:the )?customer (?:mentioned|raised|talked about) (.+)$", re.I)


def _ask_words(ask: CustomerAsk) -> tuple[str, str, str]:
    """(subject, thank-you clause, topic) in the customer's terms for a recorded ask."""
    note = ask.text
    if m := _ASKED.match(note):
        topic = m.group(2)
        return (f"Your request {m.group(1)} {topic}", f"asking us {m.group(1)} {topic}", topic)
    if m := _MENTIONED.match(note):
        topic = m.group(1)
        return (f"Following up on {topic}", f"mentioning {topic} in our last conversation",
                topic)
    return ("Following up on your request", "the request you shared with us recently",
            "your request")


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
    """Seed 003 prompt 5 in five parts: pre-meeting email, opening talking points, how to
    present the hypothesis, three discovery questions and a follow-up message; marked
    DRAFT — NOT SENT. Anchored on the customer's own ask when CS recorded one.

    Raises:
        ValueError: when no contact with a first name can be addressed.
    """
    contact = contact if first_name(contact) else pick_recipient(snapshot, findings, hypothesis)
    name = first_name(contact)
    if contact is None or name is None:
        raise ValueError(f"no contact with a first name to address at {snapshot.name}")
    products = product_names(findings)
    product, department = _topic(hypothesis, products)
    ask = customer_ask(snapshot, findings)
    role = next((r for r in findings.stakeholders.roles if r.contact_id == contact.id), None)
    relationship = _RELATIONSHIP.get(role.relationship if role else "None", "needs re-activating")
    touch = role.last_activity if role and role.last_activity else contact.last_activity_date
    ae = ae_name.strip()
    sign = ["", "Best regards,", ae] if ae else ["", "Best regards,"]
    when = f"on {iso(meeting_date)}" if meeting_date else "in the next two weeks"
    outcomes = measured_outcomes(snapshot, findings, now.date())

    lines = [DRAFT_BANNER,
             f"For {ae + ' (AE)' if ae else 'the AE'} to review, edit and send; nothing has "
             "gone to the customer.",
             f"To: {person(contact)} at {snapshot.name} ({relationship}"
             + (f", last touch {iso(touch)})." if touch else ").")]
    if ask is not None:
        subject, thanks, topic = _ask_words(ask)
        lines.append(f'Anchored on what the customer asked for: "{ask.text}" '
                     f"(recorded {iso(ask.said_on)}).")
        observation = f"your request for {topic}" if topic != "your request" else "your request"
        body = [f"Thank you for {thanks}. Before I send anything, I would like to make sure it "
                "fits how your team works: who would use it, the timing, and what matters most "
                "to you.",
                "",
                f"Would you have 30 minutes {when} to go through it together? I will bring a "
                "first proposal and we can adjust it on the call."]
        questions = _QUESTIONS["ask"]
        angle = "Answer their request first; only then show how comparable teams set it up."
    else:
        observation = _observation(findings, hypothesis, product, department, products)
        subject = {"upsell": f"Room to grow on {product}",
                   "cross-sell": f"An idea about {product}",
                   "land & expand": f"{product} for the {department} team",
                   "platform": "Bringing your tools together"}[hypothesis.approach]
        topic = product
        benefit = ("" if observation.startswith("teams ") else
                   f" Teams in a similar position often use that moment to "
                   f"{_BENEFIT[hypothesis.approach]}.")
        body = [f"While preparing for our next conversation I noticed that {observation}."
                + benefit,
                "",
                f"Would you have 30 minutes {when} to look at it together? I will bring what we "
                "see and a couple of options; there is no decision to make in that meeting."]
        questions = _QUESTIONS[hypothesis.approach]
        angle = hypothesis.outreach_angle.strip()
    if ask is not None:
        lines.append(f"Proposal: what they asked for ({topic}); Radar's own hypothesis "
                     f"({hypothesis.title}, estimated {money(hypothesis.estimated_value)} a year) "
                     "can wait for a later conversation.")
    else:
        lines.append(f"Proposal: {hypothesis.title}, estimated "
                     f"{money(hypothesis.estimated_value)} a year (internal; not for the email).")
    lines += ["", "1. Pre-meeting email", f"Subject: {subject}", "", f"Hi {name},", ""]
    lines += body + sign
    lines += ["", "2. Opening talking points (first 3-5 minutes)"]
    lines.append(f"- Thank {name} for the partnership and name a result the team reached: "
                 f"{outcomes[0].text}." if outcomes else
                 f"- Thank {name} for the partnership and ask which result the team is proudest of.")
    lines.append(f"- Restate their request in their words ({topic}) and check nothing changed."
                 if ask else
                 f"- Share what you noticed: {observation}.")
    lines.append("- Ask whether that matches what they see on their side before proposing "
                 "anything.")
    lines += ["", "3. Presenting the hypothesis as an evidence-based insight",
              f"- Frame it as an observation, not a quota ask. {angle}",
              "- Use their own usage and results; leave other customers' figures out of the "
              "conversation."]
    lines += ["", "4. Three discovery questions"]
    for i, q in enumerate(questions, start=1):
        lines.append(f"{i}) {q.format(product=product, department=department)}")
    summary = (observation if ask is not None or not observation.startswith("teams ")
               else f"how {product} could fit next to what your team uses today")
    lines += ["", "5. Follow-up (interested, needs time to evaluate internally)",
              f"Subject: Following up on {topic}", "", f"Hi {name},", "",
              "Thank you for the open conversation. As promised, here is a short summary you "
              f"can share internally: {summary}, the options we discussed, and the next "
              "step we suggested. Happy to join a call with anyone else who should weigh in; "
              "there is no rush on our side."]
    lines += sign
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

