"""The CS follow-up (seed 001 step 2): who to call, the hypothesis and its evidence, two
or three openers in the seed's talk-track style built from the actual signals, and the
five questions whose answers go into the Task's qualification fields.
"""

from __future__ import annotations

from datetime import date

from detection.documents.facts import (
    contact_to_call,
    customer_ask,
    expansion_signals,
    first_name,
    product_names,
    recorded_note,
    said_words,
)
from detection.findings import AccountFindings, ExpansionSignal
from detection.formatting import signal_label
from detection.snapshot import AccountSnapshot

QUESTIONS = (
    ("Pain", "What concrete problem is the team trying to solve, and what does it cost them today?"),
    ("Metrics", "What result do they expect, and how will they measure it?"),
    ("Timeline", "Is this for this quarter or the next one?"),
    ("Decision Maker", "Who approves the budget for it?"),
    ("Budget", "Is budget already allocated, or can it be secured?"),
)


def _num(value: object) -> str:
    return f"{float(value):,.0f}" if isinstance(value, int | float) else str(value)


def opener(snapshot: AccountSnapshot, signal: ExpansionSignal, products: dict[str, str],
           name: str | None) -> str | None:
    """One talk-track line for ``signal`` ("Dana, usage of X has grown a lot...")."""
    v = dict(signal.evidence.values)
    product = products.get(signal.product_id or "", "")
    note = recorded_note(snapshot, signal)
    contact = next((c for c in snapshot.contacts if c.id == signal.contact_id), None)
    kind = signal.type
    if kind == "usage_spike" and product:
        moved = (f", from {_num(v['previous'])} to {_num(v['current'])} in a month"
                 if v.get("previous") is not None and v.get("current") is not None else "")
        line = (f"usage of {product} has grown a lot recently{moved}. Has the team started a "
                "new project?")
    elif kind == "capacity_limit" and product:
        share = (f"{_num(v['used'])} of its {_num(v['licensed'])}"
                 if v.get("used") is not None and v.get("licensed") is not None else "most of its")
        line = f"your team is now using {share} {product} licences. Are more people about to join?"
    elif kind == "new_use_case" and product:
        line = f"I noticed the team started using {product}. What are you using it for?"
    elif kind == "nps_promoter" and snapshot.nps_comment:
        line = (f'in the last survey you wrote "{snapshot.nps_comment.strip().rstrip(".")}". '
                "What has made the biggest difference for the team?")
    elif kind == "new_department" and signal.department:
        line = (f"colleagues in {signal.department} have been in touch with us as well. Is a "
                "wider rollout across the company on the table?")
    elif kind == "org_growth":
        line = "your company has grown a lot this year. How is the team keeping up with the new people?"
    elif kind == "leadership_change" and contact is not None:
        role = f" as {contact.title}" if contact.title else ""
        line = (f"I saw that {contact.full_name} joined{role}. What are their priorities for "
                "the year, and would an introduction help?")
    elif kind == "support_request_unpurchased" and product:
        line = f"your team asked us about {product} recently. What are you trying to get done?"
    elif kind == "reference_offer":
        line = ("thank you for offering to be a reference. Which results would you tell a "
                "peer about?")
    elif kind == "qbr_mention":
        said = said_words(note)
        line = (f"in the QBR {said.to_customer()}. What outcome are you hoping for, concretely?"
                if said else "in the QBR you raised a new need. What outcome are you hoping "
                "for, concretely?")
    elif kind == "direct_request":
        said = said_words(note)
        line = (f"{said.to_customer()}. What is behind the request, and when do you need it?"
                if said else "thank you for your request. What is behind it, and when do you "
                "need it?")
    elif kind == "business_event":
        said = said_words(note)
        line = (f"I saw the news: {said.topic}. What does it change for your team?" if said
                else "I saw your recent news. What does it change for your team?")
    elif kind == "champion_promoted":
        title = v.get("new_title")
        line = (f"congratulations on the new role{f' as {title}' if title else ''}. What is on "
                "your list for the first months?")
    else:
        return None
    return f'"{name}, {line}"' if name else f'"{line[:1].upper()}{line[1:]}"'


def openers(snapshot: AccountSnapshot, findings: AccountFindings, name: str | None,
            limit: int = 3) -> list[str]:
    """Two or three openers: one per signal type, strongest first, then the seed's
    general questions to reach two."""
    products = product_names(findings)
    out: list[str] = []
    seen: set[str] = set()
    for signal in expansion_signals(findings):
        if signal.type in seen:
            continue
        line = opener(snapshot, signal, products, name)
        if line:
            seen.add(signal.type)
            out.append(line)
        if len(out) == limit:
            return out
    hi = f"{name}, w" if name else "W"
    generic = [f'"{hi}hat is the team focused on this quarter, and where could we help more?"',
               f'"{hi}ho else in the company would benefit from what your team does with us?"']
    for line in generic:
        if len(out) >= 2:
            break
        out.append(line)
    return out


def _strength(findings: AccountFindings) -> str:
    """ "Strong expansion signal" / "Expansion signal" (no "None ..." for an account
    without a classified episode)."""
    if findings.strength in ("Strong", "Moderate", "Weak"):
        return f"{findings.strength} expansion signal"
    return "Expansion signal"


def hypothesis_line(findings: AccountFindings,
                    snapshot: AccountSnapshot | None = None) -> tuple[str, list[str]]:
    """(the hypothesis in one line, its evidence) from the top hypothesis or the signals."""
    signals = expansion_signals(findings)
    evidence = [f"{signal_label(s.type)}: {s.evidence.summary}" for s in signals]
    ask = customer_ask(snapshot, findings) if snapshot is not None else None
    said = said_words(ask.text) if ask else None
    if said is not None:
        also = (f" (Radar's own hypothesis for later: {findings.hypotheses[0].title})"
                if findings.hypotheses else "")
        return (f"the customer {said.verb} {said.preposition + ' ' if said.preposition else ''}"
                f"{said.topic}; confirm the scope and timing of that first{also}", evidence)
    if findings.hypotheses:
        top = findings.hypotheses[0]
        why = next((e.removeprefix("Peers: ") for e in top.evidence
                    if not e.startswith(("Estimate ", "Value: "))), None)
        return (f"{top.title} — {why.rstrip('.')}" if why else top.title), evidence
    if signals:
        return (f"{signal_label(signals[0].type)} points to demand for more of what they use",
                evidence)
    return "No expansion hypothesis yet", evidence


def _health_words(findings: AccountFindings) -> str:
    health = findings.health
    return f"health {health.score:.0f}, {health.band}" if health.score is not None else "not scored"


def _brief(snapshot: AccountSnapshot, findings: AccountFindings, *, opening: str,
           who: str, nobody: str, questions: str, closing: list[str]) -> str:
    """What CS's follow-up and the AE's Play 02 alert share: who to talk to, the hypothesis
    and its evidence, openers from the actual signal, and the five qualification questions."""
    call = contact_to_call(snapshot, findings)
    name = first_name(call.contact) if call else None
    hypothesis, evidence = hypothesis_line(findings, snapshot)
    lines = [opening, ""]
    lines.append(f"{who}: {call.line()}" if call else f"{who}: {nobody}")
    lines.append(f"Hypothesis: {hypothesis[:1].upper()}{hypothesis[1:]}.")
    lines += ["", "Evidence:"] + [f"• {e}" for e in evidence]
    lines += ["", "Openers:"] + [f"{i}. {o}" for i, o in
                                 enumerate(openers(snapshot, findings, name), start=1)]
    lines += ["", questions]
    lines += [f"{i}. {field}: {q}" for i, (field, q) in enumerate(QUESTIONS, start=1)]
    lines += closing
    return "\n".join(lines) + "\n"


def follow_up_brief(snapshot: AccountSnapshot, findings: AccountFindings, *, due: date,
                    ae_name: str = "") -> str:
    """The follow-up Task's description, for the CS owner."""
    to = f" and {ae_name} (AE)" if ae_name else " and the AE"
    return _brief(
        snapshot, findings,
        opening=(f"{_strength(findings)} at {snapshot.name} ({_health_words(findings)}); "
                 f"call by {due.isoformat()}."),
        who="Who to call",
        nobody="nobody active is on record; find the day-to-day user first.",
        questions="Five questions (put each answer in the matching qualification field):",
        closing=["", f"When four of the five fields are filled, Radar drafts the handoff{to} "
                 "gets the S2 opportunity; you review the handoff document on it before the "
                 "alignment meeting."])


def play02_brief(snapshot: AccountSnapshot, findings: AccountFindings, *, due: date) -> str:
    """The AE's alert for a signal episode on a T1 Play 02 account (seed 000): the same
    evidence, contact, openers and questions as CS's follow-up, and the way to open the S2
    opportunity from this Task."""
    return _brief(
        snapshot, findings,
        opening=(f"{_strength(findings)} at {snapshot.name}, a T1 account in Play 02 "
                 f"({_health_words(findings)}); review by {due.isoformat()}."),
        who="Who to talk to",
        nobody="nobody active is on record; ask CS who the day-to-day user is.",
        questions="To turn this into the S2 opportunity, fill four of the five qualification "
                  "fields on this Task:",
        closing=[])
