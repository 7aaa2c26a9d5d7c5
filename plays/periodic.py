"""Plays run on a schedule rather than per scan: the signal digest and the SLA checks.

Seed 001: "Daily signal digest to CS team + individual alerts for Strong signals" — the
digest is daily by default (weekly by configuration), lists each owner's open Strong and
Moderate episodes with their due dates, and leaves out accounts already handed off. An
SLA miss goes to the CS owner's manager (User.ManagerId) or a configured escalation user,
never back to the person who missed it, once per follow-up. Stalled-opportunity flags
are rate-limited per owner per day, so a clock jump does not bury anyone in Tasks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from detection.snapshot import Activity, Opportunity
from plays import keys
from plays.config import PlaysConfig
from plays.plan import PlannedWrite
from plays.tasks import COMPLETED, task

STALLED_PER_OWNER_PER_DAY = 3


@dataclass(frozen=True)
class DigestLine:
    owner_id: str
    account_id: str
    account_name: str
    strength: str
    summary: str
    follow_up_id: str | None = None
    due: date | None = None
    handed_off: bool = False  # an open CS-driven opportunity exists: the AE has it


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def signal_digests(lines: Iterable[DigestLine], today: date,
                   config: PlaysConfig | None = None,
                   owner_names: Mapping[str, str] | None = None) -> list[PlannedWrite]:
    """One digest Task per CS owner per day (or ISO week), listing the owner's open Strong
    and Moderate episodes, Strong first, with due dates; handed-off accounts are left out."""
    config = config or PlaysConfig()
    names = owner_names or {}
    by_owner: dict[str, list[DigestLine]] = defaultdict(list)
    for line in lines:
        if not line.handed_off and line.strength in ("Strong", "Moderate"):
            by_owner[line.owner_id].append(line)
    daily = config.digest_cadence == "daily"
    writes = []
    for owner, owner_lines in sorted(by_owner.items()):
        owner_lines.sort(key=lambda line: (line.strength != "Strong", line.due or today,
                                           line.account_name))
        first = (names.get(owner) or "").split(" ")[0]
        period = today.isoformat() if daily else keys.iso_week(today)
        body = [f"{first + ', here' if first else 'Here'} are your expansion signals to review "
                f"({'today' if daily else 'this week'}, {period}):", ""]
        for line in owner_lines:
            due = f" Due {line.due.isoformat()}." if line.due else ""
            summary = line.summary.strip().rstrip(".") or "see the follow-up Task"
            body.append(f"- [{line.strength}] {line.account_name}: {summary}.{due}")
        # The digest lands on the first account of the list (a Task needs a WhatId to show
        # in an account's activity); its owner sees it in their task list regardless.
        writes.append(task(
            key=keys.digest(owner, today, daily),
            action="weekly_digest",
            subject=(f"{'Daily' if daily else 'Weekly'} expansion digest: "
                     f"{_plural(len(owner_lines), 'account', 'accounts')}"),
            owner_id=owner,
            account_id=owner_lines[0].account_id,
            due=today,
            description="\n".join(body),
            limit=config.task_description_limit,
        ))
    return writes


def weekly_digests(lines: Iterable[DigestLine], today: date,
                   config: PlaysConfig | None = None) -> list[PlannedWrite]:
    """The weekly cadence of ``signal_digests`` (kept for callers of the old name)."""
    config = config or PlaysConfig(digest_cadence="weekly")
    return signal_digests(lines, today, config)


def portfolio_action_lists(rankings: Mapping[str, tuple[str, str, str]], today: date,
                           owner_names: Mapping[str, str] | None = None,
                           config: PlaysConfig | None = None) -> list[PlannedWrite]:
    """Seed 003 prompt 2: each owner's quarterly action plan (top-10 expansion accounts with
    this quarter's action, the accounts to stabilise first) as one Task per quarter.

    Args:
        rankings: owner id -> (their first-ranked account id, its name, the rendered
            ranking from ``detection.portfolio.render_portfolio``).
    """
    config = config or PlaysConfig()
    names = owner_names or {}
    quarter = keys.quarter_of(today)
    writes = []
    for owner, (account_id, _, text) in sorted(rankings.items()):
        name = names.get(owner)
        head = (f"{name.split(' ')[0]}, here" if name else "Here") + (
            f" is your expansion plan for {quarter[:4]} Q{quarter[-1]}, from the latest scan of "
            "your accounts.")
        writes.append(task(
            key=keys.alert("portfolio", owner, quarter), action="portfolio_actions",
            subject=f"Expansion plan for {quarter[:4]} Q{quarter[-1]}: top accounts and actions",
            owner_id=owner, account_id=account_id, due=today,
            description=f"{head}\n\n{text}", limit=config.task_description_limit))
    return writes


def escalation_target(owner_id: str | None, managers: Mapping[str, str | None],
                      escalation_user: str | None) -> str | None:
    """Who hears about a missed SLA: the owner's manager, else the configured user, else
    (nobody above them on record) the owner themselves."""
    return (managers.get(owner_id or "") or escalation_user or owner_id) or None


def sla_escalations(follow_ups: Iterable[Activity], account_names: dict[str, str],
                    now: datetime, config: PlaysConfig | None = None, *,
                    managers: Mapping[str, str | None] | None = None,
                    user_names: Mapping[str, str] | None = None,
                    escalation_user: str | None = None) -> list[PlannedWrite]:
    """Strong follow-ups still open after 48 hours -> one sla_escalation Task per
    follow-up for the owner's manager (or the configured escalation user)."""
    config = config or PlaysConfig()
    people = user_names or {}
    writes = []
    for fu in follow_ups:
        if fu.radar_action != "follow_up" or fu.status == COMPLETED:
            continue
        if fu.signal_strength != "Strong" or fu.created_date is None:
            continue
        if now - fu.created_date < timedelta(hours=config.sla_follow_up_hours):
            continue
        account = fu.what_id or ""
        name = account_names.get(account) or "an account"
        who = people.get(fu.owner_id or "") or "The CS owner"
        writes.append(task(
            key=keys.sla("follow_up", fu.id),
            action="sla_escalation",
            subject=f"SLA missed: Strong signal at {name} not followed up in "
                    f"{config.sla_follow_up_hours} h",
            owner_id=escalation_target(fu.owner_id, managers or {}, escalation_user),
            account_id=account,
            due=now.date(),
            priority="High",
            description=(f"{who} has not followed up the Strong signal at {name}: the follow-up "
                         f"\"{fu.subject or 'Follow-up'}\" was created on "
                         f"{fu.created_date.date().isoformat()} and is still "
                         f"{(fu.status or 'open').lower()}. Seed 001 asks for a call within "
                         f"{config.sla_follow_up_hours} hours; check in with {who.split(' ')[0]}."
                         if who != "The CS owner" else
                         f"The Strong signal at {name} has not been followed up: the follow-up "
                         f"\"{fu.subject or 'Follow-up'}\" was created on "
                         f"{fu.created_date.date().isoformat()} and is still "
                         f"{(fu.status or 'open').lower()}."),
        ))
    return writes


def stalled(follow_ups: Iterable[Activity], opportunities: Iterable[Opportunity],
            account_names: dict[str, str], now: datetime,
            config: PlaysConfig | None = None, *,
            already_flagged: frozenset[str] = frozenset(),
            per_owner_per_day: int = STALLED_PER_OWNER_PER_DAY) -> list[PlannedWrite]:
    """Signal -> handoff over 14 days, handoff -> close over 45 days -> stalled_opportunity,
    once per item, oldest first, at most ``per_owner_per_day`` new flags per owner a day."""
    config = config or PlaysConfig()
    candidates: list[tuple[str | None, int, PlannedWrite]] = []
    for fu in follow_ups:
        if fu.radar_action != "follow_up" or fu.status == COMPLETED or fu.created_date is None:
            continue
        age = (now - fu.created_date).days
        if age <= config.sla_signal_to_handoff_days:
            continue
        account = fu.what_id or ""
        name = account_names.get(account) or "an account"
        candidates.append((fu.owner_id, age, task(
            key=keys.sla("signal_to_handoff", fu.id),
            action="stalled_opportunity",
            subject=f"Stalled: signal at {name} not handed off after {age} days "
                    f"(goal < {config.sla_signal_to_handoff_days})",
            owner_id=fu.owner_id, account_id=account, due=now.date(), priority="High",
            description=(f"The follow-up \"{fu.subject or 'Follow-up'}\" at {name} has been "
                         f"open for {age} days. Qualify it (four of the five fields hand it to "
                         "the AE) or close it if the customer has no need."),
        )))
    for opp in opportunities:
        if opp.is_closed or opp.expansion_key is None or opp.created_date is None:
            continue
        age = (now - opp.created_date).days
        if age <= config.sla_handoff_to_close_days:
            continue
        candidates.append((opp.owner_id, age, task(
            key=keys.sla("handoff_to_close", opp.id),
            action="stalled_opportunity",
            subject=f"Stalled: expansion opportunity {opp.name} open {age} days "
                    f"(goal < {config.sla_handoff_to_close_days})",
            owner_id=opp.owner_id, account_id=opp.account_id or "", due=now.date(),
            priority="High",
            description=(f"The opportunity \"{opp.name}\" has been at {opp.stage or 'its stage'} "
                         f"for {age} days since the handoff. Agree the next step with the "
                         "customer or close it."),
        )))
    writes: list[PlannedWrite] = []
    per_owner: dict[str | None, int] = defaultdict(int)
    for owner, _, write in sorted(candidates, key=lambda c: (-c[1], c[2].key)):
        if write.key in already_flagged or per_owner[owner] >= per_owner_per_day:
            continue
        per_owner[owner] += 1
        writes.append(write)
    return writes
