"""Deterministic idempotency keys (Expansion_Key__c) for everything the service writes.

A key depends only on what the write is about (account, signal episode, period), never on
when or how often a run happened, so replays and overlapping runs produce the same key and
the integration layer's dedupe turns the second write into a no-op.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

MAX_KEY = 255  # Expansion_Key__c is Text(255)


def _clip(key: str) -> str:
    if len(key) <= MAX_KEY:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return key[: MAX_KEY - 17] + "~" + digest


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}W{week:02d}"


def digest_of(parts: Iterable[str]) -> str:
    joined = "|".join(sorted(parts))
    return hashlib.sha256(joined.encode()).hexdigest()[:12]


def signal_log(account_id: str, signal_type: str, episode: str) -> str:
    return _clip(f"sig:{account_id}:{signal_type}:{episode}")


def follow_up(account_id: str, episodes: Iterable[str]) -> str:
    return _clip(f"fu:{account_id}:{digest_of(episodes)}")


def renewal_rescue(account_id: str, day: date) -> str:
    return _clip(f"rescue:{account_id}:{quarter_of(day)}")


def alert(action: str, account_id: str, episode: str, owner_id: str | None = None) -> str:
    suffix = f":{owner_id}" if owner_id else ""
    return _clip(f"{action}:{account_id}:{episode}{suffix}")


def qbr_prep(account_id: str, qbr_date: date) -> str:
    return _clip(f"qbr:{account_id}:{qbr_date.isoformat()}")


def qbr_meeting(account_id: str, qbr_date: date) -> str:
    return _clip(f"qbrmeet:{account_id}:{qbr_date.isoformat()}")


def weekly_digest(owner_id: str, day: date) -> str:
    return _clip(f"digest:{owner_id}:{iso_week(day)}")


def digest(owner_id: str, day: date, daily: bool) -> str:
    """One digest per owner per day (daily cadence) or per ISO week (weekly)."""
    return _clip(f"digest:{owner_id}:{day.isoformat() if daily else iso_week(day)}")


def handoff_opportunity(follow_up_task_id: str) -> str:
    return _clip(f"opp:{follow_up_task_id}")


def handoff_alignment(follow_up_task_id: str) -> str:
    return _clip(f"align:{follow_up_task_id}")


def handoff_review(follow_up_task_id: str) -> str:
    return _clip(f"review:{follow_up_task_id}")


def handoff_draft(follow_up_task_id: str) -> str:
    return _clip(f"draft:{follow_up_task_id}")


def contact_role(opportunity_key: str, contact_id: str, role: str) -> str:
    return _clip(f"ocr:{opportunity_key}:{contact_id}:{role}")


def sla(kind: str, subject_id: str) -> str:
    return _clip(f"sla:{kind}:{subject_id}")
