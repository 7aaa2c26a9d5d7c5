"""Periodic jobs, declared as data and handed to `rq cron` (RQ 3's scheduler).

Cron expressions are evaluated in UTC by RQ. Jobs tied to the org's local time (the Monday
08:00 digest) run hourly and decide for themselves, from the Organization's TimeZoneSidKey,
whether the local moment has come; their idempotency keys make an extra run harmless.
"""

from __future__ import annotations

from dataclasses import dataclass

from workers.queues import SCAN, WRITEBACK


@dataclass(frozen=True)
class Schedule:
    name: str
    func: str  # dotted path of the job function
    queue: str
    cron: str
    description: str
    timeout: int = 3600


SCHEDULES: tuple[Schedule, ...] = (
    Schedule("incremental-sync", "workers.jobs.incremental_sync", SCAN, "*/15 * * * *",
             "Back-sync what changed since the watermark, every 15 minutes"),
    Schedule("full-scan", "workers.jobs.full_scan", SCAN, "0 3 * * *",
             "Full scan of every account, daily at 03:00 UTC", timeout=6 * 3600),
    Schedule("weekly-digest", "workers.periodic_jobs.weekly_digest", WRITEBACK, "5 * * * *",
             "Signal digest per CS owner at 08:00 in the org's time zone, every weekday "
             "(RADAR_DIGEST_CADENCE=daily, the default) or Mondays (weekly); checked hourly"),
    Schedule("portfolio-actions", "workers.periodic_jobs.portfolio_actions", WRITEBACK,
             "45 6 * * *", "The quarter's top-10 expansion accounts and actions per AE and CS "
             "owner (one Task per owner per quarter; later days of the quarter are no-ops)"),
    Schedule("sla-check", "workers.periodic_jobs.sla_check", WRITEBACK, "15 6 * * *",
             "Strong signals without follow-up after 48 h; stalled handoffs and opportunities"),
    Schedule("qbr-prep", "workers.periodic_jobs.qbr_prep", WRITEBACK, "30 6 * * *",
             "QBR preparation at D-30 for Play 02 accounts"),
)
