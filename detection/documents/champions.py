"""Champion moves (seed 003 prompt 4): what a departure means for the account, how to
stabilise it and grow a new champion in 60 days, and what the champion's new company is
worth to us. People and companies by name, never by record id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from detection.documents.facts import count, join_names, person
from detection.findings import AccountFindings, ChampionMove, CompanyProfile
from detection.ownership import industry_key, size_band
from detection.snapshot import AccountSnapshot, Contact

_KEY_ROLES = ("Champion", "Economic Buyer", "Decision Maker", "Coach")


def how_they_left(move: ChampionMove) -> str:
    """The departure in words ("is marked as having left the company in the CRM")."""
    reason = move.reason or ""
    if "bounced" in reason:
        return f"has left: their {reason}"
    return "is marked as having left the company in the CRM"


def _who(move: ChampionMove) -> str:
    return f"{move.name} ({move.title})" if move.title else move.name


@dataclass(frozen=True, slots=True)
class DepartureRisk:
    level: str  # High / Medium / Low
    reasons: tuple[str, ...]
    remaining: tuple[tuple[Contact, str | None], ...]  # active contacts and their roles


def departure_risk(snapshot: AccountSnapshot, findings: AccountFindings, move: ChampionMove,
                   today: date) -> DepartureRisk:
    """Seed 003 prompt 4's account risk: High when no sponsor is left (or the renewal is
    close or health is not Green), Medium with some relationships, Low with broad ones."""
    by_id = {c.id: c for c in snapshot.contacts if not c.left_company and c.id != move.contact_id}
    remaining = tuple((by_id[r.contact_id], r.role) for r in findings.stakeholders.roles
                      if r.active and r.contact_id in by_id)
    sponsors = [c for c, role in remaining if role in _KEY_ROLES]
    reasons: list[str] = []
    if sponsors:
        reasons.append(f"{join_names([c.full_name for c in sponsors[:3]])} "
                       f"{'is' if len(sponsors) == 1 else 'are'} still active in a key role")
    else:
        reasons.append("no other champion, decision maker or economic buyer is active")
    renewal_days = (snapshot.renewal_date - today).days if snapshot.renewal_date else None
    if renewal_days is not None and renewal_days >= 0:
        reasons.append(f"renewal on {snapshot.renewal_date.isoformat()}, "
                       f"{count(renewal_days, 'day')} away")
    health = findings.health
    if health.score is not None:
        reasons.append(f"health {health.score:.0f} ({health.band})")
    high = (not sponsors or (renewal_days is not None and 0 <= renewal_days <= 90)
            or health.band in ("Yellow", "Red"))
    broad = len(sponsors) >= 2 and len(remaining) >= 3
    level = "High" if high else ("Low" if broad else "Medium")
    return DepartureRisk(level, tuple(reasons), remaining)


def departure_brief(snapshot: AccountSnapshot, findings: AccountFindings, move: ChampionMove,
                    today: date) -> str:
    """The champion_departed Task: risk, stabilising actions, 60-day plan, where they went."""
    risk = departure_risk(snapshot, findings, move, today)
    first = move.name.split()[0]
    lines = [f"{_who(move)}, our champion at {snapshot.name}, {how_they_left(move)}.", ""]
    reasons = "; ".join(risk.reasons)
    lines.append(f"Account risk: {risk.level}. {reasons[:1].upper()}{reasons[1:]}.")
    if risk.level == "High":
        lines.append("A departure like this often triggers a competitive re-evaluation; act "
                     "before the next budget or renewal discussion.")
    lines += ["", "Remaining relationships:"]
    for contact, role in risk.remaining[:5]:
        touch = contact.last_activity_date
        note = ", ".join(x for x in (role, f"last touch {touch.isoformat()}" if touch else None) if x)
        lines.append(f"• {person(contact)}" + (f" ({note})" if note else ""))
    if not risk.remaining:
        lines.append("• Nobody else at the account has been active in the last 90 days.")
    anchor = _anchor(risk)
    lines += ["", "Stabilise now:"]
    if anchor is not None:
        lines.append(f"1. Call {_paren(anchor)} this week: acknowledge the change, confirm the "
                     f"priorities {first} was driving, and ask who takes over {first}'s work.")
    else:
        lines.append(f"1. Ask the account's remaining users this week who takes over {first}'s "
                     "work, and get a meeting with that person.")
    lines.append("2. Send the successor a one-page summary of the results the team has reached "
                 "with us, so the value does not leave with the champion.")
    lines.append("3. Check open cases and upcoming renewal steps, and make sure each has a named "
                 "owner on the customer side.")
    lines += ["", "60-day plan for a new champion:",
              "• Days 1-14: meet the successor and the most active users; learn what they need "
              "to show their management.",
              "• Days 15-30: run a short working session on their goals, and agree one measurable "
              "result for the quarter.",
              "• Days 31-60: review that result together, introduce the AE, and invite the new "
              "champion to the next QBR."]
    lines += ["", "Where they went:"]
    lines.append(new_company_line(move))
    return "\n".join(lines) + "\n"


def _paren(contact: Contact) -> str:
    return f"{contact.full_name} ({contact.title})" if contact.title else contact.full_name


def _anchor(risk: DepartureRisk) -> Contact | None:
    order = {role: i for i, role in enumerate(_KEY_ROLES)}
    ranked = sorted(risk.remaining, key=lambda cr: (order.get(cr[1] or "", 9),
                                                    cr[0].full_name))
    return ranked[0][0] if ranked else None


def new_company_line(move: ChampionMove) -> str:
    """Where the champion turned up, with the AE lead it created (or that nobody knows yet)."""
    company = move.new_account
    if company is None:
        return (f"{move.name} has not turned up at another company in the CRM yet; check "
                "LinkedIn and add them as a contact there if you find them.")
    role = f" as {move.new_title}" if move.new_title else ""
    return (f"{move.name} now works at {company.name}{role}; the AE has a "
            f"{'champion-arrived note' if company.is_customer else 'new-logo lead'} there.")


def icp_fit(company: CompanyProfile, reference: AccountSnapshot) -> tuple[str, str]:
    """(Strong / Partial / Weak, why): the new company against the account the champion
    used us at — same industry and size band is the customer profile they already proved."""
    same_industry = (company.industry is not None
                     and industry_key(company.industry) == industry_key(reference.industry))
    same_size = (company.employees is not None
                 and size_band(company.employees) == size_band(reference.employees))
    band = size_band(company.employees) if company.employees is not None else None
    facts = join_names([x for x in (company.industry, band) if x]) or "no industry or size on record"
    if same_industry and same_size:
        return "Strong", f"{facts}, the same profile as {reference.name}"
    if same_industry or same_size:
        what = "industry" if same_industry else "size band"
        return "Partial", f"{facts}; same {what} as {reference.name}"
    return "Weak", f"{facts}; a different profile from {reference.name}"


def new_logo_brief(snapshot: AccountSnapshot, move: ChampionMove, today: date) -> str:
    """The AE's lead at the champion's new company (seed 003 prompt 4, questions 3 and 4)."""
    company = move.new_account
    assert company is not None, "a new-logo brief needs the new company"
    first = move.name.split()[0]
    fit, why = icp_fit(company, snapshot)
    role = f" as {move.new_title}" if move.new_title else ""
    lines = [f"{_who(move)} championed us at {snapshot.name} and now works at "
             f"{company.name}{role}.", ""]
    if company.is_customer:
        lines.append(f"Hypothesis: {company.name} is already a customer; {first} knows what "
                     "we delivered and can sponsor a wider rollout there.")
    else:
        lines.append(f"Hypothesis: {company.name} can become a new customer, with {first} as "
                     f"the sponsor who already saw the results at {snapshot.name}.")
    lines.append(f"ICP fit: {fit} ({why}).")
    reach = today + timedelta(days=30)
    lines += ["", "How to reach out:",
              f"• When: after {first}'s first weeks settle, before {reach.isoformat()}.",
              f"• Message: congratulate {first} on the new role and offer a short exchange on "
              f"what worked at {snapshot.name}; no pitch in the first note.",
              f"• Ask: who owns the problem we solved at {snapshot.name}, and whether {first} "
              "would introduce us."]
    return "\n".join(lines) + "\n"


def arrival_brief(snapshot: AccountSnapshot, move: ChampionMove) -> str:
    """The champion_arrived note on the account the champion joined."""
    came_from = move.from_account_name or "another customer"
    role = f" as {move.new_title}" if move.new_title else ""
    first = move.name.split()[0]
    return (f"{move.name} championed us at {came_from} and now works at {snapshot.name}"
            f"{role}. Reach out while the relationship is warm: congratulate {first} on the "
            f"new role, ask what they want to repeat from {came_from}, and ask them to "
            "introduce the person who owns that area here.\n")
