"""The CS -> AE handoff document in seed 001's layout (Opportunity.Description).

Plain text with the seed's sections and labels; the seed's box is left out because
Salesforce shows the description in a proportional font, where right borders never line up.
Lines are soft-wrapped: one line per field, bullet or paragraph, so Salesforce wraps them
to the reader's window instead of breaking sentences at a fixed width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from detection.documents.common import iso, join_lines, money
from detection.documents.facts import (
    competitors_named,
    count,
    customer_ask,
    expansion_signals,
    join_names,
    open_urgent_cases,
    person,
    recent_touches,
    said_words,
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
NOT_CONFIRMED = "not confirmed in qualification yet"


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
        top = findings.hypotheses[0]
        product = top.title.split(": ", 1)[-1]
        return f"{_EXPANSION_TYPE[top.approach]} ({product})"
    types = {s.type for s in findings.signals}
    if "new_department" in types:
        return "New Dept"
    if "support_request_unpurchased" in types:
        return "Cross-sell"
    return "Upsell"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", '"')) else text + "."


def _paren(contact: Contact | None) -> str | None:
    """ "Dana Kim (VP Operations)": a name with its title inside a sentence."""
    if contact is None:
        return None
    return f"{contact.full_name} ({contact.title})" if contact.title else contact.full_name


def _tone(snapshot: AccountSnapshot, findings: AccountFindings, contacts: HandoffContacts,
          today: date) -> str:
    touches = recent_touches(snapshot, today)
    champ = _paren(contacts.champion)
    if touches >= 6:
        tone = f"The relationship is warm: {count(touches, 'logged touch', 'logged touches')}"
    elif touches:
        tone = f"The relationship is steady but quiet: {count(touches, 'logged touch', 'logged touches')}"
    else:
        tone = "The relationship has gone quiet: no logged touch"
    tone += " in the last 90 days"
    if champ:
        tone += (f", and {champ} is an active champion" if touches else
                 f", though {champ} is still an active champion")
    elif touches == 0:
        tone += ", so CS re-opens the conversation before the AE joins"
    return tone + "."


def _who_to_bring(contacts: HandoffContacts) -> str:
    champ, dm, daily = contacts.champion, contacts.decision_maker, contacts.day_to_day
    if champ is not None:
        text = (f"Have {champ.full_name} introduce the AE as the specialist and keep CS in the "
                "first meeting")
    elif daily is not None:
        text = (f"No active champion is on record, so CS introduces the AE to "
                f"{daily.full_name} directly")
    else:
        text = "No active contact is on record, so CS finds the right person before the AE joins"
    if dm is not None and (champ is None or dm.id != champ.id):
        text += f"; bring {_paren(dm)} in once the need is confirmed"
    return text + "."


def _risks(snapshot: AccountSnapshot, findings: AccountFindings, today: date) -> list[str]:
    out = []
    urgent = open_urgent_cases(snapshot)
    if urgent:
        subjects = join_names([f'"{s}"' for s in urgent[:2]])
        out.append(f"{count(len(urgent), 'high-priority case is', 'high-priority cases are')} "
                   f"still open ({subjects}); close {'it' if len(urgent) == 1 else 'them'} "
                   "before talking price.")
    rivals = competitors_named(findings)
    if rivals:
        out.append(f"{join_names(rivals)} {'was' if len(rivals) == 1 else 'were'} named in the "
                   "last 90 days; ask what they are evaluating before the AE prices anything.")
    types = {s.type for s in findings.signals}
    if "health_decline" in types:
        out.append("The health score dropped recently; confirm nothing is going wrong first.")
    if snapshot.renewal_date and 0 <= (snapshot.renewal_date - today).days <= 180:
        out.append(f"The renewal is due on {snapshot.renewal_date.isoformat()}; fold the "
                   "expansion into the renewal conversation rather than running two.")
    active = findings.stakeholders.active_contacts
    if findings.stakeholders.thin_threading and active:
        out.append(f"Only {count(active, 'contact is', 'contacts are')} active; meet one more "
                   "person before the proposal.")
    elif findings.stakeholders.thin_threading:
        out.append("Nobody at the account was touched in the last 90 days; CS re-opens the "
                   "conversation before the AE joins.")
    return out


def cs_recommendation(snapshot: AccountSnapshot, findings: AccountFindings,
                      contacts: HandoffContacts, today: date) -> str:
    """CS's advice for the AE from this account's facts: relationship tone, who to bring,
    the customer's own ask, open risks and competitors (one paragraph)."""
    parts = [_tone(snapshot, findings, contacts, today), _who_to_bring(contacts)]
    ask = customer_ask(snapshot, findings)
    said = said_words(ask.text) if ask is not None else None
    if said is not None:
        parts.append(f"Lead with what the customer {said.verb} "
                     f"{said.preposition + ' ' if said.preposition else ''}({said.topic}), not "
                     "with another product.")
    elif ask is not None:
        parts.append(f'Lead with what the customer asked for: "{ask.text}".')
    elif findings.hypotheses:
        parts.append(_sentence(findings.hypotheses[0].outreach_angle))
    parts += _risks(snapshot, findings, today)
    return " ".join(parts)


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
    review_note: str | None = None,
    expansion_type: str | None = None,
) -> str:
    """The handoff document of seed 001 step 3, as soft-wrapped plain text.

    Args:
        snapshot: the account.
        findings: this scan's findings (signals, health, hypotheses).
        qualification: what CS confirmed on the follow-up Task.
        contacts: decision maker, champion and day-to-day contact.
        deal_size: estimated deal size (the Opportunity amount).
        handoff_date: the day of the handoff.
        cs_owner_name: the CS owner's name.
        account_since: year of the first Closed Won opportunity.
        last_qbr: date of the last QBR.
        key_wins: measured outcomes (detection.documents.outcomes).
        recommendation: CS's advice; written from the account's facts when omitted.
        amount_basis: how the amount was reached (shown under the deal size).
        review_note: the CS review status line (draft to review, or confirmed).
        expansion_type: the deal type read from the customer's ask (wins over the
            hypothesis' approach).
    """
    q = qualification
    health = findings.health.score
    acv = findings.white_space.current_acv if findings.white_space else snapshot.arr
    owner = cs_owner_name.strip() or "not assigned"
    lines = [
        "EXPANSION OPPORTUNITY HANDOFF",
        f"Account: {snapshot.name} | Tier: {snapshot.tier or 'not set in the CRM'}",
        f"Current ACV: {money(acv) if acv else 'no contract value on record'}"
        f" | Health Score: {'not scored' if health is None else f'{health:.0f}'}",
        f"CS Owner: {owner} | Handoff Date: {iso(handoff_date)}",
    ]
    if review_note:
        lines.append(f"CS review: {review_note}")
    lines += ["", f"EXPANSION TYPE: {expansion_type or _expansion_type(findings)}", "",
              "SIGNAL DETECTED:"]
    expansion = sorted(expansion_signals(findings), key=lambda s: (s.observed_on, s.type, s.episode))
    for sig in expansion:
        lines.append(f"• {signal_label(sig.type)}: {_sentence(sig.evidence.summary)}")
    if not expansion:
        lines.append("• No expansion signal in this scan; CS qualified the need directly.")
    lines += ["", "CUSTOMER NEED:",
              f"• Pain: {q.pain or NOT_CONFIRMED}",
              f"• Desired Outcome: {q.metrics or NOT_CONFIRMED}",
              f"• Timeline: {q.timeline or NOT_CONFIRMED}",
              f"• Budget: {q.budget or NOT_CONFIRMED}",
              "", "KEY CONTACTS:"]
    dm = person(contacts.decision_maker)
    note = (q.decision_maker or "").strip()
    if dm and note and note.lower() != contacts.decision_maker.full_name.lower():
        dm += f" (CS notes: {note})"
    lines.append(f"• Decision Maker: {dm or (note + ' (named by CS)' if note else 'not identified yet')}")
    lines.append(f"• Champion: {person(contacts.champion) or 'no active champion on record'}")
    lines.append(f"• Day-to-day: {person(contacts.day_to_day) or 'no other active contact on record'}")
    lines += ["", f"ESTIMATED DEAL SIZE: {money(deal_size) if deal_size else 'to be sized by the AE'}"]
    if amount_basis:
        lines.append(f"Amount basis: {_sentence(amount_basis)}")
    lines += ["", "RELATIONSHIP CONTEXT:",
              "• Account relationship since: "
              + (str(account_since) if account_since else "no Closed Won opportunity on record"),
              f"• Last QBR: {iso(last_qbr) if last_qbr else 'no QBR logged in the CRM'}",
              "• Key wins/successes with this account:"]
    for win in key_wins:
        lines.append(f"  - {_sentence(win)}")
    if not key_wins:
        ask_whom = contacts.champion or contacts.day_to_day
        lines.append("  - No measured result in the CRM yet"
                     + (f"; ask {ask_whom.full_name} which result they would quote." if ask_whom
                        else "."))
    lines += ["", "CS RECOMMENDATION:",
              recommendation or cs_recommendation(snapshot, findings, contacts, handoff_date)]
    return join_lines(lines)
