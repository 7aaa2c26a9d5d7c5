"""The module `rq cron` loads: registers every Schedule (workers.schedules) with RQ."""

from __future__ import annotations

import importlib
import os

from rq import cron

from workers.schedules import SCHEDULES


def _resolve(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


ORG_KEY = os.environ.get("RADAR_ORG_KEY", "default")  # read when rq loads this config module

for schedule in SCHEDULES:
    cron.register(
        _resolve(schedule.func),
        schedule.queue,
        kwargs={"org_key": ORG_KEY},
        cron=schedule.cron,
        job_timeout=schedule.timeout,
        name=schedule.name,
    )
