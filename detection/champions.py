"""Champion identity across the portfolio: departed champions and where they turn up.

A departed champion (MEDDICC_Role__c Champion with Left_Company__c or a bounced email)
matches a contact at another account by email, LinkedIn URL, or first + last name with a
new email domain. ``build_champion_index`` resolves every move once per scan;
``champion_moves`` reads one account's departures and arrivals from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from detection.findings import ChampionIndex, ChampionMove, CompanyProfile
from detection.signals.facts import contact_is_departed, is_champion
from detection.signals.wording import is_blank
from detection.snapshot import AccountSnapshot, Contact


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
        return "marked as having left the company"
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
    by_id = {snap.id: snap for snap in snaps}
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
        old_acct, contact = departed[cid]
        new_snap = by_id[new_acct]
        new_contact = next((c for c in new_snap.contacts if c.id == new_cid), None)
        move = ChampionMove(
            contact_id=cid, name=contact.full_name, reason=departure_reason(contact),
            new_account_id=new_acct, new_contact_id=new_cid, matched_on=how,
            title=contact.title, from_account_name=by_id[old_acct].name,
            new_account=CompanyProfile(new_snap.name, new_snap.industry, new_snap.employees,
                                       bool(new_snap.arr), new_snap.tier),
            new_title=new_contact.title if new_contact else None,
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


def contact_id(contact: Contact) -> str:
    """Sort key: the contact's id."""
    return contact.id


def champion_moves(
    snapshot: AccountSnapshot, contacts: list[Contact], index: ChampionIndex | None
) -> tuple[tuple[ChampionMove, ...], tuple[ChampionMove, ...]]:
    """(departed champions of this account, champions from elsewhere who arrived here)."""
    departures = getattr(index, "departures", None) or {}
    departed = tuple([
        departures.get(c.id)
        or ChampionMove(contact_id=c.id, name=c.full_name, reason=departure_reason(c),
                        title=c.title, from_account_name=snapshot.name)
        for c in contacts
        if (c.left_company or c.email_bounced_date is not None) and is_champion(c.meddicc_role)
    ])
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
