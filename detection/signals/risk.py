"""Risk and recommendation signals: health_decline, champion_departed, competitive_threat,
thin_threading (signal-rules.md; they do not count toward strength)."""

from __future__ import annotations

from detection.findings import ChampionIndex, ExpansionSignal
from detection.signals.base import make_signal
from detection.signals.cases import case_text
from detection.signals.facts import ScanFacts, active_contact_ids, contact_is_departed
from detection.signals.health_history import previous_health_score
from detection.signals.terms import WordIndex, competitor_index
from detection.signals.wording import month_key, num, utc_date
from detection.snapshot import Case, Opportunity

CHAMPION_NAMES = ("contact.meddicc_role",)


def find(
    facts: ScanFacts,
    out: list[ExpansionSignal],
    gaps: list[str],
    current_health: float | None,
    champion_index: ChampionIndex | None,
) -> None:
    """Append the risk and recommendation signals of the account."""
    _health_decline(facts, out, gaps, current_health)
    _champion_departed(facts, out, gaps, champion_index)
    _competitive_threat(facts, out)
    _thin_threading(facts, out)


def _health_decline(
    facts: ScanFacts, out: list[ExpansionSignal], gaps: list[str], current: float | None
) -> None:
    if current is None:
        gaps.append("health_decline: no current health score")
        return
    previous, source = previous_health_score(facts)
    if previous is None:
        return
    drop = previous - current
    points = facts.config.health_decline_points
    if drop < points:  # health scores are compared exactly (signal-rules.md)
        return
    year, week, _ = facts.today.isocalendar()
    out.append(
        make_signal(
            facts,
            "health_decline",
            clear=False,
            summary=(
                f"Health score fell {num(drop)} points to {num(current)}; it was"
                f" {num(previous)} {source}."
            ),
            episode=f"decline:{year}-W{week:02d}",
            source_ids=(facts.snapshot.id,),
            values=(("previous", previous), ("current", current), ("drop", drop)),
            window=source,
            threshold=f"drop >= {num(points)} points",
            change_detail=f"score at the last scan: {num(facts.prior.health_score)}"
            if facts.prior is not None and facts.prior.health_score is not None else None,
        )
    )


def _champion_departed(
    facts: ScanFacts, out: list[ExpansionSignal], gaps: list[str],
    champion_index: ChampionIndex | None,
) -> None:
    contacts = facts.snapshot.contacts
    if facts.missing(*CHAMPION_NAMES) and all(c.meddicc_role is None for c in contacts):
        gaps.append("champion_departed: MEDDICC roles not provided by the org")
        return
    departures = getattr(champion_index, "departures", None) or {}
    prior_champions = set(facts.prior.champion_ids) if facts.prior is not None else set()
    for contact in facts.champions:
        if not contact_is_departed(contact):
            continue
        if contact.left_company:
            reason = "marked as having left the company"
        else:
            reason = f"email bounced on {utc_date(contact.email_bounced_date).isoformat()}"
        who = f"{contact.full_name} ({contact.title})" if contact.title else contact.full_name
        summary = f"Champion {who} left: {reason}."
        move = departures.get(contact.id)
        values: list[tuple[str, object]] = [("reason", reason)]
        ids: tuple[str, ...] = (contact.id,)
        if move is not None and move.new_account_id:
            summary += (
                f" The same person now appears at"
                f" {move.new_account.name if move.new_account else 'another account'}"
                f" (matched on {move.matched_on})."
            )
            values += [("new_account_id", move.new_account_id), ("matched_on", move.matched_on)]
            ids += (move.new_account_id, move.new_contact_id or "")
        out.append(
            make_signal(
                facts,
                "champion_departed",
                clear=False,
                summary=summary,
                episode=f"departed:{contact.id}",
                source_ids=ids,
                values=tuple(values),
                window="now",
                threshold="a Champion marked as having left, or whose email bounced",
                change_detail="was an active champion at the last scan"
                if contact.id in prior_champions else None,
                contact_id=contact.id,
            )
        )


def _competitors(facts: ScanFacts) -> WordIndex:
    """The configured competitors plus the org's own list (OrgContext.competitors).

    Remembered per config and org list (the config's memo): every account of a scan asks.
    """
    org_list = facts.ctx.competitors
    if not isinstance(org_list, tuple):  # a list would not be hashable
        org_list = tuple(org_list)
    memo = facts.config.memo("risk.competitors")
    words = memo.get(org_list)
    if words is None:
        words = competitor_index(tuple(facts.config.competitors) + tuple(org_list))
        if len(memo) >= 64:
            memo.clear()
        memo[org_list] = words
    return words


def _competitive_threat(facts: ScanFacts, out: list[ExpansionSignal]) -> None:
    words = _competitors(facts)
    if not words.owners:
        return
    days = facts.config.competitor_window_days
    snap = facts.snapshot
    # record by record; WordIndex remembers the answer per text (subjects repeat a lot)
    hits: dict[str, tuple[str, list[str], list[str]]] = {}

    def note(text: str, source_id: str, record: object) -> None:
        for key in words.owners_in(text):
            entry = hits.setdefault(key, (words.first_match(key, text) or key, [], []))
            if source_id not in entry[1]:
                entry[1].append(source_id)
                entry[2].append(_where(record))

    for case in snap.cases:
        if facts.within_dt(case.created_date, days):
            text = case_text(case.subject, case.description)
            if text and words.owners_in(text):
                note(text, case.id, case)
    today, oldest = facts.today_ord, facts.today_ord - days
    owners_in = words.owners_in
    for activity in facts.human_activities:
        day = activity.activity_date
        if day is not None and oldest <= day.toordinal() <= today:
            subject, description = activity.subject, activity.description  # case_text, inlined
            text = (f"{subject}\n{description}" if subject and description
                    else subject or description or "")
            if text and owners_in(text):
                note(text, activity.id, activity)
    for opp in snap.opportunities:
        if opp.competitors and (not opp.is_closed or facts.within_dt(opp.created_date, days)):
            for name in opp.competitors:
                if name:
                    note(name, opp.id, opp)
    for key in sorted(hits):
        name, ids, wheres = hits[key]
        out.append(
            make_signal(
                facts,
                "competitive_threat",
                clear=False,
                summary=(f"Competitor {name} named in {len(ids)} "
                         f"{'record' if len(ids) == 1 else 'records'}: {'; '.join(wheres)}."),
                episode=f"competitor:{key}",
                source_ids=tuple(ids),
                values=(("competitor", name), ("mentions", len(ids))),
                window=f"last {days} days (open opportunities regardless of age)",
                threshold="configured competitor named (whole words)",
            )
        )


def _where(record: object) -> str:
    if isinstance(record, Case):
        return f"case {record.subject or record.id}"
    if isinstance(record, Opportunity):
        return f"competitor on opportunity {record.name}"
    return f"{record.kind.lower()} {record.subject or record.id}"


def _thin_threading(facts: ScanFacts, out: list[ExpansionSignal]) -> None:
    cfg = facts.config
    ids = active_contact_ids(facts)
    if len(ids) >= cfg.min_active_contacts:
        return  # every id in ids is some contact's, so ``active`` below is at least as long
    active = [c for c in facts.snapshot.contacts if c.id in ids]
    if len(active) >= cfg.min_active_contacts:
        return
    names = ", ".join(c.full_name for c in active)
    out.append(
        make_signal(
            facts,
            "thin_threading",
            clear=False,
            summary=(
                (f"Only {len(active)} active contact{'s' if len(active) != 1 else ''}"
                 f" (touched in the last {cfg.active_contact_days} days): {names};"
                 if active else
                 f"No contact touched in the last {cfg.active_contact_days} days;")
                + f" recommend multi-threading to at least {cfg.min_active_contacts}."
            ),
            episode=f"thin:{month_key(facts.m)}",
            source_ids=tuple(c.id for c in active),
            values=(("active_contacts", len(active)),
                    ("contacts", len(facts.snapshot.contacts))),
            window=f"last {cfg.active_contact_days} days",
            threshold=f"fewer than {cfg.min_active_contacts} active contacts",
        )
    )
