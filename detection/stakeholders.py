"""Stakeholder map: MEDDICC roles, relationship strength, threading, champion moves
(champion identity across accounts: detection.champions).

Roles: a recorded ``MEDDICC_Role__c`` is kept as is. Champion and Blocker are human
judgments and never inferred; the other roles are inferred only for contacts with no role,
in this order (first that applies), each with its reason:

1. an OpportunityContactRole / AccountContactRelation role: Economic Buyer, Economic
   Decision Maker, Executive Sponsor -> Economic Buyer; Decision Maker, Technical Buyer ->
   Decision Maker; Influencer, Evaluator -> Influencer; Business User -> End User;
2. the title: C-level / Chief / President / SVP / EVP (rank >= 6), or a VP / Head in
   Finance or Procurement -> Economic Buyer; VP, Head, (Senior) Director -> Decision Maker;
3. activity and NPS: a non-executive (rank <= 2) with a Strong relationship, or a Medium
   one on an account whose last NPS is a promoter's (>= 9 within a year) -> Coach;
4. (Senior) Manager, Lead -> Influencer; anyone else -> End User.

Relationship strength (seed 002, "relationship strength by stakeholder"), from the
contact's touches (Tasks/Events a person logged with WhoId = the contact) and
LastActivityDate: Strong = last touch within 30 days and >= 3 touches in 90 days;
Medium = last touch within 90 days and (>= 2 touches in 90 days, or last touch within 30
days); Weak = last touch within 180 days; None = older, never, or the contact left.
All cut-offs are DetectionConfig fields.
"""

from __future__ import annotations

from datetime import date, datetime
from operator import attrgetter

from detection.champions import (
    PortfolioChampionIndex,
    build_champion_index,
    champion_moves,
    departure_reason,
    email_domain,
    norm_email,
    norm_linkedin,
    norm_name,
)
from detection.config import DEFAULT_CONFIG, DetectionConfig
from detection.findings import ChampionIndex, StakeholderMap, StakeholderRole
from detection.signals.facts import ScanFacts, active_contact_ids
from detection.signals.wording import is_blank
from detection.snapshot import AccountSnapshot, Contact, OrgContext

# the champion identity rules live in detection.champions; kept importable from here
__all__ = [
    "PortfolioChampionIndex",
    "build_champion_index",
    "departure_reason",
    "email_domain",
    "infer_role",
    "last_touch_age",
    "map_stakeholders",
    "norm_email",
    "norm_linkedin",
    "norm_name",
    "relationship",
]

_EMPTY_CTX = OrgContext(org_id="")

_RECORDED_ROLE_MAP = {
    "economic buyer": "Economic Buyer",
    "economic decision maker": "Economic Buyer",
    "executive sponsor": "Economic Buyer",
    "decision maker": "Decision Maker",
    "technical buyer": "Decision Maker",
    "influencer": "Influencer",
    "evaluator": "Influencer",
    "coach": "Coach",
    "business user": "End User",
    "end user": "End User",
}
# when a contact carries several recorded roles, the one with the most authority wins
_ROLE_ORDER = ("Economic Buyer", "Decision Maker", "Influencer", "Coach", "End User")
_BUDGET_DEPARTMENTS = ("finance", "procurement", "purchasing")
_RECORDED_REASON = "recorded in MEDDICC_Role__c"
_BY_ID = attrgetter("id")  # sort key (C-level: no Python call per contact)


# ---------------------------------------------------------------------- roles, strength


def last_touch_age(contact: Contact, facts: ScanFacts) -> int | None:
    """Days since the contact's latest touch (their Tasks/Events or LastActivityDate)."""
    age = facts.who_min_age.get(contact.id)
    last = contact.last_activity_date
    if last is not None:
        days = facts.today_ord - last.toordinal()
        if days >= 0 and (age is None or days < age):
            age = days
    return age


def relationship(contact: Contact, facts: ScanFacts, age: int | None = None) -> str:
    """Strong / Medium / Weak / None from touch recency and frequency (module docstring).

    ``age`` is ``last_touch_age`` when the caller already has it.
    """
    if contact.left_company or contact.email_bounced_date is not None:
        return "None"
    cfg = facts.config
    if age is None:
        age = last_touch_age(contact, facts)
        if age is None:
            return "None"
    touches = facts.who_touches.get(contact.id, 0)
    if touches == 0 and age <= cfg.relationship_medium_days:
        touches = 1  # LastActivityDate alone is one touch
    if age <= cfg.relationship_strong_days:
        if touches >= cfg.relationship_strong_touches:
            return "Strong"
        return "Medium"
    if age <= cfg.relationship_medium_days and touches >= 2:
        return "Medium"
    if age <= cfg.relationship_weak_days:
        return "Weak"
    return "None"


def _recorded_roles(snapshot: AccountSnapshot) -> dict[str, list[tuple[str, str, object]]]:
    """contact id -> [(mapped MEDDICC role, recorded role, Opportunity or None)]."""
    roles: dict[str, list[tuple[str, str, object]]] = {}
    for opp in snapshot.opportunities:
        for ocr in opp.contact_roles:
            if ocr.role:
                mapped = _RECORDED_ROLE_MAP.get(ocr.role.strip().lower())
                if mapped:
                    roles.setdefault(ocr.contact_id, []).append((mapped, ocr.role, opp))
    for contact in snapshot.contacts:
        for role in contact.account_roles:
            mapped = _RECORDED_ROLE_MAP.get((role or "").strip().lower())
            if mapped:
                roles.setdefault(contact.id, []).append((mapped, role, None))
    return roles


def infer_role(
    contact: Contact, facts: ScanFacts, strength: str,
    recorded: list[tuple[str, str, object]] | None, promoter_account: bool,
) -> tuple[str | None, str]:
    """(MEDDICC role, reason) for a contact; the recorded MEDDICC_Role__c wins as is."""
    if not is_blank(contact.meddicc_role):
        return contact.meddicc_role.strip(), _RECORDED_REASON
    if contact.left_company or contact.email_bounced_date is not None:
        return None, "left the company; no role inferred"
    if recorded:
        return _from_recorded(recorded)
    key = (contact.title, contact.department, strength, promoter_account)
    cache = facts.config.memo("stakeholders.role")
    found = cache.get(key)
    if found is None:
        found = _role_from_title(key[0] or "", (key[1] or "").strip().lower(), strength,
                                 promoter_account, facts.config)
        if len(cache) > 100_000:
            cache.clear()
        cache[key] = found
    return found


def _from_recorded(recorded: list[tuple[str, str, object]]) -> tuple[str, str]:
    """(role, reason) from the contact's recorded roles: the one with the most authority."""
    if len(recorded) == 1:
        role, named, opp = recorded[0]
    else:
        role, named, opp = min(recorded, key=lambda r: _ROLE_ORDER.index(r[0]))
    where = f"opportunity {opp.name}" if opp is not None else "account contact role"
    return role, f"inferred from the contact role '{named}' ({where})"


def _role_from_title(
    title: str, dept: str, strength: str, promoter_account: bool, config: DetectionConfig
) -> tuple[str, str]:
    rank = config.seniority_rank(title)
    if rank >= 6 or (rank == 5 and any(d in dept for d in _BUDGET_DEPARTMENTS)):
        return "Economic Buyer", f"inferred from the title '{title}' (budget authority)"
    if rank >= 3:
        return "Decision Maker", f"inferred from the title '{title}' (VP / Head / Director)"
    if strength == "Strong" or (strength == "Medium" and promoter_account):
        why = "frequent recent contact" if strength == "Strong" else (
            "regular contact on a promoter account")
        return "Coach", f"inferred from activity: {why}"
    if rank >= 1:
        return "Influencer", f"inferred from the title '{title}' (manager / lead)"
    if title:
        return "End User", f"inferred from the title '{title}' (individual contributor)"
    return "End User", "inferred: no title or recorded role"


def map_stakeholders(
    snapshot: AccountSnapshot,
    config: DetectionConfig = DEFAULT_CONFIG,
    now: datetime | None = None,
    champion_index: ChampionIndex | None = None,
    facts: ScanFacts | None = None,
) -> StakeholderMap:
    """The account's stakeholder map (roles, relationship, threading, champion moves).

    ``facts`` lets scan_account share its per-account work; ``now`` is required otherwise.
    """
    if facts is None:
        if now is None:
            raise ValueError("map_stakeholders needs now (or facts)")
        facts = ScanFacts(snapshot, _EMPTY_CTX, None, config, now)
    recorded = _recorded_roles(snapshot)
    score, answered = snapshot.nps_score, snapshot.nps_date
    promoter = (
        score is not None and answered is not None and 0 <= facts.age(answered) <= 365
        and score >= config.nps_promoter_score
    )
    roles = []
    champions = []
    active_ids = active_contact_ids(facts)
    contacts = sorted(snapshot.contacts, key=_BY_ID)
    today = facts.today_ord
    who_min_age = facts.who_min_age
    who_touches = facts.who_touches
    champion_ids = {c.id for c in facts.champions}
    fromordinal = date.fromordinal
    cfg = facts.config
    strong_days, medium_days = cfg.relationship_strong_days, cfg.relationship_medium_days
    weak_days, strong_touches = cfg.relationship_weak_days, cfg.relationship_strong_touches
    memo = cfg.memo("stakeholders.role")
    for contact in contacts:
        # last_touch_age, relationship and infer_role's first rules, inlined: this loop
        # runs for every contact of every account
        cid = contact.id
        age = who_min_age.get(cid)
        last = contact.last_activity_date
        if last is not None:
            days = today - last.toordinal()
            if days >= 0 and (age is None or days < age):
                age = days
        departed = contact.left_company or contact.email_bounced_date is not None
        if age is None or departed:
            strength = "None"
        else:
            touches = who_touches.get(cid, 0)
            if touches == 0 and age <= medium_days:
                touches = 1  # LastActivityDate alone is one touch
            if age <= strong_days:
                strength = "Strong" if touches >= strong_touches else "Medium"
            elif age <= medium_days and touches >= 2:
                strength = "Medium"
            elif age <= weak_days:
                strength = "Weak"
            else:
                strength = "None"
        recorded_role = contact.meddicc_role
        if recorded_role and (recorded_role := recorded_role.strip()):
            role, reason = recorded_role, _RECORDED_REASON
        elif departed:
            role, reason = None, "left the company; no role inferred"
        elif cid in recorded:
            role, reason = _from_recorded(recorded[cid])
        else:
            found = memo.get((contact.title, contact.department, strength, promoter))
            if found is None:
                found = infer_role(contact, facts, strength, None, promoter)
            role, reason = found
        if not departed and cid in champion_ids:
            champions.append(cid)
        first = contact.first_name  # Contact.full_name, inlined
        roles.append(StakeholderRole(
            cid, f"{first} {contact.last_name}" if first else contact.last_name, contact.title,
            role, reason, strength,
            None if age is None else fromordinal(today - age), cid in active_ids,
        ))
    departed, arrived = champion_moves(snapshot, contacts, champion_index)
    active_count = len(active_ids)
    return StakeholderMap(
        roles=tuple(roles),
        active_contacts=active_count,
        thin_threading=active_count < config.min_active_contacts,
        champions=tuple(champions),
        departed_champions=departed,
        arrived_champions=arrived,
    )
