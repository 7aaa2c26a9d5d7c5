"""Stakeholder map: MEDDICC roles, relationship strength, threading, champion moves.

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

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from detection.config import DEFAULT_CONFIG, DetectionConfig
from detection.findings import ChampionIndex, ChampionMove, StakeholderMap, StakeholderRole
from detection.signals.facts import ScanFacts, active_contact_ids, contact_is_departed, is_champion
from detection.signals.wording import is_blank
from detection.snapshot import AccountSnapshot, Contact, OrgContext

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


# ---------------------------------------------------------------- champion identity keys


def norm_email(email: str | None) -> str | None:
    """Lower-case, trimmed email, or None."""
    return email.strip().lower() if email and email.strip() else None


def norm_linkedin(url: str | None) -> str | None:
    """LinkedIn URL lower-case, without scheme, ``www.`` and trailing slash."""
    if not url or not url.strip():
        return None
    value = url.strip().lower()
    for scheme in ("https://", "http://"):
        if value.startswith(scheme):
            value = value[len(scheme):]
    if value.startswith("www."):
        value = value[4:]
    return value.rstrip("/") or None


def norm_name(contact: Contact) -> str | None:
    """"first last" lower-case; None unless both names are known (rule: both required)."""
    if is_blank(contact.first_name) or is_blank(contact.last_name):
        return None
    return " ".join(f"{contact.first_name} {contact.last_name}".lower().split())


def email_domain(email: str | None) -> str | None:
    value = norm_email(email)
    return value.rsplit("@", 1)[1] if value and "@" in value else None


def departure_reason(contact: Contact) -> str:
    if contact.left_company:
        return "Left_Company__c checked"
    return f"email bounced on {contact.email_bounced_date.date().isoformat()}"


@dataclass(frozen=True, slots=True)
class PortfolioChampionIndex(ChampionIndex):
    """A ChampionIndex of the portfolio's departed champions, with the moves resolved.

    ``by_email`` / ``by_linkedin`` / ``by_name_domain`` (keyed "first last|old domain") hold
    the departed champions as (account id, contact id). ``by_name`` lists them by name for
    the name + new-domain rule; ``departures`` maps a departed champion's contact id to
    where the same person now is, and ``arrivals`` an account id to the champions from
    elsewhere who turned up there.
    """

    by_name: dict[str, tuple[tuple[str, str, str | None], ...]] = field(default_factory=dict)
    departures: dict[str, ChampionMove] = field(default_factory=dict)
    arrivals: dict[str, tuple[ChampionMove, ...]] = field(default_factory=dict)


_MATCH_ORDER = {"email": 0, "LinkedIn URL": 1, "name + new domain": 2}


def _matches(
    contact: Contact, account_id: str, index: ChampionIndex,
    by_name: dict[str, tuple[tuple[str, str, str | None], ...]],
) -> list[tuple[str, str, str]]:
    """Departed champions (account, contact, matched_on) this contact could be."""
    found = []
    email = norm_email(contact.email)
    if email and email in index.by_email:
        acct, cid = index.by_email[email]
        if acct != account_id:
            found.append((acct, cid, "email"))
    url = norm_linkedin(contact.linkedin_url)
    if url and url in index.by_linkedin:
        acct, cid = index.by_linkedin[url]
        if acct != account_id:
            found.append((acct, cid, "LinkedIn URL"))
    name = norm_name(contact)
    domain = email_domain(contact.email)
    if name and domain and name in by_name:
        for acct, cid, old_domain in by_name[name]:
            if acct != account_id and domain != old_domain:
                found.append((acct, cid, "name + new domain"))
    return found


def build_champion_index(snapshots: Iterable[AccountSnapshot]) -> PortfolioChampionIndex:
    """Index the portfolio's departed champions and resolve where each one turned up.

    A departed champion matches a contact at another account by email (lower-case),
    LinkedIn URL (normalised), or first + last name with an email domain other than the
    champion's old one. Each champion keeps its best match: email before LinkedIn before
    name, then the lowest (account id, contact id), so the result is deterministic.
    """
    snaps = sorted(snapshots, key=lambda s: s.id)
    by_email: dict[str, tuple[str, str]] = {}
    by_linkedin: dict[str, tuple[str, str]] = {}
    by_name_domain: dict[str, tuple[str, str]] = {}
    by_name: dict[str, list[tuple[str, str, str | None]]] = {}
    departed: dict[str, tuple[str, Contact]] = {}
    for snap in snaps:
        for contact in sorted(snap.contacts, key=lambda c: c.id):
            if not (is_champion(contact.meddicc_role) and contact_is_departed(contact)):
                continue
            departed[contact.id] = (snap.id, contact)
            key = (snap.id, contact.id)
            if (email := norm_email(contact.email)) is not None:
                by_email.setdefault(email, key)
            if (url := norm_linkedin(contact.linkedin_url)) is not None:
                by_linkedin.setdefault(url, key)
            if (name := norm_name(contact)) is not None:
                domain = email_domain(contact.email)
                by_name_domain.setdefault(f"{name}|{domain or ''}", key)
                by_name.setdefault(name, []).append((snap.id, contact.id, domain))
    frozen_names = {k: tuple(v) for k, v in by_name.items()}
    index = PortfolioChampionIndex(by_email, by_linkedin, by_name_domain, frozen_names)
    best: dict[str, tuple[tuple, str, str, str]] = {}
    if departed:
        for snap in snaps:
            for contact in snap.contacts:
                for _acct, cid, how in _matches(contact, snap.id, index, frozen_names):
                    rank = (_MATCH_ORDER[how], snap.id, contact.id)
                    if cid not in best or rank < best[cid][0]:
                        best[cid] = (rank, snap.id, contact.id, how)
    arrivals: dict[str, list[ChampionMove]] = {}
    for cid in sorted(best):
        _, new_acct, new_cid, how = best[cid]
        contact = departed[cid][1]
        move = ChampionMove(
            contact_id=cid, name=contact.full_name, reason=departure_reason(contact),
            new_account_id=new_acct, new_contact_id=new_cid, matched_on=how,
        )
        index.departures[cid] = move
        arrivals.setdefault(new_acct, []).append(move)
    index.arrivals.update({k: tuple(v) for k, v in arrivals.items()})
    return index


def _plain_index_names(index: ChampionIndex) -> dict[str, tuple[tuple[str, str, str | None], ...]]:
    names: dict[str, list[tuple[str, str, str | None]]] = {}
    for key, (acct, cid) in index.by_name_domain.items():
        name, _, domain = key.rpartition("|")
        names.setdefault(name, []).append((acct, cid, domain or None))
    return {k: tuple(v) for k, v in names.items()}


def _contact_id(contact: Contact) -> str:
    return contact.id


def _champion_moves(
    snapshot: AccountSnapshot, contacts: list[Contact], index: ChampionIndex | None
) -> tuple[tuple[ChampionMove, ...], tuple[ChampionMove, ...]]:
    """(departed champions of this account, champions from elsewhere who arrived here)."""
    departures = getattr(index, "departures", None) or {}
    departed = tuple(
        departures.get(c.id)
        or ChampionMove(contact_id=c.id, name=c.full_name, reason=departure_reason(c))
        for c in contacts
        if (c.left_company or c.email_bounced_date is not None) and is_champion(c.meddicc_role)
    )
    if index is None:
        return departed, ()
    if isinstance(index, PortfolioChampionIndex):
        return departed, index.arrivals.get(snapshot.id, ())
    # a plain index (e.g. built elsewhere): match this account's contacts one by one
    names = _plain_index_names(index)
    arrived = []
    for contact in contacts:
        hits = sorted(_matches(contact, snapshot.id, index, names),
                      key=lambda h: _MATCH_ORDER[h[2]])
        if hits:
            acct, cid, how = hits[0]
            arrived.append(ChampionMove(
                contact_id=cid, name=contact.full_name, reason=f"departed champion of {acct}",
                new_account_id=snapshot.id, new_contact_id=contact.id, matched_on=how))
    return departed, tuple(arrived)


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
        role, named, opp = min(recorded, key=lambda r: _ROLE_ORDER.index(r[0]))
        where = f"opportunity {opp.name}" if opp is not None else "account contact role"
        return role, f"inferred from the contact role '{named}' ({where})"
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
    contacts = sorted(snapshot.contacts, key=_contact_id)
    today = facts.today_ord
    who_min_age = facts.who_min_age
    champion_ids = {c.id for c in facts.champions}
    fromordinal = date.fromordinal
    for contact in contacts:
        # last_touch_age, inlined: this loop runs for every contact of every account
        cid = contact.id
        age = who_min_age.get(cid)
        last = contact.last_activity_date
        if last is not None:
            days = today - last.toordinal()
            if days >= 0 and (age is None or days < age):
                age = days
        departed = contact.left_company or contact.email_bounced_date is not None
        strength = "None" if age is None or departed else relationship(contact, facts, age)
        recorded_role = contact.meddicc_role
        if recorded_role and recorded_role.strip():  # infer_role's first rule, inlined
            role, reason = recorded_role.strip(), _RECORDED_REASON
        else:
            role, reason = infer_role(contact, facts, strength, recorded.get(cid), promoter)
        if not departed and cid in champion_ids:
            champions.append(cid)
        roles.append(StakeholderRole(
            cid, contact.full_name, contact.title, role, reason, strength,
            None if age is None else fromordinal(today - age), cid in active_ids,
        ))
    departed, arrived = _champion_moves(snapshot, contacts, champion_index)
    active_count = len(active_ids)
    return StakeholderMap(
        roles=tuple(roles),
        active_contacts=active_count,
        thin_threading=active_count < config.min_active_contacts,
        champions=tuple(champions),
        departed_champions=departed,
        arrived_champions=arrived,
    )
