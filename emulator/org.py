"""One running emulated org: its schema, records, clock, credentials, sessions, API
allowance, faults, query locators, bulk jobs and triggers — everything a request needs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.clock import Clock
from emulator.credentials import Credentials, load_or_create
from emulator.faults import FaultInjector
from emulator.limits import ApiUsage
from emulator.metadata import default_metadata_dir, load_metadata
from emulator.schema import Schema
from emulator.sessions import SessionRegistry
from emulator.standard_objects import standard_schema
from emulator.store import Store

log = logging.getLogger(__name__)
DEFAULT_METADATA = "default"


@dataclass
class EmulatorOptions:
    """How to start an emulator (the `radar emulator` flags)."""

    state_dir: Path
    data_path: Path | None = None
    metadata: str | Path | None = DEFAULT_METADATA  # "default", a directory, or None (no metadata)
    api_limit: int = 15000
    fault_rate: float = 0.0
    latency_ms: int = 0
    expire_every: int = 0
    fault_seed: int = 0
    session_ttl: float = 7200.0
    api_version: str = "59.0"
    time_zone: str = "America/Los_Angeles"
    triggers_file: Path | None = None
    host: str = "127.0.0.1"
    port: int = 0
    ingest_delay: float = 0.4  # Bulk API 2.0 ingest: seconds from UploadComplete to JobComplete


def build_schema(options: EmulatorOptions) -> Schema:
    """Standard objects plus the metadata the options ask for."""
    schema = standard_schema()
    if options.metadata == DEFAULT_METADATA:
        load_metadata(schema, default_metadata_dir())
    elif options.metadata is not None:
        load_metadata(schema, Path(options.metadata))
    return schema


class Org:
    """The state behind one emulator server."""

    def __init__(self, options: EmulatorOptions) -> None:
        from emulator.bulk2_jobs import BulkJobs
        from emulator.metadata_api.jobs import DeployJobs
        from emulator.query_locators import LocatorCache
        from emulator.triggers import TriggerEngine

        self.options = options
        options.state_dir.mkdir(parents=True, exist_ok=True)
        self.clock = Clock()
        self.schema = build_schema(options)
        self.store = Store(self.schema, options.data_path, self.clock, time_zone=options.time_zone)
        self.credentials: Credentials = load_or_create(options.state_dir)
        self.sessions = SessionRegistry(self.store.org_id, options.session_ttl,
                                       lambda: self.clock.now().timestamp())
        self.usage = ApiUsage(self.clock, options.api_limit)
        self.faults = FaultInjector(options.fault_rate, options.latency_ms, options.expire_every,
                                    options.fault_seed)
        self.locators = LocatorCache()
        self.bulk = BulkJobs(self)
        self.deploys = DeployJobs(self)
        self.triggers = TriggerEngine(self)
        self.store.add_listener(self.triggers.on_events)
        if options.triggers_file:
            self.triggers.load_file(Path(options.triggers_file))
        self.instance_url = ""  # set by the server once it listens
        self.notifications: list[dict[str, Any]] = []  # customNotificationAction inputs sent
        self._ensure_notification_type()

    def _ensure_notification_type(self) -> None:
        """The product's package ships the Expansion_Radar_Alert notification type
        (field_specs.sfdx); an emulated org holds it as if the package were deployed."""
        name = "Expansion_Radar_Alert"
        if not self.store.query("SELECT Id FROM CustomNotificationType "
                                "WHERE DeveloperName = 'Expansion_Radar_Alert'"):
            self.store.insert("CustomNotificationType", {
                "DeveloperName": name, "MasterLabel": "Expansion Radar alert",
                "CustomNotifTypeName": "Expansion Radar alert", "Desktop": True, "Mobile": True})

    @property
    def api_version(self) -> str:
        """Default API version (also what the env file names)."""
        return self.options.api_version

    def user_by_username(self, username: str) -> dict[str, Any] | None:
        """An active user row by username (case-insensitive), or None."""
        with self.store.connection() as conn:
            row = conn.execute('SELECT Id, Username FROM "User" WHERE lower(Username) = lower(?) '
                               "AND IsDeleted = 0 AND IsActive = 1", (username,)).fetchone()
        return {"Id": row[0], "Username": row[1]} if row else None

    def close(self) -> None:
        """Stop background work and close the store."""
        self.triggers.stop()
        self.bulk.stop()
        self.store.close()
