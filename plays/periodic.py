"""Plays run on a schedule rather than per scan: the weekly digest and the SLA checks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from detection.snapshot import Activity, Opportunity
from plays import keys
from plays.config import PlaysConfig
from plays.plan import PlannedWrite
from plays.tasks import COMPLETED, task


@dataclass(frozen=True)
class DigestLine:
    owner_id: str
    account_id: str
    account_name: str
    strength: str
    summary: str
    follow_up_id: str | None = None
    due: date | None = None


def weekly_digests(lines: Iterable[DigestLine], today: date,
                   config: PlaysConfig | None = None) -> list[PlannedWrite]:
    """One digest Task per CS owner per ISO week, listing the owner's open episodes
    (Moderate ones first-class, Strong ones as a reminder)."""
    config = config or PlaysConfig()
    by_owner: dict[str, list[DigestLine]] = defaultdict(list)
    for line in lines:
        by_owner[line.owner_id].append(line)
    writes = []
    for owner, owner_lines in sorted(by_owner.items()):
        owner_lines.sort(key=lambda line: (line.strength != "Strong", line.account_name))
        body = [f"Expansion signals to review this week ({keys.iso_week(today)}):", ""]
        for line in owner_lines:
            due = f" (due {line.due.isoformat()})" if line.due else ""
            body.append(f"- [{line.strength}] {line.account_name}: {line.summary}{due}")
        # The digest lands on the first account of the list (a Task needs a WhatId to show
        # in an account's activity); its owner sees it in their task list regardless.
        writes.append(task(
            key=keys.weekly_digest(owner, today),
            action="weekly_digest",
            subject=f"Weekly expansion digest: {len(owner_lines)} account(s)",
            owner_id=owner,
            account_id=owner_lines[0].account_id,
            due=today,
            description="\n".join(body),
            limit=config.task_description_limit,
        ))
    return writes


def sla_escalations(follow_ups: Iterable[Activity], account_names: dict[str, str],
                    now: datetime, config: PlaysConfig | None = None) -> list[PlannedWrite]:
    """Strong follow-ups still open after 48 hours -> an sla_escalation Task (once each)."""
    config = config or PlaysConfig()
    writes = []
    for fu in follow_ups:
        if fu.radar_action != "follow_up" or fu.status == COMPLETED:
            continue
        if fu.signal_strength != "Strong" or fu.created_date is None:
            continue
        if now - fu.created_date < timedelta(hours=config.sla_follow_up_hours):
            continue
        account = fu.what_id or ""
        writes.append(task(
            key=keys.sla("follow_up", fu.id),
            action="sla_escalation",
            subject=f"SLA missed: Strong signal at {account_names.get(account, account)} "
                    f"not followed up in {config.sla_follow_up_hours} h",
            owner_id=fu.owner_id,
            account_id=account,
            due=now.date(),
            priority="High",
            description=(f"Follow-up Task {fu.id} ({fu.subject}) was created "
                         f"{fu.created_date.isoformat()} and is still {fu.status}."),
        ))
    return writes


def stalled(follow_ups: Iterable[Activity], opportunities: Iterable[Opportunity],
            account_names: dict[str, str], now: datetime,
            config: PlaysConfig | None = None) -> list[PlannedWrite]:
    """Signal -> handoff over 14 days, handoff -> close over 45 days -> stalled_opportunity."""
    config = config or PlaysConfig()
    writes = []
    for fu in follow_ups:
        if fu.radar_action != "follow_up" or fu.status == COMPLETED or fu.created_date is None:
            continue
        age = (now - fu.created_date).days
        if age <= config.sla_signal_to_handoff_days:
            continue
        account = fu.what_id or ""
        writes.append(task(
            key=keys.sla("signal_to_handoff", fu.id),
            action="stalled_opportunity",
            subject=f"Stalled: signal at {account_names.get(account, account)} not handed "
                    f"off after {age} days (goal < {config.sla_signal_to_handoff_days})",
            owner_id=fu.owner_id, account_id=account, due=now.date(), priority="High",
            description=f"Follow-up Task {fu.id}: {fu.subject}",
        ))
    for opp in opportunities:
        if opp.is_closed or opp.expansion_key is None or opp.created_date is None:
            continue
        age = (now - opp.created_date).days
        if age <= config.sla_handoff_to_close_days:
            continue
        writes.append(task(
            key=keys.sla("handoff_to_close", opp.id),
            action="stalled_opportunity",
            subject=f"Stalled: expansion opportunity {opp.name} open {age} days "
                    f"(goal < {config.sla_handoff_to_close_days})",
            owner_id=opp.owner_id, account_id=opp.account_id or "", due=now.date(),
            priority="High",
            description=f"Opportunity {opp.id} at stage {opp.stage} since the handoff.",
        ))
    return writes

