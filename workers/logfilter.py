"""Stamp every log line written while a job runs with its job id (as redash does)."""

from __future__ import annotations

import logging

from rq import get_current_job


class JobIdFilter(logging.Filter):
    """Adds ``record.job_id`` ("-" outside a job) so formats can include %(job_id)s."""

    def filter(self, record: logging.LogRecord) -> bool:
        job = get_current_job()
        record.job_id = job.id if job is not None else "-"
        return True


LOG_FORMAT = "%(asctime)s %(levelname)s [job %(job_id)s] %(name)s: %(message)s"


def install(level: int = logging.INFO) -> None:
    """Configure root logging with the job-id stamp (idempotent)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if any(isinstance(f, JobIdFilter) for f in handler.filters):
            return
    handler = logging.StreamHandler()
    handler.addFilter(JobIdFilter())
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
