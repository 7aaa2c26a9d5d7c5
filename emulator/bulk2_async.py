"""Bulk API 2.0 ingest processed asynchronously, as Salesforce does.

Marking a job ``UploadComplete`` only queues it: "Salesforce processes the job's data
asynchronously ... check the job's status with Get Job Info until it is JobComplete"
(Bulk API 2.0 Developer Guide, "Walkthrough for Bulk Insert", and "Job states":
Open -> UploadComplete -> InProgress -> JobComplete | Failed | Aborted). Here a background
thread takes the job after half of ``delay`` (InProgress), processes its rows, and marks
it JobComplete after the other half, so a client that reads results without polling gets
a job still running, as it would against a real org.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Protocol


class _Jobs(Protocol):
    """What the runner needs of ``bulk2_jobs.BulkJobs`` (no import: no cycle)."""

    def process(self, job: Any, user_id: str, final_state: str = ...) -> None: ...

log = logging.getLogger(__name__)
DEFAULT_INGEST_DELAY = 0.4  # seconds from UploadComplete to JobComplete


class IngestRunner:
    """Runs queued ingest jobs in the background, one thread per job."""

    def __init__(self, bulk: _Jobs, delay: float = DEFAULT_INGEST_DELAY) -> None:
        self.bulk = bulk
        self.delay = delay
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    def start(self, job: Any, user_id: str) -> None:
        """Queue ``job`` (already UploadComplete) for processing."""
        thread = threading.Thread(target=self._run, args=(job, user_id),
                                  name=f"bulk-ingest-{job.id}", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    def _run(self, job: Any, user_id: str) -> None:
        if self._stopping.wait(self.delay / 2) or job.state != "UploadComplete":
            return  # stopped, or aborted while queued
        try:
            self.bulk.process(job, user_id, final_state="InProgress")
        except Exception as exc:  # noqa: BLE001 - a job that cannot run fails, as on Salesforce
            log.warning("ingest job %s failed: %s", job.id, exc)
            job.state, job.error_message = "Failed", str(exc)
            return
        time.sleep(self.delay / 2)
        job.state = "JobComplete"

    def stop(self, timeout: float = 5.0) -> None:
        """Let running jobs finish (queued ones are dropped)."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout)
