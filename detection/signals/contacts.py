"""Contact signals: new_department, leadership_change, champion_promoted (signal-rules.md)."""

from __future__ import annotations

from functools import lru_cache

from detection.config import TITLE_FIELD
from detection.findings import ExpansionSignal
from detection.signals.base import make_signal
from detection.signals.facts import ScanFacts
from detection.signals.wording import utc_date

DEPARTMENT_NAMES = ("account.contracted_departments",)
# contact fields without which a contact rule cannot be judged at all
_NEEDS = {
    "new_department": ("contact.department",),
    "leadership_change": ("contact.title", "contact.created_date"),
    "champion_promoted": ("contact.title", "contact.meddicc_role"),
}


def contracted_departments(values: tuple[str, ...]) -> frozenset[str]:
    """Contracted departments, lower-case and trimmed (a multi-select may arrive joined)."""
    try:
        return _contracted_cached(values)
    except TypeError:  # an unhashable sequence: the same answer, just not remembered
        return _contracted(values)


def _contracted(values: tuple[str, ...]) -> frozenset[str]:
    found = set()
    for value in values:
        for part in (value or "").split(";"):
            if part.strip():
                found.add(part.strip().lower())
    return frozenset(found)


# accounts share a handful of department sets; bounded
_contracted_cached = lru_cache(maxsize=1024)(_contracted)


def find(facts: ScanFacts, out: list[ExpansionSignal], gaps: list[str]) -> None:
    """Append the contact-driven expansion signals of the account."""
    if facts.unavailable:
        skipped = [t for t, names in _NEEDS.items() if facts.missing(*names)]
        for signal_type in skipped:
            missing = ", ".join(n for n in _NEEDS[signal_type] if n in facts.unavailable)
            gaps.append(f"{signal_type}: {missing} not provided by the org")
    else:
        skipped = []
    if "new_department" not in skipped:
        _new_department(facts, out, gaps)
    if "leadership_change" not in skipped:
        _leadership(facts, out)
    if "champion_promoted" not in skipped:
        _champion_promoted(facts, out)


# department as written -> its key (trimmed, lower-case; "" when blank): a portfolio
# spells its departments a handful of ways, and every contact of every account asks
_DEPARTMENT_KEYS: dict[str, str] = {}


def _department_key(dept: str) -> str:
    """The department's group key, remembered in _DEPARTMENT_KEYS (bounded)."""
    if len(_DEPARTMENT_KEYS) >= 4096:
        _DEPARTMENT_KEYS.clear()
    key = _DEPARTMENT_KEYS[dept] = dept.strip().lower()
    return key


def _new_department(facts: ScanFacts, out: list[ExpansionSignal], gaps: list[str]) -> None:
    cfg = facts.config
    contracted = contracted_departments(facts.snapshot.contracted_departments)
    if not contracted:
        gaps.append("new_department: no contracted departments recorded")
        return
    days = cfg.new_department_window_days
    groups: dict[str, list[tuple[object, str]]] = {}
    keys = _DEPARTMENT_KEYS
    for contact in facts.snapshot.contacts:
        dept = contact.department
        if dept is None:
            continue
        key = keys.get(dept)
        if key is None:
            key = _department_key(dept)
        if not key or key in contracted:  # blank, or a contracted department
            continue
        if facts.within_dt(contact.created_date, days):
            why = f"created {utc_date(contact.created_date).isoformat()}"
        else:
            age = facts.who_min_age.get(contact.id)
            if age is None or age > days:
                continue
            why = f"activity {age} days ago"
        groups.setdefault(key, []).append((contact, why))
    for key in sorted(groups):
        members = groups[key]
        dept = members[0][0].department.strip()
        ids = {c.id for c, _ in members}
        activity_ids = tuple(
            a.id
            for a in facts.human_activities
            if a.who_id in ids and facts.within(a.activity_date, days)
        )
        people = ", ".join(
            f"{c.full_name} ({c.title or 'no title'}, {why})" for c, why in members
        )
        out.append(
            make_signal(
                facts,
                "new_department",
                clear=len(members) >= cfg.new_department_clear_contacts,
                summary=(
                    f"{len(members)} contact{'s' if len(members) > 1 else ''} from {dept}, a"
                    f" department outside the contract ({', '.join(sorted(contracted))}):"
                    f" {people}."
                ),
                episode=f"dept:{key}",
                source_ids=tuple(sorted(ids)) + activity_ids,
                values=(("department", dept), ("contacts", len(members))),
                window=f"last {days} days",
                threshold="department not among the contracted departments",
                department=dept,
            )
        )


def _leadership(facts: ScanFacts, out: list[ExpansionSignal]) -> None:
    cfg = facts.config
    days = cfg.leadership_window_days
    senior = cfg.senior_title_re
    low, high, naive_low, naive_high = facts.day_bounds(days)
    for contact in facts.snapshot.contacts:
        title = contact.title
        created = contact.created_date
        if not title or created is None:
            continue
        # facts.within_dt, inlined (every contact of every account)
        if created.tzinfo is None:
            if not naive_low <= created < naive_high:
                continue
        elif not low <= created < high:
            continue
        if not senior.search(title):
            continue
        created = utc_date(contact.created_date).isoformat()
        out.append(
            make_signal(
                facts,
                "leadership_change",
                clear=False,
                summary=f"New senior contact {contact.full_name}, {title}, added on {created}.",
                episode=f"leader:{contact.id}",
                source_ids=(contact.id,),
                values=(("title", title), ("created", created)),
                window=f"last {days} days",
                threshold="VP / C-level title on a contact created in the window",
                contact_id=contact.id,
            )
        )


def _champion_promoted(facts: ScanFacts, out: list[ExpansionSignal]) -> None:
    cfg = facts.config
    champions = {c.id: c for c in facts.champions}
    if not champions:
        return
    days = cfg.champion_promotion_window_days
    rank = cfg.seniority_rank
    rises: dict[str, tuple] = {}
    for change in facts.snapshot.history:
        if change.field != TITLE_FIELD or change.record_id not in champions:
            continue
        if not facts.within_dt(change.changed_at, days):
            continue
        if rank(change.old_value) < rank(change.new_value):
            seen = rises.get(change.record_id)
            if seen is None or change.changed_at > seen[0]:
                rises[change.record_id] = (change.changed_at, change.old_value, change.new_value,
                                           "ContactHistory")
    prior = facts.prior
    if prior is not None and facts.within_dt(prior.scanned_at, days):
        before = dict(prior.contact_titles)
        for cid, contact in champions.items():
            if cid in rises or cid not in before:
                continue
            if rank(before[cid]) < rank(contact.title):
                rises[cid] = (prior.scanned_at, before[cid], contact.title, "previous scan")
    for cid in sorted(rises):
        when, old, new, source = rises[cid]
        contact = champions[cid]
        out.append(
            make_signal(
                facts,
                "champion_promoted",
                clear=False,
                summary=(
                    f"Champion {contact.full_name} moved from {old or 'no title'} to {new}"
                    f" (seniority {rank(old)} -> {rank(new)}, seen in {source})."
                ),
                episode=f"promo:{cid}:{new}",
                source_ids=(cid,),
                values=(("old_title", old), ("new_title", new),
                        ("old_rank", rank(old)), ("new_rank", rank(new))),
                window=f"last {days} days",
                threshold="Champion's title rank rose",
                change_detail=f"title at the last scan: {dict(prior.contact_titles).get(cid)}"
                if prior is not None and dict(prior.contact_titles).get(cid) else None,
                contact_id=cid,
            )
        )
