"""Account facts the written documents share: who to call, what the customer asked for,
how warm the relationship is, which competitors were named, and plain-English counting.

Every function returns ``None`` or an empty value when the CRM holds nothing, so a
renderer decides what to say instead of printing a placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from detection.findings import AccountFindings, ExpansionSignal, StakeholderRole
from detection.snapshot import AccountSnapshot, Contact

RECENT_DAYS = 90
_ASK_TYPES = ("direct_request", "qbr_mention")


def count(n: float, one: str, many: str | None = None) -> str:
    """ "1 contact", "3 contacts", "1,200 seats" (``many`` defaults to ``one`` + "s")."""
    value = round(n)
    return f"{value:,} {one if value == 1 else (many or one + 's')}"


def join_names(items: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def first_name(contact: Contact | None) -> str | None:
    """What an email opens with; None when the contact is unknown."""
    if contact is None:
        return None
    return (contact.first_name or "").strip() or None


def person(contact: Contact | None) -> str | None:
    """ "Dana Kim, VP Operations" (None when there is no contact)."""
    if contact is None:
        return None
    return f"{contact.full_name}, {contact.title}" if contact.title else contact.full_name


def product_names(findings: AccountFindings) -> dict[str, str]:
    """Product id -> name, from the white-space map (every catalog product is a cell)."""
    ws = findings.white_space
    return {c.product_id: c.product_name for c in ws.cells} if ws else {}


def expansion_signals(findings: AccountFindings) -> list[ExpansionSignal]:
    """This scan's expansion signals, strongest evidence first (a direct ask leads)."""
    order = {"direct_request": 0, "qbr_mention": 1}
    return sorted((s for s in findings.signals if s.category == "expansion"),
                  key=lambda s: (order.get(s.type, 2), not s.clear_pattern, s.type, s.episode))


@dataclass(frozen=True, slots=True)
class CustomerAsk:
    """What the customer said they want, as CS wrote it down (a recorded signal Task)."""

    text: str
    said_on: date | None
    kind: str  # direct_request or qbr_mention


def recorded_note(snapshot: AccountSnapshot, signal: ExpansionSignal) -> str | None:
    """The words CS wrote on the Task that recorded ``signal`` (its label prefix and final
    full stop removed), or None for a detected signal."""
    by_id = {a.id: a for a in snapshot.activities}
    task = next((by_id[i] for i in signal.evidence.source_ids if i in by_id), None)
    if task is None:
        return None
    text = " ".join((task.description or task.subject or "").split()).rstrip(".").strip()
    head, sep, rest = text.partition(": ")
    if sep and head.lower() in ("qbr", "direct request", "request", "note"):
        text = rest.strip()
    return text[:1].upper() + text[1:] if text else None


_SAID = re.compile(
    r"^(?:the )?customer (asked|requested|mentioned|raised|announced|reported|offered|"
    r"talked about)(?: us)?(?: (for|about))? (.+)$", re.I)


@dataclass(frozen=True, slots=True)
class SaidWords:
    """A CS note about the customer turned round to the customer: ``you`` + what they did."""

    verb: str  # "asked", "mentioned", "announced", "offered"
    topic: str  # "a quote for more seats"
    preposition: str = ""  # "for" / "about" after "asked"

    def to_customer(self) -> str:
        """ "you asked us for a quote for more seats", "you mentioned rolling out..." """
        if self.verb in ("asked", "requested"):
            return f"you asked us {self.preposition or 'about'} {self.topic}"
        if self.verb == "offered":
            return f"you offered {self.topic}"
        return f"you {self.verb} {self.topic}"


def said_words(note: str | None) -> SaidWords | None:
    """Parse "Customer asked for a quote for more seats" (CS's words); None otherwise."""
    m = _SAID.match((note or "").strip().rstrip("."))
    if m is None:
        return None
    verb = {"requested": "asked", "raised": "mentioned", "talked about": "mentioned",
            "reported": "announced"}.get(m.group(1).lower(), m.group(1).lower())
    return SaidWords(verb, m.group(3), (m.group(2) or "").lower())


def customer_ask(snapshot: AccountSnapshot, findings: AccountFindings) -> CustomerAsk | None:
    """The most recent ask CS recorded (direct request first, then a QBR mention)."""
    for kind in _ASK_TYPES:
        asks = [s for s in findings.signals if s.type == kind]
        for signal in sorted(asks, key=lambda s: s.observed_on, reverse=True):
            text = recorded_note(snapshot, signal)
            if text:
                return CustomerAsk(text, signal.observed_on, kind)
    return None


def _role_of(findings: AccountFindings, contact_id: str) -> StakeholderRole | None:
    return next((r for r in findings.stakeholders.roles if r.contact_id == contact_id), None)


@dataclass(frozen=True, slots=True)
class ContactToCall:
    contact: Contact
    role: str | None
    last_touch: date | None

    def line(self) -> str:
        """ "Dana Kim, VP Operations (Champion; last touch 2026-10-20)"."""
        notes = [self.role] if self.role else []
        notes.append(f"last touch {self.last_touch.isoformat()}" if self.last_touch
                     else "no logged touch yet")
        return f"{person(self.contact)} ({'; '.join(notes)})"


def contact_to_call(snapshot: AccountSnapshot, findings: AccountFindings) -> ContactToCall | None:
    """Who CS should call: the active champion, else the contact a signal is about, else
    the most recently touched active contact (never someone who left)."""
    present = {c.id: c for c in snapshot.contacts if not c.left_company}
    candidates = list(findings.stakeholders.champions)
    candidates += [s.contact_id for s in expansion_signals(findings) if s.contact_id]
    for hypothesis in findings.hypotheses[:1]:
        candidates += list(hypothesis.contacts)
    active = sorted((r for r in findings.stakeholders.roles if r.active),
                    key=lambda r: (-(r.last_activity.toordinal() if r.last_activity else 0),
                                   r.name))
    candidates += [r.contact_id for r in active]
    candidates += sorted(present, key=lambda cid: present[cid].full_name)
    for contact_id in candidates:
        contact = present.get(contact_id)
        if contact is None:
            continue
        role = _role_of(findings, contact_id)
        touch = (role.last_activity if role and role.last_activity
                 else contact.last_activity_date)
        return ContactToCall(contact, (role.role if role else None) or contact.meddicc_role,
                             touch)
    return None


def recent_touches(snapshot: AccountSnapshot, today: date, days: int = RECENT_DAYS) -> int:
    """Activities people logged on the account in the last ``days`` days (ours excluded)."""
    since = today - timedelta(days=days)
    return sum(1 for a in snapshot.activities if not a.radar_action and a.activity_date
               and since <= a.activity_date <= today)


def competitors_named(findings: AccountFindings) -> list[str]:
    """Competitor names from this scan's competitive-threat signals, in order."""
    names = []
    for signal in findings.signals:
        if signal.type != "competitive_threat":
            continue
        name = dict(signal.evidence.values).get("competitor")
        if not isinstance(name, str):  # older evidence: the name is only in the summary
            name = signal.evidence.summary.removeprefix("Competitor ").split(" named", 1)[0]
        if name and name not in names:
            names.append(name)
    return names


def open_urgent_cases(snapshot: AccountSnapshot) -> list[str]:
    """Subjects of open high-priority cases (what the customer is waiting on)."""
    return [c.subject or "an untitled case" for c in snapshot.cases
            if not c.is_closed and (c.priority or "").lower() in ("high", "critical")]
